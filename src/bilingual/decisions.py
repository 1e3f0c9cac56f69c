"""Review decisions: which English text counts for a Danish sentence, decided here and nowhere else.

A Danish sentence has at most one machine translation (the latest MT), at most one review
(``pending``, ``accepted``, ``corrected`` or ``rejected``, with the reviewer's final text) and,
in the review app, possibly an unsaved draft. From these, :func:`counted_english` gives the one
English text that stands for the sentence wherever the project needs one: the app's rows and QA
badges, the alignment input, the glossary check, every export and ``translate --out``.

The rule:

- **accepted / corrected** with a final text: the final text counts (origin ``review``). These two
  statuses are the *reviewed* ones: only they feed the translation memory, TMX and
  ``--only-reviewed``, and a reviewed sentence is never sent to the model again.
- **pending**: the MT counts (origin ``mt``); with no MT, nothing does (origin ``none``).
- **rejected**: the reviewer judged the translation unusable, so *no English counts* (origin
  ``rejected``): it is not "reviewed", it is not QA-checked, exported as the translation, aligned
  on or matched against the glossary. The rejected text and its reason are kept as the record of
  the decision (the export's ``final`` and ``reason`` columns, the history), and the editor starts
  from it so that a correction can be made. Alignment falls back to the Danish text, as for a
  sentence with no translation.
- An accepted or corrected review whose final text is empty (possible only in stores written by
  hand) falls back to the MT.
- A **draft** (the editor's unsaved text) counts in the app while it is being typed (origin
  ``draft``), whatever the saved status; nothing outside the app sees drafts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

REVIEW_STATUSES = ("pending", "accepted", "corrected", "rejected")
# The statuses whose final text is an approved translation.
REVIEWED = ("accepted", "corrected")
ORIGINS = ("review", "mt", "draft", "rejected", "none")


@dataclass(frozen=True)
class English:
    """The English that counts for a sentence (``text`` None when none does) and where it comes from."""

    text: str | None
    origin: str

    @property
    def counts(self) -> bool:
        """Whether there is an English text to show, check, align on and export."""
        return self.text is not None


class ReviewLike(Protocol):
    """What the rule reads of a stored review."""

    @property
    def status(self) -> str: ...

    @property
    def final_text(self) -> str | None: ...


def is_reviewed(status: str | None) -> bool:
    """Whether a review status approves a translation (accepted or corrected); rejected is not reviewed."""
    return status in REVIEWED


def counted_english(status: str | None, mt: str | None, final: str | None, draft: str | None = None) -> English:
    """The English that counts for a sentence, by the rule in this module's docstring."""
    if draft is not None:
        return English(draft, "draft")
    if status == "rejected":
        return English(None, "rejected")
    if is_reviewed(status) and (final or "").strip():
        return English(final, "review")
    if mt is not None and mt.strip():
        return English(mt, "mt")
    return English(None, "none")


def review_english(review: ReviewLike | None, mt: str | None) -> English:
    """The English that counts for a sentence with this stored review (None: never reviewed) and MT."""
    if review is None:
        return counted_english(None, mt, None)
    return counted_english(review.status, mt, review.final_text)


def editor_text(status: str | None, mt: str | None, final: str | None) -> str:
    """The text an editor starts from: the saved final text of any decision (a rejected one too), else the MT."""
    if status not in (None, "pending") and final is not None:
        return final
    return mt or ""


def alignment_text(danish: str, english: English) -> tuple[str, str]:
    """The text a sentence is aligned on and its origin: the English that counts, else the Danish itself."""
    if english.text is not None:
        return english.text, english.origin
    return danish, "none"


def same_text(a: str | None, b: str | None) -> bool:
    """Equal up to whitespace: what a reviewer would call "unchanged"."""
    return " ".join((a or "").split()) == " ".join((b or "").split())


def decision_status(text: str, mt: str | None) -> str:
    """``accepted`` when the final text is the MT unchanged, else ``corrected``."""
    return "accepted" if mt is not None and same_text(text, mt) else "corrected"
