"""What every command shares: options fed from the settings table, one-line failures, opening the store."""

from __future__ import annotations

import functools
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from bilingual.documents import DocumentError
from bilingual.pipeline import pick_documents
from bilingual.settings import SETTINGS, setting_value
from bilingual.store import Store, StoredDocument
from bilingual.store.dialect import is_url
from bilingual.translate import ModelNotFoundError

ALIGN_MODES = click.Choice(["auto", "parallel", "comparable"])


def setting_option(name: str, *flags: str, **kwargs: Any) -> Callable[[Any], Any]:
    """A click option fed from the settings table (default, env var and help in one place)."""
    spec = SETTINGS[name]
    kwargs.setdefault("help", f"{spec.help} [env {spec.env}; default {spec.default}]")
    kwargs.setdefault("type", spec.type)
    return click.option(*flags, name, envvar=spec.env, default=None, show_envvar=False, **kwargs)


db_option = setting_option("db", "--db", type=click.Path(dir_okay=False))
model_option = setting_option("model", "--model", metavar="ID|PATH")


def fail_cleanly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's expected failures into one-line messages with exit code 1.

    A store failure arrives as a StoreError (a RuntimeError) that names the file; an SQLite or file
    error raised anywhere else is still one line, never a traceback.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (DocumentError, ModelNotFoundError, KeyError, RuntimeError, ValueError) as exc:
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            raise click.ClickException(" ".join(str(message).splitlines())) from exc
        except sqlite3.Error as exc:
            raise click.ClickException(f"SQLite error: {' '.join(str(exc).split())}: run `bilingual doctor` "
                                       "to check the store") from exc
        except OSError as exc:
            where = f": {exc.filename}" if exc.filename else ""
            raise click.ClickException(f"{exc.strerror or exc}{where}") from exc

    return wrapper


def open_store(db: str | None, must_exist: bool = False) -> Store:
    """The store at ``--db`` / ``BILINGUAL_DB``; with ``must_exist``, a missing file is an error, not a new store."""
    path = str(setting_value("db", db))
    if must_exist and path != ":memory:" and not is_url(path) and not Path(path).is_file():
        # A mistyped path would otherwise answer with an empty new store and leave a stray file behind.
        raise click.ClickException(f"no store at {path}: add documents with `bilingual add` or `bilingual translate` "
                                   "first, or point --db / BILINGUAL_DB at your store")
    # Without must_exist a missing or empty file becomes a new store; a file that is not a store never does.
    return Store(path, create=not must_exist)


def stored_documents(store: Store, refs: tuple[str, ...], language: str, option: str) -> list[StoredDocument]:
    """Documents named on the command line (all of a language when none), checked for their language."""
    try:
        return pick_documents(store, refs, language)
    except (KeyError, ValueError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        raise click.BadParameter(str(message), param_hint=option) from exc


class RateBar:
    """A terminal progress bar showing sentences done / total and the rate in sentences per second."""

    def __init__(self, total: int, label: str):
        self._clock = time.perf_counter
        self._started = self._clock()
        self._done = 0
        self._bar = click.progressbar(length=total, label=label, show_pos=True, show_percent=True, show_eta=True,
                                      file=sys.stderr, item_show_func=lambda rate: rate)

    def __enter__(self) -> RateBar:
        self._bar.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._bar.__exit__(*exc)

    def update(self, n: int) -> None:
        """Advance by n sentences."""
        self._done += n
        elapsed = max(self._clock() - self._started, 1e-9)
        self._bar.update(n, f"{self._done / elapsed:.1f} sentences/s")
