"""Taking decisions back: which version an undo returns to, and the history as a reviewer reads it.

The review history is append-only. A save adds a version; an *undo* adds a version that brings
back the decision in force before the latest one (down to *pending*, version 0: the MT counts
again); a *restore* adds a version that brings back any earlier one. So nothing is ever lost and
every step says who took it and when. Undo works like an editor's: the decisions in force form a
stack (a save or a restore pushes, an undo pops), so undoing twice after two saves returns to
pending, and undoing after a restore returns to what was in force before the restore.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bilingual.decisions import editor_text
from bilingual.worddiff import diff_counts, word_diff

ACTIONS = ("save", "undo", "restore")
# Version 0: no decision, the sentence is pending and its MT counts.
PENDING_VERSION = 0


@dataclass(frozen=True)
class HistoryEntry:
    """One version in a sentence's review history: the decision it holds, who made it, when and how.

    ``restores`` is the version an undo or a restore brought back (0: pending), None for a save.
    """

    text_hash: str
    version: int
    source_text: str
    mt_text: str | None
    final_text: str | None
    status: str
    reason: str | None
    reviewer: str | None
    created_at: str
    action: str = "save"
    restores: int | None = None


@dataclass(frozen=True)
class Decision:
    """What a new version stores: a status with its final text and reason (``pending``: none)."""

    status: str
    final_text: str | None
    reason: str | None
    mt_text: str | None


PENDING = Decision("pending", None, None, None)


def in_force(entries: Sequence[HistoryEntry]) -> list[int]:
    """The versions whose decisions are stacked, oldest first: the last is in force, the one before it is
    what an undo returns to."""
    stack: list[int] = []
    for entry in sorted(entries, key=lambda e: e.version):
        if entry.action == "undo":
            if stack:
                stack.pop()
        else:
            stack.append(entry.version)
    return stack


def decision_of(entries: Sequence[HistoryEntry], version: int) -> Decision:
    """The decision a version holds (version 0: pending); KeyError for a version the history lacks."""
    if version == PENDING_VERSION:
        return PENDING
    for entry in entries:
        if entry.version == version:
            if entry.status == "pending":
                return PENDING
            return Decision(entry.status, entry.final_text, entry.reason, entry.mt_text)
    raise KeyError(f"version {version} is not in the history of this sentence")


def undo_target(entries: Sequence[HistoryEntry]) -> tuple[int, int] | None:
    """``(version undone, version brought back)`` for an undo now (0: back to pending); None: nothing to undo."""
    stack = in_force(entries)
    if not stack:
        return None
    return stack[-1], stack[-2] if len(stack) > 1 else PENDING_VERSION


@dataclass(frozen=True)
class HistoryStep:
    """A line of the history a reviewer reads: the MT baseline (version 0) or a version, with its word
    diff to the line before and how many words went out and came in."""

    version: int
    label: str
    status: str
    text: str
    reviewer: str | None
    when: str
    action: str
    restores: int | None
    diff: tuple[tuple[str, str], ...]
    words_out: int
    words_in: int
    current: bool


def _label(entry: HistoryEntry) -> str:
    if entry.action == "undo":
        back = "pending" if entry.restores == PENDING_VERSION else f"v{entry.restores}"
        return f"v{entry.version}: undo, back to {back}"
    if entry.action == "restore":
        return f"v{entry.version}: v{entry.restores} restored"
    return f"v{entry.version}: {entry.status}"


def history_steps(mt: str | None, entries: Sequence[HistoryEntry]) -> list[HistoryStep]:
    """The MT baseline, then every version oldest first, each with a word diff to the step before it.

    A version's text is what the editor shows for it (a pending one: the MT). The last step is
    the one in force (the MT when the sentence was never reviewed).
    """
    ordered = sorted(entries, key=lambda e: e.version)
    baseline = mt or ""
    steps = [HistoryStep(PENDING_VERSION, "MT", "pending", baseline, None, "", "mt", None, (("equal", baseline),),
                         0, 0, not ordered)]
    previous = baseline
    for n, entry in enumerate(ordered, start=1):
        text = editor_text(entry.status, entry.mt_text or mt, entry.final_text)
        out, came = diff_counts(previous, text)
        steps.append(HistoryStep(entry.version, _label(entry), entry.status, text, entry.reviewer,
                                 entry.created_at, entry.action, entry.restores, tuple(word_diff(previous, text)),
                                 out, came, n == len(ordered)))
        previous = text
    return steps
