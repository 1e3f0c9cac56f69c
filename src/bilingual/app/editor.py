"""One Danish sentence of the review page: its source, MT, memory, editor, history and English match cells."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from bilingual.app.diff import diff_counts, diff_html, diff_markdown, md
from bilingual.app.rows import Match, ReviewRow, edit_effort, row_terms, row_warnings
from bilingual.app.session import (
    current_reviewer,
    editor_key,
    on_keep_mine,
    on_save,
    on_take_theirs,
    open_store,
    review_text,
    session,
    set_editor,
    sync_editor,
    track_draft,
)
from bilingual.app.state import pick_candidate
from bilingual.decisions import decision_status, same_text
from bilingual.glossary import Glossary
from bilingual.memory import FuzzyMatch, TranslationMemory
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


def sentence_row(row: ReviewRow, memory: Callable[[], TranslationMemory], glossary: Glossary) -> None:
    """One sentence in a bordered row: header badges, then the Danish, MT, editor and match columns."""
    ss = session()
    seg = row.segment_id
    sync_editor(row)
    text = ss[editor_key(seg)]
    unsaved = text != ss["base"][seg][1]
    warnings = row_warnings(row, text if unsaved else None, glossary)
    with st.container(border=True, key=f"row_{seg}"):
        header = [f"`{row.stable_id}`", STATUS_BADGES.get(row.status, row.status)]
        if row.version:
            header.append(f"v{row.version}" + (f" by {md(row.reviewer)}" if row.reviewer else "")
                          + f" · {row.updated_at}")
        if row.status == "rejected" and row.reason:
            header.append(f"reason: {md(row.reason)}")
        if unsaved:
            header.append(":orange-badge[● unsaved changes]")
        if ss.get("focus") == seg:
            header.append(":violet-badge[next pending]")
        header.extend(f":orange-badge[⚠ {label}]"
                      for label in dict.fromkeys(w.label for w in warnings))
        st.markdown(" · ".join(header))
        source, mt, final, match = st.columns([3, 3, 4, 3])
        with source:
            st.markdown(md(row.source))
            terms = row_terms(row, text, glossary)
            if terms:
                # The expected renderings before any warning: the reviewer sees what the termbase wants.
                st.markdown(":small[" + " · ".join(
                    f"{':green[✓]' if rendered else ':orange[✗]'} {md(hit.text)} → {md(hit.term.preferred)}"
                    for hit, rendered in terms) + "]")
        with mt:
            _mt_cell(row, text)
            if row.status == "pending":
                _memory_cell(row, memory().lookup(row.source, exclude_hash=row.text_hash))
        with final:
            _editor_cell(row, text)
            if warnings:
                st.caption("QA: " + " · ".join(md(w.message) for w in warnings))
        with match:
            _match_cell(row)


def _mt_cell(row: ReviewRow, text: str) -> None:
    if row.mt is None:
        st.caption("no machine translation yet")
        return
    st.markdown(md(row.mt))
    if text and not same_text(text, row.mt):
        deleted, inserted = diff_counts(row.mt, text)
        st.caption(f"MT → final: {deleted} words out, {inserted} in · post-edit effort (TER) "
                   f"{edit_effort(row.mt, text):.0f}%")
        st.html(f'<div style="font-size:0.9em;line-height:1.5">{diff_html(row.mt, text)}</div>')


def _memory_cell(row: ReviewRow, matches: list[FuzzyMatch]) -> None:
    """The best fuzzy match from the translation memory, with what differs in the Danish; the others on demand."""
    if not matches:
        return
    _memory_match(row, matches[0], 0)
    if len(matches) > 1:
        # Drawn only while open, like the other popovers: a page of rows stays light in the browser.
        more = st.popover(f"{len(matches) - 1} more from memory", key=f"tmmore_{row.segment_id}", on_change="rerun")
        if more.open:
            with more:
                for rank, match in enumerate(matches[1:], start=1):
                    _memory_match(row, match, rank)


def _memory_match(row: ReviewRow, match: FuzzyMatch, rank: int) -> None:
    # Three elements per match (one markdown block, not caption + html + markdown): pages with
    # many suggestions stay quick to draw.
    with st.container(border=True, key=f"tm_{row.segment_id}_{rank}"):
        by = f" by {md(match.reviewer)}" if match.reviewer else ""
        st.markdown(f":gray[Translation memory {match.score:.0f}% · {match.status}{by}]  \n"
                    f":small[{diff_markdown(match.source_text, row.source, md)}]  \n→ {md(match.target_text)}")
        st.button("Use this", key=f"usetm_{row.segment_id}_{rank}", on_click=set_editor,
                  args=(row.segment_id, row.source, match.target_text), type="tertiary",
                  icon=":material/input:", help="Put this reviewed translation in the editor, to adapt it")


def _editor_cell(row: ReviewRow, text: str) -> None:
    ss = session()
    seg = row.segment_id
    st.text_area("Final English", key=editor_key(seg), label_visibility="collapsed", height=110,
                 on_change=track_draft, args=(seg, row.source), placeholder="Type the English translation")
    label = "Accept" if row.mt is not None and decision_status(text, row.mt) == "accepted" else "Save"
    with st.container(horizontal=True, gap="small"):
        st.button(label, key=f"save_{seg}", type="primary", on_click=on_save, args=(row,),
                  help="Save this text (Ctrl+Enter in the editor): accepted when it is the MT unchanged, "
                       "corrected otherwise")
        st.button("Reset to MT", key=f"reset_{seg}", on_click=set_editor, args=(seg, row.source, row.mt or ""),
                  disabled=row.mt is None or text == row.mt, type="tertiary", icon=":material/undo:")
        st.button("Copy source", key=f"copy_{seg}", on_click=set_editor, args=(seg, row.source, row.source),
                  disabled=text == row.source, type="tertiary", icon=":material/content_copy:")
        # Popover contents are drawn only while open: a page of rows stays light in the browser.
        reject = st.popover("Reject", key=f"rejectbox_{seg}", on_change="rerun")
        if reject.open:
            with reject:
                st.text_input("Reason", key=f"reason_{seg}", placeholder="why this translation is unusable")
                st.button("Reject with this reason", key=f"reject_{seg}", on_click=on_save,
                          args=(row, "rejected"))
        if row.version:
            history = st.popover(f"History ({row.version})", key=f"history_{seg}", on_change="rerun")
            if history.open:
                with history, open_store() as store:
                    _history(seg, store.review_history(row.text_hash), text)
    conflict = ss["conflicts"].get(seg)
    if conflict is not None:
        theirs: Review = conflict["theirs"]
        with st.container(border=True, key=f"conflict_{seg}"):
            st.warning("Someone else saved this sentence after you opened it. Your text is still in the editor; "
                       "nothing was overwritten.")
            mine_col, theirs_col = st.columns(2)
            mine_col.markdown(f"**Yours**  \n{md(conflict['mine'])}")
            theirs_col.markdown(f"**Theirs** ({theirs.status}, v{theirs.version}, "
                                f"{md(theirs.reviewer or 'unnamed')})  \n{md(review_text(theirs))}")
            with st.container(horizontal=True):
                st.button("Keep mine", key=f"keepmine_{seg}", on_click=on_keep_mine, args=(row,),
                          help="Save your text as a new version; theirs stays in the history")
                st.button("Take theirs", key=f"taketheirs_{seg}", on_click=on_take_theirs, args=(seg,))
    note = ss["notes"].pop(seg, None)
    if note is not None and not (note[0] == "warning" and conflict is not None):
        kind, message = note
        getattr(st, kind)(message)


def _history(segment_id: int, history: list[Review], current: str) -> None:
    for past in reversed(history):
        text = review_text(past)
        st.markdown(f"**v{past.version}** {STATUS_BADGES.get(past.status, past.status)} · "
                    f"{md(past.reviewer or 'unnamed')} · {past.updated_at}  \n{md(text) or '*(empty)*'}"
                    + (f"  \nreason: {md(past.reason)}" if past.reason else ""))
        if text != current:
            st.button(f"Restore v{past.version}", key=f"restore_{segment_id}_{past.version}", on_click=set_editor,
                      args=(segment_id, past.source_text, text),
                      help="Put this text back in the editor; save to keep it")


def _match_cell(row: ReviewRow) -> None:
    best = row.best
    if best is None:
        st.caption("no English match" + (" (all candidates rejected)" if row.rejected_matches else ""))
    else:
        st.markdown(_match_text(best))
        where = f"{md(best.document)} · " if best.has_english else ""
        st.caption(f"{where}score {best.score:.2f} · {best.method} · "
                   f"{ALIGNMENT_BADGES.get(best.status, best.status)}")
        with st.container(horizontal=True, gap="small"):
            st.button("Right", key=f"alok_{row.segment_id}", icon=":material/check:", type="tertiary",
                      on_click=on_alignment, args=(best.alignment_id, "accepted"),
                      disabled=best.status == "accepted", help="This English text is the right match")
            st.button("Wrong", key=f"alno_{row.segment_id}", icon=":material/close:", type="tertiary",
                      on_click=on_alignment, args=(best.alignment_id, "rejected"),
                      help="Not a match: the next candidate, if any, takes its place")
    others = list(row.candidates) + list(row.rejected_matches)
    if others:
        box = st.popover(f"Other candidates ({len(row.candidates)})", key=f"cands_{row.segment_id}",
                         on_change="rerun")
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
