"""Concordance: how a Danish or English word or phrase was translated across the whole store.

A phrase is matched word by word on stems, with the same words and stemming as the glossary
(``bilingual.glossary``: Snowball, whole words, several words in a row with only spaces or hyphens
between), so a Danish search for ``koalitionen`` finds ``koalitionens`` and ``Koalitionen``, and
``forsvarsminister`` finds ``forsvarsministeren``. Like the glossary, stemming does not join forms
that change inside the word (``ministeriet`` / ``ministerium``) or find a word inside a compound
(``koalition`` is not found in ``koalitionslande``): search for those forms as well.

Hits come reviewed texts first (accepted, corrected), then MT, then sentences with no English
that counts (rejected, not translated); an English search then adds the sentences of the English
articles, each with the Danish sentences aligned with it. Each hit has its highlight spans, its
translation (the English that counts, ``bilingual.decisions``, or the Danish side), its document
and its status.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bilingual.decisions import review_english
from bilingual.glossary import word_stems
from bilingual.records import choose_beads
from bilingual.store import Store

LANGUAGES = ("da", "en")
# Tiers, in the order hits are listed.
TIERS = ("reviewed", "MT", "no English", "English article")
COLUMNS = ("tier", "status", "id", "document", "title", "found", "translation", "spans")


@dataclass(frozen=True)
class Hit:
    """A sentence holding the phrase: where the phrase stands in ``found`` and what stands beside it."""

    tier: str
    status: str
    id: str
    document: str
    title: str
    found: str
    translation: str
    spans: tuple[tuple[int, int], ...]

    def marked(self, before: str = "[", after: str = "]") -> str:
        """``found`` with each hit between the two markers."""
        out, last = [], 0
        for start, end in self.spans:
            out += [self.found[last:start], before, self.found[start:end], after]
            last = end
        return "".join(out) + self.found[last:]

    def as_dict(self) -> dict[str, object]:
        """The hit as plain data (spans as lists), for JSON."""
        return {name: [list(s) for s in self.spans] if name == "spans" else getattr(self, name) for name in COLUMNS}


def phrase_key(phrase: str, language: str) -> tuple[str, ...]:
    """The stems a phrase is searched by; a ValueError when it has no word or the language is unknown."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected da or en")
    key = tuple(stem for stem, *_ in word_stems(phrase, language))
    if not key:
        raise ValueError(f"{phrase!r} holds no word to search for")
    return key


def find_spans(text: str, key: Sequence[str], language: str) -> tuple[tuple[int, int], ...]:
    """The character spans where the stems ``key`` stand in a text one word after another."""
    words = word_stems(text, language)
    spans, n, i = [], len(key), 0
    while i + n <= len(words):
        if all(words[i + k][0] == key[k] and (k == 0 or words[i + k][3]) for k in range(n)):
            spans.append((words[i][1], words[i + n - 1][2]))
            i += n
        else:
            i += 1
    return tuple(spans)


def concordance(store: Store, phrase: str, language: str = "da", limit: int | None = None) -> list[Hit]:
    """Every sentence of the store holding the phrase, reviewed first, then MT, then the rest."""
    key = phrase_key(phrase, language)
    hits = sorted(_hits(store, key, language), key=lambda h: TIERS.index(h.tier))  # stable: store order kept
    return hits[:limit] if limit is not None else hits


def _hits(store: Store, key: tuple[str, ...], language: str) -> Iterator[Hit]:
    docs = {d.id: d for d in store.documents()}
    danish = store.segments(language="da", include_furniture=False)
    hashes = {s.text_hash for s in danish}
    reviews, mts = store.reviews(hashes), store.latest_translations(hashes)
    for seg in danish:
        review = reviews.get(seg.text_hash)
        english = review_english(review, mts[seg.text_hash][0] if seg.text_hash in mts else None)
        found, other = (seg.text, english.text or "") if language == "da" else (english.text or "", seg.text)
        spans = find_spans(found, key, language) if found else ()
        if spans:
            tier = {"review": "reviewed", "mt": "MT"}.get(english.origin, "no English")
            status = review.status if review else "pending"
            yield Hit(tier, status, seg.stable_id, seg.document, docs[seg.document_id].title, found, other, spans)
    if language != "en":
        return
    # English articles: each sentence with the Danish sentences whose chosen bead holds it
    linked: dict[int, list[int]] = {}
    for danish_id, bead in choose_beads(store.alignments()).items():
        for english_id in bead.target_segment_ids:
            linked.setdefault(english_id, []).append(danish_id)
    by_id = {s.id: s for s in danish}
    for seg in store.segments(language="en", include_furniture=False):
        spans = find_spans(seg.text, key, "en")
        if spans:
            other = " ".join(by_id[i].text for i in sorted(linked.get(seg.id, ())) if i in by_id)
            yield Hit("English article", "aligned" if other else "not aligned", seg.stable_id, seg.document,
                      docs[seg.document_id].title, seg.text, other, spans)
