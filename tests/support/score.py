"""Alignment quality against gold: strict and lax precision/recall/F1, and pair-level F1.

Beads are ``(source ids, target ids)`` pairs (anything with ``src``/``tgt`` attributes works too).
The bead scores follow the sentence-alignment literature (Sennrich & Volk 2011, as vecalign's
``score.py`` computes them): micro-averaged over all cases; a test bead is a strict hit when the
gold holds the very same bead and a lax hit when it overlaps a gold bead on both sides; null beads
(one side empty) count in precision and are left out of recall. The pair scores count every
(source sentence, target sentence) link once, as the BUCC mining task does, so a sentence that
rightly stays unaligned adds nothing and one that is wrongly linked is a false positive.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

BeadLike = Any  # a (src, tgt) pair, or an object with .src and .tgt
Pair = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1, strict and lax (bead level) or for links (pair level)."""

    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float

    def as_dict(self) -> dict[str, float]:
        """The six figures by name."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class PairScores:
    """Link-level precision, recall and F1 with the counts behind them."""

    precision: float
    recall: float
    f1: float
    true_positives: int
    predicted: int
    gold: int


def as_pair(bead: BeadLike) -> Pair:
    """A bead as a ``(src ids, tgt ids)`` tuple pair."""
    if hasattr(bead, "src") and hasattr(bead, "tgt"):
        return tuple(bead.src), tuple(bead.tgt)
    src, tgt = bead[0], bead[1]
    return tuple(src), tuple(tgt)


def _ratio(num: int, den: int, empty: float) -> float:
    return num / den if den else empty


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _hits(gold: Sequence[Pair], test: Sequence[Pair]) -> tuple[int, int, int]:
    """(strict hits, lax hits, test beads) of ``test`` judged against ``gold``."""
    gold_set = {b for b in gold if b[0] or b[1]}
    links: dict[int, set[int]] = defaultdict(set)
    for src, tgt in gold_set:
        for s in src:
            links[s].update(tgt)
    strict = lax = total = 0
    for bead in {b for b in test if b[0] or b[1]}:
        total += 1
        if bead in gold_set:
            strict += 1
            lax += 1
            continue
        reachable: set[int] = set()
        for s in bead[0]:
            reachable |= links[s]
        if reachable.intersection(bead[1]):
            lax += 1
    return strict, lax, total


def score_beads(gold: Iterable[BeadLike], test: Iterable[BeadLike], *, empty: float = 0.0) -> Scores:
    """Strict and lax precision/recall/F1 of one case's test beads against its gold beads."""
    return score_cases([gold], [test], empty=empty)


def score_cases(gold_cases: Iterable[Iterable[BeadLike]], test_cases: Iterable[Iterable[BeadLike]], *,
                empty: float = 0.0) -> Scores:
    """Strict and lax precision/recall/F1 over several cases, micro-averaged (counts summed first)."""
    golds = [[as_pair(b) for b in case] for case in gold_cases]
    tests = [[as_pair(b) for b in case] for case in test_cases]
    if len(golds) != len(tests):
        raise ValueError(f"{len(golds)} gold cases but {len(tests)} test cases")
    p_strict = p_lax = p_total = r_strict = r_lax = r_total = 0
    for g, t in zip(golds, tests, strict=True):
        s, lx, n = _hits(g, t)
        p_strict, p_lax, p_total = p_strict + s, p_lax + lx, p_total + n
        # Recall is precision with the roles swapped and the null beads left out.
        s, lx, n = _hits([b for b in t if b[0] and b[1]], [b for b in g if b[0] and b[1]])
        r_strict, r_lax, r_total = r_strict + s, r_lax + lx, r_total + n
    ps, pl = _ratio(p_strict, p_total, empty), _ratio(p_lax, p_total, empty)
    rs, rl = _ratio(r_strict, r_total, empty), _ratio(r_lax, r_total, empty)
    return Scores(ps, rs, _f1(ps, rs), pl, rl, _f1(pl, rl))


def links(beads: Iterable[BeadLike]) -> set[tuple[int, int]]:
    """Every (source id, target id) link that the beads make."""
    out: set[tuple[int, int]] = set()
    for bead in beads:
        src, tgt = as_pair(bead)
        out.update((s, t) for s in src for t in tgt)
    return out


def score_pairs(gold: Iterable[BeadLike], test: Iterable[BeadLike]) -> PairScores:
    """Link-level precision/recall/F1 (BUCC style): unaligned sentences make no links."""
    g, t = links(gold), links(test)
    tp = len(g & t)
    p, r = _ratio(tp, len(t), 0.0), _ratio(tp, len(g), 0.0)
    return PairScores(p, r, _f1(p, r), tp, len(t), len(g))


def format_bead(src: Sequence[int], tgt: Sequence[int], score: float | None = None) -> str:
    """One bead in the vecalign format ``[0, 1]:[2]:0.734000`` (zero-based ids)."""
    text = f"{list(src)}:{list(tgt)}"
    return text if score is None else f"{text}:{score:.6f}"


def parse_bead(line: str) -> tuple[tuple[int, ...], tuple[int, ...], float | None]:
    """Read one vecalign-format line ``[src ids]:[tgt ids][:score]``."""
    parts = line.strip().split(":")
    if len(parts) not in (2, 3):
        raise ValueError(f"not a bead line: {line.strip()!r}")
    src, tgt = (tuple(int(x) for x in ast.literal_eval(p)) for p in parts[:2])
    return src, tgt, float(parts[2]) if len(parts) == 3 else None
