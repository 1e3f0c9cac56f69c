"""Gold alignment cases built from NTREX-128 Danish–English with a seeded generator.

NTREX-128 is line-parallel (line N of the Danish file translates line N of the English one), so
every perturbation below keeps an exact gold alignment:

- **parallel**: runs of lines with merges on both sides (two lines joined into one sentence:
  1-2 and 2-1 beads) and deletions on both sides (1-0 and 0-1 beads);
- **comparable**: the English side shuffled and split across several documents, half of the
  Danish sentences without a counterpart, and English distractor sentences from other articles.

Each case also carries the English reference translation of every Danish sentence, from which the
three translation conditions are made: ``none`` (the Danish text as it is), ``noisy`` (the reference
with a seeded share of words dropped or replaced, standing in for imperfect machine translation)
and ``oracle`` (the reference itself, an upper bound).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

CONDITIONS = ("none", "noisy", "oracle")

# NTREX-128 is kept in the repository's test data: tests/data/ntrex128.
NTREX_DIR = Path(__file__).parent.parent / "data" / "ntrex128"

_HEADLINE_END = re.compile(r"""[.!?"'”’:)]\s*$""")


@dataclass
class GoldCase:
    """Danish and English sentences with their gold beads and the reference translation."""

    name: str
    kind: str  # "parallel" | "comparable"
    src: list[str]
    tgt: list[str]
    gold: list[tuple[tuple[int, ...], tuple[int, ...]]]
    reference: list[str]  # English reference translation of each Danish sentence
    tgt_doc: list[int] = field(default_factory=list)

    def translations(self, condition: str, seed: int = 0, noise: float | None = None) -> list[str]:
        """The English side of each Danish sentence under a translation condition."""
        if condition == "none":
            return list(self.src)
        if condition == "oracle":
            return list(self.reference)
        if condition == "noisy":
            rng = random.Random(f"noisy:{self.name}:{seed}")
            vocab = sorted({w for line in self.reference for w in line.split()})
            rate = NOISE_RATE if noise is None else noise
            return [add_noise(line, rng, rate, vocab) for line in self.reference]
        raise ValueError(f"unknown translation condition {condition!r}; expected one of {', '.join(CONDITIONS)}")


# The share of words dropped or replaced in the noisy condition: at 0.32 the noisy text scores
# chrF 0.63 against the reference, close to OPUS-MT's published chrF (0.62) on this set.
NOISE_RATE = 0.32


def load_ntrex(folder: str | Path | None = None) -> tuple[list[str], list[str]]:
    """The Danish and English lines of NTREX-128; FileNotFoundError naming the folder when absent."""
    root = Path(folder) if folder else NTREX_DIR
    da_path, en_path = root / "ntrex128.dan", root / "ntrex128.eng"
    if not (da_path.is_file() and en_path.is_file()):
        raise FileNotFoundError(
            f"NTREX-128 gold data not found in {root.resolve()}: expected ntrex128.dan and ntrex128.eng "
            "(the repository keeps them in tests/data/ntrex128)"
        )
    da = da_path.read_text(encoding="utf-8").splitlines()
    en = en_path.read_text(encoding="utf-8").splitlines()
    if len(da) != len(en):
        raise ValueError(f"NTREX-128 is not line-parallel here: {len(da)} Danish and {len(en)} English lines")
    return da, en


def article_starts(english: list[str]) -> list[int]:
    """Line numbers where a news article starts: its headline, a short line without final punctuation."""
    starts = [0]
    for i, line in enumerate(english[1:], start=1):
        if len(line) < 120 and not _HEADLINE_END.search(line):
            starts.append(i)
    return starts


def add_noise(text: str, rng: random.Random, rate: float, vocab: list[str]) -> str:
    """Drop or replace (half and half) a share ``rate`` of the words of a text."""
    words = text.split()
    out: list[str] = []
    for word in words:
        r = rng.random()
        if r < rate / 2:
            continue
        out.append(rng.choice(vocab) if r < rate else word)
    return " ".join(out) if out else (words[0] if words else text)


def parallel_case(da: list[str], en: list[str], seed: int, *, start: int = 0, length: int | None = None,
                  merge_rate: float = 0.04, delete_rate: float = 0.03) -> GoldCase:
    """A parallel document pair with merges and deletions on both sides, and its gold beads.

    Each perturbation (Danish merge → 1-2, English merge → 2-1, Danish deletion → 0-1, English
    deletion → 1-0) happens at a line with probability ``merge_rate`` or ``delete_rate``.
    """
    rng = random.Random(f"parallel:{seed}")
    stop = len(da) if length is None else min(len(da), start + length)
    src: list[str] = []
    tgt: list[str] = []
    reference: list[str] = []
    gold: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    i = start
    while i < stop:
        r = rng.random()
        two = i + 1 < stop
        if two and r < merge_rate:  # two Danish lines joined: one Danish sentence, two English ones
            gold.append(((len(src),), (len(tgt), len(tgt) + 1)))
            src.append(f"{da[i]} {da[i + 1]}")
            reference.append(f"{en[i]} {en[i + 1]}")
            tgt.extend([en[i], en[i + 1]])
            i += 2
        elif two and r < 2 * merge_rate:  # two English lines joined
            gold.append(((len(src), len(src) + 1), (len(tgt),)))
            src.extend([da[i], da[i + 1]])
            reference.extend([en[i], en[i + 1]])
            tgt.append(f"{en[i]} {en[i + 1]}")
            i += 2
        elif r < 2 * merge_rate + delete_rate:  # the Danish line is missing: 0-1
            gold.append(((), (len(tgt),)))
            tgt.append(en[i])
            i += 1
        elif r < 2 * merge_rate + 2 * delete_rate:  # the English line is missing: 1-0
            gold.append(((len(src),), ()))
            src.append(da[i])
            reference.append(en[i])
            i += 1
        else:
            gold.append(((len(src),), (len(tgt),)))
            src.append(da[i])
            reference.append(en[i])
            tgt.append(en[i])
            i += 1
    return GoldCase(f"parallel-{seed}", "parallel", src, tgt, gold, reference, [0] * len(tgt))


def comparable_case(da: list[str], en: list[str], seed: int, *, articles: int = 12, documents: int = 4,
                    keep: float = 0.5, distractors: float = 1.0) -> GoldCase:
    """Danish articles against shuffled English documents: half the Danish sentences have a
    counterpart, the rest none, and ``distractors`` × (kept sentences) English sentences come from
    other articles."""
    rng = random.Random(f"comparable:{seed}")
    starts = article_starts(en) + [len(en)]
    spans = [(starts[k], starts[k + 1]) for k in range(len(starts) - 1)]
    chosen = sorted(rng.sample(range(len(spans)), min(articles, len(spans))))
    lines = [i for k in chosen for i in range(*spans[k])]
    chosen_set = set(lines)
    others = [i for i in range(len(en)) if i not in chosen_set]
    kept = sorted(rng.sample(lines, round(keep * len(lines))))
    extra = rng.sample(others, min(len(others), round(distractors * len(kept))))
    english = [(line, True) for line in kept] + [(line, False) for line in extra]
    rng.shuffle(english)
    position = {line: j for j, (line, is_kept) in enumerate(english) if is_kept}
    src = [da[i] for i in lines]
    reference = [en[i] for i in lines]
    tgt = [en[line] for line, _ in english]
    # Contiguous runs of the shuffled list become the English documents.
    bounds = sorted(rng.sample(range(1, len(tgt)), min(documents, len(tgt)) - 1)) if len(tgt) > 1 else []
    tgt_doc = [sum(1 for b in bounds if j >= b) for j in range(len(tgt))]
    gold: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    for k, line in enumerate(lines):
        gold.append(((k,), (position[line],)) if line in position else ((k,), ()))
    gold.extend(((), (j,)) for j, (_, is_kept) in enumerate(english) if not is_kept)
    return GoldCase(f"comparable-{seed}", "comparable", src, tgt, gold, reference, tgt_doc)
