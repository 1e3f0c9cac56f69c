"""The review app's logic, free of Streamlit: rows, decisions, diffs, filters, progress and the heatmap data.

The page module (``bilingual.review``) only draws what these functions compute, so every
rule a reviewer depends on (which text is saved with which status, what counts as unsaved,
what a filter shows) is a plain function with unit tests.
"""

from __future__ import annotations

import difflib
import functools
import html
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bilingual.glossary import Glossary, TermHit
from bilingual.quality import QaWarning, check_translation, post_edit_effort
from bilingual.store import REVIEW_STATUSES, Review, StaleReviewError, Store, StoredAlignment, StoredSegment

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
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


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

    @property
    def stored_text(self) -> str:
        """The text an editor starts from: the reviewed final text, else the MT, else nothing."""
        if self.status != "pending" and self.final is not None:
            return self.final
        return self.mt or ""

    @property
    def english(self) -> str | None:
        """The best English of the sentence: an accepted or corrected final text, else the MT."""
        if self.status in ("accepted", "corrected") and self.final is not None:
            return self.final
        return self.mt

    @property
    def warnings(self) -> tuple[QaWarning, ...]:
        """The QA warnings of the stored text (see :func:`row_warnings`)."""
        return row_warnings(self)

    @property
    def best(self) -> Match | None:
        """The chosen English match: an accepted bead first, else the best machine bead."""
        return self.matches[0] if self.matches else None

    @property
    def candidates(self) -> tuple[Match, ...]:
        """The other live candidates, one click away from the best."""
        return self.matches[1:]


@dataclass(frozen=True)
class SaveOutcome:
    """The result of a save: the new review, or the newer review that made the save stale."""

    review: Review | None = None
    conflict: Review | None = None

    @property
    def saved(self) -> bool:
        """Whether the decision was stored."""
        return self.review is not None


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
        live, rejected = order_matches(by_source.get(seg.id, []))
        rows.append(ReviewRow(
            position=position, segment_id=seg.id, stable_id=seg.stable_id, paragraph=seg.paragraph,
            index=seg.index, source=seg.text, text_hash=seg.text_hash, mt=mts.get(seg.text_hash),
            final=review.final_text if review else None, status=review.status if review else "pending",
            reason=review.reason if review else None, reviewer=review.reviewer if review else None,
            updated_at=review.updated_at if review else None, version=review.version if review else 0,
            matches=tuple(match(b) for b in live), rejected_matches=tuple(match(b) for b in rejected),
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


# --------------------------------------------------------------------------- quality


@functools.lru_cache(maxsize=8192)
def qa_warnings(source: str, text: str, glossary: Glossary | None = None) -> tuple[QaWarning, ...]:
    """The QA warnings of a translation, cached by text and glossary: filtering and redrawing re-check nothing."""
    return tuple(check_translation(source, text, glossary or None))


def row_warnings(row: ReviewRow, draft: str | None = None, glossary: Glossary | None = None) -> tuple[QaWarning, ...]:
    """QA warnings of the text a row shows as final: the editor's draft, else the reviewed text, else the MT.

    A row with no text yet (the "No translation" view) and a rejected row (already judged unusable)
    have none, unless the editor holds a draft.
    """
    if draft is not None:
        return qa_warnings(row.source, draft, glossary)
    if row.status == "rejected" or (row.mt is None and row.final is None):
        return ()
    return qa_warnings(row.source, row.stored_text, glossary)


def row_terms(row: ReviewRow, text: str, glossary: Glossary | None) -> list[tuple[TermHit, bool]]:
    """The glossary terms in a row's Danish, each with whether ``text`` (the English shown) renders it."""
    if not glossary:
        return []
    return glossary.check(row.source, text)


@functools.lru_cache(maxsize=4096)
def edit_effort(mt: str, final: str) -> float:
    """Post-edit effort of a final text over its MT: TER in percent, cached by the two texts."""
    return post_edit_effort(mt, final)


# --------------------------------------------------------------------------- decisions


def same_text(a: str | None, b: str | None) -> bool:
    """Equal up to whitespace: what a reviewer would call "unchanged"."""
    return " ".join((a or "").split()) == " ".join((b or "").split())


def decision_status(text: str, mt: str | None) -> str:
    """``accepted`` when the final text is the MT unchanged, else ``corrected``."""
    return "accepted" if mt is not None and same_text(text, mt) else "corrected"


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
    if status in ("accepted", "corrected") and not text.strip():
        raise ValueError("the final text is empty: type a translation, or reject the sentence with a reason")
    try:
        review = store.save_review(row.source, text, status, expected_version=expected_version,
                                   reviewer=(reviewer or "").strip() or None, mt_text=row.mt,
                                   reason=(reason or "").strip() or None)
    except StaleReviewError as exc:
        return SaveOutcome(conflict=exc.current)
    return SaveOutcome(review=review)


def pick_candidate(store: Store, row: ReviewRow, alignment_id: int, reviewer: str | None) -> None:
    """Make a candidate the accepted match of a row; the match it replaces is marked rejected."""
    best = row.best
    if best is not None and best.alignment_id != alignment_id:
        store.set_alignment_status(best.alignment_id, "rejected", reviewer)
    store.set_alignment_status(alignment_id, "accepted", reviewer)


# --------------------------------------------------------------------------- diff


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Word-level diff as ``(op, text)`` pieces, op in ``equal``, ``delete``, ``insert``."""
    a, b = _TOKEN.findall(before or ""), _TOKEN.findall(after or "")
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    # A space between two changed words belongs to the change, so "old words" reads as one deletion.
    groups: list[list[tuple[str, int, int, int, int]]] = []
    for k, code in enumerate(opcodes):
        op, i1, i2, _, _ = code
        bridge = (op == "equal" and 0 < k < len(opcodes) - 1 and not "".join(a[i1:i2]).strip())
        if groups and (op != "equal" or bridge) and groups[-1][0][0] != "equal":
            groups[-1].append(code)
        else:
            groups.append([code])
    pieces: list[tuple[str, str]] = []
    for group in groups:
        if group[0][0] == "equal":
            pieces.append(("equal", "".join(a[group[0][1]:group[0][2]])))
            continue
        deleted = "".join("".join(a[i1:i2]) for _, i1, i2, _, _ in group)
        inserted = "".join("".join(b[j1:j2]) for _, _, _, j1, j2 in group)
        pieces.extend(p for p in (("delete", deleted), ("insert", inserted)) if p[1])
    return pieces


def diff_html(before: str, after: str) -> str:
    """The word diff as escaped HTML: deletions struck through in red, insertions in green."""
    out = []
    for op, text in word_diff(before, after):
        text = html.escape(text)
        if op == "delete":
            out.append(f'<del style="background:#fde2e1;color:#8a1c13">{text}</del>')
        elif op == "insert":
            out.append(f'<ins style="background:#dcf5dc;color:#14531f;text-decoration:none">{text}</ins>')
        else:
            out.append(text)
    return "".join(out)


def diff_markdown(before: str, after: str, escape: Callable[[str], str]) -> str:
    """The word diff as Streamlit markdown: deletions struck through in red, insertions in green.

    ``escape`` makes a piece of text literal in markdown (the page's own escaping function).
    """
    out = []
    for op, text in word_diff(before, after):
        if op == "equal" or not text.strip():
            out.append(escape(text))
            continue
        # Spaces stay outside the markers: "~~ word~~" would not be struck through.
        lead, core, trail = text[: len(text) - len(text.lstrip())], text.strip(), text[len(text.rstrip()):]
        marked = f":red[~~{escape(core)}~~]" if op == "delete" else f":green[**{escape(core)}**]"
        out.append(f"{lead}{marked}{trail}")
    return "".join(out)


def diff_counts(before: str, after: str) -> tuple[int, int]:
    """How many words were deleted and inserted between two texts."""
    deleted = inserted = 0
    for op, text in word_diff(before, after):
        words = len(re.findall(r"\w+", text))
        if op == "delete":
            deleted += words
        elif op == "insert":
            inserted += words
    return deleted, inserted


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


# --------------------------------------------------------------------------- importing


def seed_files(*folders: str | Path) -> list[Path]:
    """The ``.txt``/``.md`` files of the first folder that has any (the project's ``seeds/``)."""
    for folder in folders:
        path = Path(folder)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".txt", ".md") and p.is_file())
            if files:
                return files
    return []


def upload_language(name: str, data: bytes) -> str:
    """The detected language (``da``/``en``) of an uploaded file; DocumentError if it is not text."""
    from bilingual.documents import decode_bytes, parse_text

    text, encoding = decode_bytes(data, name)
    return parse_text(_newlines(text), name=name, encoding=encoding).language


def import_upload(store: Store, name: str, data: bytes, language: str | None = None) -> tuple[int, bool]:
    """Store an uploaded file as a document in the given (or detected) language; return ``(id, created)``."""
    from bilingual.documents import decode_bytes, parse_text
    from bilingual.segment import segment_document

    text, encoding = decode_bytes(data, name)
    doc = parse_text(_newlines(text), name=name, path="", encoding=encoding, language=language)
    return store.add_document(doc, segment_document(doc))


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
