"""Crashes, full disks and export files, attacked through the installed ``bilingual`` command.

Every test here runs the real console script in a subprocess: a process killed with SIGKILL, a store
that cannot grow, an export that cannot be written. After each fault the store must pass SQLite's
integrity check, hold no duplicate or half-written rows, keep everything committed before the fault,
and a rerun must finish the work.
"""

from __future__ import annotations

import csv
import os
import random
import resource
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from conftest import copy_store

from bilingual.pipeline import add_documents
from bilingual.store import Store

HERE = Path(__file__).parent
PAGE_LIMIT = HERE / "support" / "page_limit.py"
SENTENCES_PER_DOCUMENT = 12
# Enough Danish sentences that an export is far larger than the file-size limit of the full-disk tests,
# and that one import-reviews run makes thousands of commits to kill it among.
CORPUS_DOCUMENTS = 160
TRANSLATED = [f"dk{d:03d}.txt" for d in range(6)]  # not in the template: translate adds them
ALIGNED = [f"dk{d:03d}.txt" for d in range(6, 10)]
EXPORT_LIMIT = 64 * 1024  # bytes a process may write to one file in the full-disk export test

_SUBJECTS = ["Kommunen", "Regeringen", "Forskerne", "Skolen", "Hospitalet", "Politiet", "Virksomheden", "Borgerne"]
_VERBS = ["har i år brugt", "forventer at bruge", "vil næste år investere", "sparede sidste år"]
_OBJECTS = ["på nye cykelstier i byen", "på bedre undervisning af børnene", "på flere sygeplejersker om natten",
            "på grøn energi til boligerne", "på veje og broer langs kysten"]
_EN_SUBJECTS = ["The council", "The government", "The researchers", "The school", "The hospital", "The police"]
_EN_OBJECTS = ["on new cycle lanes in the city", "on better teaching for the children", "on more night nurses",
               "on green energy for the homes", "on roads and bridges along the coast"]


def bilingual_command() -> str:
    """The installed console script (the package has no ``__main__``), beside this interpreter first."""
    beside = Path(sys.executable).with_name("bilingual")
    if beside.is_file():
        return str(beside)
    import shutil

    found = shutil.which("bilingual")
    if not found:
        pytest.fail("the `bilingual` console script is not installed (pip install -e .)")
    return found


BILINGUAL = bilingual_command()


def _document(number: int, sentence) -> str:
    """Four paragraphs of three sentences, numbered so that no sentence repeats in any other document."""
    paragraphs = []
    for p in range(4):
        ks = [number * SENTENCES_PER_DOCUMENT + p * 3 + i for i in range(3)]
        paragraphs.append(" ".join(sentence(k, random.Random(k)) for k in ks))
    return "\n\n".join(paragraphs) + "\n"


def danish_document(number: int) -> str:
    """Twelve Danish sentences about budgets."""
    return _document(number, lambda k, r: f"{r.choice(_SUBJECTS)} {r.choice(_VERBS)} {k + 3} millioner kroner"
                                          f" {r.choice(_OBJECTS)}.")


def english_document(number: int) -> str:
    """Twelve English sentences about the same budgets."""
    return _document(number, lambda k, r: f"{r.choice(_EN_SUBJECTS)} spent {k + 3} million kroner"
                                          f" {r.choice(_EN_OBJECTS)} this year.")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    """A folder of generated Danish documents and two short English ones."""
    folder = tmp_path_factory.mktemp("fault-corpus")
    for d in range(CORPUS_DOCUMENTS):
        (folder / f"dk{d:03d}.txt").write_text(danish_document(d), encoding="utf-8")
    for e in range(2):
        (folder / f"en{e}.txt").write_text(english_document(e), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def corpus_template(store_template, corpus) -> Path:
    """A store holding the corpus, except the documents the kill test has translate add."""
    paths = [p for p in sorted(corpus.glob("*.txt")) if p.name not in TRANSLATED]
    return store_template("fault-corpus", lambda store: add_documents(store, paths))


@pytest.fixture
def db(corpus_template, tmp_path) -> Path:
    """This test's own copy of the corpus store."""
    return copy_store(corpus_template, tmp_path / "store.sqlite3")


def bilingual(*args: object, umask: int | None = None, file_limit: int | None = None,
              timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the console script to its end; ``umask`` and ``file_limit`` (RLIMIT_FSIZE, bytes) apply to it only."""

    def limits() -> None:
        if umask is not None:
            os.umask(umask)
        if file_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    return subprocess.run([BILINGUAL, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          preexec_fn=limits)


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    """The run failed with ``code`` and one error line (naming ``words``), no traceback; return that line."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(errors) == 1, result.stderr
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


def leftovers(folder: Path) -> list[str]:
    """Temporary files an atomic write left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --------------------------------------------------------------------------- export files


@pytest.mark.parametrize("force", [False, True])
def test_export_to_a_folder_is_one_line_and_leaves_nothing_behind(db, tmp_path, force):
    folder = tmp_path / "exports"
    folder.mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    result = bilingual("export", "--format", "csv", "--out", folder, *(["--force"] if force else []), "--db", db)
    line = assert_one_line_error(result, 2, str(folder), "is a folder; give a file name")
    assert "--force" not in line  # a folder is not a file to overwrite
    assert folder.is_dir() and list(folder.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no stray .exports.*.tmp


def test_export_refuses_to_replace_what_is_not_a_regular_file(db, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    result = bilingual("export", "--out", fifo, "--force", "--db", db)
    assert_one_line_error(result, 2, str(fifo), "not a regular file")
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and leftovers(tmp_path) == []


def test_export_below_a_file_is_one_line(db, tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("keep", encoding="utf-8")
    result = bilingual("export", "--out", plain / "sub" / "out.csv", "--db", db)
    assert_one_line_error(result, 1, "plain.txt")
    assert plain.read_text(encoding="utf-8") == "keep" and leftovers(tmp_path) == []


# each format once, since they share one writer; 0277 takes the owner's own write bit away
@pytest.mark.parametrize(("umask", "fmt"), [(0o022, "csv"), (0o077, "xliff"), (0o002, "jsonl"), (0o000, "tmx"),
                                            (0o277, "csv")])
def test_every_export_file_is_private_whatever_the_umask(db, tmp_path, umask, fmt):
    new = tmp_path / f"new.{fmt}"
    result = bilingual("export", "--out", new, "--db", db, umask=umask)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    # Replacing a file that others could read gives a new private file, not the old file's mode.
    old = tmp_path / f"old.{fmt}"
    old.write_text("old", encoding="utf-8")
    old.chmod(0o644)
    result = bilingual("export", "--out", old, "--force", "--db", db, umask=umask)
    assert result.returncode == 0, result.stderr
    # the same export (XLIFF and TMX carry the time of writing, so only the size is the same)
    assert stat.S_IMODE(old.stat().st_mode) == 0o600 and old.stat().st_size == new.stat().st_size
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("existing", [False, True])
def test_export_on_a_full_disk_leaves_no_partial_file(db, tmp_path, existing):
    out = tmp_path / "out.csv"
    if existing:
        out.write_text("the previous export\n", encoding="utf-8")
    # A process may write EXPORT_LIMIT bytes to a file; the export is many times that.
    result = bilingual("export", "--out", out, "--force", "--db", db, file_limit=EXPORT_LIMIT)
    assert_one_line_error(result, 1, str(out), "nothing was written")
    if existing:
        assert out.read_text(encoding="utf-8") == "the previous export\n"
    else:
        assert not out.exists()
    assert leftovers(tmp_path) == []
    # the same export without the limit is far larger than it, so the limit did strike mid-file
    assert bilingual("export", "--out", out, "--force", "--db", db).returncode == 0
    assert out.stat().st_size > 4 * EXPORT_LIMIT


def test_export_to_a_full_standard_output_is_one_line(db):
    with open("/dev/full", "w") as full:
        result = subprocess.run([BILINGUAL, "export", "--format", "jsonl", "--out", "-", "--db", str(db)],
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(errors) == 1 and "standard output" in errors[0], result.stderr


# --------------------------------------------------------------------------- a full store


def store_rows(db: Path) -> dict[str, int]:
    """Row counts of the tables a translate run writes."""
    with closing(sqlite3.connect(db)) as conn:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("documents", "segments", "translations")}


@pytest.mark.parametrize("stage", ["adding", "translating"])
def test_translate_into_a_full_store_is_one_line_and_keeps_the_store(db, corpus, tiny_model, stage):
    names = TRANSLATED[:2]  # 24 sentences: enough to fill three pages, quick to finish in the rerun
    files = [corpus / name for name in names]
    common = ["--db", db, "--model", tiny_model, "--batch-size", "1"]
    if stage == "translating":
        with Store(db) as store:
            add_documents(store, files)
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = store_rows(db)
    # Three pages more than the store holds: some writes fit, then the file is "full".
    result = subprocess.run([sys.executable, str(PAGE_LIMIT), str(db), "3", "translate", *map(str, common),
                             *map(str, files)], capture_output=True, text=True, timeout=300)
    assert_one_line_error(result, 1, db.name)
    check_store(db)
    after = store_rows(db)
    assert all(after[t] >= before[t] for t in before)
    added = len(names) * SENTENCES_PER_DOCUMENT
    assert after["translations"] < before["translations"] + added  # the limit did stop the run
    rerun = bilingual("translate", *common, *files)
    assert rerun.returncode == 0, rerun.stderr
    check_store(db)
    assert untranslated(db, names) == 0


# --------------------------------------------------------------------------- SIGKILL at random points


def check_store(db: Path) -> None:
    """The invariants every store keeps whenever a process dies: intact, no duplicates, nothing half-written."""
    with closing(sqlite3.connect(db, timeout=30)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []

        def rows(sql: str) -> list[tuple]:
            return conn.execute(sql).fetchall()

        assert rows("SELECT content_hash FROM documents GROUP BY content_hash HAVING COUNT(*) > 1") == []
        # a document is stored with all of its sentences or not at all
        assert rows(f"SELECT d.name, COUNT(s.id) FROM documents d LEFT JOIN segments s ON s.document_id = d.id"
                    f" GROUP BY d.id HAVING COUNT(s.id) != {SENTENCES_PER_DOCUMENT}") == []
        assert rows("SELECT 1 FROM segments GROUP BY document_id, paragraph, idx HAVING COUNT(*) > 1") == []
        assert rows("SELECT 1 FROM translations GROUP BY text_hash, translator_key HAVING COUNT(*) > 1") == []
        # review history: versions 1..n of each sentence once each, and the review is its last version
        assert rows("SELECT text_hash FROM review_history GROUP BY text_hash"
                    " HAVING MIN(version) != 1 OR MAX(version) != COUNT(*) OR COUNT(DISTINCT version) != COUNT(*)"
                    ) == []
        assert rows("SELECT r.text_hash FROM reviews r LEFT JOIN"
                    " (SELECT text_hash, MAX(version) AS v FROM review_history GROUP BY text_hash) h"
                    " ON h.text_hash = r.text_hash WHERE h.v IS NOT r.version") == []
        assert rows("SELECT text_hash FROM review_history EXCEPT SELECT text_hash FROM reviews") == []
        # a realignment replaces a document's machine beads whole: all from its latest run, none twice
        assert rows("SELECT a.source_document_id FROM alignments a WHERE a.status = 'machine' AND a.run_id IS NOT"
                    " (SELECT MAX(id) FROM alignment_runs r WHERE r.source_document_id = a.source_document_id)") == []
        assert rows("SELECT 1 FROM alignments GROUP BY run_id, source_segment_ids, target_segment_ids, rank"
                    " HAVING COUNT(*) > 1") == []


def committed(conn: sqlite3.Connection) -> dict[str, set]:
    """What the store holds now, as sets of keys that no later run may lose."""

    def keys(sql: str) -> set:
        return set(conn.execute(sql).fetchall())

    return {"documents": keys("SELECT content_hash FROM documents"),
            "translations": keys("SELECT text_hash, translator_key FROM translations"),
            "reviews": keys("SELECT text_hash FROM reviews"),
            "review_history": keys("SELECT text_hash, version FROM review_history"),
            "alignment_runs": keys("SELECT id FROM alignment_runs")}


def assert_kept(earlier: dict[str, set], now: dict[str, set]) -> None:
    """Nothing of ``earlier`` is missing from ``now``."""
    for table, keys in earlier.items():
        lost = keys - now[table]
        assert not lost, f"{len(lost)} committed {table} rows lost, e.g. {sorted(lost)[:3]}"


def untranslated(db: Path, names: list[str]) -> int:
    """Sentences of the named documents without any stored translation (all of them when a document is missing)."""
    with closing(sqlite3.connect(db)) as conn:
        marks = ",".join("?" * len(names))
        stored = conn.execute(f"SELECT COUNT(*) FROM documents WHERE name IN ({marks})", names).fetchone()[0]
        missing = conn.execute(
            f"SELECT COUNT(*) FROM segments s JOIN documents d ON d.id = s.document_id WHERE d.name IN ({marks})"
            " AND NOT EXISTS (SELECT 1 FROM translations t WHERE t.text_hash = s.text_hash)", names).fetchone()[0]
    return missing + (len(names) - stored) * SENTENCES_PER_DOCUMENT


def review_file(db: Path, path: Path, label: str) -> dict[str, str]:
    """Write an import file that sets every Danish sentence to a new text; return text hash -> that text.

    The documents translate adds are left out: a reviewed sentence needs no MT, and translate must have work.
    """
    with Store(db) as store:
        segments = [s for s in store.segments(language="da") if s.document not in TRANSLATED]
        versions = {h: r.version for h, r in store.reviews([s.text_hash for s in segments]).items()}
    finals = {}
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text_hash", "review_version", "status", "final"])
        for s in segments:
            finals[s.text_hash] = f"{label}: {s.text}"
            writer.writerow([s.stable_id, s.text_hash, versions.get(s.text_hash, 0), "corrected", finals[s.text_hash]])
    return finals


# For each command: how many rounds, how long a blind kill may wait from the start, how long a kill
# may wait after the command's first commit, and the table whose growth shows that commit.
KILLS = {"translate": (7, 3.0, 0.8, "translations"), "align": (3, 4.0, 2.5, "alignment_runs"),
         "import-reviews": (10, 0.8, 0.25, "review_history")}


def count(conn: sqlite3.Connection, table: str) -> int:
    """Rows in a table."""
    return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def run_and_kill(args: list[str], db: Path, rng: random.Random, blind_s: float, after_s: float,
                 table: str) -> tuple[int | None, dict[str, set]]:
    """Start ``bilingual ARGS`` and SIGKILL it at a seeded random point.

    A quarter of the kills wait a random time from the start (often before any work); the others wait
    for the first commit to ``table`` and then a random time more, so they land among the commits. A
    process may also finish first. Returns its exit code (None when killed) and what the store held
    just before the kill.
    """
    blind = rng.random() < 0.25
    delay = rng.uniform(0.0, blind_s if blind else after_s)
    proc = subprocess.Popen([BILINGUAL, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with closing(sqlite3.connect(db, timeout=30)) as conn:
        start, rows = time.monotonic(), count(conn, table)
        give_up = start + 300  # a guard against a hang, not a timing assertion
        while not blind and proc.poll() is None and count(conn, table) == rows and time.monotonic() < give_up:
            time.sleep(0.002)
        end = (start if blind else time.monotonic()) + delay
        while proc.poll() is None and time.monotonic() < end:
            time.sleep(0.002)
        seen = committed(conn)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
    _, stderr = proc.communicate(timeout=60)
    if proc.returncode == -signal.SIGKILL:
        return None, seen
    assert proc.returncode == 0, f"{args[0]} failed by itself: {stderr}"
    return 0, seen


@pytest.mark.slow
def test_sigkill_at_random_points_loses_nothing_and_the_rerun_finishes(db, corpus, tiny_model, tmp_path):
    rng = random.Random(20240607)
    commands = {
        "translate": ["translate", "--db", str(db), "--model", str(tiny_model), "--batch-size", "1",
                      *(str(corpus / name) for name in TRANSLATED)],
        "align": ["align", "--db", str(db), *(a for name in ALIGNED for a in ("--source", name))],
        "import-reviews": ["import-reviews", "--db", str(db), str(tmp_path / "reviews.csv")],
    }
    schedule = [name for name, (rounds, *_) in KILLS.items() for _ in range(rounds)]
    rng.shuffle(schedule)
    assert len(schedule) == 20
    with closing(sqlite3.connect(db)) as conn:
        previous = committed(conn)
    finals: dict[str, str] = {}
    outcomes = []
    for number, name in enumerate(schedule):
        if name == "import-reviews":  # every round changes every sentence again, so each has work to kill
            finals = review_file(db, tmp_path / "reviews.csv", f"round {number}")
        _, blind_s, after_s, table = KILLS[name]
        code, seen = run_and_kill(commands[name], db, rng, blind_s, after_s, table)
        outcomes.append((name, code))
        print(number, name, "killed" if code is None else "finished", {t: len(k) for t, k in seen.items()})
        check_store(db)
        with closing(sqlite3.connect(db)) as conn:
            now = committed(conn)
        assert_kept(seen, now)  # what was committed the moment before the kill
        assert_kept(previous, now)  # and everything before this round
        previous = now
    assert any(code is None for _, code in outcomes), outcomes  # at least some rounds were cut short

    runs_before = max((i for (i,) in previous["alignment_runs"]), default=0)
    for name in ("translate", "align", "import-reviews"):
        rerun = subprocess.run([BILINGUAL, *commands[name]], capture_output=True, text=True, timeout=300)
        assert rerun.returncode == 0, (name, rerun.stderr)
        check_store(db)
    assert untranslated(db, TRANSLATED) == 0
    with Store(db) as store:
        for name in ALIGNED:
            beads = store.alignments(store.document(name).id)
            assert beads and min(b.run_id for b in beads) > runs_before, name
        reviews = store.reviews([s.text_hash for s in store.segments(language="da")])
    assert {h: r.final_text for h, r in reviews.items()} == finals
    with closing(sqlite3.connect(db)) as conn:
        assert_kept(previous, committed(conn))
