"""Document metadata in the store: the address and retrieval time, date, author and site of each document."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bilingual.documents import DocumentMeta
from bilingual.store.base import StoreBase
from bilingual.store.types import Connection

_COLUMNS = "url, retrieved_at, title, published, author, site, source_format"


def _meta(row: Any) -> DocumentMeta:
    return DocumentMeta(url=row["url"], retrieved_at=row["retrieved_at"], title=row["title"], date=row["published"],
                        author=row["author"], site=row["site"], source_format=row["source_format"])


class DocumentMetaStore(StoreBase):
    """The metadata columns of ``documents`` (a mixin of ``Store``: it uses ``self.conn``)."""

    def _write_document_meta(self, c: Connection, document_id: int | None, meta: DocumentMeta) -> None:
        """Record a new document's metadata, inside the transaction that inserts it."""
        c.execute("UPDATE documents SET url = ?, retrieved_at = ?, published = ?, author = ?, site = ?,"
                  " source_format = ? WHERE id = ?",
                  (meta.url, meta.retrieved_at, meta.date, meta.author, meta.site, meta.source_format, document_id))

    def document_meta(self, document_id: int) -> DocumentMeta:
        """The metadata of a stored document (its stored title as the title); KeyError for an unknown id."""
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            raise KeyError(f"no document with id {document_id}")
        return _meta(row)

    def documents_meta(self, document_ids: Iterable[int] | None = None) -> dict[int, DocumentMeta]:
        """The metadata of the given documents (all when None), by id."""
        wanted = None if document_ids is None else set(document_ids)
        rows = self.conn.execute(f"SELECT id, {_COLUMNS} FROM documents ORDER BY id")
        return {row["id"]: _meta(row) for row in rows if wanted is None or row["id"] in wanted}

    def metadata_stats(self) -> dict[str, int]:
        """How many documents have an address, a date and an author."""
        q = self.conn.execute
        return {
            "documents with an address": q("SELECT COUNT(*) FROM documents WHERE url != ''").fetchone()[0],
            "documents with a date": q("SELECT COUNT(*) FROM documents WHERE published != ''").fetchone()[0],
            "documents with an author": q("SELECT COUNT(*) FROM documents WHERE author != ''").fetchone()[0],
        }
