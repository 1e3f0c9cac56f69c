"""Fact check on a labelled NTREX-128 set: precision and recall per planted kind, false alarms on untouched pairs.

    python bench/factcheck_bench.py            # three seeded draws, with and without a translation
    python bench/factcheck_bench.py --seeds 1  # one draw

The set is built by ``tests/support/plant.py``: one change planted in the English of a pair (a number
changed, a year changed, a name misspelt, a unit changed, a qualifier dropped) on a fact the Danish
states too, and at least as many untouched pairs. The Danish is read alone (``no MT``: the tests'
random model gives no usable MT) and with a stand-in for MT (``noisy MT``: the English reference with
a third of its words dropped or replaced, as in ``bench/align_eval.py``). Figures are printed, never
asserted; the acceptance test runs on one draw in ``tests/test_factcheck_bench.py``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from support.gold import NOISE_RATE, add_noise, load_ntrex  # noqa: E402
from support.plant import PLANTED_KINDS, labelled_pairs, score  # noqa: E402


def noisy_translations(english: list[str], seed: int) -> dict[int, str]:
    """A noisy stand-in for the MT of every line: the reference with words dropped or replaced."""
    rng = random.Random(f"factcheck-noisy:{seed}")
    vocab = sorted({w for line in english for w in line.split()})
    return {i: add_noise(line, rng, NOISE_RATE, vocab) for i, line in enumerate(english)}


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeded draws of the labelled set")
    args = parser.parse_args()
    load_before = os.getloadavg()
    danish, english = load_ntrex()
    print(f"NTREX-128: {len(danish)} Danish-English pairs")
    print(f"{'draw':>4} {'condition':<9} {'kind':<10} {'planted':>7} {'flagged':>7} {'precision':>9} {'recall':>6}")
    worst = {k: (1.0, 1.0) for k in PLANTED_KINDS}
    worst_alarm = 0.0
    for seed in range(args.seeds):
        pairs = labelled_pairs(danish, english, seed)
        for condition, translations in (("no MT", None), ("noisy MT", noisy_translations(english, seed))):
            started = time.perf_counter()
            result = score(pairs, translations)
            elapsed = time.perf_counter() - started
            for kind in PLANTED_KINDS:
                p, r = result.precision(kind), result.recall(kind)
                worst[kind] = (min(worst[kind][0], p), min(worst[kind][1], r))
                print(f"{seed:>4} {condition:<9} {kind:<10} {result.planted[kind]:>7} {result.found[kind]:>7} "
                      f"{p:>9.3f} {r:>6.3f}")
            worst_alarm = max(worst_alarm, result.false_alarm_rate)
            print(f"{seed:>4} {condition:<9} {'untouched':<10} {result.untouched:>7} {result.alarmed_untouched:>7} "
                  f"false alarms {result.false_alarm_rate:.3f}; {len(pairs)} pairs in {elapsed:.2f} s "
                  f"({len(pairs) / elapsed:.0f} pairs/s)")
    print("\nworst over draws and conditions: " + ", ".join(
        f"{k} P {p:.3f} R {r:.3f}" for k, (p, r) in worst.items()) + f"; false alarms {worst_alarm:.3f}")
    print(f"machine: {os.cpu_count()} cores, load average {load_before[0]:.2f} before / {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
