"""`bilingual doctor`: every check on real files, a clear line for each fault, and the store never touched."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEEDS

from bilingual.cli import main
from bilingual.health import (
    OK,
    PROBLEM,
    WARNING,
    Check,
    disk_check,
    limits_check,
    threads_check,
    wal_check,
)
from bilingual.store.schema import MIGRATIONS


def doctor(*args, **kwargs):
    return CliRunner().invoke(main, ["doctor", *[str(a) for a in args]], **kwargs)


def line(output: str, name: str) -> str:
    """The output line of one check (status, name, detail)."""
    found = [row for row in output.splitlines() if row[9:21].strip() == name]
    assert found, f"no {name!r} line in:\n{output}"
    return found[0]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of a folder with its bytes and modification time."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def healthy_db(tmp_path) -> Path:
    db = tmp_path / "store" / "s.sqlite3"
    result = CliRunner().invoke(main, ["add", *map(str, SEEDS), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def old_store(path: Path, version: int) -> Path:
    """A store as an older bilingual made it: the first ``version`` migrations only."""
    with closing(sqlite3.connect(path)) as conn:
        for script in MIGRATIONS[:version]:
            conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {version}")
        conn.commit()
    return path


def test_a_healthy_store_and_the_tiny_model_pass(healthy_db, tiny_model):
    before = snapshot(healthy_db.parent)
    result = doctor("--db", healthy_db, "--model", tiny_model)
    assert result.exit_code == 0, result.output
    assert line(result.output, "store").startswith(OK)
    assert line(result.output, "integrity").startswith(OK)
    assert line(result.output, "schema").startswith(OK) and f"version {len(MIGRATIONS)}" in result.output
    assert line(result.output, "application").startswith(OK)
    assert "5 documents (1 Danish, 4 English)" in line(result.output, "contents")
    assert line(result.output, "model").startswith(OK) and str(tiny_model) in line(result.output, "model")
    assert line(result.output, "engine").startswith(OK) and "transformers" in line(result.output, "engine")
    # the tiny model's own limits: 64 positions; max_length 24 counts the decoder's start token
    assert "input up to 64 tokens" in line(result.output, "limits")
    assert "output up to 23 tokens" in line(result.output, "limits")
    assert line(result.output, "embedder").startswith(OK)
    assert line(result.output, "disk").startswith(OK)
    assert line(result.output, "threads").startswith(OK)
    assert PROBLEM not in result.output
    assert snapshot(healthy_db.parent) == before


def test_load_translates_a_test_sentence_with_the_weights(healthy_db, tiny_model):
    result = doctor("--db", healthy_db, "--model", tiny_model, "--load")
    assert result.exit_code == 0, result.output
    load = line(result.output, "load")
    assert load.startswith((OK, WARNING)) and "weights loaded (transformers)" in load
    # random weights never end a sentence: that is said on the check's own line, not in a log line beside it
    assert load.startswith(OK) or "output limit" in load
    assert "even in parts" not in result.output


def test_no_store_says_how_to_make_one_and_creates_nothing(tmp_path, tiny_model):
    db = tmp_path / "nowhere" / "s.sqlite3"
    result = doctor("--db", db, "--model", tiny_model)
    assert result.exit_code == 1, result.output
    assert line(result.output, "store").startswith(PROBLEM) and f"no store at {db}" in result.output
    assert "bilingual add" in result.output
    assert not db.parent.exists()
    assert "Traceback" not in result.output


def test_a_file_that_is_not_a_database_is_named_and_left_alone(tmp_path, tiny_model):
    db = tmp_path / "t.sqlite3"
    db.write_bytes(b"x\n")
    before = snapshot(tmp_path)
    result = doctor("--db", db, "--model", tiny_model)
    assert result.exit_code == 1, result.output
    assert line(result.output, "store").startswith(PROBLEM)
    assert f"{db} is not an SQLite database" in result.output
    assert snapshot(tmp_path) == before


def test_an_empty_file_is_not_turned_into_a_store(tmp_path, tiny_model):
    db = tmp_path / "empty.sqlite3"
    db.touch()
    result = doctor("--db", db, "--model", tiny_model)
    assert result.exit_code == 1, result.output
    assert "empty file" in line(result.output, "store")
    assert db.stat().st_size == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite3"]


def test_another_applications_database_is_refused(tmp_path, tiny_model):
    db = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        conn.commit()
    before = snapshot(tmp_path)
    result = doctor("--db", db, "--model", tiny_model)
    assert result.exit_code == 1, result.output
    assert line(result.output, "application").startswith(PROBLEM) and "customers" in result.output
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("version", range(1, len(MIGRATIONS)))
def test_an_older_schema_version_is_reported_with_the_upgrade(tmp_path, tiny_model, version):
    db = old_store(tmp_path / "old.sqlite3", version)
    before = snapshot(tmp_path)
    result = doctor("--db", db, "--model", tiny_model)
    assert result.exit_code == 1, result.output
    schema = line(result.output, "schema")
    assert schema.startswith(PROBLEM)
    assert f"version {version}" in schema and f"newest is {len(MIGRATIONS)}" in schema
    assert snapshot(tmp_path) == before


def test_the_upgrade_doctor_advises_works(tmp_path, tiny_model):
    db = old_store(tmp_path / "old.sqlite3", 2)
    advice = doctor("--db", db, "--model", tiny_model)
    assert f"bilingual stats --db {db}" in advice.output
    assert CliRunner().invoke(main, ["stats", "--db", str(db)]).exit_code == 0
    assert (tmp_path / "old.sqlite3.v2.bak").is_file()
    after = doctor("--db", db, "--model", tiny_model)
    assert after.exit_code == 0, after.output
    assert line(after.output, "schema").startswith(OK)


def test_a_newer_schema_version_asks_for_a_newer_bilingual(healthy_db, tiny_model):
    with closing(sqlite3.connect(healthy_db)) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
        conn.commit()
    result = doctor("--db", healthy_db, "--model", tiny_model)
    assert result.exit_code == 1, result.output
    assert "upgrade bilingual" in result.output and line(result.output, "schema").startswith(PROBLEM)


def test_a_version_number_set_back_is_not_offered_an_upgrade(healthy_db, tiny_model):
    with closing(sqlite3.connect(healthy_db)) as conn:
        conn.execute("PRAGMA user_version = 2")
        conn.commit()
    before = snapshot(healthy_db.parent)
    result = doctor("--db", healthy_db, "--model", tiny_model)
    assert result.exit_code == 1, result.output
    schema = line(result.output, "schema")
    assert schema.startswith(PROBLEM) and "records schema version 2" in schema
    assert "upgrade it" not in result.output and "PRAGMA user_version" in result.output
    assert snapshot(healthy_db.parent) == before


def test_a_dropped_table_and_column_are_named(healthy_db, tiny_model):
    with closing(sqlite3.connect(healthy_db)) as conn:
        conn.executescript("DROP TABLE drafts; ALTER TABLE segments DROP COLUMN furniture_set_by;")
    result = doctor("--db", healthy_db, "--model", tiny_model)
    assert result.exit_code == 1, result.output
    schema = line(result.output, "schema")
    assert schema.startswith(PROBLEM) and "drafts" in schema and "segments.furniture_set_by" in schema


def test_a_damaged_store_fails_its_integrity_check(healthy_db, tiny_model):
    # Overwrite the middle of the file (table and index pages) with noise, keeping the header intact.
    data = bytearray(healthy_db.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    data[2 * page: len(data) - page] = bytes(len(data) - 3 * page)
    for i in range(2 * page, len(data) - page, 97):
        data[i] = 0x5A
    healthy_db.write_bytes(bytes(data))
    before = snapshot(healthy_db.parent)
    result = doctor("--db", healthy_db, "--model", tiny_model)
    assert result.exit_code == 1, result.output
    assert PROBLEM in result.output and "damaged" in result.output and ".recover" in result.output
    assert "Traceback" not in result.output
    assert snapshot(healthy_db.parent) == before


def test_a_missing_model_says_how_to_get_it(healthy_db):
    result = doctor("--db", healthy_db, "--model", "Helsinki-NLP/opus-mt-da-en")
    assert result.exit_code == 1, result.output
    model = line(result.output, "model")
    assert model.startswith(PROBLEM) and "Helsinki-NLP/opus-mt-da-en" in model
    assert "bilingual model download Helsinki-NLP/opus-mt-da-en" in result.output and "--model PATH" in result.output


def test_a_missing_model_folder_is_named(healthy_db, tmp_path):
    result = doctor("--db", healthy_db, "--model", tmp_path / "no-model")
    assert result.exit_code == 1, result.output
    assert line(result.output, "model").startswith(PROBLEM) and "--model PATH" in result.output


def test_a_model_folder_without_its_tokenizer_is_not_loadable(healthy_db, tiny_model, tmp_path):
    broken = Path(shutil.copytree(tiny_model, tmp_path / "broken"))
    (broken / "target.spm").unlink()
    result = doctor("--db", healthy_db, "--model", broken)
    assert result.exit_code == 1, result.output
    assert line(result.output, "model files").startswith(PROBLEM) and "target.spm" in result.output


def test_a_model_config_without_max_length_is_a_warning(healthy_db, tiny_model, tmp_path):
    folder = Path(shutil.copytree(tiny_model, tmp_path / "no-max-length"))
    for name in ("config.json", "generation_config.json"):
        config = json.loads((folder / name).read_text(encoding="utf-8"))
        config.pop("max_length", None)
        (folder / name).write_text(json.dumps(config), encoding="utf-8")
    result = doctor("--db", healthy_db, "--model", folder)
    assert result.exit_code == 0, result.output  # a warning only
    limits = line(result.output, "limits")
    assert limits.startswith(WARNING) and "no max_length" in limits
    assert "generation_config.json" in result.output


def test_a_missing_embedder_is_a_problem(healthy_db, tiny_model, tmp_path):
    result = doctor("--db", healthy_db, "--model", tiny_model, "--embedder", tmp_path / "no-embedder")
    assert result.exit_code == 1, result.output
    assert line(result.output, "embedder").startswith(PROBLEM) and "--embedder PATH" in result.output


def test_a_hub_embedder_that_is_not_cached_is_not_downloaded(healthy_db, tiny_model):
    result = doctor("--db", healthy_db, "--model", tiny_model, "--embedder", "someone/not-cached-anywhere")
    assert result.exit_code == 1, result.output
    assert "not on this machine" in line(result.output, "embedder")


def test_bad_thread_settings_are_named(healthy_db, tiny_model):
    result = doctor("--db", healthy_db, "--model", tiny_model, env={"BILINGUAL_THREADS": "many"})
    assert result.exit_code == 1, result.output
    assert line(result.output, "threads").startswith(PROBLEM) and "BILINGUAL_THREADS" in result.output


def test_the_database_comes_from_the_environment(healthy_db, tiny_model):
    result = doctor("--model", tiny_model, env={"BILINGUAL_DB": str(healthy_db)})
    assert result.exit_code == 0, result.output
    assert str(healthy_db) in line(result.output, "store")


def test_a_store_in_use_is_read_with_what_its_wal_holds(healthy_db, tiny_model):
    from bilingual.pipeline import add_document_bytes
    from bilingual.store import Store

    with Store(healthy_db) as store:  # open while doctor runs: the new document is still only in the WAL
        add_document_bytes(store, "extra.txt", "Det er en prøve. Mødet blev holdt i Paris.".encode(), "da")
        assert Path(f"{healthy_db}-wal").stat().st_size > 0
        result = doctor("--db", healthy_db, "--model", tiny_model)
    assert result.exit_code == 0, result.output
    assert "6 documents (2 Danish, 4 English)" in line(result.output, "contents")
    assert line(result.output, "wal").startswith(OK)


# -- the pure checks


def test_disk_thresholds():
    where = Path("/data")
    assert disk_check(100 * 2**20, where).status == PROBLEM
    assert disk_check(500 * 2**20, where).status == WARNING
    assert disk_check(20 * 2**30, where).status == OK
    assert "100.0 MB free" in disk_check(100 * 2**20, where).detail


def test_wal_thresholds(tmp_path):
    db = tmp_path / "s.sqlite3"
    assert wal_check(db).status == OK and "no WAL" in wal_check(db).detail
    Path(f"{db}-wal").write_bytes(b"\0" * 2048)
    assert wal_check(db, large=1024).status == WARNING
    assert wal_check(db, large=4096).status == OK


def test_threads_over_the_cores_are_a_warning():
    assert threads_check(4, 4, "available cores").status == OK
    over = threads_check(16, 4, "BILINGUAL_THREADS")
    assert over.status == WARNING and "BILINGUAL_THREADS" in over.fix


def test_limits_come_from_the_generation_config_then_the_config(tmp_path):
    both = limits_check({"max_position_embeddings": 512, "max_length": 300}, {"max_length": 200, "num_beams": 4},
                        {"model_max_length": 512}, tmp_path)
    assert both.status == OK and "output up to 199 tokens" in both.detail and "4 beams" in both.detail
    new_tokens = limits_check({"max_position_embeddings": 512}, {"max_new_tokens": 100}, {}, tmp_path)
    assert new_tokens.status == OK and "output up to 100 tokens" in new_tokens.detail
    none = limits_check({"max_position_embeddings": 512}, {}, {}, tmp_path)
    assert none.status == WARNING and "no max_length" in none.detail and "bilingual's default" in none.detail
    assert "None" not in none.detail


def test_a_check_line_is_one_line():
    check = Check("store", PROBLEM, "a\nb", "c\nd")
    assert "\n" not in check.line() and "\n" not in check.fix_line()


def test_the_console_script_answers_a_damaged_store_in_one_line_per_check(tmp_path):
    db = tmp_path / "t.sqlite3"
    db.write_bytes(b"x\n")
    script = Path(sys.executable).with_name("bilingual")
    done = subprocess.run([str(script), "doctor", "--db", str(db), "--model", str(tmp_path / "no-model")],
                          capture_output=True, text=True, timeout=300, env=dict(os.environ))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and done.stderr.strip() == ""
    first = done.stdout.splitlines()[0]
    assert first == f"problem  store        {db} is not an SQLite database, so not a bilingual store"
    assert db.read_bytes() == b"x\n" and sorted(p.name for p in tmp_path.iterdir()) == ["t.sqlite3"]
