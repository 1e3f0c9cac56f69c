"""Comparable mode (related articles) and the choice between the modes.

Nearest neighbours both ways with ratio-margin scores (Artetxe & Schwenk 2019, k=4), computed block
by block so memory stays O((N+M)·k), a threshold, and one-to-one linking by decreasing margin; a
sentence may stay unaligned. **Auto** picks between parallel and comparable from the length ratio
and how many mutual nearest neighbours lie on one monotonic chain, and says why.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bilingual.align.beads import Bead
from bilingual.align.similarity import _block_scores, _pair_scores, _Problem, _Side

MARGIN_K = 4  # neighbours each way whose mean similarity is the margin's denominator
# Comparable mode: a link must also be similar in itself, not only stand out from its neighbours
# (a short line far from everything, such as "Required", gets a large margin from little), and in a
# crowd of related sentences, where margins are small by construction, a pair that is each other's
# best match and this similar is linked whatever its margin.
LINK_FLOOR = 0.30
MUTUAL_LINK = 0.50
SHORTLIST = 8  # candidates per sentence kept from the first, embedding-and-anchor pass


@dataclass
class _Shortlist:
    """Top candidates both ways from the fast pass: forward (per source) and backward (per target)."""

    fwd_idx: np.ndarray  # (n, K) target ids, best first
    fwd_val: np.ndarray
    bwd_idx: np.ndarray  # (m, K) source ids, best first
    bwd_val: np.ndarray


def _top(values: np.ndarray, k: int, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k indices and values along an axis, best first, ties broken by the lower index."""
    k = min(k, values.shape[axis])
    if axis == 0:
        idx, val = _top(values.T, k, 1)
        return idx, val
    part = np.argpartition(-values, k - 1, axis=1)[:, :k] if k < values.shape[1] else np.tile(
        np.arange(values.shape[1]), (values.shape[0], 1))
    vals = np.take_along_axis(values, part, axis=1)
    order = np.lexsort((part, -vals), axis=1)
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(vals, order, axis=1)


def _shortlist(prob: _Problem, s: _Side, t: _Side, k: int, block_rows: int | None) -> _Shortlist:
    """Both-way top-k of the fast similarity, one block of source rows at a time (memory O((N+M)·k))."""
    n, m = len(s.groups), len(t.groups)
    kf, kb = min(k, max(m, 1)), min(k, max(n, 1))
    rows = block_rows or max(1, min(n, 4_000_000 // max(m, 1)))
    fwd_idx = np.zeros((n, kf), np.int64)
    fwd_val = np.zeros((n, kf), np.float32)
    bwd_idx = np.zeros((m, 0), np.int64)
    bwd_val = np.zeros((m, 0), np.float32)
    for lo in range(0, n, rows):
        block = _block_scores(prob, s, t, slice(lo, min(n, lo + rows)))
        fi, fv = _top(block, kf, 1)
        fwd_idx[lo : lo + len(block)], fwd_val[lo : lo + len(block)] = fi, fv
        bi, bv = _top(block, kb, 0)
        # merge this block's best rows per target with the running best
        bwd_idx = np.concatenate([bwd_idx, bi + lo], axis=1)
        bwd_val = np.concatenate([bwd_val, bv], axis=1)
        order = np.lexsort((bwd_idx, -bwd_val), axis=1)[:, :kb]
        bwd_idx = np.take_along_axis(bwd_idx, order, axis=1)
        bwd_val = np.take_along_axis(bwd_val, order, axis=1)
    return _Shortlist(fwd_idx, fwd_val, bwd_idx, bwd_val)


def _align_comparable(prob: _Problem, s: _Side, t: _Side, short: _Shortlist, threshold: float,
                      top_k: int) -> tuple[list[Bead], list[list[tuple[int, float]]]]:
    n, m = len(s.groups), len(t.groups)
    pairs = {(i, int(j)) for i in range(n) for j in short.fwd_idx[i]}
    pairs |= {(int(i), j) for j in range(m) for i in short.bwd_idx[j]}
    ordered = sorted(pairs)
    si = np.array([p[0] for p in ordered], np.int64)
    tj = np.array([p[1] for p in ordered], np.int64)
    sim = _pair_scores(prob, s, t, si, tj)
    kx, ky = min(MARGIN_K, m), min(MARGIN_K, n)
    knn_src = _mean_top(si, sim, n, kx)
    knn_tgt = _mean_top(tj, sim, m, ky)
    den = (knn_src[si] + knn_tgt[tj]) / 2
    margin = np.divide(sim, den, out=np.zeros_like(sim), where=den > 0)
    # Candidates are ranked by margin (the decision) and carry the similarity (comparable across modes).
    per_src: list[list[tuple[float, int, float]]] = [[] for _ in range(n)]
    for a, b, mg, v in zip(si, tj, margin, sim, strict=True):
        per_src[a].append((float(mg), int(b), round(float(v), 6)))
    candidates = [[(j, v) for _, j, v in sorted(c, key=lambda x: (-x[0], x[1]))[:top_k]] for c in per_src]
    # Mutual best matches by similarity: in a crowd of related sentences margins are small by
    # construction, so a pair that is each other's best and similar in itself is linked as well.
    best_of_src = _argmax_by_owner(si, sim, n)
    best_of_tgt = _argmax_by_owner(tj, sim, m)
    mutual = (best_of_src[si] == np.arange(len(si))) & (best_of_tgt[tj] == np.arange(len(si)))
    accept = ((margin >= threshold) & (sim >= LINK_FLOOR)) | (mutual & (sim >= MUTUAL_LINK))
    # One-to-one links by decreasing margin (competitive linking).
    order = np.lexsort((tj, si, -margin))
    used_s, used_t = set(), set()
    link: dict[int, tuple[int, float]] = {}
    for o in order:
        if not accept[o]:
            continue
        a, b = int(si[o]), int(tj[o])
        if a in used_s or b in used_t:
            continue
        used_s.add(a)
        used_t.add(b)
        link[a] = (b, round(float(sim[o]), 6))
    beads = [Bead((i,), (link[i][0],), link[i][1]) if i in link else Bead((i,), (), 0.0) for i in range(n)]
    beads += [Bead((), (j,), 0.0) for j in range(m) if j not in used_t]
    return beads, candidates


def _argmax_by_owner(owner: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """For each owner id, the position (in ``values``) of its largest value; -1 when it has none."""
    order = np.lexsort((-values, owner))
    out = np.full(size, -1, np.int64)
    first = np.r_[True, owner[order][1:] != owner[order][:-1]] if len(order) else np.zeros(0, bool)
    out[owner[order][first]] = order[first]
    return out


def _mean_top(owner: np.ndarray, values: np.ndarray, size: int, k: int) -> np.ndarray:
    """For each owner id, the mean of its k largest values."""
    order = np.lexsort((-values, owner))
    owner_sorted, vals = owner[order], values[order]
    start = np.searchsorted(owner_sorted, np.arange(size), side="left")
    end = np.searchsorted(owner_sorted, np.arange(size), side="right")
    out = np.zeros(size, np.float32)
    csum = np.r_[0.0, np.cumsum(vals, dtype=np.float64)]
    take = np.minimum(end - start, k)
    ok = take > 0
    out[ok] = ((csum[start + take] - csum[start]) / np.maximum(take, 1))[ok]
    return out


# --------------------------------------------------------------------------- auto mode


def longest_increasing_chain(pairs: Sequence[tuple[int, int]]) -> int:
    """Length of the longest chain of pairs increasing in both coordinates."""
    tails: list[int] = []
    for _i, j in sorted(pairs, key=lambda p: (p[0], -p[1])):
        pos = bisect.bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
        else:
            tails[pos] = j
    return len(tails)


def choose_mode(short: _Shortlist, n: int, m: int) -> tuple[str, dict[str, Any]]:
    """Parallel when both sides are of similar length and mutual nearest neighbours mostly lie on one
    monotonic chain (a strong diagonal); comparable otherwise."""
    mutual = [(i, int(short.fwd_idx[i, 0])) for i in range(n)
              if short.bwd_idx.shape[1] and int(short.bwd_idx[short.fwd_idx[i, 0], 0]) == i]
    chain = longest_increasing_chain(mutual)
    ratio = n / m
    strength = chain / min(n, m)
    chance = 2 * math.sqrt(len(mutual)) + 1  # the longest chain of randomly placed points
    parallel = 0.5 <= ratio <= 2.0 and strength >= 0.3 and chain > chance
    facts: dict[str, Any] = {"length_ratio": round(ratio, 3), "mutual_neighbours": len(mutual), "diagonal_chain": chain,
             "diagonal_strength": round(strength, 3)}
    facts["reason"] = (f"{chain} of {min(n, m)} sentences lie on one monotonic chain of mutual nearest "
                       f"neighbours, length ratio {ratio:.2f}") if parallel else (
        f"length ratio {ratio:.2f} and a diagonal chain of {chain} of {min(n, m)} sentences: no parallel structure")
    return ("parallel" if parallel else "comparable"), facts
