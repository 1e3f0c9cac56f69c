"""The `bilingual doctor` command: check the store, the models and the machine, and say what to fix."""

from __future__ import annotations

import click

from bilingual.cli.common import db_option, model_option, setting_option


@click.command()
@db_option
@model_option
@setting_option("embedder", "--embedder", metavar="NAME|PATH")
@click.option("--load", is_flag=True, help="Also load the translation model's weights and translate a test sentence.")
def doctor(db: str | None, model: str | None, embedder: str | None, load: bool) -> None:
    """Check the store, the translation model, the embedder, free disk and threads; print what to fix.

    Nothing is changed: the store is opened read-only and no model is downloaded. Exit 0 when
    everything is fine (or only warnings), 1 when something is wrong.
    """
    from bilingual.health import PROBLEM, WARNING, run_checks

    checks = run_checks(db, model, embedder, load=load)
    for check in checks:
        click.echo(check.line())
    to_fix = [c for c in checks if c.fix and c.status in (PROBLEM, WARNING)]
    n_problems = sum(c.status == PROBLEM for c in checks)
    n_warnings = sum(c.status == WARNING for c in checks)
    if not to_fix:
        click.echo("\neverything looks fine")
        return
    click.echo(f"\n{_count(n_problems, 'problem')}, {_count(n_warnings, 'warning')}. What to do:")
    for check in to_fix:
        click.echo(f"  {check.fix_line()}")
    if n_problems:
        raise SystemExit(1)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
