"""The one store: documents, segments, the MT cache, reviews with history, alignments, glossary.

All SQL of the project lives in this package, written once for both databases: an SQLite file (the
default) or, for a team, a PostgreSQL database (``--db postgresql://USER@HOST/DB``, ``store.postgres``).
The schema is upgraded by the ordered migrations in ``bilingual.store.schema``; the rows come back as
the dataclasses of ``bilingual.store.types``. Store methods use only ``self.conn`` (a
``types.Connection``: ``?`` placeholders, rows by name) and ``self.transaction()``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from bilingual.decisions import REVIEWED
from bilingual.documents import Document
from bilingual.glossary import Term
from bilingual.segment import Segment, text_hash
from bilingual.store.alignments import AlignmentsMixin
from bilingual.store.dialect import is_url, safe_url
from bilingual.store.discrepancies import DiscrepancyStore
from bilingual.store.embeddings import EmbeddingsMixin
from bilingual.store.history import ReviewHistoryStore
from bilingual.store.judgement import AlignmentJudgementStore
from bilingual.store.metadata import DocumentMetaStore
from bilingual.store.schema import MIGRATIONS, connect
from bilingual.store.terms import GlossaryEntryStore
from bilingual.store.terms import glossary_key as _glossary_key
from bilingual.store.types import (
    ALIGNMENT_STATUSES,
    FURNITURE_BY_REVIEWER,
    REVIEW_STATUSES,
    Connection,
    Draft,
    Review,
    StaleReviewError,
    StoredAlignment,
    StoredDocument,
    StoredParagraph,
    StoredSegment,
    StoreError,
    utc_now,
)

__all__ = [
    "ALIGNMENT_STATUSES", "FURNITURE_BY_REVIEWER", "MIGRATIONS", "REVIEW_STATUSES", "Draft", "Review",
    "StaleReviewError", "Store", "StoreError", "StoredAlignment", "StoredDocument", "StoredParagraph", "StoredSegment",
    "utc_now",
]


class Store(AlignmentsMixin, DiscrepancyStore, DocumentMetaStore, ReviewHistoryStore, AlignmentJudgementStore,
            GlossaryEntryStore, EmbeddingsMixin):
    """A connection to the store; creates and migrates the schema on open.

    ``path`` is an SQLite file or a ``postgresql://`` URL. Only a bilingual store (or, with ``create``, a
    new file or empty database) is opened; every database or file error on it, then and later, is a
    one-line ``StoreError`` naming the store and what to do.
    """

    def __init__(self, path: str | Path, *, create: bool = True):
        self.location = str(path)
        self.path: Path | None = None  # the file of an SQLite store
        self.conn: Connection
        if is_url(self.location):
            from bilingual.store import postgres

            self.conn = postgres.connect(self.location, create=create)
        else:
            self.path = Path(path)
            self.conn = connect(self.path, create=create)

    @property
    def name(self) -> str:
        """The store for messages: its file, or its URL without a password."""
        return safe_url(self.location)

    # -- lifecycle

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the store."""
        if self.conn.dialect == "sqlite":
            return self.conn.execute("PRAGMA user_version").fetchone()[0]
        return self.conn.execute("SELECT version FROM bilingual_schema").fetchone()[0]

    def _rows_in(self, sql: str, keys: Iterable[Any], *before: Any) -> Iterator[Any]:
        """Rows of ``sql`` (holding one ``{marks}`` for the IN list) for many keys, a bounded chunk at a time.

        SQLite caps the parameters of one statement, so long key lists are split.
        """
        keys = list(dict.fromkeys(keys))
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            yield from self.conn.execute(sql.format(marks=",".join("?" * len(chunk))), [*before, *chunk])

    # -- documents and segments

    def add_document(self, doc: Document, segments: Sequence[Segment]) -> tuple[int, bool]:
        """Store a document with its segments; return ``(id, created)``.

        The same content is stored once. A file whose content changed replaces its
        older version; reviews survive because they are keyed by sentence text.
        """
        with self.transaction() as c:
            # Looked up under the write lock: two processes adding the same content cannot both insert it.
            row = c.execute("SELECT id FROM documents WHERE content_hash = ?", (doc.content_hash,)).fetchone()
            if row:
                return row["id"], False
            if doc.path:
                c.execute("DELETE FROM documents WHERE path = ? AND path != ''", (doc.path,))
            doc_id = c.execute(
                "INSERT INTO documents (name, path, title, language, encoding, content_hash, text, added_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (doc.name, doc.path, doc.title, doc.language, doc.encoding, doc.content_hash, doc.text, utc_now()),
            ).fetchone()[0]
            c.executemany(
                "INSERT INTO segments"
                ' (document_id, paragraph, idx, text, text_hash, start, "end", furniture, detected_furniture, language)'
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(doc_id, s.paragraph, s.index, s.text, s.text_hash, s.start, s.end, s.furniture, s.furniture,
                  s.language) for s in segments],
            )
            self._write_document_meta(c, doc_id, doc.meta)
        return doc_id, True

    def documents(self, language: str | None = None) -> list[StoredDocument]:
        """All documents, optionally of one language, in the order they were added."""
        sql = "SELECT id, name, path, title, language, encoding, content_hash, added_at FROM documents"
        args: tuple[Any, ...] = ()
        if language:
            sql += " WHERE language = ?"
            args = (language,)
        return [StoredDocument(**dict(r)) for r in self.conn.execute(sql + " ORDER BY id", args)]

    def document(self, ref: int | str) -> StoredDocument:
        """A document by id, name or path; KeyError if there is none."""
        for doc in self.documents():
            if ref in (doc.id, str(doc.id), doc.name, doc.path) or (isinstance(ref, str) and doc.name.startswith(ref)):
                return doc
        raise KeyError(f"no document {ref!r} in {self.name}")

    def document_text(self, document_id: int) -> str:
        """The full text of a document."""
        return self.conn.execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()[0]

    def segments(self, document_id: int | None = None, language: str | None = None,
                 include_furniture: bool = True) -> list[StoredSegment]:
        """Segments in document order, filtered by document or by their own language (their document's
        unless their paragraph is in the other language)."""
        sql = (
            'SELECT s.id, s.document_id, d.name AS document, s.paragraph, s.idx AS "index", s.text, s.text_hash,'
            ' s.start, s."end", s.furniture, COALESCE(s.language, d.language) AS language'
            " FROM segments s JOIN documents d ON d.id = s.document_id WHERE 1=1"
        )
        args: list[Any] = []
        if document_id is not None:
            sql += " AND s.document_id = ?"
            args.append(document_id)
        if language:
            sql += " AND COALESCE(s.language, d.language) = ?"
            args.append(language)
        if not include_furniture:
            sql += " AND s.furniture IS NULL"
        sql += " ORDER BY s.document_id, s.paragraph, s.idx"
        return [StoredSegment(**dict(r)) for r in self.conn.execute(sql, args)]

    def paragraphs(self, document_id: int) -> list[StoredParagraph]:
        """The paragraphs of a document with their page-furniture marks: the detector's and the one in force."""
        # Grouped here rather than in SQL: the two databases join strings in order with different functions.
        rows = self.conn.execute("SELECT paragraph, text, furniture, detected_furniture, furniture_set_by"
                                 " FROM segments WHERE document_id = ? ORDER BY paragraph, idx", (document_id,))
        groups: dict[int, list[Any]] = {}
        for r in rows:
            groups.setdefault(r["paragraph"], []).append(r)

        def most(group: list[Any], column: str) -> str | None:  # what MAX() gives: the largest value set, if any
            return max((r[column] for r in group if r[column] is not None), default=None)

        return [StoredParagraph(p, " ".join(r["text"] for r in group), len(group), most(group, "furniture"),
                                most(group, "detected_furniture"), most(group, "furniture_set_by"))
                for p, group in groups.items()]

    def set_furniture(self, document_id: int, paragraphs: Iterable[int], furniture: bool,
                      reviewer: str | None = None) -> int:
        """Mark paragraphs as page furniture (left out) or as content; return how many sentences changed.

        Machine alignments that touch a sentence now left out are deleted (a realignment replaces
        the rest); alignments a reviewer accepted or rejected stay, as decisions.
        """
        paragraphs = sorted(set(paragraphs))
        if not paragraphs:
            return 0
        marks = ",".join("?" * len(paragraphs))
        where = f"document_id = ? AND paragraph IN ({marks})"
        with self.transaction() as c:
            if furniture:
                changed = [r[0] for r in c.execute(f"SELECT id FROM segments WHERE {where} AND furniture IS NULL",
                                                   (document_id, *paragraphs))]
                # Keep the detector's reason where it had one: it says more than "marked by a reviewer".
                c.execute(f"UPDATE segments SET furniture = COALESCE(detected_furniture, ?), furniture_set_by = ?"
                          f" WHERE {where} AND furniture IS NULL",
                          (FURNITURE_BY_REVIEWER, reviewer or "", document_id, *paragraphs))
                gone = set(changed)
                stale = [
                    r[0] for r in c.execute("SELECT id, source_segment_ids, target_segment_ids FROM alignments"
                                            " WHERE status = 'machine'")
                    if gone & {*json.loads(r[1]), *json.loads(r[2])}
                ]
                c.executemany("DELETE FROM alignments WHERE id = ?", [(i,) for i in stale])
            else:
                changed = [r[0] for r in c.execute(
                    f"SELECT id FROM segments WHERE {where} AND furniture IS NOT NULL", (document_id, *paragraphs))]
                c.execute(f"UPDATE segments SET furniture = NULL, furniture_set_by = ?"
                          f" WHERE {where} AND furniture IS NOT NULL", (reviewer or "", document_id, *paragraphs))
        return len(changed)

    def segments_by_ids(self, ids: Iterable[int]) -> dict[int, StoredSegment]:
        """Segments by store id (for alignment targets); unknown ids are left out."""
        rows = self._rows_in(
            'SELECT s.id, s.document_id, d.name AS document, s.paragraph, s.idx AS "index", s.text, s.text_hash,'
            ' s.start, s."end", s.furniture, COALESCE(s.language, d.language) AS language'
            " FROM segments s JOIN documents d ON d.id = s.document_id WHERE s.id IN ({marks})", ids)
        return {r["id"]: StoredSegment(**dict(r)) for r in rows}

    # -- machine translation cache

    def cached_translations(self, hashes: Iterable[str], translator_key: str) -> dict[str, str]:
        """MT cache lookup: text hash -> translation for one translator."""
        rows = self._rows_in("SELECT text_hash, target_text FROM translations WHERE translator_key = ?"
                             " AND text_hash IN ({marks})", hashes, translator_key)
        return {r[0]: r[1] for r in rows}

    def put_translations(self, pairs: Iterable[tuple[str, str]], translator_key: str, signature: dict) -> int:
        """Store ``(source, translation)`` pairs for one translator in one transaction; return the count."""
        now, sig = utc_now(), json.dumps(signature, sort_keys=True)
        rows = [(text_hash(src), translator_key, src, tgt, sig, now) for src, tgt in pairs]
        with self.transaction() as c:
            c.executemany(
                "INSERT INTO translations (text_hash, translator_key, source_text, target_text, signature, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (text_hash, translator_key) DO UPDATE SET"
                " source_text = excluded.source_text, target_text = excluded.target_text,"
                " signature = excluded.signature, created_at = excluded.created_at",
                rows,
            )
        return len(rows)

    def latest_translations(self, hashes: Iterable[str]) -> dict[str, tuple[str, dict]]:
        """For each text hash, the most recent MT of any translator: ``(text, signature)``."""
        found: dict[str, tuple[str, dict]] = {}
        for r in self._rows_in("SELECT text_hash, target_text, signature FROM translations"
                               " WHERE text_hash IN ({marks}) ORDER BY created_at", hashes):
            found[r[0]] = (r[1], json.loads(r[2]))  # later rows win: the most recent MT
        return found

    # -- reviews (translation memory)

    def review(self, hash_: str) -> Review | None:
        """The current review of a sentence by its text hash, if any."""
        r = self.conn.execute("SELECT * FROM reviews WHERE text_hash = ?", (hash_,)).fetchone()
        return Review(**dict(r)) if r else None

    def reviews(self, hashes: Iterable[str]) -> dict[str, Review]:
        """Current reviews for many text hashes."""
        rows = self._rows_in("SELECT * FROM reviews WHERE text_hash IN ({marks})", hashes)
        return {r["text_hash"]: Review(**dict(r)) for r in rows}

    def save_review(self, source_text: str, final_text: str | None, status: str, *, expected_version: int,
                    reviewer: str | None = None, mt_text: str | None = None, reason: str | None = None) -> Review:
        """Save a decision on a sentence if nobody saved since ``expected_version`` (0 = never reviewed).

        Raises StaleReviewError, changing nothing, when the stored version differs.
        Every saved decision is appended to ``review_history``.
        """
        if status not in REVIEW_STATUSES:
            raise ValueError(f"unknown review status {status!r}; expected one of {', '.join(REVIEW_STATUSES)}")
        if status == "rejected" and not (reason or "").strip():
            raise ValueError("a rejection needs a reason")
        h, now = text_hash(source_text), utc_now()
        with self.transaction() as c:
            # The transaction holds the write lock before the version is read: two processes cannot both pass.
            current = c.execute("SELECT * FROM reviews WHERE text_hash = ?", (h,)).fetchone()
            version = current["version"] if current else 0
            if version != expected_version:
                raise StaleReviewError(Review(**dict(current)))
            new_version = version + 1
            c.execute(
                "INSERT INTO reviews"
                " (text_hash, source_text, mt_text, final_text, status, reason, reviewer, updated_at, version)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (text_hash) DO UPDATE SET"
                " source_text = excluded.source_text, mt_text = excluded.mt_text, final_text = excluded.final_text,"
                " status = excluded.status, reason = excluded.reason, reviewer = excluded.reviewer,"
                " updated_at = excluded.updated_at, version = excluded.version",
                (h, source_text, mt_text, final_text, status, reason, reviewer, now, new_version),
            )
            c.execute(
                "INSERT INTO review_history"
                " (text_hash, version, source_text, mt_text, final_text, status, reason, reviewer, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (h, new_version, source_text, mt_text, final_text, status, reason, reviewer, now),
            )
            c.execute("DELETE FROM drafts WHERE text_hash = ? AND reviewer = ?", (h, reviewer or ""))
        return Review(h, source_text, mt_text, final_text, status, reason, reviewer, now, new_version)

    def translation_memory(self) -> list[Review]:
        """Every sentence a reviewer accepted or corrected, with its final text: the fuzzy-match memory."""
        rows = self.conn.execute(
            f"SELECT * FROM reviews r WHERE status IN ({','.join('?' * len(REVIEWED))}) AND final_text IS NOT NULL"
            # Saves within one second come in the order they were made: by their history row.
            " AND final_text != '' ORDER BY updated_at,"
            " COALESCE((SELECT MAX(h.id) FROM review_history h WHERE h.text_hash = r.text_hash), 0), text_hash",
            REVIEWED
        )
        return [Review(**dict(r)) for r in rows]

    # -- drafts (unsaved edits)

    def save_draft(self, source_text: str, text: str, *, base_version: int, reviewer: str | None = None) -> Draft:
        """Keep an unsaved edit of a sentence (one per sentence and reviewer), replacing the previous one."""
        draft = Draft(text_hash(source_text), reviewer or "", source_text, text, base_version, utc_now())
        with self.transaction() as c:
            c.execute(
                "INSERT INTO drafts (text_hash, reviewer, source_text, text, base_version, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (text_hash, reviewer) DO UPDATE SET"
                " source_text = excluded.source_text, text = excluded.text, base_version = excluded.base_version,"
                " updated_at = excluded.updated_at",
                (draft.text_hash, draft.reviewer, draft.source_text, draft.text, draft.base_version,
                 draft.updated_at),
            )
        return draft

    def drafts(self, hashes: Iterable[str], reviewer: str | None = None) -> dict[str, Draft]:
        """A reviewer's unsaved edits for many text hashes."""
        rows = self._rows_in("SELECT * FROM drafts WHERE reviewer = ? AND text_hash IN ({marks})", hashes,
                             reviewer or "")
        return {r["text_hash"]: Draft(**dict(r)) for r in rows}

    def discard_draft(self, hash_: str, reviewer: str | None = None) -> None:
        """Forget a reviewer's unsaved edit of a sentence (after a save, or when the editor is reset)."""
        with self.transaction() as c:
            c.execute("DELETE FROM drafts WHERE text_hash = ? AND reviewer = ?", (hash_, reviewer or ""))

    def review_history(self, hash_: str) -> list[Review]:
        """Every decision ever saved for a sentence, oldest first."""
        rows = self.conn.execute(
            "SELECT text_hash, source_text, mt_text, final_text, status, reason, reviewer,"
            " created_at AS updated_at, version FROM review_history WHERE text_hash = ? ORDER BY version",
            (hash_,),
        )
        return [Review(**dict(r)) for r in rows]

    # -- glossary (termbase)

    def add_terms(self, terms: Iterable[Term], source: str = "") -> int:
        """Add glossary terms, noting ``source`` (a file name) with each; return how many were new.

        A term whose Danish and preferred English are already there (whatever their case) is left as
        it is, so importing a file twice adds nothing; to change an entry, remove it and add it again.
        """
        now = utc_now()
        rows = [(t.danish, json.dumps(list(t.english), ensure_ascii=False), t.note, source, now,
                 _glossary_key(t.danish), _glossary_key(t.english[0])) for t in terms]
        with self.transaction() as c:
            before = c.execute("SELECT COUNT(*) FROM glossary").fetchone()[0]
            c.executemany(
                "INSERT INTO glossary (danish, english, note, source, added_at, danish_key, english_key)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (danish_key, english_key) DO NOTHING",
                rows,
            )
            after = c.execute("SELECT COUNT(*) FROM glossary").fetchone()[0]
        return after - before

    def terms(self) -> list[Term]:
        """Every glossary term, in the order they were added, with the source each came from."""
        rows = self.conn.execute("SELECT danish, english, note, source FROM glossary ORDER BY id")
        return [Term(r["danish"], tuple(json.loads(r["english"])), r["note"], r["source"]) for r in rows]

    def remove_term(self, danish: str) -> int:
        """Remove every glossary entry of a Danish term (case and extra spaces do not count); return how many."""
        with self.transaction() as c:
            return c.execute("DELETE FROM glossary WHERE danish_key = ?", (_glossary_key(danish),)).rowcount

    # -- overview

    def stats(self) -> dict[str, int]:
        """Counts: documents, segments, Danish segments translated, reviewed sentences, alignments."""
        q = self.conn.execute
        return {
            "documents": q("SELECT COUNT(*) FROM documents").fetchone()[0],
            "danish documents": q("SELECT COUNT(*) FROM documents WHERE language = 'da'").fetchone()[0],
            "english documents": q("SELECT COUNT(*) FROM documents WHERE language = 'en'").fetchone()[0],
            "segments": q("SELECT COUNT(*) FROM segments").fetchone()[0],
            "danish segments": q(
                "SELECT COUNT(*) FROM segments s JOIN documents d ON d.id = s.document_id WHERE d.language = 'da'"
            ).fetchone()[0],
            "translated": q(
                "SELECT COUNT(*) FROM segments s JOIN documents d ON d.id = s.document_id WHERE d.language = 'da'"
                " AND EXISTS (SELECT 1 FROM translations t WHERE t.text_hash = s.text_hash)"
            ).fetchone()[0],
            "reviewed": q(
                "SELECT COUNT(*) FROM segments s JOIN documents d ON d.id = s.document_id WHERE d.language = 'da'"
                " AND EXISTS (SELECT 1 FROM reviews r WHERE r.text_hash = s.text_hash AND r.status != 'pending')"
            ).fetchone()[0],
            "translation memory entries": q("SELECT COUNT(*) FROM translations").fetchone()[0],
            "alignments": q("SELECT COUNT(*) FROM alignments").fetchone()[0],
        }
