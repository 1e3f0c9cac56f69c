"""A store that defends itself: damaged, foreign, read-only, mismatched and busy stores, and every released schema.

Each fault is made on a real SQLite file; the commands run through the CLI (a real subprocess where
file permissions or several processes matter) and must answer in one line, exit 1, and leave the
file as it was.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import ROOT, copy_store
from streamlit.testing.v1 import AppTest
from support.desk import send
from support.make_store_fixtures import RELEASED, build, fixture_path

from bilingual.cli import main
from bilingual.cli.common import fail_cleanly
from bilingual.documents import load_document
from bilingual.segment import segment_document, text_hash
from bilingual.store import MIGRATIONS, Store, StoreError
from bilingual.store import types as store_types
from bilingual.store.schema import APPLICATION_ID

NEWEST = len(MIGRATIONS)
DANISH = "Regeringen fremlagde i dag et nyt forslag.\n\nForslaget skal vedtages inden jul.\n"
ENGLISH = "The government presented a new proposal today.\n\nIt must be passed before Christmas.\n"


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


def digest(path: Path) -> str:
    """The bytes of a store file (what a write would change, once its WAL is folded back at close)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def raw(path: Path) -> closing[sqlite3.Connection]:
    return closing(sqlite3.connect(path))


def one_line_error(result, *words: str) -> str:
    """The single line a failed command printed; it must name every word given."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output, result.exception
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# --------------------------------------------------------------------------- the stores and their faults


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    """A good store of the newest version with one of everything, and the files the commands take."""
    folder = tmp_path_factory.mktemp("defence")
    da, en = folder / "artikel.txt", folder / "article.txt"
    da.write_text(DANISH, encoding="utf-8")
    en.write_text(ENGLISH, encoding="utf-8")
    good = copy_store(fixture_path(4), folder / "good.sqlite3")
    with Store(good) as store:
        for path in (da, en):
            doc = load_document(path)
            store.add_document(doc, segment_document(doc))
    reviews = folder / "reviews.csv"
    assert run("export", "--format", "csv", "--out", reviews, "--db", good).exit_code == 0
    terms = folder / "terms.csv"
    terms.write_text("danish,english\nregering,government\n", encoding="utf-8")
    return {"good": good, "da": da, "en": en, "reviews": reviews, "terms": terms, "folder": folder}


def commands(inputs: dict[str, Path], db: Path, out: Path) -> dict[str, list]:
    """Every command that opens the store, with arguments that get it as far as the store."""
    return {
        "translate": ["translate", inputs["da"], "--model", out.parent / "no-model", "--db", db],
        "add": ["add", inputs["da"], "--db", db],
        "furniture": ["furniture", "artikel.txt", "--db", db],
        "stats": ["stats", "--db", db],
        "align": ["align", "--db", db],
        "align-files": ["align-files", inputs["da"], inputs["en"], "--model", out.parent / "no-model", "--db", db],
        "coverage": ["coverage", "--db", db],
        "export": ["export", "--format", "csv", "--out", out, "--db", db],
        "import-reviews": ["import-reviews", inputs["reviews"], "--db", db],
        "glossary import": ["glossary", "import", inputs["terms"], "--db", db],
        "glossary list": ["glossary", "list", "--db", db],
        "glossary add": ["glossary", "add", "forslag", "proposal", "--db", db],
        "glossary remove": ["glossary", "remove", "forslag", "--db", db],
        "glossary check": ["glossary", "check", "--db", db],
    }


COMMANDS = ["translate", "add", "furniture", "stats", "align", "align-files", "coverage", "export", "import-reviews",
            "glossary import", "glossary list", "glossary add", "glossary remove", "glossary check"]


def not_a_database(path: Path, good: Path) -> None:
    path.write_bytes(b"x\n")


def foreign_tables(path: Path, good: Path) -> None:
    with raw(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('mine')")
        conn.commit()


def foreign_application(path: Path, good: Path) -> None:
    foreign_tables(path, good)
    with raw(path) as conn:
        conn.execute("PRAGMA application_id = 1234")


def damaged_schema(path: Path, good: Path) -> None:
    copy_store(good, path)
    data = path.read_bytes()
    assert data.count(b"CREATE TABLE glossary") == 1
    path.write_bytes(data.replace(b"CREATE TABLE glossary", b"CREATE TABLX glossary"))


def version_set_back_to(version: int):
    def fault(path: Path, good: Path) -> None:
        copy_store(good, path)
        with raw(path) as conn:
            conn.execute(f"PRAGMA user_version = {version}")
    return fault


def dropped_table(path: Path, good: Path) -> None:
    copy_store(good, path)
    with raw(path) as conn:
        conn.execute("DROP TABLE review_history")


def dropped_column(path: Path, good: Path) -> None:
    copy_store(good, path)
    with raw(path) as conn:
        conn.execute("ALTER TABLE segments DROP COLUMN furniture_set_by")


FAULTS = {
    "not a database": (not_a_database, "not an SQLite database"),
    "another application's tables": (foreign_tables, "not a bilingual store"),
    "another application's id": (foreign_application, "not a bilingual store"),
    "a damaged schema": (damaged_schema, "damaged"),
    "user_version set back to 0": (version_set_back_to(0), "schema version 0"),
    "user_version set back to 2": (version_set_back_to(2), "schema version 2"),
    "a dropped table": (dropped_table, "review_history"),
    "a dropped column": (dropped_column, "segments.furniture_set_by"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_every_command_refuses_a_bad_store_in_one_line_and_leaves_it_as_it_was(fault, inputs, tmp_path):
    make, words = FAULTS[fault]
    db = tmp_path / "t.sqlite3"
    make(db, inputs["good"])
    before = digest(db)
    for name, args in commands(inputs, db, tmp_path / "out.csv").items():
        line = one_line_error(run(*args), words)
        assert str(db) in line, (name, line)
        assert digest(db) == before, f"{name} changed the file"
        assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0, name
    assert not (tmp_path / "out.csv").exists()
    assert not list(tmp_path.glob("*.bak"))


def test_a_damaged_page_fails_the_commands_that_read_it_in_one_line(inputs, tmp_path):
    db = copy_store(inputs["good"], tmp_path / "t.sqlite3")
    with raw(db) as conn:
        root, page_size = conn.execute("SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master"
                                       " WHERE name = 'segments'").fetchone()
    with db.open("r+b") as f:  # an invalid b-tree page type: "database disk image is malformed"
        f.seek((root - 1) * page_size)
        f.write(b"\x00")
    before = digest(db)
    for name in ("stats", "add", "export", "furniture"):
        one_line_error(run(*commands(inputs, db, tmp_path / "out.csv")[name]), str(db), "damaged", ".recover")
    assert digest(db) == before


def test_an_empty_file_is_a_new_store_only_for_commands_that_make_one(inputs, tmp_path):
    makers = {"translate", "add", "glossary import", "glossary add", "align-files"}
    for name in COMMANDS:
        db = tmp_path / f"{name.replace(' ', '-')}.sqlite3"
        db.write_bytes(b"")
        result = run(*commands(inputs, db, tmp_path / "out.csv")[name])
        if name in makers:
            continue
        one_line_error(result, str(db), "empty file, not a store")
        assert db.stat().st_size == 0, name
    with raw(tmp_path / "add.sqlite3") as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("SELECT name FROM documents").fetchall() == [("artikel.txt",)]
    with pytest.raises(StoreError, match="empty file, not a store"):
        Store(tmp_path / "stats.sqlite3", create=False)


def test_a_store_path_under_a_file_is_one_line(inputs, tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    db = tmp_path / "notes.txt" / "s.sqlite3"
    one_line_error(run("add", inputs["da"], "--db", db), str(db), "notes.txt is a file, not a folder")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


# --------------------------------------------------------------------------- read-only files and folders


def _without_permission_overrides() -> None:
    """In the child: give up the capabilities that let root write where the permissions say no."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def cli_process(*args) -> subprocess.CompletedProcess:
    """The CLI in a child process that file permissions bind (even when the tests run as root)."""
    code = "import sys; from bilingual.cli import main; main(sys.argv[1:], prog_name='bilingual')"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, timeout=120,
                          preexec_fn=_without_permission_overrides, env={**os.environ, "HF_HUB_OFFLINE": "1"})


def one_line_failure(proc: subprocess.CompletedProcess, *words: str) -> str:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_a_read_only_store_is_read_but_never_written(inputs, tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    db = copy_store(inputs["good"], folder / "s.sqlite3")
    db.chmod(0o444)
    new = tmp_path / "other.txt"
    new.write_text("Et helt nyt dokument om noget andet.\n", encoding="utf-8")
    before = digest(db)
    stats = cli_process("stats", "--json", "--db", db)
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["documents"] == 4
    one_line_failure(cli_process("add", new, "--db", db), str(db), "read-only")
    one_line_failure(cli_process("glossary", "add", "nyt", "new", "--db", db), str(db), "read-only")
    folder.chmod(0o555)
    try:
        for leftover in folder.glob("s.sqlite3-*"):
            leftover.unlink()
        one_line_failure(cli_process("stats", "--db", db), str(db), "read-only")
        one_line_failure(cli_process("add", new, "--db", folder / "new.sqlite3"), "new.sqlite3", "read-only")
    finally:
        folder.chmod(0o755)
    assert digest(db) == before
    assert not (folder / "new.sqlite3").exists()


# --------------------------------------------------------------------------- every released schema version


def rows_of(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table of a store file."""
    with raw(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                             " AND name NOT LIKE 'sqlite_%'")]
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}


def test_the_committed_stores_are_those_the_releases_made(tmp_path):
    assert RELEASED == tuple(range(1, len(RELEASED) + 1))
    for version in RELEASED:
        with raw(fixture_path(version)) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == version
            assert conn.execute("PRAGMA application_id").fetchone()[0] == 0
        assert rows_of(build(version, tmp_path / f"v{version}.sqlite3")) == rows_of(fixture_path(version))


@pytest.mark.parametrize("version", RELEASED)
def test_a_store_of_every_released_version_migrates_with_its_data_and_a_backup(version, tmp_path):
    db = tmp_path / "store.sqlite3"
    shutil.copy(fixture_path(version), db)
    before = rows_of(db)
    with Store(db) as store:
        assert store.schema_version == NEWEST
        assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert [(d.name, d.language) for d in store.documents()] == [("nyhed.txt", "da"), ("news.txt", "en")]
        danish = store.segments(store.document("nyhed.txt").id)
        assert [s.furniture for s in danish] == [None, "read also", None]
        first = text_hash(danish[0].text)
        assert store.review(first).final_text == "The government presented a new proposal today."
        assert [h.version for h in store.review_history(first)] == [1]
        assert store.cached_translations([first], "marian") == {first: "The government presented a proposal today."}
        assert [(a.status, a.reviewer) for a in store.alignments()] == [("accepted", "ana")]
        assert [p.detected for p in store.paragraphs(danish[0].document_id)] == [None, "read also", None]
        drafts = store.drafts([text_hash(danish[2].text)], "bo")
        assert [d.text for d in drafts.values()] == (["It must pass before Christmas."] if version >= 2 else [])
        assert [(t.danish, t.english) for t in store.terms()] == ([("forslag", ("proposal", "bill"))]
                                                                  if version >= 4 else [])
    after = rows_of(db)
    for table, rows in before.items():  # every old row is there, its old columns unchanged
        assert [row[: len(rows[0])] for row in after[table]] == rows if rows else after[table] == [], table
    backup = tmp_path / f"store.sqlite3.v{version}.bak"
    assert rows_of(backup) == before
    with raw(backup) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    with Store(db) as again:  # a second open migrates nothing and writes no second backup
        assert again.schema_version == NEWEST
    assert sorted(p.name for p in tmp_path.iterdir() if ".bak" in p.name) == [backup.name]


def test_a_new_store_carries_the_application_id_and_needs_no_backup(tmp_path):
    with Store(tmp_path / "new.sqlite3") as store:
        assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert [p.name for p in tmp_path.iterdir()] == ["new.sqlite3"]


def test_a_damaged_old_store_is_not_migrated(tmp_path):
    db = tmp_path / "store.sqlite3"
    shutil.copy(fixture_path(2), db)
    with raw(db) as conn:
        root, page_size = conn.execute("SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master"
                                       " WHERE name = 'documents'").fetchone()
    with db.open("r+b") as f:  # a cell pointer out of range: readable, but PRAGMA integrity_check says no
        f.seek((root - 1) * page_size + 8)
        f.write(b"\xff\xff\xff\xff")
    before = digest(db)
    with pytest.raises(StoreError, match="damaged") as refused:
        Store(db)
    assert "\n" not in str(refused.value) and str(db) in str(refused.value)
    # SQLite reports this damage as a failed integrity check or, at times, as a malformed image: damaged either way
    one_line_error(run("stats", "--db", db), str(db), "damaged", ".recover")
    assert digest(db) == before
    with raw(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    assert not list(tmp_path.glob("*.bak"))


# --------------------------------------------------------------------------- other processes


def wait_for(paths: list[Path], what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not all(p.exists() for p in paths):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} never got ready")
        time.sleep(0.01)


LOCK_HOLDER = """
import sqlite3, sys, time
from pathlib import Path
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO glossary (danish, english, note, source, added_at, danish_key, english_key)"
             " VALUES ('lås', '[\\"lock\\"]', '', 'holder', 'now', 'lås', 'lock')")
Path(sys.argv[2]).touch()
while Path(sys.argv[2]).exists():
    time.sleep(0.01)
conn.execute("COMMIT")
"""


def test_a_lock_held_longer_than_the_wait_is_one_clear_line(inputs, tmp_path, monkeypatch):
    db = copy_store(inputs["good"], tmp_path / "s.sqlite3")
    held = tmp_path / "held"
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(db), str(held)])
    try:
        wait_for([held], "the lock holder")
        monkeypatch.setattr(store_types, "BUSY_TIMEOUT_S", 0.3)
        with Store(db) as store:
            with pytest.raises(StoreError, match="locked by another process") as busy:
                store.save_review("Hej.", "Hello.", "accepted", expected_version=0)
            assert str(db) in str(busy.value) and "\n" not in str(busy.value)
        one_line_error(run("glossary", "add", "forslag", "bill", "--db", db), str(db), "locked by another process")
    finally:
        held.unlink(missing_ok=True)
        assert holder.wait(timeout=60) == 0
    with Store(db) as store:
        assert store.review(text_hash("Hej.")) is None
        assert [(t.danish, t.english) for t in store.terms()] == [("forslag", ("proposal", "bill")), ("lås", ("lock",))]
        store.save_review("Hej.", "Hello.", "accepted", expected_version=0)


OPENER = """
import sys, time
from pathlib import Path
from bilingual.documents import load_document
from bilingual.segment import segment_document
from bilingual.store import Store
db, name, gate, count, text = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
doc_file = Path(gate.parent, name + ".txt")
doc_file.write_text(text, encoding="utf-8")
doc = load_document(doc_file, language="da")
Path(f"{gate}.{name}.ready").touch()
while not gate.exists():
    time.sleep(0.001)
results = []
for _ in range(count):
    with Store(db) as store:
        results.append(store.add_document(doc, segment_document(doc)))
print(repr(results))
"""


def race(tmp_path: Path, db: Path | str, texts: list[str], count: int) -> list[list[tuple[int, bool]]]:
    """Start one process per text; all open the store and add their document ``count`` times at once."""
    gate = tmp_path / "gate"
    procs = [subprocess.Popen([sys.executable, "-c", OPENER, str(db), f"p{k}", str(gate), str(count), text],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for k, text in enumerate(texts)]
    wait_for([tmp_path / f"gate.p{k}.ready" for k in range(len(texts))], "the racing processes")
    gate.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results.append(eval(out))
    return results


def test_processes_creating_one_new_store_at_once_all_succeed(tmp_path, db):
    # On either backend: an SQLite file that is not there yet, an empty PostgreSQL database.
    texts = [f"Dokument nummer {k} handler om emne {k}." for k in range(8)]
    results = race(tmp_path, db, texts, 1)
    assert all(created for [(_, created)] in results)
    with Store(db) as store:
        assert store.schema_version == NEWEST
        assert len(store.documents()) == 8


def test_processes_adding_the_same_content_at_once_store_it_once(tmp_path, db):
    Store(db).close()
    results = race(tmp_path, db, ["Det samme dokument, tilføjet af alle på én gang."] * 8, 5)
    ids = {doc_id for run_ in results for doc_id, _ in run_}
    assert len(ids) == 1
    assert sum(created for run_ in results for _, created in run_) == 1
    with Store(db) as store:
        assert len(store.documents()) == 1 and len(store.segments()) == 1


# --------------------------------------------------------------------------- the last net, and the review app


@pytest.mark.parametrize(("error", "words"), [
    (sqlite3.OperationalError("disk I/O error"), ["disk I/O error"]),
    (PermissionError(13, "Permission denied", "/data/x.sqlite3"), ["Permission denied", "/data/x.sqlite3"]),
])
def test_fail_cleanly_turns_a_stray_sqlite_or_os_error_into_one_line(error, words):
    @fail_cleanly
    def command():
        raise error

    with pytest.raises(click.ClickException) as failed:
        command()
    assert "\n" not in failed.value.message
    assert all(word in failed.value.message for word in words), failed.value.message


def test_the_review_app_shows_a_bad_store_as_one_error_line(tmp_path, monkeypatch):
    db = tmp_path / "t.sqlite3"
    db.write_bytes(b"x\n")
    monkeypatch.setenv("BILINGUAL_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert any("not an SQLite database" in e.value and str(db) in e.value for e in at.error)
    assert db.read_bytes() == b"x\n"


def test_an_edit_in_the_review_app_on_a_store_broken_meanwhile_is_one_error_line(inputs, tmp_path, monkeypatch):
    db = copy_store(inputs["good"], tmp_path / "review.sqlite3")
    monkeypatch.setenv("BILINGUAL_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    with Store(db) as store:
        first = store.segments(store.document("nyhed.txt").id)[0]
    with raw(db) as conn:
        conn.execute("DROP TABLE review_history")
    # Typing in the desk sends the text as a draft, which opens the store.
    send(at, {"type": "draft", "id": first.id, "text": "A corrected sentence.", "version": 0, "active": first.id})
    assert any("review_history" in e.value and str(db) in e.value for e in at.error)
    with raw(db) as conn:
        assert conn.execute("SELECT text FROM drafts WHERE text = 'A corrected sentence.'").fetchall() == []
        stored = conn.execute("SELECT final_text FROM reviews WHERE text_hash = ?", (text_hash(first.text),))
        assert stored.fetchall() == [("The government presented a new proposal today.",)]
