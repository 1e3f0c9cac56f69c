"""The QA check *meaning may differ* on NTREX-128: false alarms on the reference translations and
detection of broken translations (another sentence's, cut in half, looped, a negation dropped).

    python bench/qe_eval.py [--sweep]

Documents are runs of 40 lines; each broken kind replaces a fifth of a document's translations.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests"), str(ROOT / "bench")]

from embed_cache import DiskCachedEmbedder  # noqa: E402
from support.gold import load_ntrex  # noqa: E402

from bilingual import meaning as M  # noqa: E402
from bilingual.align import load_crosslingual  # noqa: E402

DOC = 40
NEGATION = re.compile(r"\b(not|never|no)\b ?|n't\b", re.IGNORECASE)


def broken(kind: str, en: list[str], i: int, rng: random.Random) -> str | None:
    """A broken translation of line i, or None when this kind does not apply to it."""
    text = en[i]
    if kind == "other sentence":
        return en[(i + rng.randrange(50, len(en) - 50)) % len(en)]
    if kind == "cut in half":
        words = text.split()
        return " ".join(words[: len(words) // 2]) if len(words) >= 8 else None
    if kind == "looped":
        words = text.split()
        return " ".join(words[: max(3, len(words) // 3)] * 4) if len(words) >= 6 else None
    if kind == "negation dropped":
        return NEGATION.sub("", text, count=1) if NEGATION.search(text) else None
    raise ValueError(kind)


def evaluate(da: list[str], en: list[str], cross, kinds: list[str]) -> dict[str, tuple[int, int]]:
    """(flagged, total) per kind, and for the reference translations."""
    rng = random.Random(13)
    out: dict[str, list[int]] = {k: [0, 0] for k in ["reference", *kinds]}
    ref_scores = M.meaning_scores(da, en, cross)
    for lo in range(0, len(da) - DOC + 1, DOC):
        d, e = da[lo : lo + DOC], en[lo : lo + DOC]
        flags = M.meaning_flags(ref_scores[lo : lo + DOC], d, e)
        out["reference"][0] += sum(flags)
        out["reference"][1] += len(flags)
        for kind in kinds:
            e2, changed = list(e), []
            for k in rng.sample(range(DOC), DOC // 5):
                b = broken(kind, en, lo + k, rng)
                if b is not None:
                    e2[k] = b
                    changed.append(k)
            if not changed:
                continue
            scores = ref_scores[lo : lo + DOC].copy()
            scores[changed] = M.meaning_scores([d[k] for k in changed], [e2[k] for k in changed], cross)
            flags = M.meaning_flags(scores, d, e2)
            out[kind][0] += sum(flags[k] for k in changed)
            out[kind][1] += len(changed)
    return {k: (v[0], v[1]) for k, v in out.items()}


def main() -> None:
    """Print false alarms and detection at the module's thresholds (and a sweep with --sweep)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sweep", action="store_true")
    args = parser.parse_args()
    da, en = load_ntrex()
    cross = DiskCachedEmbedder(load_crosslingual())
    kinds = ["other sentence", "cut in half", "looped", "negation dropped"]
    print(f"QE check 'meaning may differ' on NTREX-128 ({len(da)} lines, documents of {DOC}); "
          f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    grid = [(M.MEANING_FLOOR, M.MEANING_DROP)]
    if args.sweep:
        grid += [(f, d) for f in (0.1, 0.2, 0.3, 0.4) for d in (0.3, 0.4, 0.5, 9.0)]
    print(f"  {'floor':>6}{'drop':>6}" + "".join(f"{k:>18}" for k in ["reference (false)", *kinds]))
    for floor, drop in grid:
        M.MEANING_FLOOR, M.MEANING_DROP = floor, drop
        res = evaluate(da, en, cross, kinds)
        print(f"  {floor:>6.2f}{drop:>6.2f}" + "".join(f"{f / max(t, 1):>11.1%} of {t:<4}" for f, t in res.values()),
              flush=True)


if __name__ == "__main__":
    main()
