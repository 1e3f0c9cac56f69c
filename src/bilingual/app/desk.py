"""The review desk: the sentence grid with the active sentence's editor, as one Streamlit component.

The grid lives in the browser (``desk_frontend``: plain HTML, CSS and JavaScript shipped with the
package, nothing built or fetched), so opening the next sentence costs no round trip. What the
reviewer decides comes back as the component's value, a queue of numbered events; this module
applies them to the store in order (once each: ``desk_ack`` is the last one applied) inside a
fragment, so a save reruns the desk only, not the page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from typing import Any

import streamlit as st

from bilingual.app.concordance_panel import concordance_panel
from bilingual.app.desk_view import Editing, conflict_view, row_view
from bilingual.app.editor import sentence_tools
from bilingual.app.rows import (
    LOW_SCORE,
    ReviewRow,
    filter_rows,
    load_rows,
    next_pending,
    page_count,
    page_of,
    page_slice,
    progress_counts,
    refresh_reviews,
)
from bilingual.app.session import (
    adopt_stored_drafts,
    current_reviewer,
    forget_draft,
    keep_draft,
    on_keep_mine,
    on_save,
    on_take_theirs,
    open_store,
    review_text,
    session,
)
from bilingual.app.sidebar import DEFAULT_PAGE_SIZE
from bilingual.decisions import REVIEW_STATUSES
from bilingual.glossary import Glossary
from bilingual.memory import TranslationMemory
from bilingual.store import StoredDocument

DESK_KEY = "desk"
# The words a reviewer asked the store about from the desk (Ctrl+Shift+F): shown under the desk.
CONCORDANCE_KEY = "desk_concordance"



@functools.cache
def _component() -> Callable[..., Any]:
    """The desk component, declared on first use (importing the page declares nothing)."""
    import streamlit.components.v1 as components

    path = resources.files("bilingual.app").joinpath("desk_frontend")
    return components.declare_component("review_desk", path=str(path))


def pending_events(value: Any, ack: int) -> list[dict[str, Any]]:
    """The events of a desk value not applied yet, in order (a value is ``{"seq": n, "events": [...]}``)."""
    if not isinstance(value, dict):
        return []
    events = [e for e in value.get("events", []) if isinstance(e, dict) and int(e.get("seq", 0)) > ack]
    return sorted(events, key=lambda e: int(e["seq"]))


def take_reviewer_event() -> None:
    """Before the sidebar is drawn: a name typed in the desk becomes the page's reviewer."""
    ss = session()
    name = ss.pop("reviewer_pending", None)
    if name:
        ss["reviewer"] = name
        st.query_params["reviewer"] = name


def _focus(segment_id: int, force: bool = False) -> None:
    ss = session()
    ss["focus"] = segment_id
    ss["desk_focus"] = {"id": segment_id, "n": ss.get("desk_focus", {}).get("n", 0) + 1, "force": force}


def apply_events(events: list[dict[str, Any]], rows: list[ReviewRow], shown: list[ReviewRow]) -> bool:
    """Apply the desk's events to the store and the session; True when the whole page must be drawn again."""
    ss = session()
    by_id = {r.segment_id: r for r in rows}
    for event in events:
        kind, row = event.get("type"), by_id.get(event.get("id", -1))
        if kind == "reviewer":
            name = str(event.get("name", "")).strip()
            if name and name != current_reviewer():
                # The sidebar's field takes the name before it is drawn, in the page run this asks for;
                # that run applies the events after this one, with the name.
                ss["reviewer_pending"] = name
                ss["desk_ack"] = int(event["seq"])
                return True
        ss["desk_ack"] = int(event["seq"])
        if kind == "reviewer":
            continue
        if event.get("active") in by_id:
            ss["focus"] = event["active"]
        if row is None:
            continue
        text = event.get("text")
        version = event.get("version")
        if kind == "draft" and isinstance(text, str):
            with open_store() as store:
                keep_draft(store, row, text, version if isinstance(version, int) else None)
        elif kind == "discard":
            with open_store() as store:
                forget_draft(store, row)
            ss["conflicts"].pop(row.segment_id, None)
        elif kind in ("save", "accept") and isinstance(text, str):
            conflict = ss["conflicts"].get(row.segment_id)
            if conflict is not None and version == conflict["theirs"].version:
                # Keep mine: the browser stays on the sentence.
                if not on_keep_mine(row, text):
                    _focus(row.segment_id, force=True)
            elif not on_save(row, "accepted" if kind == "accept" else None,
                             version if isinstance(version, int) else None, text):
                _focus(row.segment_id, force=True)
            else:
                _follow(row, shown)
        elif kind == "take":
            on_take_theirs(row)
        elif kind == "concordance" and isinstance(text, str) and text.strip():
            n = ss.get(CONCORDANCE_KEY, {}).get("n", 0) + 1
            ss[CONCORDANCE_KEY] = {"text": text.strip(), "lang": "en" if event.get("lang") == "en" else "da", "n": n}
    return False


def _follow(saved: ReviewRow, shown: list[ReviewRow]) -> None:
    """After a save, the next pending sentence: on another page, the page turns to it."""
    ss = session()
    target = next_pending(shown, saved.segment_id)
    if target is None:
        return
    size = int(ss.get("page_size", DEFAULT_PAGE_SIZE))
    index = next(i for i, r in enumerate(shown) if r.segment_id == target.segment_id)
    current = next((i for i, r in enumerate(shown) if r.segment_id == saved.segment_id), index)
    ss["focus"] = target.segment_id  # where the browser moved too
    if page_of(index, size) != page_of(current, size):
        ss["page"] = page_of(index, size)
        _focus(target.segment_id, force=True)


def _editing(row: ReviewRow, active: bool, memory: Callable[[], TranslationMemory]) -> Editing:
    ss = session()
    seg = row.segment_id
    conflict = ss["conflicts"].get(seg)
    base = ss["base"].get(seg)
    return Editing(
        text=ss["drafts"].get(seg), base_version=base[0] if base else None, note=ss["notes"].pop(seg, None),
        conflict=conflict_view(conflict["theirs"], conflict["mine"], review_text(conflict["theirs"]))
        if conflict else None,
        push=ss["push"].get(seg),
        memory=memory().lookup(row.source, exclude_hash=row.text_hash) if active and row.status == "pending" else [],
    )


@st.fragment
def sentence_desk(doc: StoredDocument, glossary: Glossary) -> None:
    """The desk of one document: progress, the page of sentences, and the active sentence's other tools."""
    ss = session()
    with open_store() as store:
        rows = load_rows(store, doc.id)
        adopt_stored_drafts(rows, store.drafts([r.text_hash for r in rows], current_reviewer()))
        memory = functools.cache(lambda: TranslationMemory(store.translation_memory()))
        drafts = {seg: text for seg, text in ss["drafts"].items()}
        shown = filter_rows(rows, ss.get("view", "all"), ss.get("query", ""),
                            threshold=ss.get("threshold", LOW_SCORE), drafts=drafts, glossary=glossary)
        events = pending_events(ss.get(DESK_KEY), int(ss.get("desk_ack", 0)))
        if events:
            if apply_events(events, rows, shown):
                st.rerun()
            # Only the sentences decided on changed: their reviews are read again, not the whole document.
            by_id = {r.segment_id: r for r in rows}
            decided = {by_id[e["id"]].text_hash for e in events
                       if e.get("type") in ("save", "accept", "take") and e.get("id") in by_id}
            rows = refresh_reviews(store, rows, decided)
            drafts = dict(ss["drafts"])
            shown = filter_rows(rows, ss.get("view", "all"), ss.get("query", ""),
                                threshold=ss.get("threshold", LOW_SCORE), drafts=drafts, glossary=glossary)
        _progress(rows, drafts, len(shown))
        if not shown:
            st.info("No sentence matches this view and search.")
            return
        size = int(ss.get("page_size", DEFAULT_PAGE_SIZE))
        pages = page_count(len(shown), size)
        if ss.get("page", 1) > pages:
            ss["page"] = pages
        if ss.get("focus") not in {r.segment_id for r in shown}:
            first = next_pending(shown) or shown[0]
            ss["page"] = page_of(shown.index(first), size)
            _focus(first.segment_id)
        page = st.pagination(pages, key="page") if pages > 1 else 1
        start, end = page_slice(len(shown), page, size)
        visible = shown[start:end]
        active = ss.get("focus")
        if active not in {r.segment_id for r in visible}:
            active = (next_pending(visible) or visible[0]).segment_id
            _focus(active)
        by_id = {r.segment_id: r for r in rows}
        sentence_tools(doc, by_id[active])
        query = ss.get("query", "")
        payload = [row_view(r, _editing(r, r.segment_id == active, memory), glossary, query) for r in visible]
    _component()(rows=payload, focus=ss.get("desk_focus", {"id": active, "n": 0}), reviewer=current_reviewer() or "",
                 ack=int(ss.get("desk_ack", 0)), key=DESK_KEY, default=None)
    _desk_concordance()


def _desk_concordance() -> None:
    """The concordance of the words selected in the desk, until the reviewer closes it."""
    ss = session()
    asked = ss.get(CONCORDANCE_KEY)
    if not asked or not asked.get("text"):
        return
    # A new request fills the box once; after that the reviewer may edit the search in place.
    fresh = ss.get(CONCORDANCE_KEY + "_shown") != asked["n"]
    ss[CONCORDANCE_KEY + "_shown"] = asked["n"]
    with open_store() as store:
        concordance_panel(store, asked["text"] if fresh else "", asked["lang"] if fresh else None, key="desk_cp")
    if st.button("Close the concordance", key="desk_cp_close"):
        ss[CONCORDANCE_KEY] = {"n": asked["n"]}
        st.rerun(scope="fragment")


def _progress(rows: list[ReviewRow], drafts: dict[int, str], shown: int) -> None:
    counts = progress_counts(rows)
    unsaved = sum(1 for r in rows if r.segment_id in drafts)
    summary = " · ".join(f"{status} {counts[status]}" for status in REVIEW_STATUSES)
    if unsaved:
        summary += f" · :orange[**{unsaved} unsaved**]"
    if shown != len(rows):
        summary += f" · {shown} shown"
    st.progress(counts["reviewed"] / counts["total"] if counts["total"] else 0.0,
                text=f"{counts['reviewed']} of {counts['total']} sentences reviewed · {summary}")
