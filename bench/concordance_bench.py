"""Concordance speed: the stemmed phrase search against a plain case-insensitive substring scan, one run.

    python bench/concordance_bench.py            # NTREX-128 Danish sentences in a fresh store (x4 documents)

The substring scan is the alternative the app's row filter uses; it finds no inflected forms, so the
ratio is the price of finding them. Figures are printed, never asserted.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from support.gold import load_ntrex  # noqa: E402

from bilingual.concordance import concordance  # noqa: E402
from bilingual.pipeline import add_documents  # noqa: E402
from bilingual.store import Store  # noqa: E402

PHRASES = ("regeringen", "det er", "millioner kroner", "politiet")
COPIES = 4


def substring_scan(store: Store, phrase: str) -> int:
    """The alternative: every Danish sentence whose text holds the phrase, case aside."""
    wanted = phrase.casefold()
    return sum(wanted in s.text.casefold() for s in store.segments(language="da", include_furniture=False))


def main() -> None:
    danish, _ = load_ntrex()
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for n in range(COPIES):
            path = Path(folder) / f"ntrex_{n}.txt"
            # a different first line per copy, so each is stored as its own document
            path.write_text(f"Kopi nummer {n}.\n\n" + "\n\n".join(danish), encoding="utf-8")
            paths.append(path)
        with Store(Path(folder) / "bench.sqlite3") as store:
            add_documents(store, paths, language="da")
            sentences = len(store.segments(language="da"))
            print(f"{sentences} Danish sentences in {COPIES} documents; load {os.getloadavg()[0]:.2f}")
            concordance(store, "opvarmning")  # the first search fills the stemming caches
            for phrase in PHRASES:
                started = time.perf_counter()
                hits = len(concordance(store, phrase))
                stemmed = time.perf_counter() - started
                started = time.perf_counter()
                plain = substring_scan(store, phrase)
                scan = time.perf_counter() - started
                print(f"{phrase!r:20} stemmed {hits:5} hits {stemmed * 1000:8.1f} ms · substring {plain:5} hits "
                      f"{scan * 1000:7.1f} ms · ratio {stemmed / scan:5.1f}x")
            print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
