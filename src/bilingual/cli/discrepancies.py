"""``bilingual discrepancies``: where the English coverage and the Danish document state a fact differently."""

from __future__ import annotations

import csv
import json
import sys

import click

from bilingual.cli.common import db_option, fail_cleanly, open_store, stored_documents

COLUMNS = ("key", "kind", "source", "verdict", "reviewer", "danish_document", "left_id", "left_fact", "right_id",
           "right_fact", "english_document", "english_date", "english_in_danish", "left", "right")


@click.command("discrepancies")
@click.option("--document", "documents", multiple=True, metavar="DOC",
              help="A Danish document (name, prefix or id); repeatable (default: every Danish document).")
@click.option("--format", "fmt", type=click.Choice(["text", "tsv", "csv", "jsonl"]), default="text", show_default=True,
              help="text for reading; tsv, csv or jsonl for a spreadsheet or a program.")
@db_option
@fail_cleanly
def discrepancies(documents: tuple[str, ...], fmt: str, db: str | None) -> None:
    """Numbers, units, qualifiers, dates and names the Danish and the English state differently, with verdicts.

    Each Danish sentence is compared with its aligned English sentences and its other candidates, and
    the names of the English articles with each other. Notes (documents not aligned, English claims
    with no Danish counterpart) go to stderr.
    """
    from bilingual.factcheck.report import find_discrepancies
    from bilingual.textio import neutralise

    with open_store(db, must_exist=True) as store:
        report = find_discrepancies(store, stored_documents(store, documents, "da", "--document"))
    rows = [{
        "key": d.key, "kind": d.kind, "source": d.source, "verdict": d.verdict_text,
        "reviewer": d.verdict.reviewer if d.verdict else "", "danish_document": d.danish_document,
        "left_id": d.left.stable_id, "left_fact": d.left_fact.text, "right_id": d.right.stable_id,
        "right_fact": d.right_fact.text, "english_document": d.english_document, "english_date": d.english_date,
        "english_in_danish": "yes" if d.english_in_danish else "no", "left": d.left.text, "right": d.right.text,
    } for d in report.items]
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt in ("tsv", "csv"):
        out = csv.writer(sys.stdout, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
        out.writerow(COLUMNS)
        # cells come from documents: a spreadsheet must not run one as a formula
        out.writerows([neutralise(" ".join(str(row[c]).split())) for c in COLUMNS] for row in rows)
    else:
        for d in report.items:
            click.echo(f"[{d.kind}] {d.detail}  ({d.source}; {d.verdict_text}; {d.key[:12]})")
            click.echo(f"  {d.left.stable_id}: {d.left.text}")
            click.echo(f"  {d.right.stable_id}: {d.right.text}  [{d.english_document}"
                       + (f", {d.english_date}" if d.english_date else "") + "]")
    for note in report.notes:
        click.echo(note, err=True)
    click.echo(f"{len(report.items)} differences", err=True)
