import pytest
from conftest import record_model_inputs

from bilingual.translate import (
    MarianTranslator,
    ModelNotFoundError,
    Translator,
    resolve_model,
    split_for_model,
    translator_key,
)


def test_tiny_model_loads_through_the_real_code_path(tiny_translator, tiny_model):
    assert isinstance(tiny_translator, Translator)
    sig = tiny_translator.signature
    assert sig["model"] == str(tiny_model)
    assert sig["backend"] == "transformers"
    assert sig["revision"].startswith("local-")
    assert sig["decoding"]["beams"] == 1
    out = tiny_translator.translate(["Det er irakerne selv.", "Baggrund", "Det er irakerne selv."])
    assert len(out) == 3 and out[0] == out[2]
    assert out[0] != out[1]  # the random model still depends on its input


def test_batching_and_sorting_do_not_change_the_results(tiny_translator):
    texts = ["Baggrund", "Det seneste møde blev holdt i Paris i oktober.", "Vi drøftede derfor skridt.", "Ja."]
    one_by_one = [tiny_translator.translate([t])[0] for t in texts]
    assert tiny_translator.translate(texts) == one_by_one


def test_input_longer_than_the_model_maximum_is_split_not_truncated(tiny_translator, monkeypatch):
    long_text = ", ".join(f"det danske bidrag nummer {i} til koalitionen" for i in range(30)) + "."
    assert tiny_translator.count_tokens(long_text) > tiny_translator.max_input_tokens
    real = tiny_translator._translate_pieces
    seen = record_model_inputs(tiny_translator, monkeypatch)
    [out] = tiny_translator.translate([long_text])
    assert len(seen) > 1
    assert all(tiny_translator.count_tokens(p) <= tiny_translator.max_input_tokens for p in seen)
    assert " ".join(seen).split() == long_text.split()
    assert out == " ".join(o.strip() for o in real(seen) if o.strip())


def test_split_for_model_prefers_clause_breaks_and_keeps_every_word():
    count = lambda s: len(s.split())  # noqa: E731 - a word counter stands in for a tokenizer
    text = "one two three; four five six, seven eight nine ten eleven"
    pieces = split_for_model(text, 4, count)
    assert all(count(p) <= 4 for p in pieces)
    assert " ".join(pieces).split() == text.split()
    assert pieces[0] == "one two three;"
    assert split_for_model("short", 4, count) == ["short"]


def test_model_is_chosen_from_option_then_environment_then_default(monkeypatch):
    assert resolve_model() == "Helsinki-NLP/opus-mt-da-en"
    monkeypatch.setenv("BILINGUAL_MODEL", "/models/mine")
    assert resolve_model() == "/models/mine"
    assert resolve_model("other") == "other"


def test_missing_hub_model_error_names_model_place_and_fix():
    with pytest.raises(ModelNotFoundError) as err:
        MarianTranslator("Helsinki-NLP/opus-mt-da-en")
    message = str(err.value)
    assert "Helsinki-NLP/opus-mt-da-en" in message
    assert "Hugging Face cache" in message and "HF_HUB_OFFLINE" in message
    assert "bilingual model download" in message and "--model PATH" in message


def test_missing_local_folder_error_names_the_folder(tmp_path):
    with pytest.raises(ModelNotFoundError, match="local folder .*nothing-here"):
        MarianTranslator(str(tmp_path / "nothing-here"))


def test_a_folder_without_a_model_is_reported_not_crashed_on(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelNotFoundError, match="local folder"):
        MarianTranslator(str(tmp_path))


def test_cache_key_depends_only_on_what_changes_the_output():
    base = {"model": "m", "revision": "r", "backend": "transformers", "decoding": {"beams": 4}, "device": "cpu"}
    assert translator_key(base) == translator_key({**base, "device": "cuda", "version": "9"})
    assert translator_key(base) != translator_key({**base, "decoding": {"beams": 1}})
    assert translator_key(base) != translator_key({**base, "backend": "ctranslate2"})
