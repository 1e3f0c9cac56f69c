"""The active sentence's tools beside the desk's editor: refill, reject, history and the English match.

The editor itself, the MT diff, QA, glossary and memory hits are in the desk (``desk``); these tools
need the store or a choice, so they are Streamlit widgets, always in the same place and order.
"""

from __future__ import annotations

import streamlit as st

from bilingual.app.diff import md
from bilingual.app.names import sentence_label
from bilingual.app.rows import Match, ReviewRow
from bilingual.app.session import (
    current_reviewer,
    editor_value,
    on_save,
    open_store,
    review_text,
    session,
    set_editor,
)
from bilingual.app.state import pick_candidate
from bilingual.store import Review

STATUS_BADGES = {
    "pending": ":gray-badge[pending]",
    "accepted": ":green-badge[accepted]",
    "corrected": ":blue-badge[corrected]",
    "rejected": ":red-badge[rejected]",
}
ALIGNMENT_BADGES = {"machine": ":gray-badge[machine]", "accepted": ":green-badge[accepted]",
                    "rejected": ":red-badge[rejected]"}


def on_alignment(alignment_id: int, status: str) -> None:
    """Set the review status of an alignment bead."""
    with open_store() as store:
        store.set_alignment_status(alignment_id, status, current_reviewer())


def on_pick(row: ReviewRow, alignment_id: int) -> None:
    """Make a candidate the accepted English match of a row."""
    with open_store() as store:
        pick_candidate(store, row, alignment_id, current_reviewer())


def on_reject(row: ReviewRow) -> None:
    """Reject a row's translation with the reason typed for it."""
    on_save(row, "rejected")


def sentence_tools(row: ReviewRow) -> None:
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
        _match_tools(row)
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


def _match_tools(row: ReviewRow) -> None:
    best = row.best
    if best is not None:
        st.button("Match right", key=f"alok_{row.segment_id}", icon=":material/check:", type="tertiary",
                  on_click=on_alignment, args=(best.alignment_id, "accepted"),
                  disabled=best.status == "accepted", help="The English match shown is the right one")
        st.button("Match wrong", key=f"alno_{row.segment_id}", icon=":material/close:", type="tertiary",
                  on_click=on_alignment, args=(best.alignment_id, "rejected"),
                  help="Not a match: the next candidate, if any, takes its place")
    others = list(row.candidates) + list(row.rejected_matches)
    box = st.popover(f"Other candidates ({len(row.candidates)})", key=f"cands_{row.segment_id}",
                     on_change="rerun", type="tertiary", disabled=not others)
    if not box.open:
        return
    with box:
        for cand in others:
            where = f"{md(cand.document)} · " if cand.has_english else ""
            st.markdown(f"{_match_text(cand)}  \n{where}score {cand.score:.2f} · "
                        f"{ALIGNMENT_BADGES.get(cand.status, cand.status)}")
            if cand.status == "rejected":
                st.button("Restore", key=f"alre_{row.segment_id}_{cand.alignment_id}", on_click=on_alignment,
                          args=(cand.alignment_id, "machine"))
            else:
                st.button("Pick this one", key=f"pick_{row.segment_id}_{cand.alignment_id}", on_click=on_pick,
                          args=(row, cand.alignment_id))


def _match_text(match: Match) -> str:
    # A bead with no English side is the aligner's decision that the sentence has no counterpart.
    if not match.has_english:
        return "*no English counterpart*"
    return md(match.text) or "*(empty)*"
