"""Embeddings kept on disk between bench runs (``cache/embeddings/``, outside git), one file per embedder."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import numpy as np

from bilingual.align.embedding import embedder_name, text_hash

CACHE_DIR = Path(__file__).resolve().parent.parent / "cache" / "embeddings"


class DiskCachedEmbedder:
    """Wraps an embedder: each distinct text is encoded once ever and kept in ``cache/embeddings``.

    ``seconds`` is the time spent encoding (what a cache miss costs), ``encoded`` the texts encoded.
    """

    def __init__(self, inner: Any, folder: Path = CACHE_DIR):
        self.inner = inner
        self.bilingual_name = embedder_name(inner)
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / (re.sub(r"[^A-Za-z0-9._-]+", "_", self.bilingual_name) + ".npz")
        self.table: dict[str, np.ndarray] = {}
        if self.path.is_file():
            with np.load(self.path) as data:
                self.table = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        self.seconds, self.encoded, self._dirty = 0.0, 0, False

    def encode(self, texts: list[str], **options: Any) -> np.ndarray:
        """Vectors of texts; only texts never seen are encoded (then saved)."""
        keys = [text_hash(t) for t in texts]
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in self.table))
        if missing:
            started = time.perf_counter()
            for lo in range(0, len(missing), 256):
                part = missing[lo : lo + 256]
                vectors = np.asarray(self.inner.encode(part, **options), np.float32)
                self.table.update(zip((text_hash(t) for t in part), vectors, strict=True))
            self.seconds += time.perf_counter() - started
            self.encoded += len(missing)
            self._dirty = True
            self.save()
        if not texts:
            return np.zeros((0, 384), np.float32)
        return np.stack([self.table[k] for k in keys])

    def save(self) -> None:
        """Write the table atomically."""
        if not self._dirty:
            return
        tmp = self.path.with_suffix(".tmp.npz")
        keys = np.array(list(self.table), dtype="U64")
        np.savez(tmp, keys=keys, vectors=np.stack(list(self.table.values())).astype(np.float32))
        os.replace(tmp, self.path)
        self._dirty = False
