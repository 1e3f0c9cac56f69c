"""Machine translation: the Translator protocol and the MarianMT backend on transformers.

Models are resolved from an explicit value, else ``BILINGUAL_MODEL``, else the default
hub id; nothing is loaded until a translator is built.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from bilingual import __version__
from bilingual.settings import DEFAULT_MODEL, setting_value

# Signature fields that change the output; the MT cache is keyed by these alone.
OUTPUT_FIELDS = ("model", "revision", "backend", "decoding")


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


def _missing_model_message(model: str, error: BaseException | None) -> str:
    if Path(model).expanduser().exists() or model.startswith((".", "/", "~")):
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


def pick_device(requested: str | None = None) -> str:
    """``cuda`` when a GPU is available (unless told otherwise), else ``cpu``."""
    requested = setting_value("device", requested)
    if requested and requested != "auto":
        return requested
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class MarianTranslator:
    """MarianMT through transformers: sorted, padded batches under ``torch.inference_mode``."""

    def __init__(self, model: str | None = None, *, revision: str | None = None, device: str | None = None,
                 beams: int | None = None, batch_size: int | None = None, max_new_tokens: int | None = None):
        self.model_id = resolve_model(model)
        self.revision = setting_value("revision", revision)
        self.batch_size = int(setting_value("batch_size", batch_size))
        try:
            import torch
            from transformers import MarianMTModel, MarianTokenizer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # our own progress bar is the one that matters
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise ModelNotFoundError(f"transformers/torch are not installed: {exc}") from exc
        self._torch = torch
        local = Path(self.model_id).expanduser()
        if not local.is_dir() and (self.model_id.startswith((".", "/", "~")) or local.exists()):
            raise ModelNotFoundError(_missing_model_message(self.model_id, None))
        cached = find_model_folder(self.model_id) if not self.revision or local.is_dir() else None
        if cached is not None:
            source, kwargs = str(cached), {"local_files_only": True}
        elif local.is_dir() or hub_offline():
            raise ModelNotFoundError(_missing_model_message(self.model_id, None))
        elif not hub_reachable():
            raise ModelNotFoundError(_missing_model_message(self.model_id, ConnectionError("the hub is unreachable")))
        else:
            source, kwargs = self.model_id, {"revision": self.revision} if self.revision else {}
        try:
            self.tokenizer = MarianTokenizer.from_pretrained(source, **kwargs)
            self.model = MarianMTModel.from_pretrained(source, **kwargs)
        except Exception as exc:  # hub, file and format errors all mean "this model is not usable here"
            raise ModelNotFoundError(_missing_model_message(self.model_id, exc)) from exc
        self.device = pick_device(device)
        self.model.to(self.device).eval()
        gen = self.model.generation_config
        self.beams = int(setting_value("beams", beams) or gen.num_beams or 1)
        self.max_input_tokens = min(
            int(getattr(self.model.config, "max_position_embeddings", 512) or 512),
            int(self.tokenizer.model_max_length or 512),
        )
        self.max_new_tokens = max_new_tokens
        self._revision = self._find_revision(local)

    def _find_revision(self, local: Path) -> str:
        commit = getattr(self.model.config, "_commit_hash", None)
        if commit:
            return commit
        if local.is_dir():
            digest = hashlib.sha256()
            for f in sorted(local.iterdir()):
                if f.is_file():
                    st = f.stat()
                    digest.update(f"{f.name}:{st.st_size}:{int(st.st_mtime)}".encode())
            return "local-" + digest.hexdigest()[:16]
        return self.revision or "unknown"

    @property
    def decoding(self) -> dict[str, Any]:
        """The deterministic decoding settings passed to generate."""
        return {"beams": self.beams, "max_new_tokens": self.max_new_tokens or "model",
                "max_input_tokens": self.max_input_tokens, "sample": False}

    @property
    def signature(self) -> dict[str, Any]:
        """Model id, resolved revision, backend, decoding settings and versions."""
        import transformers

        return {"model": self.model_id, "revision": self._revision, "backend": "transformers",
                "decoding": self.decoding, "device": self.device, "version": __version__,
                "transformers": transformers.__version__, "torch": self._torch.__version__}

    @property
    def key(self) -> str:
        """The MT cache key of this translator."""
        return translator_key(self.signature)

    def count_tokens(self, text: str) -> int:
        """Source tokens of a text, end-of-sentence included."""
        return len(self.tokenizer(text, verbose=False)["input_ids"])

    def translate(self, texts: list[str]) -> list[str]:
        """Translate sentences in length-sorted batches; over-long ones are split and rejoined."""
        pieces: list[str] = []
        owners: list[int] = []
        for i, text in enumerate(texts):
            for piece in split_for_model(text, self.max_input_tokens - 2, self.count_tokens):
                pieces.append(piece)
                owners.append(i)
        outputs = self._translate_pieces(pieces)
        joined: list[list[str]] = [[] for _ in texts]
        for owner, out in zip(owners, outputs, strict=True):
            joined[owner].append(out.strip())
        return [" ".join(p for p in parts if p) for parts in joined]

    def _translate_pieces(self, pieces: list[str]) -> list[str]:
        order = sorted(range(len(pieces)), key=lambda i: len(pieces[i]), reverse=True)
        results: list[str] = [""] * len(pieces)
        gen_kwargs: dict[str, Any] = {"num_beams": self.beams, "do_sample": False}
        if self.max_new_tokens:
            gen_kwargs["max_new_tokens"] = self.max_new_tokens
        with self._torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                batch = self.tokenizer([pieces[i] for i in idx], return_tensors="pt", padding=True,
                                       truncation=False).to(self.device)
                generated = self.model.generate(**batch, **gen_kwargs)
                for i, text in zip(idx, self.tokenizer.batch_decode(generated, skip_special_tokens=True), strict=True):
                    results[i] = text
        return results


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
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(model, "config.json")
    return Path(found).parent if isinstance(found, str) else None


def describe_model(model: str) -> dict[str, Any]:
    """Where a model is and its shape, read from its config (no weights loaded)."""
    folder = find_model_folder(model)
    info: dict[str, Any] = {"model": model, "found": folder is not None, "folder": str(folder) if folder else None}
    if folder is None:
        info["how to get it"] = _missing_model_message(model, None).split("To fix: ", 1)[1]
        return info
    config = json.loads((folder / "config.json").read_text())
    for key in ("model_type", "d_model", "encoder_layers", "decoder_layers", "encoder_attention_heads",
                "encoder_ffn_dim", "vocab_size", "max_position_embeddings", "activation_function"):
        if key in config:
            info[key] = config[key]
    gen = folder / "generation_config.json"
    if gen.is_file():
        info["num_beams"] = json.loads(gen.read_text()).get("num_beams")
    info["files"] = ", ".join(sorted(f.name for f in folder.iterdir() if f.is_file()))
    return info


def load_translator(model: str | None = None, **kwargs: Any) -> Translator:
    """Build the translator for a model id or folder (raises ModelNotFoundError with a fix)."""
    return MarianTranslator(model, **kwargs)
