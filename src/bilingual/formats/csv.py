"""CSV export of records (RFC 4180), and reading an exported, possibly spreadsheet-edited, CSV back."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TextIO

from bilingual.records import COLUMNS, LIST_FIELDS, LIST_SEPARATOR, ExportRecord, record_from_row
from bilingual.textio import csv_error_text, neutralise, unneutralise


def _csv_cells(record: ExportRecord, excel: bool) -> list[str]:
    cells = []
    for name in COLUMNS:
        value = getattr(record, name)
        if name in LIST_FIELDS:
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


def read_csv_rows(text: str, excel: bool | None = None, required: Sequence[str] = (),
                  name: str = "") -> list[dict[str, str]]:
    """The rows of an exported (possibly spreadsheet-edited) CSV as dicts of column -> text.

    ``excel`` None means: detect it from the byte-order mark. In that mode the apostrophes the
    export added are removed. The delimiter is taken from the header row, since spreadsheets in
    some locales save with ``;``. A header without the ``required`` columns, or a row the csv
    module cannot read (a cell over ``textio.CSV_CELL_LIMIT``), is a ValueError naming the file
    ``name`` (when given) and the row (the header is row 1, as a spreadsheet counts).
    """
    if excel is None:
        excel = is_excel_csv(text)
    text = text.removeprefix("\ufeff")
    header = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[dict[str, str]] = []
    where = f"{name}: " if name else ""
    try:
        columns = [c.strip() for c in next(reader)]
        check_columns(columns, required)
        for cells in reader:
            # blank rows are kept, so a row's place still matches the spreadsheet's row number
            cells = [unneutralise(c) for c in cells] if excel else cells
            rows.append(dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=False)))
    except StopIteration:
        raise ValueError(f"{where}the CSV file is empty") from None
    except csv.Error as exc:
        raise ValueError(f"{where}row {len(rows) + 2}: {csv_error_text(exc)}") from None
    except ValueError as exc:  # the header lacks a required column
        raise ValueError(f"{where}{exc}") from None
    return rows


def check_columns(columns: Iterable[str], required: Sequence[str]) -> None:
    """Raise a ValueError naming the ``required`` columns a CSV header lacks."""
    missing = [c for c in required if c not in set(columns)]
    if missing:
        raise ValueError(f"the CSV lacks the column(s) {', '.join(missing)}; use a file written by bilingual export")


def read_csv(text: str, excel: bool | None = None) -> list[ExportRecord]:
    """Parse an exported CSV back into records."""
    return [record_from_row(row) for row in read_csv_rows(text, excel) if not is_blank_row(row)]


def is_blank_row(row: dict[str, str]) -> bool:
    """Whether every cell of a row is empty or whitespace (a spreadsheet's empty line)."""
    return not any((value or "").strip() for value in row.values())
