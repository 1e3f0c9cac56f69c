"""The store's records: documents, segments, reviews, drafts and alignment beads as frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bilingual.decisions import REVIEW_STATUSES

__all__ = ["REVIEW_STATUSES"]  # re-exported: the store checks statuses against the decision rule
ALIGNMENT_STATUSES = ("machine", "accepted", "rejected")
FURNITURE_BY_REVIEWER = "marked by a reviewer"


class StaleReviewError(RuntimeError):
    """A review save based on an outdated version: someone else saved in between."""

    def __init__(self, current: Review):
        super().__init__(
            f"this sentence was saved by {current.reviewer or 'someone else'} at {current.updated_at} "
            f"(version {current.version}); reload before saving"
        )
        self.current = current


@dataclass(frozen=True)
class StoredDocument:
    """A document row."""

    id: int
    name: str
    path: str
    title: str
    language: str
    encoding: str
    content_hash: str
    added_at: str


@dataclass(frozen=True)
class StoredSegment:
    """A segment row with its document name, for display and export."""

    id: int
    document_id: int
    document: str
    paragraph: int
    index: int
    text: str
    text_hash: str
    start: int
    end: int
    furniture: str | None

    @property
    def stable_id(self) -> str:
        """Stable id ``document:paragraph:index``."""
        return f"{self.document}:{self.paragraph}:{self.index}"


@dataclass(frozen=True)
class Review:
    """The current review of a source sentence (keyed by its text hash)."""

    text_hash: str
    source_text: str
    mt_text: str | None
    final_text: str | None
    status: str
    reason: str | None
    reviewer: str | None
    updated_at: str
    version: int


@dataclass(frozen=True)
class StoredParagraph:
    """A paragraph of a stored document: its text, and its page-furniture mark in force and as detected."""

    paragraph: int
    text: str
    sentences: int
    furniture: str | None
    detected: str | None
    set_by: str | None

    @property
    def overridden(self) -> bool:
        """Whether a reviewer changed the detector's verdict on this paragraph."""
        return (self.furniture is None) != (self.detected is None)


@dataclass(frozen=True)
class Draft:
    """An unsaved edit of a sentence by one reviewer ('' when unnamed), and the review version it started from."""

    text_hash: str
    reviewer: str
    source_text: str
    text: str
    base_version: int
    updated_at: str


@dataclass(frozen=True)
class StoredAlignment:
    """An alignment bead between source and target segments (store ids)."""

    id: int
    run_id: int | None
    source_document_id: int
    source_segment_ids: tuple[int, ...]
    target_segment_ids: tuple[int, ...]
    score: float
    rank: int
    method: str
    status: str
    reviewer: str | None
    updated_at: str


def utc_now() -> str:
    """The current time in ISO 8601 UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
