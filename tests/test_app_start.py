"""Starting the review app: empty store, first document, model loading, and the ``review`` command."""

from __future__ import annotations

import sys

from click.testing import CliRunner
from conftest import DANISH_SEED, ROOT, SEEDS
from streamlit.testing.v1 import AppTest
from support.desk import rows

from bilingual.app.uploads import import_upload
from bilingual.pipeline import add_documents
from bilingual.store import Store


def start() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def test_an_empty_store_offers_the_seeds_and_translates_them(tmp_path, monkeypatch, tiny_model):
    db = tmp_path / "empty.sqlite3"
    monkeypatch.setenv("BILINGUAL_DB", str(db))
    monkeypatch.setenv("BILINGUAL_MODEL", str(tiny_model))
    at = start()
    assert any("empty" in info.value for info in at.info)
    assert not at.get("component_instance")
    at.button(key="import_seeds").click().run()
    assert not at.exception and not at.error
    with Store(db) as store:
        counts = store.stats()
        first = store.segments(store.document(DANISH_SEED.name).id, include_furniture=False)[0]
        mt = store.latest_translations([first.text_hash])[first.text_hash][0]
    assert (counts["documents"], counts["danish segments"], counts["translated"]) == (5, 17, 17)
    assert rows(at)[first.id]["text"] == mt
    assert "0 of 17 sentences reviewed" in at.get("progress")[0].proto.text


def test_the_first_danish_document_is_shown_straight_away(tmp_path, monkeypatch):
    db = tmp_path / "s.sqlite3"
    with Store(db) as store:
        add_documents(store, SEEDS)
        danish_id = store.document(DANISH_SEED.name).id
    monkeypatch.setenv("BILINGUAL_DB", str(db))
    # No model anywhere: nothing needs it until the reviewer asks for a translation.
    monkeypatch.setenv("BILINGUAL_MODEL", str(tmp_path / "no-model"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert at.selectbox(key="doc").value == danish_id
    # Documents go by their title (a first heading, else the first sentence), not their hash file name.
    assert at.selectbox(key="doc").options[0].startswith("Offensiven mod ISIL i storbyen Mosul")
    assert DANISH_SEED.name not in at.selectbox(key="doc").options[0]
    assert len(rows(at)) == 17 and not at.error
    # Sentences are labelled by paragraph and sentence, counted from one: paragraph breaks are kept.
    labels = [r["label"] for r in rows(at).values()]
    assert labels[:4] == ["¶1 · 1", "¶2 · 1", "¶2 · 2", "¶3 · 1"]
    assert len({label.split(" · ")[0] for label in labels}) == 11
    assert at.button(key="translate_missing")
    at.button(key="translate_missing").click().run()
    assert any("no-model" in e.value and "To fix" in e.value for e in at.error)
    assert len(rows(at)) == 17  # review goes on without the model


def test_the_document_in_the_address_is_opened(tmp_path, monkeypatch):
    db = tmp_path / "s.sqlite3"
    with Store(db) as store:
        add_documents(store, [DANISH_SEED])
        second, _ = import_upload(store, "anden.txt", "Dette er en anden tekst. Den er også på dansk.".encode(), "da")
    monkeypatch.setenv("BILINGUAL_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["doc"] = str(second)
    at.run()
    assert at.selectbox(key="doc").value == second
    assert len(rows(at)) == 2


def test_an_unusable_store_path_is_reported(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BILINGUAL_DB", str(blocker / "store.sqlite3"))
    at = start()
    assert any("BILINGUAL_DB" in e.value for e in at.error)


def test_review_command_runs_the_app_on_loopback_without_a_file_watcher(tmp_path, monkeypatch):
    import bilingual.cli as cli
    import bilingual.cli.documents as commands

    calls = []
    monkeypatch.setattr(commands.subprocess, "call", lambda cmd, env: calls.append((cmd, env)) or 0)
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli.main, ["review", "--db", str(tmp_path / "x.sqlite3"), "--port", "8765"])
    assert result.exit_code == 0, result.output
    cmd, env = calls[0]
    assert cmd[:4] == [sys.executable, "-m", "streamlit", "run"] and cmd[4] == str(ROOT / "app.py")
    options = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert options["--server.port"] == "8765" and options["--server.address"] == "127.0.0.1"
    assert options["--server.fileWatcherType"] == "none"
    assert env["BILINGUAL_DB"] == str(tmp_path / "x.sqlite3")


def test_app_files_stay_thin():
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    code = [line for line in app.splitlines() if line.strip() and not line.startswith(('"""', "#"))]
    assert code == ["from bilingual.app.page import render_app", "render_app()"]
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert 'address = "127.0.0.1"' in config and 'fileWatcherType = "none"' in config
    page = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "bilingual" / "app").glob("*.py"))
    assert "SELECT" not in page and "transformers" not in page and "torch" not in page
