"""A labelled fact-check set from NTREX-128: changes planted in the English of Danish–English pairs.

Each planted pair has one change in its English sentence, of one kind: a number changed, a year
changed, a name misspelt (two adjacent inner letters swapped), a unit changed (dollars → euros,
percent → percentage points, years → months ...) or a qualifier dropped (``about 100`` → ``100``).
A change is planted only on a fact the Danish sentence states too (the same number, year, unit or
qualifier; the same name), so the label is right by construction. Untouched pairs (at least as
many as the planted ones, none of them planted) hold at least one number, date or name on each side, so
a false alarm on them is a real false alarm of the checker.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from bilingual.factcheck.compare import DIFFERENCE_KINDS, compare, name_key, read_side
from bilingual.factcheck.facts import Fact, sentence_facts

PLANTED_KINDS = ("number", "date", "name", "unit", "qualifier")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
UNIT_SWAPS = {"dollars": "euros", "dollar": "euro", "$": "€", "euros": "dollars", "euro": "dollar", "€": "$",
              "pounds": "dollars", "£": "$", "kroner": "euros", "DKK": "EUR", "%": " percentage points",
              "percent": "percentage points", "per cent": "percentage points", "years": "months", "year": "month",
              "months": "years", "month": "year", "days": "weeks", "day": "week", "weeks": "days", "week": "day",
              "hours": "minutes", "hour": "minute", "minutes": "hours", "km": "miles", "kilometres": "miles",
              "kilometers": "miles", "miles": "kilometres", "kg": "tonnes", "tonnes": "kg", "tons": "kg",
              "percentage points": "percent", "year-old": "month-old", "metres": "kilometres", "meters": "kilometres"}


@dataclass(frozen=True)
class LabelledPair:
    """A Danish sentence, the English sentence (changed or not) and the kind of change planted ("" for none)."""

    line: int
    danish: str
    english: str
    planted: str
    original: str


def _replace(text: str, fact: Fact, old: str, new: str) -> str:
    inner = fact.text.replace(old, new, 1)
    return text[: fact.start] + inner + text[fact.end :]


def _changed_number(token: str, rng: random.Random) -> str:
    digits = token.replace(",", "")
    if "." in digits:
        head, tail = digits.split(".", 1)
        return f"{head}.{(int(tail[-1]) + rng.randint(1, 8)) % 10}".replace(".", ".", 1) if tail else token
    value = int(digits)
    new = value + max(1, round(value * rng.uniform(0.1, 0.5))) * rng.choice((1, -1) if value > 2 else (1,))
    return f"{new:,}" if "," in token else str(new)


def _plant_number(da: list[Fact], en: list[Fact], text: str, rng: random.Random) -> str | None:
    values = {f.value for f in da if f.kind == "number"}
    options = [f for f in en if f.kind == "number" and f.digits and f.value in values]
    if not options:
        return None
    fact = rng.choice(options)
    token = _NUMBER.search(fact.text)
    assert token is not None
    return _replace(text, fact, token.group(0), _changed_number(token.group(0), rng))


def _plant_year(da: list[Fact], en: list[Fact], text: str, rng: random.Random) -> str | None:
    years = {f.year for f in da if f.kind == "date"}
    options = [f for f in en if f.kind == "date" and f.year in years and f.year is not None]
    if not options:
        return None
    fact = rng.choice(options)
    assert fact.year is not None
    new = fact.year + rng.choice((-3, -2, -1, 1, 2)) if fact.year < 2020 else fact.year - rng.randint(1, 4)
    return _replace(text, fact, str(fact.year), str(new))


def _plant_name(da: list[Fact], en: list[Fact], text: str, danish: str, rng: random.Random) -> str | None:
    danish_keys = {name_key(w) for w in re.findall(r"[^\W\d_]+", danish) if w[:1].isupper()}
    options = [(f, w) for f in en if f.kind == "name" for w in f.words
               if len(w) >= 6 and not w.isupper() and name_key(w) in danish_keys]
    if not options:
        return None
    fact, word = rng.choice(options)
    spots = [i for i in range(1, len(word) - 3) if word[i] != word[i + 1]]
    if not spots:
        return None
    i = rng.choice(spots)
    misspelt = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if name_key(misspelt) == name_key(word):
        return None  # "McCarthy" / "MCcarthy": the same name in any spelling-neutral form
    return _replace(text, fact, word, misspelt)


def _plant_unit(da: list[Fact], en: list[Fact], text: str, rng: random.Random) -> str | None:
    pairs = {(f.value, f.unit) for f in da if f.kind == "number" and f.unit}
    options = []
    for f in en:
        if f.kind == "number" and (f.value, f.unit) in pairs and f.unit_kind != "people":
            old = next((w for w in sorted(UNIT_SWAPS, key=len, reverse=True)
                        if re.search(rf"(?<![^\W\d_]){re.escape(w)}(?![^\W\d_])", f.text)), None)
            if old is not None:
                options.append((f, old))
    if not options:
        return None
    fact, old = rng.choice(options)
    return _replace(text, fact, old, UNIT_SWAPS[old])


def _plant_qualifier(da: list[Fact], en: list[Fact], text: str, rng: random.Random) -> str | None:
    values = {f.value for f in da if f.kind == "number" and f.qualifier}
    options = [f for f in en if f.kind == "number" and f.qualifier and f.value in values and f.qualifier_text]
    if not options:
        return None
    fact = rng.choice(options)
    changed = _replace(text, fact, fact.qualifier_text + " ", "")
    return changed[:1].upper() + changed[1:] if fact.start == 0 else changed


def labelled_pairs(danish: list[str], english: list[str], seed: int = 0) -> list[LabelledPair]:
    """Every plantable pair of one seeded draw, one change each, rarer kinds first, and as many untouched pairs."""
    rng = random.Random(f"factcheck:{seed}")
    planters: dict[str, Callable[..., str | None]] = {
        "qualifier": _plant_qualifier, "unit": _plant_unit, "date": _plant_year, "name": _plant_name,
        "number": _plant_number}
    order = list(range(len(danish)))
    rng.shuffle(order)
    facts = {i: (sentence_facts(danish[i], "da"), sentence_facts(english[i], "en")) for i in order}
    used: set[int] = set()
    out: list[LabelledPair] = []
    per_kind = 0
    planted: dict[str, list[LabelledPair]] = {}
    for kind in ("qualifier", "unit", "date", "name", "number"):
        planted[kind] = []
        for i in order:
            if i in used or (per_kind and len(planted[kind]) >= per_kind):
                continue
            da, en = facts[i]
            args = (da, en, english[i], danish[i], rng) if kind == "name" else (da, en, english[i], rng)
            changed = planters[kind](*args)
            if changed and changed != english[i]:
                used.add(i)
                planted[kind].append(LabelledPair(i, danish[i], changed, kind, english[i]))
        # the common kinds are capped at three times the rarest, so no kind dominates the set
        per_kind = per_kind or max(3 * len(planted[kind]), 60)
    for pairs in planted.values():
        out.extend(pairs)
    untouched = [i for i in order if i not in used and _has_facts(*facts[i])]
    out.extend(LabelledPair(i, danish[i], english[i], "", english[i]) for i in untouched[: max(len(out), 1)])
    return out


def _has_facts(da: list[Fact], en: list[Fact]) -> bool:
    return bool(en) and bool(da)


@dataclass
class Score:
    """Per-kind precision and recall, and the share of untouched pairs with any alarm."""

    true: dict[str, int]
    found: dict[str, int]
    planted: dict[str, int]
    untouched: int
    alarmed_untouched: int
    alarms: list[tuple[LabelledPair, str]]

    def precision(self, kind: str) -> float:
        """Of the pairs flagged with this kind, the share planted with it (1.0 when none is flagged)."""
        return self.true[kind] / self.found[kind] if self.found[kind] else 1.0

    def recall(self, kind: str) -> float:
        """Of the pairs planted with this kind, the share flagged with it."""
        return self.true[kind] / self.planted[kind] if self.planted[kind] else 0.0

    @property
    def false_alarm_rate(self) -> float:
        """The share of untouched pairs flagged with anything."""
        return self.alarmed_untouched / self.untouched if self.untouched else 0.0


def score(pairs: list[LabelledPair], translations: dict[int, str] | None = None) -> Score:
    """Run the checker on each pair (the Danish read with its translation when one is given) and score it."""
    kinds = (*DIFFERENCE_KINDS,)
    true = dict.fromkeys(kinds, 0)
    found = dict.fromkeys(kinds, 0)
    planted = dict.fromkeys(kinds, 0)
    untouched = alarmed = 0
    alarms = []
    for pair in pairs:
        side = read_side(pair.danish, "da", (translations or {}).get(pair.line))
        flagged = {d.kind for d in compare(side, read_side(pair.english, "en"))}
        for kind in flagged:
            found[kind] += 1
            true[kind] += kind == pair.planted
            if kind != pair.planted:
                alarms.append((pair, kind))
        if pair.planted:
            planted[pair.planted] += 1
        else:
            untouched += 1
            alarmed += bool(flagged)
    return Score(true, found, planted, untouched, alarmed, alarms)
