"""Shared fixtures: a tiny Marian model built from the seeds, and fresh SQLite stores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
DANISH_SEED = ROOT / "seeds" / "002_35452d5bb9e7cfc4.txt"
ENGLISH_SEEDS = [p for p in SEEDS if p != DANISH_SEED]

# The tests never reach the network: a model that is not local must fail fast and clearly.
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A Marian model with random weights and a sentencepiece vocabulary trained on seeds/."""
    from bilingual.modelbuild import build_random_marian

    out = tmp_path_factory.mktemp("tiny-marian")
    return build_random_marian(out, [p.read_text(encoding="utf-8") for p in SEEDS])


@pytest.fixture(scope="session")
def tiny_translator(tiny_model):
    """The tiny model loaded through the same code path as the real one."""
    from bilingual.translate import MarianTranslator

    return MarianTranslator(str(tiny_model), batch_size=4)


@pytest.fixture(scope="session")
def ntrex():
    """NTREX-128 Danish-English gold sentences from ../shared/data (a clear failure when missing, never a skip)."""
    from bilingual.gold import load_ntrex

    try:
        return load_ntrex()
    except FileNotFoundError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def store(tmp_path):
    """A fresh store in a real SQLite file."""
    from bilingual.store import Store

    with Store(tmp_path / "store.sqlite3") as s:
        yield s


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch, tmp_path):
    """Keep tests away from the user's store and model settings."""
    from bilingual.settings import SETTINGS

    for setting in SETTINGS.values():
        monkeypatch.delenv(setting.env, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("BILINGUAL_MODELS_DIR", str(tmp_path / "models"))
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
