"""The team store: `bilingual store copy` between SQLite and PostgreSQL, doctor on a PostgreSQL store, and the
review app's warning when it is bound beyond this machine. Real SQLite files, a real PostgreSQL server."""

from __future__ import annotations

import psycopg
import pytest
from click.testing import CliRunner
from conftest import SEEDS

from bilingual.app.server import exposure_warning
from bilingual.cli import main
from bilingual.pipeline import add_documents
from bilingual.segment import text_hash
from bilingual.store import Store
from bilingual.store.copy import row_counts


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def fill(store: Store) -> None:
    """Every kind of row: documents and sentences, MT, reviews with history, a draft, alignments, glossary."""
    from bilingual.glossary import Term

    add_documents(store, SEEDS[:2])
    danish = store.segments(store.documents()[0].id)
    store.put_translations([(s.text, f"MT {k}") for k, s in enumerate(danish)], "tiny", {"model": "tiny"})
    first = store.save_review(danish[0].text, "Ærlig talt.", "corrected", expected_version=0, reviewer="Åse")
    store.save_review(danish[0].text, "Honestly.", "corrected", expected_version=first.version, reviewer="Bo")
    store.save_review(danish[1].text, None, "rejected", expected_version=0, reason="wrong 'quote' %s ?")
    store.save_draft(danish[2].text, "half typed", base_version=0, reviewer="Åse")
    other = store.documents()[1].id
    store.replace_alignments(store.documents()[0].id, [other], "parallel", {"t": 1},
                             [((danish[0].id,), (danish[1].id,), 0.123456789012, 0, "1-1")])
    store.add_terms([Term("koalitionen", ("the coalition",), "", "")], source="terms.csv")


def test_a_store_copied_to_postgresql_and_back_is_the_same_store(tmp_path, pg_db):
    source, back = tmp_path / "source.sqlite3", tmp_path / "back.sqlite3"
    with Store(source) as store:
        fill(store)
        counts = row_counts(store.conn)
        h = text_hash(store.segments()[0].text)
    there = run("store", "copy", source, pg_db)
    assert there.exit_code == 0, there.output
    assert "review history included, matches its source" in there.output
    assert run("store", "copy", pg_db, back).exit_code == 0
    for where in (pg_db, back):
        with Store(where) as copy:
            assert row_counts(copy.conn) == counts
            assert [(r.version, r.final_text, r.reviewer) for r in copy.review_history(h)] == [
                (1, "Ærlig talt.", "Åse"), (2, "Honestly.", "Bo")]
            assert copy.alignments()[0].score == 0.123456789012
            # New rows get new ids after the copied ones, and a stale save is still refused.
            doc_id, created = copy.add_document(*_document(tmp_path))
            assert created and doc_id == max(d.id for d in copy.documents())
            with pytest.raises(RuntimeError, match="reload before saving"):
                copy.save_review(copy.segments()[0].text, "x", "corrected", expected_version=1)


def _document(tmp_path):
    from bilingual.documents import load_document
    from bilingual.segment import segment_document

    path = tmp_path / "ny.txt"
    path.write_text("En helt ny tekst. Med to sætninger.", encoding="utf-8")
    doc = load_document(path)
    return doc, segment_document(doc)


def test_a_destination_that_holds_rows_is_refused_unless_replaced(tmp_path, pg_db):
    source = tmp_path / "source.sqlite3"
    with Store(source) as store:
        fill(store)
    with Store(pg_db) as target:
        target.save_review("Kun her.", "Only here.", "accepted", expected_version=0)
    refused = run("store", "copy", source, pg_db)
    assert refused.exit_code == 1 and "is not empty (2 rows)" in refused.output and "--replace" in refused.output
    with Store(pg_db) as target:
        assert target.review(text_hash("Kun her.")) is not None  # left as it was
    replaced = run("store", "copy", source, pg_db, "--replace")
    assert replaced.exit_code == 0 and "replacing 2 rows" in replaced.output
    with Store(pg_db) as target:
        assert target.review(text_hash("Kun her.")) is None


def test_copy_refuses_a_missing_source_and_a_store_onto_itself(tmp_path):
    missing = run("store", "copy", tmp_path / "none.sqlite3", tmp_path / "b.sqlite3")
    assert missing.exit_code == 1 and "no store at" in missing.output
    Store(tmp_path / "a.sqlite3").close()
    itself = run("store", "copy", tmp_path / "a.sqlite3", tmp_path / ".." / tmp_path.name / "a.sqlite3")
    assert itself.exit_code == 2 and "both the source and the destination" in itself.output


def test_doctor_reads_a_postgresql_store_without_writing_to_it(pg_db, pg_server):
    with Store(pg_db) as store:
        add_documents(store, SEEDS[:1])
    result = run("doctor", "--db", pg_db, "--model", "no/such-model")
    assert "(PostgreSQL)" in result.output and "version" in result.output
    assert "1 documents" in result.output
    empty = pg_server.new_database()
    result = run("doctor", "--db", empty)
    assert "an empty database, not a store" in result.output
    with psycopg.connect(empty) as conn:  # doctor made nothing there
        assert conn.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"
                            ).fetchone()[0] == 0


def test_binding_the_app_beyond_loopback_warns_that_it_has_no_login():
    assert exposure_warning("127.0.0.1", 8501) is None and exposure_warning("::1", 8501) is None
    assert exposure_warning("localhost", 8501) is None
    for address in ("0.0.0.0", "192.168.1.20", "review.example.org"):
        warning = exposure_warning(address, 8501)
        assert warning and "no login" in warning and "reverse proxy" in warning and f"{address}:8501" in warning


def test_the_review_app_shows_an_unreachable_team_store_as_one_error_line(pg_server, monkeypatch):
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    url = pg_server.url("no_such_db").replace("bilingual@", "bilingual:secret@")
    monkeypatch.setenv("BILINGUAL_DB", url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert any("no database 'no_such_db'" in e.value and "secret" not in e.value for e in at.error)


@pytest.mark.parametrize("text", ["nul\x00 inside", "\ue000 the escape itself", "\ue000\x00\ue000\ue002",
                                  "\ue000\ue001\x00", "noncharacter \ufffe\uffff"])
def test_text_with_nul_comes_back_from_postgresql_as_it_was_stored(pg_db, text):
    with Store(pg_db) as store:
        store.save_review(text, text, "corrected", expected_version=0, reviewer=text)
        stored = store.review(text_hash(text))
        assert (stored.source_text, stored.final_text, stored.reviewer) == (text, text, text)
        assert store.conn.execute("SELECT COUNT(*) FROM reviews WHERE final_text = ?", (text,)).fetchone()[0] == 1
