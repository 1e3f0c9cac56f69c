"""The Danish↔English signal: a multilingual embedder compares the Danish sentence with the English one.

Each sentence is embedded, and so is each pair of adjacent sentences joined with a space (as
bertalign and vecalign embed overlaps), so a 1-2 or 2-1 bead is judged on the embedding of the
joined text rather than on an average of its parts. multilingual-e5's cosines sit on a compressed
scale (unrelated sentences about 0.77, translations about 0.91), so they are stretched onto
[0, 1] before they are combined with the other evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bilingual.align.embedding import embed

# The stretch: a cosine at COSINE_FLOOR (about the 90th percentile of unrelated pairs on NTREX-128)
# or below counts 0, one at COSINE_FLOOR + COSINE_SPAN (a clear translation) or above counts 1.
COSINE_FLOOR = 0.80
COSINE_SPAN = 0.12


@dataclass
class CrossFeatures:
    """Unit vectors of each sentence and of each adjacent pair (k joined with k + 1), per side."""

    src: np.ndarray
    src_pairs: np.ndarray
    tgt: np.ndarray
    tgt_pairs: np.ndarray
    name: str


def adjacent_pairs(texts: Sequence[str]) -> list[str]:
    """Each sentence joined with the next one (what a merged bead reads like)."""
    return [f"{texts[k]} {texts[k + 1]}" for k in range(len(texts) - 1)]


def crosslingual_features(src: Sequence[str], tgt: Sequence[str], embedder: Any, name: str) -> CrossFeatures:
    """Embed both sides' sentences and adjacent pairs in one call (a text seen twice is embedded once)."""
    parts = [list(src), adjacent_pairs(src), list(tgt), adjacent_pairs(tgt)]
    vectors = embed([t for p in parts for t in p], embedder)
    out, lo = [], 0
    for p in parts:
        out.append(vectors[lo : lo + len(p)] if len(p) else np.zeros((0, vectors.shape[1]), np.float32))
        lo += len(p)
    return CrossFeatures(out[0], out[1], out[2], out[3], name)


def group_vectors(feat: CrossFeatures, which: str, groups: Sequence[tuple[int, ...]]) -> np.ndarray:
    """Unit vectors of sentence groups: a sentence's own, an adjacent pair's joined text, else the
    normalised sum of the members' vectors (coarse blocks only steer the search)."""
    single, pairs = (feat.src, feat.src_pairs) if which == "src" else (feat.tgt, feat.tgt_pairs)
    out = np.zeros((len(groups), single.shape[1]), np.float32)
    for r, g in enumerate(groups):
        if len(g) == 1:
            out[r] = single[g[0]]
        elif len(g) == 2 and g[1] == g[0] + 1:
            out[r] = pairs[g[0]]
        elif g:
            v = single[list(g)].sum(axis=0)
            out[r] = v / max(float(np.linalg.norm(v)), 1e-12)
    return out


def stretch(cosine: np.ndarray) -> np.ndarray:
    """Cosines of the multilingual embedder mapped onto [0, 1] (unrelated ≈ 0, translations ≈ 1)."""
    return np.clip((cosine - COSINE_FLOOR) / COSINE_SPAN, 0.0, 1.0).astype(np.float32)
