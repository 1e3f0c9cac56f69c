"""Importing reviews at the edges: huge CSV cells, control characters, untouched exports that must change nothing."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual.cli import main
from bilingual.formats import write_records
from bilingual.formats.csv import read_csv_rows
from bilingual.formats.xliff import read_xliff_units
from bilingual.importing import import_reviews, import_xliff_reviews
from bilingual.pipeline import add_documents
from bilingual.records import export_records
from bilingual.store import Store
from bilingual.textio import CSV_CELL_LIMIT

SENTENCES = ["Regeringen vil styrke forsvaret.", "Det sker gennem nye investeringer.", "Ministeren er enig."]
SIGNATURE = {"model": "m", "revision": "r", "backend": "transformers", "decoding": {}}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def run_process(*args: object) -> subprocess.CompletedProcess:
    """The command line in its own process, as a user runs it."""
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    return subprocess.run([sys.executable, "-c", "from bilingual.cli import main; main()", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120)


def fill(store: Store, folder: Path) -> list:
    """One Danish document of three sentences, each with an MT; its segments."""
    source = folder / "notat.txt"
    source.write_text(" ".join(SENTENCES) + "\n", encoding="utf-8")
    add_documents(store, [source], language="da")
    segments = store.segments(language="da", include_furniture=False)
    assert [s.text for s in segments] == SENTENCES
    store.put_translations([(s.text, f"MT {i}.") for i, s in enumerate(segments)], "key", SIGNATURE)
    return segments


@pytest.fixture
def small(store, tmp_path):
    return store, fill(store, tmp_path)


def export_text(store: Store, fmt: str, excel: bool = False) -> str:
    out = io.StringIO(newline="")
    write_records(export_records(store), fmt, out, excel=excel)
    return out.getvalue()


def history_length(store: Store, segments) -> int:
    return sum(len(store.review_history(s.text_hash)) for s in segments)


def sheet_with(store: Store, path: Path, column: str, values: dict[int, str], status: str = "corrected") -> Path:
    """An export of the store as CSV with the cells of ``column`` replaced in the given rows."""
    rows = list(csv.reader(io.StringIO(export_text(store, "csv"), newline="")))
    for index, value in values.items():
        rows[index + 1][rows[0].index(column)] = value
        rows[index + 1][rows[0].index("status")] = status
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    return path


# --------------------------------------------------------------------------- huge cells


def test_a_cell_over_128_kib_is_imported(small, tmp_path):
    store, segments = small
    long_text = "A long corrected sentence. " * 6000  # 162,000 characters: over the csv module's default limit
    sheet = sheet_with(store, tmp_path / "long.csv", "final", {0: long_text})
    result = run("import-reviews", sheet, "--db", store.location)
    assert result.exit_code == 0, result.output
    assert "1 applied, 2 skipped, 0 stale, 0 invalid" in result.stdout
    assert store.review(segments[0].text_hash).final_text == long_text.strip()


def test_a_cell_over_the_limit_is_one_line_naming_the_file_and_row_and_nothing_is_applied(small, tmp_path):
    store, segments = small
    sheet = sheet_with(store, tmp_path / "huge.csv", "final", {0: "fine", 1: "x" * (CSV_CELL_LIMIT + 1)})
    result = run_process("import-reviews", sheet, "--db", store.location)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "huge.csv" in lines[0] and "row 3" in lines[0] and f"{CSV_CELL_LIMIT:,}" in lines[0]
    assert history_length(store, segments) == 0  # not even the good row before it


def test_the_glossary_reader_shares_the_cell_limit(tmp_path):
    from bilingual.glossary import read_glossary

    big = tmp_path / "terms.csv"
    big.write_text("danish,english\nforsvar,\"" + "defence " * 20000 + "\"\n", encoding="utf-8")
    (term,) = read_glossary(big)  # 160,000 characters: within the limit
    assert term.danish == "forsvar"


# --------------------------------------------------------------------------- control characters


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x1f"])
def test_a_control_character_in_an_edited_cell_makes_the_row_invalid(small, tmp_path, character):
    store, segments = small
    sheet = sheet_with(store, tmp_path / "nul.csv", "final", {0: f"Fixed{character} text.", 1: "Fine."})
    result = run("import-reviews", sheet, "--db", store.location)
    assert result.exit_code == 0, result.output
    assert "1 applied, 1 skipped, 0 stale, 1 invalid" in result.stdout
    shown = f"U+{ord(character):04X}"
    assert f"row 2 (notat.txt:0:0): invalid: the final cell holds the control character {shown}" in result.output
    assert store.review(segments[0].text_hash) is None
    assert store.review(segments[1].text_hash).final_text == "Fine."


def test_a_control_character_in_the_reason_makes_the_row_invalid(small, tmp_path):
    store, segments = small
    sheet = sheet_with(store, tmp_path / "reason.csv", "reason", {2: "garbled\x00"}, status="rejected")
    report = import_reviews(store, read_csv_rows(sheet.read_text(encoding="utf-8")), "x")
    assert report.summary() == "0 applied, 2 skipped, 0 stale, 1 invalid"
    assert "reason cell holds the control character U+0000" in report.problems()[0].message
    assert store.review(segments[2].text_hash) is None


def test_tabs_and_newlines_are_not_control_characters_to_refuse(small, tmp_path):
    store, segments = small
    sheet = sheet_with(store, tmp_path / "ok.csv", "final", {0: "one\ttwo\r\nthree"})
    report = import_reviews(store, read_csv_rows(sheet.read_text(encoding="utf-8")), "x")
    assert report.summary() == "1 applied, 2 skipped, 0 stale, 0 invalid"


# --------------------------------------------------------------------------- untouched exports change nothing

# Final texts the store may hold (typed or pasted in the app) that the formats cannot carry as they are:
# characters XML forbids, and whitespace at the ends, which the import trims.
AWKWARD = ["bell\x07 and nul\x00 inside", "escape \x1b[31m red", "  padded  ", "trailing newline\n",
           "noncharacter \ufffe\uffff", "\x0bvertical tab"]


@pytest.mark.parametrize("final", AWKWARD)
@pytest.mark.parametrize("status", ["corrected", "accepted", "rejected"])
def test_an_untouched_export_reimported_changes_nothing(small, final, status):
    store, segments = small
    reason = final if status == "rejected" else None
    store.save_review(segments[0].text, final, status, expected_version=0, reviewer="ann", mt_text="MT 0.",
                      reason=reason)
    before = history_length(store, segments)
    for excel in (False, True):
        rows = read_csv_rows(export_text(store, "csv", excel=excel))
        report = import_reviews(store, rows, "x")
        assert report.summary() == "0 applied, 3 skipped, 0 stale, 0 invalid", (excel, report.rows)
    report = import_xliff_reviews(store, read_xliff_units(export_text(store, "xliff")), "x")
    assert report.count("applied") == 0 and not report.problems(), report.rows
    assert history_length(store, segments) == before


def test_an_untouched_xliff_export_through_the_command_changes_nothing(small, tmp_path):
    store, segments = small
    store.save_review(segments[1].text, "Fixed\x07 text.", "corrected", expected_version=0, reviewer="ann")
    out = tmp_path / "out.xlf"
    assert run("export", "--out", out, "--db", store.location).exit_code == 0
    result = run("import-reviews", out, "--db", store.location)
    assert result.exit_code == 0, result.output
    assert "0 applied, 3 skipped, 0 stale, 0 invalid" in result.stdout
    assert store.review(segments[1].text_hash).version == 1


def test_an_xliff_target_edited_apart_from_the_stripped_characters_is_applied(small, tmp_path):
    store, segments = small
    store.save_review(segments[1].text, "Fixed\x07 text.", "corrected", expected_version=0, reviewer="ann")
    data = export_text(store, "xliff").replace("Fixed text.", "Fixed text, edited.")
    report = import_xliff_reviews(store, read_xliff_units(data), "x")
    assert report.summary() == "1 applied, 2 skipped, 0 stale, 0 invalid"
    assert store.review(segments[1].text_hash).final_text == "Fixed text, edited."


# --------------------------------------------------------------------------- files that are not exports


@pytest.mark.parametrize(("name", "content", "says"), [
    ("empty.csv", b"", "the CSV file is empty"),
    ("other.csv", b"name,value\na,1\n", "lacks the column(s) id, text_hash"),
    ("broken.xlf", b"<xliff><file>", "not a well-formed XLIFF file"),
    ("other.xlf", b"<?xml version='1.0'?><tmx/>", "not an XLIFF file"),
])
def test_a_file_that_is_not_an_export_is_one_line_naming_it(small, tmp_path, name, content, says):
    store, segments = small
    path = tmp_path / name
    path.write_bytes(content)
    result = run("import-reviews", path, "--db", store.location)
    assert result.exit_code == 1 and "Traceback" not in result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"Error: {path}: ") and says in line, line
    assert history_length(store, segments) == 0
