"""The `bilingual store` commands: copy a whole store between SQLite files and PostgreSQL databases."""

from __future__ import annotations

import click

from bilingual.cli.common import fail_cleanly, open_store


@click.group("store")
def store_group() -> None:
    """Copy a store between an SQLite file and a PostgreSQL database (postgresql://USER@HOST[:PORT]/DB)."""


@store_group.command("copy")
@click.argument("source")
@click.argument("destination")
@click.option("--replace", is_flag=True,
              help="Replace what a destination that is not empty holds (by default it is refused).")
@fail_cleanly
def copy_command(source: str, destination: str, replace: bool) -> None:
    """Copy every table of the store SOURCE into DESTINATION and check the copy row by row.

    Either may be an SQLite file or a postgresql:// URL. A missing destination file, or an empty
    database, becomes a store; one that holds rows is refused unless --replace. The copy is one
    transaction: when it fails or does not match its source, the destination is left as it was.
    """
    from bilingual.store.copy import copy_store

    with open_store(source, must_exist=True) as src, open_store(destination) as dst:
        try:
            report = copy_store(src, dst, replace=replace)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="DESTINATION") from exc
        for table, rows in report.rows.items():
            click.echo(f"{table:>16}: {rows}")
        replaced = f", replacing {report.replaced} rows" if report.replaced else ""
        click.echo(f"copied {sum(report.rows.values())} rows from {src.name} to {dst.name}{replaced} in "
                   f"{report.seconds:.1f} s; every table, review history included, matches its source")
