"""Documents into the store from the page: the seeds folder, uploaded files and pasted text.

The functions that read and store are free of Streamlit; ``document_forms`` draws the sidebar's
upload and paste boxes with them.
"""

from __future__ import annotations

from pathlib import Path

from bilingual.documents import (
    LANGUAGE_NAMES,
    READABLE_SUFFIXES,
    Document,
    DocumentError,
    DocumentMeta,
    document_from_bytes,
    parse_text,
)
from bilingual.segment import segment_document
from bilingual.store import Store
from bilingual.textio import normalise_newlines

# What the upload box takes: every kind a file reader reads, without the dot.
UPLOAD_TYPES = [suffix.lstrip(".") for suffix in READABLE_SUFFIXES]
PASTE_NAME = "pasted text"


def seed_files(*folders: str | Path) -> list[Path]:
    """The ``.txt``/``.md`` files of the first folder that has any (the project's ``seeds/``)."""
    for folder in folders:
        path = Path(folder)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".txt", ".md") and p.is_file())
            if files:
                return files
    return []


def upload_document(name: str, data: bytes, language: str | None = None) -> Document:
    """An uploaded file read by its kind (text, web page, PDF, Word); DocumentError when it cannot be read."""
    return document_from_bytes(data, name=name, language=language)


def upload_language(name: str, data: bytes) -> str:
    """The detected language (``da``/``en``) of an uploaded file; DocumentError if it cannot be read."""
    return upload_document(name, data).language


def import_upload(store: Store, name: str, data: bytes, language: str | None = None) -> tuple[int, bool]:
    """Store an uploaded file as a document in the given (or detected) language; return ``(id, created)``."""
    doc = upload_document(name, data, language)
    return store.add_document(doc, segment_document(doc))


def paste_document(text: str, name: str = "", language: str | None = None) -> Document:
    """Pasted text as a document, named by its first line unless a name is given; DocumentError when empty."""
    text = normalise_newlines(text).strip("\n")
    if not text.strip():
        raise DocumentError("the pasted text is empty")
    first = " ".join(text.strip().split("\n", 1)[0].split())
    name = " ".join(name.split()) or (first[:60].rstrip() or PASTE_NAME)
    return parse_text(text + "\n", name=name, language=language, meta=DocumentMeta(source_format="pasted"))


def paste_language(text: str) -> str:
    """The detected language (``da``/``en``) of pasted text; DocumentError when it is empty."""
    return paste_document(text).language


def import_paste(store: Store, text: str, language: str, name: str = "") -> tuple[int, bool]:
    """Store pasted text as a document in the chosen language; return ``(id, created)``."""
    doc = paste_document(text, name, language)
    return store.add_document(doc, segment_document(doc))


def source_line(meta: DocumentMeta) -> str:
    """What a document header shows of its source: ``2026-03-14 · Søren Ågård · https://...``; empty if none."""
    return " · ".join(part for part in (meta.date, meta.author, meta.site, meta.url) if part)


def document_forms(store: Store) -> None:
    """The sidebar's boxes to add documents: upload files of any readable kind, or paste text."""
    upload_box(store)
    paste_box(store)


def upload_box(store: Store) -> None:
    """Upload text, web page, PDF and Word files, each with its detected language to confirm, and import them."""
    import streamlit as st

    from bilingual.app.session import session, translate_documents

    ss = session()
    files = st.file_uploader("Upload documents (.txt, .md, .html, .pdf, .docx)", type=UPLOAD_TYPES,
                             accept_multiple_files=True, key=f"uploads_{ss['upload_round']}")
    if not files:
        return
    languages: dict[str, str] = {}
    for f in files:
        try:
            detected = upload_language(f.name, f.getvalue())
        except (DocumentError, ValueError) as exc:
            st.error(str(exc))
            continue
        languages[f.file_id] = st.selectbox(f"Language of {f.name}", list(LANGUAGE_NAMES),
                                            index=list(LANGUAGE_NAMES).index(detected), key=f"lang_{f.file_id}",
                                            format_func=lambda code: LANGUAGE_NAMES[code])
    if languages and st.button(f"Import {len(languages)} files", key=f"import_uploads_{ss['upload_round']}"):
        danish = []
        for f in files:
            if f.file_id in languages:
                doc_id, _created = import_upload(store, f.name, f.getvalue(), languages[f.file_id])
                if languages[f.file_id] == "da":
                    danish.append(doc_id)
        translate_documents(store, danish)
        ss["upload_round"] += 1
        if danish:
            ss["doc"] = danish[0]
        st.rerun()


def paste_box(store: Store) -> None:
    """A box to paste an article into, its language detected and changeable, stored as a document."""
    import streamlit as st

    from bilingual.app.session import session, translate_documents

    ss = session()
    round_ = ss["upload_round"]
    if not st.toggle("Paste text", key=f"paste_open_{round_}"):
        return
    text = st.text_area("Text to add", key=f"paste_text_{round_}", height=160)
    if not text.strip():
        return
    try:
        detected = paste_language(text)
    except (DocumentError, ValueError) as exc:
        st.error(str(exc))
        return
    name = st.text_input("Name", key=f"paste_name_{round_}", placeholder=paste_document(text).name)
    language = st.selectbox("Language of the pasted text", list(LANGUAGE_NAMES),
                            index=list(LANGUAGE_NAMES).index(detected), key=f"paste_lang_{round_}",
                            format_func=lambda code: LANGUAGE_NAMES[code])
    if st.button("Add the pasted text", key=f"import_paste_{round_}"):
        doc_id, _created = import_paste(store, text, language, name)
        if language == "da":
            translate_documents(store, [doc_id])
            ss["doc"] = doc_id
        ss["upload_round"] += 1
        st.rerun()
