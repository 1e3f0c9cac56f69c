"""End-of-line hyphens in Danish text: joined where the joined word is a word, kept where the hyphen is real.

A line that ends in "sikkerheds-" and goes on with "styrker" is one word, "sikkerhedsstyrker":
Danish writes compounds closed, so a hyphen between two lower-case parts at a line end is the
typesetter's. The hyphen is real, and kept, where Danish spelling writes one:

- after an abbreviation, a capital or a digit ("EU-", "NATO-", "2026-"): "EU-samarbejdet";
- before a capital or a digit ("Nord-", "Jylland"): a compound of a name or a number;
- before "og", "eller", "samt", "til": a suspended compound, "sikkerheds- og forsvarspolitik";
- where the document itself writes the hyphenated form inside a line ("offentlig-privat").

Where the document writes the joined word inside a line, or a word of the same stem (the Snowball
Danish stemmer, "sikkerhedsstyrkerne" for "sikkerhedsstyrker"), that is the evidence the parts are
one word; lacking all evidence, the closed-compound rule decides. No Danish word list ships in any
installed package, so the document is the word list.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_LINE_END = re.compile(r"(\S*?)([^\W\d_]*)-$")
_SUSPENDED = frozenset({"og", "eller", "samt", "til", "and", "or", "nor", "to"})


@functools.cache
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("danish")


def word_counts(lines: Iterable[str]) -> Counter[str]:
    """How often each word (and each word's stem, as ``stem:...``) is written inside a line of the document.

    The last word of a line ending in a hyphen is left out: it is the part in question.
    """
    counts: Counter[str] = Counter()
    for line in lines:
        words = _WORD.findall(line)
        if line.rstrip().endswith("-") and words:
            words = words[:-1]
        for word in words:
            folded = word.casefold()
            counts[folded] += 1
            if "-" not in folded:
                counts["stem:" + _stemmer().stemWord(folded)] += 1
    return counts


def keeps_hyphen(first: str, second: str, counts: Counter[str]) -> bool:
    """Whether "first-" at a line end followed by "second" keeps its hyphen (see the module's rules)."""
    head = re.sub(r"^\W+", "", first)
    following = re.match(r"[^\W_]+", second)
    if not head or following is None:
        return True
    tail = following.group(0)
    if head[-1].isupper() or head[-1].isdigit() or not tail[0].islower():
        return True
    if tail.casefold() in _SUSPENDED:
        return True
    joined, hyphened = (head + tail).casefold(), f"{head}-{tail}".casefold()
    if counts[joined] or counts["stem:" + _stemmer().stemWord(joined)]:
        return False
    return counts[hyphened] > 0


def join_lines(lines: list[str], counts: Counter[str] | None = None) -> str:
    """The lines of one paragraph as one text: a space between lines, end-of-line hyphens joined or kept."""
    counts = counts if counts is not None else word_counts(lines)
    text = ""
    for line in lines:
        line = line.strip()
        if not text:
            text = line
            continue
        found = _LINE_END.search(text)
        if found and found.group(2) and not keeps_hyphen(found.group(1) + found.group(2), line, counts):
            text = text[:-1] + line  # the typesetter's hyphen: the two parts are one word
        elif re.search(r"\w-$", text) and line.split(" ", 1)[0].casefold() not in _SUSPENDED:
            text += line  # a real hyphen inside a compound: "EU-" + "samarbejdet"
        else:
            text += " " + line
    return text
