"""What both Marian engines share: thread counts, decoding limits, splitting of over-long inputs, the tokenizer."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from bilingual.settings import setting_value
from bilingual.translate.base import ModelNotFoundError, translator_key
from bilingual.translate.models import _missing_model_message


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
