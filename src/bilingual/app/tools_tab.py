"""Sentence tools: one Danish sentence's English match, history, glossary and concordance, and the
document's alignment picture, each drawn by its own panel module.

The tab knows the active sentence (picked here, or opened by a click on the picture) and passes
the panels what they need; the panels know nothing of the page around them.
"""

from __future__ import annotations

import streamlit as st

from bilingual.app.alignment_panel import alignment_panel, picture_panel
from bilingual.app.concordance_panel import concordance_panel
from bilingual.app.glossary_panel import glossary_panel
from bilingual.app.history_panel import history_panel
from bilingual.pipeline import last_alignment_request
from bilingual.store import Store, StoredDocument

ACTIVE_KEY = "desk_segment"
_OPENED_KEY = "desk_opened"  # a sentence the picture opened, applied before the picker is drawn


def _open(segment_id: int) -> None:
    """Make a sentence the active one on the next draw (the picker is already drawn on this one)."""
    if st.session_state.get(_OPENED_KEY + "_last") != segment_id:
        st.session_state[_OPENED_KEY] = segment_id
        st.session_state[_OPENED_KEY + "_last"] = segment_id
        st.rerun()


def tools_tab(store: Store, doc: StoredDocument, reviewer: str | None) -> None:
    """One sentence's tools: its alignment judged, its history with undo, the glossary, the concordance."""
    segments = store.segments(doc.id, include_furniture=False)
    if not segments:
        st.info("This document has no sentence to review.")
        return
    ids = [s.id for s in segments]
    by_id = {s.id: s for s in segments}
    key = f"{ACTIVE_KEY}_{doc.id}"
    opened = st.session_state.pop(_OPENED_KEY, None)
    if opened in by_id:
        st.session_state[key] = opened
    if st.session_state.get(key) not in by_id:
        st.session_state[key] = ids[0]
    active = by_id[st.selectbox("Sentence", ids, key=key,
                                format_func=lambda i: f"{by_id[i].stable_id}  {by_id[i].text[:90]}")]
    st.markdown(f"> {active.text}")
    left, right = st.columns(2)
    with left:
        alignment_panel(store, doc, active.id, reviewer)
    with right:
        history_panel(store, active, reviewer)
    left, right = st.columns(2)
    with left:
        glossary_panel(store, active.text)
    with right:
        concordance_panel(store)
    english = store.documents(language="en")
    if not english:
        return
    titles = {d.id: d.title or d.name for d in english}
    aligned = [i for i in last_alignment_request(store, doc.id).get("target_document_ids") or [] if i in titles]
    chosen = st.multiselect("English articles in the picture", list(titles), default=aligned or list(titles)[:3],
                            format_func=titles.__getitem__, key=f"desk_articles_{doc.id}")
    if st.toggle("Draw the alignment picture", key=f"desk_picture_{doc.id}"):
        picture_panel(store, doc, chosen, on_open=_open)
