"""What the review desk's grid shows, free of Streamlit: one plain dict per sentence for the browser.

The desk's front end (``desk_frontend/desk.js``) draws these dicts; every rule about what a row
shows (the English that counts, its QA warnings and glossary checks, the MT diff) is decided here
with the page's own functions, so the browser only lays them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bilingual.app.diff import diff_html
from bilingual.app.names import sentence_label
from bilingual.app.rows import ReviewRow, row_terms, row_warnings
from bilingual.concordance import find_spans, phrase_key
from bilingual.glossary import Glossary
from bilingual.memory import FuzzyMatch
from bilingual.store import Review

MEMORY_SHOWN = 3


@dataclass(frozen=True)
class Editing:
    """The reviewer's editing state of one row: unsaved text and the version it started from, and more."""

    text: str | None = None
    base_version: int | None = None
    note: tuple[str, str] | None = None
    conflict: Mapping[str, Any] | None = None
    push: tuple[int, str] | None = None
    memory: list[FuzzyMatch] = field(default_factory=list)


def conflict_view(theirs: Review, mine: str, theirs_text: str) -> dict[str, Any]:
    """A refused save as the desk shows it: both texts, who saved theirs and as which version."""
    return {"mine": mine, "theirs": theirs_text, "by": theirs.reviewer or "unnamed", "version": theirs.version,
            "status": theirs.status}


def search_spans(text: str | None, query: str, language: str) -> list[list[int]]:
    """Where the grid's search stands in a text, word by word as the concordance finds it (``[start, end]`` pairs)."""
    if not text or not query.strip():
        return []
    try:
        key = phrase_key(query, language)
    except ValueError:  # a search with no word in it (punctuation only) marks nothing
        return []
    return [list(span) for span in find_spans(text, key, language)]


def row_view(row: ReviewRow, editing: Editing, glossary: Glossary | None, query: str = "") -> dict[str, Any]:
    """One sentence for the grid: what it says, the English that counts, QA, glossary and match."""
    stored = row.stored_text
    text = editing.text if editing.text is not None else stored
    draft = text if text != stored else None
    english = row.counted(draft).text
    best = row.best
    match = None
    if best is not None:
        match = {"text": best.text if best.has_english else "(no English counterpart)",
                 "where": f"{best.document} · " if best.has_english and best.document else "",
                 "score": f"{best.score:.2f}", "status": best.status}
    return {
        "id": row.segment_id, "label": sentence_label(row.paragraph, row.index), "tip": row.stable_id,
        "hash": row.text_hash, "status": row.status, "source": row.source, "mt": row.mt, "stored": stored,
        "text": text, "unsaved": draft is not None,
        "version": editing.base_version if draft is not None and editing.base_version is not None else row.version,
        "reviewer": row.reviewer, "updated": row.updated_at or "", "reason": row.reason,
        "english": english,
        "hits": {"source": search_spans(row.source, query, "da"), "english": search_spans(english, query, "en")},
        "qa": [{"label": w.label, "message": w.message} for w in row_warnings(row, draft, glossary)],
        "terms": [[hit.text, hit.term.preferred, rendered] for hit, rendered in row_terms(row, text, glossary)],
        "diff": diff_html(row.mt, text) if row.mt is not None and text != row.mt else "",
        "match": match,
        "memory": [{"score": f"{m.score:.0f}", "status": m.status, "by": m.reviewer or "",
                    "diff": diff_html(m.source_text, row.source), "target": m.target_text}
                   for m in editing.memory[:MEMORY_SHOWN]],
        "conflict": dict(editing.conflict) if editing.conflict else None,
        "note": list(editing.note) if editing.note else None,
        "push": {"n": editing.push[0], "text": editing.push[1]} if editing.push else None,
    }
