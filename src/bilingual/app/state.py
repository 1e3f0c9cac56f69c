"""A reviewer's decisions, free of Streamlit: what a save stores, and when it is stale."""

from __future__ import annotations

from dataclasses import dataclass

from bilingual.app.rows import ReviewRow
from bilingual.decisions import decision_status, is_reviewed
from bilingual.store import REVIEW_STATUSES, Review, StaleReviewError, Store


@dataclass(frozen=True)
class SaveOutcome:
    """The result of a save: the new review, or the newer review that made the save stale."""

    review: Review | None = None
    conflict: Review | None = None

    @property
    def saved(self) -> bool:
        """Whether the decision was stored."""
        return self.review is not None


def is_unchanged(row: ReviewRow, text: str, status: str, expected_version: int, reason: str | None = None) -> bool:
    """Whether saving would repeat the stored decision exactly (so no new version is written)."""
    return (row.version > 0 and expected_version == row.version and row.status == status and row.final == text
            and (status != "rejected" or (reason or "").strip() == (row.reason or "")))


def save_decision(store: Store, row: ReviewRow, text: str, *, expected_version: int, reviewer: str | None,
                  status: str | None = None, reason: str | None = None) -> SaveOutcome:
    """Store a decision on a row if nobody saved since ``expected_version``; a stale save changes nothing.

    The status defaults to ``accepted``/``corrected`` from the text; ``rejected`` needs a reason.
    """
    status = status or decision_status(text, row.mt)
    if status not in REVIEW_STATUSES:
        raise ValueError(f"unknown review status {status!r}")
    if is_reviewed(status) and not text.strip():
        raise ValueError("the final text is empty: type a translation, or reject the sentence with a reason")
    try:
        review = store.save_review(row.source, text, status, expected_version=expected_version,
                                   reviewer=(reviewer or "").strip() or None, mt_text=row.mt,
                                   reason=(reason or "").strip() or None)
    except StaleReviewError as exc:
        return SaveOutcome(conflict=exc.current)
    return SaveOutcome(review=review)

