"""The one SQLite store: documents, segments, the MT cache, reviews with history, alignments.

All SQL of the project lives in this package. The schema is versioned with
``PRAGMA user_version`` and upgraded by the ordered migrations in ``bilingual.store.schema``;
the rows come back as the dataclasses of ``bilingual.store.types``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bilingual.decisions import REVIEWED
from bilingual.documents import Document
from bilingual.glossary import Term
from bilingual.segment import Segment, text_hash
from bilingual.store.embeddings import EmbeddingsMixin
from bilingual.store.schema import MIGRATIONS, connect
from bilingual.store.types import (
    ALIGNMENT_STATUSES,
    FURNITURE_BY_REVIEWER,
    REVIEW_STATUSES,
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


def _glossary_key(text: str) -> str:
    """How glossary entries are compared: case and runs of spaces do not count."""
    return " ".join(text.split()).casefold()


class Store(EmbeddingsMixin):
    """A connection to the SQLite store; creates and migrates the schema on open.

    Only a bilingual store (or, with ``create``, a new or empty file) is opened; every SQLite or file
    error on it, then and later, is a one-line ``StoreError`` naming the file and what to do.
    """

    def __init__(self, path: str | Path, *, create: bool = True):
        self.path = Path(path)
        self.conn: sqlite3.Connection = connect(self.path, create=create)

    # -- lifecycle

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed on success, rolled back on error.

        It holds the write lock from its start, so what it reads cannot change before it writes, and
        it never has to give up half-way for a lock another process took in between.
        """
        if self.conn.in_transaction:  # opened by a write outside any transaction: commit it, as sqlite3 would
            self.conn.commit()
        self.conn.execute("BEGIN IMMEDIATE")
        with self.conn:
            yield self.conn

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the file."""
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _rows_in(self, sql: str, keys: Iterable[Any], *before: Any) -> Iterator[sqlite3.Row]:
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
            cur = c.execute(
                "INSERT INTO documents (name, path, title, language, encoding, content_hash, text, added_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (doc.name, doc.path, doc.title, doc.language, doc.encoding, doc.content_hash, doc.text, utc_now()),
            )
            doc_id = cur.lastrowid
            c.executemany(
                "INSERT INTO segments"
                " (document_id, paragraph, idx, text, text_hash, start, end, furniture, detected_furniture, language)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(doc_id, s.paragraph, s.index, s.text, s.text_hash, s.start, s.end, s.furniture, s.furniture,
                  s.language) for s in segments],
            )
        assert doc_id is not None
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
        raise KeyError(f"no document {ref!r} in {self.path}")

    def document_text(self, document_id: int) -> str:
        """The full text of a document."""
        return self.conn.execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()[0]

    def segments(self, document_id: int | None = None, language: str | None = None,
                 include_furniture: bool = True) -> list[StoredSegment]:
        """Segments in document order, filtered by document or by their own language (their document's
        unless their paragraph is in the other language)."""
        sql = (
            "SELECT s.id, s.document_id, d.name AS document, s.paragraph, s.idx AS 'index', s.text, s.text_hash,"
            " s.start, s.end, s.furniture, COALESCE(s.language, d.language) AS language"
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
        rows = self.conn.execute(
            "SELECT paragraph, group_concat(text, ' ') AS text, COUNT(*) AS sentences, MAX(furniture) AS furniture,"
            " MAX(detected_furniture) AS detected, MAX(furniture_set_by) AS set_by FROM"
            " (SELECT * FROM segments WHERE document_id = ? ORDER BY paragraph, idx) GROUP BY paragraph"
            " ORDER BY paragraph",
            (document_id,),
        )
        return [StoredParagraph(r["paragraph"], r["text"], r["sentences"], r["furniture"], r["detected"],
                                r["set_by"]) for r in rows]

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
            "SELECT s.id, s.document_id, d.name AS document, s.paragraph, s.idx AS 'index', s.text, s.text_hash,"
            " s.start, s.end, s.furniture, COALESCE(s.language, d.language) AS language"
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
                "INSERT OR REPLACE INTO translations"
                " (text_hash, translator_key, source_text, target_text, signature, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
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
                "INSERT OR REPLACE INTO reviews"
                " (text_hash, source_text, mt_text, final_text, status, reason, reviewer, updated_at, version)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            f"SELECT * FROM reviews WHERE status IN ({','.join('?' * len(REVIEWED))}) AND final_text IS NOT NULL"
            " AND final_text != '' ORDER BY updated_at, rowid", REVIEWED
        )
        return [Review(**dict(r)) for r in rows]

    # -- drafts (unsaved edits)

    def save_draft(self, source_text: str, text: str, *, base_version: int, reviewer: str | None = None) -> Draft:
        """Keep an unsaved edit of a sentence (one per sentence and reviewer), replacing the previous one."""
        draft = Draft(text_hash(source_text), reviewer or "", source_text, text, base_version, utc_now())
        with self.transaction() as c:
            c.execute(
                "INSERT OR REPLACE INTO drafts (text_hash, reviewer, source_text, text, base_version, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
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

    # -- alignments

    def replace_alignments(self, source_document_id: int, target_document_ids: Sequence[int], mode: str,
                           signature: dict,
                           beads: Iterable[tuple[Sequence[int], Sequence[int], float, int, str]]) -> int:
        """Replace the machine alignments of a source document with new beads; return the run id.

        Each bead is ``(source segment ids, target segment ids, score, rank, method)``.
        A reviewer's accepted or rejected alignments are kept, and a new bead that
        repeats one of them is not added again.
        """
        now = utc_now()
        with self.transaction() as c:
            c.execute("DELETE FROM alignments WHERE source_document_id = ? AND status = 'machine'",
                      (source_document_id,))
            reviewed = {
                (r[0], r[1])
                for r in c.execute(
                    "SELECT source_segment_ids, target_segment_ids FROM alignments WHERE source_document_id = ?",
                    (source_document_id,),
                )
            }
            run_id = c.execute(
                "INSERT INTO alignment_runs (source_document_id, target_document_ids, mode, signature, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (source_document_id, json.dumps(list(target_document_ids)), mode, json.dumps(signature, sort_keys=True),
                 now),
            ).lastrowid
            rows = []
            for src, tgt, score, rank, method in beads:
                key = (json.dumps(list(src)), json.dumps(list(tgt)))
                if key in reviewed:
                    continue
                rows.append((run_id, source_document_id, key[0], key[1], float(score), rank, method, now))
            c.executemany(
                "INSERT INTO alignments (run_id, source_document_id, source_segment_ids, target_segment_ids, score,"
                " rank, method, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'machine', ?)",
                rows,
            )
        assert run_id is not None
        return run_id

    def alignments(self, source_document_id: int | None = None) -> list[StoredAlignment]:
        """Alignment beads, best rank first within each source document."""
        sql = "SELECT * FROM alignments"
        args: tuple[Any, ...] = ()
        if source_document_id is not None:
            sql += " WHERE source_document_id = ?"
            args = (source_document_id,)
        rows = self.conn.execute(sql + " ORDER BY source_document_id, rank, id", args)
        return [
            StoredAlignment(
                id=r["id"], run_id=r["run_id"], source_document_id=r["source_document_id"],
                source_segment_ids=tuple(json.loads(r["source_segment_ids"])),
                target_segment_ids=tuple(json.loads(r["target_segment_ids"])), score=r["score"], rank=r["rank"],
                method=r["method"], status=r["status"], reviewer=r["reviewer"], updated_at=r["updated_at"],
            )
            for r in rows
        ]

    def alignment_run(self, run_id: int) -> dict[str, Any] | None:
        """An alignment run's mode, targets and signature."""
        r = self.conn.execute("SELECT * FROM alignment_runs WHERE id = ?", (run_id,)).fetchone()
        if not r:
            return None
        return {**dict(r), "target_document_ids": json.loads(r["target_document_ids"]),
                "signature": json.loads(r["signature"])}

    def set_alignment_status(self, alignment_id: int, status: str, reviewer: str | None = None) -> None:
        """Mark an alignment as accepted, rejected or back to machine."""
        if status not in ALIGNMENT_STATUSES:
            raise ValueError(f"unknown alignment status {status!r}; expected one of {', '.join(ALIGNMENT_STATUSES)}")
        with self.transaction() as c:
            c.execute("UPDATE alignments SET status = ?, reviewer = ?, updated_at = ? WHERE id = ?",
                      (status, reviewer, utc_now(), alignment_id))

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
                "INSERT OR IGNORE INTO glossary (danish, english, note, source, added_at, danish_key, english_key)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
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
