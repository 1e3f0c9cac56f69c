"""The Streamlit review page: one row per Danish sentence, decisions stored in the store, nothing lost.

This module lays the page out; the sidebar, the sentence rows and the other tabs are drawn by
their own modules, and what is saved, shown or counted is decided by ``rows``, ``state`` and the
store. The editing state and its callbacks are in ``session``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources

import streamlit as st

from bilingual.app.desk import desk_tab
from bilingual.app.editor import sentence_row
from bilingual.app.rows import (
    LOW_SCORE,
    ReviewRow,
    filter_rows,
    load_rows,
    next_pending,
    page_count,
    page_of,
    page_slice,
    paragraph_starts,
    progress_counts,
)
from bilingual.app.session import current_reviewer, editor_key, init_state, session, translate_documents
from bilingual.app.sidebar import (
    DEFAULT_PAGE_SIZE,
    choose_document,
    sidebar_export,
    sidebar_filters,
    sidebar_glossary,
    sidebar_identity,
    sidebar_import,
    upload_form,
)
from bilingual.app.tabs import alignment_picture, coverage_tab, furniture_tab
from bilingual.app.uploads import seed_files
from bilingual.decisions import REVIEW_STATUSES
from bilingual.glossary import Glossary, Term
from bilingual.memory import TranslationMemory
from bilingual.pipeline import add_documents
from bilingual.settings import setting_value
from bilingual.store import Store, StoredDocument

# With Ctrl+Enter to save, a keyboard-only round: type, save, jump to the next sentence to do.
NEXT_PENDING_KEY = "Alt+N"
# Ctrl+Enter (Cmd+Enter) in a row's editor presses that row's Save button; the listener is in shortcuts.js.
_SHORTCUTS = resources.files("bilingual.app").joinpath("shortcuts.js").read_text(encoding="utf-8")
SHORTCUT_SCRIPT = f"<script>\n{_SHORTCUTS}</script>\n"


def _on_go_to(segment_id: int, page: int) -> None:
    ss = session()
    ss["focus"] = segment_id
    ss["page"] = page
    ss["scroll_to"] = segment_id


def render_app() -> None:
    """Draw the review page for the store named by ``BILINGUAL_DB`` (default ``cache/bilingual.sqlite3``)."""
    st.set_page_config(page_title="bilingual review", layout="wide")
    init_state()
    st.html(SHORTCUT_SCRIPT, unsafe_allow_javascript=True, width="content")
    db = str(setting_value("db"))
    try:
        store = Store(db)
    except (RuntimeError, OSError) as exc:
        st.error(f"{exc}. Set BILINGUAL_DB (or `bilingual review --db PATH`) to a writable file.")
        return
    with store:
        sidebar_identity()
        _model_error()
        danish = store.documents(language="da")
        if not danish:
            _empty_store(store, db)
            return
        doc = choose_document(danish)
        rows = load_rows(store, doc.id)
        sidebar_filters(rows)
        sidebar_import(store)
        terms, glossary = _glossary(store)
        sidebar_glossary(store, len(terms))
        sidebar_export(doc)
        _document(store, doc, rows, glossary)


def _model_error() -> None:
    error = session().get("model_error")
    if error:
        st.error(f"The translation model could not be loaded: {error}\n\n"
                 "Review of the translations already in the store still works.")


def _empty_store(store: Store, db: str) -> None:
    st.title("bilingual: review")
    st.info(f"The store {db} is empty. Import the sample documents in seeds/, or upload .txt/.md files.")
    seeds = seed_files(str(setting_value("seeds")))
    if seeds and st.button(f"Import {len(seeds)} files from seeds/ and translate them", type="primary",
                           key="import_seeds"):
        added = add_documents(store, seeds)
        translate_documents(store, [doc_id for doc_id, _ in added])
        st.rerun()
    upload_form(store)


def _document(store: Store, doc: StoredDocument, rows: list[ReviewRow], glossary: Glossary) -> None:
    ss = session()
    st.subheader(doc.title)
    counts = progress_counts(rows)
    stored_drafts = store.drafts([r.text_hash for r in rows], current_reviewer())
    ss["stored_drafts"] = stored_drafts
    drafts = {seg: text for seg, text in ss["drafts"].items() if seg in {r.segment_id for r in rows}}
    for r in rows:
        # Edits kept from an earlier visit count as unsaved until their editor is drawn and takes them.
        if r.text_hash in stored_drafts and editor_key(r.segment_id) not in ss:
            drafts.setdefault(r.segment_id, stored_drafts[r.text_hash].text)
    st.progress(counts["reviewed"] / counts["total"] if counts["total"] else 0.0,
                text=f"{counts['reviewed']} of {counts['total']} sentences reviewed")
    summary = " · ".join(f"{status} {counts[status]}" for status in REVIEW_STATUSES)
    if drafts:
        summary += f" · :orange[**{len(drafts)} unsaved**]"
    st.caption(f"{doc.name} · {summary}")
    untranslated = [r for r in rows if r.mt is None]
    if untranslated:
        st.info(f"{len(untranslated)} sentences have no machine translation yet.")
        if st.button(f"Translate them with {setting_value('model')}", key="translate_missing"):
            translate_documents(store, [doc.id])
            st.rerun()
    # Lazy tabs: the furniture and picture tabs run only while open, so they cost a page of
    # sentences nothing (a long document has hundreds of paragraphs to list).
    sentences, coverage, picture, furniture, desk = st.tabs(
        ["Sentences", "English coverage", "Alignment picture", "Page furniture", "Review desk"], key="doc_tab",
        on_change="rerun")
    if desk.open:  # the review desk's panels (app/desk.py), to be placed in the segment grid
        with desk:
            desk_tab(store, doc, current_reviewer())
    if coverage.open:
        with coverage:
            coverage_tab(store, doc, rows)
    if furniture.open:
        with furniture:
            furniture_tab(store, doc)
    with sentences:
        # Read the memory only when a page shows a sentence that still needs a translation.
        _sentence_list(rows, drafts, functools.cache(lambda: TranslationMemory(store.translation_memory())),
                       glossary)
    if picture.open:
        with picture:
            alignment_picture(store, doc, rows)


def _glossary(store: Store) -> tuple[list[Term], Glossary]:
    """The store's terms and glossary; the same object across reruns while the terms stay (cheap cache hits)."""
    ss = session()
    terms = store.terms()
    cached = ss.get("glossary")
    if cached is None or cached[0] != terms:
        cached = (terms, Glossary(terms))
        ss["glossary"] = cached
    return cached


def _sentence_list(rows: list[ReviewRow], drafts: dict[int, str], memory: Callable[[], TranslationMemory],
                   glossary: Glossary) -> None:
    ss = session()
    shown = filter_rows(rows, ss.get("view", "all"), ss.get("query", ""), threshold=ss.get("threshold", LOW_SCORE),
                        drafts=drafts, glossary=glossary)
    size = int(ss.get("page_size", DEFAULT_PAGE_SIZE))
    pages = page_count(len(shown), size)
    if ss.get("page", 1) > pages:
        ss["page"] = pages
    target = next_pending(shown, ss.get("focus"))
    bar = st.container(horizontal=True, vertical_alignment="center")
    with bar:
        st.caption(f"{len(shown)} of {len(rows)} sentences shown")
        if target is not None:
            index = next(i for i, r in enumerate(shown) if r.segment_id == target.segment_id)
            st.button("Next pending", key="next_pending", icon=":material/skip_next:", on_click=_on_go_to,
                      args=(target.segment_id, page_of(index, size)), shortcut=NEXT_PENDING_KEY,
                      help=f"Go to {target.stable_id} and put the cursor in its editor ({NEXT_PENDING_KEY})")
        else:
            st.button("Next pending", key="next_pending", disabled=True, help="Nothing pending in this view")
    if not shown:
        st.info("No sentence matches this view and search.")
        return
    page = st.pagination(pages, key="page") if pages > 1 else 1
    start, end = page_slice(len(shown), page, size)
    visible = shown[start:end]
    header = st.columns([3, 3, 4, 3])
    for col, title in zip(header, ["Danish", "Machine translation", "Final English", "English match"], strict=True):
        col.markdown(f"**{title}**")
    opens = paragraph_starts(rows)
    for row in visible:
        if row.segment_id in opens and row.position:
            st.caption(f"¶ paragraph {row.paragraph}")
        sentence_row(row, memory, glossary)
    if pages > 1:
        st.caption(f"Page {page} of {pages}")
    scroll = ss.pop("scroll_to", None)
    if scroll is not None:
        st.html(_focus_script(scroll), unsafe_allow_javascript=True, width="content")


def _focus_script(segment_id: int) -> str:
    return (
        "<script>setTimeout(() => {"
        f"const row = document.querySelector('.st-key-row_{segment_id}');"
        "if (row) { row.scrollIntoView({block: 'center'}); const a = row.querySelector('textarea');"
        " if (a) a.focus(); }"
        f"}}, 150); /* {id(object())} */</script>"
    )
