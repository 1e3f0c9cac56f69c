"""The facts of a sentence: numbers with what they count, dates and years, and names, read in Danish or English.

Numbers are read with the conventions of the sentence's language (``bilingual.align.parse_number``:
``332,5`` and ``1.000`` in Danish, ``332.5`` and ``1,000`` in English), scaled by the word after
them (``millioner``/``million``, ``mia.``/``bn``), given the unit after or before them
(``kroner``/``DKK``, ``soldater``/``soldiers``, ``%``) and the qualifier before them (``op til ca.``,
``about``, ``up to``). So ``op til ca. 150 soldater`` and ``up to about 150 soldiers`` read the same,
as do ``332,5 millioner kroner`` and ``DKK 332.5 million``. Four digits in a plausible range with no
unit are a year; a day and month (``10. februar``, ``February 10``), a month and year or a
numeric date (``17-02-2020``) are dates. Names are the capitalised runs of words that do not open
a sentence (``bilingual.quality.name_groups``), with a guess at what they name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bilingual.align import parse_number
from bilingual.factcheck.lexicon import (
    AMBIGUOUS_MONTHS,
    CLOCK_AFTER,
    CLOCK_BEFORE,
    LEADING_UNITS,
    MONTHS,
    NUMBER_WORDS,
    ORGANISATION_WORDS,
    PERSON_TITLES,
    QUALIFIER_WORDS_MAX,
    QUALIFIERS,
    SCALES,
    UNIT_WORDS_MAX,
    UNITS,
    YEAR_RANGE,
)
from bilingual.quality import name_groups

FACT_KINDS = ("number", "date", "name")
# The unit of an ordinal number ("25th", "25."): it counts a place in an order, not things.
ORDINAL = ("ordinal", "ordinal")
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
# Words after which a unit is a rate ("$70 million per year"), not what the number counts.
_RATE_WORDS = frozenset({"per", "pr.", "pr", "a", "an", "every", "hver", "om", "each", "i"})


@dataclass(frozen=True)
class Fact:
    """One fact of a sentence, with the span of text it was read from.

    A number has ``value`` (scaled), ``unit_kind`` and ``unit`` (None when the lexicon does not know
    what it counts; ``noun`` is then the word after it) and ``qualifier`` (``about``, ``up to`` ...,
    with ``qualifier_text`` as written). A date has ``year``, ``month`` and ``day`` (each None when
    not given). A name has ``words`` and ``name_kind`` (person, place, organisation or name).
    """

    kind: str
    text: str
    start: int
    end: int
    language: str
    value: float | None = None
    # a Danish number that reads as an English one too ("2,000 $"): its English reading
    alternative: float | None = None
    unit_kind: str | None = None
    unit: str | None = None
    noun: str = ""
    qualifier: str = ""
    qualifier_text: str = ""
    digits: bool = True
    year: int | None = None
    month: int | None = None
    day: int | None = None
    words: tuple[str, ...] = ()
    name_kind: str = ""

    @property
    def counted(self) -> str:
        """What a number counts, for display: its unit, else the word after it."""
        return self.unit or self.noun


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int
    kind: str  # "num", "word" or "sym"
    suffix: str = ""

    @property
    def key(self) -> str:
        return self.text.lower()


_TOKEN = re.compile(r"(?P<num>(?<![\w.,])\d+(?:[.,]\d+)*)(?P<suffix>[^\W\d_]+)?"
                    r"|(?P<word>[^\W\d_]+(?:['’-][^\W\d_]+)*\.?)|(?P<sym>[$£€%])")
_NUMERIC_DATE = re.compile(r"(?<![\d.,])(?:(\d{1,2})[-./](\d{1,2})[-./](\d{4})|(\d{4})-(\d{2})-(\d{2}))(?![\d.,]*\d)")
# What ends the reach of a unit or qualifier: a clause break between two tokens.
_BREAK = re.compile(r"[,;:()\[\]!?–—]|\.\s")
_IDENTIFIER_BEFORE = re.compile(r"[^\W\d_]-$|[^\W\d_]$")


def _tokens(text: str) -> list[_Token]:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup if m.lastgroup != "suffix" else "num"
        if m.group("num") is not None:
            out.append(_Token(m.group("num"), m.start(), m.end(), "num", (m.group("suffix") or "").lower()))
        else:
            out.append(_Token(m.group(0), m.start(), m.end(), kind or "word"))
    return out


def _joined(text: str, tokens: list[_Token], i: int, n: int) -> str | None:
    """Tokens i..i+n-1 as one lower-case phrase, or None when a clause break lies between them."""
    if i < 0 or i + n > len(tokens):
        return None
    for a, b in zip(tokens[i : i + n], tokens[i + 1 : i + n], strict=False):
        if _BREAK.search(text[a.end : b.start]):
            return None
    return " ".join(t.key for t in tokens[i : i + n])


def _lookup(table: dict, phrase: str | None) -> object | None:
    if phrase is None:
        return None
    if phrase in table:
        return table[phrase]
    return table.get(phrase.rstrip("."))


def sentence_facts(text: str, language: str) -> list[Fact]:
    """Every fact of a sentence in text order: numbers, dates and years, names."""
    facts = _dates_numeric(text, language)
    masked = {i for f in facts for i in range(f.start, f.end)}
    tokens = [t for t in _tokens(text) if t.start not in masked]
    facts += _numbers_and_dates(text, tokens, language)
    facts += _names(text, language)
    return sorted(facts, key=lambda f: (f.start, f.kind))


def _dates_numeric(text: str, language: str) -> list[Fact]:
    out = []
    for m in _NUMERIC_DATE.finditer(text):
        if m.group(1):
            day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        else:
            year, month, day = int(m.group(4)), int(m.group(5)), int(m.group(6))
        if 1 <= month <= 12 and 1 <= day <= 31:
            out.append(Fact("date", m.group(0), m.start(), m.end(), language, year=year, month=month, day=day))
    return out


def _int_token(token: _Token) -> int | None:
    return int(token.text) if token.kind == "num" and token.text.isdigit() and not token.suffix else None


def _is_year(token: _Token) -> bool:
    value = _int_token(token)
    return value is not None and len(token.text) == 4 and YEAR_RANGE[0] <= value <= YEAR_RANGE[1]


def _numbers_and_dates(text: str, tokens: list[_Token], language: str) -> list[Fact]:
    facts: list[Fact] = []
    used: set[int] = set()
    for i, token in enumerate(tokens):
        if i in used:
            continue
        month = MONTHS.get(token.key) if token.kind == "word" else None
        if month is not None:
            date = _date_at_month(text, tokens, i, month, language, used)
            if date is not None:
                facts.append(date)
            continue
        if token.kind == "num":
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            if after is not None and after.key in MONTHS and (_int_token(token) or 99) <= 31:
                continue  # the day of a date: read with its month
            fact = _number_at(text, tokens, i, language, used)
        elif token.kind == "word" and _lookup(NUMBER_WORDS[language], token.key) is not None:
            fact = _number_at(text, tokens, i, language, used, spelled=True)
        else:
            fact = None
        if fact is not None:
            facts.append(fact)
    return _ranges(text, facts)


_RANGE_WORDS = frozenset({"til", "to", "-", "–", "og", "and", "eller", "or", "à", "a"})


def _ranges(text: str, facts: list[Fact]) -> list[Fact]:
    """The first number of a range takes the unit of the second: ``51 til 102 mm``, ``2 to 4 inches``."""
    out = list(facts)
    for k in range(len(out) - 2, -1, -1):
        a, b = out[k], out[k + 1]
        if a.kind == b.kind == "number" and a.unit is None and b.unit is not None \
                and text[a.end : b.start].strip().lower() in _RANGE_WORDS:
            out[k] = Fact(**{**a.__dict__, "unit_kind": b.unit_kind, "unit": b.unit, "noun": ""})
    return out


def _date_at_month(text: str, tokens: list[_Token], i: int, month: int, language: str,
                   used: set[int]) -> Fact | None:
    """A date around a month name: ``10. februar 2022``, ``February 10, 2022``, ``oktober 2016``, ``in May``."""
    first, last = i, i
    day = year = None
    before = tokens[i - 1] if i > 0 and (i - 1) not in used else None
    if before is not None and (d := _int_token(before)) is not None and 1 <= d <= 31 and len(before.text) <= 2 \
            and not _BREAK.search(text[before.end : tokens[i].start].replace(". ", " ")):
        day, first = d, i - 1
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    if day is None and after is not None and (d := _int_token(after)) is not None and 1 <= d <= 31 \
            and len(after.text) <= 2:
        day, last = d, i + 1
        after = tokens[i + 2] if i + 2 < len(tokens) else None
    if after is not None and _is_year(after) and not re.search(r"[;:()]", text[tokens[last].end : after.start]):
        year, last = int(after.text), tokens.index(after)
    if day is None and year is None and (tokens[i].key in AMBIGUOUS_MONTHS or not tokens[i].text[:1].isalpha()):
        return None
    if language == "en" and not tokens[i].text[:1].isupper():
        return None
    used.update(range(first, last + 1))
    start, end = tokens[first].start, tokens[last].end
    return Fact("date", text[start:end], start, end, language, year=year, month=month, day=day)


def _number_at(text: str, tokens: list[_Token], i: int, language: str, used: set[int],
               spelled: bool = False) -> Fact | None:
    token = tokens[i]
    if spelled:
        value: float | None = float(_lookup(NUMBER_WORDS[language], token.key))  # type: ignore[arg-type]
    else:
        if _IDENTIFIER_BEFORE.search(text[max(0, token.start - 2) : token.start]):
            return None  # "F-35", "COVID-19": part of a name
        if re.match(r"[:.]\d", text[token.end : token.end + 2]) or re.search(r"\d[:]$", text[: token.start]):
            return None  # a time of day, 10:30
        canonical = parse_number(token.text, language)
        value = float(canonical) if canonical is not None else None
        if (i and tokens[i - 1].key in CLOCK_BEFORE) or (i + 1 < len(tokens) and tokens[i + 1].key in CLOCK_AFTER) \
                or token.suffix in CLOCK_AFTER:
            return None
    if value is None:
        return None
    alternative = None
    if language == "da" and re.fullmatch(r"\d{1,3}(?:,\d{3})+", token.text):
        alternative = float(token.text.replace(",", ""))
    first, last = i, i
    unit: tuple[str, str] | None = None
    scale = 1.0
    if token.suffix:
        if token.suffix in SCALES[language]:
            scale = SCALES[language][token.suffix]
        elif token.suffix in UNITS:
            unit = UNITS[token.suffix]
        elif language == "en" and token.suffix in _ORDINAL_SUFFIXES:
            unit = ORDINAL
        else:
            return None  # "3D", "4G"
    elif language == "da" and re.match(r"\.\s+[a-zæøå]", text[token.end : token.end + 3]) and value < 1000 \
            and not spelled:
        unit = ORDINAL  # "det 25. minut"; a date's day ("10. februar") is read with its month
    j = i + 1
    if not token.suffix and (s := _lookup(SCALES[language], _joined(text, tokens, i, 2) and tokens[j].key
                                          if j < len(tokens) else None)) is not None:
        if not (spelled and tokens[j].key in ("hundrede", "hundred", "thousand", "tusind")):
            scale, last, j = float(s), j, j + 1  # type: ignore[arg-type]
    if spelled and scale == 1.0 and not _unit_after(text, tokens, j, language)[0]:
        return None  # a spelled-out number counts for a fact only with a unit: "tre soldater"
    noun = ""
    lead = tokens[i - 1] if i > 0 else None
    if unit is None and lead is not None and lead.key in LEADING_UNITS and _joined(text, tokens, i - 1, 2):
        unit, first = LEADING_UNITS[lead.key], i - 1
    if unit is None:
        unit, reach = _unit_after(text, tokens, j, language)
        if unit is not None:
            last = reach
            after = tokens[last + 1] if last + 1 < len(tokens) else None
            if scale == 1.0 and after is not None and after.key in SCALES[language] and _joined(text, tokens, last, 2):
                scale, last = SCALES[language][after.key], last + 1  # "120 £ millioner"
    if unit is None and j < len(tokens) and _joined(text, tokens, j - 1, 2) is not None and tokens[j].kind == "word":
        noun = tokens[j].key.rstrip(".")
    qualifier, qualifier_text, first = _qualifier_before(text, tokens, first, language)
    if unit is None and scale == 1.0 and not qualifier and _is_year(token) and not spelled:
        used.add(i)
        return Fact("date", token.text, token.start, token.end, language, year=int(token.text))
    used.update(range(i, last + 1))
    start, end = tokens[first].start, tokens[last].end
    if tokens[last].kind == "word" and tokens[last].text.endswith(".") and tokens[last].key not in UNITS \
            and tokens[last].key not in SCALES[language]:
        end -= 1  # the full stop that ends the sentence, not an abbreviation's
    return Fact("number", text[start:end], start, end, language, value=value * scale,
                alternative=alternative * scale if alternative is not None else None,
                unit_kind=unit[0] if unit and unit != ORDINAL else None, unit=unit[1] if unit else None, noun=noun,
                qualifier=qualifier, qualifier_text=qualifier_text, digits=not spelled)


def _unit_after(text: str, tokens: list[_Token], j: int, language: str) -> tuple[tuple[str, str] | None, int]:
    """The unit among the next few words (``80 Danish soldiers``): ``(kind, unit)`` and its last token."""
    for k in range(j, min(j + 3, len(tokens))):
        if tokens[k].kind == "num" or _joined(text, tokens, j - 1, k - j + 2) is None:
            break
        for n in range(UNIT_WORDS_MAX, 0, -1):
            found = _lookup(UNITS, _joined(text, tokens, k, n))
            if found is not None:
                return found, k + n - 1  # type: ignore[return-value]
        if language == "da" and (found := _compound_unit(tokens[k].key)) is not None:
            return found, k
        if tokens[k].key in _RATE_WORDS:
            break
    return None, j - 1


def _compound_unit(word: str) -> tuple[str, str] | None:
    """The unit a Danish compound ends in ("skoleelever" counts "elever"), from five letters on."""
    word = word.rstrip(".")
    for cut in range(1, len(word) - 4):
        found = UNITS.get(word[cut:])
        if found is not None:
            return found
    return None


def _qualifier_before(text: str, tokens: list[_Token], first: int, language: str) -> tuple[str, str, int]:
    """The qualifiers right before a number (``op til ca.``): labels, the words as written, and the new first."""
    labels: list[str] = []
    number_first = first
    while True:
        for n in range(QUALIFIER_WORDS_MAX, 0, -1):
            phrase = _joined(text, tokens, first - n, n + 1)
            if phrase is None:
                continue
            words = " ".join(phrase.split()[:n])
            label = _lookup(QUALIFIERS[language], words)
            if label is not None:
                labels.insert(0, str(label))
                first -= n
                break
        else:
            break
    if not labels:
        return "", "", first
    written = text[tokens[first].start : tokens[number_first].start].strip()
    return " ".join(dict.fromkeys(labels)), written, first


# --------------------------------------------------------------------------- names

_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mandag", "tirsdag",
             "onsdag", "torsdag", "fredag", "lørdag", "søndag"}
_NOT_NAMES = _WEEKDAYS | set(MONTHS) | set(LEADING_UNITS) | {
    "the", "a", "an", "he", "she", "it", "we", "they", "this", "that", "mr", "mrs", "ms", "dr", "read", "also", "but",
    "and", "in", "on", "of", "for"}
_PLACE_BEFORE = {"in", "i", "at", "to", "til", "from", "fra", "near", "ved", "into", "across", "over", "mod",
                 "against", "på", "outside", "udenfor"}


def _names(text: str, language: str) -> list[Fact]:
    out = []
    cursor = 0
    for group in name_groups(text):
        words = [w for w, is_name in group if is_name and w.lower() not in _NOT_NAMES]
        if not words:
            continue
        start = text.find(words[0], cursor)
        end = text.find(words[-1], start) + len(words[-1])
        if start < 0 or end < start:
            continue
        cursor = end
        before = text[:start].split()[-1:]
        out.append(Fact("name", text[start:end], start, end, language, words=tuple(words),
                        name_kind=_name_kind(words, before[0].lower().strip("\"'“(,") if before else "")))
    return out


def _name_kind(words: list[str], before: str) -> str:
    lowered = {w.lower() for w in words}
    if lowered & ORGANISATION_WORDS or any(w.lower().endswith(("ministeriet", "styrelsen")) for w in words):
        return "organisation"
    if before in PERSON_TITLES or before.endswith("minister"):
        return "person"
    if before in _PLACE_BEFORE:
        return "place"
    return "person" if len(words) >= 2 and all(w[:1].isupper() and not w.isupper() for w in words) else "name"
