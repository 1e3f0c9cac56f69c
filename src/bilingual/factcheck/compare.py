"""Where two sentences' facts differ: a number, unit, date or name, or a qualifier the English lost.

:func:`compare` reads a Danish sentence (its own text, and the English that counts for it when there
is one: numbers and names survive translation, so the Danish text alone is enough) against an
English sentence and returns each :class:`Difference`:

- **number**: a number of one kind (people, money, a share ...) that differs, with no number of
  the same value and kind on the other side (``op til ca. 150 soldater`` / ``About 80 soldiers``);
- **unit**: the same number counting something else (``332,5 millioner kroner`` / ``332.5 million euros``);
- **qualifier**: the same number, qualified in the Danish (``op til ca.``, ``cirka``) and not in the English;
- **date**: a year, month or day of one side replaced by another on the other side;
- **name**: a name written differently, by edit distance on a spelling-neutral form (``Bramsen`` /
  ``Brasmen``), where neither an exonym (``Tyskland``/``Germany``) nor an ending (Danish inflection,
  ``Syrien``/``Syria``) explains it. :func:`name_variants` finds the same among the names of English
  sentences: within one article and across articles.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from rapidfuzz.distance import OSA

from bilingual.align import canonical_word
from bilingual.factcheck.facts import Fact, sentence_facts
from bilingual.factcheck.lexicon import LOOSE_KINDS
from bilingual.quality import english_forms

DIFFERENCE_KINDS = ("number", "unit", "qualifier", "date", "name")
# Danish names whose English exonym is close enough in spelling to look like a misspelling.
EXONYMS = {"danmark": ("denmark",), "grønland": ("greenland",), "bagdad": ("baghdad",), "marokko": ("morocco",),
           "tjekkiet": ("czechia", "czech"), "ungarn": ("hungary",), "rumænien": ("romania",),
           "estland": ("estonia",), "letland": ("latvia",), "litauen": ("lithuania",), "hviderusland": ("belarus",),
           "kreta": ("crete",), "sicilien": ("sicily",), "sardinien": ("sardinia",), "korsika": ("corsica",),
           "venedig": ("venice",), "lissabon": ("lisbon",), "filippinerne": ("philippines",),
           "skotland": ("scotland", "scottish"),
           "hamborg": ("hamburg",), "irland": ("ireland", "irish"), "finland": ("finland", "finnish")}
MIN_NAME = 5  # shorter names ("Iran"/"Iraq") differ by one letter and are different names
_WORDS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Difference:
    """A fact of one sentence (``left``, the Danish one of a pair) that the other (``right``) states otherwise."""

    kind: str
    left: Fact
    right: Fact

    @property
    def message(self) -> str:
        """One line: the two facts as written, and what differs."""
        return f"{self.kind}: {self.left.text} / {self.right.text}"


@dataclass(frozen=True)
class SideFacts:
    """The facts of one side: of the sentence itself, and (Danish side) of the English that counts for it."""

    text: str
    facts: tuple[Fact, ...]
    translation: str = ""
    translated: tuple[Fact, ...] = ()


def read_side(text: str, language: str, translation: str | None = None) -> SideFacts:
    """A sentence's facts, and for a Danish one those of its English translation when there is one."""
    return SideFacts(text, tuple(sentence_facts(text, language)), translation or "",
                     tuple(sentence_facts(translation, "en")) if translation else ())


def compare(danish: SideFacts, english: SideFacts) -> list[Difference]:
    """Every difference between a Danish sentence and an English one, in the English sentence's order."""
    out = _numbers(danish, english) + _dates(danish, english) + _names(danish, english)
    return sorted(out, key=lambda d: (d.right.start, DIFFERENCE_KINDS.index(d.kind)))


# --------------------------------------------------------------------------- numbers


def _same_value(a: Fact, b: Fact) -> bool:
    assert a.value is not None and b.value is not None
    for x in (a.value, a.alternative):
        for y in (b.value, b.alternative):
            if x is not None and y is not None and abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1.0):
                return True
    return False


def _with_units(danish: SideFacts) -> list[Fact]:
    """The Danish numbers, each without a known unit given the one its translation gives the same value."""
    out = []
    translated = [f for f in danish.translated if f.kind == "number" and f.unit]
    for fact in danish.facts:
        if fact.kind != "number":
            continue
        if fact.unit is None:
            same = next((t for t in translated if _same_value(t, fact)), None)
            if same is not None:
                fact = Fact(**{**fact.__dict__, "unit_kind": same.unit_kind, "unit": same.unit})
        out.append(fact)
    return out


def _unit_changed(a: Fact, b: Fact) -> bool:
    if not (a.unit_kind and b.unit_kind):
        return False
    return a.unit_kind != b.unit_kind or (a.unit != b.unit and a.unit_kind not in LOOSE_KINDS)


def _numbers(danish: SideFacts, english: SideFacts) -> list[Difference]:
    left = _with_units(danish)
    right = [f for f in english.facts if f.kind == "number"]
    out: list[Difference] = []
    free = list(left)
    unmatched = []
    for fact in right:
        same = [d for d in free if _same_value(d, fact)]
        if not same:
            unmatched.append(fact)
            continue
        # the same value counting the same thing first, then the same kind
        d = min(same, key=lambda d: (_unit_changed(d, fact), d.unit != fact.unit))
        free.remove(d)
        if _unit_changed(d, fact):
            out.append(Difference("unit", d, fact))
        elif d.qualifier and not fact.qualifier:
            out.append(Difference("qualifier", d, fact))
    for fact in unmatched:
        if not fact.digits:
            continue
        # Numbers in two units of one kind (km, miles) are a conversion, not a different number.
        same_kind = [d for d in free if d.digits and d.unit_kind == fact.unit_kind
                     and (d.unit == fact.unit or d.unit_kind in LOOSE_KINDS)
                     and (fact.unit_kind is not None or _free_count(free) == 1 == _free_count(unmatched))]
        if not same_kind:
            continue
        value, unit = fact.value or 0.0, fact.unit
        d = min(same_kind, key=lambda d: (d.unit != unit, abs((d.value or 0.0) - value)))
        free.remove(d)
        out.append(Difference("number", d, fact))
    # One number left on each side, one of them of a unit not known: "30-årige Saipov" / "Saipov, 15".
    left_over = [d for d in free if d.digits]
    reported = {id(x.right) for x in out}
    right_over = [f for f in unmatched if f.digits and id(f) not in reported]
    if len(left_over) == 1 == len(right_over) and None in (left_over[0].unit_kind, right_over[0].unit_kind):
        out.append(Difference("number", left_over[0], right_over[0]))
    return out


def _free_count(facts: Sequence[Fact]) -> int:
    """How many numbers with no known unit, written in digits, are left."""
    return sum(1 for f in facts if f.unit_kind is None and f.digits)


# --------------------------------------------------------------------------- dates


def _dates(danish: SideFacts, english: SideFacts) -> list[Difference]:
    left = [f for f in danish.facts if f.kind == "date"]
    right = [f for f in english.facts if f.kind == "date"]
    out: list[Difference] = []
    for part in ("year", "month", "day"):
        if part != "year":
            # a month or day is compared only between dates of one year (or with no year given)
            years = {f.year for f in left} & {f.year for f in right}
            pool_l = [f for f in left if f.year in years and getattr(f, part) is not None]
            pool_r = [f for f in right if f.year in years and getattr(f, part) is not None]
        else:
            pool_l = [f for f in left if f.year is not None]
            pool_r = [f for f in right if f.year is not None]
        values_l = {getattr(f, part) for f in pool_l}
        values_r = {getattr(f, part) for f in pool_r}
        extra_l = [f for f in pool_l if getattr(f, part) not in values_r]
        extra_r = [f for f in pool_r if getattr(f, part) not in values_l]
        for fact in extra_r:
            if not extra_l:
                break
            d = min(extra_l, key=lambda d: abs((getattr(d, part) or 0) - (getattr(fact, part) or 0)))
            out.append(Difference("date", d, fact))
        if out:
            return out  # a changed year explains a changed month
    return out


# --------------------------------------------------------------------------- names


def name_key(word: str) -> str:
    """A name in a spelling-neutral form, without a Danish or English genitive (``Bramsen's`` → bramsen)."""
    word = re.sub(r"['’]s?$", "", word)
    form = canonical_word(word)
    return form[:-1] if len(form) > MIN_NAME and form.endswith("s") and not form.endswith("ss") else form


def _plain(word: str) -> str:
    word = re.sub(r"['’]s?$", "", word).lower()
    return word[:-1] if len(word) > MIN_NAME and word.endswith("s") and not word.endswith("ss") else word


def misspelt(a: str, b: str) -> bool:
    """Whether two names look like one name spelt two ways: different in a spelling-neutral form
    (:func:`name_key`), one or two edits apart as written (transpositions count once), same first letter,
    and not only in their endings, where inflection and exonyms differ."""
    if name_key(a) == name_key(b):
        return False
    a, b = _plain(a), _plain(b)
    if min(len(a), len(b)) < MIN_NAME or abs(len(a) - len(b)) > 1 or a[0] != b[0]:
        return False
    prefix = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    if prefix >= min(len(a), len(b)) - 2:
        return False
    return OSA.distance(a, b) <= (1 if min(len(a), len(b)) < 8 else 2)


def _exonym_forms(word: str) -> set[str]:
    extra = {canonical_word(e) for e in EXONYMS.get(word.lower(), EXONYMS.get(_plain(word), ()))}
    return {*english_forms(word), *extra, *({name_key(w) for w in extra})}


def _capitalised(side_text: str, language: str) -> list[Fact]:
    """Every capitalised word of a text as a name fact, sentence-initial ones too (``Giants, som ...``)."""
    return [Fact("name", m.group(0), m.start(), m.end(), language, words=(m.group(0),), name_kind="name")
            for m in _WORDS.finditer(side_text) if m.group(0)[:1].isupper() and len(m.group(0)) >= MIN_NAME]


def _names(danish: SideFacts, english: SideFacts) -> list[Difference]:
    named = [f for f in (*danish.facts, *danish.translated) if f.kind == "name"]
    spans = {(f.start, f.end) for f in danish.facts if f.kind == "name"}
    named += [f for f in _capitalised(danish.text, "da") if not any(a <= f.start < b for a, b in spans)]
    danish_names = [(f, w) for f in named for w in f.words]
    present = {name_key(w) for w in _WORDS.findall(danish.text + " " + danish.translation)}
    english_present = {name_key(w) for w in _WORDS.findall(english.text)}
    out = []
    for fact in english.facts:
        if fact.kind != "name":
            continue
        for word in fact.words:
            key = name_key(word)
            if word.isupper() or key in present:
                continue
            for d_fact, d_word in danish_names:
                forms = _exonym_forms(d_word)
                if key in forms or (forms & english_present and not misspelt(d_word, word)):
                    continue
                if not d_word.isupper() and misspelt(d_word, word):
                    out.append(Difference("name", d_fact, fact))
                    break
    return out


def name_variants(sentences: Iterable[tuple[object, str]]) -> list[tuple[object, Fact, object, Fact]]:
    """Names spelt two ways among English sentences ``(id, text)``: ``(id, fact, other id, other fact)``.

    Each pair of spellings is given once, with the first sentence each spelling occurs in (a name is
    usually spelt right more often, but which one is wrong is the reviewer's call).
    """
    first: dict[str, tuple[str, object, Fact]] = {}
    for ident, text in sentences:
        for fact in sentence_facts(text, "en"):
            if fact.kind != "name":
                continue
            for word in fact.words:
                if not word.isupper():
                    first.setdefault(name_key(word), (word, ident, fact))
    keys = sorted(first)
    out = []
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            (wa, ia, fa), (wb, ib, fb) = first[a], first[b]
            if misspelt(wa, wb):
                out.append((ia, fa, ib, fb))
    return out


# --------------------------------------------------------------------------- identity and per-sentence findings


def difference_key(kind: str, left_text: str, right_text: str, left_fact: str, right_fact: str) -> str:
    """The identity of a difference that a verdict is stored under: the two sentences and the facts compared."""
    joined = "\x1f".join((kind, " ".join(left_text.split()), " ".join(right_text.split()), left_fact, right_fact))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def key_of(difference: Difference, left_text: str, right_text: str) -> str:
    """The key of a difference found between two sentences."""
    return difference_key(difference.kind, left_text, right_text, difference.left.text, difference.right.text)


class VerdictLike(Protocol):
    """What a findings cell reads of a stored verdict."""

    @property
    def label(self) -> str: ...


def pair_findings(danish: str, translation: str | None, english: Sequence[str],
                  verdicts: Mapping[str, VerdictLike]) -> dict[str, Any]:
    """The differences of a Danish sentence with its aligned English sentences, and the verdict on each
    (``pending`` when none yet): the export's ``discrepancies`` and ``discrepancy_verdicts`` fields."""
    side = read_side(danish, "da", translation)
    messages, labels = [], []
    for text in english:
        for difference in compare(side, read_side(text, "en")):
            messages.append(difference.message)
            verdict = verdicts.get(key_of(difference, danish, text))
            labels.append(verdict.label if verdict is not None else "pending")
    return {"discrepancies": tuple(messages), "discrepancy_verdicts": tuple(labels)}
