"""The harder gold cases of the side-by-side bench: NTREX-128 perturbed as the aligner literature does.

8% of beads 1-2 (two Danish lines joined), 8% 2-1, 4% 1-0, 4% 0-1, the rest 1-1; the English side
of each Danish sentence in three conditions: ``none`` (the Danish text), ``oracle`` (the reference)
and ``noisy`` at a share of words changed: three in four of them dropped, one in four replaced by
a random word of the English side (at 40%: 30% dropped, 10% replaced).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.gold import GoldCase, parallel_case  # noqa: E402

MERGE_RATE, DELETE_RATE = 0.08, 0.04
NOISE_LEVELS = (0.32, 0.40, 0.50)
DROP_SHARE = 0.75  # of the words changed, this share is dropped and the rest replaced


def harder_parallel_case(da: list[str], en: list[str], seed: int) -> GoldCase:
    """The whole set with 8% 1-2, 8% 2-1, 4% 1-0 and 4% 0-1 beads."""
    return parallel_case(da, en, seed, merge_rate=MERGE_RATE, delete_rate=DELETE_RATE)


def noisy(line: str, rng: random.Random, rate: float, vocab: list[str]) -> str:
    """A share ``rate`` of the words changed: dropped (three in four) or replaced by a random word."""
    words = line.split()
    out = []
    for word in words:
        r = rng.random()
        if r < rate * DROP_SHARE:
            continue
        out.append(rng.choice(vocab) if r < rate else word)
    return " ".join(out) if out else (words[0] if words else line)


def translation(case: GoldCase, condition: str, rate: float = 0.0) -> list[str]:
    """The English side of each Danish sentence: ``none``, ``oracle`` or ``noisy`` at ``rate``."""
    if condition == "none":
        return list(case.src)
    if condition == "oracle" or rate == 0.0:
        return list(case.reference)
    rng = random.Random(f"noisy:{case.name}:{rate}")
    vocab = sorted({w for line in case.tgt for w in line.split()})
    return [noisy(line, rng, rate, vocab) for line in case.reference]
