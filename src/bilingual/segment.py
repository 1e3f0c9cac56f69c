"""Sentence segmentation with stable ids and character spans into the document text."""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

from bilingual.documents import Document, has_visible_text

# Abbreviations that never end a sentence: a split right after one is undone.
NEVER_FINAL_ABBREVIATIONS = {
    "da": {"bl.a.", "ca.", "f.eks.", "jf.", "pga.", "evt.", "inkl.", "ekskl.", "dvs.", "hhv.", "nr.", "stk.",
           "mht.", "vedr.", "iflg.", "ift.", "ifm.", "kl.", "s.", "bd.", "jvf.", "m.m.", "o.l.", "dr.", "hr.", "fr."},
    "en": {"u.s.", "u.k.", "e.g.", "i.e.", "feb.", "jan.", "mar.", "apr.", "aug.", "sep.", "sept.", "oct.",
           "nov.", "dec.", "mr.", "mrs.", "ms.", "dr.", "prof.", "gen.", "col.", "lt.", "sen.", "rep.", "gov.",
           "st.", "no.", "vs.", "approx.", "inc.", "corp.", "jr.", "sr."},
}
# Abbreviations that may end a sentence: kept split only when a capital letter follows.
_MAYBE_FINAL = {"da": {"mv.", "osv.", "m.fl.", "etc.", "mio.", "mia.", "kr."}, "en": {"etc.", "u.s."}}
_LAST_WORD = re.compile(r"(\S+)\s*$")


@dataclass(frozen=True)
class Segment:
    """A sentence: its place in the document, its text and its character span."""

    document: str
    paragraph: int
    index: int
    text: str
    start: int
    end: int
    furniture: str | None = None
    # The sentence's own language when its paragraph is not in the document's language; None: the document's.
    language: str | None = None

    @property
    def id(self) -> str:
        """Stable id ``document:paragraph:index``."""
        return f"{self.document}:{self.paragraph}:{self.index}"

    @property
    def text_hash(self) -> str:
        """Hash of the whitespace-normalised text: the key of translation memory and reviews."""
        return text_hash(self.text)


def text_hash(text: str) -> str:
    """SHA-256 of a sentence with its whitespace normalised, so re-wrapped text still matches."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


@functools.cache
def _segmenter(language: str):
    import pysbd

    return pysbd.Segmenter(language=language, clean=False, char_span=False)


def split_sentences(text: str, language: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of a paragraph; together they cover every non-space character."""
    pieces = _segmenter(language).segment(text)
    starts: list[int] = []
    cursor = 0
    for piece in pieces:
        stripped = piece.strip()
        if not stripped:
            continue
        found = text.find(stripped, cursor)
        if found < 0:  # the segmenter altered the text; resynchronise on the first character
            found = text.find(stripped[0], cursor)
        if found < 0:
            continue
        starts.append(found)
        cursor = found + 1
    if not starts:
        return [(0, len(text))] if text.strip() else []
    starts[0] = 0
    starts = _join_invisible(text, _undo_abbreviation_splits(text, starts, language))
    spans = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        spans.append((start + lead, start + len(chunk.rstrip())))
    return [(s, e) for s, e in spans if e > s]


def _undo_abbreviation_splits(text: str, starts: list[int], language: str) -> list[int]:
    never, maybe = NEVER_FINAL_ABBREVIATIONS.get(language, set()), _MAYBE_FINAL.get(language, set())
    kept = [starts[0]]
    for start in starts[1:]:
        before = _LAST_WORD.search(text[kept[-1] : start])
        word = before.group(1).lower().lstrip("(\"'“") if before else ""
        following = text[start : start + 1]
        if word in never or (word in maybe and not following.isupper()):
            continue
        kept.append(start)
    return kept


def _join_invisible(text: str, starts: list[int]) -> list[int]:
    """Sentence starts with no sentence of invisible characters alone (zero-width spaces, joiners ...).

    Such a piece joins the sentence before it (the first one, the sentence after), so its characters
    stay in a span but are never a sentence of their own to translate.
    """
    ends = [*starts[1:], len(text)]
    kept = starts[:1]
    for start, end in zip(starts[1:], ends[1:], strict=True):
        if has_visible_text(text[start:end]):
            kept.append(start)
    if len(kept) > 1 and not has_visible_text(text[kept[0] : kept[1]]):
        del kept[1]
    return kept


def segment_document(doc: Document) -> list[Segment]:
    """Split every paragraph of a document into sentences with stable ids and document spans.

    A paragraph in the other language than its document's is split by that language's rules.
    """
    segments: list[Segment] = []
    for para in doc.paragraphs:
        for index, (s, e) in enumerate(split_sentences(para.text, para.language or doc.language)):
            segments.append(Segment(doc.name, para.index, index, para.text[s:e], para.start + s, para.start + e,
                                    para.furniture, para.language))
    return segments
