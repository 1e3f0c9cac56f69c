"""Reading a store without changing it, for `bilingual doctor`: a read-only SQLite connection that never
creates files beside the store, SQLite's integrity check, and a team database's state and counts."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from bilingual.store import Store
from bilingual.store.schema import FileState


def open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to a store file that never writes to it nor creates files beside it."""
    uri = path.resolve().as_uri() + "?mode=ro"
    # Read-only in WAL mode still creates -wal and -shm files when there are none. With none there, no
    # connection is open and the main file holds every commit, so it can be read as immutable.
    if not any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm")):
        uri += "&immutable=1"
    conn = sqlite3.connect(uri, uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def integrity_messages(conn: sqlite3.Connection, limit: int = 20) -> list[str]:
    """What ``PRAGMA integrity_check`` finds: ``["ok"]`` for an intact file."""
    return [r[0] for r in conn.execute(f"PRAGMA integrity_check({int(limit)})")]


def read_only_store(conn: Any, location: str | Path) -> Store:
    """A Store running its queries on ``conn`` (a read-only connection): ``Store()`` itself would migrate."""
    store = Store.__new__(Store)
    store.conn, store.location = conn, str(location)
    store.path = None if isinstance(location, str) else location
    return store


def team_store_state(url: str) -> tuple[FileState, dict[str, int] | None]:
    """A PostgreSQL store's state and, when it is a store of the newest schema, its counts; read-only
    (StoreError when the server cannot be reached)."""
    from bilingual.store import postgres
    from bilingual.store.schema import MIGRATIONS

    conn = postgres.PgConnection(url)
    try:
        conn.execute("SET default_transaction_read_only = on")
        state = postgres.read_state(conn)
        counts = read_only_store(conn, url).stats() if state.version == len(MIGRATIONS) and state.shape else None
        return state, counts
    finally:
        conn.close()
