"""A reviewer process for the cross-process race test; kept apart so a spawned child imports only the store."""

from __future__ import annotations

import traceback


def save_all(db: str, reviewer: str, barrier, results, count: int) -> None:
    """Open the store, wait for the other reviewers, then try to save every sentence from version 0."""
    try:
        from bilingual.store import StaleReviewError, Store

        with Store(db) as store:
            barrier.wait()
            saved = 0
            for k in range(count):
                try:
                    store.save_review(f"Sætning nummer {k}.", f"by {reviewer}", "corrected", expected_version=0,
                                      reviewer=reviewer)
                    saved += 1
                except StaleReviewError:
                    pass
        results.put((reviewer, saved, None))
    except BaseException:
        # Report instead of dying silently: a dead child would leave the others waiting at the barrier.
        barrier.abort()
        results.put((reviewer, 0, traceback.format_exc()))
