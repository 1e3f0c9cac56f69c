"""Reading documents: encoding, language, paragraphs and page furniture.

A document keeps its full decoded text; paragraphs are character spans into it, and
page furniture (comment rules, promotions, bylines, reference lists) is only *marked*
with a reason, never removed, so a reviewer can still see and override it.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

LANGUAGES = ("da", "en")
LANGUAGE_NAMES = {"da": "Danish", "en": "English"}
READABLE_SUFFIXES = (".txt", ".md")
# A paragraph takes a language other than its document's only when it is long enough to tell and the
# identifier is this sure: on NTREX sentences of 40 letters or more it errs once in 3,600 at 0.5.
PARAGRAPH_MIN_LETTERS = 40
PARAGRAPH_MIN_CONFIDENCE = 0.95
INVISIBLE_TEXT = "invisible text"


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

    @property
    def content_hash(self) -> str:
        """SHA-256 of the decoded text: the document's identity in the store."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def title(self) -> str:
        """The first paragraph that is not furniture, shortened for display."""
        for p in self.paragraphs:
            if not p.furniture:
                return p.text if len(p.text) <= 90 else p.text[:87].rstrip() + "..."
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


# --------------------------------------------------------------------------- invisible and control characters

# Letters and symbols that render as blank space (Hangul fillers, the blank Braille pattern).
_BLANK_GRAPHICS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_SHOWN_CATEGORIES = ("L", "N", "P", "S")
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def has_visible_text(text: str) -> bool:
    """Whether a text shows anything: a letter, digit, punctuation or symbol that is not blank.

    Zero-width spaces and joiners, word joiners, byte-order marks, controls and lone combining
    marks show nothing, and a sentence of them only is no sentence to translate.
    """
    return any(unicodedata.category(c)[0] in _SHOWN_CATEGORIES and c not in _BLANK_GRAPHICS for c in text)


def printable(text: str) -> str:
    """A text safe to print on a terminal: control, format and line-separator characters as escapes.

    A BEL, an ANSI escape sequence or a right-to-left override in a document or a file name would
    otherwise ring, repaint or reorder the terminal; ``\\x07`` shows what is there instead.
    """
    if all(c.isprintable() or c == " " for c in text):
        return text
    return "".join(c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in _ESCAPED_CATEGORIES
                   else c for c in text)


# --------------------------------------------------------------------------- paragraphs

_SENTENCE_END = re.compile(r"""[.!?:;…"”’»)\]]\s*$""")
_BULLET = re.compile(r"^\s*[•·▪◦*\-–]\s+")


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
    if _BULLET.match(current) or _BULLET.match(previous):
        return True
    if current[:1].islower():
        return False  # a soft wrap in the middle of a sentence (or after an abbreviation such as "U.S.")
    if _SENTENCE_END.search(previous):
        return True
    # A line much shorter than its neighbours, without final punctuation, is a heading or a label.
    return len(previous) < 0.6 * widest or len(previous) < 40


# --------------------------------------------------------------------------- furniture

# A heading after which the rest of the page is not the article.
_TAIL_HEADINGS = re.compile(
    r"^(comments?|post a comment|leave a (comment|reply)|the latest|latest news|related( articles| stories)?|"
    r"more from|read more|you may also like|references|sources|kommentarer|relaterede artikler|"
    r"læs også|se også|mest læste)\s*:?$",
    re.IGNORECASE,
)
_FURNITURE_LINE = [
    ("read also", re.compile(r"^(read also|see also|læs også|læs mere)\s*:", re.IGNORECASE)),
    ("byline", re.compile(r"^(written by|by|af|post author|skrevet af)\b.{0,60}$", re.IGNORECASE)),
    ("category", re.compile(r"^(post category|category|kategori|tags?)\s*:", re.IGNORECASE)),
    ("byline", re.compile(r"^•?\s*post (author|category)\s*:", re.IGNORECASE)),
    ("navigation", re.compile(r"^you are currently viewing\b", re.IGNORECASE)),
    ("navigation", re.compile(r"^(share( this)?|print|a\+ a-|required|advertisement|"
                              r"annonce|sponsored|photo:.*|foto:.*)$", re.IGNORECASE)),
    ("date", re.compile(r"^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$|^\d{4}-\d{2}-\d{2}$")),
    ("comment rules", re.compile(r"\b(moderates? all comments|community guidelines|comments? (that|which) "
                                 r"(do not|don't)|we will not tolerate|approved for publication)\b",
                                 re.IGNORECASE)),
    ("reference", re.compile(r"\[online\]|available at:|\(\d{4}, [A-Z][a-z]+ \d{1,2}\)|^doi:|^https?://",
                             re.IGNORECASE)),
]
_NAME_LINE = re.compile(r"^[A-ZÆØÅ][\w'’-]+( [A-ZÆØÅ][\w.'’-]*){1,3}$")
_PROMOTION = re.compile(
    r"\b(is your gateway to|subscribe (to|now)|sign up for|newsletter|tilmeld dig|abonn[ée]r)\b", re.IGNORECASE
)


def furniture_reasons(paragraph_texts: list[str]) -> list[str | None]:
    """Mark each paragraph with the reason it is page furniture, or None if it is article text."""
    reasons: list[str | None] = []
    seen: set[str] = set()
    tail: str | None = None
    for text in paragraph_texts:
        flat = " ".join(text.split())
        key = flat.casefold()
        reason: str | None = tail
        if not has_visible_text(flat):
            reason = INVISIBLE_TEXT  # kept in the document, but there is nothing to translate or align
        elif reason is None:
            if _TAIL_HEADINGS.match(flat):
                reason = tail = "after the article: " + flat.rstrip(":").lower()
            elif _PROMOTION.search(flat):
                reason = tail = "promotion"
            else:
                for label, pattern in _FURNITURE_LINE:
                    if pattern.search(flat):
                        reason = label
                        break
                if reason == "reference":
                    tail = "reference list"
        if reason is None and key in seen:
            reason = "repeated line"
        if reason is None and _BULLET.match(text) and len(flat) < 120:
            reason = "link list"
        seen.add(key)
        reasons.append(reason)
    # A short name printed twice in a row is an author line (and its avatar caption).
    for i in range(len(paragraph_texts) - 1):
        a, b = paragraph_texts[i].strip(), paragraph_texts[i + 1].strip()
        if a == b and _NAME_LINE.match(a):
            reasons[i] = reasons[i + 1] = reasons[i] or "byline"
    return reasons


# --------------------------------------------------------------------------- loading


def parse_text(text: str, name: str, path: str = "", encoding: str = "utf-8", language: str | None = None) -> Document:
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
    given = language is not None
    if language is None:
        body = "\n".join(p.text for p in paragraphs if not p.furniture) or text
        language = detect_language(body)
    elif language not in LANGUAGES:
        raise DocumentError(f"{shown}: unsupported language {language!r} (expected one of {', '.join(LANGUAGES)})")
    other = [p.index for p in paragraphs if paragraph_language(p.text) not in (None, language)]
    if not given:
        marked = set(other)
        paragraphs = [replace(p, language=_other(language)) if p.index in marked else p for p in paragraphs]
    return Document(name=name, path=path, text=text, language=language, encoding=encoding, paragraphs=paragraphs,
                    other_language=other)


def _other(language: str) -> str:
    return next(code for code in LANGUAGES if code != language)


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """The files to read: each file as given, each folder as its .txt and .md entries in name order.

    Every entry of a folder named .txt or .md that is not a folder is an input, so a broken link or
    an unreadable file among them is reported rather than passed over.
    """
    out: list[Path] = []
    for path in map(Path, paths):
        if not path.is_dir():
            out.append(path)
            continue
        try:
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in READABLE_SUFFIXES and not p.is_dir())
        except OSError as exc:
            raise DocumentError(f"{printable(str(path))}: cannot list the folder ({exc.strerror or exc}); "
                                "make it readable (chmod u+rx) or leave it out") from exc
        if not found:
            raise DocumentError(f"{printable(str(path))}: a folder with no .txt or .md file in it")
        out.extend(found)
    return out


def _check_file(p: Path, shown: str) -> None:
    if p.is_symlink() and not p.exists():
        raise DocumentError(f"{shown}: a broken symbolic link (to {printable(os.readlink(p))}, which does not exist); "
                            "remove it or point it at a file")
    if not p.exists():
        raise DocumentError(f"{shown}: no such file")
    if p.is_dir():
        raise DocumentError(f"{shown}: is a folder, not a file")
    if not p.is_file():
        # a pipe or a device would block the read or never end
        raise DocumentError(f"{shown}: not a regular file (a pipe, socket or device); give a .txt or .md file")


def read_file(path: str | Path) -> bytes:
    """The bytes of a regular file; DocumentError naming the file when it is missing, not a file or unreadable."""
    p = Path(path)
    shown = printable(str(p))
    _check_file(p, shown)
    try:
        return p.read_bytes()
    except PermissionError as exc:
        raise DocumentError(f"{shown}: cannot read the file ({exc.strerror}); make it readable (chmod u+r) "
                            "or leave it out") from exc
    except OSError as exc:
        raise DocumentError(f"{shown}: cannot read the file ({exc.strerror or exc})") from exc


def load_document(path: str | Path, language: str | None = None) -> Document:
    """Read a .txt or .md file into a Document; raise DocumentError with the file name on bad input."""
    p = Path(path)
    shown = printable(str(p))
    _check_file(p, shown)
    if p.suffix.lower() not in READABLE_SUFFIXES:
        raise DocumentError(f"{shown}: unsupported file type {printable(p.suffix) or '(none)'!r}; expected .txt or .md")
    text, encoding = decode_bytes(read_file(p), shown)
    return parse_text(text.replace("\r\n", "\n").replace("\r", "\n"), name=p.name, path=str(p),
                      encoding=encoding, language=language)
