"""Export the reviewed, aligned result as CSV, TMX 1.4b, JSONL or XLIFF 1.2, and import reviews back.

Every format carries the same ``ExportRecord`` rows, one per Danish sentence (page furniture left
out); the readers here turn each format back into those rows, so an export can be checked and
re-used by programs. ``import_reviews`` applies the ``final``/``status`` columns of a CSV edited in
a spreadsheet, through the same optimistic version check as the review app; ``import_xliff_reviews``
turns the targets of an XLIFF file translated in a CAT tool into such rows.

Each record also carries the QA warnings (``bilingual.quality``) of the English text it exports and
the post-edit effort of a reviewed sentence; these are derived data, computed once per record in
``export_records`` and never read back as reviews.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, TextIO

from bilingual import __version__
from bilingual.glossary import Glossary
from bilingual.store import REVIEW_STATUSES, Review, StaleReviewError, Store, StoredAlignment, StoredSegment

FORMATS = ("csv", "tmx", "jsonl", "xliff")
REVIEWED = ("accepted", "corrected")
# Multi-valued CSV cells (the ids of a 1-2 bead) are joined by a newline: ids never hold one.
LIST_SEPARATOR = "\n"
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NEUTRALISED = re.compile(r"'*[=+\-@\t\r]")
_XML_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
TMX_DATE = "%Y%m%dT%H%M%SZ"
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


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(ExportRecord))
_INT_FIELDS = {"paragraph", "index", "review_version"}
_FLOAT_FIELDS = {"alignment_score", "post_edit_effort"}
# Tuple fields: newline-joined in a CSV cell, lists in JSON.
_LIST_FIELDS = ("english_ids", "qa_warnings", "qa_messages")


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


def signature_text(mode: str | None, signature: dict[str, Any]) -> str:
    """A one-line ``key:value|...`` form of an alignment run's mode and signature."""
    parts = [f"mode:{mode}"] if mode else []
    for key, value in sorted(signature.items()):
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)
        parts.append(f"{key}:{text}")
    return "|".join(parts)


def qa_fields(danish: str, mt: str, final: str, status: str, glossary: Glossary | None = None) -> dict[str, Any]:
    """The derived QA fields of a record: ``qa_warnings``, ``qa_messages`` and ``post_edit_effort``.

    The warnings are those of the English text the record exports as the translation: the final
    text if there is one, else the MT (none when there is neither), with the ``term`` check of the
    ``glossary`` when one is given. The post-edit effort (TER of the MT against the final text, in
    percent) is given for an accepted or corrected sentence with both texts, else None.
    """
    from bilingual.quality import check_translation, post_edit_effort

    english = final if final.strip() else mt
    # with no glossary terms the call stays the plain two-text check
    extra = {"glossary": glossary} if glossary else {}
    warnings = check_translation(danish, english, **extra) if english.strip() else []
    effort = None
    if status in REVIEWED and mt.strip() and final.strip():
        effort = round(post_edit_effort(mt, final), EFFORT_DECIMALS)
    return {"qa_warnings": tuple(w.code for w in warnings), "qa_messages": tuple(w.message for w in warnings),
            "post_edit_effort": effort}


def export_records(store: Store, document_ids: Sequence[int] | None = None,
                   only_reviewed: bool = False) -> list[ExportRecord]:
    """One record per Danish sentence of the given Danish documents (all when None), in document order."""
    from bilingual.translate import signature_string

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
                runs[bead.run_id] = signature_text(run["mode"], run["signature"]) if run else ""
            aligned = _aligned_fields(bead, by_id, docs, runs.get(bead.run_id or -1, ""))
        final = (review.final_text or "") if review else ""
        records.append(ExportRecord(
            id=seg.stable_id, document=seg.document, document_title=docs[seg.document_id].title,
            paragraph=seg.paragraph, index=seg.index, danish=seg.text, mt=mt or "", final=final, status=status,
            reason=(review.reason or "") if review else "", reviewer=(review.reviewer or "") if review else "",
            reviewed_at=review.updated_at if review else "",
            translator_model=str(mt_signature.get("model") or ""),
            translator_revision=str(mt_signature.get("revision") or ""),
            translator_signature=signature_string(mt_signature) if mt_signature else "",
            text_hash=seg.text_hash, review_version=review.version if review else 0, **aligned,
            **qa_fields(seg.text, mt or "", final, status, glossary),
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


# --------------------------------------------------------------------------- CSV


def neutralise(cell: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would run as a formula.

    Cells that already start with apostrophes before a trigger get one more, so that
    ``unneutralise`` (drop one apostrophe where one or more precede a trigger) is its exact inverse.
    """
    return "'" + cell if _NEUTRALISED.match(cell) else cell


def unneutralise(cell: str) -> str:
    """Undo ``neutralise``: drop the one apostrophe it added, leave every other cell alone."""
    return cell[1:] if cell.startswith("'") and _NEUTRALISED.match(cell) else cell


def _csv_cells(record: ExportRecord, excel: bool) -> list[str]:
    cells = []
    for name in COLUMNS:
        value = getattr(record, name)
        if name in _LIST_FIELDS:
            value = LIST_SEPARATOR.join(value)
        if value is None:
            cells.append("")
        elif isinstance(value, str):
            cells.append(neutralise(value) if excel else value)
        else:
            # numbers come from this code, never from users, so they are written as numbers
            cells.append(repr(value) if isinstance(value, float) else str(value))
    return cells


def write_csv(records: Iterable[ExportRecord], out: TextIO, excel: bool = False) -> int:
    """Write RFC 4180 CSV (header row, CRLF, quoted where needed); return the row count.

    ``excel`` writes a UTF-8 byte-order mark and neutralises formula-like text cells.
    Open ``out`` with ``newline=""`` so embedded newlines survive as they are.
    """
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    n = 0
    for record in records:
        writer.writerow(_csv_cells(record, excel))
        n += 1
    return n


def is_excel_csv(text: str) -> bool:
    """Whether CSV text was written with ``--excel``: it starts with a byte-order mark."""
    return text.startswith("\ufeff")


def decode_csv(data: bytes, name: str = "<csv>") -> str:
    """CSV bytes as text: UTF-8 (a byte-order mark is kept, it marks ``--excel``), else Windows-1252.

    Spreadsheets on Western-European Windows save plain "CSV" in Windows-1252.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValueError(f"{name} is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8") from None


def read_csv_rows(text: str, excel: bool | None = None, required: Sequence[str] = ()) -> list[dict[str, str]]:
    """The rows of an exported (possibly spreadsheet-edited) CSV as dicts of column -> text.

    ``excel`` None means: detect it from the byte-order mark. In that mode the apostrophes the
    export added are removed. The delimiter is taken from the header row, since spreadsheets in
    some locales save with ``;``. A header without the ``required`` columns is a ValueError.
    """
    if excel is None:
        excel = is_excel_csv(text)
    text = text.removeprefix("\ufeff")
    header = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        columns = [c.strip() for c in next(reader)]
    except StopIteration:
        raise ValueError("the CSV file is empty") from None
    _check_columns(columns, required)
    rows = []
    for cells in reader:
        # blank rows are kept, so a row's place still matches the spreadsheet's row number
        cells = [unneutralise(c) for c in cells] if excel else cells
        rows.append(dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=False)))
    return rows


def _check_columns(columns: Iterable[str], required: Sequence[str]) -> None:
    missing = [c for c in required if c not in set(columns)]
    if missing:
        raise ValueError(f"the CSV lacks the column(s) {', '.join(missing)}; use a file written by bilingual export")


def record_from_row(row: dict[str, Any]) -> ExportRecord:
    """An ExportRecord from a CSV row or JSON object, converting the typed fields back."""
    values: dict[str, Any] = {}
    for name in COLUMNS:
        if name not in row:
            continue
        value = row[name]
        if name in _INT_FIELDS:
            value = int(value) if value not in ("", None) else 0
        elif name in _FLOAT_FIELDS:
            value = float(value) if value not in ("", None) else None
        elif name in _LIST_FIELDS:
            if isinstance(value, str):  # a CSV cell; JSON and TMX give a list
                value = value.split(LIST_SEPARATOR) if value else ()
            value = tuple(value)
        values[name] = value
    return ExportRecord(**values)


def read_csv(text: str, excel: bool | None = None) -> list[ExportRecord]:
    """Parse an exported CSV back into records."""
    return [record_from_row(row) for row in read_csv_rows(text, excel) if not _blank(row)]


def _blank(row: dict[str, str]) -> bool:
    return not any((value or "").strip() for value in row.values())


# --------------------------------------------------------------------------- JSONL


def record_dict(record: ExportRecord) -> dict[str, Any]:
    """A record as a JSON-ready dict (``english_ids``, ``qa_warnings`` and ``qa_messages`` as lists)."""
    data = asdict(record)
    for name in _LIST_FIELDS:
        data[name] = list(getattr(record, name))
    return data


def write_jsonl(records: Iterable[ExportRecord], out: TextIO) -> int:
    """Write one JSON object per line, every field; return the count."""
    n = 0
    for record in records:
        out.write(json.dumps(record_dict(record), ensure_ascii=False) + "\n")
        n += 1
    return n


def read_jsonl(text: str) -> list[ExportRecord]:
    """Parse JSONL written by ``write_jsonl`` back into records."""
    return [record_from_row(json.loads(line)) for line in text.splitlines() if line.strip()]


# --------------------------------------------------------------------------- TMX 1.4b

# Record fields a TMX file carries as one <prop type="x-..."> each (the rest are tu/tuv attributes and
# segments, or the list fields written below).
_TMX_PROPS = tuple(
    name for name in COLUMNS if name not in ("id", "danish", "final", "reviewer", "reviewed_at", *_LIST_FIELDS)
)
# QA codes are single words: one prop holds them all, space-separated, so that a CAT tool's filter on
# "x-qa-warnings contains number" works. Messages may hold spaces and commas, so each gets its own prop.
_QA_WARNINGS_PROP = "x-qa-warnings"
_QA_MESSAGE_PROP = "x-qa-message"


def xml_clean(text: str) -> str:
    """Remove the characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF)."""
    return _XML_FORBIDDEN.sub("", text)


def _xml_text(text: str) -> str:
    # "\r" is written as a reference, or the parser would turn it into "\n"
    return (xml_clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _xml_attr(text: str) -> str:
    # attribute values are whitespace-normalised by parsers unless tab/newline/CR are references
    return (_xml_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))


def tmx_date(iso: str) -> str:
    """An ISO 8601 time as a TMX date ``YYYYMMDDThhmmssZ`` (UTC)."""
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(TMX_DATE)


def iso_date(tmx: str) -> str:
    """A TMX date ``YYYYMMDDThhmmssZ`` as ISO 8601 UTC ``YYYY-MM-DDThh:mm:ssZ``."""
    return datetime.strptime(tmx, TMX_DATE).strftime("%Y-%m-%dT%H:%M:%SZ")


def _element(tag: str, attrs: dict[str, str], text: str) -> str:
    attr_text = "".join(f' {k}="{_xml_attr(v)}"' for k, v in attrs.items() if v)
    return f"<{tag}{attr_text}>{_xml_text(text)}</{tag}>"


def write_tmx(records: Iterable[ExportRecord], out: TextIO, created: str | None = None) -> int:
    """Write TMX 1.4b: one <tu> per accepted or corrected sentence (Danish source, final English); return the count.

    Everything else about the sentence is kept in ``<prop type="x-...">`` elements; dates are
    ``YYYYMMDDThhmmssZ``; characters XML 1.0 forbids are removed.
    """
    from bilingual.store import utc_now

    header = {"creationtool": "bilingual", "creationtoolversion": __version__, "segtype": "sentence",
              "o-tmf": "bilingual", "adminlang": "en", "srclang": "da", "datatype": "plaintext",
              "creationdate": tmx_date(created or utc_now())}
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4">\n')
    out.write("  <header" + "".join(f' {k}="{_xml_attr(v)}"' for k, v in header.items()) + "/>\n  <body>\n")
    n = 0
    for r in records:
        if r.status not in REVIEWED or not r.final:
            continue
        date = tmx_date(r.reviewed_at) if r.reviewed_at else ""
        attrs = {"tuid": r.id, "creationdate": date, "changedate": date, "changeid": r.reviewer}
        out.write("    <tu" + "".join(f' {k}="{_xml_attr(v)}"' for k, v in attrs.items() if v) + ">\n")
        for name in _TMX_PROPS:
            value = getattr(r, name)
            if value not in ("", None):
                out.write("      " + _element("prop", {"type": _prop_type(name)}, _prop_text(value)) + "\n")
        for english_id in r.english_ids:
            out.write("      " + _element("prop", {"type": "x-english-id"}, english_id) + "\n")
        # The DTD wants every prop before the first tuv; QA props only when a check flagged something.
        if r.qa_warnings:
            out.write("      " + _element("prop", {"type": _QA_WARNINGS_PROP}, " ".join(r.qa_warnings)) + "\n")
        for message in r.qa_messages:
            out.write("      " + _element("prop", {"type": _QA_MESSAGE_PROP}, message) + "\n")
        out.write(f'      <tuv xml:lang="da">{_element("seg", {}, r.danish)}</tuv>\n')
        out.write(f'      <tuv xml:lang="en">{_element("seg", {}, r.final)}</tuv>\n')
        out.write("    </tu>\n")
        n += 1
    out.write("  </body>\n</tmx>\n")
    return n


def _prop_type(name: str) -> str:
    return "x-" + name.replace("_", "-")


def _prop_text(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def read_tmx(data: str | bytes) -> list[ExportRecord]:
    """Parse a TMX file written by ``write_tmx`` back into records."""
    import xml.etree.ElementTree as ET

    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    by_prop = {_prop_type(name): name for name in _TMX_PROPS}
    root = ET.fromstring(data.encode("utf-8") if isinstance(data, str) else data)
    records = []
    for tu in root.iter("tu"):
        row: dict[str, Any] = {"id": tu.get("tuid", ""), "reviewer": tu.get("changeid", ""),
                               "reviewed_at": iso_date(tu.get("changedate")) if tu.get("changedate") else ""}
        ids, codes, messages = [], [], []
        for prop in tu.findall("prop"):
            if prop.get("type") == "x-english-id":
                ids.append(prop.text or "")
            elif prop.get("type") == _QA_WARNINGS_PROP:
                codes.extend((prop.text or "").split())
            elif prop.get("type") == _QA_MESSAGE_PROP:
                messages.append(prop.text or "")
            elif prop.get("type") in by_prop:
                row[by_prop[prop.get("type")]] = prop.text or ""
        row["english_ids"], row["qa_warnings"], row["qa_messages"] = ids, codes, messages
        segs = {tuv.get(lang): tuv.findtext("seg", "") for tuv in tu.findall("tuv")}
        row["danish"], row["final"] = segs.get("da", ""), segs.get("en", "")
        records.append(record_from_row(row))
    return records


# --------------------------------------------------------------------------- XLIFF 1.2

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF_SUFFIXES = (".xlf", ".xliff")
MT_ORIGIN = "machine translation"
# Review status -> (<target> state, state-qualifier, trans-unit approved), from the values XLIFF 1.2 predefines.
XLIFF_STATES: dict[str, tuple[str, str, str]] = {
    "accepted": ("signed-off", "leveraged-mt", "yes"),
    "corrected": ("signed-off", "", "yes"),
    "pending": ("needs-review-translation", "mt-suggestion", "no"),
    "rejected": ("needs-translation", "rejected-inaccurate", "no"),
}
# States in which a CAT tool marks a target as done: an unchanged MT in one of them is an acceptance.
XLIFF_DONE_STATES = ("translated", "final", "signed-off")
# XLIFF note priorities run from 1 (highest) to 10: a missing or untranslated text outranks a lost number,
# which outranks an odd length.
QA_NOTE_PRIORITY = {"empty": 1, "identical": 2, "untranslated": 2, "number": 3, "name": 3, "term": 3,
                    "length": 5}
QA_NOTE_FROM = "bilingual-qa"
_TITLE_NOTE = "Document title: "
_REJECTED_NOTE = "Rejected: "
_ALIGNMENT_NOTE = re.compile(
    r"^Alignment score (?P<score>[^,]+), (?P<bead>\S*) bead, (?P<method>.*), (?P<status>[^,]*)$")
# Inline elements whose text is part of the sentence (markers, formatting); the other inline elements
# (<x/>, <ph>, <bpt> ...) hold native codes, not words.
_XLIFF_TEXT_ELEMENTS = ("mrk", "g")


def _xliff_date(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _open_tag(tag: str, attrs: dict[str, str], close: bool = False) -> str:
    attr_text = "".join(f' {k}="{_xml_attr(v)}"' for k, v in attrs.items() if v)
    return f"<{tag}{attr_text}{'/' if close else ''}>"


def xliff_extradata(record: ExportRecord) -> str:
    """The ``extradata`` of a record's trans-unit: ``text_hash=... review_version=N``, what re-import checks."""
    return f"text_hash={record.text_hash} review_version={record.review_version}"


def write_xliff(records: Iterable[ExportRecord], out: TextIO, created: str | None = None) -> int:
    """Write XLIFF 1.2: a <file> per Danish document, a <group> per paragraph, a <trans-unit> per sentence.

    The target is the final text of a reviewed sentence, else the MT (no target without one); its
    ``state`` follows ``XLIFF_STATES``. The MT and the aligned English sentence are ``<alt-trans>``,
    the reason of a rejection and the QA warnings are ``<note>``s. Returns the number of trans-units.
    """
    from bilingual.store import utc_now

    date = _xliff_date(created or utc_now())
    documents: dict[str, dict[int, list[ExportRecord]]] = {}
    titles: dict[str, str] = {}
    for record in records:
        documents.setdefault(record.document, {}).setdefault(record.paragraph, []).append(record)
        titles.setdefault(record.document, record.document_title)
    out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="{XLIFF_NS}">\n')
    if not documents:
        # the schema wants at least one <file>; an empty export still opens in a CAT tool
        documents[""] = {}
    n = 0
    for document, paragraphs in documents.items():
        file_attrs = {"original": document or "bilingual", "source-language": "da", "target-language": "en",
                      "datatype": "plaintext", "tool-id": "bilingual", "date": date}
        out.write("  " + _open_tag("file", file_attrs) + "\n    <header>\n      ")
        out.write(_open_tag("tool", {"tool-id": "bilingual", "tool-name": "bilingual", "tool-version": __version__},
                            close=True) + "\n")
        if titles.get(document):
            out.write("      " + _element("note", {"from": "bilingual"}, _TITLE_NOTE + titles[document]) + "\n")
        out.write("    </header>\n    <body>\n")
        for paragraph, units in paragraphs.items():
            out.write("      " + _open_tag("group", {"id": f"{document}:{paragraph}", "restype": "x-paragraph"}) + "\n")
            for record in units:
                out.write(_trans_unit(record))
                n += 1
            out.write("      </group>\n")
        out.write("    </body>\n  </file>\n")
    out.write("</xliff>\n")
    return n


def _trans_unit(r: ExportRecord) -> str:
    state, qualifier, approved = XLIFF_STATES.get(r.status, XLIFF_STATES["pending"])
    target = r.final if r.status in REVIEWED and r.final else r.mt
    # The re-import keys (text_hash, review_version) go in ``extradata``: the strict schema allows it on a
    # trans-unit for the creating tool's own data, CAT tools write the translated file back from the
    # original's structure and so keep it, and unlike a <note> it is neither shown to nor edited by the
    # translator.
    attrs = {"id": r.id, "approved": approved, "xml:space": "preserve", "extradata": xliff_extradata(r)}
    lines = [_open_tag("trans-unit", attrs), _element("source", {"xml:lang": "da"}, r.danish)]
    if target:
        lines.append(_element("target", {"xml:lang": "en", "state": state, "state-qualifier": qualifier}, target))
    if r.mt:
        # Always there when there is an MT: a CAT tool shows it as a match, and re-import tells an edited
        # target from the MT it was given.
        lines += [_open_tag("alt-trans", {"origin": MT_ORIGIN}), "  " + _element("target", {"xml:lang": "en"}, r.mt),
                  "</alt-trans>"]
    if r.english:
        lines += [_open_tag("alt-trans", {"origin": r.english_document or "English", "alttranstype": "reference"}),
                  "  " + _element("target", {"xml:lang": "en"}, r.english)]
        if r.alignment_score is not None:
            note = f"Alignment score {r.alignment_score!r}, {r.bead} bead, {r.alignment_method}, {r.alignment_status}"
            lines.append("  " + _element("note", {"from": "bilingual"}, note))
        lines.append("</alt-trans>")
    if r.status == "rejected" and r.reason:
        lines.append(_element("note", {"from": "bilingual", "annotates": "target"}, _REJECTED_NOTE + r.reason))
    for code, message in zip(r.qa_warnings, r.qa_messages, strict=False):
        priority = str(QA_NOTE_PRIORITY.get(code, 5))
        lines.append(_element("note", {"from": QA_NOTE_FROM, "priority": priority, "annotates": "target"},
                              f"{code}: {message}"))
    body = "".join(f"          {line}\n" for line in lines[1:])
    return f"        {lines[0]}\n{body}        </trans-unit>\n"


def is_xliff(data: bytes, name: str = "") -> bool:
    """Whether a file to import is XLIFF: by its suffix (``.xlf``, ``.xliff``), else by an XML start."""
    if name.lower().endswith(XLIFF_SUFFIXES):
        return True
    start = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith((b"<?xml", b"<xliff"))


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _inline_text(element: Any) -> str:
    parts = [element.text or ""]
    for child in element:
        if _local(child.tag) in _XLIFF_TEXT_ELEMENTS:
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _local(child.tag) == name]


def read_xliff_units(data: str | bytes) -> list[dict[str, Any]]:
    """Every trans-unit of an XLIFF 1.2 file as a dict, in file order, numbered from 1."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(data.encode("utf-8") if isinstance(data, str) else data)
    except ET.ParseError as exc:
        raise ValueError(f"not a well-formed XLIFF file: {exc}") from None
    if _local(root.tag) != "xliff":
        raise ValueError(f"not an XLIFF file: the root element is <{_local(root.tag)}>, not <xliff>")
    units = []
    for file in (e for e in root.iter() if _local(e.tag) == "file"):
        header = next(iter(_children(file, "header")), None)
        title = ""
        for note in _children(header, "note") if header is not None else ():
            if (note.text or "").startswith(_TITLE_NOTE):
                title = note.text[len(_TITLE_NOTE):]
        for unit in (e for e in file.iter() if _local(e.tag) == "trans-unit"):
            extradata = dict(p.split("=", 1) for p in unit.get("extradata", "").split() if "=" in p)
            source = next(iter(_children(unit, "source")), None)
            target = next(iter(_children(unit, "target")), None)
            alternatives = {"mt": "", "english": "", "english_document": "", "alignment_note": ""}
            for alt in _children(unit, "alt-trans"):
                alt_target = next(iter(_children(alt, "target")), None)
                text = _inline_text(alt_target) if alt_target is not None else ""
                if alt.get("origin") == MT_ORIGIN:
                    alternatives["mt"] = text
                elif alt.get("alttranstype") == "reference":
                    notes = [n.text or "" for n in _children(alt, "note") if _ALIGNMENT_NOTE.match(n.text or "")]
                    alternatives.update(english=text, english_document=alt.get("origin", ""),
                                        alignment_note=notes[0] if notes else "")
            notes = _children(unit, "note")
            units.append({
                "number": len(units) + 1, "id": unit.get("id", ""), "document": file.get("original", ""),
                "document_title": title, "text_hash": extradata.get("text_hash", ""),
                "review_version": extradata.get("review_version", ""), "approved": unit.get("approved") == "yes",
                "danish": _inline_text(source) if source is not None else "",
                "target": _inline_text(target) if target is not None else None,
                "state": target.get("state", "") if target is not None else "",
                "state_qualifier": target.get("state-qualifier", "") if target is not None else "",
                "reason": next(((n.text or "")[len(_REJECTED_NOTE):] for n in notes if n.get("from") == "bilingual"
                                and (n.text or "").startswith(_REJECTED_NOTE)), ""),
                "qa": [(n.text or "").split(": ", 1) for n in notes if n.get("from") == QA_NOTE_FROM],
                **alternatives,
            })
    return units


def _xliff_status(unit: dict[str, Any]) -> str:
    """The review status ``write_xliff`` wrote a unit with (the inverse of ``XLIFF_STATES``)."""
    if unit["approved"] and unit["state"] == "signed-off":
        return "accepted" if unit["state_qualifier"] == "leveraged-mt" else "corrected"
    if unit["state"] == "needs-translation" and unit["state_qualifier"] == "rejected-inaccurate":
        return "rejected"
    return "pending"


def read_xliff(data: str | bytes) -> list[ExportRecord]:
    """Parse an XLIFF file written by ``write_xliff`` back into records (the fields it carries).

    ``final`` is the target of an accepted or corrected unit; other units export the MT as their target.
    """
    records = []
    for unit in read_xliff_units(data):
        status = _xliff_status(unit)
        paragraph, index = (unit["id"].rsplit(":", 2) + ["", ""])[1:3]
        aligned = _ALIGNMENT_NOTE.match(unit["alignment_note"])
        qa = [pair for pair in unit["qa"] if len(pair) == 2]
        records.append(record_from_row({
            "id": unit["id"], "document": unit["document"], "document_title": unit["document_title"],
            "paragraph": paragraph if paragraph.isdigit() else 0, "index": index if index.isdigit() else 0,
            "danish": unit["danish"], "mt": unit["mt"], "status": status,
            "final": (unit["target"] or "") if status in REVIEWED else "", "reason": unit["reason"],
            "english": unit["english"], "english_document": unit["english_document"],
            "alignment_score": aligned["score"] if aligned else None, "bead": aligned["bead"] if aligned else "",
            "alignment_method": aligned["method"] if aligned else "",
            "alignment_status": aligned["status"] if aligned else "",
            "text_hash": unit["text_hash"], "review_version": unit["review_version"],
            "qa_warnings": [code for code, _ in qa], "qa_messages": [message for _, message in qa],
        }))
    return records


# --------------------------------------------------------------------------- writing any format


def write_records(records: Sequence[ExportRecord], fmt: str, out: TextIO, excel: bool = False) -> int:
    """Write records in one of ``FORMATS``; return how many rows or translation units were written."""
    if fmt == "csv":
        return write_csv(records, out, excel=excel)
    if excel:
        raise ValueError("--excel only applies to CSV")
    if fmt == "tmx":
        return write_tmx(records, out)
    if fmt == "jsonl":
        return write_jsonl(records, out)
    if fmt == "xliff":
        return write_xliff(records, out)
    raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")


# --------------------------------------------------------------------------- importing reviews back


@dataclass(frozen=True)
class RowOutcome:
    """What happened to one CSV row or XLIFF trans-unit: applied, skipped, stale or invalid, and why."""

    row: int
    id: str
    outcome: str
    message: str = ""


@dataclass
class ImportReport:
    """The outcome of every row of an import, with the counts for the summary."""

    rows: list[RowOutcome] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        """How many rows had this outcome."""
        return sum(1 for r in self.rows if r.outcome == outcome)

    def summary(self) -> str:
        """``3 applied, 10 skipped, 1 stale, 1 invalid``."""
        return ", ".join(f"{self.count(o)} {o}" for o in ("applied", "skipped", "stale", "invalid"))

    def problems(self) -> list[RowOutcome]:
        """The rows that were not applied for a reason the user should see (stale or invalid)."""
        return [r for r in self.rows if r.outcome in ("stale", "invalid")]


REQUIRED_IMPORT_COLUMNS = ("id", "text_hash", "review_version", "status", "final")


def import_reviews(store: Store, rows: Sequence[dict[str, str]], reviewer: str,
                   dry_run: bool = False, row_numbers: Sequence[int] | None = None) -> ImportReport:
    """Apply the ``final``/``status`` (and ``reason``) columns of exported rows as reviews.

    A row is stale, and not applied, when its sentence is no longer the one exported (the
    ``text_hash`` of the segment ``id`` differs) or when the review moved past the exported
    ``review_version``; a row equal to the current review is skipped, so importing a file twice
    changes nothing. Row numbers count the header as row 1, as a spreadsheet shows them, unless
    ``row_numbers`` gives one per row; blank rows are passed over. Every other column is ignored:
    the QA columns (``qa_warnings``, ``qa_messages``, ``post_edit_effort``) are derived data, so an
    edited QA cell changes nothing.
    """
    for row in rows[:1]:
        _check_columns(row, REQUIRED_IMPORT_COLUMNS)
    segments = {s.stable_id: s for s in store.segments(language="da")}
    wanted = {r.get("text_hash", "").strip() for r in rows}
    mts = store.latest_translations(wanted)
    report = ImportReport()
    numbers = range(2, len(rows) + 2) if row_numbers is None else row_numbers
    # Rows of this file already applied (or, in a dry run, that would be), by sentence: a later row
    # for the same sentence (the same sentence in two documents) is judged against them.
    earlier: dict[str, tuple[int, Review]] = {}
    for number, row in zip(numbers, rows, strict=True):
        if _blank(row):
            continue
        report.rows.append(_import_row(store, number, row, segments, mts, reviewer, dry_run, earlier))
    return report


def _import_row(store: Store, number: int, row: dict[str, str], segments: dict[str, StoredSegment],
                mts: dict[str, tuple[str, dict]], reviewer: str, dry_run: bool,
                earlier: dict[str, tuple[int, Review]]) -> RowOutcome:
    sid, hash_ = row.get("id", "").strip(), row.get("text_hash", "").strip()

    def outcome(kind: str, message: str = "") -> RowOutcome:
        return RowOutcome(number, sid, kind, message)

    status = row.get("status", "").strip().lower() or "pending"
    final, reason = row.get("final", "").strip(), row.get("reason", "").strip()
    if not sid or not hash_:
        return outcome("invalid", "the id or text_hash cell is empty")
    try:
        exported_version = int(row.get("review_version", "").strip() or 0)
    except ValueError:
        return outcome("invalid", f"review_version {row.get('review_version')!r} is not a whole number")
    if status not in REVIEW_STATUSES:
        return outcome("invalid", f"unknown status {row.get('status')!r}; expected one of {', '.join(REVIEW_STATUSES)}")
    segment = segments.get(sid)
    if segment is None:
        return outcome("stale", "the sentence is no longer in the store")
    if segment.text_hash != hash_:
        return outcome("stale", "the Danish sentence changed since the export")
    mt = mts.get(hash_, (None, {}))[0]
    if status == "accepted" and not final:
        if not mt:
            return outcome("invalid", "accepted with an empty final text and no machine translation to accept")
        final = mt  # accepting with an empty final cell accepts the MT as it is
    if status == "corrected" and not final:
        return outcome("invalid", "corrected with an empty final text")
    if status == "rejected" and not reason:
        return outcome("invalid", "rejected without a reason (fill the reason column)")
    earlier_row, current = earlier.get(hash_, (None, None))
    if current is None:
        current = store.review(hash_)
    before = (current.status, current.final_text or "", current.reason or "") if current else ("pending", "", "")
    # a reason only means something on a rejection, so elsewhere it does not count as a change
    if (status, final) == before[:2] and (status != "rejected" or reason == before[2]):
        return outcome("skipped")
    current_version = current.version if current else 0
    if current_version != exported_version and earlier_row is not None:
        return outcome("stale", f"row {earlier_row} of this file already changes this sentence (the same Danish "
                                "sentence, exported twice) to another text")
    if current_version != exported_version:
        who = f" by {current.reviewer}" if current and current.reviewer else ""
        when = f" at {current.updated_at}" if current else ""
        return outcome("stale", f"the review was saved{who}{when} (version {current_version}) after the export "
                                f"(version {exported_version})")
    if dry_run:
        planned = Review(hash_, segment.text, mt, final or None, status, reason or None, reviewer, "",
                         exported_version + 1)
        earlier[hash_] = (number, planned)
        return outcome("applied", "dry run: not saved")
    try:
        saved = store.save_review(segment.text, final or None, status, expected_version=exported_version,
                                  reviewer=reviewer, mt_text=mt, reason=reason or None)
    except StaleReviewError as exc:
        return outcome("stale", str(exc))
    earlier[hash_] = (number, saved)
    return outcome("applied")


def _xliff_decision(unit: dict[str, Any], mt: str | None, current: Review | None) -> tuple[str, str]:
    """``(status, "")`` for a unit to import as a review, or ``("", why not)`` for one that was not reviewed."""
    from bilingual.reviewlogic import decision_status, same_text

    target = unit["target"]
    if target is None or not target.strip():
        return "", "no target text"
    # a tool that dropped the MT <alt-trans> still left the target to compare with the store's MT
    edited = not same_text(target, unit["mt"] or mt)
    confirmed = unit["approved"] or unit["state"] in XLIFF_DONE_STATES
    if not edited and not confirmed:
        return "", f"not reviewed: the target is still the machine translation (state {unit['state'] or 'none'})"
    if current is not None and current.status in REVIEWED and target.strip() == (current.final_text or ""):
        # the reviewed text as exported: keep its status even if the store's MT changed since
        return current.status, ""
    return decision_status(target, mt), ""


def import_xliff_reviews(store: Store, units: Sequence[dict[str, Any]], reviewer: str,
                         dry_run: bool = False) -> ImportReport:
    """Apply the targets of an XLIFF file written by ``write_xliff`` and edited in a CAT tool as reviews.

    ``units`` come from ``read_xliff_units``. A target that differs from the MT the file was given is
    ``corrected`` (``accepted`` if it is the store's MT); an unchanged MT counts as ``accepted`` only
    where the tool approved it (``approved="yes"``) or marked it ``translated``, ``final`` or
    ``signed-off``, else the unit is skipped as not reviewed. The rows then go through
    ``import_reviews``, so the same version check applies; unit numbers count the trans-units from 1.
    """
    hashes = {u["text_hash"] for u in units if u["text_hash"]}
    mts, reviews = store.latest_translations(hashes), store.reviews(hashes)
    report, rows, numbers = ImportReport(), [], []
    for unit in units:
        if not unit["id"] or not unit["text_hash"]:
            report.rows.append(RowOutcome(unit["number"], unit["id"], "invalid",
                                          "the trans-unit lacks its id or the extradata text_hash bilingual wrote"))
            continue
        status, why_not = _xliff_decision(unit, mts.get(unit["text_hash"], (None, {}))[0],
                                          reviews.get(unit["text_hash"]))
        if not status:
            report.rows.append(RowOutcome(unit["number"], unit["id"], "skipped", why_not))
            continue
        rows.append({"id": unit["id"], "text_hash": unit["text_hash"], "review_version": unit["review_version"],
                     "status": status, "final": unit["target"], "reason": ""})
        numbers.append(unit["number"])
    report.rows += import_reviews(store, rows, reviewer, dry_run=dry_run, row_numbers=numbers).rows
    report.rows.sort(key=lambda outcome: outcome.row)
    return report
