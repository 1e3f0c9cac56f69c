"""Documents as text: encoding, language, paragraphs and the Document every reader makes.

A document keeps its full decoded text; paragraphs are character spans into it, and page furniture
is only *marked* with a reason, never removed, so a reviewer can still see and override it. Every
reader (plain text here; HTML, PDF and Word beside it) ends in ``build_document``.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from bilingual.documents.chars import BULLET, has_visible_text, printable
from bilingual.documents.furniture import furniture_reasons

LANGUAGES = ("da", "en")
LANGUAGE_NAMES = {"da": "Danish", "en": "English"}
# A paragraph takes a language other than its document's only when it is long enough to tell and the
# identifier is this sure: on NTREX sentences of 40 letters or more it errs once in 3,600 at 0.5.
PARAGRAPH_MIN_LETTERS = 40
PARAGRAPH_MIN_CONFIDENCE = 0.95
# Paragraphs a reader builds are joined by a blank line, so the stored text reads as the plain-text form.
PARAGRAPH_JOIN = "\n\n"


class DocumentError(ValueError):
    """A file that cannot be read as a text document; the message names the file."""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph as a span of the document text, possibly marked as page furniture."""

    index: int
    start: int
    end: int
    text: str
    furniture: str | None = None
    # The paragraph's own language when it clearly is not the document's; None: the document's.
    language: str | None = None


@dataclass(frozen=True)
class DocumentMeta:
    """What a document says about itself beside its text; empty text where it says nothing.

    ``url`` and ``retrieved_at`` are set for a document fetched from an address; ``title``, ``date``,
    ``author`` and ``site`` come from a web page's or a file's own metadata.
    """

    url: str = ""
    retrieved_at: str = ""
    title: str = ""
    date: str = ""
    author: str = ""
    site: str = ""
    # The kind of source the text was read from: text, html, pdf or docx.
    source_format: str = "text"


@dataclass
class Document:
    """A decoded text document with its language and paragraphs."""

    name: str
    path: str
    text: str
    language: str
    encoding: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    # The paragraphs that read as the other language: they carry it, unless the language was given.
    other_language: list[int] = field(default_factory=list)
    meta: DocumentMeta = field(default_factory=DocumentMeta)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the decoded text: the document's identity in the store."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def title(self) -> str:
        """The title the source gives, else the first paragraph that is not furniture, shortened for display."""
        given = " ".join(self.meta.title.split())
        for text in [given] if given else [p.text for p in self.paragraphs if not p.furniture]:
            return text if len(text) <= 90 else text[:87].rstrip() + "..."
        return self.name


# --------------------------------------------------------------------------- encoding

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode file bytes to text and return ``(text, encoding)``; raise DocumentError if binary or empty."""
    if not data.strip():
        raise DocumentError(f"{name}: the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    if b"\x00" in data:
        raise DocumentError(f"{name}: looks like a binary file (it contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Legacy Danish text is almost always Windows-1252 (a superset of Latin-1's printable
    # range); a statistical guess on a short file is less reliable than this prior.
    try:
        text = data.decode("cp1252")
        if not _has_control_chars(text):
            return text, "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or _has_control_chars(str(best)):
        raise DocumentError(f"{name}: not a text file (no text encoding fits its bytes)")
    return str(best), best.encoding


def _has_control_chars(text: str) -> bool:
    return any(ord(c) < 32 and c not in "\t\n\r\f\v" for c in text)


# --------------------------------------------------------------------------- language


@functools.cache
def _language_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(LANGUAGES))
    return ident


def detect_language(text: str) -> str:
    """Return ``"da"`` or ``"en"`` for a text, from a character n-gram language identifier."""
    if not text.strip():
        raise ValueError("cannot detect the language of an empty text")
    language, _confidence = _language_identifier().classify(text[:20000])
    return language


def paragraph_language(text: str) -> str | None:
    """The language of a paragraph when it is long enough to tell and clearly one language, else None."""
    if sum(c.isalpha() for c in text) < PARAGRAPH_MIN_LETTERS:
        return None
    language, confidence = _language_identifier().classify(text[:20000])
    return language if confidence >= PARAGRAPH_MIN_CONFIDENCE else None



# --------------------------------------------------------------------------- paragraphs

_SENTENCE_END = re.compile(r"""[.!?:;…"”’»)\]]\s*$""")



def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Split text into paragraph spans: blank lines separate, and so do line breaks after a
    finished sentence, a heading or a bullet; other line breaks are soft wraps and stay inside."""
    spans: list[tuple[int, int]] = []
    offset = 0
    block: list[tuple[int, str]] = []  # (offset, line) of consecutive non-blank lines
    for line in [*text.split("\n"), ""]:
        line_start, offset = offset, offset + len(line) + 1
        if line.strip():
            block.append((line_start, line))
            continue
        if block:
            spans.extend(_split_block(block))
            block = []
    return spans


def _split_block(block: list[tuple[int, str]]) -> list[tuple[int, int]]:
    widest = max(len(line.strip()) for _, line in block)
    spans: list[tuple[int, int]] = []
    start: int | None = None
    end = 0
    prev = ""
    for line_start, line in block:
        stripped = line.strip()
        if start is not None and _breaks_paragraph(prev, stripped, widest):
            spans.append((start, end))
            start = None
        if start is None:
            start = line_start + len(line) - len(line.lstrip())
        end = line_start + len(line.rstrip())
        prev = stripped
    if start is not None:
        spans.append((start, end))
    return spans


def _breaks_paragraph(previous: str, current: str, widest: int) -> bool:
    if BULLET.match(current) or BULLET.match(previous):
        return True
    if current[:1].islower():
        return False  # a soft wrap in the middle of a sentence (or after an abbreviation such as "U.S.")
    if _SENTENCE_END.search(previous):
        return True
    # A line much shorter than its neighbours, without final punctuation, is a heading or a label.
    return len(previous) < 0.6 * widest or len(previous) < 40


# --------------------------------------------------------------------------- building


def parse_text(text: str, name: str, path: str = "", encoding: str = "utf-8", language: str | None = None,
               meta: DocumentMeta | None = None) -> Document:
    """Build a Document from decoded text: paragraphs, furniture and language (unless given).

    A detected document language is overridden per paragraph where a paragraph clearly reads as the
    other language; a given one is not, but ``other_language`` still lists those paragraphs.
    """
    shown = printable(name)
    spans = split_paragraphs(text)
    if not spans:
        raise DocumentError(f"{shown}: the file has no text")
    if not has_visible_text(text):
        raise DocumentError(f"{shown}: the file has no visible text (only spaces, zero-width or control characters)")
    texts = [text[s:e] for s, e in spans]
    reasons = furniture_reasons(texts)
    paragraphs = [Paragraph(i, s, e, t, r) for i, ((s, e), t, r) in enumerate(zip(spans, texts, reasons, strict=True))]
    return _with_language(Document(name=name, path=path, text=text, language="", encoding=encoding,
                                   paragraphs=paragraphs, meta=meta or DocumentMeta()), language)


def build_document(blocks: Sequence[tuple[str, str | None]], name: str, path: str = "", encoding: str = "utf-8",
                   language: str | None = None, meta: DocumentMeta | None = None) -> Document:
    """Build a Document from a reader's paragraphs in order, each ``(text, furniture reason or None)``.

    Runs of whitespace inside a paragraph become one space; paragraphs are joined by a blank line. The
    plain-text furniture rules still mark what the reader left as content (a byline inside an
    article), and the language is detected on the content as for a text file.
    """
    shown = printable(path or name)
    flat = [(" ".join(text.split()), reason) for text, reason in blocks]
    flat = [(text, reason) for text, reason in flat if text]
    if not any(reason is None and has_visible_text(text) for text, reason in flat):
        raise DocumentError(f"{shown}: no article text found")
    detected = furniture_reasons([text if reason is None else "" for text, reason in flat])
    paragraphs, offset = [], 0
    for i, (text, reason) in enumerate(flat):
        paragraphs.append(Paragraph(i, offset, offset + len(text), text, reason or detected[i]))
        offset += len(text) + len(PARAGRAPH_JOIN)
    text = PARAGRAPH_JOIN.join(text for text, _ in flat)
    return _with_language(Document(name=name, path=path, text=text, language="", encoding=encoding,
                                   paragraphs=paragraphs, meta=meta or DocumentMeta()), language)


def _with_language(doc: Document, language: str | None) -> Document:
    given = language is not None
    if language is None:
        body = "\n".join(p.text for p in doc.paragraphs if not p.furniture) or doc.text
        language = detect_language(body)
    elif language not in LANGUAGES:
        raise DocumentError(f"{printable(doc.name)}: unsupported language {language!r} "
                            f"(expected one of {', '.join(LANGUAGES)})")
    doc.language = language
    doc.other_language = [p.index for p in doc.paragraphs if paragraph_language(p.text) not in (None, language)]
    if not given:
        marked = set(doc.other_language)
        doc.paragraphs = [replace(p, language=_other(language)) if p.index in marked else p for p in doc.paragraphs]
    return doc


def _other(language: str) -> str:
    return next(code for code in LANGUAGES if code != language)
