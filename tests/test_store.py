import sqlite3

import pytest
from conftest import DANISH_SEED

from bilingual.documents import load_document
from bilingual.segment import segment_document, text_hash
from bilingual.store import MIGRATIONS, StaleReviewError, Store, StoreError


def add_seed(store: Store) -> int:
    doc = load_document(DANISH_SEED)
    doc_id, created = store.add_document(doc, segment_document(doc))
    assert created
    return doc_id


def test_schema_is_versioned_and_in_wal_mode(tmp_path):
    path = tmp_path / "s.sqlite3"
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"documents", "segments", "translations", "reviews", "review_history", "alignments"} <= tables
    with Store(path) as again:  # reopening migrates nothing twice
        assert again.schema_version == len(MIGRATIONS)


def test_a_store_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match="newer than this bilingual"):
        Store(path)


def test_documents_are_stored_once_with_their_segment_texts(store):
    doc_id = add_seed(store)
    doc = load_document(DANISH_SEED)
    assert store.add_document(doc, segment_document(doc)) == (doc_id, False)
    segments = store.segments(doc_id)
    assert len(segments) == 17
    assert segments[0].text.startswith("Offensiven mod ISIL")
    assert store.document("002").id == doc_id
    with pytest.raises(KeyError):
        store.document("nope")


def test_a_changed_file_replaces_its_old_version(store, tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Det er en test. Den er kort.", encoding="utf-8")
    doc = load_document(path)
    first, _ = store.add_document(doc, segment_document(doc))
    path.write_text("Det er en ny test.", encoding="utf-8")
    doc2 = load_document(path)
    second, created = store.add_document(doc2, segment_document(doc2))
    assert created
    assert [d.id for d in store.documents()] == [second]
    assert [s.text for s in store.segments()] == ["Det er en ny test."]


def test_translation_cache_is_keyed_by_text_and_translator(store):
    store.put_translations([("Hej verden.", "Hello world.")], "key-a", {"model": "a"})
    assert store.cached_translations([text_hash("Hej verden.")], "key-a") == {text_hash("Hej verden."): "Hello world."}
    assert store.cached_translations([text_hash("Hej verden.")], "key-b") == {}


def test_review_saves_are_versioned_and_a_stale_save_is_refused(store):
    first = store.save_review("Hej.", "Hello.", "accepted", expected_version=0, reviewer="ana", mt_text="Hi.")
    assert first.version == 1
    second = store.save_review("Hej.", "Hello there.", "corrected", expected_version=1, reviewer="bo")
    assert second.version == 2
    with pytest.raises(StaleReviewError) as stale:
        store.save_review("Hej.", "Hi!", "corrected", expected_version=1, reviewer="ana")
    assert stale.value.current.final_text == "Hello there."
    assert store.review(text_hash("Hej.")).final_text == "Hello there."
    history = store.review_history(text_hash("Hej."))
    assert [(h.version, h.final_text, h.reviewer) for h in history] == [(1, "Hello.", "ana"), (2, "Hello there.", "bo")]


def test_rejection_needs_a_reason_and_status_must_be_known(store):
    with pytest.raises(ValueError, match="reason"):
        store.save_review("Hej.", None, "rejected", expected_version=0)
    with pytest.raises(ValueError, match="unknown review status"):
        store.save_review("Hej.", "Hello.", "done", expected_version=0)
    assert store.review(text_hash("Hej.")) is None


def test_realigning_replaces_machine_beads_but_keeps_reviewed_ones(store):
    doc_id = add_seed(store)
    store.replace_alignments(doc_id, [9], "parallel", {"mode": "parallel"},
                             [((1,), (10,), 0.9, 0, "1-1"), ((2,), (11,), 0.8, 0, "1-1")])
    beads = store.alignments(doc_id)
    store.set_alignment_status(beads[0].id, "accepted", reviewer="ana")
    store.set_alignment_status(beads[1].id, "rejected", reviewer="ana")
    run = store.replace_alignments(doc_id, [9], "comparable", {"mode": "comparable"},
                                   [((1,), (10,), 0.7, 0, "1-1"), ((3,), (12,), 0.5, 0, "1-1")])
    after = {(a.source_segment_ids, a.target_segment_ids): a.status for a in store.alignments(doc_id)}
    assert after == {((1,), (10,)): "accepted", ((2,), (11,)): "rejected", ((3,), (12,)): "machine"}
    assert store.alignment_run(run)["signature"] == {"mode": "comparable"}


def test_a_version_1_store_is_upgraded_in_place_and_keeps_its_reviews(tmp_path):
    path = tmp_path / "v1.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(f"BEGIN; {MIGRATIONS[0]}; PRAGMA user_version = 1; COMMIT;")
    conn.execute("INSERT INTO reviews VALUES ('h', 'Hej.', NULL, 'Hello.', 'accepted', NULL, 'ana', 't', 1)")
    conn.execute("INSERT INTO documents VALUES (1, 'd', '', 'd', 'en', 'utf-8', 'c', 'Ads. Text.', 't')")
    conn.execute("INSERT INTO segments VALUES (1, 1, 0, 0, 'Ads.', 'x', 0, 4, 'promotion')")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS) >= 2
        assert store.review("h").final_text == "Hello."
        assert store.paragraphs(1)[0].detected == "promotion"  # the detector's verdict is kept beside the mark
        store.save_draft("Hej.", "Hi", base_version=1)
        assert store.drafts([text_hash("Hej.")])[text_hash("Hej.")].text == "Hi"


def test_drafts_are_kept_per_reviewer_and_dropped_by_that_reviewers_save(db):
    path, h = db, text_hash("Hej.")
    with Store(path) as store:
        store.save_draft("Hej.", "Hell", base_version=0, reviewer="ana")
        store.save_draft("Hej.", "Hello", base_version=0, reviewer="ana")  # replaces, never piles up
        store.save_draft("Hej.", "Hi", base_version=0, reviewer="bo")
    with Store(path) as reopened:  # a draft outlives the process that wrote it
        assert reopened.drafts([h], "ana")[h].text == "Hello"
        assert reopened.drafts([h], "bo")[h].text == "Hi"
        assert reopened.drafts([h]) == {}
        reopened.save_review("Hej.", "Hello.", "corrected", expected_version=0, reviewer="ana")
        assert reopened.drafts([h], "ana") == {}
        assert reopened.drafts([h], "bo")[h].base_version == 0  # bo's edit stays, to be checked when bo saves
        reopened.discard_draft(h, "bo")
        assert reopened.drafts([h], "bo") == {}


def test_translation_memory_holds_accepted_and_corrected_sentences_only(store):
    store.save_review("Hej.", "Hello.", "accepted", expected_version=0)
    store.save_review("Farvel.", "Goodbye.", "corrected", expected_version=0)
    store.save_review("Nej.", None, "rejected", expected_version=0, reason="wrong")
    store.save_review("Ja.", "Yes.", "pending", expected_version=0)
    assert sorted(r.source_text for r in store.translation_memory()) == ["Farvel.", "Hej."]


def test_a_reviewer_overrules_the_furniture_detector_per_paragraph(db):
    from conftest import SEEDS

    english = next(p for p in SEEDS if p.name.startswith("004_"))
    path = db
    with Store(path) as store:
        doc = load_document(english)
        doc_id, _ = store.add_document(doc, segment_document(doc))
        paragraphs = {p.paragraph: p for p in store.paragraphs(doc_id)}
        promo = next(p for p in paragraphs.values() if p.detected == "promotion")
        content = max((p for p in paragraphs.values() if p.detected is None), key=lambda p: p.sentences)
        assert "".join(promo.text.split())[:40] in "".join(doc.text.split())
        kept_before = len(store.segments(doc_id, include_furniture=False))

        assert store.set_furniture(doc_id, [promo.paragraph], furniture=False, reviewer="ana") == promo.sentences
        assert store.set_furniture(doc_id, [promo.paragraph], furniture=False) == 0  # already content
        assert store.set_furniture(doc_id, [content.paragraph], furniture=True, reviewer="ana") == content.sentences
    with Store(path) as reopened:
        after = {p.paragraph: p for p in reopened.paragraphs(doc_id)}
        assert after[promo.paragraph].furniture is None and after[promo.paragraph].overridden
        assert after[content.paragraph].furniture == "marked by a reviewer" and after[content.paragraph].overridden
        assert after[content.paragraph].set_by == "ana" and after[content.paragraph].detected is None
        kept = reopened.segments(doc_id, include_furniture=False)
        assert len(kept) == kept_before + promo.sentences - content.sentences
        # Back to the detector's verdict: the detector's own reason comes back with it.
        reopened.set_furniture(doc_id, [promo.paragraph], furniture=True)
        assert {p.paragraph: p for p in reopened.paragraphs(doc_id)}[promo.paragraph].furniture == "promotion"


def test_leaving_out_a_paragraph_drops_the_machine_alignments_that_touch_it(store):
    doc_id = add_seed(store)
    segs = store.segments(doc_id)
    first, other = segs[0], next(s for s in segs if s.paragraph != segs[0].paragraph)
    store.replace_alignments(doc_id, [9], "parallel", {}, [((first.id,), (100,), 0.9, 0, "1-1"),
                                                           ((other.id,), (101,), 0.8, 0, "1-1"),
                                                           ((first.id,), (102,), 0.4, 1, "cand")])
    accepted = store.alignments(doc_id)[2]
    store.set_alignment_status(accepted.id, "accepted")
    store.set_furniture(doc_id, [first.paragraph], furniture=True)
    left = {(a.source_segment_ids, a.target_segment_ids, a.status) for a in store.alignments(doc_id)}
    assert left == {((other.id,), (101,), "machine"), ((first.id,), (102,), "accepted")}


# -- the team store on PostgreSQL


def test_a_postgresql_store_records_its_version_in_a_table_and_migrates_once(pg_db):
    import psycopg

    with Store(pg_db) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.conn.dialect == "postgresql"
    with Store(pg_db) as again:
        assert again.schema_version == len(MIGRATIONS)
    with psycopg.connect(pg_db) as conn:
        assert conn.execute("SELECT application_id, version FROM bilingual_schema").fetchall() == [
            (0x42494C47, len(MIGRATIONS))]
        types = dict(conn.execute("SELECT column_name, data_type FROM information_schema.columns"
                                  " WHERE table_name = 'alignments'").fetchall())
        assert types["id"] == "bigint" and types["score"] == "double precision"  # a score keeps every digit


def test_a_postgresql_store_of_a_newer_version_is_refused(pg_db):
    import psycopg

    Store(pg_db).close()
    with psycopg.connect(pg_db) as conn:
        conn.execute("UPDATE bilingual_schema SET version = version + 1")
    with pytest.raises(RuntimeError, match="newer than this bilingual"):
        Store(pg_db)


def test_a_database_of_another_application_is_never_written(pg_db):
    import psycopg

    with psycopg.connect(pg_db) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    with pytest.raises(StoreError, match="another application .*tables: invoices"):
        Store(pg_db)
    with psycopg.connect(pg_db) as conn:
        tables = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables"
                                             " WHERE table_schema = 'public'")}
    assert tables == {"invoices"}


def test_an_empty_database_is_a_store_only_when_one_may_be_made(pg_db):
    with pytest.raises(StoreError, match="empty database, not a store"):
        Store(pg_db, create=False)
    Store(pg_db).close()
    Store(pg_db, create=False).close()


def test_an_unreachable_server_or_database_is_one_line_without_the_password(pg_server):
    missing = pg_server.url("no_such_db").replace("bilingual@", "bilingual:secret@")
    with pytest.raises(StoreError) as gone:
        Store(missing)
    assert "no database 'no_such_db'" in str(gone.value) and "secret" not in str(gone.value)
    assert "\n" not in str(gone.value)
    with pytest.raises(StoreError, match="cannot reach the store"):
        Store("postgresql://nobody@127.0.0.1:1/db")


def test_a_write_waiting_too_long_for_the_lock_is_one_clear_line(pg_db, monkeypatch):
    from bilingual.store import types as store_types

    Store(pg_db).close()
    monkeypatch.setattr(store_types, "BUSY_TIMEOUT_S", 0.2)
    with Store(pg_db) as holder, Store(pg_db) as waiter:
        with holder.transaction():
            with pytest.raises(StoreError, match="stayed locked by another writer"):
                waiter.save_review("Hej.", "Hello.", "accepted", expected_version=0)
        waiter.save_review("Hej.", "Hello.", "accepted", expected_version=0)  # free again once committed
        assert holder.review(text_hash("Hej.")).version == 1
