"""MarianMT through transformers: length-sorted batches under ``torch.inference_mode``, optional dynamic int8.

Weights are loaded on the first translation, so a run that finds every sentence in the cache never loads them.
"""

from __future__ import annotations

import os
import sys
import warnings
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
    model_limits,
    output_limit,
    reached_limit,
    thread_count,
)
from bilingual.translate.models import (
    _looks_local,
    _missing_model_message,
    _read_json,
    find_model_folder,
    hub_offline,
    hub_reachable,
    is_ct2_folder,
    marian_folder_problems,
    model_revision,
    resolve_model,
)


def import_torch() -> Any:
    """torch, with OpenMP threads that sleep while idle unless ``OMP_WAIT_POLICY`` says otherwise.

    Spinning worker threads (the OpenMP default) slow generation down several times over as soon
    as another process wants the same cores, which on a laptop or a shared server is the usual case.
    The policy is read once, when the OpenMP runtime loads with torch, so it is set before that.
    """
    if "torch" not in sys.modules:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch

    return torch


def pick_device(requested: str | None = None) -> str:
    """``cuda`` when a GPU is available (unless told otherwise), else ``cpu``."""
    requested = setting_value("device", requested)
    if requested and requested != "auto":
        return requested
    torch = import_torch()

    return "cuda" if torch.cuda.is_available() else "cpu"


class MarianTranslator(_MarianEngine):
    """MarianMT through transformers: length-sorted batches under ``torch.inference_mode``."""

    backend = "transformers"
    # Keyword arguments for from_pretrained: local-only for a found folder, a revision for the hub.
    _load_kwargs: dict[str, Any]

    def __init__(self, model: str | None = None, *, revision: str | None = None, device: str | None = None,
                 beams: int | None = None, batch_size: int | None = None, max_new_tokens: int | None = None,
                 min_new_tokens: int | None = None, quantize: bool | None = None, threads: int | None = None):
        self.model_id = resolve_model(model)
        self.revision = setting_value("revision", revision)
        self.batch_size = int(setting_value("batch_size", batch_size))
        self.quantize = bool(setting_value("quantize", quantize))
        self.threads = thread_count(threads)
        self.max_new_tokens, self.min_new_tokens = max_new_tokens, min_new_tokens
        self.cut_short = []
        self._model: Any = None
        self.device = pick_device(device)
        if self.quantize and not self.device.startswith("cpu"):
            raise ValueError(f"--quantize (dynamic int8) runs on the CPU only, not on {self.device}")
        local = Path(self.model_id).expanduser()
        if not local.is_dir() and _looks_local(self.model_id):
            raise ModelNotFoundError(_missing_model_message(self.model_id, None))
        if is_ct2_folder(local):
            raise ModelNotFoundError(f"{self.model_id} is a CTranslate2 model: translate it with --backend ct2 "
                                     "(or auto), or pass --model the Marian model it was converted from")
        cached = find_model_folder(self.model_id) if not self.revision or local.is_dir() else None
        if cached is not None:
            problems = marian_folder_problems(cached)
            if problems:
                missing = FileNotFoundError(f"{cached} has no {', '.join(problems)}")
                raise ModelNotFoundError(_missing_model_message(self.model_id, missing))
            self._tokenizer_source, self._load_kwargs = str(cached), {"local_files_only": True}
            config, generation = _read_json(cached / "config.json"), _read_json(cached / "generation_config.json")
            tokenizer_config = _read_json(cached / "tokenizer_config.json")
            self._revision = model_revision(cached)
        elif local.is_dir() or hub_offline():
            raise ModelNotFoundError(_missing_model_message(self.model_id, None))
        elif not hub_reachable():
            raise ModelNotFoundError(_missing_model_message(self.model_id, ConnectionError("the hub is unreachable")))
        else:  # not here yet: download now, so that the revision and settings come from the files
            self._tokenizer_source = self.model_id
            self._load_kwargs = {"revision": self.revision} if self.revision else {}
            self._tokenizer = self._from_hub()
            # The diff, not the full dict: the full one fills in transformers' own max_length of 20.
            config, generation = self.model.config.to_dict(), self.model.generation_config.to_diff_dict()
            tokenizer_config = {"model_max_length": self._tokenizer.model_max_length}
            self._revision = config.get("_commit_hash") or self.revision or "unknown"
        self.limits = model_limits(config, generation, tokenizer_config)
        self.beams = int(setting_value("beams", beams) or self.limits.beams or 1)
        self.max_input_tokens = self.limits.max_input_tokens

    def _from_hub(self) -> Any:
        from transformers import MarianTokenizer

        try:
            tokenizer = MarianTokenizer.from_pretrained(self.model_id, **self._load_kwargs)
        except Exception as exc:  # hub, file and format errors all mean "this model is not usable here"
            raise ModelNotFoundError(_missing_model_message(self.model_id, exc)) from exc
        _ = self.model
        return tokenizer

    @property
    def model(self) -> Any:
        """The transformers model, on its device, quantised when asked (loaded on first use)."""
        if self._model is None:
            self._model = self._load_model()
        return self._model

    def _load_model(self) -> Any:
        torch = import_torch()
        from transformers import MarianMTModel
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # our own progress bar is the one that matters
        if torch.get_num_threads() != self.threads:
            torch.set_num_threads(self.threads)
        source = self._tokenizer_source
        try:
            model: Any = MarianMTModel.from_pretrained(source, **self._load_kwargs)
        except Exception as exc:  # hub, file and format errors all mean "this model is not usable here"
            raise ModelNotFoundError(_missing_model_message(self.model_id, exc)) from exc
        model.to(self.device).eval()
        return quantize_int8(model) if self.quantize else model

    @property
    def decoding(self) -> dict[str, Any]:
        """The deterministic decoding settings passed to generate."""
        return {"beams": self.beams, "max_new_tokens": self.max_new_tokens or OUTPUT_LIMIT_RULE,
                "min_new_tokens": self.min_new_tokens or 0, "max_input_tokens": self.max_input_tokens,
                "sample": False, "compute_type": "int8-dynamic" if self.quantize else "float32"}

    @property
    def signature(self) -> dict[str, Any]:
        """Model id, resolved revision, backend, decoding settings and versions."""
        return {"model": self.model_id, "revision": self._revision, "backend": self.backend,
                "decoding": self.decoding, "device": self.device, "threads": self.threads, "version": __version__,
                "transformers": _package_version("transformers"), "torch": _package_version("torch")}

    def generate_kwargs(self, limit: int | None = None) -> dict[str, Any]:
        """Keyword arguments for ``model.generate``: the model's settings, with ``limit`` new tokens at most.

        The limit is always passed, so that generate never falls back on its own default of 20
        tokens; ``limit`` defaults to :func:`output_limit` for the model's fixed limit.
        """
        limit = limit or output_limit(self.limits, 0, self.max_new_tokens)
        # max_length, not max_new_tokens: the same limit without a warning about both being set;
        # a max_new_tokens of the generation config would take precedence, so it is cleared.
        kwargs: dict[str, Any] = {"num_beams": self.beams, "do_sample": False, "max_length": 1 + limit,
                                  "max_new_tokens": None}
        if self.min_new_tokens:
            kwargs["min_new_tokens"] = self.min_new_tokens
        return kwargs

    def _end_ids(self) -> set[int]:
        ends = self.model.generation_config.eos_token_id
        if ends is None:
            ends = self.tokenizer.eos_token_id
        return set(ends) if isinstance(ends, list) else {int(ends)}

    def _generate(self, pieces: list[str], limit: int) -> list[Decoded]:
        torch = import_torch()

        if not pieces:
            return []
        tokenizer, model = self.tokenizer, self.model
        lengths = [self.count_tokens(p) for p in pieces]
        # Longest first, so that each padded batch holds inputs of nearly the same length.
        order = sorted(range(len(pieces)), key=lengths.__getitem__, reverse=True)
        results: list[Decoded] = [Decoded("", False)] * len(pieces)
        kwargs, ends = self.generate_kwargs(limit), self._end_ids()
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                batch = tokenizer([pieces[i] for i in idx], return_tensors="pt", padding=True,
                                  truncation=False).to(self.device)
                generated = model.generate(**batch, **kwargs)
                texts = tokenizer.batch_decode(generated, skip_special_tokens=True)
                for i, row, text in zip(idx, generated.tolist(), texts, strict=True):
                    tokens = row[1:]  # after the decoder start token
                    length = next((k for k, token in enumerate(tokens) if token in ends), len(tokens))
                    results[i] = Decoded(text, reached_limit(length, limit))
        return results


def quantize_int8(model: Any) -> Any:
    """The model with every linear layer in dynamic int8 (weights int8, activations quantised per batch)."""
    torch = import_torch()

    with warnings.catch_warnings():
        # The eager quantisation API is deprecated in favour of torchao, yet it is still the
        # one that needs no extra package and speeds up linear layers on CPUs.
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
