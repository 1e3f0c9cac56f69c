"""The CTranslate2 engine: conversion, same outputs as transformers, backend choice, cache keys."""

import json
import os
import shutil

import pytest
from click.testing import CliRunner
from conftest import DANISH_SEED, SEEDS

from bilingual.cli import main
from bilingual.documents import load_document
from bilingual.segment import segment_document
from bilingual.translate import (
    Ct2Translator,
    MarianTranslator,
    ModelLimits,
    ModelNotFoundError,
    available_cores,
    convert_model,
    ct2_length_limits,
    load_translator,
    model_limits,
    output_limit,
    pick_backend,
    thread_count,
    translator_key,
)


@pytest.fixture(scope="module")
def sentences():
    """Every sentence of the seeds, 143 of them, Danish and English alike."""
    return [s.text for p in SEEDS for s in segment_document(load_document(p))]


@pytest.fixture(scope="module")
def ct2_models(tiny_model, tmp_path_factory):
    """The tiny model converted to float32 and to int8."""
    out = tmp_path_factory.mktemp("ct2")
    return {q: convert_model(str(tiny_model), quantization=q, out=out / q) for q in ("float32", "int8")}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_a_converted_folder_carries_its_tokenizer_and_works_on_its_own(tiny_model, tmp_path, sentences):
    marian = shutil.copytree(tiny_model, tmp_path / "marian")
    result = run("model", "convert", marian, "--quantization", "float32", "--out", tmp_path / "ct2")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "ct2"
    assert str(folder) in result.output
    for name in ("model.bin", "source.spm", "target.spm", "vocab.json", "generation_config.json", "bilingual.json"):
        assert (folder / name).is_file(), name
    info = json.loads((folder / "bilingual.json").read_text())
    assert info["source_model"] == str(marian.resolve()) and info["quantization"] == "float32"
    expected = MarianTranslator(str(marian)).translate(sentences[:20])
    shutil.rmtree(marian)  # the conversion must not need its source any more
    translator = load_translator(str(folder))
    assert isinstance(translator, Ct2Translator)
    assert translator.translate(sentences[:20]) == expected
    sig = translator.signature
    assert (sig["model"], sig["backend"], sig["decoding"]["compute_type"]) == (str(marian.resolve()), "ctranslate2",
                                                                               "float32")
    shown = run("model", "info", folder)
    assert shown.exit_code == 0 and "ctranslate2" in shown.output and "source_model" in shown.output
    again = run("model", "convert", tmp_path / "gone", "--out", tmp_path / "x")
    assert again.exit_code == 1 and "gone" in again.output


# Only float32 is compared for equality. With int8 weights the tiny model's outputs agree on about 29%
# of these sentences (21-29% at init std 0.5 or 2.0, greedy or 4 beams): every step of a random model is
# a choice among near-equal scores that int8 rounding can swap, and a 24-token output needs every step
# to agree. The init that makes int8 agree (std 0.1: 100% greedy) gives 5 distinct outputs among 143, an
# agreement that shows nothing. int8 is checked for what it promises: the same weights and key however made.
@pytest.mark.parametrize("beams", [1, 4])
def test_ct2_float32_gives_exactly_the_transformers_translations(tiny_model, ct2_models, sentences, beams):
    plain = MarianTranslator(str(tiny_model), beams=beams, batch_size=4).translate(sentences)
    fast = Ct2Translator(str(tiny_model), folder=ct2_models["float32"], beams=beams).translate(sentences)
    assert len(set(plain)) > 20  # the outputs depend on the inputs, so equality means something
    assert fast == plain


def test_forced_output_lengths_are_the_same_on_both_engines(tiny_model, ct2_models, sentences):
    lengths = {"min_new_tokens": 5, "max_new_tokens": 6}
    plain = MarianTranslator(str(tiny_model), **lengths)
    fast = Ct2Translator(str(tiny_model), folder=ct2_models["float32"], **lengths)
    assert fast.translate(sentences[:30]) == plain.translate(sentences[:30])
    options = fast.translate_options()
    # 6 new tokens with a forced end token leave 5 of text; transformers' max_length counts the start token
    assert (options["min_decoding_length"], options["max_decoding_length"]) == (5, 5)
    assert plain.generate_kwargs()["max_length"] == 7
    results = fast.engine.translate_batch(fast.source_tokens(["Baggrund", "Det er godt."]), **options)
    assert [len(r.hypotheses[0]) for r in results] == [5, 5]


def test_length_limits_follow_the_generation_config():
    limits = model_limits({"max_position_embeddings": 512}, {"num_beams": 4, "max_length": 512,
                                                             "forced_eos_token_id": 0}, {"model_max_length": 512})
    assert (limits.beams, limits.max_input_tokens, limits.forced_eos) == (4, 512, True)
    assert ct2_length_limits(limits, None, None) == (0, 510)
    assert ct2_length_limits(limits, 40, 38) == (38, 39)
    free = ModelLimits(1, 24, False, 1.0, 1.0, 0, 64)
    assert ct2_length_limits(free, None, None) == (0, 23)
    old_style = model_limits({"num_beams": 6, "max_position_embeddings": 256}, {}, {"model_max_length": 10**30})
    # no limit in the model: the output limit follows the input (2 x tokens + 10, rounded up to 16)
    assert (old_style.beams, old_style.max_input_tokens, old_style.max_length) == (6, 256, None)
    assert output_limit(old_style, 10) == 32


def test_quantize_asks_for_int8_on_either_engine(tiny_model, ct2_models, sentences):
    converted = Ct2Translator(str(tiny_model), folder=ct2_models["int8"])
    at_load = Ct2Translator(str(tiny_model), folder=ct2_models["float32"], quantize=True)
    # int8 weights made at conversion or at load time are the same weights: same outputs, same cache key
    assert at_load.translate(sentences[:40]) == converted.translate(sentences[:40])
    assert at_load.key == converted.key
    assert converted.signature["decoding"]["compute_type"] == "int8"
    torch_int8 = MarianTranslator(str(tiny_model), quantize=True)
    assert torch_int8.signature["decoding"]["compute_type"] == "int8-dynamic"
    assert len(torch_int8.translate(sentences[:5])) == 5
    head = type(torch_int8.model.lm_head)
    assert head.__name__ == "Linear" and "quantized" in head.__module__
    assert torch_int8.key != MarianTranslator(str(tiny_model)).key


def test_cache_keys_never_mix_engines_or_weight_types(tiny_model, ct2_models):
    keys = {
        "transformers": MarianTranslator(str(tiny_model)).key,
        "transformers-int8": MarianTranslator(str(tiny_model), quantize=True).key,
        "ct2-float32": Ct2Translator(str(tiny_model), folder=ct2_models["float32"]).key,
        "ct2-int8": Ct2Translator(str(tiny_model), folder=ct2_models["int8"]).key,
    }
    assert len(set(keys.values())) == 4
    # named directly or found for its Marian model, a conversion records the same model and key
    named = Ct2Translator(str(ct2_models["float32"]))
    assert named.signature["model"] == str(tiny_model.resolve())
    assert named.key == keys["ct2-float32"]
    assert translator_key(named.signature) == named.key


def test_the_backend_is_picked_automatically(tiny_model, tmp_path, monkeypatch):
    monkeypatch.setenv("BILINGUAL_MODELS_DIR", str(tmp_path / "models"))
    assert pick_backend(str(tiny_model)) == ("transformers", None)
    assert isinstance(load_translator(str(tiny_model)), MarianTranslator)
    with pytest.raises(ModelNotFoundError, match="bilingual model convert"):
        pick_backend(str(tiny_model), "ct2")
    f32 = convert_model(str(tiny_model), quantization="float32")
    assert f32.parent == tmp_path / "models"
    assert pick_backend(str(tiny_model)) == ("ct2", f32)
    int8 = convert_model(str(tiny_model), quantization="int8")
    assert pick_backend(str(tiny_model)) == ("ct2", int8)  # the faster one when there are several
    assert isinstance(load_translator(str(tiny_model)), Ct2Translator)
    assert isinstance(load_translator(str(tiny_model), backend="transformers"), MarianTranslator)
    monkeypatch.setenv("BILINGUAL_BACKEND", "transformers")
    assert isinstance(load_translator(str(tiny_model)), MarianTranslator)
    with pytest.raises(ValueError, match="unknown backend"):
        pick_backend(str(tiny_model), "fastest")


def test_a_conversion_of_an_older_model_version_is_not_used(tiny_model, tmp_path, monkeypatch):
    monkeypatch.setenv("BILINGUAL_MODELS_DIR", str(tmp_path / "models"))
    marian = shutil.copytree(tiny_model, tmp_path / "marian")
    folder = convert_model(str(marian), quantization="float32")
    assert pick_backend(str(marian)) == ("ct2", folder)
    weights = marian / "model.safetensors"
    os.utime(weights, (weights.stat().st_atime, weights.stat().st_mtime + 100))  # the model was replaced
    assert pick_backend(str(marian)) == ("transformers", None)
    with pytest.raises(ModelNotFoundError, match="no CTranslate2 conversion"):
        pick_backend(str(marian), "ct2")


def test_a_conversion_beside_the_model_is_found(tiny_model, tmp_path):
    marian = shutil.copytree(tiny_model, tmp_path / "opus")
    beside = convert_model(str(marian), quantization="float32", out=tmp_path / "opus-ct2")
    assert pick_backend(str(marian)) == ("ct2", beside)


def test_cli_translate_picks_ct2_and_its_cache_is_shared_by_name_and_by_folder(tiny_model, tmp_path, monkeypatch):
    monkeypatch.setenv("BILINGUAL_MODELS_DIR", str(tmp_path / "models"))
    db, out = tmp_path / "s.sqlite3", tmp_path / "out.jsonl"
    assert run("model", "convert", tiny_model, "--quantization", "float32").exit_code == 0
    first = run("translate", DANISH_SEED, "--model", tiny_model, "--db", db, "--out", out)
    assert first.exit_code == 0, first.output
    assert "engine: ctranslate2" in first.output and "17 translated" in first.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    plain = MarianTranslator(str(tiny_model)).translate([r["danish"] for r in records])
    assert [r["translation"] for r in records] == plain and {r["translation_origin"] for r in records} == {"mt"}
    assert all("backend:ctranslate2" in r["translator_signature"] for r in records)
    folder = next((tmp_path / "models").iterdir())
    again = run("translate", DANISH_SEED, "--model", folder, "--db", db, "--backend", "ct2")
    assert again.exit_code == 0 and "17 cache hits, 0 translated" in again.output
    other = run("translate", DANISH_SEED, "--model", tiny_model, "--db", db, "--backend", "transformers")
    assert other.exit_code == 0 and "0 cache hits, 17 translated" in other.output


def test_cli_backend_errors(tiny_model, tmp_path):
    db = tmp_path / "s.sqlite3"
    missing = run("translate", DANISH_SEED, "--model", tiny_model, "--db", db, "--backend", "ct2")
    assert missing.exit_code == 1 and "bilingual model convert" in missing.output
    assert run("translate", DANISH_SEED, "--model", tiny_model, "--db", db, "--backend", "fastest").exit_code == 2
    assert run("translate", DANISH_SEED, "--db", db, "--threads", "0").exit_code == 2
    assert run("model", "convert", tiny_model, "--quantization", "int3").exit_code == 2


def test_threads_default_to_the_available_cores(monkeypatch, tiny_model, ct2_models):
    assert thread_count() == available_cores() >= 1
    monkeypatch.setenv("BILINGUAL_THREADS", "1")
    assert thread_count() == 1 and thread_count(3) == 3
    assert Ct2Translator(str(tiny_model), folder=ct2_models["int8"]).threads == 1
