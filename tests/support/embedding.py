"""A sentence embedder that encodes each distinct text once: the gold cases share most of their sentences."""

from __future__ import annotations

from typing import Any

import numpy as np

from bilingual.align import embedder_name


class CachingEmbedder:
    """Wraps a sentence-transformers model; repeats of a text are served from memory, with the same vectors."""

    def __init__(self, inner: Any):
        self.inner, self.cache = inner, {}
        # the aligner's signature names the wrapped model, not this wrapper
        self.bilingual_name = embedder_name(inner)

    def encode(self, texts: list[str], **kwargs: Any) -> np.ndarray:
        """Embeddings of texts, encoding only those not seen before (with the caller's options)."""
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.encode(missing, **kwargs), strict=True))
        if not texts:
            return np.zeros((0, self.inner.get_sentence_embedding_dimension()), np.float32)
        return np.stack([self.cache[t] for t in texts])
