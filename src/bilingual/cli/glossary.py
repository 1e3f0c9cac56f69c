"""The `bilingual glossary` commands: the termbase the QA check `term` uses."""

from __future__ import annotations

from pathlib import Path

import click

from bilingual.cli.common import (
    db_option,
    fail_cleanly,
    open_store,
    stored_documents,
)


@click.group("glossary")
def glossary_group() -> None:
    """Keep a termbase of Danish→English terms; the QA check `term` flags translations that miss them."""


@glossary_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@db_option
@fail_cleanly
def glossary_import(file: str, db: str | None) -> None:
    """Add the terms of a CSV/TSV (header danish,english[,note]) or TBX file to the glossary.

    Several English renderings share a CSV cell separated by |, the first preferred. A term whose
    Danish and preferred English are already there is left as it is, so importing twice adds nothing.
    """
    from bilingual.glossary import read_glossary

    # the file is read before the store is opened, so a bad file changes nothing
    terms = read_glossary(file)
    with open_store(db) as store:
        added = store.add_terms(terms, source=Path(file).name)
        total = len(store.terms())
    click.echo(f"{len(terms)} terms read from {file}: {added} added, {len(terms) - added} already there "
               f"({total} in the glossary)")


@glossary_group.command("list")
@click.option("--search", "query", default="", metavar="TEXT",
              help="Only terms whose Danish, English or note holds TEXT, or whose Danish stems are TEXT's.")
@db_option
@fail_cleanly
def glossary_list(query: str, db: str | None) -> None:
    """List the glossary: each Danish term, its English renderings (preferred first), note and source."""
    from bilingual.termbase import list_terms

    with open_store(db, must_exist=True) as store:
        terms = [entry.term for entry in list_terms(store, query)]
    for term in terms:
        line = f"{term.danish} → {' | '.join(term.english)}"
        if term.note:
            line += f"  ({term.note})"
        if term.source:
            line += f"  [{term.source}]"
        click.echo(line)
    click.echo(f"{len(terms)} terms", err=True)


@glossary_group.command("add")
@click.argument("danish")
@click.argument("english")
@click.option("--note", default="", help="A note for the translator (usage, context).")
@db_option
@fail_cleanly
def glossary_add(danish: str, english: str, note: str, db: str | None) -> None:
    """Add one term: DANISH and its ENGLISH rendering(s), several separated by |, the first preferred."""
    from bilingual.termbase import ADDED_BY_HAND, add_term, make_term

    term = make_term(danish, english, note)
    with open_store(db) as store:
        added = add_term(store, term, source=ADDED_BY_HAND)
    click.echo(f"{'added' if added else 'already there'}: {term.danish} → {' | '.join(term.english)}")


@glossary_group.command("remove")
@click.argument("danish")
@db_option
@fail_cleanly
def glossary_remove(danish: str, db: str | None) -> None:
    """Remove every entry of a Danish term (case does not count)."""
    with open_store(db, must_exist=True) as store:
        removed = store.remove_term(danish)
    if not removed:
        raise click.ClickException(f"{danish!r} is not in the glossary")
    click.echo(f"{removed} {'entry' if removed == 1 else 'entries'} of {danish!r} removed")


@glossary_group.command("edit")
@click.argument("danish")
@click.option("--of", "of_english", default=None, metavar="ENGLISH",
              help="The preferred English of the entry to change, when DANISH has several.")
@click.option("--danish", "new_danish", default=None, help="The new Danish text.")
@click.option("--english", default=None, help="The new English rendering(s), several separated by |.")
@click.option("--note", default=None, help="The new note.")
@db_option
@fail_cleanly
def glossary_edit(danish: str, of_english: str | None, new_danish: str | None, english: str | None,
                  note: str | None, db: str | None) -> None:
    """Change one term: its Danish, English renderings or note; what is not given stays."""
    from bilingual.termbase import edit_term, find_entry

    if new_danish is None and english is None and note is None:
        raise click.UsageError("nothing to change: give --danish, --english or --note")
    with open_store(db, must_exist=True) as store:
        term = edit_term(store, find_entry(store, danish, of_english).id, new_danish, english, note)
    click.echo(f"changed: {term.danish} → {' | '.join(term.english)}" + (f"  ({term.note})" if term.note else ""))


@glossary_group.command("check")
@click.option("--document", "documents", multiple=True, metavar="DOC",
              help="A Danish document (id, name or path); repeatable. Default: all.")
@db_option
@fail_cleanly
def glossary_check(documents: tuple[str, ...], db: str | None) -> None:
    """Show, per Danish sentence, the glossary terms found and whether its English renders them.

    The English is the one that counts: the reviewed text, else the latest MT; a rejected sentence has
    none. Ends with `N terms found, M not rendered`.
    """
    from bilingual.glossary import Glossary
    from bilingual.records import term_check

    with open_store(db, must_exist=True) as store:
        glossary = Glossary(store.terms())
        if not glossary:
            raise click.ClickException("the glossary is empty: add terms with `bilingual glossary import FILE`")
        checks = term_check(store, stored_documents(store, documents, "da", "--document"), glossary)
    verdicts = [verdict for check in checks for _, _, verdict in check.terms]
    for check in checks:
        click.echo(f"{check.segment.stable_id}  {check.segment.text}")
        if check.english is not None:
            click.echo(f"  {check.label}: {check.english}")
        elif check.origin == "rejected":
            click.echo("  rejected: no English counts until the sentence is corrected")
        for text, expected, verdict in check.terms:
            click.echo(f"    {text} → {expected}: {verdict}")
    found, not_rendered, untranslated = len(verdicts), verdicts.count("NOT rendered"), verdicts.count("no English yet")
    tail = f", {untranslated} in sentences with no English yet" if untranslated else ""
    click.echo(f"{found} terms found, {not_rendered} not rendered{tail}")
