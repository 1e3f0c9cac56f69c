"""How long `bilingual store copy` takes for a store of N sentences (default 10,000), each way between SQLite
and PostgreSQL, beside an SQLite-to-SQLite copy as the baseline.

Builds a throw-away SQLite store: Danish documents of 500 numbered sentences each, an MT for every
sentence (placeholder text), a fifth of them reviewed twice (two history rows), one alignment bead
each. Starts a throw-away PostgreSQL server (tests/support/postgres.py: Debian's postgresql package,
fsync off), then times each copy (median of the repeats; each copy includes its row-by-row check)
and prints rows per second and the ratio to the SQLite baseline, with the machine's load.

Usage: ``.venv/bin/python bench/store_copy_bench.py [--sentences 10000] [--repeats 3]``. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from support.postgres import running_server  # noqa: E402

from bilingual.documents import load_document  # noqa: E402
from bilingual.segment import segment_document  # noqa: E402
from bilingual.store import Store  # noqa: E402
from bilingual.store.copy import copy_store, row_counts  # noqa: E402

PER_DOCUMENT = 500


def build(path: Path, sentences: int, folder: Path) -> None:
    """The SQLite store the copies start from."""
    with Store(path) as store:
        for d in range(0, sentences, PER_DOCUMENT):
            n = min(PER_DOCUMENT, sentences - d)
            text = "\n\n".join(f"Dette er sætning nummer {d + k} i dokument {d // PER_DOCUMENT}, om emne {k % 37}."
                               for k in range(n))
            source = folder / f"doc{d // PER_DOCUMENT:03d}.txt"
            source.write_text(text + "\n", encoding="utf-8")
            doc = load_document(source, language="da")
            doc_id, _ = store.add_document(doc, segment_document(doc))
            segs = store.segments(doc_id)
            store.put_translations([(s.text, f"This is sentence number {d + i}.") for i, s in enumerate(segs)],
                                   "bench", {"model": "placeholder"})
            store.replace_alignments(doc_id, [doc_id], "parallel", {"bench": True},
                                     [((s.id,), (s.id,), 0.5, 0, "1-1") for s in segs])
            for s in segs[::5]:
                first = store.save_review(s.text, "First.", "corrected", expected_version=0, reviewer="ana")
                store.save_review(s.text, "Second.", "corrected", expected_version=first.version, reviewer="bo")


def timed_copy(source: str, target: str, repeats: int) -> float:
    """The median seconds of copying ``source`` into ``target`` (replacing what the previous repeat put there)."""
    times = []
    for _ in range(repeats):
        with Store(source, create=False) as src, Store(target) as dst:
            times.append(copy_store(src, dst, replace=True).seconds)
    return statistics.median(times)


def main() -> None:
    """Build the store, run the copies, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, running_server() as server:
        folder = Path(tmp)
        source = folder / "source.sqlite3"
        build(source, args.sentences, folder)
        with Store(source) as store:
            rows = sum(row_counts(store.conn).values())
        team = server.new_database("bench")
        runs = [("sqlite -> sqlite (baseline)", str(source), str(folder / "copy.sqlite3")),
                ("sqlite -> postgresql", str(source), team),
                ("postgresql -> sqlite", team, str(folder / "back.sqlite3"))]
        print(f"store copy, {args.sentences} sentences ({rows} rows), median of {args.repeats}; "
              f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        baseline = None
        for label, src, dst in runs:
            seconds = timed_copy(src, dst, args.repeats)
            baseline = baseline or seconds
            print(f"  {label:<28} {seconds:6.2f} s  {rows / seconds:9.0f} rows/s  x{seconds / baseline:.2f}")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
