"""XLIFF 1.2 export for CAT tools, and reading an XLIFF file back: its trans-units, or records.

A ``<file>`` per Danish document, a ``<group>`` per paragraph, a ``<trans-unit>`` per sentence whose
``extradata`` carries what re-import (``bilingual.importing``) checks.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from bilingual import __version__
from bilingual.decisions import REVIEWED, counted_english
from bilingual.formats.xmltext import element, xml_attr
from bilingual.records import ExportRecord, record_from_row
from bilingual.store import utc_now

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
# The document's metadata, one header <note> each where it has any: (record field, the note's label).
_DOCUMENT_NOTES = (("document_url", "Document address: "), ("document_date", "Document date: "),
                   ("document_author", "Document author: "))
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
    attr_text = "".join(f' {k}="{xml_attr(v)}"' for k, v in attrs.items() if v)
    return f"<{tag}{attr_text}{'/' if close else ''}>"


def xliff_extradata(record: ExportRecord) -> str:
    """The ``extradata`` of a record's trans-unit: ``text_hash=... review_version=N``, what re-import checks."""
    return f"text_hash={record.text_hash} review_version={record.review_version}"


def write_xliff(records: Iterable[ExportRecord], out: TextIO, created: str | None = None) -> int:
    """Write XLIFF 1.2: a <file> per Danish document, a <group> per paragraph, a <trans-unit> per sentence.

    The target is the English that counts: the final text of a reviewed sentence, the MT of a pending
    one, none for a rejected one or without any; its ``state`` follows ``XLIFF_STATES``. The MT and the
    aligned English sentence are ``<alt-trans>``, the reason of a rejection and the QA warnings are
    ``<note>``s. Returns the number of trans-units.
    """
    date = _xliff_date(created or utc_now())
    documents: dict[str, dict[int, list[ExportRecord]]] = {}
    titles: dict[str, str] = {}
    firsts: dict[str, ExportRecord] = {}
    for record in records:
        documents.setdefault(record.document, {}).setdefault(record.paragraph, []).append(record)
        titles.setdefault(record.document, record.document_title)
        firsts.setdefault(record.document, record)
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
            out.write("      " + element("note", {"from": "bilingual"}, _TITLE_NOTE + titles[document]) + "\n")
        for name, label in _DOCUMENT_NOTES:
            value = getattr(firsts[document], name) if document in firsts else ""
            if value:
                out.write("      " + element("note", {"from": "bilingual"}, label + value) + "\n")
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
    # The English that counts is the target: none for a rejected sentence, whose MT stays an <alt-trans> match.
    target = counted_english(r.status, r.mt or None, r.final or None).text
    # The re-import keys (text_hash, review_version) go in ``extradata``: the strict schema allows it on a
    # trans-unit for the creating tool's own data, CAT tools write the translated file back from the
    # original's structure and so keep it, and unlike a <note> it is neither shown to nor edited by the
    # translator.
    attrs = {"id": r.id, "approved": approved, "xml:space": "preserve", "extradata": xliff_extradata(r)}
    lines = [_open_tag("trans-unit", attrs), element("source", {"xml:lang": "da"}, r.danish)]
    if target or r.status in ("rejected", *REVIEWED):
        # A rejected unit has an empty target: to be translated again, its state says why. So has a reviewed
        # one without any English (a store written by hand), whose state still says it was reviewed.
        lines.append(element("target", {"xml:lang": "en", "state": state, "state-qualifier": qualifier},
                             target or ""))
    if r.mt:
        # Always there when there is an MT: a CAT tool shows it as a match, and re-import tells an edited
        # target from the MT it was given.
        lines += [_open_tag("alt-trans", {"origin": MT_ORIGIN}), "  " + element("target", {"xml:lang": "en"}, r.mt),
                  "</alt-trans>"]
    if r.english:
        lines += [_open_tag("alt-trans", {"origin": r.english_document or "English", "alttranstype": "reference"}),
                  "  " + element("target", {"xml:lang": "en"}, r.english)]
        if r.alignment_score is not None:
            note = f"Alignment score {r.alignment_score!r}, {r.bead} bead, {r.alignment_method}, {r.alignment_status}"
            lines.append("  " + element("note", {"from": "bilingual"}, note))
        lines.append("</alt-trans>")
    if r.status == "rejected" and r.reason:
        lines.append(element("note", {"from": "bilingual", "annotates": "target"}, _REJECTED_NOTE + r.reason))
    for code, message in zip(r.qa_warnings, r.qa_messages, strict=False):
        priority = str(QA_NOTE_PRIORITY.get(code, 5))
        lines.append(element("note", {"from": QA_NOTE_FROM, "priority": priority, "annotates": "target"},
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


def read_xliff_units(data: str | bytes, name: str = "") -> list[dict[str, Any]]:
    """Every trans-unit of an XLIFF 1.2 file as a dict, in file order, numbered from 1.

    A file that is not XLIFF is a ValueError naming the file ``name`` when given.
    """
    where = f"{name}: " if name else ""
    try:
        root = ET.fromstring(data.encode("utf-8") if isinstance(data, str) else data)
    except ET.ParseError as exc:
        raise ValueError(f"{where}not a well-formed XLIFF file: {exc}") from None
    if _local(root.tag) != "xliff":
        raise ValueError(f"{where}not an XLIFF file: the root element is <{_local(root.tag)}>, not <xliff>")
    units: list[dict[str, Any]] = []
    for file in (e for e in root.iter() if _local(e.tag) == "file"):
        header = next(iter(_children(file, "header")), None)
        title = ""
        about = {name: "" for name, _ in _DOCUMENT_NOTES}
        for note in _children(header, "note") if header is not None else ():
            if (note.text or "").startswith(_TITLE_NOTE):
                title = note.text[len(_TITLE_NOTE):]
            for name, label in _DOCUMENT_NOTES:
                if (note.text or "").startswith(label):
                    about[name] = note.text[len(label):]
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
                "document_title": title, **about, "text_hash": extradata.get("text_hash", ""),
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
            **{name: unit[name] for name, _ in _DOCUMENT_NOTES},
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
