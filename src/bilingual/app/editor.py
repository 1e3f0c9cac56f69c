"""The active sentence's tools beside the desk's editor: refill, reject, history and the English match.

The editor itself, the MT diff, QA, glossary and memory hits are in the desk (``desk``); these tools
need the store or a choice, so they are Streamlit widgets, always in the same place and order.
"""

from __future__ import annotations

import streamlit as st

from bilingual.app.alignment_panel import NOTE_KEY, act, alignment_panel
from bilingual.app.diff import md
from bilingual.app.names import sentence_label
from bilingual.app.rows import ReviewRow
from bilingual.app.session import (
    current_reviewer,
    editor_value,
    on_save,
    open_store,
    review_text,
    session,
    set_editor,
)
from bilingual.settings import setting_value
from bilingual.store import Review, StoredDocument

STATUS_BADGES = {
    "pending": ":gray-badge[pending]",
    "accepted": ":green-badge[accepted]",
    "corrected": ":blue-badge[corrected]",
    "rejected": ":red-badge[rejected]",
}


def on_reject(row: ReviewRow) -> None:
    """Reject a row's translation with the reason typed for it."""
    on_save(row, "rejected")


def sentence_tools(doc: StoredDocument, row: ReviewRow) -> None:
    """One line of tools for the open sentence, in a fixed order whatever its status."""
    seg = row.segment_id
    text = editor_value(row)
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key=f"tools_{seg}"):
        st.markdown(f"**{sentence_label(row.paragraph, row.index)}**", help=row.stable_id)
        st.button("Reset to MT", key=f"reset_{seg}", on_click=set_editor, args=(row, row.mt or ""),
                  disabled=row.mt is None or text == row.mt, type="tertiary", icon=":material/undo:",
                  help="Put the machine translation back in the editor (kept as a draft until saved)")
        st.button("Copy source", key=f"copy_{seg}", on_click=set_editor, args=(row, row.source),
                  disabled=text == row.source, type="tertiary", icon=":material/content_copy:",
                  help="Put the Danish in the editor, for names and numbers that stay as they are")
        # Popover contents are drawn only while open: the desk stays light.
        reject = st.popover("Reject…", key=f"rejectbox_{seg}", on_change="rerun", type="tertiary",
                            icon=":material/block:")
        if reject.open:
            with reject:
                st.text_input("Reason", key=f"reason_{seg}", placeholder="why this translation is unusable")
                st.button("Reject with this reason", key=f"reject_{seg}", on_click=on_reject, args=(row,))
        history = st.popover(f"History ({row.version})", key=f"history_{seg}", on_change="rerun", type="tertiary",
                             icon=":material/history:", disabled=not row.version)
        if history.open:
            with history, open_store() as store:
                _history(row, store.review_history(row.text_hash), text)
        _match_tools(doc, row)
    note = session()["notes"].get(seg)
    if note is not None and note[0] == "error":
        st.error(note[1])


def _history(row: ReviewRow, history: list[Review], current: str) -> None:
    for past in reversed(history):
        text = review_text(past)
        st.markdown(f"**v{past.version}** {STATUS_BADGES.get(past.status, past.status)} · "
                    f"{md(past.reviewer or 'unnamed')} · {past.updated_at}  \n{md(text) or '*(empty)*'}"
                    + (f"  \nreason: {md(past.reason)}" if past.reason else ""))
        if text != current:
            st.button(f"Restore v{past.version}", key=f"restore_{row.segment_id}_{past.version}", on_click=set_editor,
                      args=(row, text), help="Put this text back in the editor; save to keep it")


def _match_tools(doc: StoredDocument, row: ReviewRow) -> None:
    # The match in force is the export's (``bilingual.judgement``): rejecting it leaves no match until the
    # reviewer picks one or says there is none, so nothing takes its place unasked.
    best = row.best
    args = (str(setting_value("db")), doc.id, row.segment_id)
    st.button("This is it", key=f"alok_{row.segment_id}", icon=":material/check:", type="tertiary",
              on_click=act, args=(*args, "accept_match", current_reviewer()),
              disabled=best is None or best.status == "accepted", help="Confirm the English match shown")
    st.button("Not this one", key=f"alno_{row.segment_id}", icon=":material/close:", type="tertiary",
              on_click=act, args=(*args, "reject_match", current_reviewer()), disabled=best is None,
              help="Reject the match; no other candidate takes its place until you pick one")
    box = st.popover("Other…", key=f"cands_{row.segment_id}", on_change="rerun", type="tertiary",
                     help="Pick another English match, find one, or say the sentence has no counterpart")
    if box.open:
        with box, open_store() as store:
            alignment_panel(store, doc, row.segment_id, current_reviewer())
    else:
        note = st.session_state.pop(NOTE_KEY, None)
        if note is not None:
            st.caption(note[1])
