"""`bilingual concordance`: how a word or phrase was translated across the store."""

from __future__ import annotations

import json

import click

from bilingual.cli.common import db_option, fail_cleanly, open_store


@click.command("concordance")
@click.argument("phrase")
@click.option("--lang", "language", type=click.Choice(["da", "en"]), default="da", show_default=True,
              help="The language of PHRASE: search the Danish sentences, or the English (translations and articles).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show at most this many hits.")
@click.option("--format", "form", type=click.Choice(["text", "tsv", "jsonl"]), default="text", show_default=True,
              help="text: hits marked [like this]; tsv: one row per hit with a header; jsonl: one JSON object a line.")
@db_option
@fail_cleanly
def concordance_command(phrase: str, language: str, limit: int | None, form: str, db: str | None) -> None:
    """Find PHRASE in every document of the store, inflected forms too: reviewed texts first, then MT.

    Each hit shows its sentence with the phrase marked, its translation (or, for an English
    article, the Danish aligned with it), its document and its status.
    """
    from bilingual.concordance import COLUMNS, concordance
    from bilingual.textio import neutralise

    with open_store(db, must_exist=True) as store:
        hits = concordance(store, phrase, language, limit)
    if form == "jsonl":
        for hit in hits:
            click.echo(json.dumps(hit.as_dict(), ensure_ascii=False))
    elif form == "tsv":
        click.echo("\t".join(COLUMNS))
        for hit in hits:
            spans = " ".join(f"{a}-{b}" for a, b in hit.spans)
            cells = [hit.tier, hit.status, hit.id, hit.document, hit.title, hit.found, hit.translation, spans]
            # a tab or newline inside a sentence would break the row
            click.echo("\t".join(neutralise(" ".join(c.split())) for c in cells))
    else:
        for hit in hits:
            click.echo(f"{hit.id}  [{hit.tier} · {hit.status}]  {hit.title}")
            click.echo(f"  {hit.marked()}")
            click.echo(f"  → {hit.translation or '(no translation)'}")
    click.echo(f"{len(hits)} hit{'s' if len(hits) != 1 else ''} for {phrase!r} ({language})", err=True)
