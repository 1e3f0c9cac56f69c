"""The CTranslate2 engine for converted Marian models, and the conversion itself (``bilingual model convert``).

A conversion is several times faster on a CPU than the transformers engine, with the same tokenizer
and decoding settings.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bilingual import __version__
from bilingual.settings import setting_value
from bilingual.translate.base import ModelNotFoundError
from bilingual.translate.engine import (
    OUTPUT_LIMIT_RULE,
    Decoded,
    _MarianEngine,
    _package_version,
    ct2_length_limits,
    model_limits,
    reached_limit,
    thread_count,
)
from bilingual.translate.models import (
    CONVERSION_INFO,
    TOKENIZER_FILES,
    _missing_model_message,
    _read_json,
    ct2_folder_name,
    find_model_folder,
    is_ct2_folder,
    marian_folder_problems,
    model_reference,
    model_revision,
    models_dir,
    resolve_model,
)

# CTranslate2 batches by tokens: about 64 sentences of average length, the knee of the
# throughput curve on a few CPU cores.
CT2_BATCH_TOKENS = 2048
# Weight types a conversion can store; int8 is the fastest on CPUs.
CT2_QUANTIZATIONS = ("int8", "int8_float32", "float32")
# Decoding settings older models may keep in config.json rather than generation_config.json, recorded at
# conversion: the ones that both engines pass explicitly, so that they decode alike.
DECODING_CONFIG_KEYS = ("num_beams", "max_length", "max_new_tokens")
# Files a converted folder carries besides the weights, so that it works on its own.
CT2_COPIED_FILES = ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json", "special_tokens_map.json",
                    "generation_config.json")


def _ct2_device(requested: str | None) -> tuple[str, int]:
    requested = setting_value("device", requested)
    if not requested or requested == "auto":
        import ctranslate2

        return ("cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"), 0
    name, _, index = requested.partition(":")
    return name, int(index or 0)


class Ct2Translator(_MarianEngine):
    """A CTranslate2 conversion of a Marian model: same tokenizer and decoding settings, token-counted batches."""

    backend = "ctranslate2"

    def __init__(self, model: str | None = None, *, folder: str | Path | None = None, revision: str | None = None,
                 device: str | None = None, beams: int | None = None, batch_size: int | None = None,
                 batch_tokens: int | None = None, max_new_tokens: int | None = None,
                 min_new_tokens: int | None = None, quantize: bool | None = None, threads: int | None = None):
        self.model_id = resolve_model(model)
        self.folder = Path(folder if folder is not None else self.model_id).expanduser()
        if importlib.util.find_spec("ctranslate2") is None:
            raise ModelNotFoundError("the ct2 backend needs CTranslate2: pip install 'bilingual[fast]' "
                                     "(or use --backend transformers)")
        if not is_ct2_folder(self.folder):
            raise ModelNotFoundError(f"{self.folder} is not a CTranslate2 model (no model.bin). To fix: run "
                                     f"`bilingual model convert {self.model_id}` and pass the folder it prints")
        missing = [name for name in TOKENIZER_FILES if not (self.folder / name).is_file()]
        if missing:
            raise ModelNotFoundError(f"the CTranslate2 model {self.folder} lacks the tokenizer files "
                                     f"{', '.join(missing)}. To fix: convert it with `bilingual model convert`, "
                                     "which copies them")
        info = _read_json(self.folder / CONVERSION_INFO)
        # Translations are recorded under the model they were converted from, so that the
        # same conversion gives the same cache key whether it was named or found.
        self.source_model = info.get("source_model") or str(self.folder.resolve())
        self._revision = info.get("source_revision") or model_revision(self.folder)
        if revision and info.get("source_revision") and revision != info["source_revision"]:
            raise ModelNotFoundError(f"{self.folder} was converted from revision {info['source_revision']}, "
                                     f"not {revision}. To fix: convert that revision with `bilingual model convert`")
        self._tokenizer_source = str(self.folder)
        # The conversion records the source config's decoding settings (older models keep them there).
        config = {**info.get("model_config", {}), "max_position_embeddings": info.get("max_position_embeddings")}
        self.limits = model_limits(config,
                                   _read_json(self.folder / "generation_config.json"),
                                   _read_json(self.folder / "tokenizer_config.json"))
        self.beams = int(setting_value("beams", beams) or self.limits.beams or 1)
        self.max_input_tokens = self.limits.max_input_tokens
        self.batch_size = int(setting_value("batch_size", batch_size))
        self.batch_tokens = int(batch_tokens or CT2_BATCH_TOKENS)
        self.max_new_tokens, self.min_new_tokens = max_new_tokens, min_new_tokens
        self.cut_short = []
        self.quantize = bool(setting_value("quantize", quantize))
        # "default" keeps the type the model was converted to; quantize asks for int8 whatever it was.
        self.compute_type = "int8" if self.quantize else "default"
        self.stored_type = info.get("quantization", "default")
        self.threads = thread_count(threads)
        self.device, self.device_index = _ct2_device(device)
        self._engine: Any = None

    @property
    def engine(self) -> Any:
        """The ``ctranslate2.Translator`` (loaded on first use)."""
        if self._engine is None:
            import ctranslate2

            try:
                self._engine = ctranslate2.Translator(str(self.folder), device=self.device,
                                                      device_index=self.device_index, compute_type=self.compute_type,
                                                      inter_threads=1, intra_threads=self.threads)
            except (RuntimeError, ValueError) as exc:
                raise ModelNotFoundError(f"the CTranslate2 model {self.folder} could not be loaded: {exc}") from exc
        return self._engine

    @property
    def decoding(self) -> dict[str, Any]:
        """The decoding settings: the same fields as the transformers engine's."""
        return {"beams": self.beams, "max_new_tokens": self.max_new_tokens or OUTPUT_LIMIT_RULE,
                "min_new_tokens": self.min_new_tokens or 0, "max_input_tokens": self.max_input_tokens,
                "sample": False, "compute_type": "int8" if self.quantize else self.stored_type}

    @property
    def signature(self) -> dict[str, Any]:
        """Source model id and revision, backend, decoding settings and versions."""
        return {"model": self.source_model, "revision": self._revision, "backend": self.backend,
                "decoding": self.decoding, "device": self.device, "threads": self.threads,
                "folder": str(self.folder), "version": __version__,
                "ctranslate2": _package_version("ctranslate2")}

    def translate_options(self, limit: int | None = None) -> dict[str, Any]:
        """Keyword arguments for ``translate_batch`` that reproduce the transformers engine's decoding.

        ``limit`` (new tokens, as :func:`~bilingual.translate.engine.output_limit` counts them)
        defaults to the model's fixed limit; it is always passed, never CTranslate2's own default.
        """
        min_length, max_length = ct2_length_limits(self.limits, limit or self.max_new_tokens, self.min_new_tokens)
        return {"max_batch_size": self.batch_tokens, "batch_type": "tokens", "beam_size": self.beams,
                "length_penalty": self.limits.length_penalty, "repetition_penalty": self.limits.repetition_penalty,
                "no_repeat_ngram_size": self.limits.no_repeat_ngram_size, "max_input_length": 0,
                "max_decoding_length": max_length, "min_decoding_length": min_length}

    def source_tokens(self, pieces: Sequence[str]) -> list[list[str]]:
        """The tokens CTranslate2 reads: the Marian tokenizer's pieces, end token included."""
        tokenizer = self.tokenizer
        return [tokenizer.convert_ids_to_tokens(tokenizer(p, verbose=False)["input_ids"]) for p in pieces]

    def _generate(self, pieces: list[str], limit: int) -> list[Decoded]:
        if not pieces:
            return []
        tokenizer = self.tokenizer
        # CTranslate2 sorts by length and packs batches of max_batch_size tokens itself.
        results = self.engine.translate_batch(self.source_tokens(pieces), **self.translate_options(limit))
        # Hypotheses leave the end token out, so their length is the text's.
        return [Decoded(tokenizer.decode(tokenizer.convert_tokens_to_ids(r.hypotheses[0]), skip_special_tokens=True),
                        reached_limit(len(r.hypotheses[0]), limit)) for r in results]


def convert_to_ct2(source: str | Path, out_dir: str | Path, *, quantization: str = "int8",
                   info: dict[str, Any] | None = None, force: bool = False) -> Path:
    """Convert a Marian folder into a CTranslate2 folder with its tokenizer files and ``bilingual.json``; return it.

    The conversion is written beside the target and renamed into place, so an interrupted one
    never leaves a half-written model where models are looked for.
    """
    import ctranslate2
    from ctranslate2.converters import TransformersConverter
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # the converter loads the model through transformers
    source, out = Path(source), Path(out_dir)
    if out.exists() and not force:
        raise FileExistsError(f"{out} already exists: pass --force to replace it")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    copied = [name for name in CT2_COPIED_FILES if (source / name).is_file()]
    try:
        TransformersConverter(str(source), copy_files=copied).convert(str(partial), quantization=quantization,
                                                                     force=True)
        record = {**(info or {}), "quantization": quantization, "ctranslate2": ctranslate2.__version__}
        (partial / CONVERSION_INFO).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
        if out.exists():
            shutil.rmtree(out)
        partial.rename(out)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return out


def convert_model(model: str | None = None, *, quantization: str = "int8", out: str | Path | None = None,
                  force: bool = False) -> Path:
    """Convert a Marian model (hub id in the cache, or folder) into a CTranslate2 folder; return the folder."""
    model_id = resolve_model(model)
    if quantization not in CT2_QUANTIZATIONS:
        raise ValueError(f"unknown quantization {quantization!r}: choose one of {', '.join(CT2_QUANTIZATIONS)}")
    if importlib.util.find_spec("ctranslate2") is None:
        raise ModelNotFoundError("converting needs CTranslate2: pip install 'bilingual[fast]'")
    folder = find_model_folder(model_id)
    if folder is None:
        raise ModelNotFoundError(_missing_model_message(model_id, None))
    if is_ct2_folder(folder):
        raise ValueError(f"{model_id} is already a CTranslate2 model")
    problems = marian_folder_problems(folder)
    if problems:
        raise ModelNotFoundError(_missing_model_message(model_id, FileNotFoundError(f"{folder} has no "
                                                                                    f"{', '.join(problems)}")))
    target = Path(out).expanduser() if out else models_dir() / ct2_folder_name(model_id, quantization)
    config = _read_json(folder / "config.json")
    info = {"source_model": model_reference(model_id), "source_revision": model_revision(folder),
            "max_position_embeddings": config.get("max_position_embeddings"),
            "model_config": {k: config[k] for k in DECODING_CONFIG_KEYS if config.get(k) is not None}}
    return convert_to_ct2(folder, target, quantization=quantization, info=info, force=force)
