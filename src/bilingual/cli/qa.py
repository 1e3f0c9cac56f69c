"""``bilingual qa``: every QA warning of the English that counts, for batch users."""

from __future__ import annotations

import sys

import click

from bilingual.cli.common import db_option, fail_cleanly, open_store, stored_documents


@click.command("qa")
@click.option("--document", "documents", multiple=True, metavar="DOC",
              help="A Danish document (name, prefix or id); repeatable (default: every Danish document).")
@click.option("--format", "fmt", type=click.Choice(["text", "tsv", "jsonl"]), default="text", show_default=True,
              help="One warning a line: readable text, tab-separated columns with a header, or JSON objects.")
@db_option
@fail_cleanly
def qa_command(documents: tuple[str, ...], fmt: str, db: str | None) -> None:
    """Print every QA warning (document, sentence id, check, severity, message) of the English that
    counts for each Danish sentence: the reviewed text, else the MT (a rejected sentence has none).
    The check ``meaning`` compares the Danish with the English through the multilingual embedder.
    Exit 0 whatever is found; a count goes to stderr."""
    import csv
    import json

    from bilingual.meaning import QA_COLUMNS, store_warnings

    with open_store(db, must_exist=True) as store:
        picked = stored_documents(store, documents, "da", "--document")
        rows = store_warnings(store, [d.id for d in picked])
    if fmt == "tsv":
        out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
        out.writerow(QA_COLUMNS)
        out.writerows([getattr(r, c) for c in QA_COLUMNS] for r in rows)
    else:
        for r in rows:
            click.echo(json.dumps(r.as_dict(), ensure_ascii=False) if fmt == "jsonl"
                       else f"{r.document}:{r.sentence}: {r.severity}: {r.check}: {r.message}")
    click.echo(f"{len(rows)} warnings in {len(picked)} Danish documents", err=True)
