"""How well the plain-text furniture detector finds page furniture, on labelled pages written for it.

    python bench/furniture_eval.py

Reports, over the cases of ``tests/support/furniture_cases.py``: the share of furniture paragraphs
marked (recall), the share of article paragraphs wrongly marked, per case and in all, with the
machine's load. Figures are printed, never asserted (``tests/test_inputs_furniture.py`` holds the floor).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from support.furniture_cases import CASES, HELD_OUT, measure  # noqa: E402


def report(title: str, cases: dict[str, list[tuple[bool, str]]]) -> None:
    """Print the figures of a set of cases, per case and in all."""
    totals = [0, 0, 0, 0]
    print(f"\n{title}\n{'case':<22} {'furniture found':>16} {'article marked':>15}")
    for name, paragraphs in cases.items():
        found, furniture, wrong, article, misses = measure(name, paragraphs)
        totals = [a + b for a, b in zip(totals, (found, furniture, wrong, article), strict=True)]
        print(f"{name:<22} {found:>7}/{furniture:<8} {wrong:>7}/{article:<7}")
        for miss in misses:
            print(f"    {miss}")
    found, furniture, wrong, article = totals
    print(f"{'all':<22} {found:>7}/{furniture:<8} {wrong:>7}/{article:<7}")
    print(f"furniture found: {found / furniture:.0%}; article paragraphs wrongly marked: {wrong / article:.0%}")


def main() -> None:
    """Print the figures of the cases the rules were written on, and of the held-out ones."""
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    report("cases the rules were written on", CASES)
    report("held-out cases (written after the rules, not tuned on)", HELD_OUT)


if __name__ == "__main__":
    main()
