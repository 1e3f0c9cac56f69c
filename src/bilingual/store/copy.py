"""Copying a whole store to another, between SQLite and PostgreSQL in either direction, and checking the copy.

Every table of the newest schema is copied (so a table a later migration adds is copied too), parents
before the tables that refer to them, from one snapshot of the source into one transaction on the
destination: a copy is whole or not there. Afterwards both are read again and compared table by
table, row counts and every row (the review history included) in primary-key order.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bilingual.store.schema import TableSpec, newest_tables
from bilingual.store.types import Connection, StoreError

if TYPE_CHECKING:
    from bilingual.store import Store

BATCH = 2000


@dataclass(frozen=True)
class CopyReport:
    """What a copy moved: rows per table (as verified on both sides), and how long it took."""

    rows: dict[str, int]
    seconds: float
    replaced: int  # rows the destination held before, now gone


def _select(table: TableSpec) -> str:
    columns = ", ".join(f'"{c}"' for c in table.columns)
    return f'SELECT {columns} FROM "{table.name}" ORDER BY ' + ", ".join(f'"{c}"' for c in table.key)


def row_counts(conn: Connection) -> dict[str, int]:
    """Rows in each table of the store."""
    return {t.name: conn.execute(f'SELECT COUNT(*) FROM "{t.name}"').fetchone()[0] for t in newest_tables()}


def table_digest(conn: Connection, table: TableSpec) -> tuple[int, str]:
    """A table's row count and a digest of every row, in primary-key order (the same on both databases)."""
    digest, count = hashlib.sha256(), 0
    for row in conn.execute(_select(table)):
        digest.update(repr(tuple(row)).encode())
        count += 1
    return count, digest.hexdigest()


def _reset_ids(conn: Connection, tables: list[TableSpec]) -> None:
    """On PostgreSQL, rows copied in with their ids leave the id sequences behind: move them past the ids."""
    if conn.dialect != "postgresql":
        return  # SQLite gives a new row the largest id plus one anyway
    for table in tables:
        if table.key == ("id",):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), COALESCE(MAX(id), 0) + 1,"
                         f" false) FROM \"{table.name}\"")


def copy_store(source: Store, target: Store, *, replace: bool = False) -> CopyReport:
    """Copy every row of ``source`` into ``target`` and verify it; StoreError when the target holds rows
    (unless ``replace``: they are deleted in the same transaction) or when the copy does not match."""
    if source.location == target.location or (source.path and target.path
                                                and source.path.resolve() == target.path.resolve()):
        raise ValueError(f"{source.name} is both the source and the destination of the copy")
    if source.schema_version != target.schema_version:
        raise StoreError(f"{source.name} has schema version {source.schema_version} and {target.name} "
                         f"{target.schema_version}: open both with this bilingual first")
    started, tables = time.perf_counter(), list(newest_tables())
    held = sum(row_counts(target.conn).values())
    if held and not replace:
        raise StoreError(f"{target.name} is not empty ({held} rows): copy into a new store or an empty database, "
                         "or pass --replace to replace what it holds")
    with source.conn.snapshot() as src, target.transaction() as dst:
        for table in reversed(tables):
            dst.execute(f'DELETE FROM "{table.name}"')
        for table in tables:
            marks = ", ".join("?" * len(table.columns))
            insert = f'INSERT INTO "{table.name}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in table.columns)})' \
                     f" VALUES ({marks})"
            cursor = src.execute(_select(table))
            rows = cursor.fetchall()
            for i in range(0, len(rows), BATCH):
                dst.executemany(insert, [tuple(r) for r in rows[i:i + BATCH]])
        _reset_ids(dst, tables)
        # Compared inside both transactions: the source as copied, the destination as it will be committed.
        counts = {}
        for table in tables:
            theirs, ours = table_digest(src, table), table_digest(dst, table)
            if theirs != ours:
                raise StoreError(f"the copy of table {table.name} does not match its source ({theirs[0]} rows, "
                                 f"{ours[0]} copied): nothing was copied")
            counts[table.name] = ours[0]
    return CopyReport(counts, time.perf_counter() - started, held)
