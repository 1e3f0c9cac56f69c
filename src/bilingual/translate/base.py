"""The Translator protocol, its error and its signatures: what every engine and caller share.

A leaf module, so that the engines and the model lookup can use these names without importing
the package that re-exports them.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Protocol, runtime_checkable

# Signature fields that change the output; the MT cache is keyed by these alone.
OUTPUT_FIELDS = ("model", "revision", "backend", "decoding")
BACKENDS = ("auto", "ct2", "transformers")


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
