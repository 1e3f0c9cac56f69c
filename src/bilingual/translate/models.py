"""Model discovery and hub access: where a Marian model or its CTranslate2 conversion is, and getting one.

Models are resolved from an explicit value, else ``BILINGUAL_MODEL``, else the default hub id.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

from bilingual.settings import DEFAULT_MODEL, setting_value
from bilingual.translate.base import BACKENDS, ModelNotFoundError

# Written into every converted folder: which model it was made from, and how.
CONVERSION_INFO = "bilingual.json"
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json")


def resolve_model(explicit: str | None = None) -> str:
    """The model to use: an explicit value, else ``BILINGUAL_MODEL``, else the default hub id."""
    return str(setting_value("model", explicit) or DEFAULT_MODEL)


def hub_offline() -> bool:
    """True when ``HF_HUB_OFFLINE`` asks for no network access."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


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


def download_model(model_id: str, revision: str | None = None) -> Path:
    """Download a Marian model into the Hugging Face cache (needs internet); return its snapshot folder.

    Raises RuntimeError with a one-line reason when offline, when the hub is unreachable, or when
    the download fails.
    """
    from huggingface_hub import list_repo_files, snapshot_download

    if hub_offline():
        raise RuntimeError(f"HF_HUB_OFFLINE is set: unset it to download {model_id}")
    if not hub_reachable():
        raise RuntimeError(f"the Hugging Face hub is unreachable from here: download {model_id} on a machine "
                           "with internet and copy its folder over (then --model PATH)")
    try:
        files = list_repo_files(model_id, revision=revision)
        # Older Marian repos ship only pytorch_model.bin; take safetensors when both are there.
        weights = "*.safetensors" if any(f.endswith(".safetensors") for f in files) else "pytorch_model.bin"
        path = snapshot_download(model_id, revision=revision,
                                 allow_patterns=["*.json", "*.spm", weights, "*.txt", "*.model"])
    except Exception as exc:  # the hub client raises many kinds of network errors
        raise RuntimeError(
            f"could not download {model_id}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}. "
            "Check the network, or download it on another machine and pass --model PATH"
        ) from exc
    return Path(path)
