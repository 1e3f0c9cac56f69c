"""The store's records and errors: documents, segments, reviews, drafts and alignment beads as frozen
dataclasses, and the connection whose every SQLite error is a one-line ``StoreError``."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol, cast

from bilingual.decisions import REVIEW_STATUSES

__all__ = ["REVIEW_STATUSES"]  # re-exported: the store checks statuses against the decision rule
ALIGNMENT_STATUSES = ("machine", "accepted", "rejected")
FURNITURE_BY_REVIEWER = "marked by a reviewer"
# How long a command waits for another process's write lock before it says so.
BUSY_TIMEOUT_S = 30.0


class StoreError(RuntimeError):
    """The store file cannot be used as asked: one line naming the file, what is wrong and what to do."""


_CORRUPT = ("malformed", "corrupt")


def describe(exc: sqlite3.Error, path: Path) -> str:
    """One line for an SQLite error on the store: what is wrong with which file, and what to do."""
    message = " ".join(str(exc).split())
    code = getattr(exc, "sqlite_errorname", "") or ""
    if code == "SQLITE_NOTADB" or "not a database" in message:
        return (f"{path} is not an SQLite database, so not a bilingual store: point --db / BILINGUAL_DB at your "
                "store (this file was left as it is)")
    if code.startswith("SQLITE_CORRUPT") or any(word in message for word in _CORRUPT):
        return f"{path} is damaged ({message}): {repair(path)}"
    if code == "SQLITE_READONLY_DIRECTORY":
        return (f"cannot use the store {path}: its folder is read-only, and SQLite must write {path.name}-wal and "
                f"{path.name}-shm beside the store even to read it: make the folder writable, or copy the store "
                "to a writable folder")
    if code.startswith("SQLITE_READONLY") or "readonly" in message:
        return (f"cannot write to the store {path}: the file or its folder is read-only: make both writable, or "
                "copy the store to a writable folder and use --db with the copy")
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in message:
        return (f"the store {path} stayed locked by another process for over {BUSY_TIMEOUT_S:g} s ({message}): "
                "wait until the other bilingual command (or a save in the review app) has finished, then run "
                "this again")
    if code == "SQLITE_FULL" or "is full" in message:
        return (f"cannot write to the store {path}: the store or its disk is full ({message}): free some space "
                "and run this again; what was saved before is kept")
    if code.startswith("SQLITE_IOERR"):
        return f"cannot read or write the store {path} ({message}): check the disk it is on, then run this again"
    if code.startswith("SQLITE_CANTOPEN"):
        if path.parent.is_dir() and not os.access(path.parent, os.W_OK):
            return (f"cannot open the store {path}: its folder {path.parent} is read-only: make it writable, or "
                    "choose another --db path")
        return f"cannot open the store {path}: check that its folder exists and that you may read and write there"
    if any(words in message for words in ("no such table", "no such column", "has no column")):
        return f"{path} lacks part of its schema ({message}): it was changed outside bilingual: {repair(path)}"
    return f"the store {path} failed: {message}"


def repair(path: Path) -> str:
    """What to do with a damaged store."""
    return (f"restore a backup (such as {path.name}.vN.bak beside it, or your own copy), or salvage what can be "
            f"read: `sqlite3 {path} .recover | sqlite3 recovered.sqlite3`, then use --db recovered.sqlite3")


def _is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorname", "") or ""
    return code.startswith("SQLITE_BUSY") or "database is locked" in str(exc)


class Connection(Protocol):
    """What store methods may use of ``self.conn``, on SQLite and PostgreSQL alike.

    ``execute`` and ``executemany`` take ``?`` placeholders; a cursor gives ``fetchone``, ``fetchall``,
    iteration and ``rowcount`` (never ``lastrowid``: use ``RETURNING id``); a row is read by position or
    by name, and ``dict(row)`` gives its columns. ``transaction()`` is the only way to write.
    """

    dialect: str

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        """Run one statement; its cursor."""

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Any:
        """Run one statement for each set of parameters."""

    def transaction(self) -> AbstractContextManager[Connection]:
        """A write transaction holding the store's write lock from its start."""

    def snapshot(self) -> AbstractContextManager[Connection]:
        """A read-only transaction: every read in it sees the store as of one moment."""

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open."""

    def commit(self) -> None:
        """Commit the transaction."""

    def rollback(self) -> None:
        """Roll the transaction back."""

    def close(self) -> None:
        """Close the connection."""


class StoreConnection(sqlite3.Connection):
    """A connection whose SQLite errors are StoreErrors naming the file; a busy lock is waited for.

    SQLite answers some lock conflicts at once, without waiting (a write after a read in WAL mode, a
    journal-mode switch, a WAL recovery), so a statement that starts outside a transaction is tried
    again until ``BUSY_TIMEOUT_S`` has passed. Inside a transaction nothing is retried: the whole
    transaction would have to be.
    """

    path: Path
    dialect = "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[StoreConnection]:
        """A write transaction: committed on success, rolled back on error.

        ``BEGIN IMMEDIATE`` takes the write lock at its start, so what it reads cannot change before it
        writes, and it never has to give up half-way for a lock another process took in between.
        """
        if self.in_transaction:  # opened by a write outside any transaction: commit it, as sqlite3 would
            self.commit()
        self.execute("BEGIN IMMEDIATE")
        with self:
            yield self

    @contextmanager
    def snapshot(self) -> Iterator[StoreConnection]:
        """A read transaction: in WAL mode its reads see the store as of its first read, whatever commits."""
        if self.in_transaction:
            self.commit()
        self.execute("BEGIN")
        try:
            yield self
        finally:
            self.rollback()

    def guard(self, call: Callable[..., Any], *args: Any, retry: bool = False) -> Any:
        """``call(*args)``, with an SQLite error turned into a StoreError."""
        started = time.monotonic()
        delay = 0.005
        while True:
            try:
                return call(*args)
            except sqlite3.Error as exc:
                if retry and _is_busy(exc) and not self.in_transaction \
                        and time.monotonic() - started < BUSY_TIMEOUT_S:
                    time.sleep(delay)
                    delay = min(delay * 2, 0.25)
                    continue
                raise StoreError(describe(exc, self.path)) from exc

    def execute(self, sql: str, parameters: Any = (), /) -> StoreCursor:
        """Run one statement."""
        return self.cursor(StoreCursor).execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> StoreCursor:
        """Run one statement for each set of parameters."""
        return self.cursor(StoreCursor).executemany(sql, parameters)

    def executescript(self, script: str, /) -> StoreCursor:
        """Run a script (committing what is pending first, as sqlite3 does)."""
        return self.cursor(StoreCursor).executescript(script)

    def commit(self) -> None:
        """Commit the transaction."""
        self.guard(super().commit)

    def rollback(self) -> None:
        """Roll the transaction back."""
        self.guard(super().rollback)

    def close(self) -> None:
        """Close the connection (the last one to close folds the WAL back into the store)."""
        self.guard(super().close)

    def __exit__(self, *exc: Any) -> Literal[False]:
        return self.guard(super().__exit__, *exc)


class StoreCursor(sqlite3.Cursor):
    """A cursor of a StoreConnection: its errors, while running or fetching, are StoreErrors too."""

    def _guard(self, call: Callable[..., Any], *args: Any, retry: bool = False) -> Any:
        return cast(StoreConnection, self.connection).guard(call, *args, retry=retry)

    def execute(self, sql: str, parameters: Any = (), /) -> StoreCursor:
        """Run one statement."""
        self._guard(super().execute, sql, parameters, retry=True)
        return self

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> StoreCursor:
        """Run one statement for each set of parameters."""
        self._guard(super().executemany, sql, parameters, retry=True)
        return self

    def executescript(self, script: str, /) -> StoreCursor:
        """Run a script."""
        self._guard(super().executescript, script)
        return self

    def fetchone(self) -> Any:
        """The next row, or None."""
        return self._guard(super().fetchone)

    def fetchmany(self, size: int | None = None) -> list[Any]:
        """The next rows: ``size`` of them, or ``arraysize``."""
        return self._guard(super().fetchmany, self.arraysize if size is None else size)

    def fetchall(self) -> list[Any]:
        """The remaining rows."""
        return self._guard(super().fetchall)

    def __next__(self) -> Any:
        try:  # inline rather than through guard: this runs once per row
            return super().__next__()
        except sqlite3.Error as exc:
            raise StoreError(describe(exc, cast(StoreConnection, self.connection).path)) from exc


class StaleReviewError(RuntimeError):
    """A review save based on an outdated version: someone else saved in between."""

    def __init__(self, current: Review):
        super().__init__(
            f"this sentence was saved by {current.reviewer or 'someone else'} at {current.updated_at} "
            f"(version {current.version}); reload before saving"
        )
        self.current = current


@dataclass(frozen=True)
class StoredDocument:
    """A document row."""

    id: int
    name: str
    path: str
    title: str
    language: str
    encoding: str
    content_hash: str
    added_at: str


@dataclass(frozen=True)
class StoredSegment:
    """A segment row with its document name, for display and export."""

    id: int
    document_id: int
    document: str
    paragraph: int
    index: int
    text: str
    text_hash: str
    start: int
    end: int
    furniture: str | None
    # The sentence's own language: its document's, unless its paragraph is in the other language.
    language: str | None = None

    @property
    def stable_id(self) -> str:
        """Stable id ``document:paragraph:index``."""
        return f"{self.document}:{self.paragraph}:{self.index}"


@dataclass(frozen=True)
class Review:
    """The current review of a source sentence (keyed by its text hash)."""

    text_hash: str
    source_text: str
    mt_text: str | None
    final_text: str | None
    status: str
    reason: str | None
    reviewer: str | None
    updated_at: str
    version: int


@dataclass(frozen=True)
class StoredParagraph:
    """A paragraph of a stored document: its text, and its page-furniture mark in force and as detected."""

    paragraph: int
    text: str
    sentences: int
    furniture: str | None
    detected: str | None
    set_by: str | None

    @property
    def overridden(self) -> bool:
        """Whether a reviewer changed the detector's verdict on this paragraph."""
        return (self.furniture is None) != (self.detected is None)


@dataclass(frozen=True)
class Draft:
    """An unsaved edit of a sentence by one reviewer ('' when unnamed), and the review version it started from."""

    text_hash: str
    reviewer: str
    source_text: str
    text: str
    base_version: int
    updated_at: str


@dataclass(frozen=True)
class StoredAlignment:
    """An alignment bead between source and target segments (store ids)."""

    id: int
    run_id: int | None
    source_document_id: int
    source_segment_ids: tuple[int, ...]
    target_segment_ids: tuple[int, ...]
    score: float
    rank: int
    method: str
    status: str
    reviewer: str | None
    updated_at: str


def utc_now() -> str:
    """The current time in ISO 8601 UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
