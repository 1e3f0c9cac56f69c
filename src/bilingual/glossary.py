"""A termbase of Danish→English terms: reading CSV/TSV and TBX files, and finding terms in text.

A :class:`Term` is a Danish term with its accepted English renderings (the first preferred). A
:class:`Glossary` indexes terms for matching; :func:`find_terms` finds them in a Danish text and
:func:`term_rendered` says whether an English text renders one. The QA check ``term``
(``bilingual.quality``) and ``bilingual glossary check`` are built on these.

Matching rules:

- Text is split into words (letters and digits; an apostrophe inside a word is kept, a possessive
  ``'s`` is dropped). Any other character, a hyphen included, ends a word, so ``ISIL`` is found in
  ``ISIL-bekæmpelsen`` but ``koalitionen`` is not found in the compound ``koalitionslande``, and
  ``Mosul`` not in ``Mosulområdet``: a term matches whole words only.
- Words are lower-cased and stemmed with the Snowball stemmer of their language (Danish for the
  Danish side, English for the English side), so inflected forms match: ``Forsvarsministeriet``,
  ``forsvarsministeriets``; ``koalitionen``, ``koalitionens``; ``ISIL``, ``ISILs``; ``Ministry of
  Defence``, ``Ministry of Defence's``, ``ministries of defence``. Stemming also joins some words
  that differ in meaning (``styrke`` "strength" and ``styrker`` "forces" share a stem), and it does
  not join forms that change inside the word (``ministeriet`` / ``ministerium``): list those forms
  as terms of their own.
- A term of several words matches the same stems in a row, separated only by spaces or hyphens
  (punctuation between two words breaks the match). Where found terms overlap, the longest wins.
- An English rendering's leading article (``the``, ``a``, ``an``) is optional: ``the Danish
  Parliament`` is rendered by ``Danish Parliament's``.
- Terms with the same Danish stems (``Folketinget`` and ``folketing``) are one entry whose
  renderings are those of both, so a translation with either passes.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bilingual.textio import decode_csv

# Several English renderings share one CSV cell, separated by "|": a ";" would clash with the
# semicolon-separated CSV that spreadsheets save in Danish locales.
RENDERING_SEPARATOR = "|"
CSV_COLUMNS = ("danish", "english", "note")
TBX_SUFFIXES = (".tbx", ".xml")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
# TBX administrative statuses whose term must not be used in a translation.
_REJECTED_STATUSES = ("deprecatedterm", "supersededterm", "notrecommended")
_PREFERRED_STATUSES = ("preferredterm",)
_LEADING_ARTICLES = ("the", "a", "an")
_STEMMER_LANGUAGES = {"da": "danish", "en": "english"}

# A word: letters and digits (combining marks too, for a decomposed å), with apostrophes inside.
_WORD_CHAR = r"(?:[^\W_]|[\u0300-\u036f])"
_TOKEN = re.compile(rf"[^\W_]{_WORD_CHAR}*(?:['’]{_WORD_CHAR}+)*")
# What may stand between two words of one term: spaces and hyphens only.
_JOINABLE_GAP = re.compile(r"[\s\-‐‑–—]*")


@dataclass(frozen=True)
class Term:
    """A Danish term, its accepted English renderings (the first preferred) and a note for the translator."""

    danish: str
    english: tuple[str, ...]
    note: str = ""
    # Where the term came from (a file name, "command line"): shown in lists, not part of the term's identity.
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        danish = " ".join(str(self.danish).split())
        raw = (self.english,) if isinstance(self.english, str) else tuple(self.english)
        english = tuple(dict.fromkeys(" ".join(str(e).split()) for e in raw if str(e).strip()))
        if not danish:
            raise ValueError("a term needs its Danish text")
        if not english:
            raise ValueError(f"the term {danish!r} needs at least one English rendering")
        object.__setattr__(self, "danish", danish)
        object.__setattr__(self, "english", english)
        object.__setattr__(self, "note", " ".join(str(self.note or "").split()))

    @property
    def preferred(self) -> str:
        """The preferred English rendering."""
        return self.english[0]


@dataclass(frozen=True)
class TermHit:
    """A glossary term found in a Danish text: the term and the character span it was found at."""

    term: Term
    start: int
    end: int
    text: str


# --------------------------------------------------------------------------- words and stems


@dataclass(frozen=True)
class _Token:
    stem: str
    start: int
    end: int
    # Whether only spaces or hyphens separate this word from the one before it.
    joined: bool


_local = threading.local()


def _stemmer(language: str) -> Any:
    # Snowball stemmers keep state while they work, so each thread (the review app serves sessions
    # in threads) gets its own.
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if language not in stemmers:
        import snowballstemmer

        stemmers[language] = snowballstemmer.stemmer(_STEMMER_LANGUAGES[language])
    return stemmers[language]


@functools.lru_cache(maxsize=65536)
def stem(word: str, language: str) -> str:
    """The lower-case Snowball stem of one word (``language`` ``da`` or ``en``), possessive ``'s`` dropped."""
    word = unicodedata.normalize("NFC", word).lower().replace("’", "'")
    if word.endswith("'s") and len(word) > 2:
        word = word[:-2]
    return _stemmer(language).stemWord(word)


@functools.lru_cache(maxsize=4096)
def _tokens(text: str, language: str) -> tuple[_Token, ...]:
    out = []
    previous_end = None
    for m in _TOKEN.finditer(text):
        joined = previous_end is not None and _JOINABLE_GAP.fullmatch(text, previous_end, m.start()) is not None
        out.append(_Token(stem(m.group(0), language), m.start(), m.end(), joined))
        previous_end = m.end()
    return tuple(out)


def word_stems(text: str, language: str) -> tuple[tuple[str, int, int, bool], ...]:
    """Each word as ``(stem, start, end, joined)``: joined when only spaces or hyphens precede it."""
    return tuple((t.stem, t.start, t.end, t.joined) for t in _tokens(text, language))


def stems(text: str, language: str) -> tuple[str, ...]:
    """The stems of the words of a text, in order (``language`` ``da`` or ``en``)."""
    return tuple(t.stem for t in _tokens(text, language))


def _runs_at(tokens: Sequence[_Token], i: int, key: Sequence[str]) -> bool:
    """Whether the stems ``key`` stand at ``tokens[i:]``, one word after another with no punctuation between."""
    n = len(key)
    if i + n > len(tokens):
        return False
    return all(tokens[i + k].stem == key[k] and (k == 0 or tokens[i + k].joined) for k in range(n))


@functools.lru_cache(maxsize=16384)
def _rendering_key(rendering: str) -> tuple[str, ...]:
    words = [m.group(0) for m in _TOKEN.finditer(rendering)]
    if len(words) > 1 and words[0].lower() in _LEADING_ARTICLES:
        words = words[1:]
    return tuple(stem(w, "en") for w in words)


def term_rendered(english_text: str, term: Term) -> bool:
    """Whether an English text contains one of the term's renderings (stemmed, case-insensitive)."""
    tokens = _tokens(english_text, "en")
    positions: dict[str, list[int]] = {}
    for i, token in enumerate(tokens):
        positions.setdefault(token.stem, []).append(i)
    for rendering in term.english:
        key = _rendering_key(rendering)
        if key and any(_runs_at(tokens, i, key) for i in positions.get(key[0], ())):
            return True
    return False


# --------------------------------------------------------------------------- the index


class Glossary:
    """Terms indexed by the stem of their first Danish word, for fast lookups in many sentences.

    Build it once per glossary (``Glossary(store.terms())``) and use it for every sentence.
    """

    def __init__(self, terms: Iterable[Term] = ()):
        merged: dict[tuple[str, ...], Term] = {}
        for term in terms:
            key = stems(term.danish, "da")
            if not key:
                continue  # no word to look for ("%", "-")
            if key in merged:
                first = merged[key]
                merged[key] = Term(first.danish, first.english + term.english, first.note or term.note, first.source)
            else:
                merged[key] = term
        self._keys = merged
        self._index: dict[str, list[tuple[tuple[str, ...], Term]]] = {}
        for key, term in merged.items():
            self._index.setdefault(key[0], []).append((key, term))
        # Equal glossaries hash alike, so a cache keyed on (text, glossary) survives rebuilding the index.
        self._hash = hash(tuple(merged.values()))

    def __len__(self) -> int:
        return len(self._keys)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Glossary):
            return NotImplemented
        return self is other or (self._hash == other._hash and list(self._keys.values()) == list(other._keys.values()))

    def __hash__(self) -> int:
        return self._hash

    def __bool__(self) -> bool:
        return bool(self._keys)

    @property
    def terms(self) -> list[Term]:
        """The terms, those with the same Danish stems merged into one."""
        return list(self._keys.values())

    def find(self, danish_text: str) -> list[TermHit]:
        """The terms found in a Danish text, in text order, the longest where found terms overlap."""
        if not self._keys:
            return []
        tokens = _tokens(danish_text, "da")
        found: list[tuple[int, int, Term]] = []  # (first token, token count, term)
        for i, token in enumerate(tokens):
            for key, term in self._index.get(token.stem, ()):
                if _runs_at(tokens, i, key):
                    found.append((i, len(key), term))
        if not found:
            return []

        def span(hit: tuple[int, int, Term]) -> tuple[int, int]:
            return tokens[hit[0]].start, tokens[hit[0] + hit[1] - 1].end

        # Longest first (in words, then characters), then leftmost; a hit overlapping a kept one is dropped.
        found.sort(key=lambda h: (-h[1], -(span(h)[1] - span(h)[0]), h[0]))
        taken: set[int] = set()
        kept = []
        for hit in found:
            words = set(range(hit[0], hit[0] + hit[1]))
            if words & taken:
                continue
            taken |= words
            kept.append(hit)
        hits = []
        for first, count, term in sorted(kept, key=lambda h: h[0]):
            start, end = span((first, count, term))
            hits.append(TermHit(term, start, end, danish_text[start:end]))
        return hits

    def check(self, danish_text: str, english_text: str) -> list[tuple[TermHit, bool]]:
        """Each term found in the Danish with whether the English renders it."""
        return [(hit, term_rendered(english_text, hit.term)) for hit in self.find(danish_text)]


def as_glossary(terms: Glossary | Iterable[Term] | None) -> Glossary:
    """A Glossary as it is, or one built from terms (build it once when checking many sentences)."""
    if isinstance(terms, Glossary):
        return terms
    return Glossary(terms or ())


def find_terms(danish_text: str, glossary: Glossary | Iterable[Term]) -> list[TermHit]:
    """The glossary terms found in a Danish text (inflected forms too), in text order; the longest wins."""
    return as_glossary(glossary).find(danish_text)


def missing_terms(danish_text: str, english_text: str, glossary: Glossary | Iterable[Term]) -> list[TermHit]:
    """The terms found in the Danish that the English does not render, each term once."""
    return unrendered(as_glossary(glossary).find(danish_text), english_text)


def unrendered(hits: Iterable[TermHit], english_text: str) -> list[TermHit]:
    """The first hit of each term that the English text does not render, in the order given."""
    missing, seen = [], set()
    for hit in hits:
        if hit.term in seen:
            continue
        seen.add(hit.term)
        if not term_rendered(english_text, hit.term):
            missing.append(hit)
    return missing


def expected_text(term: Term) -> str:
    """The renderings of a term for a message: ``"Ministry of Defence" or "Defence Ministry"``."""
    return " or ".join(f'"{e}"' for e in term.english)


# --------------------------------------------------------------------------- reading files


def split_renderings(cell: str) -> tuple[str, ...]:
    """The English renderings of a CSV cell, separated by ``|``."""
    return tuple(part.strip() for part in cell.split(RENDERING_SEPARATOR) if part.strip())


def _decode(data: bytes, name: str) -> str:
    # A glossary CSV comes from the same spreadsheets as an edited export: the same decoding.
    if b"\x00" in data:
        raise ValueError(f"{name}: not a text file (it holds binary data); expected CSV, TSV or TBX")
    return decode_csv(data, name).removeprefix("\ufeff")


def read_csv_terms(text: str, name: str = "<csv>", delimiter: str | None = None) -> list[Term]:
    """Terms from CSV/TSV text with a header ``danish,english[,note]``; several renderings split by ``|``.

    The delimiter (``,`` ``;`` or tab) is taken from the header row unless given. A missing column
    or a row without its Danish or English text is a ValueError naming the file and line.
    """
    text = text.removeprefix("\ufeff")
    header = next((line for line in text.splitlines() if line.strip()), "")
    if not header:
        raise ValueError(f"{name}: the file is empty; expected a header row danish,english[,note]")
    if delimiter is None:
        delimiter = max(("\t", ",", ";"), key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: list[str] = []
    for cells in reader:
        if any(c.strip() for c in cells):
            columns = [c.strip().lower() for c in cells]
            break
    missing = [c for c in CSV_COLUMNS[:2] if c not in columns]
    if missing:
        shown = delimiter.join(columns) if delimiter != "\t" else "\\t".join(columns)
        raise ValueError(f"{name}: line {reader.line_num}: the header lacks the column(s) {', '.join(missing)} "
                         f"(found {shown!r}; expected danish,english[,note])")
    where = {c: columns.index(c) for c in CSV_COLUMNS if c in columns}
    terms = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue

            def cell(column: str, cells: list[str] = cells) -> str:
                i = where.get(column)
                return cells[i].strip() if i is not None and i < len(cells) else ""

            danish, english = cell("danish"), split_renderings(cell("english"))
            if not danish or not english:
                lacking = "Danish" if not danish else "English"
                raise ValueError(f"{name}: line {reader.line_num}: the row has no {lacking} text")
            terms.append(Term(danish, english, cell("note")))
    except csv.Error as exc:
        raise ValueError(f"{name}: line {reader.line_num}: {exc}") from None
    return terms


def _local_name(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _language(element: Any) -> str:
    lang = element.get("{http://www.w3.org/XML/1998/namespace}lang") or element.get("lang") or ""
    return lang.split("-")[0].split("_")[0].lower()


def _text(element: Any) -> str:
    """An element's text, whitespace normalised; entity references (never expanded here) are left out."""
    return " ".join("".join(_text_parts(element)).split())


def _text_parts(element: Any) -> list[str]:
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts += _text_parts(child)
        parts.append(child.tail or "")
    return parts


def _status(term_element: Any) -> str:
    """The administrative status of a TBX term (``preferredterm``, ``deprecatedterm`` ...), lower case."""
    container = term_element.getparent()
    holders = [container]
    if container is not None and _local_name(container) == "termGrp" and container.getparent() is not None:
        holders.append(container.getparent())  # TBX v2 <ntig><termGrp><term/><termNote/></termGrp></ntig>
    for holder in holders:
        # a term straight under its language section has no status of its own
        if holder is None or _local_name(holder) not in ("tig", "ntig", "termGrp", "termSec"):
            continue
        for child in holder.iter():
            local = _local_name(child)
            # DCA style: <termNote type="administrativeStatus">; DCT style (TBX v3): <basic:administrativeStatus>
            if (local == "termNote" and child.get("type") == "administrativeStatus") or local == "administrativeStatus":
                return _text(child).lower().split("-")[0]
    return ""


def _entry_note(entry: Any) -> str:
    for child in entry.iter():
        if _local_name(child) == "note" and _text(child):
            return _text(child)
    for child in entry.iter():
        if _local_name(child) in ("descrip", "definition") and child.get("type", "definition") == "definition":
            if _text(child):
                return _text(child)
    return ""


def read_tbx_terms(data: bytes | str, name: str = "<tbx>") -> list[Term]:
    """Terms from a TBX file: v2 (``martif``, ``termEntry``, ``langSet``, ``tig``) or v3 (``tbx``, ``conceptEntry``).

    Both element names of each level are read in either version (``langSet``/``langSec``,
    ``tig``/``ntig``/``termSec``), in DCA and DCT style. Each entry's Danish (``da``) terms become
    terms whose renderings are the entry's English (``en``) terms, preferred ones first and
    deprecated or superseded ones left out. The entry's first ``note`` (else its definition) is the
    note. An entry without a Danish or an English term is a ValueError naming the file, the entry
    and its line. No entity is expanded and nothing is
    fetched from the network.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                             remove_pis=True, huge_tree=False)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if b"\x00" in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError(f"{name}: not a TBX file (it holds binary data)")
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"{name}: line {exc.lineno}: not well-formed XML: {exc.msg}") from None
    if root is None or _local_name(root) not in ("martif", "tbx"):
        found = _local_name(root) if root is not None else "nothing"
        raise ValueError(f"{name}: not a TBX file: the root element is <{found}>, not <martif> or <tbx>")
    entries = [e for e in root.iter() if _local_name(e) in ("termEntry", "conceptEntry")]
    if not entries:
        raise ValueError(f"{name}: the TBX file has no <termEntry> or <conceptEntry>")
    terms = []
    for number, entry in enumerate(entries, start=1):
        label = f"entry {number}" + (f" (id {entry.get('id')})" if entry.get("id") else "")
        sides: dict[str, list[tuple[str, str]]] = {"da": [], "en": []}
        for section in entry:
            if _local_name(section) not in ("langSet", "langSec"):
                continue
            language = _language(section)
            if language not in sides:
                continue
            for term in section.iter():
                if _local_name(term) == "term" and _text(term):
                    sides[language].append((_text(term), _status(term)))
        for language, word in (("da", "Danish"), ("en", "English")):
            if not sides[language]:
                raise ValueError(f"{name}: {label}, line {entry.sourceline}: no {word} ({language}) term")
        english = [t for t, status in sides["en"] if status in _PREFERRED_STATUSES]
        english += [t for t, status in sides["en"] if status not in _PREFERRED_STATUSES + _REJECTED_STATUSES]
        if not english:
            raise ValueError(f"{name}: {label}, line {entry.sourceline}: every English term is deprecated")
        note = _entry_note(entry)
        terms += [Term(danish, tuple(english), note) for danish, _ in sides["da"]]
    return terms


def looks_like_tbx(data: bytes, name: str = "") -> bool:
    """Whether glossary data is TBX: by the ``.tbx``/``.xml`` suffix, else by an XML start."""
    if name.lower().endswith(TBX_SUFFIXES):
        return True
    if name.lower().endswith(CSV_SUFFIXES):
        return False
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def parse_glossary(data: bytes, name: str) -> list[Term]:
    """Terms from the bytes of a CSV, TSV or TBX file, told apart by ``name``'s suffix, else by content."""
    if not data.strip():
        raise ValueError(f"{name}: the file is empty")
    if looks_like_tbx(data, name):
        return read_tbx_terms(data, name)
    delimiter = "\t" if name.lower().endswith(".tsv") else None
    return read_csv_terms(_decode(data, name), name, delimiter)


def read_glossary(path: str | Path) -> list[Term]:
    """Terms from a CSV, TSV or TBX file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    return parse_glossary(data, str(path))
