"""Fuzzy translation-memory lookups: the review app's ``TranslationMemory`` (rapidfuzz) beside difflib.

Builds a memory of N reviewed sentences from NTREX-128 Danish news (the 1,997 lines, then numbered
variants so that every entry is distinct), stores it in a throw-away SQLite store, and for Q query
sentences (each an NTREX sentence with one word changed) prints, side by side:

- reading the memory from the store and indexing it (once per page draw in the app);
- a lookup per query with ``TranslationMemory.lookup`` (rapidfuzz ``fuzz.ratio``, score cutoff 75);
- the same search with the standard library's ``difflib.SequenceMatcher.ratio`` (quick_ratio as a
  pre-filter, as careful difflib code does), the alternative a project without rapidfuzz would write;
- whether both find the same best entry.

Usage: ``.venv/bin/python bench/memory_bench.py [--entries 1000 10000] [--queries 20]``. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import difflib
import random
import sys
import tempfile
import time
from pathlib import Path

# The gold-data loader is a test helper (tests/support), not part of the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def build_memory(db: Path, size: int) -> list[str]:
    """Store ``size`` accepted reviews made from NTREX Danish lines; return their source texts."""
    from support.gold import load_ntrex

    from bilingual.store import Store

    danish, english = load_ntrex()
    sources, targets = [], []
    for k in range(size):
        base = k % len(danish)
        suffix = "" if k < len(danish) else f" ({k // len(danish)})"
        sources.append(danish[base] + suffix)
        targets.append(english[base] + suffix)
    with Store(db) as store, store.transaction() as c:
        from bilingual.segment import text_hash

        c.executemany(
            "INSERT OR REPLACE INTO reviews (text_hash, source_text, mt_text, final_text, status, reason, reviewer,"
            " updated_at, version) VALUES (?, ?, NULL, ?, 'accepted', NULL, 'bench', '2026-01-01T00:00:00Z', 1)",
            [(text_hash(s), s, t) for s, t in zip(sources, targets, strict=True)],
        )
    return sources


def queries_from(sources: list[str], count: int, seed: int = 7) -> list[str]:
    """Memory sentences with one word replaced: near misses a reviewer meets in the next release."""
    rng = random.Random(seed)
    picked = rng.sample(sources[: min(len(sources), 1997)], count)
    out = []
    for text in picked:
        words = text.split()
        words[rng.randrange(len(words))] = "ændret"
        out.append(" ".join(words))
    return out


def difflib_lookup(query: str, keys: list[str], threshold: float = 75.0) -> tuple[float, int] | None:
    """The best entry by difflib's ratio at or above the threshold (in percent), or None."""
    best: tuple[float, int] | None = None
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(query)
    for index, key in enumerate(keys):
        matcher.set_seq1(key)
        if matcher.real_quick_ratio() * 100 < threshold or matcher.quick_ratio() * 100 < threshold:
            continue
        score = matcher.ratio() * 100
        if score >= threshold and (best is None or score > best[0]):
            best = (score, index)
    return best


def main() -> None:
    """Print the side-by-side figures."""
    from bilingual.memory import TranslationMemory, normalise
    from bilingual.store import Store

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--queries", type=int, default=20)
    args = parser.parse_args()
    print(f"{'entries':>8} {'read+index ms':>14} {'rapidfuzz ms/lookup':>20} {'difflib ms/lookup':>18} "
          f"{'ratio':>7} {'same best':>10}")
    for size in args.entries:
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "memory.sqlite3"
            sources = build_memory(db, size)
            started = time.perf_counter()
            with Store(db) as store:
                memory = TranslationMemory(store.translation_memory())
            index_ms = (time.perf_counter() - started) * 1000
            queries = queries_from(sources, args.queries)

            started = time.perf_counter()
            fast = [memory.lookup(q, limit=1) for q in queries]
            fast_ms = (time.perf_counter() - started) * 1000 / len(queries)

            keys = [normalise(e.source_text) for e in memory.entries]
            started = time.perf_counter()
            slow = [difflib_lookup(normalise(q), keys) for q in queries]
            slow_ms = (time.perf_counter() - started) * 1000 / len(queries)

            same = sum(
                1 for f, s in zip(fast, slow, strict=True)
                if (not f and s is None)
                or (f and s is not None and memory.entries[s[1]].source_text == f[0].source_text)
            )
            print(f"{size:>8} {index_ms:>14.1f} {fast_ms:>20.2f} {slow_ms:>18.1f} {slow_ms / fast_ms:>7.0f} "
                  f"{same:>5}/{len(queries)}")


if __name__ == "__main__":
    main()
