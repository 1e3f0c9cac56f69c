"""Shared fixtures: a tiny Marian model built from the seeds, and fresh stores on both backends (an SQLite
file, and a database on a throw-away PostgreSQL server started once per session)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from bilingual.store import Store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
DANISH_SEED = ROOT / "seeds" / "002_35452d5bb9e7cfc4.txt"
ENGLISH_SEEDS = [p for p in SEEDS if p != DANISH_SEED]

# The tests never reach the network: a model that is not local must fail fast and clearly.
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A Marian model with random weights and a sentencepiece vocabulary trained on seeds/."""
    from support.modelbuild import build_random_marian

    out = tmp_path_factory.mktemp("tiny-marian")
    return build_random_marian(out, [p.read_text(encoding="utf-8") for p in SEEDS])


@pytest.fixture(scope="session")
def tiny_translator(tiny_model):
    """The tiny model loaded through the same code path as the real one."""
    from bilingual.translate import MarianTranslator

    return MarianTranslator(str(tiny_model), batch_size=4)


@pytest.fixture(scope="session")
def ntrex():
    """NTREX-128 Danish-English gold sentences from tests/data (a clear failure when missing, never a skip)."""
    from support.gold import load_ntrex

    try:
        return load_ntrex()
    except FileNotFoundError as exc:
        pytest.fail(str(exc))


BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_server():
    """A throw-away PostgreSQL server (tests/support/postgres.py); a clear failure, never a skip, without one."""
    from support.postgres import NoServer, running_server

    try:
        with running_server() as server:
            yield server
    except NoServer as exc:
        pytest.fail(f"the PostgreSQL tests need a PostgreSQL server and none could be started: {exc}")


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path) -> str:
    """Where a fresh, empty store goes, on each backend in turn: an SQLite file path or a new database's URL."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_server").new_database()
    return str(tmp_path / "store.sqlite3")


@pytest.fixture
def pg_db(pg_server) -> str:
    """The URL of a new, empty database on the throw-away PostgreSQL server."""
    return pg_server.new_database()


@pytest.fixture
def store(db):
    """A fresh store on each backend in turn: a real SQLite file, a real PostgreSQL database."""
    from bilingual.store import Store

    with Store(db) as s:
        yield s


def copy_store(template: Path, target: Path) -> Path:
    """Copy a store file to ``target`` through SQLite's backup API, so the copy holds every committed page."""
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return target


@pytest.fixture(scope="session")
def store_template(tmp_path_factory) -> Callable[[str, Callable[[Store], Any]], Path]:
    """``store_template(name, fill)``: a store file that ``fill`` filled, built once per session for each name.

    Filling a store can take many seconds (translating the seeds with the tiny model), so it is done once;
    tests never open a template itself but get their own copy through ``store_copy``, so a test that writes
    cannot change what another one sees. The name must be unique to what ``fill`` does.
    """
    from bilingual.store import Store

    built: dict[str, Path] = {}

    def template(name: str, fill: Callable[[Store], Any]) -> Path:
        if name not in built:
            folder = tmp_path_factory.mktemp(f"template-{name}")
            path = folder / "store.sqlite3"
            # Session fixtures start before the per-test settings isolation, so the fill gets its own.
            with pytest.MonkeyPatch.context() as monkeypatch, Store(path) as store:
                isolate_settings(monkeypatch, folder)
                fill(store)
            built[name] = path  # only once complete: a fill that failed is tried again, in a fresh folder
        return built[name]

    return template


@pytest.fixture
def store_copy(tmp_path) -> Callable[..., Store]:
    """``store_copy(template, name="store.sqlite3")``: an open Store on this test's own copy of a template.

    The caller closes it (``with store_copy(template) as store: ...``).
    """
    from bilingual.store import Store

    def open_copy(template: Path, name: str = "store.sqlite3") -> Store:
        return Store(copy_store(template, tmp_path / name))

    return open_copy


@pytest.fixture(scope="session")
def seeded_template(store_template, tiny_translator) -> Path:
    """A store template holding the seeds, their Danish sentences translated by the tiny model."""
    from bilingual.pipeline import translate_files

    return store_template("seeded", lambda store: translate_files(store, SEEDS, lambda: tiny_translator))


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch, tmp_path):
    """Keep tests away from the user's store and model settings."""
    isolate_settings(monkeypatch, tmp_path)


def isolate_settings(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Clear every bilingual setting from the environment and keep model downloads and caches under ``folder``."""
    from bilingual.settings import SETTINGS

    for setting in SETTINGS.values():
        monkeypatch.delenv(setting.env, raising=False)
    monkeypatch.setenv("HF_HOME", str(folder / "hf-home"))
    monkeypatch.setenv("BILINGUAL_MODELS_DIR", str(folder / "models"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def record_model_inputs(translator, monkeypatch) -> list[str]:
    """The list that collects every piece of text the translator hands to its model from now on."""
    seen: list[str] = []
    real = translator._translate_pieces

    def spy(pieces):
        seen.extend(pieces)
        return real(pieces)

    monkeypatch.setattr(translator, "_translate_pieces", spy)
    return seen
