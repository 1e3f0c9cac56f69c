import json
import re

from click.testing import CliRunner
from conftest import DANISH_SEED, SEEDS

from bilingual.cli import main

SUMMARY = re.compile(r"(\d+) documents?, (\d+) sentences?, (\d+) cache hits?, (\d+) translated, [\d.]+ s$", re.M)


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


def test_translate_seeds_then_rerun_translates_nothing(tmp_path, tiny_model):
    db, out = tmp_path / "s.sqlite3", tmp_path / "out.jsonl"
    first = run("translate", *SEEDS, "--model", tiny_model, "--db", db, "--out", out)
    assert first.exit_code == 0, first.output
    assert SUMMARY.search(first.output).groups() == ("5", "17", "0", "17")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 17 and all(r["mt"] and r["status"] == "pending" for r in records)
    assert records[0]["danish"].startswith("Offensiven mod ISIL")
    second = run("translate", *SEEDS, "--model", tiny_model, "--db", db)
    assert SUMMARY.search(second.output).groups() == ("5", "17", "17", "0")
    stats = run("stats", "--db", db, "--json")
    counts = json.loads(stats.output)
    assert counts["documents"] == 5 and counts["danish segments"] == 17 and counts["translated"] == 17


def test_translate_out_writes_the_records_of_a_file_whose_content_is_stored_under_another_name(tmp_path, tiny_model):
    db, out = tmp_path / "s.sqlite3", tmp_path / "x.jsonl"
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    for path in (first, second):
        path.write_text("Det er irakerne selv. Mødet blev holdt i Paris.", encoding="utf-8")
    assert run("translate", first, "--lang", "da", "--model", tiny_model, "--db", db).exit_code == 0
    result = run("translate", second, "--lang", "da", "--model", tiny_model, "--db", db, "--out", out)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["danish"] for r in records] == ["Det er irakerne selv.", "Mødet blev holdt i Paris."]
    assert all(r["document"] == "a.txt" and r["mt"] for r in records)


def test_database_and_model_come_from_the_environment(tmp_path, tiny_model):
    db = tmp_path / "env.sqlite3"
    result = run("translate", DANISH_SEED, env={"BILINGUAL_DB": str(db), "BILINGUAL_MODEL": str(tiny_model)})
    assert result.exit_code == 0, result.output
    assert db.exists()


def test_add_stores_documents_without_translating(tmp_path):
    db = tmp_path / "s.sqlite3"
    result = run("add", *SEEDS, "--db", db)
    assert result.exit_code == 0, result.output
    assert "002_35452d5bb9e7cfc4.txt: da, 17 sentences" in result.output
    counts = json.loads(run("stats", "--db", db, "--json").output)
    assert counts["documents"] == 5 and counts["translated"] == 0


def test_a_missing_model_fails_with_exit_1_and_a_clear_message(tmp_path):
    result = run("translate", DANISH_SEED, "--db", tmp_path / "s.sqlite3", "--model", tmp_path / "no-model")
    assert result.exit_code == 1
    assert "no-model" in result.output and "--model PATH" in result.output
    assert "Traceback" not in result.output
    # the document itself was stored, ready to translate once the model is there
    assert json.loads(run("stats", "--db", tmp_path / "s.sqlite3", "--json").output)["documents"] == 1


def test_bad_arguments_exit_2(tmp_path):
    assert run("translate").exit_code == 2
    assert run("translate", tmp_path / "missing.txt").exit_code == 2
    assert run("translate", DANISH_SEED, "--batch-size", "0").exit_code == 2
    assert run("frobnicate").exit_code == 2


def test_an_unreadable_file_fails_with_exit_1_naming_it(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    result = run("add", bad, "--db", tmp_path / "s.sqlite3")
    assert result.exit_code == 1 and "bad.txt" in result.output


def test_every_command_has_help():
    for command in (["translate"], ["add"], ["stats"], ["review"], ["model"], ["model", "download"],
                    ["model", "info"]):
        result = run(*command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output, command


def test_model_info_on_a_local_folder_and_a_missing_model(tiny_model):
    found = run("model", "info", tiny_model)
    assert found.exit_code == 0 and "d_model: 16" in found.output
    missing = run("model", "info", "Helsinki-NLP/opus-mt-da-en")
    assert missing.exit_code == 1 and "bilingual model download" in missing.output


def test_model_download_offline_is_a_clear_error():
    result = run("model", "download")
    assert result.exit_code == 1 and "HF_HUB_OFFLINE" in result.output


def test_model_download_without_a_reachable_hub_fails_fast(monkeypatch):
    import bilingual.translate.models

    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setattr(bilingual.translate.models, "hub_reachable", lambda timeout=3.0: False)
    result = run("model", "download", "Helsinki-NLP/opus-mt-da-en")
    assert result.exit_code == 1
    assert "unreachable" in result.output and "--model PATH" in result.output


def test_furniture_lists_and_switches_paragraphs(tmp_path):
    db = tmp_path / "s.sqlite3"
    english = next(p for p in SEEDS if p.name.startswith("004_"))
    assert run("add", english, "--db", db).exit_code == 0
    listing = run("furniture", english.name, "--db", db)
    assert listing.exit_code == 0, listing.output
    lines = {int(line.split()[0]): line for line in listing.output.splitlines()[1:]}
    assert "left out: read also" in lines[7] and "left out: promotion" in lines[14]
    assert lines[0].split()[1] == "content"

    switched = run("furniture", english.name, "--keep", 7, "--leave-out", 0, "--reviewer", "ana", "--db", db)
    assert switched.exit_code == 0, switched.output
    after = {int(line.split()[0]): line for line in switched.output.splitlines()[1:-1]}
    assert "content (detector: read also; switched by ana)" in after[7]
    assert "left out: marked by a reviewer (detector: content; switched by ana)" in after[0]
    assert re.search(r"^\d+ sentences changed", switched.output.splitlines()[-1])
    from bilingual.store import Store

    with Store(db) as store:
        doc = store.document(english.name)
        kept = {s.paragraph for s in store.segments(doc.id, include_furniture=False)}
    assert 7 in kept and 0 not in kept


def test_furniture_refuses_unknown_or_contradictory_paragraphs(tmp_path):
    db = tmp_path / "s.sqlite3"
    run("add", DANISH_SEED, "--db", db)
    unknown = run("furniture", DANISH_SEED.name, "--leave-out", 99, "--db", db)
    assert unknown.exit_code == 2 and "has no paragraph 99" in unknown.output
    both = run("furniture", DANISH_SEED.name, "--leave-out", 1, "--keep", 1, "--db", db)
    assert both.exit_code == 2 and "both left out and kept" in both.output
    missing = run("furniture", "nope.txt", "--db", db)
    assert missing.exit_code == 1 and "no document 'nope.txt'" in missing.output


def test_commands_that_read_a_store_refuse_a_missing_one_and_create_nothing(tmp_path):
    db = tmp_path / "typo.sqlite3"
    for command in (["stats"], ["furniture", "002"], ["export", "--out", tmp_path / "x.csv"], ["align"],
                    ["glossary", "list"], ["glossary", "check"]):
        result = run(*command, "--db", db)
        assert result.exit_code == 1 and f"no store at {db}" in result.output, (command, result.output)
    assert not db.exists() and not (tmp_path / "x.csv").exists()
    assert run("add", DANISH_SEED, "--db", db).exit_code == 0  # adding documents creates the store
    assert run("stats", "--db", db).exit_code == 0


def test_a_folder_stands_for_its_text_files(tmp_path, tiny_model):
    import shutil

    folder = tmp_path / "inbox"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    (folder / "notes.rtf").write_bytes(b"{\\rtf1 x}")  # not a kind read here: passed over in a folder
    db = tmp_path / "s.sqlite3"
    result = run("translate", folder, "--model", tiny_model, "--db", db)
    assert result.exit_code == 0, result.output
    assert SUMMARY.search(result.output).groups() == ("5", "17", "0", "17")
    empty = tmp_path / "empty"
    empty.mkdir()
    for command in ("add", "translate"):
        refused = run(command, empty, "--db", tmp_path / "other.sqlite3")
        assert refused.exit_code == 1 and "a folder with no document in it (no .txt, .md" in refused.output
    assert not (tmp_path / "other.sqlite3").exists()
