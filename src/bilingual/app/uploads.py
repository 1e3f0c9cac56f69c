"""Documents into the store from the page, free of Streamlit: the seeds folder and uploaded files."""

from __future__ import annotations

from pathlib import Path

from bilingual.documents import decode_bytes, parse_text
from bilingual.pipeline import add_document_bytes
from bilingual.store import Store
from bilingual.textio import normalise_newlines


def seed_files(*folders: str | Path) -> list[Path]:
    """The ``.txt``/``.md`` files of the first folder that has any (the project's ``seeds/``)."""
    for folder in folders:
        path = Path(folder)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".txt", ".md") and p.is_file())
            if files:
                return files
    return []


def upload_language(name: str, data: bytes) -> str:
    """The detected language (``da``/``en``) of an uploaded file; DocumentError if it is not text."""
    text, encoding = decode_bytes(data, name)
    return parse_text(normalise_newlines(text), name=name, encoding=encoding).language


def import_upload(store: Store, name: str, data: bytes, language: str | None = None) -> tuple[int, bool]:
    """Store an uploaded file as a document in the given (or detected) language; return ``(id, created)``."""
    return add_document_bytes(store, name, data, language)
