"""Machine translation: the Translator protocol and two engines for Marian models.

``MarianTranslator`` runs a Marian model through transformers; ``Ct2Translator`` runs its
CTranslate2 conversion (``bilingual model convert``), which is several times faster on a CPU.
``load_translator`` picks the engine. Models are resolved from an explicit value, else
``BILINGUAL_MODEL``, else the default hub id. Weights are loaded on the first translation,
so a run that finds every sentence in the cache never loads them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from bilingual import __version__
from bilingual.settings import DEFAULT_MODEL, setting_value

# Signature fields that change the output; the MT cache is keyed by these alone.
OUTPUT_FIELDS = ("model", "revision", "backend", "decoding")
BACKENDS = ("auto", "ct2", "transformers")
# Written into every converted folder: which model it was made from, and how.
CONVERSION_INFO = "bilingual.json"
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json")
# CTranslate2 batches by tokens: about 64 sentences of average length, the knee of the
# throughput curve on a few CPU cores.
CT2_BATCH_TOKENS = 2048


class ModelNotFoundError(RuntimeError):
    """The translation model could not be found or loaded; the message says how to get it."""


@runtime_checkable
class Translator(Protocol):
    """Anything that turns Danish sentences into English ones and says how it did so."""

    @property
    def signature(self) -> dict[str, Any]:
        """Model id, revision, backend, decoding settings and versions."""
        ...

    def translate(self, texts: list[str]) -> list[str]:
        """Translate sentences, one output per input, in order."""
        ...


def translator_key(signature: dict[str, Any]) -> str:
    """Short hash of the output-defining part of a signature: the MT cache key."""
    core = {k: signature.get(k) for k in OUTPUT_FIELDS}
    return hashlib.sha256(json.dumps(core, sort_keys=True).encode()).hexdigest()[:16]


def signature_string(signature: dict[str, Any]) -> str:
    """A compact one-line form of a signature, like sacrebleu's."""
    dec = signature.get("decoding", {})
    parts = [f"model:{signature.get('model')}", f"rev:{(signature.get('revision') or 'none')[:12]}",
             f"backend:{signature.get('backend')}"] + [f"{k}:{v}" for k, v in sorted(dec.items())]
    return "|".join(parts + [f"version:{signature.get('version')}"])


def resolve_model(explicit: str | None = None) -> str:
    """The model to use: an explicit value, else ``BILINGUAL_MODEL``, else the default hub id."""
    return str(setting_value("model", explicit) or DEFAULT_MODEL)


def hub_offline() -> bool:
    """True when ``HF_HUB_OFFLINE`` asks for no network access."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without affinity masks
        return os.cpu_count() or 1


def thread_count(explicit: int | None = None) -> int:
    """Threads for translation: an explicit value, else ``BILINGUAL_THREADS``, else the available cores."""
    return max(1, int(setting_value("threads", explicit) or available_cores()))


def _package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _looks_local(model: str) -> bool:
    return model.startswith((".", "/", "~")) or Path(model).expanduser().exists()


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _missing_model_message(model: str, error: BaseException | None) -> str:
    if _looks_local(model):
        where = f"the local folder {Path(model).expanduser().resolve()}"
        hint = ("pass --model PATH (or set BILINGUAL_MODEL) to a folder that holds a Marian model (config.json, "
                "weights, source.spm, target.spm, vocab.json), or a hub id fetched with `bilingual model download`")
    else:
        from huggingface_hub import constants

        where = f"the Hugging Face cache ({constants.HF_HUB_CACHE})"
        where += " only, because HF_HUB_OFFLINE is set" if hub_offline() else " and the Hugging Face hub"
        hint = (f"on a machine with internet run `bilingual model download {model}` (then copy the cache "
                "folder here if needed), or pass --model PATH / set BILINGUAL_MODEL to a local Marian folder")
    detail = f" ({type(error).__name__}: {str(error).splitlines()[0][:200]})" if error else ""
    return f"translation model {model!r} not found in {where}{detail}. To fix: {hint}."


def hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the Hugging Face hub answers on its port: a quick check that spares minutes of retries."""
    import socket
    from urllib.parse import urlparse

    from huggingface_hub import constants

    url = urlparse(constants.ENDPOINT)
    try:
        with socket.create_connection((url.hostname or "", url.port or 443), timeout=timeout):
            return True
    except OSError:
        return False


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


def model_revision(folder: Path) -> str:
    """A model folder's revision: its commit in the Hugging Face cache, else a hash of its files."""
    if folder.parent.name == "snapshots":
        return folder.name
    digest = hashlib.sha256()
    for f in sorted(folder.iterdir()):
        if f.is_file():
            st = f.stat()
            digest.update(f"{f.name}:{st.st_size}:{int(st.st_mtime)}".encode())
    return "local-" + digest.hexdigest()[:16]


def marian_folder_problems(folder: Path) -> list[str]:
    """What a folder lacks to be a loadable Marian model (empty when nothing)."""
    problems = []
    if _read_json(folder / "config.json").get("model_type") != "marian":
        problems.append("config.json of a Marian model")
    if not any((folder / name).is_file() for name in WEIGHT_FILES):
        problems.append("weights (" + " or ".join(WEIGHT_FILES) + ")")
    problems += [name for name in TOKENIZER_FILES if not (folder / name).is_file()]
    return problems


def is_ct2_folder(path: str | Path) -> bool:
    """Whether a path is a CTranslate2 model folder."""
    folder = Path(path).expanduser()
    return (folder / "model.bin").is_file() and (folder / "config.json").is_file()


@dataclass(frozen=True)
class ModelLimits:
    """The decoding settings a Marian model ships with, read from its config files."""

    beams: int
    max_length: int
    forced_eos: bool
    length_penalty: float
    repetition_penalty: float
    no_repeat_ngram_size: int
    max_input_tokens: int


def model_limits(config: dict[str, Any], generation: dict[str, Any], tokenizer_config: dict[str, Any]) -> ModelLimits:
    """A model's decoding settings: its generation config first, then its model config (older models)."""

    def pick(name: str, default: Any) -> Any:
        for source in (generation, config):
            if source.get(name) is not None:
                return source[name]
        return default

    positions = int(config.get("max_position_embeddings") or 512)
    tokenizer_max = int(min(tokenizer_config.get("model_max_length") or 512, 10**9))
    return ModelLimits(beams=int(pick("num_beams", 1)), max_length=int(pick("max_length", 512)),
                       forced_eos=pick("forced_eos_token_id", None) is not None,
                       length_penalty=float(pick("length_penalty", 1.0)),
                       repetition_penalty=float(pick("repetition_penalty", 1.0)),
                       no_repeat_ngram_size=int(pick("no_repeat_ngram_size", 0)),
                       max_input_tokens=min(positions, tokenizer_max))


def ct2_length_limits(limits: ModelLimits, max_new_tokens: int | None, min_new_tokens: int | None) -> tuple[int, int]:
    """CTranslate2's (min, max) decoding lengths that match what transformers' generate does.

    transformers counts the decoder start token in ``max_length``, and a forced end token takes
    the last step; CTranslate2 counts output tokens only.
    """
    steps = max_new_tokens or limits.max_length - 1
    return min_new_tokens or 0, max(1, steps - (1 if limits.forced_eos else 0))


def _split_all(texts: Sequence[str], max_tokens: int,
               count_tokens: Callable[[str], int]) -> tuple[list[str], list[int]]:
    pieces: list[str] = []
    owners: list[int] = []
    for i, text in enumerate(texts):
        for piece in split_for_model(text, max_tokens, count_tokens):
            pieces.append(piece)
            owners.append(i)
    return pieces, owners


def _rejoin(outputs: Sequence[str], owners: Sequence[int], n: int) -> list[str]:
    joined: list[list[str]] = [[] for _ in range(n)]
    for owner, out in zip(owners, outputs, strict=True):
        joined[owner].append(out.strip())
    return [" ".join(p for p in parts if p) for parts in joined]


class _MarianEngine:
    """What both engines share: the Marian tokenizer, splitting of long inputs, deduplication, the cache key."""

    backend = ""
    model_id: str
    max_input_tokens: int
    _tokenizer: Any = None
    _tokenizer_source: str = ""

    @property
    def tokenizer(self) -> Any:
        """The model's Marian tokenizer (loaded on first use)."""
        if self._tokenizer is None:
            from transformers import MarianTokenizer

            try:
                self._tokenizer = MarianTokenizer.from_pretrained(self._tokenizer_source, local_files_only=True)
            except Exception as exc:  # file and format errors all mean "this model is not usable here"
                raise ModelNotFoundError(_missing_model_message(self.model_id, exc)) from exc
        return self._tokenizer

    @property
    def signature(self) -> dict[str, Any]:
        """Model id, revision, backend, decoding settings and versions."""
        raise NotImplementedError

    @property
    def key(self) -> str:
        """The MT cache key of this translator."""
        return translator_key(self.signature)

    def count_tokens(self, text: str) -> int:
        """Source tokens of a text, end-of-sentence included."""
        return len(self.tokenizer(text, verbose=False)["input_ids"])

    def translate(self, texts: list[str]) -> list[str]:
        """Translate sentences, each distinct one once; over-long ones are split and rejoined."""
        unique = list(dict.fromkeys(texts))
        pieces, owners = _split_all(unique, self.max_input_tokens - 2, self.count_tokens)
        outputs = self._translate_pieces(pieces)
        by_text = dict(zip(unique, _rejoin(outputs, owners, len(unique)), strict=True))
        return [by_text[t] for t in texts]

    def _translate_pieces(self, pieces: list[str]) -> list[str]:
        raise NotImplementedError


class MarianTranslator(_MarianEngine):
    """MarianMT through transformers: length-sorted batches under ``torch.inference_mode``."""

    backend = "transformers"

    def __init__(self, model: str | None = None, *, revision: str | None = None, device: str | None = None,
                 beams: int | None = None, batch_size: int | None = None, max_new_tokens: int | None = None,
                 min_new_tokens: int | None = None, quantize: bool | None = None, threads: int | None = None):
        self.model_id = resolve_model(model)
        self.revision = setting_value("revision", revision)
        self.batch_size = int(setting_value("batch_size", batch_size))
        self.quantize = bool(setting_value("quantize", quantize))
        self.threads = thread_count(threads)
        self.max_new_tokens, self.min_new_tokens = max_new_tokens, min_new_tokens
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
            config, generation = self.model.config.to_dict(), self.model.generation_config.to_dict()
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
            model = MarianMTModel.from_pretrained(source, **self._load_kwargs)
        except Exception as exc:  # hub, file and format errors all mean "this model is not usable here"
            raise ModelNotFoundError(_missing_model_message(self.model_id, exc)) from exc
        model.to(self.device).eval()
        return quantize_int8(model) if self.quantize else model

    @property
    def decoding(self) -> dict[str, Any]:
        """The deterministic decoding settings passed to generate."""
        return {"beams": self.beams, "max_new_tokens": self.max_new_tokens or "model",
                "min_new_tokens": self.min_new_tokens or 0, "max_input_tokens": self.max_input_tokens,
                "sample": False, "compute_type": "int8-dynamic" if self.quantize else "float32"}

    @property
    def signature(self) -> dict[str, Any]:
        """Model id, resolved revision, backend, decoding settings and versions."""
        return {"model": self.model_id, "revision": self._revision, "backend": self.backend,
                "decoding": self.decoding, "device": self.device, "threads": self.threads, "version": __version__,
                "transformers": _package_version("transformers"), "torch": _package_version("torch")}

    def generate_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``model.generate``: the model's own settings, overridden where asked."""
        kwargs: dict[str, Any] = {"num_beams": self.beams, "do_sample": False}
        if self.max_new_tokens:
            # max_length, not max_new_tokens: the same limit without a warning about both being set
            kwargs["max_length"] = 1 + self.max_new_tokens
        if self.min_new_tokens:
            kwargs["min_new_tokens"] = self.min_new_tokens
        return kwargs

    def _translate_pieces(self, pieces: list[str]) -> list[str]:
        torch = import_torch()

        if not pieces:
            return []
        tokenizer, model = self.tokenizer, self.model
        lengths = [self.count_tokens(p) for p in pieces]
        # Longest first, so that each padded batch holds inputs of nearly the same length.
        order = sorted(range(len(pieces)), key=lengths.__getitem__, reverse=True)
        results: list[str] = [""] * len(pieces)
        kwargs = self.generate_kwargs()
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                batch = tokenizer([pieces[i] for i in idx], return_tensors="pt", padding=True,
                                  truncation=False).to(self.device)
                generated = model.generate(**batch, **kwargs)
                for i, text in zip(idx, tokenizer.batch_decode(generated, skip_special_tokens=True), strict=True):
                    results[i] = text
        return results


def quantize_int8(model: Any) -> Any:
    """The model with every linear layer in dynamic int8 (weights int8, activations quantised per batch)."""
    torch = import_torch()

    with warnings.catch_warnings():
        # The eager quantisation API is deprecated in favour of torchao, yet it is still the
        # one that needs no extra package and speeds up linear layers on CPUs.
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


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
        self.limits = model_limits({"max_position_embeddings": info.get("max_position_embeddings")},
                                   _read_json(self.folder / "generation_config.json"),
                                   _read_json(self.folder / "tokenizer_config.json"))
        self.beams = int(setting_value("beams", beams) or self.limits.beams or 1)
        self.max_input_tokens = self.limits.max_input_tokens
        self.batch_size = int(setting_value("batch_size", batch_size))
        self.batch_tokens = int(batch_tokens or CT2_BATCH_TOKENS)
        self.max_new_tokens, self.min_new_tokens = max_new_tokens, min_new_tokens
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
        return {"beams": self.beams, "max_new_tokens": self.max_new_tokens or "model",
                "min_new_tokens": self.min_new_tokens or 0, "max_input_tokens": self.max_input_tokens,
                "sample": False, "compute_type": "int8" if self.quantize else self.stored_type}

    @property
    def signature(self) -> dict[str, Any]:
        """Source model id and revision, backend, decoding settings and versions."""
        return {"model": self.source_model, "revision": self._revision, "backend": self.backend,
                "decoding": self.decoding, "device": self.device, "threads": self.threads,
                "folder": str(self.folder), "version": __version__,
                "ctranslate2": _package_version("ctranslate2")}

    def translate_options(self) -> dict[str, Any]:
        """Keyword arguments for ``translate_batch`` that reproduce the transformers engine's decoding."""
        min_length, max_length = ct2_length_limits(self.limits, self.max_new_tokens, self.min_new_tokens)
        return {"max_batch_size": self.batch_tokens, "batch_type": "tokens", "beam_size": self.beams,
                "length_penalty": self.limits.length_penalty, "repetition_penalty": self.limits.repetition_penalty,
                "no_repeat_ngram_size": self.limits.no_repeat_ngram_size, "max_input_length": 0,
                "max_decoding_length": max_length, "min_decoding_length": min_length}

    def source_tokens(self, pieces: Sequence[str]) -> list[list[str]]:
        """The tokens CTranslate2 reads: the Marian tokenizer's pieces, end token included."""
        tokenizer = self.tokenizer
        return [tokenizer.convert_ids_to_tokens(tokenizer(p, verbose=False)["input_ids"]) for p in pieces]

    def _translate_pieces(self, pieces: list[str]) -> list[str]:
        if not pieces:
            return []
        tokenizer = self.tokenizer
        # CTranslate2 sorts by length and packs batches of max_batch_size tokens itself.
        results = self.engine.translate_batch(self.source_tokens(pieces), **self.translate_options())
        return [tokenizer.decode(tokenizer.convert_tokens_to_ids(r.hypotheses[0]), skip_special_tokens=True)
                for r in results]


_CLAUSE_BREAKS = [re.compile(r"(?<=[;:])\s+"), re.compile(r"(?<=,)\s+"), re.compile(r"\s+")]


def split_for_model(text: str, max_tokens: int, count_tokens: Callable[[str], int]) -> list[str]:
    """Split a text that is too long for the model into pieces that fit, at clause breaks first.

    Nothing is dropped: the pieces, joined with single spaces, hold every word of the text.
    """
    if count_tokens(text) <= max_tokens:
        return [text]
    for pattern in _CLAUSE_BREAKS:
        parts = [p for p in pattern.split(text) if p]
        if len(parts) > 1:
            return _pack(parts, max_tokens, count_tokens)
    # One enormous "word": cut it by characters so that each piece fits.
    size = max(1, len(text) // 2)
    return split_for_model(text[:size], max_tokens, count_tokens) + split_for_model(text[size:], max_tokens,
                                                                                    count_tokens)


def _pack(parts: Sequence[str], max_tokens: int, count_tokens: Callable[[str], int]) -> list[str]:
    pieces: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current} {part}" if current else part
        if current and count_tokens(candidate) > max_tokens:
            pieces.append(current)
            current = part
        else:
            current = candidate
    if current:
        pieces.append(current)
    out: list[str] = []
    for piece in pieces:
        out.extend(split_for_model(piece, max_tokens, count_tokens) if count_tokens(piece) > max_tokens else [piece])
    return out


def find_model_folder(model: str) -> Path | None:
    """The local folder that holds a model: the path itself, or its snapshot in the Hugging Face cache."""
    local = Path(model).expanduser()
    if local.is_dir():
        return local
    if _looks_local(model):
        return None
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(model, "config.json")
    return Path(found).parent if isinstance(found, str) else None


def model_reference(model: str) -> str:
    """How a conversion names its source: the hub id, or the absolute path of a local folder."""
    return str(Path(model).expanduser().resolve()) if _looks_local(model) else model


def ct2_folder_name(model: str, quantization: str) -> str:
    """The default folder name of a conversion: readable, and distinct for distinct sources."""
    if _looks_local(model):
        ref = model_reference(model)
        return f"{Path(ref).name}-{hashlib.sha256(ref.encode()).hexdigest()[:8]}-ct2-{quantization}"
    return f"{model.replace('/', '--')}-ct2-{quantization}"


def models_dir(explicit: str | Path | None = None) -> Path:
    """Where converted models are written and looked for (``BILINGUAL_MODELS_DIR``, default ``cache/models``)."""
    return Path(setting_value("models_dir", explicit)).expanduser()


# Fastest first on a CPU; used to choose among several conversions of one model.
_CT2_PREFERENCE = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "float16", "bfloat16", "float32")


def find_ct2_model(model: str, *, revision: str | None = None, directory: str | Path | None = None) -> Path | None:
    """A CTranslate2 model for ``model``: the folder itself, or a conversion of it in the models folder or beside it.

    A conversion made from another revision of the model than the one at hand is ignored.
    """
    local = Path(model).expanduser()
    if is_ct2_folder(local):
        return local
    ref = model_reference(model)
    marian = find_model_folder(model) if not revision else None
    wanted = revision or (model_revision(marian) if marian is not None else None)
    # Dot-folders are conversions still being written.
    candidates = [p for p in sorted(models_dir(directory).glob("*")) if p.is_dir() and not p.name.startswith(".")]
    if local.is_dir():
        candidates += sorted(p for p in local.parent.glob(f"{local.name}-ct2*") if p.is_dir())
    found: list[tuple[int, str, Path]] = []
    for folder in candidates:
        info = _read_json(folder / CONVERSION_INFO)
        if info.get("source_model") != ref or not is_ct2_folder(folder):
            continue
        if wanted is not None and info.get("source_revision") != wanted:
            continue
        quantization = str(info.get("quantization", "float32"))
        rank = _CT2_PREFERENCE.index(quantization) if quantization in _CT2_PREFERENCE else len(_CT2_PREFERENCE)
        found.append((rank, str(folder), folder))
    return min(found)[2] if found else None


def pick_backend(model: str, backend: str | None = None, *, revision: str | None = None,
                 directory: str | Path | None = None) -> tuple[str, Path | None]:
    """The engine for a model, ``("ct2", folder)`` or ``("transformers", None)``.

    ``auto`` takes a CTranslate2 conversion when there is one and CTranslate2 is installed.
    """
    choice = str(setting_value("backend", backend)).lower()
    if choice not in BACKENDS:
        raise ValueError(f"unknown backend {choice!r}: choose one of {', '.join(BACKENDS)}")
    if choice == "transformers":
        return "transformers", None
    have_ct2 = importlib.util.find_spec("ctranslate2") is not None
    folder = find_ct2_model(model, revision=revision, directory=directory)
    if choice == "auto" and not is_ct2_folder(model):
        return ("ct2", folder) if folder is not None and have_ct2 else ("transformers", None)
    # CTranslate2 was asked for, or the model is itself a CTranslate2 folder.
    if not have_ct2:
        raise ModelNotFoundError("the ct2 backend needs CTranslate2: pip install 'bilingual[fast]' "
                                 "(or use --backend transformers with a Marian model)")
    if folder is None:
        raise ModelNotFoundError(
            f"no CTranslate2 conversion of {model!r} found in {models_dir(directory).resolve()} or beside the "
            f"model. To fix: run `bilingual model convert {model}`, or use --backend transformers")
    return "ct2", folder


def describe_model(model: str) -> dict[str, Any]:
    """Where a model is and its shape, read from its config (no weights loaded)."""
    folder = find_model_folder(model)
    info: dict[str, Any] = {"model": model, "found": folder is not None, "folder": str(folder) if folder else None}
    if folder is None:
        info["how to get it"] = _missing_model_message(model, None).split("To fix: ", 1)[1]
        return info
    if is_ct2_folder(folder):
        info["backend"] = "ctranslate2"
        conversion = _read_json(folder / CONVERSION_INFO)
        for key in ("source_model", "source_revision", "quantization", "max_position_embeddings"):
            if key in conversion:
                info[key] = conversion[key]
    config = _read_json(folder / "config.json")
    for key in ("model_type", "d_model", "encoder_layers", "decoder_layers", "encoder_attention_heads",
                "encoder_ffn_dim", "vocab_size", "max_position_embeddings", "activation_function"):
        if key in config:
            info[key] = config[key]
    gen = folder / "generation_config.json"
    if gen.is_file():
        info["num_beams"] = _read_json(gen).get("num_beams")
    if not is_ct2_folder(folder):
        converted = find_ct2_model(model)
        info["ctranslate2"] = str(converted) if converted else f"none (make one: bilingual model convert {model})"
    info["files"] = ", ".join(sorted(f.name for f in folder.iterdir() if f.is_file()))
    return info


def load_translator(model: str | None = None, *, backend: str | None = None, **kwargs: Any) -> Translator:
    """Build the translator for a model id or folder on the chosen engine (raises ModelNotFoundError with a fix).

    ``backend`` is ``auto`` (a CTranslate2 conversion when there is one), ``ct2`` or ``transformers``.
    """
    model_id = resolve_model(model)
    name, folder = pick_backend(model_id, backend, revision=setting_value("revision", kwargs.get("revision")))
    if name == "ct2":
        return Ct2Translator(model_id, folder=folder, **kwargs)
    return MarianTranslator(model_id, **kwargs)


def convert_model(model: str | None = None, *, quantization: str = "int8", out: str | Path | None = None,
                  force: bool = False) -> Path:
    """Convert a Marian model (hub id in the cache, or folder) into a CTranslate2 folder; return the folder."""
    from bilingual.modelbuild import CT2_QUANTIZATIONS, convert_to_ct2

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
            "max_position_embeddings": config.get("max_position_embeddings")}
    return convert_to_ct2(folder, target, quantization=quantization, info=info, force=force)
