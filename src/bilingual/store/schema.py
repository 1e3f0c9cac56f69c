"""The store's schema: the ordered migrations, recorded in ``PRAGMA user_version``.

Migration N brings a file from version N-1 to N; a file is never downgraded.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

MIGRATIONS: list[str] = [
    # 1: the initial schema
    """
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        title TEXT NOT NULL,
        language TEXT NOT NULL CHECK (language IN ('da', 'en')),
        encoding TEXT NOT NULL,
        content_hash TEXT NOT NULL UNIQUE,
        text TEXT NOT NULL,
        added_at TEXT NOT NULL
    );
    CREATE TABLE segments (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        paragraph INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        text TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        furniture TEXT,
        UNIQUE (document_id, paragraph, idx)
    );
    CREATE INDEX segments_text_hash ON segments(text_hash);
    CREATE TABLE translations (
        text_hash TEXT NOT NULL,
        translator_key TEXT NOT NULL,
        source_text TEXT NOT NULL,
        target_text TEXT NOT NULL,
        signature TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (text_hash, translator_key)
    );
    CREATE TABLE reviews (
        text_hash TEXT PRIMARY KEY,
        source_text TEXT NOT NULL,
        mt_text TEXT,
        final_text TEXT,
        status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'corrected', 'rejected')),
        reason TEXT,
        reviewer TEXT,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL
    );
    CREATE TABLE review_history (
        id INTEGER PRIMARY KEY,
        text_hash TEXT NOT NULL,
        version INTEGER NOT NULL,
        source_text TEXT NOT NULL,
        mt_text TEXT,
        final_text TEXT,
        status TEXT NOT NULL,
        reason TEXT,
        reviewer TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX review_history_hash ON review_history(text_hash, version);
    CREATE TABLE alignment_runs (
        id INTEGER PRIMARY KEY,
        source_document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        target_document_ids TEXT NOT NULL,
        mode TEXT NOT NULL,
        signature TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE alignments (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES alignment_runs(id) ON DELETE SET NULL,
        source_document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        source_segment_ids TEXT NOT NULL,
        target_segment_ids TEXT NOT NULL,
        score REAL NOT NULL,
        rank INTEGER NOT NULL DEFAULT 0,
        method TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'machine' CHECK (status IN ('machine', 'accepted', 'rejected')),
        reviewer TEXT,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX alignments_source ON alignments(source_document_id, status);
    """,
    # 2: unsaved edits in the review app, so a reload or a closed tab loses no typing
    """
    CREATE TABLE drafts (
        text_hash TEXT NOT NULL,
        reviewer TEXT NOT NULL DEFAULT '',
        source_text TEXT NOT NULL,
        text TEXT NOT NULL,
        base_version INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (text_hash, reviewer)
    );
    """,
    # 3: a reviewer can overrule the page-furniture detector per paragraph; its verdict is kept beside
    """
    ALTER TABLE segments ADD COLUMN detected_furniture TEXT;
    ALTER TABLE segments ADD COLUMN furniture_set_by TEXT;
    UPDATE segments SET detected_furniture = furniture;
    """,
    # 4: the termbase of Danish→English terms the QA check ``term`` uses; one entry per Danish term and
    # preferred English rendering (compared without case and extra spaces), so re-importing adds nothing
    """
    CREATE TABLE glossary (
        id INTEGER PRIMARY KEY,
        danish TEXT NOT NULL,
        english TEXT NOT NULL,  -- a JSON list of the accepted renderings, the preferred first
        note TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '',  -- the file the entry was imported from, or "command line"
        added_at TEXT NOT NULL,
        danish_key TEXT NOT NULL,
        english_key TEXT NOT NULL,
        UNIQUE (danish_key, english_key)
    );
    """,
]


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the file's schema up to the newest version, one committed migration at a time."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > len(MIGRATIONS):
        raise RuntimeError(
            f"{path} has schema version {current}, newer than this bilingual knows "
            f"({len(MIGRATIONS)}); upgrade bilingual"
        )
    for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
        with conn:
            conn.executescript(f"BEGIN; {script}; PRAGMA user_version = {version}; COMMIT;")
