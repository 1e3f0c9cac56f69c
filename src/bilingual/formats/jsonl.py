"""JSON Lines export of records: one JSON object per record, every field, and reading it back."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any, TextIO

from bilingual.records import LIST_FIELDS, ExportRecord, record_from_row


def record_dict(record: ExportRecord) -> dict[str, Any]:
    """A record as a JSON-ready dict (``english_ids``, ``qa_warnings`` and ``qa_messages`` as lists)."""
    data = asdict(record)
    for name in LIST_FIELDS:
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
    # Split on "\n" alone: JSON leaves U+2028, U+0085 and the like unescaped inside strings, and
    # str.splitlines() would cut a line at them.
    return [record_from_row(json.loads(line)) for line in text.split("\n") if line.strip()]
