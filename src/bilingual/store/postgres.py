"""The team store on PostgreSQL (psycopg 3): a connection that speaks the store's portable SQL, and opening,
checking and migrating a database as the SQLite store does a file.

``PgConnection`` is what ``Store.conn`` is on PostgreSQL: ``execute`` and ``executemany`` take ``?``
placeholders, rows read by position or name like ``sqlite3.Row``, every database error is a one-line
``StoreError``. It runs in autocommit, so a read sees every commit; ``transaction()`` opens a
transaction that first takes the store's write lock (one transaction-scoped advisory lock), which is
what ``BEGIN IMMEDIATE`` is on SQLite: one writer at a time, reading what the writer before it committed.
That keeps optimistic locking exact (a stale save is refused, never merged) without retry loops.
The schema version lives in the table ``bilingual_schema`` (SQLite keeps it in ``PRAGMA user_version``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Loader
from psycopg.types.string import TextLoader

import bilingual.store.types as store_types
from bilingual.store.dialect import POSTGRESQL, postgres_ddl, repair_pg, safe_url, to_pyformat
from bilingual.store.schema import APPLICATION_ID, MIGRATIONS, FileState, state_problem, statements
from bilingual.store.types import StoreError

VERSION_TABLE = "bilingual_schema"
# The key of the store's write lock (an advisory lock, so it locks nothing but itself).
WRITE_LOCK = APPLICATION_ID


def describe_pg(exc: psycopg.Error, url: str) -> str:
    """One line for a PostgreSQL error on the store: what is wrong with which database, and what to do."""
    where, message = safe_url(url), " ".join(str(exc).split())
    if isinstance(exc, pg_errors.LockNotAvailable | pg_errors.QueryCanceled):
        return (f"the store {where} stayed locked by another writer for over {store_types.BUSY_TIMEOUT_S:g} s "
                f"({message}): wait until the other bilingual command (or a save in the review app) has finished, "
                "then run this again")
    if isinstance(exc, pg_errors.InsufficientPrivilege):
        return (f"the role of {where} may not do this ({message}): grant it the rights docs/team.md lists, or "
                "connect as the store's owner")
    if isinstance(exc, pg_errors.UndefinedTable | pg_errors.UndefinedColumn):
        return f"{where} lacks part of its schema ({message}): it was changed outside bilingual: {repair_pg(url)}"
    if isinstance(exc, pg_errors.DiskFull | pg_errors.OutOfMemory):
        return f"the database server of {where} is out of space ({message}): free some, then run this again"
    if isinstance(exc, pg_errors.ReadOnlySqlTransaction):
        return f"cannot write to the store {where}: the server is read-only ({message}): use the primary server"
    if isinstance(exc, psycopg.OperationalError):
        if "does not exist" in message and "database" in message:
            return (f"there is no database {where.rpartition('/')[2]!r} on the server of {where}: create it "
                    "(`createdb -O OWNER NAME`, see docs/team.md), or check the name in --db / BILINGUAL_DB")
        return (f"cannot reach the store {where} ({message}): check that the server runs, that host, port, "
                "user and password are right, and that the server lets this machine in (pg_hba.conf)")
    return f"the store {where} failed: {message}"


class Row(Sequence[Any]):
    """A result row read by position or by column name, and ``dict(row)``-able, as ``sqlite3.Row`` is."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]):
        self._values, self._index = values, index

    def __getitem__(self, key: Any) -> Any:
        return self._values[self._index[key] if isinstance(key, str) else key]

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        """The column names."""
        return list(self._index)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=True))!r})"


def _rows(cursor: Any) -> Callable[[Sequence[Any]], Row]:
    names = [c.name for c in cursor.description or ()]
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name, i)  # a repeated name reads its first column, as sqlite3.Row does
    return lambda values: Row(values, index)


class _Number(Loader):
    """NUMERIC (what SUM and AVG give) as an int when whole, else a float: the numbers SQLite gives."""

    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


# PostgreSQL's TEXT cannot hold NUL, which SQLite's can (a pasted control character in a final text). NUL is
# written as the pair ESCAPE + "\ue002" and ESCAPE itself as ESCAPE + "\ue001" (a private-use character):
# reversible, so every string comes back as it was stored and equal strings stay equal.
_ESCAPE = "\ue000"


def encode_text(value: Any) -> Any:
    """A parameter as PostgreSQL can store it: NUL (and the escape character) escaped."""
    if isinstance(value, str) and ("\x00" in value or _ESCAPE in value):
        return value.replace(_ESCAPE, _ESCAPE + "\ue001").replace("\x00", _ESCAPE + "\ue002")
    return value


def decode_text(value: str) -> str:
    """A stored string as it was given to ``encode_text``."""
    if _ESCAPE not in value:
        return value
    return value.replace(_ESCAPE + "\ue002", "\x00").replace(_ESCAPE + "\ue001", _ESCAPE)


class _Text(TextLoader):
    """TEXT as the string that was stored (see ``encode_text``)."""

    def load(self, data: Any) -> str:
        value = super().load(data)
        return decode_text(value if isinstance(value, str) else value.decode())


class PgCursor:
    """A cursor of a PgConnection: its errors, while running or fetching, are StoreErrors naming the database."""

    def __init__(self, cursor: psycopg.Cursor[Row], url: str):
        self._cursor, self._url = cursor, url

    def _guard(self, call: Callable[..., Any], *args: Any) -> Any:
        try:
            return call(*args)
        except psycopg.Error as exc:
            raise StoreError(describe_pg(exc, self._url)) from exc

    def execute(self, sql: str, parameters: Any = ()) -> PgCursor:
        """Run one statement (``?`` placeholders)."""
        self._guard(self._cursor.execute, to_pyformat(sql), tuple(map(encode_text, parameters)))
        return self

    def executemany(self, sql: str, parameters: Iterable[Any]) -> PgCursor:
        """Run one statement for each set of parameters."""
        rows = [tuple(map(encode_text, p)) for p in parameters]
        if rows:
            self._guard(self._cursor.executemany, to_pyformat(sql), rows)
        return self

    @property
    def rowcount(self) -> int:
        """Rows the last statement changed (every one, after ``executemany``)."""
        return self._cursor.rowcount

    def fetchone(self) -> Row | None:
        """The next row, or None."""
        return self._guard(self._cursor.fetchone) if self._cursor.description else None

    def fetchall(self) -> list[Row]:
        """The remaining rows."""
        return self._guard(self._cursor.fetchall) if self._cursor.description else []

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


class PgConnection:
    """``Store.conn`` on PostgreSQL: the store's portable SQL, sqlite3-like rows, one-line StoreErrors."""

    dialect = POSTGRESQL

    def __init__(self, url: str):
        self.url = url
        try:
            self._conn = psycopg.connect(url, autocommit=True, row_factory=_rows, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(describe_pg(exc, url)) from exc
        self._conn.adapters.register_loader("numeric", _Number)
        self._conn.adapters.register_loader("text", _Text)
        # A writer waits this long for the write lock, as SQLite waits for its busy timeout.
        self.execute(f"SET lock_timeout = {int(store_types.BUSY_TIMEOUT_S * 1000)}")

    def cursor(self) -> PgCursor:
        """A new cursor."""
        return PgCursor(self._conn.cursor(), self.url)

    def execute(self, sql: str, parameters: Any = (), /) -> PgCursor:
        """Run one statement (``?`` placeholders); its cursor."""
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> PgCursor:
        """Run one statement for each set of parameters."""
        return self.cursor().executemany(sql, parameters)

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open."""
        return self._conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    @contextmanager
    def transaction(self) -> Iterator[PgConnection]:
        """A write transaction holding the store's write lock from its start: committed on success, rolled back
        on error. Writers take turns, so what one reads cannot change before it writes."""
        if self.in_transaction:
            self.commit()
        self.execute("BEGIN")
        try:
            self.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))
            yield self
        except BaseException:
            self.rollback()
            raise
        self.commit()

    @contextmanager
    def snapshot(self) -> Iterator[PgConnection]:
        """A read-only transaction whose reads all see the database as of its first one."""
        if self.in_transaction:
            self.commit()
        self.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            yield self
        finally:
            self.rollback()

    def commit(self) -> None:
        """Commit the transaction."""
        if self.in_transaction:
            self.execute("COMMIT")

    def rollback(self) -> None:
        """Roll the transaction back (a connection that is gone has nothing left to roll back)."""
        if self.in_transaction and not self._conn.closed:
            try:
                self._conn.execute("ROLLBACK")
            except psycopg.Error:
                pass

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()


def schema_shape(conn: PgConnection) -> dict[str, set[str]]:
    """Each table of the store's schema with its columns (the version table left out)."""
    shape: dict[str, set[str]] = {}
    for r in conn.execute("SELECT table_name, column_name FROM information_schema.columns"
                          " WHERE table_schema = current_schema() AND table_name != ?", (VERSION_TABLE,)):
        shape.setdefault(r[0], set()).add(r[1])
    return shape


def read_state(conn: PgConnection) -> FileState:
    """What the database says it is: the application id and version in its version table, and its tables."""
    found = conn.execute("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema()"
                         " AND table_name = ?", (VERSION_TABLE,)).fetchone()
    row = conn.execute(f"SELECT application_id, version FROM {VERSION_TABLE}").fetchone() if found else None
    return FileState(row[0], row[1], schema_shape(conn)) if row else FileState(0, 0, schema_shape(conn))


def connect(url: str, *, create: bool = True) -> PgConnection:
    """The store in the database at ``url``, checked to be a bilingual store (or, with ``create``, an empty
    database) and migrated to the newest schema; any failure is one StoreError line."""
    conn = PgConnection(url)
    try:
        state = read_state(conn)
        if problem := state_problem(state, url, create):
            raise StoreError(problem)
        if state.version != len(MIGRATIONS):
            migrate(conn, url)
    except BaseException:
        conn.close()
        raise
    return conn


def migrate(conn: PgConnection, url: str) -> None:
    """Bring the database's schema up to the newest version, in one transaction under the write lock (so
    processes opening one database at once migrate it once; PostgreSQL rolls a failed migration back whole)."""
    with conn.transaction():
        state = read_state(conn)
        if problem := state_problem(state, url, create=True):
            raise StoreError(problem)
        if state.version == len(MIGRATIONS):
            return
        if state.version == 0:
            conn.execute(f"CREATE TABLE {VERSION_TABLE} (application_id BIGINT NOT NULL, version INTEGER NOT NULL)")
            conn.execute(f"INSERT INTO {VERSION_TABLE} VALUES (?, 0)", (APPLICATION_ID,))
        for migration in MIGRATIONS[state.version:]:
            if isinstance(migration, str):
                for statement in statements(migration):
                    conn.execute(postgres_ddl(statement))
            else:  # a per-dialect variant is PostgreSQL's own SQL already
                for statement in statements(migration[POSTGRESQL]):
                    conn.execute(statement)
        conn.execute(f"UPDATE {VERSION_TABLE} SET version = ?", (len(MIGRATIONS),))
