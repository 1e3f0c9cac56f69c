"""A reviewer process for the cross-process race test: ``python race_worker.py DB NAME COUNT ROUNDS GATE``.

It opens the store (an SQLite file or a ``postgresql://`` URL), announces itself with
``GATE.NAME.ready``, waits for the file ``GATE`` so that all reviewers start together, then:

1. tries to save every sentence 0..COUNT-1 from version 0 (exactly one reviewer can win each);
2. ROUNDS times over the same sentences, reads the current version and saves on top of it (a save
   another reviewer made in between must be refused, never merged or lost).

It prints one JSON line: how many saves it attempted, made and had refused in each phase.
Only the store is imported, so the child starts fast and depends on nothing the test run set up.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(db: str, reviewer: str, count: int, rounds: int, gate: Path, wait_s: float = 120.0) -> dict[str, int]:
    """Race the other reviewers as described above; return the tallies."""
    from bilingual.segment import text_hash
    from bilingual.store import StaleReviewError, Store

    tally = dict.fromkeys(("first_saved", "first_stale", "attempted", "saved", "stale"), 0)
    with Store(db) as store:
        Path(f"{gate}.{reviewer}.ready").touch()
        deadline = time.monotonic() + wait_s
        while not gate.exists():
            if time.monotonic() > deadline:
                raise TimeoutError(f"the gate {gate} never opened")
            time.sleep(0.001)
        for k in range(count):
            try:
                store.save_review(f"Sætning nummer {k}.", f"by {reviewer}", "corrected", expected_version=0,
                                  reviewer=reviewer)
                tally["first_saved"] += 1
            except StaleReviewError:
                tally["first_stale"] += 1
        for n in range(rounds):
            for k in range(count):
                source = f"Sætning nummer {k}."
                current = store.review(text_hash(source))
                tally["attempted"] += 1
                try:
                    store.save_review(source, f"by {reviewer}, round {n}", "corrected",
                                      expected_version=current.version if current else 0, reviewer=reviewer)
                    tally["saved"] += 1
                except StaleReviewError:
                    tally["stale"] += 1
    return tally


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5]))))
