"""The glossary panel: list, search, add, edit and remove terms (the store ``bilingual glossary`` uses), and
the terms of the active sentence with their preferred English, ready to insert."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from bilingual import termbase
from bilingual.app.diff import md
from bilingual.glossary import Glossary
from bilingual.store import Store

NOTE_KEY = "glossary_panel_note"


def _note(kind: str, text: str) -> None:
    st.session_state[NOTE_KEY] = (kind, text)


def _add(path: str) -> None:
    ss = st.session_state
    try:
        term = termbase.make_term(ss.get("gp_new_da", ""), ss.get("gp_new_en", ""), ss.get("gp_new_note", ""))
        with Store(path) as store:
            added = termbase.add_term(store, term, source=termbase.ADDED_IN_APP)
    except ValueError as exc:
        _note("warning", str(exc))
        return
    _note("success" if added else "info", f"{'Added' if added else 'Already there'}: {term.danish} → {term.preferred}")
    for key in ("gp_new_da", "gp_new_en", "gp_new_note"):
        ss[key] = ""


def _edit(path: str, entry_id: int) -> None:
    ss = st.session_state
    try:
        with Store(path) as store:
            term = termbase.edit_term(store, entry_id, ss.get(f"gp_da_{entry_id}"), ss.get(f"gp_en_{entry_id}"),
                                      ss.get(f"gp_note_{entry_id}"))
    except ValueError as exc:
        _note("warning", str(exc))
        return
    _note("success", f"Changed: {term.danish} → {' | '.join(term.english)}")


def _remove(path: str, entry_id: int, label: str) -> None:
    try:
        with Store(path) as store:
            termbase.remove_entry(store, entry_id)
    except ValueError as exc:
        _note("warning", str(exc))
        return
    _note("success", f"Removed: {label}")


def glossary_panel(store: Store, sentence: str | None = None, on_insert: Callable[[str], None] | None = None) -> None:
    """The glossary with search, add, edit and remove; with ``sentence``, its terms, each with an Insert
    button calling ``on_insert`` with the preferred English."""
    with st.container(border=True, key="glossary_panel"):
        entries = termbase.list_terms(store)
        st.markdown(f"**Glossary** ({len(entries)} term{'s' if len(entries) != 1 else ''})")
        if sentence:
            hits = Glossary([e.term for e in entries]).find(sentence)
            for n, hit in enumerate(hits):
                left, right = st.columns([4, 1])
                left.markdown(f"{md(hit.text)} → **{md(hit.term.preferred)}**")
                if on_insert is not None:
                    right.button("Insert", key=f"gp_insert_{n}", on_click=on_insert, args=(hit.term.preferred,),
                                 type="tertiary", help="Insert the preferred English at the cursor")
        note = st.session_state.pop(NOTE_KEY, None)
        if note is not None:
            getattr(st, note[0])(note[1])
        with st.form("gp_add", clear_on_submit=False, border=False):
            cols = st.columns([3, 3, 3, 2], vertical_alignment="bottom")
            cols[0].text_input("Danish term", key="gp_new_da")
            cols[1].text_input("English (several: a | b)", key="gp_new_en")
            cols[2].text_input("Note", key="gp_new_note")
            cols[3].form_submit_button("Add term", on_click=_add, args=(store.location,))
        query = st.text_input("Search terms", key="gp_query", placeholder="Danish, English or note")
        shown = [e for e in entries if termbase.matches(e.term, query)]
        if query:
            st.caption(f"{len(shown)} of {len(entries)} terms")
        for entry in shown:
            term = entry.term
            line = f"{md(term.danish)} → {md(' | '.join(term.english))}"
            line += f" :small[({md(term.note)})]" if term.note else ""
            line += f" :gray[:small[{md(term.source)}]]" if term.source else ""
            with st.container(horizontal=True, vertical_alignment="center", key=f"gp_entry_{entry.id}"):
                st.markdown(line)
                with st.popover("Edit", key=f"gp_editbox_{entry.id}"):
                    st.text_input("Danish", value=term.danish, key=f"gp_da_{entry.id}")
                    st.text_input("English", value=" | ".join(term.english), key=f"gp_en_{entry.id}")
                    st.text_input("Note", value=term.note, key=f"gp_note_{entry.id}")
                    st.button("Save term", key=f"gp_save_{entry.id}", on_click=_edit, args=(store.location, entry.id))
                st.button("Remove", key=f"gp_remove_{entry.id}", type="tertiary", icon=":material/delete:",
                          on_click=_remove, args=(store.location, entry.id, f"{term.danish} → {term.preferred}"))
