"""Results in and out: export, import-reviews and the English coverage report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO, cast

import click

from bilingual.cli.common import (
    db_option,
    fail_cleanly,
    open_store,
    stored_documents,
)


@click.command()
@click.option("--document", "documents", multiple=True, metavar="DOC",
              help="A Danish document (name, prefix or id); repeatable (default: every Danish document).")
@click.option("--only-new", is_flag=True, help="Only the English sentences the Danish document does not have.")
@db_option
@fail_cleanly
def coverage(documents: tuple[str, ...], only_new: bool, db: str | None) -> None:
    """Which English sentences the Danish documents say too, from their alignments, as TSV on stdout.

    Columns: danish_document, english_id, in_danish (yes/no), danish_ids, score, english. A summary
    per English document goes to stderr.
    """
    import csv

    from bilingual.records import COVERAGE_COLUMNS, coverage_report

    with open_store(db, must_exist=True) as store:
        report = coverage_report(store, stored_documents(store, documents, "da", "--document"), only_new)
    out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    out.writerow(COVERAGE_COLUMNS)
    out.writerows(row.cells() for row in report.rows)
    for note in report.notes:
        click.echo(note, err=True)


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "tmx", "jsonl", "xliff"]),
              help="Output format (default: from the --out suffix; .xlf and .xliff are XLIFF).")
@click.option("--out", required=True, metavar="FILE", help="File to write ('-' = stdout).")
@click.option("--excel", is_flag=True,
              help="CSV for spreadsheets: byte-order mark, formula-like cells prefixed with an apostrophe.")
@click.option("--only-reviewed", is_flag=True, help="Only accepted and corrected sentences.")
@click.option("--document", "documents", multiple=True, metavar="DOC",
              help="A Danish document (id, name or path); repeatable. Default: all.")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@db_option
@fail_cleanly
def export_command(fmt: str | None, out: str, excel: bool, only_reviewed: bool, documents: tuple[str, ...],
                   force: bool, db: str | None) -> None:
    """Write the reviewed, aligned sentences as CSV, TMX 1.4b, JSONL or XLIFF 1.2.

    One row per Danish sentence with its MT, final text, review and aligned English sentence(s);
    TMX holds the accepted and corrected sentences only. XLIFF is the file to translate in a CAT tool
    (OmegaT, Trados, memoQ, Phrase); import-reviews reads it back.
    """
    from bilingual.formats import format_for_path, write_records
    from bilingual.records import export_records
    from bilingual.textio import atomic_text_file, file_target_problem, write_text_stream

    if out != "-" and (problem := file_target_problem(out)):
        raise click.BadParameter(problem, param_hint="'--out'")
    if fmt is None:
        try:
            fmt = format_for_path(out)
        except ValueError:
            raise click.UsageError(
                "give --format csv|tmx|jsonl|xliff (it cannot be told from the --out name)") from None
    if excel and fmt != "csv":
        raise click.UsageError("--excel only applies to --format csv")
    with open_store(db, must_exist=True) as store:
        ids = [d.id for d in stored_documents(store, documents, "da", "--document")] if documents else None
        records = export_records(store, ids, only_reviewed=only_reviewed)
    try:
        if out == "-":
            count = write_text_stream(cast(BinaryIO, click.open_file("-", "wb")),
                                      lambda stream: write_records(records, fmt, stream, excel=excel))
        else:
            # written beside the target and renamed, so a failed export never leaves half a file
            with atomic_text_file(out, force=force) as stream:
                count = write_records(records, fmt, stream, excel=excel)
    except FileExistsError as exc:
        if exc.errno is not None:  # raised by the system, not the refusal to overwrite
            raise click.ClickException(_write_failure(out, exc)) from exc
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(_write_failure(out, exc)) from exc
    left_out = f" (TMX holds accepted and corrected sentences: {len(records) - count} left out)" if fmt == "tmx" else ""
    units = "translation units" if fmt in ("tmx", "xliff") else "rows"
    click.echo(f"{count} {units} written to {out}{left_out}", err=True)


def _write_failure(out: str, exc: OSError) -> str:
    """The one line for an export the system would not let be written (full disk, no permission)."""
    import errno

    advice = {errno.ENOSPC: "free some disk space or write it elsewhere", errno.EFBIG: "write it elsewhere",
              errno.EDQUOT: "free some of your disk quota or write it elsewhere",
              errno.EACCES: "choose a folder you can write to", errno.EPERM: "choose a folder you can write to",
              errno.EROFS: "choose a folder you can write to"}.get(exc.errno or 0)
    if out == "-":
        return f"cannot write to standard output: {exc.strerror or exc}" + (f"; {advice}" if advice else "")
    return f"cannot write {out}: {exc.strerror or exc}; nothing was written" + (f" ({advice})" if advice else "")


@click.command("import-reviews")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--reviewer", help="Name recorded with the imported reviews (default: import:FILE-NAME).")
@click.option("--excel/--no-excel", default=None,
              help="Whether FILE was exported with --excel (default: yes if it starts with a byte-order mark).")
@click.option("--dry-run", is_flag=True, help="Report what would happen, change nothing.")
@db_option
@fail_cleanly
def import_reviews_command(file: str, reviewer: str | None, excel: bool | None, dry_run: bool,
                           db: str | None) -> None:
    """Apply the reviews of an exported CSV edited in a spreadsheet, or of an XLIFF file from a CAT tool.

    CSV: the final and status columns. XLIFF (.xlf, .xliff): the targets a translator edited or
    confirmed. Rows whose Danish sentence changed, or whose review was saved again since the export,
    are reported as stale and not applied; rows equal to the current review are skipped.
    """
    from bilingual.formats.csv import read_csv_rows
    from bilingual.formats.xliff import is_xliff, read_xliff_units
    from bilingual.importing import REQUIRED_IMPORT_COLUMNS, import_reviews, import_xliff_reviews
    from bilingual.textio import decode_csv

    data, name = Path(file).read_bytes(), Path(file).name
    xliff = is_xliff(data, name)
    if xliff and excel is not None:
        raise click.UsageError("--excel/--no-excel only apply to a CSV file")
    # the file is read before the store is opened, so a file that is not an export changes nothing
    units = read_xliff_units(data, file) if xliff else []
    rows = [] if xliff else read_csv_rows(decode_csv(data, file), excel, required=REQUIRED_IMPORT_COLUMNS, name=file)
    with open_store(db, must_exist=True) as store:
        if xliff:
            report = import_xliff_reviews(store, units, reviewer or f"import:{name}", dry_run=dry_run)
        else:
            report = import_reviews(store, rows, reviewer or f"import:{name}", dry_run=dry_run)
    for problem in report.problems():
        where = "unit" if xliff else "row"
        click.echo(f"{where} {problem.row} ({problem.id}): {problem.outcome}: {problem.message}", err=True)
    click.echo(report.summary() + (" (dry run: nothing saved)" if dry_run else ""))
