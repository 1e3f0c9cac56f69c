"""Parallel mode (the English is a translation): monotonic dynamic programming over beads.

Beads 1-1, 1-2, 2-1, 1-0 and 0-1 are searched in a band around a path found on coarser and coarser
blocks of sentences, so the cost grows linearly with length.
"""

from __future__ import annotations

import numpy as np

from bilingual.align.beads import Bead
from bilingual.align.similarity import _pair_scores, _Problem

MERGE_PENALTY = 0.10  # a small prior for 1-1 over 1-2 and 2-1, as in Gale & Church
MERGE_COST = 2.0  # a 1-2 or 2-1 bead costs this many times (1 - similarity), as in vecalign
# A merge that scores below its better half costs this many times the shortfall (chosen on seeds 1
# and 2 of the NTREX-128 cases: 3 against 1, 6 and 10, which over-split at 40-50% noise).
MEMBER_PENALTY = 3.0
BAND_WIDTH = 6  # sentences either side of the projected coarse path
COARSE_FACTOR = 4
FULL_GRID_CELLS = 12_000  # below this a level is searched without a band

# bead kinds as (source sentences, target sentences)
_MOVES = ((1, 1), (1, 2), (2, 1), (1, 0), (0, 1))


def _band_from_path(path: list[tuple[int, int]], n: int, m: int, reach: int, width: int) -> tuple[np.ndarray,
                                                                                                   np.ndarray]:
    """Per source position i, the range [lo, hi] of target positions within reach of a path."""
    xs = np.array([p[0] for p in path])
    ys = np.array([p[1] for p in path])
    i = np.arange(n + 1)
    first = np.searchsorted(xs, i - reach, side="left")
    last = np.searchsorted(xs, i + reach, side="right") - 1
    lo = ys[np.clip(first, 0, len(xs) - 1)] - width
    hi = ys[np.clip(last, 0, len(xs) - 1)] + width
    lo = np.clip(lo, 0, m)
    hi = np.clip(hi, 0, m)
    lo[0], hi[-1] = 0, m
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    return lo, hi


def _dp(prob: _Problem, src_groups: list[tuple[int, ...]], tgt_groups: list[tuple[int, ...]],
        lo: np.ndarray, hi: np.ndarray, *, fine: bool) -> tuple[list[tuple[int, int, int, int, float]],
                                                                 dict[tuple[int, int], float]]:
    """Best monotonic bead sequence within the band; returns beads as (i0, i1, j0, j1, score) over
    group positions, and the 1-1 scores computed on the way."""
    n, m = len(src_groups), len(tgt_groups)
    # Units: singles 0..n-1, then pairs n..2n-2 (pair k joins k and k+1).
    def units(groups: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
        return list(groups) + [groups[k] + groups[k + 1] for k in range(len(groups) - 1)]

    # In order, a near-exact match is rarely a coincidence; in comparable mode the weights stay as they are.
    s_side = prob.side("src", units(src_groups), with_codes=fine, near_exact=True)
    t_side = prob.side("tgt", units(tgt_groups), with_codes=fine)
    # Coarse levels only steer the band: there any match is better than none.
    threshold = prob.threshold if fine else 0.0
    # Collect every scored transition: end state (i, j) reached by move k from (i - di, j - dj).
    want_s, want_t, keys = [], [], []
    for i in range(n + 1):
        for j in range(lo[i], hi[i] + 1):
            for k, (di, dj) in enumerate(_MOVES[:3]):
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or not (lo[pi] <= pj <= hi[pi]):
                    continue
                su = pi if di == 1 else n + pi
                tu = pj if dj == 1 else m + pj
                want_s.append(su)
                want_t.append(tu)
                keys.append((i, j, k))
    scores = _pair_scores(prob, s_side, t_side, np.array(want_s, np.int64), np.array(want_t, np.int64))
    # Costs as in vecalign: 1 - similarity, doubled for a merge (vecalign multiplies by the sentences
    # on each side) so that a merge must earn its place; a null bead costs half of what a 1-1 bead at
    # the threshold costs. Gains are the negated costs.
    gain = {}
    for (i, j, k), sc in zip(keys, scores, strict=True):
        gain[(i, j, k)] = (-(1.0 - float(sc)) * (MERGE_COST if k else 1.0) - (MERGE_PENALTY if k and fine else 0.0),
                           float(sc))
    if fine:
        _penalise_idle_merges(gain)
    null = -(1.0 - threshold) / 2
    one_one = {(i - 1, j - 1): v[1] for (i, j, k), v in gain.items() if k == 0}
    # Row-by-row dynamic programming.
    neg = -1e18
    best: list[np.ndarray] = []
    back: list[np.ndarray] = []
    for i in range(n + 1):
        width = hi[i] - lo[i] + 1
        cur = np.full(width, neg)
        ptr = np.full(width, -1, dtype=np.int8)
        for jj in range(width):
            j = lo[i] + jj
            if i == 0 and j == 0:
                cur[jj], ptr[jj] = 0.0, -2
                continue
            top, arg = neg, -1
            for k, (di, dj) in enumerate(_MOVES):
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or not (lo[pi] <= pj <= hi[pi]):
                    continue
                if k == 4:
                    prev = cur[pj - lo[i]]
                    g = null
                else:
                    prev = best[pi][pj - lo[pi]]
                    if k == 3:
                        g = null
                    else:
                        entry = gain.get((i, j, k))
                        if entry is None:
                            continue
                        g = entry[0]
                if prev + g > top:
                    top, arg = prev + g, k
            cur[jj], ptr[jj] = top, arg
        best.append(cur)
        back.append(ptr)
    beads = []
    i, j = n, m
    while (i, j) != (0, 0):
        k = int(back[i][j - lo[i]])
        if k < 0:
            raise RuntimeError("alignment search lost its path (band does not reach the end)")
        di, dj = _MOVES[k]
        score = gain[(i, j, k)][1] if k < 3 else 0.0
        beads.append((i - di, i, j - dj, j, score))
        i, j = i - di, j - dj
    beads.reverse()
    return beads, one_one


def _penalise_idle_merges(gain: dict[tuple[int, int, int], tuple[float, float]]) -> None:
    """A merge that matches no better than its better half alone gains nothing from its other half:
    that sentence is more likely a null bead (a headline above the sentence that repeats it)."""
    for (i, j, k), (g, sc) in list(gain.items()):
        if k == 1:  # 1-2: source i-1 with targets j-2 and j-1
            halves = (gain.get((i, j - 1, 0)), gain.get((i, j, 0)))
        elif k == 2:  # 2-1: sources i-2 and i-1 with target j-1
            halves = (gain.get((i - 1, j, 0)), gain.get((i, j, 0)))
        else:
            continue
        better = max((h[1] for h in halves if h is not None), default=0.0)
        if better > sc:
            gain[(i, j, k)] = (g - MEMBER_PENALTY * (better - sc), sc)


def _path_states(beads: list[tuple[int, int, int, int, float]]) -> list[tuple[int, int]]:
    return [(0, 0)] + [(b[1], b[3]) for b in beads]


def _parallel_level(prob: _Problem, n: int, m: int, factor: int) -> tuple[list[tuple[int, int, int, int, float]],
                                                                           dict[tuple[int, int], float]]:
    """Align at a level where each unit is a block of ``factor`` sentences (1 = sentences)."""
    src_groups = [tuple(range(a, min(a + factor, n))) for a in range(0, n, factor)]
    tgt_groups = [tuple(range(a, min(a + factor, m))) for a in range(0, m, factor)]
    nb, mb = len(src_groups), len(tgt_groups)
    if (nb + 1) * (mb + 1) <= FULL_GRID_CELLS or nb <= 2 or mb <= 2:
        lo, hi = np.zeros(nb + 1, dtype=np.int64), np.full(nb + 1, mb, dtype=np.int64)
        return _dp(prob, src_groups, tgt_groups, lo, hi, fine=factor == 1)
    coarse, _ = _parallel_level(prob, n, m, factor * COARSE_FACTOR)
    path = [(min(a * COARSE_FACTOR, nb), min(b * COARSE_FACTOR, mb)) for a, b in _path_states(coarse)]
    width = BAND_WIDTH
    for _attempt in range(3):
        lo, hi = _band_from_path(path, nb, mb, COARSE_FACTOR, width)
        beads, one_one = _dp(prob, src_groups, tgt_groups, lo, hi, fine=factor == 1)
        states = _path_states(beads)
        touches = any((j == lo[i] and lo[i] > 0) or (j == hi[i] and hi[i] < mb) for i, j in states)
        if not touches:
            break
        path, width = states, width * 2  # the best path ran along the band's edge: search wider around it
    return beads, one_one


def _align_parallel(prob: _Problem, top_k: int) -> tuple[list[Bead], list[list[tuple[int, float]]]]:
    n, m = len(prob.src_en), len(prob.tgt)
    raw, one_one = _parallel_level(prob, n, m, 1)
    beads = [Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), round(score, 6)) for i0, i1, j0, j1, score in raw]
    per_src: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for (i, j), score in one_one.items():
        per_src[i].append((j, round(score, 6)))
    candidates = [sorted(c, key=lambda x: (-x[1], x[0]))[:top_k] for c in per_src]
    return beads, candidates
