"""Machine translation: the Translator protocol and two engines for Marian models.

``MarianTranslator`` (``marian``) runs a Marian model through transformers; ``Ct2Translator``
(``ct2``) runs its CTranslate2 conversion (``bilingual model convert``), which is several times
faster on a CPU. ``load_translator`` picks the engine. Models are resolved from an explicit value,
else ``BILINGUAL_MODEL``, else the default hub id (``models``). Weights are loaded on the first
translation, so a run that finds every sentence in the cache never loads them.
"""

from __future__ import annotations

from typing import Any

from bilingual.settings import setting_value
from bilingual.translate.base import (
    BACKENDS,
    OUTPUT_FIELDS,
    ModelNotFoundError,
    Translator,
    translator_key,
)
from bilingual.translate.ct2 import (
    CT2_BATCH_TOKENS,
    CT2_COPIED_FILES,
    CT2_QUANTIZATIONS,
    Ct2Translator,
    convert_model,
    convert_to_ct2,
)
from bilingual.translate.engine import (
    CutShort,
    ModelLimits,
    available_cores,
    ct2_length_limits,
    describe_output_limit,
    model_limits,
    output_limit,
    split_for_model,
    thread_count,
)
from bilingual.translate.marian import MarianTranslator, import_torch, pick_device, quantize_int8
from bilingual.translate.models import (
    CONVERSION_INFO,
    TOKENIZER_FILES,
    WEIGHT_FILES,
    ct2_folder_name,
    describe_model,
    download_model,
    find_ct2_model,
    find_model_folder,
    hub_offline,
    hub_reachable,
    is_ct2_folder,
    marian_folder_problems,
    model_reference,
    model_revision,
    models_dir,
    pick_backend,
    resolve_model,
)

__all__ = [
    "BACKENDS", "CONVERSION_INFO", "CT2_BATCH_TOKENS", "CT2_COPIED_FILES", "CT2_QUANTIZATIONS", "OUTPUT_FIELDS",
    "TOKENIZER_FILES", "WEIGHT_FILES", "Ct2Translator", "CutShort", "MarianTranslator", "ModelLimits",
    "ModelNotFoundError", "Translator", "available_cores", "convert_model", "convert_to_ct2", "ct2_folder_name",
    "ct2_length_limits", "describe_model", "describe_output_limit", "download_model", "find_ct2_model",
    "find_model_folder", "hub_offline", "hub_reachable", "import_torch", "is_ct2_folder", "load_translator",
    "marian_folder_problems", "model_limits", "model_reference", "model_revision", "models_dir", "output_limit",
    "pick_backend", "pick_device", "quantize_int8", "resolve_model", "split_for_model", "thread_count",
    "translator_key",
]


def load_translator(model: str | None = None, *, backend: str | None = None, **kwargs: Any) -> Translator:
    """Build the translator for a model id or folder on the chosen engine (raises ModelNotFoundError with a fix).

    ``backend`` is ``auto`` (a CTranslate2 conversion when there is one), ``ct2`` or ``transformers``.
    """
    model_id = resolve_model(model)
    name, folder = pick_backend(model_id, backend, revision=setting_value("revision", kwargs.get("revision")))
    if name == "ct2":
        return Ct2Translator(model_id, folder=folder, **kwargs)
    return MarianTranslator(model_id, **kwargs)
