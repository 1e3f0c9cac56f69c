"""The review page's sidebar: the reviewer, the document and its filters, adding documents, the glossary, the export."""

from __future__ import annotations

import io
from functools import partial
from pathlib import Path

import streamlit as st

from bilingual.app.rows import LOW_SCORE, VIEWS, ReviewRow
from bilingual.app.session import current_reviewer, open_store, session
from bilingual.app.uploads import document_forms
from bilingual.formats import EXCEL_LABEL, FORMATS, write_records
from bilingual.glossary import parse_glossary
from bilingual.records import export_records
from bilingual.store import Store, StoredDocument

PAGE_SIZES = (10, 25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
LANGUAGES = {"da": "Danish", "en": "English"}


def on_reviewer_change() -> None:
    """Keep the reviewer's name in the page address, so a reload keeps it."""
    name = (session().get("reviewer") or "").strip()
    if name:
        st.query_params["reviewer"] = name
    else:
        st.query_params.pop("reviewer", None)


def on_document_change() -> None:
    """Open a newly chosen document on its first page and keep it in the page address."""
    ss = session()
    ss["page"] = 1
    ss["focus"] = None
    st.query_params["doc"] = str(ss["doc"])


def sidebar_identity() -> None:
    """The reviewer's name, stored with each decision."""
    with st.sidebar:
        st.text_input("Reviewer", key="reviewer", placeholder="your name", on_change=on_reviewer_change,
                      help="Stored with each decision and kept in the page address, with your unsaved edits.")
        if not current_reviewer():
            st.caption("Enter your name so your decisions carry it: nothing is saved without one.")


def choose_document(danish: list[StoredDocument], titles: dict[int, str]) -> StoredDocument:
    """The Danish document to review: the session's, else the one in the address, else the first."""
    ss = session()
    ids = [d.id for d in danish]
    if ss.get("doc") not in ids:
        wanted = st.query_params.get("doc")
        ss["doc"] = int(wanted) if wanted and wanted.isdigit() and int(wanted) in ids else ids[0]
    by_id = {d.id: d for d in danish}
    with st.sidebar:
        choice = st.selectbox("Danish document", ids, key="doc", on_change=on_document_change,
                              format_func=lambda i: titles.get(i, by_id[i].name),
                              help="Documents by their first heading; the file is named under the title.")
    return by_id[choice]


def sidebar_filters(rows: list[ReviewRow]) -> None:
    """The view, search, score threshold and page size of the sentence list."""
    with st.sidebar:
        st.radio("Show", list(VIEWS), key="view", format_func=lambda view: VIEWS[view], horizontal=True)
        st.text_input("Search Danish and English", key="query", placeholder="word or phrase")
        if any(r.matches or r.rejected_matches for r in rows):
            st.slider("Low alignment score below", 0.0, 1.0, LOW_SCORE, 0.05, key="threshold")
        st.selectbox("Sentences per page", PAGE_SIZES, index=PAGE_SIZES.index(DEFAULT_PAGE_SIZE), key="page_size")


def sidebar_import(store: Store) -> None:
    """The sidebar's upload form for more documents."""
    with st.sidebar.expander("Add documents"):
        upload_form(store)


def upload_form(store: Store) -> None:
    """Upload documents of any readable kind, or paste text, each with its detected language to confirm."""
    document_forms(store)


def sidebar_glossary(store: Store, count: int) -> None:
    """The glossary's term count and its import."""
    ss = session()
    note = ss.pop("glossary_note", None)
    # The count is in the label, so an import makes a new expander: open it to show the outcome.
    with st.sidebar.expander(f"Glossary ({count} term{'s' if count != 1 else ''})", expanded=note is not None):
        st.caption("Danish → English terms (CSV/TSV with `danish,english` columns, or TBX). The QA check "
                   "*terminology* flags a sentence whose English lacks a term's rendering.")
        upload = st.file_uploader("Import a glossary", type=["csv", "tsv", "txt", "tbx", "xml"],
                                  key=f"glossary_{ss.setdefault('glossary_round', 0)}")
        if upload is not None and st.button("Import these terms", key="glossary_import"):
            try:
                terms = parse_glossary(upload.getvalue(), upload.name)
            except ValueError as exc:
                st.error(str(exc))
                return
            added = store.add_terms(terms, upload.name)
            ss["glossary_round"] += 1
            ss["glossary_note"] = f"{added} terms added, {len(terms) - added} already there."
            st.rerun()
        if note:
            st.success(note)


# --------------------------------------------------------------------------- export


def sidebar_export(doc: StoredDocument) -> None:
    """The export download: this document or the whole store, in any format."""
    # A spreadsheet gets a CSV with a byte-order mark and formula-like cells neutralised.
    choices = [*FORMATS, "excel"] if "csv" in FORMATS else list(FORMATS)
    labels = {**{name: f.label for name, f in FORMATS.items()}, "excel": EXCEL_LABEL}
    with st.sidebar.expander("Export"):
        whole = st.toggle("Whole store", key="export_all", help="Off: only this document.")
        choice = st.selectbox("Format", choices, key="export_format", format_func=lambda c: labels.get(c, c))
        stem = "bilingual" if whole else Path(doc.name).stem
        fmt, excel = ("csv", True) if choice == "excel" else (choice, False)
        st.download_button(f"Download {labels.get(choice, choice)}",
                           partial(export_bytes, None if whole else [doc.id], fmt, excel),
                           file_name=f"{stem}{'-excel' if excel else ''}{FORMATS[fmt].suffix}",
                           mime=FORMATS[fmt].mime,
                           key="export_download", on_click="ignore", icon=":material/download:")


def export_bytes(document_ids: list[int] | None, fmt: str, excel: bool = False) -> bytes:
    """The aligned export of some documents (all when None); runs when the download is clicked."""
    out = io.StringIO(newline="")
    with open_store() as store:
        write_records(export_records(store, document_ids), fmt, out, excel=excel)
    return out.getvalue().encode("utf-8")
