"""The Streamlit review page: the sidebar, the document's title and its tabs, the desk first.

This module lays the page out; the sidebar, the review desk and the other tabs are drawn by their
own modules (the tabs are registered in ``panels.DOCUMENT_TABS``), and what is saved, shown or
counted is decided by ``rows``, ``state`` and the store. The editing state is in ``session``.
"""

from __future__ import annotations

import streamlit as st

from bilingual.app.desk import take_reviewer_event
from bilingual.app.diff import md
from bilingual.app.names import document_heading
from bilingual.app.panels import DOCUMENT_TABS, DocumentView
from bilingual.app.rows import ReviewRow, load_rows
from bilingual.app.session import init_state, session, translate_documents
from bilingual.app.sidebar import (
    choose_document,
    sidebar_export,
    sidebar_filters,
    sidebar_glossary,
    sidebar_identity,
    sidebar_import,
    upload_form,
)
from bilingual.app.uploads import seed_files, source_line
from bilingual.glossary import Glossary, Term
from bilingual.pipeline import add_documents
from bilingual.settings import setting_value
from bilingual.store import Store, StoredDocument

# Less space above the desk, so more sentences fit on a small screen.
PAGE_STYLE = """<style>
.block-container { padding-top: 3.2rem; padding-bottom: 1rem; }
h1, h2, h3, h4 { padding-top: 0.1rem; padding-bottom: 0.1rem; }
h4 { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
[data-testid="stSidebar"] button p, [data-testid="stSidebar"] label p { white-space: normal; }
</style>"""


def render_app() -> None:
    """Draw the review page for the store named by ``BILINGUAL_DB`` (default ``cache/bilingual.sqlite3``)."""
    st.set_page_config(page_title="bilingual review", layout="wide")
    init_state()
    take_reviewer_event()
    st.html(PAGE_STYLE)
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
        titles = _titles(store, danish)
        doc = choose_document(danish, titles)
        st.set_page_config(page_title=titles[doc.id])
        st.markdown(f"#### {md(titles[doc.id])}", help=f"File: {doc.name}")
        source = source_line(store.document_meta(doc.id))
        if source:
            st.caption(md(source))
        rows = load_rows(store, doc.id)
        sidebar_filters(rows)
        sidebar_import(store)
        terms, glossary = _glossary(store)
        sidebar_glossary(store, len(terms))
        sidebar_export(doc)
        _document(store, doc, rows, glossary)


def _titles(store: Store, documents: list[StoredDocument]) -> dict[int, str]:
    """Each document's heading, read once per session (a stored document's text never changes)."""
    cached = session().setdefault("titles", {})
    for d in documents:
        if d.id not in cached:
            cached[d.id] = document_heading(store.paragraphs(d.id), d.name)
    return {d.id: cached[d.id] for d in documents}


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
    untranslated = [r for r in rows if r.mt is None]
    if untranslated:
        st.info(f"{len(untranslated)} sentences have no machine translation yet.")
        if st.button(f"Translate them with {setting_value('model')}", key="translate_missing"):
            translate_documents(store, [doc.id])
            st.rerun()
    # Lazy tabs: only the open one runs, so the other tabs cost the desk nothing.
    tabs = st.tabs([label for label, _ in DOCUMENT_TABS], key="doc_tab", on_change="rerun")
    view = DocumentView(store, doc, rows, glossary)
    for tab, (_label, draw) in zip(tabs, DOCUMENT_TABS, strict=True):
        if tab.open:
            with tab:
                draw(view)


def _glossary(store: Store) -> tuple[list[Term], Glossary]:
    """The store's terms and glossary; the same object across reruns while the terms stay (cheap cache hits)."""
    ss = session()
    terms = store.terms()
    cached = ss.get("glossary")
    if cached is None or cached[0] != terms:
        cached = (terms, Glossary(terms))
        ss["glossary"] = cached
    return cached
