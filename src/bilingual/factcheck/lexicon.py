"""The words facts are read by: what a number counts, its scale and qualifier, months, in Danish and English.

Each table maps a lower-case word to what it stands for. A unit is a pair ``(kind, unit)``: the
kind says what is counted (``people``, ``money``, ``share``, ``time``, ``length``, ``weight``) and
two numbers are compared only within one kind; the unit tells two ways of counting one kind apart
(``soldier`` / ``person``, ``DKK`` / ``USD``). A change of unit within ``people`` is wording
("150 soldater" reported as "150 troops"), one within any other kind is a different fact.
"""

from __future__ import annotations

# Kinds whose units are ways of naming the same thing: a change between them is not a unit change.
LOOSE_KINDS = frozenset({"people"})

_PEOPLE = {
    "soldier": ("soldat", "soldater", "soldaterne", "soldier", "soldiers", "troops", "tropper", "troop", "mand",
                "servicemen", "servicemembers"),
    "officer": ("officer", "officerer", "stabsofficer", "stabsofficerer", "officers", "staff officers"),
    "person": ("person", "personer", "personerne", "mennesker", "menneske", "folk", "people", "persons",
               "individuals", "personnel", "ansatte", "employees", "medarbejdere", "indbyggere", "inhabitants",
               "residents", "borgere", "citizens", "børn", "children", "kids", "voksne", "adults", "elever",
               "students", "pupils", "patienter", "patients", "deltagere", "participants", "members", "medlemmer",
               "tilskuere", "spectators", "fans", "dræbte", "døde", "dead", "deaths", "victims", "ofre",
               "flygtninge", "refugees", "migranter", "migrants", "workers", "arbejdere", "civile", "civilians",
               "mænd", "men", "kvinder", "women", "passagerer", "passengers", "fighters", "krigere", "politifolk",
               "officers'", "betjente", "policemen", "brandmænd", "firefighters", "sygeplejersker", "nurses",
               "læger", "doctors", "spillere", "players", "besøgende", "visitors", "turister", "tourists",
               "kunder", "customers", "brugere", "users", "vælgere", "voters", "stemmer", "votes",
               "militants", "militante", "rebels", "oprørere", "experts", "eksperter", "instruktører",
               "instructors", "rådgivere", "advisers", "advisors"),
}
_OTHER_UNITS: dict[str, dict[str, tuple[str, ...]]] = {
    "money": {
        "DKK": ("kroner", "kr", "kr.", "dkk", "krone", "danske kroner", "mio.kr.", "mia.kr."),
        "USD": ("dollar", "dollars", "usd", "$", "us-dollar", "us-dollars", "amerikanske dollars"),
        "EUR": ("euro", "euros", "eur", "€"),
        "GBP": ("pund", "pounds", "pound", "gbp", "£", "sterling"),
        "SEK": ("svenske kroner", "sek"),
        "NOK": ("norske kroner", "nok"),
    },
    "share": {
        "percent": ("procent", "pct", "pct.", "%", "percent", "per cent", "pc"),
        "point": ("procentpoint", "procentpoints", "percentage points", "percentage point", "points", "point",
                  "point"),
    },
    "time": {
        "year": ("år", "året", "årene", "years", "year", "årig", "årige", "year-old", "years-old", "year-olds",
                 "årsalderen"),
        "month": ("måned", "måneder", "månederne", "month", "months", "måneders", "month-old", "months-old",
                  "månedgammel", "måneder gammel"),
        "week": ("uge", "uger", "week", "weeks", "week-old", "weeks-old"),
        "day": ("dag", "dage", "døgn", "day", "days", "day-old", "days-old"),
        "hour": ("time", "timer", "hour", "hours"),
        "minute": ("minut", "minutter", "minute", "minutes", "min", "min."),
    },
    "length": {
        "km": ("km", "kilometer", "kilometres", "kilometers", "kilometre", "km/t", "km/h"),
        "m": ("meter", "metres", "meters", "metre", "m/s"),
        "cm": ("cm", "centimeter", "centimetres", "centimeters"),
        "mm": ("mm", "millimeter", "millimetres", "millimeters"),
        "mile": ("miles", "mile", "mph"),
        "foot": ("feet", "foot", "ft"),
        "inch": ("inches", "inch"),
    },
    "weight": {
        "kg": ("kg", "kilo", "kilogram", "kilograms", "kilos"),
        "tonne": ("ton", "tons", "tonnes", "tonne"),
    },
    # "degrees" in an English news text is as often Fahrenheit as Celsius: a unit of its own
    "temperature": {
        "celsius": ("grader", "graders", "celsius", "°c", "graders varme", "degrees celsius"),
        "fahrenheit": ("fahrenheit", "°f", "degrees fahrenheit"),
        "degree": ("degrees", "degree", "-degree"),
    },
    "vehicle": {
        "aircraft": ("fly", "kampfly", "aircraft", "planes", "jets", "fighter jets", "helicopters", "helikoptere"),
        "ship": ("skibe", "ships", "vessels", "fartøjer", "fregatter", "frigates"),
        "car": ("biler", "cars", "vehicles", "køretøjer"),
    },
}
UNITS: dict[str, tuple[str, str]] = {}
for _unit, _words in _PEOPLE.items():
    UNITS.update({w: ("people", _unit) for w in _words})
for _kind, _units in _OTHER_UNITS.items():
    for _unit, _words in _units.items():
        UNITS.update({w: (_kind, _unit) for w in _words})
# Units written before the number: "$3", "DKK 332.5 million", "kr. 300".
LEADING_UNITS = {"$": ("money", "USD"), "£": ("money", "GBP"), "€": ("money", "EUR"), "dkk": ("money", "DKK"),
                 "usd": ("money", "USD"), "eur": ("money", "EUR"), "gbp": ("money", "GBP"), "kr.": ("money", "DKK"),
                 "us$": ("money", "USD")}
# Longest unit phrase, in words.
UNIT_WORDS_MAX = 2

SCALES: dict[str, dict[str, float]] = {
    "da": {"million": 1e6, "millioner": 1e6, "mio": 1e6, "mio.": 1e6, "milliard": 1e9, "milliarder": 1e9,
           "mia": 1e9, "mia.": 1e9, "tusind": 1e3, "tusinde": 1e3, "hundrede": 1e2, "billion": 1e12,
           "billioner": 1e12},
    "en": {"million": 1e6, "millions": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "billions": 1e9, "bn": 1e9,
           "thousand": 1e3, "thousands": 1e3, "k": 1e3, "hundred": 1e2, "trillion": 1e12},
}

# Qualifiers written before a number, by what they say about it; longest phrases first when matched.
QUALIFIERS: dict[str, dict[str, str]] = {
    "da": {"ca.": "about", "ca": "about", "cirka": "about", "omkring": "about", "omtrent": "about",
           "cirka.": "about", "næsten": "nearly", "knap": "nearly", "op til": "up to", "op mod": "up to",
           "højst": "up to", "maksimalt": "up to", "mindst": "at least", "over": "more than",
           "mere end": "more than", "flere end": "more than", "mindre end": "less than", "færre end": "less than",
           "under": "less than", "anslået": "about", "anslåede": "about", "hen ved": "about",
           "godt": "more than", "knapt": "nearly", "mere end hver": "more than"},
    "en": {"about": "about", "around": "about", "approximately": "about", "approx.": "about", "approx": "about",
           "ca.": "about", "roughly": "about", "some": "about",
           "circa": "about", "c.": "about", "an estimated": "about", "estimated": "about", "nearly": "nearly",
           "almost": "nearly", "up to": "up to", "as many as": "up to", "at most": "up to", "no more than": "up to",
           "at least": "at least", "more than": "more than", "over": "more than", "upwards of": "more than",
           "in excess of": "more than", "less than": "less than", "fewer than": "less than", "under": "less than",
           "just under": "nearly", "just over": "more than", "close to": "nearly"},
}
QUALIFIER_WORDS_MAX = 3

MONTHS: dict[str, int] = {}
for _number, (_da, _en) in enumerate(zip(
        ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
         "november", "december"),
        ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december"), strict=True), start=1):
    MONTHS[_da] = MONTHS[_en] = _number
    MONTHS[_en[:3]] = MONTHS[_en[:3] + "."] = _number
# "may" and "march" are also common English words: read as months only next to a day or year.
AMBIGUOUS_MONTHS = frozenset({"may", "march", "mar", "jan", "sep", "dec", "nov", "oct", "aug", "jun", "jul", "apr",
                              "feb", "maj"})

# Numbers spelled out; only read where a unit follows, so "en" or "one" alone is no fact.
NUMBER_WORDS: dict[str, dict[str, float]] = {
    "da": {"to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8, "ni": 9, "ti": 10, "elleve": 11,
           "tolv": 12, "tyve": 20, "tredive": 30, "fyrre": 40, "halvtreds": 50, "hundrede": 100, "tusind": 1000,
           "et dusin": 12},
    "en": {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
           "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
           "a dozen": 12, "dozen": 12, "thousand": 1000, "a hundred": 100},
}

# Words after a number, or before it, that make it a time of day ("kl. 13", "1 p.m."): no fact.
CLOCK_BEFORE = frozenset({"kl.", "kl", "klokken"})
CLOCK_AFTER = frozenset({"p.m.", "a.m.", "pm", "am", "p.m", "a.m", "p.", "a.", "o'clock"})

# Years facts are read in: four digits in this range with no unit after them.
YEAR_RANGE = (1800, 2100)

# Words before a capitalised English word that make it a person's name.
PERSON_TITLES = frozenset({
    "minister", "ministers", "president", "premierminister", "statsminister", "forsvarsminister",
    "udenrigsminister", "colonel", "general", "oberst", "chief", "mr", "mrs", "ms", "dr", "prime", "secretary",
    "spokesman", "spokeswoman", "chef", "direktør", "director", "king", "queen", "kong", "dronning", "prince",
    "prins", "leader", "leder", "sergeant", "major", "captain", "kaptajn", "admiral", "lieutenant", "said", "sagde",
    "siger", "says", "told", "author", "by",
})
ORGANISATION_WORDS = frozenset({
    "ministry", "ministeriet", "ministerium", "department", "agency", "styrelsen", "council", "rådet", "committee",
    "udvalget", "parliament", "folketinget", "army", "hæren", "navy", "flåden", "force", "forces", "coalition",
    "koalitionen", "nato", "un", "fn", "eu", "union", "party", "partiet", "company", "university", "universitet",
    "bank", "court", "domstol", "police", "politi", "command", "kommando", "wing", "organisation", "organization",
    "institute", "instituttet", "office", "kontor",
})
