"""Judging a Danish sentence's English match as a reviewer thinks of it: *this is it*, *pick another*,
*no counterpart in these articles*, and rejected candidates kept with a way back.

The match in force is the one the export uses (``bilingual.records.choose_beads``): an accepted
bead, else the aligner's rank-0 bead; lower-ranked candidates are never promoted. So rejecting a
match leaves the sentence with no match until the reviewer picks one or says it has none; and
*no counterpart* is one action that stores an accepted bead with no English side, exported as an
empty English side with alignment status ``accepted``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bilingual.records import choose_beads
from bilingual.store import Store, StoredAlignment, StoredDocument, StoredSegment

# How many English sentences *find one* offers when the aligner left no candidate.
FIND_LIMIT = 5


@dataclass(frozen=True)
class Candidate:
    """An English side for a Danish sentence: one bead with its text, article and score."""

    alignment_id: int
    target_ids: tuple[int, ...]
    text: str
    document: str
    title: str
    score: float
    rank: int
    status: str
    method: str
    current: bool = False

    @property
    def has_english(self) -> bool:
        """Whether the bead has an English side (a bead without one says: no counterpart)."""
        return bool(self.target_ids)


@dataclass(frozen=True)
class Judgement:
    """A Danish sentence's match in force, its ranked candidates (the current one among them, marked)
    and its rejected candidates."""

    source_document_id: int
    segment_id: int
    current: Candidate | None
    candidates: tuple[Candidate, ...]
    rejected: tuple[Candidate, ...]

    @property
    def state(self) -> str:
        """``accepted``, ``no counterpart`` (accepted with no English side), ``machine`` (the aligner's,
        unjudged) or ``no match``."""
        if self.current is None:
            return "no match"
        if self.current.status == "accepted":
            return "accepted" if self.current.has_english else "no counterpart"
        return "machine"


def judgement(source_document_id: int, segment_id: int, alignments: Iterable[StoredAlignment],
              targets: Mapping[int, StoredSegment], documents: Mapping[int, StoredDocument]) -> Judgement:
    """The judgement view of one Danish sentence from its document's beads (pure: no store access)."""
    beads = [a for a in alignments if segment_id in a.source_segment_ids]
    chosen = choose_beads(beads).get(segment_id)

    def candidate(bead: StoredAlignment) -> Candidate:
        parts = [targets[t] for t in bead.target_segment_ids if t in targets]
        doc = documents.get(parts[0].document_id) if parts else None
        return Candidate(bead.id, bead.target_segment_ids, " ".join(p.text for p in parts),
                         doc.name if doc else "", doc.title if doc else "", bead.score, bead.rank, bead.status,
                         bead.method, chosen is not None and bead.id == chosen.id)

    def order(bead: StoredAlignment) -> tuple[int, int, float, int]:
        return (0 if chosen is not None and bead.id == chosen.id else 1, bead.rank, -bead.score, bead.id)

    # a live bead without English is the aligner's "no counterpart": listed only while it is the match
    live = sorted((b for b in beads if b.status != "rejected" and (b.target_segment_ids or b is chosen)), key=order)
    rejected = sorted((b for b in beads if b.status == "rejected"), key=order)
    return Judgement(source_document_id, segment_id, candidate(chosen) if chosen else None,
                     tuple(candidate(b) for b in live), tuple(candidate(b) for b in rejected))


def load_judgement(store: Store, source_document_id: int, segment_id: int) -> Judgement:
    """The judgement view of one Danish sentence, read from the store."""
    beads = store.alignments(source_document_id)
    targets = store.segments_by_ids(t for a in beads if segment_id in a.source_segment_ids
                                    for t in a.target_segment_ids)
    return judgement(source_document_id, segment_id, beads, targets, {d.id: d for d in store.documents()})


def _current_off(j: Judgement, keep: int | None = None) -> dict[int, str]:
    """The current match marked rejected, unless it is the bead ``keep``."""
    if j.current is None or j.current.alignment_id == keep:
        return {}
    return {j.current.alignment_id: "rejected"}


def accept_match(store: Store, j: Judgement, reviewer: str | None) -> None:
    """*This is it*: the match in force becomes the accepted one."""
    if j.current is None:
        raise ValueError("this sentence has no match to confirm: pick one, or say it has no counterpart")
    store.judge_alignments(j.source_document_id, [j.segment_id], {j.current.alignment_id: "accepted"},
                           reviewer=reviewer)


def pick_match(store: Store, j: Judgement, alignment_id: int, reviewer: str | None) -> None:
    """*Pick another*: a candidate becomes the accepted match; the match it replaces is marked rejected."""
    if alignment_id not in {c.alignment_id for c in (*j.candidates, *j.rejected)}:
        raise ValueError(f"alignment {alignment_id} is not a candidate of this sentence")
    store.judge_alignments(j.source_document_id, [j.segment_id],
                           {**_current_off(j, alignment_id), alignment_id: "accepted"}, reviewer=reviewer)


def no_counterpart(store: Store, j: Judgement, reviewer: str | None) -> None:
    """*No counterpart in these articles*, in one action: an accepted bead with no English side, the
    match it replaces marked rejected."""
    off = {} if j.current is not None and not j.current.has_english else _current_off(j)
    store.judge_alignments(j.source_document_id, [j.segment_id], off, accept=[], reviewer=reviewer)


def reject_match(store: Store, j: Judgement, reviewer: str | None) -> None:
    """*Not this one*: the match is marked rejected and no other candidate takes its place."""
    if j.current is None:
        raise ValueError("this sentence has no match to reject")
    store.judge_alignments(j.source_document_id, [j.segment_id], {j.current.alignment_id: "rejected"},
                           reviewer=reviewer)


def restore_match(store: Store, j: Judgement, alignment_id: int, reviewer: str | None) -> None:
    """Give a rejected candidate back its place among the aligner's candidates."""
    if alignment_id not in {c.alignment_id for c in j.rejected}:
        raise ValueError(f"alignment {alignment_id} is not a rejected candidate of this sentence")
    store.judge_alignments(j.source_document_id, [j.segment_id], {alignment_id: "machine"}, reviewer=reviewer)


def choose_english(store: Store, j: Judgement, target_ids: Sequence[int], score: float,
                   reviewer: str | None) -> None:
    """Accept English sentences the aligner did not offer (*find one*); the match they replace is rejected."""
    if not target_ids:
        raise ValueError("choose at least one English sentence, or say the sentence has no counterpart")
    store.judge_alignments(j.source_document_id, [j.segment_id], _current_off(j), accept=list(target_ids),
                           score=score, reviewer=reviewer)


def find_english(text: str, english: Sequence[StoredSegment],
                 limit: int = FIND_LIMIT) -> list[tuple[StoredSegment, float]]:
    """The English sentences closest to a sentence's English (its MT or reviewed text), by chrF, best first.

    What *find one* offers when the aligner left a sentence no candidate: no embedder is needed.
    """
    if not english or not text.strip():
        return []
    import numpy as np

    from bilingual.align.similarity import chrf_pairs, ngram_codes

    scores = chrf_pairs(ngram_codes([text]), ngram_codes([s.text for s in english]),
                        np.zeros(len(english), dtype=np.int64), np.arange(len(english)))
    best = sorted(range(len(english)), key=lambda i: (-float(scores[i]), i))[:limit]
    return [(english[i], round(float(scores[i]), 4)) for i in best]
