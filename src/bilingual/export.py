"""Export the reviewed, aligned result as CSV, TMX 1.4b or JSONL, and import reviews back from CSV.

Every format carries the same ``ExportRecord`` rows, one per Danish sentence (page furniture left
out); the readers here turn each format back into those rows, so an export can be checked and
re-used by programs. ``import_reviews`` applies the ``final``/``status`` columns of a CSV edited in
a spreadsheet, through the same optimistic version check as the review app.

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
from bilingual.store import REVIEW_STATUSES, StaleReviewError, Store, StoredAlignment, StoredSegment

FORMATS = ("csv", "tmx", "jsonl")
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


def signature_text(mode: str | None, signature: dict[str, Any]) -> str:
    """A one-line ``key:value|...`` form of an alignment run's mode and signature."""
    parts = [f"mode:{mode}"] if mode else []
    for key, value in sorted(signature.items()):
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)
        parts.append(f"{key}:{text}")
    return "|".join(parts)


def qa_fields(danish: str, mt: str, final: str, status: str) -> dict[str, Any]:
    """The derived QA fields of a record: ``qa_warnings``, ``qa_messages`` and ``post_edit_effort``.

    The warnings are those of the English text the record exports as the translation: the final
    text if there is one, else the MT (none when there is neither). The post-edit effort (TER of the
    MT against the final text, in percent) is given for an accepted or corrected sentence with both
    texts, else None.
    """
    from bilingual.quality import check_translation, post_edit_effort

    english = final if final.strip() else mt
    warnings = check_translation(danish, english) if english.strip() else []
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
            **qa_fields(seg.text, mt or "", final, status),
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
    raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")


# --------------------------------------------------------------------------- importing reviews back


@dataclass(frozen=True)
class RowOutcome:
    """What happened to one CSV row: applied, skipped, stale or invalid, and why."""

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
                   dry_run: bool = False) -> ImportReport:
    """Apply the ``final``/``status`` (and ``reason``) columns of exported rows as reviews.

    A row is stale, and not applied, when its sentence is no longer the one exported (the
    ``text_hash`` of the segment ``id`` differs) or when the review moved past the exported
    ``review_version``; a row equal to the current review is skipped, so importing a file twice
    changes nothing. Row numbers count the header as row 1, as a spreadsheet shows them; blank
    rows are passed over. Every other column is ignored: the QA columns (``qa_warnings``,
    ``qa_messages``, ``post_edit_effort``) are derived data, so an edited QA cell changes nothing.
    """
    for row in rows[:1]:
        _check_columns(row, REQUIRED_IMPORT_COLUMNS)
    segments = {s.stable_id: s for s in store.segments(language="da")}
    wanted = {r.get("text_hash", "").strip() for r in rows}
    mts = store.latest_translations(wanted)
    report = ImportReport()
    for number, row in enumerate(rows, start=2):
        if _blank(row):
            continue
        report.rows.append(_import_row(store, number, row, segments, mts, reviewer, dry_run))
    return report


def _import_row(store: Store, number: int, row: dict[str, str], segments: dict[str, StoredSegment],
                mts: dict[str, tuple[str, dict]], reviewer: str, dry_run: bool) -> RowOutcome:
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
    current = store.review(hash_)
    before = (current.status, current.final_text or "", current.reason or "") if current else ("pending", "", "")
    # a reason only means something on a rejection, so elsewhere it does not count as a change
    if (status, final) == before[:2] and (status != "rejected" or reason == before[2]):
        return outcome("skipped")
    current_version = current.version if current else 0
    if current_version != exported_version:
        who = f" by {current.reviewer}" if current and current.reviewer else ""
        when = f" at {current.updated_at}" if current else ""
        return outcome("stale", f"the review was saved{who}{when} (version {current_version}) after the export "
                                f"(version {exported_version})")
    if dry_run:
        return outcome("applied", "dry run: not saved")
    try:
        store.save_review(segment.text, final or None, status, expected_version=exported_version, reviewer=reviewer,
                          mt_text=mt, reason=reason or None)
    except StaleReviewError as exc:
        return outcome("stale", str(exc))
    return outcome("applied")
