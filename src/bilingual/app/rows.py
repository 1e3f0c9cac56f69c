"""The review page's rows, free of Streamlit: sentences with their MT, review and matches, views and progress.

The page modules only draw what these functions compute, so every rule a reviewer depends on
(what a filter shows, what counts as reviewed, which English match is the best) is a plain
function with unit tests.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bilingual.decisions import English, counted_english, editor_text
from bilingual.glossary import Glossary, TermHit
from bilingual.quality import QaWarning, check_translation, post_edit_effort
from bilingual.records import choose_beads
from bilingual.store import REVIEW_STATUSES, Review, Store, StoredAlignment, StoredSegment

# Views of the sentence list, in the order the app offers them.
VIEWS: dict[str, str] = {
    "all": "All",
    "pending": "Pending",
    "accepted": "Accepted",
    "corrected": "Corrected",
    "rejected": "Rejected",
    "unsaved": "Unsaved",
    "low": "Low alignment score",
    "untranslated": "No translation",
    "qa": "Has QA warning",
}
LOW_SCORE = 0.5


@dataclass(frozen=True)
class Match:
    """An English side aligned with a Danish sentence: one alignment bead with its texts."""

    alignment_id: int
    target_ids: tuple[int, ...]
    text: str
    document_id: int | None
    document: str
    score: float
    rank: int
    status: str
    method: str

    @property
    def has_english(self) -> bool:
        """Whether the bead has an English side (the aligner's "no counterpart" bead has none)."""
        return bool(self.target_ids)


@dataclass(frozen=True)
class ReviewRow:
    """One Danish sentence as the reviewer sees it: source, MT, review and English matches."""

    position: int
    segment_id: int
    stable_id: str
    paragraph: int
    index: int
    source: str
    text_hash: str
    mt: str | None
    final: str | None
    status: str
    reason: str | None
    reviewer: str | None
    updated_at: str | None
    version: int
    matches: tuple[Match, ...] = ()
    rejected_matches: tuple[Match, ...] = ()
    # The bead in force, by the export's rule (``bilingual.records.choose_beads``); None: no match.
    chosen_id: int | None = None

    @property
    def stored_text(self) -> str:
        """The text an editor starts from (``bilingual.decisions.editor_text``)."""
        return editor_text(self.status, self.mt, self.final)

    def counted(self, draft: str | None = None) -> English:
        """The English that counts for the row, with the editor's draft when there is one (``bilingual.decisions``)."""
        return counted_english(self.status, self.mt, self.final, draft)

    @property
    def english(self) -> str | None:
        """The English that counts for the saved row: reviewed text, else the MT; None when rejected or absent."""
        return self.counted().text

    @property
    def warnings(self) -> tuple[QaWarning, ...]:
        """The QA warnings of the stored text (see :func:`row_warnings`)."""
        return row_warnings(self)

    @property
    def best(self) -> Match | None:
        """The English match in force, the one the export uses: an accepted bead, else the aligner's rank-0
        bead; a rejected match leaves None (lower-ranked candidates are never promoted)."""
        return next((m for m in self.matches if m.alignment_id == self.chosen_id), None)

    @property
    def candidates(self) -> tuple[Match, ...]:
        """The other live candidates, to pick from by hand."""
        return tuple(m for m in self.matches if m.alignment_id != self.chosen_id)



# --------------------------------------------------------------------------- rows


def order_matches(alignments: Iterable[StoredAlignment]) -> tuple[list[StoredAlignment], list[StoredAlignment]]:
    """Split beads into live ones, best first (accepted, then by rank and score), and rejected ones."""
    live = [a for a in alignments if a.status != "rejected"]
    rejected = [a for a in alignments if a.status == "rejected"]
    live.sort(key=lambda a: (0 if a.status == "accepted" else 1, a.rank, -a.score, a.id))
    rejected.sort(key=lambda a: (a.rank, -a.score, a.id))
    return live, rejected


def build_rows(segments: Sequence[StoredSegment], reviews: Mapping[str, Review], mts: Mapping[str, str],
               alignments: Iterable[StoredAlignment], targets: Mapping[int, StoredSegment],
               titles: Mapping[int, str]) -> list[ReviewRow]:
    """Assemble review rows from store data (pure: no store access)."""
    by_source: dict[int, list[StoredAlignment]] = {}
    for bead in alignments:
        for seg_id in bead.source_segment_ids:
            by_source.setdefault(seg_id, []).append(bead)

    def match(bead: StoredAlignment) -> Match:
        parts = [targets[t] for t in bead.target_segment_ids if t in targets]
        doc_id = parts[0].document_id if parts else None
        return Match(bead.id, bead.target_segment_ids, " ".join(p.text for p in parts), doc_id,
                     titles.get(doc_id, "") if doc_id is not None else "", bead.score, bead.rank, bead.status,
                     bead.method)

    rows = []
    for position, seg in enumerate(segments):
        review = reviews.get(seg.text_hash)
        beads = by_source.get(seg.id, [])
        live, rejected = order_matches(beads)
        chosen = choose_beads(beads).get(seg.id)
        rows.append(ReviewRow(
            position=position, segment_id=seg.id, stable_id=seg.stable_id, paragraph=seg.paragraph,
            index=seg.index, source=seg.text, text_hash=seg.text_hash, mt=mts.get(seg.text_hash),
            final=review.final_text if review else None, status=review.status if review else "pending",
            reason=review.reason if review else None, reviewer=review.reviewer if review else None,
            updated_at=review.updated_at if review else None, version=review.version if review else 0,
            matches=tuple(match(b) for b in live), rejected_matches=tuple(match(b) for b in rejected),
            chosen_id=chosen.id if chosen is not None else None,
        ))
    return rows


def load_rows(store: Store, document_id: int) -> list[ReviewRow]:
    """The review rows of one Danish document (page furniture left out), in document order."""
    segments = store.segments(document_id, include_furniture=False)
    hashes = {s.text_hash for s in segments}
    mts = {h: text for h, (text, _sig) in store.latest_translations(hashes).items()}
    alignments = store.alignments(document_id)
    targets = store.segments_by_ids(t for a in alignments for t in a.target_segment_ids)
    titles = {d.id: d.title for d in store.documents()}
    return build_rows(segments, store.reviews(hashes), mts, alignments, targets, titles)


def refresh_reviews(store: Store, rows: list[ReviewRow], hashes: set[str]) -> list[ReviewRow]:
    """The rows with the reviews of some sentences read again (after a save: cheaper than all rows)."""
    if not hashes:
        return rows
    reviews = store.reviews(hashes)

    def fresh(row: ReviewRow) -> ReviewRow:
        review = reviews.get(row.text_hash)
        if row.text_hash not in hashes or review is None:
            return row
        return dataclasses.replace(row, final=review.final_text, status=review.status, reason=review.reason,
                                   reviewer=review.reviewer, updated_at=review.updated_at, version=review.version)
    return [fresh(r) for r in rows]


# --------------------------------------------------------------------------- quality


@functools.lru_cache(maxsize=8192)
def qa_warnings(source: str, text: str, glossary: Glossary | None = None) -> tuple[QaWarning, ...]:
    """The QA warnings of a translation, cached by text and glossary: filtering and redrawing re-check nothing."""
    return tuple(check_translation(source, text, glossary or None))


def row_warnings(row: ReviewRow, draft: str | None = None, glossary: Glossary | None = None) -> tuple[QaWarning, ...]:
    """QA warnings of the English that counts for a row: the editor's draft, else the reviewed text, else the MT.

    A row with no English (no translation yet, or rejected: already judged unusable) has none,
    unless the editor holds a draft.
    """
    english = row.counted(draft)
    return () if english.text is None else qa_warnings(row.source, english.text, glossary)


def row_terms(row: ReviewRow, text: str, glossary: Glossary | None) -> list[tuple[TermHit, bool]]:
    """The glossary terms in a row's Danish, each with whether ``text`` (the English shown) renders it."""
    if not glossary:
        return []
    return glossary.check(row.source, text)


@functools.lru_cache(maxsize=4096)
def edit_effort(mt: str, final: str) -> float:
    """Post-edit effort of a final text over its MT: TER in percent, cached by the two texts."""
    return post_edit_effort(mt, final)



# --------------------------------------------------------------------------- overview and navigation


def progress_counts(rows: Sequence[ReviewRow]) -> dict[str, int]:
    """Total, reviewed (anything but pending) and a count per status."""
    counts = Counter(r.status for r in rows)
    result = {"total": len(rows), "reviewed": len(rows) - counts.get("pending", 0)}
    result.update({status: counts.get(status, 0) for status in REVIEW_STATUSES})
    return result


def is_low_score(row: ReviewRow, threshold: float = LOW_SCORE) -> bool:
    """No live English match, or a best match that scores under the threshold (accepted ones never are)."""
    best = row.best
    if best is None:
        return True
    return best.status != "accepted" and best.score < threshold


def matches_query(row: ReviewRow, query: str, draft: str | None = None) -> bool:
    """Case-insensitive search in the source, the MT, the final text, the editor draft and the English match."""
    query = query.strip().casefold()
    if not query:
        return True
    texts = [row.source, row.mt or "", row.final or "", draft or "", row.best.text if row.best else ""]
    return any(query in t.casefold() for t in texts)


def filter_rows(rows: Sequence[ReviewRow], view: str = "all", query: str = "", *, threshold: float = LOW_SCORE,
                drafts: Mapping[int, str] | None = None, glossary: Glossary | None = None) -> list[ReviewRow]:
    """The rows a view and a search show; ``drafts`` maps segment ids to unsaved editor texts."""
    drafts = drafts or {}
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; expected one of {', '.join(VIEWS)}")
    keep = {
        "all": lambda r: True,
        "unsaved": lambda r: r.segment_id in drafts,
        "low": lambda r: is_low_score(r, threshold),
        "untranslated": lambda r: r.mt is None and r.status == "pending",
        "qa": lambda r: bool(row_warnings(r, drafts.get(r.segment_id), glossary)),
    }.get(view, lambda r: r.status == view)
    return [r for r in rows if keep(r) and matches_query(r, query, drafts.get(r.segment_id))]


def page_count(n: int, page_size: int) -> int:
    """Pages needed for ``n`` rows (at least one, so an empty list still has a page)."""
    return max(1, -(-n // page_size))


def page_slice(n: int, page: int, page_size: int) -> tuple[int, int]:
    """``(start, end)`` of a 1-based page, with the page clamped into range."""
    page = min(max(1, page), page_count(n, page_size))
    start = (page - 1) * page_size
    return start, min(n, start + page_size)


def page_of(index: int, page_size: int) -> int:
    """The 1-based page that shows the row at ``index``."""
    return index // page_size + 1


def next_pending(rows: Sequence[ReviewRow], after_segment: int | None = None) -> ReviewRow | None:
    """The first pending row after a segment (wrapping around), or None when nothing is pending."""
    start = 0
    if after_segment is not None:
        for i, r in enumerate(rows):
            if r.segment_id == after_segment:
                start = i + 1
                break
    ordered = list(rows[start:]) + list(rows[:start])
    return next((r for r in ordered if r.status == "pending" and r.segment_id != after_segment), None)


def paragraph_starts(rows: Sequence[ReviewRow]) -> set[int]:
    """Segment ids of rows that open a new paragraph relative to the row before them."""
    starts, previous = set(), None
    for r in rows:
        if r.paragraph != previous:
            starts.add(r.segment_id)
        previous = r.paragraph
    return starts


# --------------------------------------------------------------------------- the alignment picture


def heatmap_records(matrix: Sequence[Sequence[float]], row_labels: Sequence[str],
                    col_labels: Sequence[str]) -> list[dict[str, Any]]:
    """Long-form cells of a similarity matrix for a heatmap: one dict per (Danish, English) pair."""
    records = []
    for i, values in enumerate(matrix):
        for j, value in enumerate(values):
            records.append({"da": i + 1, "en": j + 1, "score": round(float(value), 4),
                            "danish": row_labels[i], "english": col_labels[j]})
    return records


def bead_cells(alignments: Iterable[StoredAlignment], row_of: Mapping[int, int],
               col_of: Mapping[int, int]) -> list[dict[str, Any]]:
    """Cells covered by the chosen beads (accepted, else rank 0), 1-based like ``heatmap_records``."""
    live, _ = order_matches(alignments)
    chosen = [a for a in live if a.status == "accepted" or a.rank == 0]
    cells, seen = [], set()
    for bead in chosen:
        for s in bead.source_segment_ids:
            for t in bead.target_segment_ids:
                if s in row_of and t in col_of and (s, t) not in seen:
                    seen.add((s, t))
                    cells.append({"da": row_of[s] + 1, "en": col_of[t] + 1, "status": bead.status,
                                  "score": round(bead.score, 4)})
    return cells

