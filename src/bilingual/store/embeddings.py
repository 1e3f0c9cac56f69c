"""The embeddings cache: sentence vectors by text hash and embedder signature, so realigning and the
review app never embed the same sentence twice with the same model."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from bilingual.store.base import StoreBase
from bilingual.store.types import utc_now

_CHUNK = 500  # keys per IN (...) list, well under every backend's limit on bound values


def encode_vector(vector: Any) -> str:
    """A vector as TEXT: base64 of its float32 bytes (portable across SQLite and PostgreSQL)."""
    return base64.b64encode(np.asarray(vector, np.float32).tobytes()).decode("ascii")


def decode_vector(text: str) -> np.ndarray:
    """The vector ``encode_vector`` wrote."""
    return np.frombuffer(base64.b64decode(text), dtype=np.float32).copy()


class EmbeddingsMixin(StoreBase):
    """Store methods for the embeddings table (mixed into ``Store``)."""

    def cached_embeddings(self, embedder: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored vectors of these text hashes made by this embedder (those it has)."""
        keys = list(dict.fromkeys(hashes))
        out: dict[str, np.ndarray] = {}
        for part in _chunks(keys):
            marks = ",".join("?" * len(part))
            rows = self.conn.execute(f"SELECT text_hash, vector FROM embeddings WHERE embedder = ? "
                                     f"AND text_hash IN ({marks})", (embedder, *part))
            out.update((row[0], decode_vector(row[1])) for row in rows)
        return out

    def store_embeddings(self, embedder: str, vectors: Mapping[str, Any]) -> int:
        """Keep vectors by text hash for this embedder (a vector already stored stays); the number given."""
        now = utc_now()
        with self.transaction() as conn:
            for key, vector in vectors.items():
                v = np.asarray(vector, np.float32)
                conn.execute("INSERT INTO embeddings (embedder, text_hash, dimensions, vector, created_at) "
                             "VALUES (?, ?, ?, ?, ?) ON CONFLICT (embedder, text_hash) DO NOTHING",
                             (embedder, key, int(v.size), encode_vector(v), now))
        return len(vectors)

    def embeddings_count(self, embedder: str | None = None) -> int:
        """How many vectors are cached (for one embedder, or all)."""
        if embedder is None:
            return int(self.conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0])
        return int(self.conn.execute("SELECT COUNT(*) FROM embeddings WHERE embedder = ?", (embedder,)).fetchone()[0])


def _chunks(keys: list[str]) -> Iterator[list[str]]:
    for lo in range(0, len(keys), _CHUNK):
        yield keys[lo : lo + _CHUNK]
