"""Output length limits: one limit for both engines, whatever the model's config says, and no silent cut.

The tiny model has random weights, which almost never choose the end token: its outputs run to the
limit, which makes a translation cut short easy to produce.
"""

import json
import logging
import math
import shutil
import warnings

import pytest
from conftest import SEEDS
from support.modelbuild import TINY_SHAPE, build_random_marian

from bilingual.translate import (
    Ct2Translator,
    CutShort,
    MarianTranslator,
    ModelLimits,
    convert_model,
    ct2_length_limits,
    describe_output_limit,
    output_limit,
)
from bilingual.translate.engine import OUTPUT_LIMIT_RULE, Decoded, _MarianEngine

LONG = "Det seneste møde blev holdt i Paris i oktober, og ministrene drøftede nye skridt."  # 51 tokens
SHORT = "Det er irakerne selv."  # 13 tokens


def seed_texts():
    return [p.read_text(encoding="utf-8") for p in SEEDS]


@pytest.fixture(scope="module")
def open_model(tmp_path_factory):
    """The tiny model built without a max_length in any of its config files."""
    folder = build_random_marian(tmp_path_factory.mktemp("open"), seed_texts(), shape={**TINY_SHAPE,
                                                                                        "max_length": None})
    for name in ("config.json", "generation_config.json"):
        assert "max_length" not in json.loads((folder / name).read_text())
    return folder


@pytest.fixture(scope="module")
def open_ct2(open_model, tmp_path_factory):
    return convert_model(str(open_model), quantization="float32", out=tmp_path_factory.mktemp("open-ct2") / "m")


@pytest.fixture(scope="module")
def tiny_ct2(tiny_model, tmp_path_factory):
    return convert_model(str(tiny_model), quantization="float32", out=tmp_path_factory.mktemp("tiny-ct2") / "m")


@pytest.fixture(scope="module")
def ending_model(tmp_path_factory):
    """The tiny model with a bias towards the end token: some outputs end early, others reach the limit."""
    folder = build_random_marian(tmp_path_factory.mktemp("ending"), seed_texts(), eos_bias=4.0)
    return folder, convert_model(str(folder), quantization="float32", out=tmp_path_factory.mktemp("ending-ct2") / "m")


def engines(model, ct2_folder, **kwargs):
    return [MarianTranslator(str(model), **kwargs), Ct2Translator(str(model), folder=ct2_folder, **kwargs)]


def record_generate(translator, monkeypatch):
    """Every (pieces, limit, outputs) the translator decodes from now on."""
    calls = []
    real = translator._generate

    def spy(pieces, limit):
        out = real(pieces, limit)
        calls.append((list(pieces), limit, out))
        return out

    monkeypatch.setattr(translator, "_generate", spy)
    return calls


def record_generated_lengths(translator, monkeypatch):
    """The length of every sequence transformers' generate returns from now on (the start token included)."""
    lengths = []
    real = translator.model.generate

    def spy(*args, **kwargs):
        out = real(*args, **kwargs)
        lengths.extend([out.shape[1]] * out.shape[0])
        return out

    monkeypatch.setattr(translator.model, "generate", spy)
    return lengths


def test_without_max_length_the_transformers_engine_does_not_stop_at_twenty_tokens(open_model, open_ct2,
                                                                                   monkeypatch):
    plain = MarianTranslator(str(open_model))
    lengths = record_generated_lengths(plain, monkeypatch)
    [slow_out] = plain.translate([SHORT])
    # transformers' own default stopped it at 20 new tokens (21 with the start token), while CTranslate2
    # allowed 511, past the model's 64 positions
    assert lengths[0] - 1 > 20
    assert Ct2Translator(str(open_model), folder=open_ct2).translate([SHORT]) == [slow_out]


def test_a_model_without_max_length_has_one_output_limit_on_both_engines(open_model, open_ct2):
    plain, fast = engines(open_model, open_ct2)
    assert plain.limits == fast.limits and plain.limits.max_length is None
    n = plain.count_tokens(SHORT)
    limit = output_limit(plain.limits, n)
    assert limit == math.ceil((2 * n + 10) / 16) * 16 and limit > 20
    assert output_limit(plain.limits, 60) == 63  # never past the model's 64 positions less the start token
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        generated = plain.model.generate(**plain.tokenizer([SHORT], return_tensors="pt"),
                                         **plain.generate_kwargs(limit))
    assert not [w for w in caught if "length" in str(w.message)]  # no fallback on transformers' default
    assert generated.shape[1] == 1 + limit  # the start token, then the limit: random weights never end early
    [result] = fast.engine.translate_batch(fast.source_tokens([SHORT]), **fast.translate_options(limit))
    assert len(result.hypotheses[0]) == limit - 1  # the same text; transformers' last token is the forced end
    assert fast.tokenizer.convert_tokens_to_ids(result.hypotheses[0]) == generated[0, 1:-1].tolist()
    assert ct2_length_limits(fast.limits, None, None, input_tokens=n) == (0, limit - 1)
    assert "2x the input tokens" in describe_output_limit(plain.limits)


def test_a_limit_in_an_older_models_config_json_reaches_the_converted_engine_too(open_model, tmp_path):
    old = shutil.copytree(open_model, tmp_path / "old")
    config = json.loads((old / "config.json").read_text())
    (old / "config.json").write_text(json.dumps({**config, "max_length": 40}))
    plain, fast = engines(old, convert_model(str(old), quantization="float32", out=tmp_path / "old-ct2"))
    assert plain.limits == fast.limits and plain.limits.max_length == 40
    assert output_limit(fast.limits, 5) == 39 and describe_output_limit(fast.limits) == "up to 39 tokens"
    assert fast.translate([SHORT]) == plain.translate([SHORT])


def test_a_translation_cut_short_is_retried_in_parts_and_what_stays_cut_is_reported(tiny_model, tiny_ct2, caplog):
    results = []
    one_limit = engines(tiny_model, tiny_ct2, max_new_tokens=23)  # one decoding to the model's limit, as before
    for translator, single in zip(engines(tiny_model, tiny_ct2), one_limit, strict=True):
        with caplog.at_level(logging.WARNING, logger="bilingual.translate"):
            caplog.clear()
            [out] = translator.translate([LONG])
        # more than one limit's worth of English: the parts were translated, not the first 23 tokens kept
        assert len(out) > len(single.translate([LONG])[0])
        [record] = caplog.records
        assert "stopped at the model's output limit" in record.getMessage() and "review" in record.getMessage()
        assert translator.cut_short and record.getMessage().count(translator.cut_short[0].text[:40]) == 1
        results.append((out, translator.cut_short))
    assert results[0] == results[1]  # both engines retry the same parts and report the same ones


@pytest.mark.parametrize("engine", [0, 1])
def test_the_retry_splits_between_words_into_parts_that_may_fit(tiny_model, tiny_ct2, monkeypatch, engine):
    translator = engines(tiny_model, tiny_ct2)[engine]
    calls = record_generate(translator, monkeypatch)
    [out] = translator.translate([LONG])
    (first, limit, [decoded]), (parts, part_limit, redone) = calls
    assert (first, limit, decoded.reached_limit) == ([LONG], 23, True)
    assert len(parts) > 1 and " ".join(parts).split() == LONG.split()  # every word, none cut in two
    assert part_limit == 23
    assert all(translator.count_tokens(p) <= translator.count_tokens(LONG) // 2 for p in parts)  # halves at most
    assert out == " ".join(d.text.strip() for d in redone)
    # random weights reach the limit in every part too: each one is reported, none is dropped
    assert translator.cut_short == [CutShort(p, d.text, 23) for p, d in zip(parts, redone, strict=True)]


def test_translations_that_end_are_kept_and_only_those_cut_short_are_retried(ending_model, monkeypatch):
    model, ct2_folder = ending_model
    texts = [LONG, SHORT, "Baggrund", "Vi drøftede derfor skridt.", "Det er irakerne selv."]
    seen = []
    for translator in engines(model, ct2_folder):
        calls = record_generate(translator, monkeypatch)
        outputs = translator.translate(texts)
        first = {p: d for pieces, _, out in calls[:1] for p, d in zip(pieces, out, strict=True)}
        ended = [t for t in texts if not first[t].reached_limit]
        cut = [t for t in texts if first[t].reached_limit]
        assert ended and cut  # the bias gives both kinds
        for text in ended:
            assert outputs[texts.index(text)] == first[text].text
        retried = [p for pieces, _, _ in calls[1:] for p in pieces]
        assert " ".join(retried).split() == " ".join(t for t in cut if len(t.split()) > 1).split()
        seen.append((outputs, translator.cut_short))
    assert seen[0] == seen[1]


def test_a_one_word_source_cut_short_is_reported_not_split(tiny_translator, monkeypatch, caplog):
    calls = record_generate(tiny_translator, monkeypatch)
    before = len(tiny_translator.cut_short)
    with caplog.at_level(logging.WARNING, logger="bilingual.translate"):
        [out] = tiny_translator.translate(["Baggrund"])
    assert len(calls) == 1 and calls[0][2][0].reached_limit
    assert tiny_translator.cut_short[before:] == [CutShort("Baggrund", out, 23)]
    assert "'Baggrund'" in caplog.text


def test_an_explicit_max_new_tokens_is_what_the_caller_asked_for(tiny_model, tiny_ct2, monkeypatch, caplog):
    for translator in engines(tiny_model, tiny_ct2, max_new_tokens=6):
        calls = record_generate(translator, monkeypatch)
        with caplog.at_level(logging.WARNING, logger="bilingual.translate"):
            translator.translate([LONG])
        assert [(pieces, limit) for pieces, limit, _ in calls] == [([LONG], 6)]
        assert translator.cut_short == [] and not caplog.records
        assert translator.signature["decoding"]["max_new_tokens"] == 6


def test_the_cache_key_names_the_limit_rule(tiny_model, tiny_ct2):
    plain, fast = engines(tiny_model, tiny_ct2)
    assert plain.signature["decoding"]["max_new_tokens"] == fast.signature["decoding"]["max_new_tokens"]
    assert plain.signature["decoding"]["max_new_tokens"] == OUTPUT_LIMIT_RULE


class WordEngine(_MarianEngine):
    """An engine whose 'model' upper-cases its input and ends only inputs of up to four words."""

    backend = "words"

    def __init__(self):
        self.model_id, self.max_input_tokens, self.max_new_tokens = "words", 64, None
        self.limits = ModelLimits(1, 32, True, 1.0, 1.0, 0, 64)
        self.cut_short = []

    def count_tokens(self, text):
        return len(text.split()) + 1

    def _generate(self, pieces, limit):
        return [Decoded(p.upper(), len(p.split()) > 4) for p in pieces]


def test_a_retry_whose_parts_end_gives_the_whole_translation_and_no_report(caplog):
    engine = WordEngine()
    text = "one two three four five six seven eight nine ten"
    with caplog.at_level(logging.WARNING, logger="bilingual.translate"):
        assert engine.translate([text]) == [text.upper()]
    assert engine.cut_short == [] and not caplog.records
