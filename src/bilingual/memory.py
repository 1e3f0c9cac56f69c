"""Fuzzy translation-memory matches: reviewed sentences whose Danish source is close to a new one.

Exact matches need no search: a review is keyed by the hash of its source text, so the same
sentence gets its reviewed English back wherever it appears. This module finds the near misses
(a changed number, a different minister, one word more) the way translators' tools present them:
a similarity percentage, the reviewed English, and what differs between the two Danish sentences.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bilingual.decisions import is_reviewed
from bilingual.store import Review

# Translators' tools conventionally stop offering fuzzy matches below 70-75%: under that,
# adapting the match costs more than translating from the MT.
FUZZY_THRESHOLD = 75.0
FUZZY_LIMIT = 3


@dataclass(frozen=True)
class FuzzyMatch:
    """A reviewed sentence close to the one being translated, with its similarity in percent."""

    score: float
    source_text: str
    target_text: str
    status: str
    reviewer: str | None
    updated_at: str
    text_hash: str


def normalise(text: str) -> str:
    """Lower-case the text and reduce punctuation and spacing, so only words and numbers are compared."""
    from rapidfuzz import utils

    return utils.default_process(text)


class TranslationMemory:
    """Accepted and corrected sentences, indexed for fuzzy lookup of their Danish sources."""

    def __init__(self, entries: Iterable[Review]):
        # Later entries win ties, so the most recent decision on a wording is offered first.
        usable = [e for e in entries if e.final_text and is_reviewed(e.status)]
        self.entries = list(reversed(usable))
        self._keys = [normalise(e.source_text) for e in self.entries]

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, source: str, *, limit: int = FUZZY_LIMIT, threshold: float = FUZZY_THRESHOLD,
               exclude_hash: str | None = None) -> list[FuzzyMatch]:
        """The best fuzzy matches of a Danish sentence at or above ``threshold`` percent, best first.

        ``exclude_hash`` leaves out the sentence itself (its own review is an exact match, not a suggestion).
        """
        from rapidfuzz import fuzz, process

        query = normalise(source)
        if not query or not self._keys:
            return []
        hits = process.extract(query, self._keys, scorer=fuzz.ratio, processor=None, score_cutoff=threshold,
                               limit=None)
        # extract sorts by score only; the index breaks ties so the newest decision comes first.
        hits.sort(key=lambda hit: (-hit[1], hit[2]))
        found: list[FuzzyMatch] = []
        seen: set[str] = set()
        for _, score, index in hits:
            entry = self.entries[index]
            if entry.text_hash == exclude_hash or entry.final_text in seen:
                continue
            seen.add(entry.final_text or "")
            found.append(FuzzyMatch(round(score, 1), entry.source_text, entry.final_text or "", entry.status,
                                    entry.reviewer, entry.updated_at, entry.text_hash))
            if len(found) == limit:
                break
        return found
