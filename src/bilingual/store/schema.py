"""The store's file: the ordered migrations (recorded in ``PRAGMA user_version``), and opening a file safely.

Migration N brings a file from version N-1 to N; a file is never downgraded. Before anything is
written, the file is checked to be a bilingual store (its ``application_id``, or the tables of a
store made before stores had one) of a schema this code knows, with every table and column of its
version; every SQLite error on it becomes one ``StoreError`` line naming the file and what to do.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import bilingual.store.types as store_types
from bilingual.store.dialect import SQLITE, is_url, repair_pg, safe_url, script_for
from bilingual.store.types import StoreConnection, StoreError, describe, repair

# ``PRAGMA application_id`` of every bilingual store ("BILG"): a file with another id is never written to.
APPLICATION_ID = 0x42494C47

# Each migration is one script in the portable subset (PostgreSQL gets it through ``dialect.postgres_ddl``),
# or, where the two cannot share one, a per-dialect variant ``{"sqlite": ..., "postgresql": ...}``.
MIGRATIONS: list[str | dict[str, str]] = [
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
        "end" INTEGER NOT NULL,  -- quoted: a reserved word in PostgreSQL
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
    # 5: a sentence's own language, where its paragraph is not in its document's (a Danish paragraph in
    # an English article); NULL: the document's language, as for every sentence stored before
    """
    ALTER TABLE segments ADD COLUMN language TEXT CHECK (language IN ('da', 'en'));
    """,
    # 6: a reviewer's verdict on a fact-check difference (``bilingual.factcheck``), keyed by the two sentences
    # and facts compared so it survives realignment and a document added again; every verdict in its history
    """
    CREATE TABLE discrepancy_verdicts (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        left_text TEXT NOT NULL,
        right_text TEXT NOT NULL,
        detail TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('real discrepancy', 'same fact', 'not comparable')),
        note TEXT NOT NULL DEFAULT '',
        reviewer TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL
    );
    CREATE TABLE discrepancy_history (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL,
        version INTEGER NOT NULL,
        verdict TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        reviewer TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    );
    CREATE INDEX discrepancy_history_key ON discrepancy_history(key, version);
    """,
    # 7: where a document came from and what it says about itself: the address it was fetched from and
    # when, its own date, author and site (a web page's or a file's metadata), and the format it was read
    # from; empty text for a document that does not say, as for every document stored before
    """
    ALTER TABLE documents ADD COLUMN url TEXT NOT NULL DEFAULT '';
    ALTER TABLE documents ADD COLUMN retrieved_at TEXT NOT NULL DEFAULT '';
    ALTER TABLE documents ADD COLUMN published TEXT NOT NULL DEFAULT '';
    ALTER TABLE documents ADD COLUMN author TEXT NOT NULL DEFAULT '';
    ALTER TABLE documents ADD COLUMN site TEXT NOT NULL DEFAULT '';
    ALTER TABLE documents ADD COLUMN source_format TEXT NOT NULL DEFAULT 'text';
    """,
    # 8: undo in the review history: each version says what made it (a save, an undo, a restore) and, for an
    # undo or a restore, which version's decision it brought back (0: pending), so the history stays
    # append-only and an undo is a version of its own with who and when
    """
    ALTER TABLE review_history ADD COLUMN action TEXT NOT NULL DEFAULT 'save'
        CHECK (action IN ('save', 'undo', 'restore'));
    ALTER TABLE review_history ADD COLUMN restores INTEGER;
    """,
    # 9: the embeddings cache: a sentence vector per text hash and embedder signature (base64 float32 as
    # TEXT), so realigning and the review app embed a sentence once per model, however often it is aligned
    """
    CREATE TABLE embeddings (
        embedder TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        dimensions INTEGER NOT NULL,
        vector TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (embedder, text_hash)
    );
    """,
]

# Tables every release had: a file holding them but no application id is a store of a release before ids.
_CORE_TABLES = frozenset({"documents", "segments", "translations"})
@dataclass(frozen=True)
class FileState:
    """What a database file says it is: its application id, schema version, and tables with their columns."""

    application_id: int
    version: int
    shape: dict[str, set[str]]


def schema_shape(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """Each table of a database with its columns."""
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                         " AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: {r[0] for r in conn.execute("SELECT name FROM pragma_table_info(?)", (t,))} for t in tables}


@functools.cache
def expected_shape(version: int) -> dict[str, frozenset[str]]:
    """The tables and columns of a store of a schema version: its migrations run on an empty database."""
    with closing(sqlite3.connect(":memory:")) as conn:
        for migration in MIGRATIONS[:version]:
            conn.executescript(script_for(migration, SQLITE))
        return {table: frozenset(columns) for table, columns in schema_shape(conn).items()}


@dataclass(frozen=True)
class TableSpec:
    """A table of the newest schema: its columns in order, its primary key, and the tables it refers to."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    parents: frozenset[str]


@functools.cache
def newest_tables() -> tuple[TableSpec, ...]:
    """Every table of the newest schema, each after the tables its foreign keys refer to."""
    with closing(sqlite3.connect(":memory:")) as conn:
        for migration in MIGRATIONS:
            conn.executescript(script_for(migration, SQLITE))
        specs = {}
        for table in sorted(schema_shape(conn)):
            info = conn.execute(f'SELECT name, pk FROM pragma_table_info("{table}") ORDER BY cid').fetchall()
            key = tuple(name for name, pk in sorted((r for r in info if r[1]), key=lambda r: r[1]))
            parents = {r[0] for r in conn.execute(f'SELECT "table" FROM pragma_foreign_key_list("{table}")')}
            specs[table] = TableSpec(table, tuple(r[0] for r in info), key or tuple(r[0] for r in info),
                                     frozenset(parents - {table}))
    ordered: list[TableSpec] = []
    while len(ordered) < len(specs):
        done = {t.name for t in ordered}
        ready = [t for name, t in specs.items() if name not in done and t.parents <= done]
        if not ready:
            raise AssertionError(f"the foreign keys of {sorted(set(specs) - done)} refer to each other")
        ordered += ready
    return tuple(ordered)


def _parts(shape: Mapping[str, Iterable[str]]) -> set[str]:
    """A shape as names: ``table`` for each table and ``table.column`` for each column."""
    return {*shape, *(f"{table}.{column}" for table, columns in shape.items() for column in columns)}


def read_state(conn: sqlite3.Connection) -> FileState:
    """What the file at the end of ``conn`` says it is (reads only), as of one moment."""
    # One read transaction: another process may commit a migration between two of these reads.
    opened = not conn.in_transaction
    if opened:
        conn.execute("BEGIN")
    try:
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        return FileState(application_id, conn.execute("PRAGMA user_version").fetchone()[0], schema_shape(conn))
    finally:
        if opened:
            conn.rollback()


def state_problem(state: FileState, path: Path | str, create: bool) -> str | None:
    """Why a file (or, for a ``postgresql://`` URL, a database) must not be used as a store (one line), or None:
    a store, or (``create``) an empty database."""
    newest, tables = len(MIGRATIONS), sorted(state.shape)
    team = is_url(path)
    where = safe_url(str(path)) if team else path
    never = "point --db / BILINGUAL_DB at your store (bilingual never writes to this " + \
        ("database)" if team else "file)")
    if state.application_id not in (0, APPLICATION_ID):
        return (f"{where} is not a bilingual store: it is the database of another application (application id "
                f"{state.application_id:#010x}): {never}")
    if state.application_id == 0 and tables and (team or not _CORE_TABLES <= set(tables)):
        listed = ", ".join(tables[:6]) + (", ..." if len(tables) > 6 else "")
        kind = "a database" if team else "an SQLite database"
        return (f"{where} is not a bilingual store: it is {kind} of another application (tables: "
                f"{listed}): {never}")
    if state.version > newest:
        return (f"{where} has schema version {state.version}, newer than this bilingual knows ({newest}); "
                "upgrade bilingual")
    if not tables and state.version == 0:
        return None if create else (f"{where} is an empty database, not a store: point --db / BILINGUAL_DB at your "
                                    f"store, or make this one with `bilingual add FILES --db {where}`")
    fix_damage = repair_pg(str(path)) if team else repair(Path(path))
    have = _parts(state.shape)
    missing = _parts(expected_shape(state.version)) - have
    if missing:
        return (f"{where} lacks {_listed(missing)} of schema version {state.version}: it was changed outside "
                f"bilingual, so nothing is written to it: {fix_damage}")
    ahead = (_parts(expected_shape(newest)) - _parts(expected_shape(state.version))) & have
    if ahead:
        if team:
            return (f"{where} records schema version {state.version} but already holds {_listed(ahead)} of a "
                    f"later version: its version table was changed outside bilingual, so it is not upgraded: "
                    f"{fix_damage}")
        fits = [v for v in range(state.version + 1, newest + 1) if _parts(expected_shape(v)) <= have
                and not (_parts(expected_shape(newest)) - _parts(expected_shape(v))) & have]
        fix = f"set it right with `sqlite3 {path} 'PRAGMA user_version = {fits[0]}'` if you know it was, or " \
            if fits else ""
        return (f"{path} records schema version {state.version} but already holds {_listed(ahead)} of a later "
                f"version: its version number was changed outside bilingual, so it is not upgraded: {fix}"
                f"restore a backup (such as {Path(path).name}.vN.bak beside it, or your own copy)")
    return None


def _listed(parts: set[str]) -> str:
    """Tables and columns for a message: a whole table by its name alone, at most four of them."""
    shown = sorted(p for p in parts if p.partition(".")[0] == p or p.partition(".")[0] not in parts)
    return ", ".join(shown[:4]) + (f" and {len(shown) - 4} more" if len(shown) > 4 else "")


def _check_file(path: Path, create: bool) -> None:
    """Refuse, before SQLite touches it, a path that is a folder, lies under a file, or is missing or empty
    where a store must already exist."""
    try:
        if path.is_dir():
            raise StoreError(f"{path} is a folder, not a store file: point --db / BILINGUAL_DB at a file, such as "
                             f"{path / 'bilingual.sqlite3'}")
        if path.exists():
            if not create and path.stat().st_size == 0:
                raise StoreError(f"{path} is an empty file, not a store: point --db / BILINGUAL_DB at your store, "
                                 f"or make this one with `bilingual add FILES --db {path}`")
            return
        if not create:
            raise StoreError(f"no store at {path}: point --db / BILINGUAL_DB at your store, or make one with "
                             f"`bilingual add FILES --db {path}`")
        for folder in path.parents:
            if folder.exists():
                if not folder.is_dir():
                    raise StoreError(f"cannot make the store {path}: {folder} is a file, not a folder: choose "
                                     "another --db path")
                break
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot make or open the store {path}: {exc.strerror or exc}: choose another --db path, "
                         "or check the permissions of its folder") from exc


def connect(path: Path, *, create: bool = True) -> StoreConnection:
    """The store at ``path``, checked to be a bilingual store (or, with ``create``, a new one) and migrated to
    the newest schema; any failure is one StoreError line, and a file that is not a store is never written."""
    if str(path) != ":memory:":
        _check_file(path, create)
    try:
        conn = sqlite3.connect(str(path), timeout=store_types.BUSY_TIMEOUT_S, check_same_thread=False,
                               factory=StoreConnection)
    except sqlite3.Error as exc:
        raise StoreError(describe(exc, path)) from exc
    conn.path = path
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        state = read_state(conn)
        if problem := state_problem(state, path, create):
            raise StoreError(problem)
        conn.execute("PRAGMA journal_mode = WAL")  # only now: switching it writes to the file
        conn.execute("PRAGMA synchronous = NORMAL")
        if state.version != len(MIGRATIONS) or state.application_id != APPLICATION_ID:
            migrate(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def statements(script: str) -> Iterator[str]:
    """The SQL statements of a script, one at a time."""
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip().rstrip(";").strip():
                yield buffer.strip()
            buffer = ""


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the file's schema up to the newest version and stamp it as a bilingual store, in one transaction.

    The write lock is taken first and the file looked at again under it, so processes opening one
    file at once migrate it once. A file that was a store already is checked with
    ``PRAGMA integrity_check`` and copied beside itself (``NAME.vN.bak``) before it is changed.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        state = read_state(conn)
        if problem := state_problem(state, path, create=True):
            raise StoreError(problem)
        newest = len(MIGRATIONS)
        if state.version == newest and state.application_id == APPLICATION_ID:
            conn.rollback()
            return
        if state.version and str(path) != ":memory:":
            _check_integrity(conn, path, state.version)
            if state.version < newest:
                backup(path, state.version)
        for migration in MIGRATIONS[state.version:]:
            for statement in statements(script_for(migration, SQLITE)):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {newest}")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.commit()
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise


def _check_integrity(conn: sqlite3.Connection, path: Path, version: int) -> None:
    found = [" ".join(str(r[0]).split()) for r in conn.execute("PRAGMA integrity_check(5)")]
    if found != ["ok"]:
        shown = "; ".join(found)
        shown = shown if len(shown) <= 300 else shown[:297] + "..."
        raise StoreError(f"{path} is damaged (PRAGMA integrity_check: {shown}), so it was not upgraded from schema "
                         f"version {version}: {repair(path)}")


def backup(path: Path, version: int) -> Path:
    """Copy the store, as committed, to ``NAME.vVERSION.bak`` beside it (SQLite's backup API); return the copy."""
    target = path.with_name(f"{path.name}.v{version}.bak")
    partial = target.with_name(f"{target.name}.partial")
    try:
        partial.unlink(missing_ok=True)
        # A second connection reads the committed pages while the caller holds the write lock.
        with closing(sqlite3.connect(path, timeout=store_types.BUSY_TIMEOUT_S)) as source, \
                closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"cannot keep a copy of {path} before upgrading it ({exc}), so it was not upgraded: free "
                         f"some space or make its folder writable, then run this again") from exc
    return target
