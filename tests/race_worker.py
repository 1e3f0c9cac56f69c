"""A reviewer process for the cross-process race test: ``python race_worker.py DB NAME COUNT GATE``.

It opens the store, announces itself with ``GATE.NAME.ready``, waits for the file ``GATE`` so that
all reviewers start together, tries to save every sentence from version 0 and prints how many it saved.
Only the store is imported, so the child starts fast and depends on nothing the test run set up.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main(db: str, reviewer: str, count: int, gate: Path, wait_s: float = 120.0) -> int:
    """Save sentences 0..count-1 as ``reviewer`` once the gate opens; return how many were saved."""
    from bilingual.store import StaleReviewError, Store

    with Store(db) as store:
        Path(f"{gate}.{reviewer}.ready").touch()
        deadline = time.monotonic() + wait_s
        while not gate.exists():
            if time.monotonic() > deadline:
                raise TimeoutError(f"the gate {gate} never opened")
            time.sleep(0.001)
        saved = 0
        for k in range(count):
            try:
                store.save_review(f"Sætning nummer {k}.", f"by {reviewer}", "corrected", expected_version=0,
                                  reviewer=reviewer)
                saved += 1
            except StaleReviewError:
                pass
    return saved


if __name__ == "__main__":
    print(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])))
