from conftest import ROOT, SEEDS
from streamlit.testing.v1 import AppTest

from bilingual.pipeline import add_documents
from bilingual.store import Store


def test_app_starts_on_an_empty_store(tmp_path, monkeypatch):
    monkeypatch.setenv("BILINGUAL_DB", str(tmp_path / "empty.sqlite3"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("empty" in info.value for info in at.info)


def test_app_shows_the_danish_document(tmp_path, monkeypatch):
    db = tmp_path / "s.sqlite3"
    with Store(db) as store:
        add_documents(store, SEEDS)
    monkeypatch.setenv("BILINGUAL_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "002_35452d5bb9e7cfc4.txt" in at.selectbox[0].value.name
