"""The history panel: the MT baseline and every version of a sentence's decision, each with a word diff to
the one before, who and when; undo of the decision in force, and restore of any version."""

from __future__ import annotations

import streamlit as st

from bilingual.app.diff import diff_html, md
from bilingual.store import StaleReviewError, Store, StoredSegment
from bilingual.undo import history_steps, undo_target

NOTE_KEY = "history_panel_note"


def _run(path: str, source_text: str, version: int | None, expected_version: int, reviewer: str | None) -> None:
    """Undo (``version`` None) or restore a version; a stale or impossible step changes nothing and says so."""
    try:
        with Store(path) as store:
            if version is None:
                review = store.undo_review(source_text, expected_version=expected_version, reviewer=reviewer)
            else:
                review = store.restore_review(source_text, version, expected_version=expected_version,
                                              reviewer=reviewer)
    except (StaleReviewError, ValueError, KeyError) as exc:
        st.session_state[NOTE_KEY] = ("warning", str(exc.args[0] if exc.args else exc))
        return
    st.session_state[NOTE_KEY] = ("success", f"Now {review.status} (version {review.version}).")


def history_panel(store: Store, segment: StoredSegment, reviewer: str | None) -> None:
    """The history of one sentence's decisions with Undo and Restore."""
    review = store.review(segment.text_hash)
    version = review.version if review else 0
    mts = store.latest_translations([segment.text_hash])
    mt = mts[segment.text_hash][0] if segment.text_hash in mts else None
    entries = store.review_log(segment.text_hash)
    steps = history_steps(mt or (review.mt_text if review else None), entries)
    step = undo_target(entries)
    with st.container(border=True, key=f"history_panel_{segment.id}"):
        status = review.status if review else "pending"
        st.markdown(f"**History** · now {status}" + (f" (v{version})" if version else ""))
        back = ("pending (the MT counts)" if step and step[1] == 0 else f"v{step[1]}") if step else ""
        st.button(f"Undo: back to {back}" if step else "Undo", key=f"history_undo_{segment.id}",
                  icon=":material/undo:", disabled=step is None, on_click=_run,
                  args=(store.location, segment.text, None, version, reviewer),
                  help="Take the decision in force back to the one before it; kept in the history")
        note = st.session_state.pop(NOTE_KEY, None)
        if note is not None:
            getattr(st, note[0])(note[1])
        previous = ""
        for s in steps:
            who = f" · {md(s.reviewer or 'unnamed')} · {s.when}" if s.version else " · baseline"
            change = f" · {s.words_out} words out, {s.words_in} in" if s.version else ""
            mark = " :blue-badge[in force]" if s.current else ""
            st.markdown(f"**{md(s.label)}**{who}{change}{mark}")
            body = diff_html(previous, s.text) if s.version else md(s.text)
            if s.version:
                st.html(f'<div style="font-size:0.9em;line-height:1.5">{body or "<i>(empty)</i>"}</div>')
            else:
                st.markdown(body or "*(no machine translation)*")
            previous = s.text
            if not s.current:
                label = "Back to MT (pending)" if s.version == 0 else f"Restore v{s.version}"
                st.button(label, key=f"history_restore_{segment.id}_{s.version}", type="tertiary",
                          on_click=_run, args=(store.location, segment.text, s.version, version, reviewer))
