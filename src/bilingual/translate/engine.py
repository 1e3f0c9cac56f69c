"""What both Marian engines share: thread counts, decoding limits, splitting of over-long inputs, the tokenizer."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any, NamedTuple

from bilingual.settings import setting_value
from bilingual.translate.base import ModelNotFoundError, translator_key
from bilingual.translate.models import _missing_model_message

log = logging.getLogger("bilingual.translate")


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
    """The decoding settings a Marian model ships with, read from its config files.

    ``max_length`` (decoder start token included, as transformers counts it) and ``max_new_tokens``
    are None when the model declares none; :func:`output_limit` then applies bilingual's default.
    """

    beams: int
    max_length: int | None
    forced_eos: bool
    length_penalty: float
    repetition_penalty: float
    no_repeat_ngram_size: int
    max_input_tokens: int
    max_new_tokens: int | None = None
    max_positions: int = 512


def model_limits(config: dict[str, Any], generation: dict[str, Any], tokenizer_config: dict[str, Any]) -> ModelLimits:
    """A model's decoding settings: its generation config first, then its model config (older models)."""

    def pick(name: str, default: Any) -> Any:
        for source in (generation, config):
            if source.get(name) is not None:
                return source[name]
        return default

    def optional(name: str) -> int | None:
        value = pick(name, None)
        return int(value) if value else None

    positions = int(config.get("max_position_embeddings") or 512)
    tokenizer_max = int(min(tokenizer_config.get("model_max_length") or 512, 10**9))
    return ModelLimits(beams=int(pick("num_beams", 1)), max_length=optional("max_length"),
                       forced_eos=pick("forced_eos_token_id", None) is not None,
                       length_penalty=float(pick("length_penalty", 1.0)),
                       repetition_penalty=float(pick("repetition_penalty", 1.0)),
                       no_repeat_ngram_size=int(pick("no_repeat_ngram_size", 0)),
                       max_input_tokens=min(positions, tokenizer_max), max_new_tokens=optional("max_new_tokens"),
                       max_positions=positions)


# Without a limit from the model, an output may run to twice its input plus a few tokens (Danish to
# English stays near one to one; a translation twice as long has gone wrong), rounded up to a multiple
# of LIMIT_STEP so that sentences of about the same length share a limit and so a batch.
DEFAULT_OUTPUT_RATIO, DEFAULT_OUTPUT_EXTRA, LIMIT_STEP = 2, 10, 16
# Written into the decoding settings (and so the cache key) when the model decides the output limit.
OUTPUT_LIMIT_RULE = "model, else 2x input + 10; split and retried when reached"


def output_limit(limits: ModelLimits, input_tokens: int, max_new_tokens: int | None = None) -> int:
    """Tokens the decoder may generate for an input (end token included, start token not): both engines use it.

    An explicit ``max_new_tokens`` first, else the generation config's ``max_new_tokens``, else its
    ``max_length`` less the start token, else ``2 × input_tokens + 10`` rounded up to a multiple of 16;
    never more than the model's positions less the start token, and never under 2.
    """
    if max_new_tokens or limits.max_new_tokens:
        wanted = int(max_new_tokens or limits.max_new_tokens or 0)
    elif limits.max_length:
        wanted = limits.max_length - 1
    else:
        wanted = -(-(DEFAULT_OUTPUT_RATIO * input_tokens + DEFAULT_OUTPUT_EXTRA) // LIMIT_STEP) * LIMIT_STEP
    return max(2, min(wanted, limits.max_positions - 1))


def describe_output_limit(limits: ModelLimits) -> str:
    """The output limit in words, for people: ``up to 511 tokens`` or the default rule and its ceiling."""
    if limits.max_new_tokens or limits.max_length:
        return f"up to {output_limit(limits, 0)} tokens"
    return (f"up to {DEFAULT_OUTPUT_RATIO}x the input tokens + {DEFAULT_OUTPUT_EXTRA} (bilingual's default: the "
            f"model sets no max_length), at most {limits.max_positions - 1}")


def ct2_length_limits(limits: ModelLimits, max_new_tokens: int | None, min_new_tokens: int | None,
                      input_tokens: int = 0) -> tuple[int, int]:
    """CTranslate2's (min, max) decoding lengths that match what transformers' generate does.

    Both come from :func:`output_limit`. transformers counts the decoder start token in
    ``max_length``, and a forced end token takes the last step; CTranslate2 counts output tokens only.
    """
    steps = output_limit(limits, input_tokens, max_new_tokens)
    return min_new_tokens or 0, max(1, steps - (1 if limits.forced_eos else 0))


def reached_limit(text_tokens: int, limit: int) -> bool:
    """Whether an output of ``text_tokens`` (end token not counted) stopped at ``limit`` rather than ending.

    It did when the decoder chose no end token before its last step: with a forced end token the
    text fills all but that step, without one it fills the last step or the one before.
    """
    return text_tokens >= limit - 1


class Decoded(NamedTuple):
    """One output of an engine: its text and whether it stopped at the output limit instead of ending."""

    text: str
    reached_limit: bool


@dataclass(frozen=True)
class CutShort:
    """A source text whose translation reached the output limit even after a retry in pieces."""

    text: str
    output: str
    limit: int


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
    limits: ModelLimits
    max_new_tokens: int | None
    # Sources whose translations reached the output limit even in parts (see _translate_pieces).
    cut_short: list[CutShort]
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
        """Translate pieces that fit the model; a translation that reaches the output limit is retried in parts.

        A translation that stopped at the limit (:func:`reached_limit`) is never returned as if it
        were complete. When the limit is the model's (no explicit ``max_new_tokens``), its source is
        split in parts of at most half its tokens, at clause breaks first, never inside a word, and
        the parts' translations, each under its own limit, joined, take its place (once: no parts of parts).
        A part that still reaches its limit, or a one-word source, keeps its output, because a text
        the model does not end (a repetition loop, or random weights) must not stop a whole
        document: it is added to ``cut_short`` and a warning naming it is logged
        (``bilingual.translate``), so that someone looks at it. An explicit ``max_new_tokens`` is a
        length the caller chose: translations that reach it are returned as they are.
        """
        decoded, limits = self._decode(pieces)
        texts = [d.text for d in decoded]
        if self.max_new_tokens:
            return texts
        retry = {i: self._retry_parts(pieces[i]) for i, d in enumerate(decoded) if d.reached_limit}
        flat = [part for parts in retry.values() if len(parts) > 1 for part in parts]
        redone, part_limits = self._decode(flat)
        position, cut = 0, []
        for i, parts in retry.items():
            if len(parts) == 1:
                cut.append(CutShort(pieces[i], texts[i], limits[i]))
                continue
            done = redone[position : position + len(parts)]
            cut.extend(CutShort(part, d.text, limit) for part, d, limit in
                       zip(parts, done, part_limits[position : position + len(parts)], strict=True) if d.reached_limit)
            texts[i] = " ".join(d.text.strip() for d in done if d.text.strip())
            position += len(parts)
        if cut:
            self.cut_short.extend(cut)
            log.warning("%d translations stopped at the model's output limit even after a retry in parts and may be "
                        "incomplete, e.g. the one of %r (%d tokens): review them", len(cut), cut[0].text[:80],
                        cut[0].limit)
        return texts

    def _decode(self, pieces: list[str]) -> tuple[list[Decoded], list[int]]:
        """Each piece decoded under its own output limit, pieces that share a limit together."""
        limits = [output_limit(self.limits, self.count_tokens(p), self.max_new_tokens) for p in pieces]
        decoded: dict[int, Decoded] = {}
        for limit in sorted(set(limits)):
            idx = [i for i, n in enumerate(limits) if n == limit]
            decoded.update(zip(idx, self._generate([pieces[i] for i in idx], limit), strict=True))
        return [decoded[i] for i in range(len(pieces))], limits

    def _retry_parts(self, text: str) -> list[str]:
        """A text whose translation reached the limit, in parts that may fit: ``[text]`` when it has one word."""
        words = text.split()
        if len(words) < 2:
            return [text]
        # Halves, not parts sized to the limit: a sentence cut in fragments of a few words is translated
        # far worse, and what still does not fit is reported. Never below the longest word, so words stay whole.
        size = max(self.count_tokens(text) // 2, *(self.count_tokens(w) for w in words))
        return split_for_model(text, size, self.count_tokens)

    def _generate(self, pieces: list[str], limit: int) -> list[Decoded]:
        """Decode pieces with at most ``limit`` new tokens each."""
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
