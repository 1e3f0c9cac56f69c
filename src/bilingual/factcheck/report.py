"""The differences of a Danish document with the English articles it is aligned with, and the verdicts on them.

For each Danish document, from its stored alignments (``bilingual.records.choose_beads`` picks the
bead of each sentence, as the export does):

- **aligned**: each Danish sentence against the English sentences of its chosen bead;
- **candidate**: against its other English candidates (lower-ranked machine beads of the last
  alignment run: sentences on the same topic that may report the same fact differently);
- **same topic**: against any English sentence of those articles whose numbers count the same
  thing (soldiers, kroner), for a number that differs;
- **same article** / **across articles**: names spelt two ways among the English articles of its
  last alignment, within one article and between two.

The Danish side is read through its own text and the English that counts for it
(``bilingual.decisions``), so a document with no MT is checked too. English sentences with numbers
or dates and no Danish counterpart are those English coverage lists (``bilingual coverage
--only-new``); each difference says whether its English sentence is covered, and the report counts
the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bilingual.decisions import review_english
from bilingual.factcheck.compare import Difference, compare, key_of, name_variants, read_side
from bilingual.factcheck.facts import Fact, sentence_facts
from bilingual.pipeline import last_alignment_request, pick_documents
from bilingual.records import choose_beads, english_coverage
from bilingual.store import Store, StoredDocument, StoredSegment
from bilingual.store.discrepancies import Verdict

SOURCES = ("aligned", "candidate", "same topic", "same article", "across articles")
# How far into an article its date is looked for (a dateline or the first paragraph).
DATE_REACH = 1200


@dataclass(frozen=True)
class Discrepancy:
    """One difference between two sentences, where it was found and the verdict on it (None: none yet)."""

    key: str
    kind: str
    source: str
    left: StoredSegment
    right: StoredSegment
    left_fact: Fact
    right_fact: Fact
    left_translation: str
    danish_document: str
    english_document: str
    english_title: str
    english_date: str
    english_in_danish: bool
    verdict: Verdict | None = None

    @property
    def detail(self) -> str:
        """The two facts as written: ``op til ca. 150 soldater / About 80 Danish soldiers``."""
        return f"{self.left_fact.text} / {self.right_fact.text}"

    @property
    def verdict_text(self) -> str:
        """The verdict, or ``pending``."""
        return self.verdict.verdict if self.verdict else "pending"


@dataclass
class DiscrepancyReport:
    """The differences found, and notes (documents not aligned, English claims with no Danish counterpart)."""

    items: list[Discrepancy] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def article_date(text: str) -> str:
    """The first full date near the top of an article (ISO ``YYYY-MM-DD``), or ``""``."""
    for fact in sentence_facts(text[:DATE_REACH], "en"):
        if fact.kind == "date" and fact.year and fact.month and fact.day:
            return f"{fact.year:04d}-{fact.month:02d}-{fact.day:02d}"
    return ""


def find_discrepancies(store: Store, documents: Sequence[StoredDocument] = ()) -> DiscrepancyReport:
    """The differences of the Danish documents (all when none are given) with their aligned English articles."""
    report = DiscrepancyReport()
    verdicts = store.discrepancy_verdicts()
    for doc in pick_documents(store, [d.id for d in documents], "da"):
        items, notes = _document_items(store, doc, verdicts)
        report.items += items
        report.notes += notes
    return report


def _document_items(store: Store, doc: StoredDocument,
                    verdicts: dict[str, Verdict]) -> tuple[list[Discrepancy], list[str]]:
    """The differences of one Danish document, and its notes."""
    report = DiscrepancyReport()
    alignments = store.alignments(doc.id)
    if not alignments:
        report.notes.append(f"{doc.name}: not aligned yet (run `bilingual align --source {doc.name}`)")
        return [], report.notes
    targets = last_alignment_request(store, doc.id).get("target_document_ids") or [
        d.id for d in store.documents(language="en")]
    english_docs = {d.id: d for d in store.documents(language="en") if d.id in set(targets)}
    english = {s.id: s for d in english_docs for s in store.segments(d, include_furniture=False)}
    danish = {s.id: s for s in store.segments(doc.id, include_furniture=False)}
    covered = {c.segment.id for c in english_coverage(list(english.values()), alignments) if c.covered}
    dates = {d: article_date(store.document_text(d)) for d in english_docs}
    hashes = {s.text_hash for s in danish.values()}
    reviews, mts = store.reviews(hashes), store.latest_translations(hashes)
    counted = {i: review_english(reviews.get(s.text_hash), mts.get(s.text_hash, (None, {}))[0]).text
               for i, s in danish.items()}

    def item(difference: Difference, source: str, left: StoredSegment, right: StoredSegment,
             translation: str = "") -> Discrepancy:
        key = key_of(difference, left.text, right.text)
        target = english_docs[right.document_id]
        return Discrepancy(key, difference.kind, source, left, right, difference.left, difference.right,
                           translation, doc.name, target.name, target.title, dates[target.id],
                           right.id in covered, verdicts.get(key))

    chosen = choose_beads(alignments)
    pairs: list[tuple[int, int, str]] = []
    for seg_id, bead in chosen.items():
        pairs += [(seg_id, t, "aligned") for t in bead.target_segment_ids]
    seen = {(a, b) for a, b, _ in pairs}
    for bead in alignments:
        if bead.status == "machine" and bead.rank > 0:
            pairs += [(s, t, "candidate") for s in bead.source_segment_ids for t in bead.target_segment_ids
                      if (s, t) not in seen]
            seen |= {(s, t) for s in bead.source_segment_ids for t in bead.target_segment_ids}
    pairs += _same_topic(danish, english, seen)
    found: set[str] = set()
    for seg_id, target_id, source in pairs:
        if seg_id not in danish or target_id not in english:
            return [], report.notes
        left, right = danish[seg_id], english[target_id]
        side = read_side(left.text, "da", counted[seg_id])
        for difference in compare(side, read_side(right.text, "en")):
            if source == "same topic" and difference.kind != "number":
                continue
            found_item = item(difference, source, left, right, counted[seg_id] or "")
            if found_item.key not in found:
                found.add(found_item.key)
                report.items.append(found_item)
    report.items += _name_items(english, english_docs, item)
    uncovered = [s for s in english.values() if s.id not in covered
                 and any(f.kind in ("number", "date") for f in sentence_facts(s.text, "en"))]
    if uncovered:
        report.notes.append(f"{doc.name}: {len(uncovered)} English sentences with numbers or dates have no "
                            f"Danish counterpart (`bilingual coverage --document {doc.name} --only-new`)")
    return report.items, report.notes


def _counted_units(text: str, language: str) -> set[tuple[str, str]]:
    """What the numbers of a sentence count, where it says (soldiers, kroner), time and order left out."""
    return {(f.unit_kind, f.unit) for f in sentence_facts(text, language)
            if f.kind == "number" and f.unit_kind and f.unit and f.unit_kind != "time"}


def _same_topic(danish: dict[int, StoredSegment], english: dict[int, StoredSegment],
                seen: set[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Pairs not aligned whose numbers count the same thing ("150 soldater", "80 soldiers"): same topic."""
    units_en = {i: _counted_units(s.text, "en") for i, s in english.items()}
    out = []
    for seg_id, seg in danish.items():
        units = _counted_units(seg.text, "da")
        if units:
            out += [(seg_id, i, "same topic") for i, u in units_en.items() if units & u and (seg_id, i) not in seen]
    return out


def _name_items(english: dict[int, StoredSegment], english_docs: dict[int, StoredDocument], item) -> list:
    """Names spelt two ways within one English article and across the articles."""
    out = []
    ordered = sorted(english.values(), key=lambda s: (s.document_id, s.paragraph, s.index))
    for ia, fa, ib, fb in name_variants((s.id, s.text) for s in ordered):
        a, b = english[ia], english[ib]  # type: ignore[index]
        if (a.document_id, a.paragraph, a.index) > (b.document_id, b.paragraph, b.index):
            a, b, fa, fb = b, a, fb, fa
        source = "same article" if a.document_id == b.document_id else "across articles"
        out.append(item(Difference("name", fa, fb), source, a, b))
    return out
