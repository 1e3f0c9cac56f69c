"""Names a reviewer reads, free of Streamlit: document titles from their first heading, sentence labels."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bilingual.store import StoredParagraph

TITLE_LENGTH = 70
# A heading is short and does not end like a sentence.
_HEADING_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?:;,”\"]$")


def shorten(text: str, length: int = TITLE_LENGTH) -> str:
    """The text cut at a word boundary to at most ``length`` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def document_heading(paragraphs: Sequence[StoredParagraph], name: str) -> str:
    """A document's title: its first markdown heading, else a short first paragraph, else its first sentence."""
    body = [p for p in paragraphs if p.furniture is None and p.text.strip()]
    for p in body:
        if p.text.lstrip().startswith("#"):
            return shorten(p.text.lstrip().lstrip("#").strip())
    if not body:
        return name
    first = body[0].text.strip()
    if len(first.split()) <= _HEADING_WORDS and not _SENTENCE_END.search(first):
        return shorten(first)
    sentence = re.split(r"(?<=[.!?])\s+", first, maxsplit=1)[0]
    return shorten(sentence)


def sentence_label(paragraph: int, index: int) -> str:
    """A sentence's label as people count: paragraph and sentence from one, ``¶2 · 3``."""
    return f"¶{paragraph + 1} · {index + 1}"
