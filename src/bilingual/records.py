"""The rows every export format carries: one ``ExportRecord`` per Danish sentence, and English coverage.

A record holds the sentence with its MT, review and aligned English side (page furniture left out).
Each record also carries the QA warnings (``bilingual.quality``) of the English text it exports and
the post-edit effort of a reviewed sentence; these are derived data, computed once per record in
``export_records`` and never read back as reviews. The formats (``bilingual.formats``) write and
read these records; ``record_from_row`` turns a parsed row back into one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

from bilingual import quality
from bilingual.decisions import REVIEWED, counted_english, review_english
from bilingual.factcheck.compare import pair_findings
from bilingual.glossary import Glossary, expected_text, term_rendered
from bilingual.pipeline import last_alignment_request, pick_documents
from bilingual.store import Store, StoredAlignment, StoredDocument, StoredSegment

# Multi-valued CSV cells (the ids of a 1-2 bead) are joined by a newline: ids never hold one.
LIST_SEPARATOR = "\n"
# Post-edit effort is a percentage (TER); two decimals are finer than any difference a reader acts on.
EFFORT_DECIMALS = 2


@dataclass(frozen=True)
class ExportRecord:
    """One Danish sentence with its translation, review and aligned English side."""

    id: str
    document: str
    document_title: str
    paragraph: int
    index: int
    danish: str
    mt: str = ""
    final: str = ""
    status: str = "pending"
    reason: str = ""
    reviewer: str = ""
    reviewed_at: str = ""
    english: str = ""
    english_ids: tuple[str, ...] = ()
    english_document: str = ""
    english_title: str = ""
    alignment_score: float | None = None
    bead: str = ""
    alignment_method: str = ""
    alignment_status: str = ""
    aligner: str = ""
    translator_model: str = ""
    translator_revision: str = ""
    translator_signature: str = ""
    text_hash: str = ""
    review_version: int = 0
    # Derived QA data, appended after the original columns so that their positions stay stable.
    qa_warnings: tuple[str, ...] = ()
    qa_messages: tuple[str, ...] = ()
    post_edit_effort: float | None = None
    # The English that counts for the sentence (``bilingual.decisions``) and where it comes from:
    # review, mt, rejected (no English counts) or none. Derived, never read back as a review.
    translation: str = ""
    translation_origin: str = "none"
    # Fact-check differences with the aligned English (``bilingual.factcheck``) and the verdict on each.
    discrepancies: tuple[str, ...] = ()
    discrepancy_verdicts: tuple[str, ...] = ()
    # Where the Danish document came from and what it says about itself (empty where it does not say):
    # the address it was fetched from, its own date and its author. Appended last, as the QA fields were.
    document_url: str = ""
    document_date: str = ""
    document_author: str = ""


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(ExportRecord))
INT_FIELDS = {"paragraph", "index", "review_version"}
FLOAT_FIELDS = {"alignment_score", "post_edit_effort"}
# Tuple fields: newline-joined in a CSV cell, lists in JSON.
LIST_FIELDS = ("english_ids", "qa_warnings", "qa_messages", "discrepancies", "discrepancy_verdicts")
_REQUIRED = tuple(f.name for f in fields(ExportRecord) if f.default is MISSING and f.default_factory is MISSING)


# --------------------------------------------------------------------------- records from the store


def choose_beads(alignments: Iterable[StoredAlignment]) -> dict[int, StoredAlignment]:
    """The alignment of each source segment id: an accepted bead first, else the best rank-0 machine bead.

    Rejected beads and lower-ranked machine candidates are never chosen.
    """
    chosen: dict[int, StoredAlignment] = {}

    def preference(a: StoredAlignment) -> tuple[int, int, float]:
        return (0 if a.status == "accepted" else 1, a.rank, -a.score)

    for bead in alignments:
        if bead.status == "rejected" or (bead.status == "machine" and bead.rank != 0):
            continue
        for seg_id in bead.source_segment_ids:
            current = chosen.get(seg_id)
            if current is None or preference(bead) < preference(current):
                chosen[seg_id] = bead
    return chosen


def signature_line(pairs: Iterable[tuple[str, Any]]) -> str:
    """The one-line ``key:value|...`` form of a signature, like sacrebleu's; values that are not text as JSON."""
    def text(value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)

    return "|".join(f"{key}:{text(value)}" for key, value in pairs)


def alignment_signature_line(mode: str | None, signature: dict[str, Any]) -> str:
    """An alignment run's mode and signature on one line (the export's ``aligner`` column)."""
    return signature_line([*([("mode", mode)] if mode else []), *sorted(signature.items())])


def translator_signature_line(signature: dict[str, Any]) -> str:
    """A translator's signature on one line (the export's ``translator_signature`` column): model, revision,
    engine, each decoding option and the version of bilingual that made it."""
    decoding = sorted((signature.get("decoding") or {}).items())
    return signature_line([("model", signature.get("model")), ("rev", (signature.get("revision") or "none")[:12]),
                           ("backend", signature.get("backend")), *decoding, ("version", signature.get("version"))])


def qa_fields(danish: str, mt: str, final: str, status: str, glossary: Glossary | None = None) -> dict[str, Any]:
    """The derived fields of a record: the translation that counts, its QA warnings and the post-edit effort.

    The translation is the English that counts (``bilingual.decisions.counted_english``): the final
    text of an accepted or corrected sentence, the MT of a pending one, nothing for a rejected one.
    Its warnings come with the ``term`` check of the ``glossary`` when one is given. The post-edit
    effort (TER of the MT against the final text, in percent) is given for an accepted or corrected
    sentence with both texts, else None.
    """
    english = counted_english(status, mt or None, final or None)
    # with no glossary terms the call stays the plain two-text check
    extra = {"glossary": glossary} if glossary else {}
    # looked up on the module at each call, so a test can count the checks
    warnings = quality.check_translation(danish, english.text, **extra) if english.text is not None else []
    effort = None
    if status in REVIEWED and mt.strip() and final.strip():
        effort = round(quality.post_edit_effort(mt, final), EFFORT_DECIMALS)
    return {"qa_warnings": tuple(w.code for w in warnings), "qa_messages": tuple(w.message for w in warnings),
            "post_edit_effort": effort, "translation": english.text or "", "translation_origin": english.origin}


def export_records(store: Store, document_ids: Sequence[int] | None = None,
                   only_reviewed: bool = False) -> list[ExportRecord]:
    """One record per Danish sentence of the given Danish documents (all when None), in document order."""
    docs = {d.id: d for d in store.documents()}
    wanted = [d.id for d in docs.values() if d.language == "da" and (document_ids is None or d.id in document_ids)]
    wanted_set = set(wanted)
    danish = [s for s in store.segments(language="da", include_furniture=False) if s.document_id in wanted_set]
    hashes = {s.text_hash for s in danish}
    reviews, mts = store.reviews(hashes), store.latest_translations(hashes)
    beads: dict[int, StoredAlignment] = {}
    for doc_id in wanted:
        beads.update(choose_beads(store.alignments(doc_id)))
    # Only the English sentences that chosen beads point at are read, not the whole store.
    by_id = store.segments_by_ids(i for bead in beads.values() for i in bead.target_segment_ids)
    runs: dict[int, str] = {}
    glossary = Glossary(store.terms())
    verdicts = store.discrepancy_verdicts()
    metas = store.documents_meta(wanted)
    records = []
    for seg in danish:
        review = reviews.get(seg.text_hash)
        status = review.status if review else "pending"
        if only_reviewed and status not in REVIEWED:
            continue
        mt, mt_signature = mts.get(seg.text_hash, (None, {}))
        bead = beads.get(seg.id)
        aligned: dict[str, Any] = {}
        if bead is not None:
            if bead.run_id is not None and bead.run_id not in runs:
                run = store.alignment_run(bead.run_id)
                runs[bead.run_id] = alignment_signature_line(run["mode"], run["signature"]) if run else ""
            aligned = _aligned_fields(bead, by_id, docs, runs.get(bead.run_id or -1, ""))
        final = (review.final_text or "") if review else ""
        meta = metas[seg.document_id]
        records.append(ExportRecord(
            id=seg.stable_id, document=seg.document, document_title=docs[seg.document_id].title,
            paragraph=seg.paragraph, index=seg.index, danish=seg.text, mt=mt or "", final=final, status=status,
            reason=(review.reason or "") if review else "", reviewer=(review.reviewer or "") if review else "",
            reviewed_at=review.updated_at if review else "",
            translator_model=str(mt_signature.get("model") or ""),
            translator_revision=str(mt_signature.get("revision") or ""),
            translator_signature=translator_signature_line(mt_signature) if mt_signature else "",
            text_hash=seg.text_hash, review_version=review.version if review else 0, **aligned,
            **qa_fields(seg.text, mt or "", final, status, glossary),
            **pair_findings(seg.text, counted_english(status, mt, final).text,
                            [by_id[i].text for i in (bead.target_segment_ids if bead else ()) if i in by_id], verdicts),
            document_url=meta.url, document_date=meta.date, document_author=meta.author,
        ))
    return records


def _aligned_fields(bead: StoredAlignment, by_id: dict[int, StoredSegment], docs: dict, aligner: str) -> dict[str, Any]:
    targets = [by_id[i] for i in bead.target_segment_ids if i in by_id]
    names = list(dict.fromkeys(t.document for t in targets))
    titles = list(dict.fromkeys(docs[t.document_id].title for t in targets))
    return {
        "english": " ".join(t.text for t in targets), "english_ids": tuple(t.stable_id for t in targets),
        "english_document": LIST_SEPARATOR.join(names), "english_title": LIST_SEPARATOR.join(titles),
        "alignment_score": float(bead.score), "bead": f"{len(bead.source_segment_ids)}-{len(bead.target_segment_ids)}",
        "alignment_method": bead.method, "alignment_status": bead.status, "aligner": aligner,
    }


def record_from_row(row: dict[str, Any]) -> ExportRecord:
    """An ExportRecord from a CSV row or JSON object, converting the typed fields back.

    A field the row lacks takes its default; the fields without one (a TMX file leaves out an empty
    document title) are empty text, or 0 for a number.
    """
    values: dict[str, Any] = {name: 0 if name in INT_FIELDS else "" for name in _REQUIRED}
    for name in COLUMNS:
        if name not in row:
            continue
        value = row[name]
        if name in INT_FIELDS:
            value = int(value) if value not in ("", None) else 0
        elif name in FLOAT_FIELDS:
            value = float(value) if value not in ("", None) else None
        elif name in LIST_FIELDS:
            if isinstance(value, str):  # a CSV cell; JSON and TMX give a list
                value = value.split(LIST_SEPARATOR) if value else ()
            value = tuple(value)
        values[name] = value
    return ExportRecord(**values)


# --------------------------------------------------------------------------- English coverage


@dataclass(frozen=True)
class Coverage:
    """An English sentence and the Danish sentences whose chosen alignment includes it, with scores."""

    segment: StoredSegment
    danish: tuple[tuple[int, float], ...] = ()

    @property
    def covered(self) -> bool:
        """Whether the Danish document says this too (some chosen bead links it)."""
        return bool(self.danish)


def english_coverage(english: Sequence[StoredSegment], alignments: Iterable[StoredAlignment]) -> list[Coverage]:
    """For each English sentence, the Danish sentences aligned with it by their chosen beads.

    The chosen bead of a Danish sentence is the one the export uses (accepted first, else the
    machine's rank 0); rejected beads and lower-ranked candidates do not count.
    """
    linked: dict[int, dict[int, float]] = {}
    for danish_id, bead in choose_beads(alignments).items():
        for english_id in bead.target_segment_ids:
            linked.setdefault(english_id, {})[danish_id] = bead.score
    return [Coverage(seg, tuple(sorted(linked.get(seg.id, {}).items()))) for seg in english]


COVERAGE_COLUMNS = ("danish_document", "english_id", "in_danish", "danish_ids", "score", "english")


@dataclass(frozen=True)
class CoverageRow:
    """One English sentence of a coverage report: whether a Danish document says it, and by which sentences."""

    danish_document: str
    english_id: str
    in_danish: bool
    danish_ids: tuple[str, ...]
    score: float | None
    english: str

    def cells(self) -> list[str]:
        """The row as the text cells of ``COVERAGE_COLUMNS`` (``yes``/``no``, ids space-separated, score .3f)."""
        return [self.danish_document, self.english_id, "yes" if self.in_danish else "no", " ".join(self.danish_ids),
                f"{self.score:.3f}" if self.score is not None else "", self.english]


@dataclass
class CoverageReport:
    """The rows of a coverage report, and its notes in order: a summary per English document, unaligned documents."""

    rows: list[CoverageRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def coverage_report(store: Store, documents: Sequence[StoredDocument] = (), only_new: bool = False) -> CoverageReport:
    """Which English sentences the Danish documents (all when none are given) say too, from their alignments.

    Each Danish document is compared with the English documents of its last alignment (all English
    documents when the run names none still stored), furniture left out; ``only_new`` keeps the rows
    of the English sentences it does not have. A non-Danish document is a ValueError.
    """
    report = CoverageReport()
    for doc in pick_documents(store, [d.id for d in documents], "da"):
        alignments = store.alignments(doc.id)
        if not alignments:
            report.notes.append(f"{doc.name}: not aligned yet (run `bilingual align --source {doc.name}`)")
            continue
        targets = last_alignment_request(store, doc.id).get("target_document_ids") or [
            d.id for d in store.documents(language="en")]
        ids = {s.id: s.stable_id for s in store.segments(doc.id)}
        for english_id in targets:
            english = store.document(english_id)
            items = english_coverage(store.segments(english_id, include_furniture=False), alignments)
            report.notes.append(f"{english.name}: {sum(c.covered for c in items)} of {len(items)} sentences are in "
                                f"{doc.name}")
            for item in items:
                if only_new and item.covered:
                    continue
                report.rows.append(CoverageRow(
                    doc.name, item.segment.stable_id, item.covered, tuple(ids[i] for i, _ in item.danish),
                    max(score for _, score in item.danish) if item.covered else None, item.segment.text))
    return report


# --------------------------------------------------------------------------- terminology per sentence

# How the glossary check names where a sentence's English comes from (``bilingual.decisions`` origins).
ORIGIN_LABELS = {"review": "reviewed", "mt": "MT", "rejected": "rejected", "none": "no English"}


@dataclass(frozen=True)
class TermCheck:
    """A Danish sentence with glossary terms: the English that counts and, per term found, its verdict."""

    segment: StoredSegment
    english: str | None
    origin: str
    # (the term as written in the Danish, the renderings expected, verdict): verdict is "rendered",
    # "NOT rendered" or "no English yet"
    terms: tuple[tuple[str, str, str], ...]

    @property
    def label(self) -> str:
        """Where the English comes from, for display: reviewed, MT, rejected or no English."""
        return ORIGIN_LABELS[self.origin]


def term_check(store: Store, documents: Sequence[StoredDocument], glossary: Glossary) -> list[TermCheck]:
    """Every sentence of the Danish documents that holds a glossary term, with whether its English renders it.

    The English is the one that counts (``bilingual.decisions``): a rejected sentence has none, so its
    terms are "no English yet", as for a sentence not translated yet.
    """
    wanted = {d.id for d in documents}
    segments = [s for s in store.segments(language="da", include_furniture=False) if s.document_id in wanted]
    hashes = {s.text_hash for s in segments}
    reviews, mts = store.reviews(hashes), store.latest_translations(hashes)
    checks = []
    for seg in segments:
        hits = glossary.find(seg.text)
        if not hits:
            continue
        mt = mts[seg.text_hash][0] if seg.text_hash in mts else None
        english = review_english(reviews.get(seg.text_hash), mt)
        verdicts = []
        for hit in hits:
            if english.text is None:
                verdict = "no English yet"
            else:
                verdict = "rendered" if term_rendered(english.text, hit.term) else "NOT rendered"
            verdicts.append((hit.text, expected_text(hit.term), verdict))
        checks.append(TermCheck(seg, english.text, english.origin, tuple(verdicts)))
    return checks
