"""Quality checks on the English translation of a Danish sentence, and post-edit effort.

Each check is a pure function of the Danish source and the English text that returns a list of
:class:`QaWarning`; :func:`check_translation` runs them all. They flag what a reviewer should look
at, not what is certainly wrong:

- **number**: a number of the Danish (read with Danish conventions, ``332,5``, ``1.000``) that the
  English (read with English ones, ``332.5``, ``1,000``) lacks, or the other way round;
- **name**: a proper name of the Danish (a capitalised word inside a sentence, or an acronym) with no
  identical, near-identical or known English form in the English;
- **term**: a term of the glossary (``bilingual.glossary``) found in the Danish, inflected forms
  too, whose English renderings are all missing from the English; it runs only when
  :func:`check_translation` is given a glossary;
- **untranslated**: Danish words left in the English (æ, ø, å, or frequent Danish function words);
- **identical**: the English is the Danish unchanged (unless the Danish is only a name or a number);
- **length**: an English text far shorter or longer than the Danish; **empty**: no English at all.

:func:`post_edit_effort` is the translation edit rate of the MT against the final text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bilingual.align import NUMBER_PATTERN, canonical_word, near_identical, numbers, parse_number
from bilingual.glossary import Glossary, Term, TermHit, as_glossary, expected_text, unrendered
from bilingual.segment import NEVER_FINAL_ABBREVIATIONS

# What each warning code is called on a badge, in the order the checks run.
LABELS: dict[str, str] = {
    "empty": "empty",
    "identical": "not translated",
    "number": "number",
    "name": "name",
    "term": "terminology",
    "untranslated": "Danish words",
    "length": "length",
    "meaning": "meaning may differ",
}
# How much each check's warning weighs, for batch users sorting what to look at first.
SEVERITY: dict[str, str] = {"empty": "error", "identical": "error", "meaning": "warning", "number": "warning",
                            "name": "warning", "term": "warning", "untranslated": "warning", "length": "notice"}
MIN_LENGTH_CHECKED = 20  # shorter sentences ("Baggrund", "Ja.") vary too much in length to judge
LENGTH_RATIO = (0.5, 2.0)  # Danish→English news text stays near 1.0; outside this, text was lost or invented

_WORD = re.compile(r"[^\W\d_]+")
_DIGIT_GROUP = re.compile(r"\d+(?:[.,:]\d+)*")
# What may stand between a sentence end and the next word: space, quotes, brackets, dashes, bullets.
_OPENERS = " \t\n\"'“”„«»‘’‚()[]–—-•*"
_SENTENCE_END = ".!?:"
_QUOTES = "\"“”„«»"
# Frequent Danish words that are not English words, so one left in an English text is untranslated.
_DANISH_WORDS = {"og", "ikke", "det", "som", "med", "af", "til", "på", "er", "der", "også", "eller", "jeg", "hvor",
                 "når", "hvis", "skal", "blev", "bliver", "været", "ved", "deres", "denne", "dette", "disse",
                 "mellem", "hvad", "kun", "meget", "efter", "fordi", "skulle", "kunne", "ville", "havde", "blevet"}
# Danish words that are capitalised at the start of a sentence or a quotation, or inside one (the
# plural and formal "you": I, De, Dem, Deres), without being names; lower case.
_COMMON_WORDS = _DANISH_WORDS | {
    "i", "de", "dem", "den", "en", "et", "vi", "han", "hun", "man", "du", "os", "men", "da", "så", "nu", "her",
    "for", "fra", "om", "mod", "over", "under", "uden", "inden", "intet", "ingen", "alle", "mange", "længe",
    "hvorfor", "hvordan", "hvem", "hvornår", "ja", "nej", "tak", "godt", "derfor", "desuden", "samtidig",
}
_DANISH_LETTERS = re.compile(r"[æøåÆØÅ]")
# Names (and parts of names) whose English form is not near-identical to the Danish.
_EXONYMS: dict[str, tuple[str, ...]] = {
    "tyskland": ("germany", "german"), "sverige": ("sweden", "swedish"), "norge": ("norway", "norwegian"),
    "island": ("iceland", "icelandic"), "frankrig": ("france", "french"),
    "storbritannien": ("britain", "british", "uk", "kingdom"),
    "england": ("england", "english", "uk", "britain", "british"), "holland": ("netherlands", "dutch", "holland"),
    "nederlandene": ("netherlands", "dutch"), "belgien": ("belgium", "belgian"), "spanien": ("spain", "spanish"),
    "italien": ("italy", "italian"), "grækenland": ("greece", "greek"), "tyrkiet": ("turkey", "turkish"),
    "rusland": ("russia", "russian"), "polen": ("poland", "polish"), "østrig": ("austria", "austrian"),
    "schweiz": ("switzerland", "swiss"), "kina": ("china", "chinese"), "indien": ("india", "indian"),
    "syrien": ("syria", "syrian"), "libanon": ("lebanon", "lebanese"), "ægypten": ("egypt", "egyptian"),
    "europa": ("europe", "european"), "usa": ("us", "usa", "united", "america", "american"),
    "fn": ("un", "united"), "eu": ("eu", "european"), "københavn": ("copenhagen",), "færøerne": ("faroe", "faroes",
    "faroese"), "jylland": ("jutland",), "sjælland": ("zealand",), "århus": ("aarhus",),
    "mellemøsten": ("middle", "east"), "arktis": ("arctic",), "afrika": ("africa", "african"),
    "asien": ("asia", "asian"), "amerika": ("america", "american"), "bruxelles": ("brussels",),
    "moskva": ("moscow",), "folketinget": ("parliament", "folketing"), "nordkorea": ("korea", "korean"),
    "sydkorea": ("korea", "korean"), "stillehavet": ("pacific",), "atlanterhavet": ("atlantic",),
    "ol": ("olympics", "olympic"), "vm": ("world", "cup", "championship", "championships"),
    "højesteret": ("supreme", "court"), "køln": ("cologne",), "haag": ("hague",), "münchen": ("munich",),
    "prag": ("prague",), "wien": ("vienna",), "sovjetunionen": ("soviet", "ussr"), "vesten": ("west", "western"),
    "nord": ("north", "northern"), "syd": ("south", "southern"), "øst": ("east", "eastern"),
    "vest": ("west", "western"), "hvide": ("white",), "hus": ("house",), "røde": ("red",), "kors": ("cross",),
    "verdenskrig": ("war",), "første": ("first",), "anden": ("second",), "hr": ("mr", "mister"),
    "fru": ("mrs", "ms"), "gbp": ("gbp", "£", "pound", "pounds", "sterling"), "usd": ("usd", "$", "dollar",
    "dollars"), "eur": ("eur", "€", "euro", "euros"),
}
# Currency signs an English text writes for a Danish currency code.
_CURRENCY_SIGNS = "$£€"
# An acronym written with full stops ("U.S."), read as one word.
_DOTTED_ACRONYM = re.compile(r"\b(?:[A-Z]\.){2,}")
_ACRONYM_PLURAL = re.compile(r"^[A-Z]{2,}s$")
# Numbers an English or Danish text may spell out instead of writing digits.
_NUMBER_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "da": {"0": ("nul",), "1": ("en", "et", "én", "ét", "første"), "2": ("to", "anden", "andet"),
           "3": ("tre", "tredje"), "4": ("fire", "fjerde"), "5": ("fem", "femte"), "6": ("seks", "sjette"),
           "7": ("syv", "syvende"), "8": ("otte", "ottende"), "9": ("ni", "niende"), "10": ("ti", "tiende"),
           "11": ("elleve",), "12": ("tolv",), "20": ("tyve",), "100": ("hundrede",), "1000": ("tusind",)},
    "en": {"0": ("zero",), "1": ("one", "first"), "2": ("two", "second"), "3": ("three", "third"),
           "4": ("four", "fourth"), "5": ("five", "fifth"), "6": ("six", "sixth"), "7": ("seven", "seventh"),
           "8": ("eight", "eighth"), "9": ("nine", "ninth"), "10": ("ten", "tenth"), "11": ("eleven",),
           "12": ("twelve",), "20": ("twenty",), "100": ("hundred",), "1000": ("thousand",)},
}


@dataclass(frozen=True)
class QaWarning:
    """One finding of a check: its code (a key of ``LABELS``) and a sentence for the reviewer."""

    code: str
    message: str

    @property
    def label(self) -> str:
        """The short name of the check, for a badge."""
        return LABELS.get(self.code, self.code)


# --------------------------------------------------------------------------- the checks


def check_translation(source_da: str, target_en: str,
                      glossary: Glossary | Iterable[Term] | None = None) -> list[QaWarning]:
    """Every warning on an English translation of a Danish sentence (empty list: nothing to flag).

    With a ``glossary`` (build a :class:`~bilingual.glossary.Glossary` once for many sentences) the
    ``term`` check runs too; without one, or with an empty one, it costs nothing.
    """
    if not source_da.strip():
        return []
    empty = check_empty(source_da, target_en)
    if empty:
        return empty
    identical = check_identical(source_da, target_en)
    if identical:
        # A copy has its names and numbers and is all Danish words: one warning says it all.
        return identical
    hits = as_glossary(glossary).find(source_da) if glossary else []
    # A name inside a glossary term is judged by the term check, which knows its accepted renderings
    # ("Rigsrevisionen" -> "National Audit Office"), not by the name check, which would flag it.
    return [*check_numbers(source_da, target_en), *check_names(_masked(source_da, hits), target_en),
            *_term_warnings(hits, target_en), *check_untranslated(source_da, target_en),
            *check_length(source_da, target_en)]


def check_empty(source_da: str, target_en: str) -> list[QaWarning]:
    """A warning when a Danish sentence has no English text."""
    if source_da.strip() and not target_en.strip():
        return [QaWarning("empty", "the English is empty")]
    return []


def check_numbers(source_da: str, target_en: str) -> list[QaWarning]:
    """A warning for each number of one side that the other side lacks (``332,5`` = ``332.5``)."""
    da, en = numbers(source_da, "da"), numbers(target_en, "en")
    lost = _unmatched(da - en, source_da, "da", target_en, "en")
    added = _unmatched(en - da, target_en, "en", source_da, "da")
    return ([QaWarning("number", f"{n} is not in the English") for n in lost]
            + [QaWarning("number", f"{n} is not in the Danish") for n in added])


def _unmatched(values: set[str], text: str, language: str, other: str, other_language: str) -> list[str]:
    """Numbers of ``text`` missing from ``other``, as written, less those ``other`` writes another way."""
    written = _written_numbers(text, language)
    other_words = _lower_words(other)
    other_groups = _digit_groups(other)
    out = []
    for value in sorted(values, key=_number_order):
        token = written.get(value, value[1:])
        if _spelled_out(value, other_words, other_language):
            continue  # "tre" / "three"
        # A time or a number in the other side's conventions ("kl. 10.15" / "10:15") has the same digits.
        digits = _digits(token)
        if any(_contains(group, digits) for group in other_groups):
            continue
        out.append(token)
    return out


def check_names(source_da: str, target_en: str) -> list[QaWarning]:
    """A warning for each proper name of the Danish that the English lacks in any recognisable form."""
    target = _target_words(target_en)
    warnings, seen = [], set()
    for group in name_groups(source_da):
        checked = [word for word, is_name in group if is_name]
        missing = [word for word in checked if not _name_found(word, target)]
        name = " ".join(checked)
        if not missing or name in seen:
            continue
        seen.add(name)
        lost = " ".join(missing)
        where = "" if len(missing) == len(checked) else f" (of {name})"
        warnings.append(QaWarning("name", f"{lost}{where} is not in the English"))
    return warnings


def check_terms(source_da: str, target_en: str, glossary: Glossary | Iterable[Term] | None) -> list[QaWarning]:
    """A warning for each glossary term of the Danish that the English renders in none of its accepted ways."""
    found = as_glossary(glossary)
    return _term_warnings(found.find(source_da), target_en) if found else []


def _term_warnings(hits: list[TermHit], target_en: str) -> list[QaWarning]:
    warnings = []
    for hit in unrendered(hits, target_en):
        # The Danish as written, and the glossary's form where the text inflects it differently.
        name = hit.text if hit.text.casefold() == hit.term.danish.casefold() else f"{hit.text} ({hit.term.danish})"
        warnings.append(QaWarning("term", f"{name}: expected {expected_text(hit.term)}"))
    return warnings


def _masked(text: str, hits: list[TermHit]) -> str:
    """The text with each hit's span overwritten by a lower-case filler word of the same length."""
    for hit in hits:
        # Same length, so positions hold; lower case, so the filler is neither a name nor a sentence end.
        text = text[: hit.start] + "x" * (hit.end - hit.start) + text[hit.end :]
    return text


def check_untranslated(source_da: str, target_en: str) -> list[QaWarning]:
    """A warning naming the Danish words left in the English: words with æ/ø/å or frequent Danish words."""
    # A name with Danish letters (Løkke, Århus, also at the start of a sentence) is rightly kept as it is.
    names = {word for group in name_groups(source_da) for word, _ in group}
    names |= {w for w in _WORD.findall(source_da) if w[:1].isupper() and w.lower() not in _DANISH_WORDS}
    found: dict[str, None] = {}
    for m in _WORD.finditer(target_en):
        word = m.group(0)
        if word in names:
            continue
        # "Det" inside an English sentence is rather an abbreviation (Det. = Detective) than Danish.
        danish_word = word.lower() in _DANISH_WORDS and (
            word.islower() or (word.istitle() and _sentence_initial(target_en, m.start())))
        if _DANISH_LETTERS.search(word) or danish_word:
            found.setdefault(word, None)
    if not found:
        return []
    words = list(found)
    shown = ", ".join(words[:6]) + (", ..." if len(words) > 6 else "")
    return [QaWarning("untranslated", f"Danish words in the English: {shown}")]


def check_identical(source_da: str, target_en: str) -> list[QaWarning]:
    """A warning when the English is the Danish unchanged, unless the Danish is only a name or a number."""
    if " ".join(source_da.split()).casefold() != " ".join(target_en.split()).casefold():
        return []
    if _only_name_or_number(source_da):
        return []
    return [QaWarning("identical", "the English is the Danish text unchanged")]


def check_length(source_da: str, target_en: str) -> list[QaWarning]:
    """A warning when the English is under half or over twice the length of the Danish (sentences over 20 chars)."""
    src, tgt = len(source_da.strip()), len(target_en.strip())
    if src <= MIN_LENGTH_CHECKED or not tgt:
        return []
    ratio = tgt / src
    low, high = LENGTH_RATIO
    if low <= ratio <= high:
        return []
    how = "shorter" if ratio < low else "longer"
    return [QaWarning("length", f"the English is {ratio:.1f}× the length of the Danish (much {how})")]


# --------------------------------------------------------------------------- post-edit effort


def post_edit_effort(mt: str, final: str) -> float:
    """Translation edit rate of the MT against the final text, in percent (0: no edits)."""
    return float(_ter().sentence_score(mt, [final]).score)


@functools.cache
def _ter():
    from sacrebleu.metrics import TER

    # A reviewer who fixes capitalisation has edited the text, so case counts.
    return TER(case_sensitive=True)


# --------------------------------------------------------------------------- names


def name_groups(text: str) -> list[list[tuple[str, bool]]]:
    """Runs of capitalised words of a Danish text, each word with whether it is checked as a name.

    Danish capitalises proper names but not nouns, so a capitalised word inside a sentence is a name;
    a sentence's first word is one only when it is an acronym (``ISIL``).
    """
    groups: list[list[tuple[str, bool]]] = []
    previous_end = None
    for m in _WORD.finditer(text):
        word = m.group(0)
        # A single capital is an initial ("John F. Kennedy") or a letter, which a translation may well drop.
        if len(word) < 2 or not word[:1].isupper() or word.lower() in _COMMON_WORDS:
            previous_end = None
            continue
        is_name = _is_acronym(word) or not _sentence_initial(text, m.start())
        if previous_end is not None and not text[previous_end : m.start()].strip():
            groups[-1].append((word, is_name))
        else:
            groups.append([(word, is_name)])
        previous_end = m.end()
    # A run of three or more words in capitals is shouting, not acronyms.
    return [g for g in groups if any(is_name for _, is_name in g)
            and not (len(g) >= 3 and all(_is_acronym(w) for w, _ in g))]


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip(_OPENERS)
    if not before or (start and text[start - 1] in _QUOTES and _opens_speech(text, start)):
        return True
    if before[-1] not in _SENTENCE_END:
        return False
    if before[-1] == ".":
        # "bl.a. Mosul": an abbreviation that never ends a sentence is followed by a name, not a new sentence.
        last = before.split()[-1].lower().lstrip("\"'“(")
        return last not in NEVER_FINAL_ABBREVIATIONS["da"]
    return True


def _opens_speech(text: str, start: int) -> bool:
    """Whether a quote mark before ``start`` opens a quotation of words ("Jeg blev bidt!"), not a quoted name."""
    end = next((i for i in range(start, len(text)) if text[i] in _QUOTES), len(text))
    return any(c.isspace() for c in text[start:end])


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def _name_found(word: str, target: set[str]) -> bool:
    forms = {canonical_word(word)}
    if len(word) > 3 and word.endswith("s"):
        forms.add(canonical_word(word[:-1]))  # Danish genitive: "Danmarks", "ISILs"
    for form in forms:
        if form in target:
            return True
        english = set(_exonyms().get(form, ()))
        if form.endswith("ministeriet"):
            english.add("ministry")
        if english & target:
            return True
        if any(near_identical(form, t) for t in target):
            return True
    return False


def english_forms(danish_word: str) -> frozenset[str]:
    """The canonical English forms the exonym table gives a Danish name (``Tyskland`` → germany, german)."""
    form = canonical_word(danish_word)
    return _exonyms().get(form, frozenset()) | ({"ministry"} if form.endswith("ministeriet") else frozenset())


@functools.cache
def _exonyms() -> dict[str, frozenset[str]]:
    """The exonym table in canonical spelling, built on first use."""
    return {canonical_word(da): frozenset(canonical_word(en) for en in ens) for da, ens in _EXONYMS.items()}


def _target_words(target_en: str) -> set[str]:
    """The canonical words of an English text, dotted acronyms joined and currency signs kept."""
    text = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", "") + " ", target_en)
    words = {canonical_word(w) for w in _WORD.findall(text)}
    words |= {canonical_word(w[:-1]) for w in _WORD.findall(text) if _ACRONYM_PLURAL.match(w)}  # "AMs", "MPs"
    words |= {sign for sign in _CURRENCY_SIGNS if sign in target_en}
    return words


# --------------------------------------------------------------------------- helpers


def _only_name_or_number(text: str) -> bool:
    words = _WORD.findall(text)
    if not words:
        return True  # digits and punctuation only
    if any(not w[:1].isupper() for w in words):
        return False
    # One capitalised word might be a name or a Danish heading ("Baggrund"); more, an acronym or a
    # number make it a name.
    return len(words) > 1 or any(_is_acronym(w) for w in words) or any(c.isdigit() for c in text)


def _lower_words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _spelled_out(value: str, words: set[str], language: str) -> bool:
    return any(w in words for w in _NUMBER_WORDS[language].get(value[1:], ()))


def _digits(token: str) -> tuple[str, ...]:
    return tuple(run.lstrip("0") or "0" for run in re.findall(r"\d+", token))


def _digit_groups(text: str) -> list[tuple[str, ...]]:
    """The digit runs of each number-like token (``10.15``, ``10:15``, ``1,000``) of a text."""
    return [_digits(m.group(0)) for m in _DIGIT_GROUP.finditer(text)]


def _contains(group: tuple[str, ...], part: tuple[str, ...]) -> bool:
    n = len(part)
    return any(group[i : i + n] == part for i in range(len(group) - n + 1))


def _written_numbers(text: str, language: str) -> dict[str, str]:
    """Each number of ``numbers(text, language)`` mapped to how the text writes it."""
    written: dict[str, str] = {}
    for m in NUMBER_PATTERN.finditer(text):
        token = m.group(0).rstrip(".,")
        value = parse_number(token, language)
        if value is not None:
            written.setdefault("#" + value, token)
    return written


def _number_order(value: str) -> tuple[float, str]:
    try:
        return float(value[1:]), value
    except ValueError:
        return 0.0, value
