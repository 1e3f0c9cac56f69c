"""TMX 1.4b export of the accepted and corrected records, and reading it back."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from bilingual import __version__
from bilingual.decisions import REVIEWED
from bilingual.formats.xmltext import element, xml_attr
from bilingual.records import COLUMNS, LIST_FIELDS, ExportRecord, record_from_row
from bilingual.store import utc_now

TMX_DATE = "%Y%m%dT%H%M%SZ"
# Record fields a TMX file carries as one <prop type="x-..."> each (the rest are tu/tuv attributes and
# segments, or the list fields written below).
_TMX_PROPS = tuple(
    name for name in COLUMNS if name not in ("id", "danish", "final", "reviewer", "reviewed_at", *LIST_FIELDS)
)
# QA codes are single words: one prop holds them all, space-separated, so that a CAT tool's filter on
# "x-qa-warnings contains number" works. Messages may hold spaces and commas, so each gets its own prop.
_QA_WARNINGS_PROP = "x-qa-warnings"
_QA_MESSAGE_PROP = "x-qa-message"


def tmx_date(iso: str) -> str:
    """An ISO 8601 time as a TMX date ``YYYYMMDDThhmmssZ`` (UTC)."""
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(TMX_DATE)


def iso_date(tmx: str) -> str:
    """A TMX date ``YYYYMMDDThhmmssZ`` as ISO 8601 UTC ``YYYY-MM-DDThh:mm:ssZ``."""
    return datetime.strptime(tmx, TMX_DATE).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_tmx(records: Iterable[ExportRecord], out: TextIO, created: str | None = None) -> int:
    """Write TMX 1.4b: one <tu> per accepted or corrected sentence (Danish source, final English); return the count.

    Everything else about the sentence is kept in ``<prop type="x-...">`` elements; dates are
    ``YYYYMMDDThhmmssZ``; characters XML 1.0 forbids are removed.
    """
    header = {"creationtool": "bilingual", "creationtoolversion": __version__, "segtype": "sentence",
              "o-tmf": "bilingual", "adminlang": "en", "srclang": "da", "datatype": "plaintext",
              "creationdate": tmx_date(created or utc_now())}
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4">\n')
    out.write("  <header" + "".join(f' {k}="{xml_attr(v)}"' for k, v in header.items()) + "/>\n  <body>\n")
    n = 0
    for r in records:
        if r.status not in REVIEWED or not r.final:
            continue
        date = tmx_date(r.reviewed_at) if r.reviewed_at else ""
        attrs = {"tuid": r.id, "creationdate": date, "changedate": date, "changeid": r.reviewer}
        out.write("    <tu" + "".join(f' {k}="{xml_attr(v)}"' for k, v in attrs.items() if v) + ">\n")
        for name in _TMX_PROPS:
            value = getattr(r, name)
            if value not in ("", None):
                out.write("      " + element("prop", {"type": _prop_type(name)}, _prop_text(value)) + "\n")
        for english_id in r.english_ids:
            out.write("      " + element("prop", {"type": "x-english-id"}, english_id) + "\n")
        # The DTD wants every prop before the first tuv; QA props only when a check flagged something.
        if r.qa_warnings:
            out.write("      " + element("prop", {"type": _QA_WARNINGS_PROP}, " ".join(r.qa_warnings)) + "\n")
        for message in r.qa_messages:
            out.write("      " + element("prop", {"type": _QA_MESSAGE_PROP}, message) + "\n")
        out.write(f'      <tuv xml:lang="da">{element("seg", {}, r.danish)}</tuv>\n')
        out.write(f'      <tuv xml:lang="en">{element("seg", {}, r.final)}</tuv>\n')
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
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    by_prop = {_prop_type(name): name for name in _TMX_PROPS}
    root = ET.fromstring(data.encode("utf-8") if isinstance(data, str) else data)
    records = []
    for tu in root.iter("tu"):
        changedate = tu.get("changedate")
        row: dict[str, Any] = {"id": tu.get("tuid", ""), "reviewer": tu.get("changeid", ""),
                               "reviewed_at": iso_date(changedate) if changedate else ""}
        ids, codes, messages = [], [], []
        for prop in tu.findall("prop"):
            kind = prop.get("type")
            if kind == "x-english-id":
                ids.append(prop.text or "")
            elif kind == _QA_WARNINGS_PROP:
                codes.extend((prop.text or "").split())
            elif kind == _QA_MESSAGE_PROP:
                messages.append(prop.text or "")
            elif kind in by_prop:
                row[by_prop[kind]] = prop.text or ""
        row["english_ids"], row["qa_warnings"], row["qa_messages"] = ids, codes, messages
        segs = {tuv.get(lang): tuv.findtext("seg", "") for tuv in tu.findall("tuv")}
        row["danish"], row["final"] = segs.get("da", ""), segs.get("en", "")
        records.append(record_from_row(row))
    return records
