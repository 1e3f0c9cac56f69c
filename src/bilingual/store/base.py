"""What every part of the store stands on: its connection and its write transaction.

``Store`` is built of mixins, one module per topic (``store/alignments.py`` ...); each derives from
``StoreBase`` and uses only ``self.conn`` (a ``types.Connection``) and ``self.transaction()``, so its
SQL runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bilingual.store.types import Connection


class StoreBase:
    """The connection (``conn``) and the write transaction every store mixin uses."""

    conn: Connection

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction: committed on success, rolled back on error.

        It holds the store's write lock from its start (SQLite's ``BEGIN IMMEDIATE``, PostgreSQL's
        advisory lock), so what it reads cannot change before it writes, and it never has to give up
        half-way for a lock another process took in between.
        """
        with self.conn.transaction() as c:
            yield c
