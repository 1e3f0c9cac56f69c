"""Duplicate and cached sentences: translated once or not at all, with the same result as the plain path."""

import pytest
from conftest import record_model_inputs

from bilingual.pipeline import translate_files
from bilingual.records import export_records
from bilingual.translate import Ct2Translator, MarianTranslator, convert_model

TEXTS = ["Det er godt.", "Baggrund", "Det er godt.", "Mødet blev holdt i Paris.", "Baggrund", "Det er godt."]


@pytest.fixture(scope="module")
def ct2_folder(tiny_model, tmp_path_factory):
    return convert_model(str(tiny_model), quantization="float32", out=tmp_path_factory.mktemp("dedup") / "ct2")


def _engine(kind, tiny_model, ct2_folder):
    if kind == "transformers":
        return MarianTranslator(str(tiny_model), batch_size=4)
    return Ct2Translator(str(tiny_model), folder=ct2_folder)


@pytest.mark.parametrize("kind", ["transformers", "ctranslate2"])
def test_a_batch_with_repeats_translates_each_sentence_once(kind, tiny_model, ct2_folder, monkeypatch):
    translator = _engine(kind, tiny_model, ct2_folder)
    one_by_one = [translator.translate([t])[0] for t in TEXTS]
    seen = record_model_inputs(translator, monkeypatch)
    assert translator.translate(TEXTS) == one_by_one
    assert sorted(seen) == sorted(set(TEXTS))


def _documents(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Det er godt. Mødet blev holdt i Paris.\n\nBaggrund", encoding="utf-8")
    b.write_text("Baggrund\n\nDet er godt. Noget helt andet.", encoding="utf-8")
    return [a, b]


@pytest.mark.parametrize("kind", ["transformers", "ctranslate2"])
def test_sentences_shared_by_documents_are_translated_once_and_match_the_plain_path(kind, store, tmp_path,
                                                                                   tiny_model, ct2_folder):
    translator = _engine(kind, tiny_model, ct2_folder)
    batches: list[list[str]] = []

    class Counting:
        signature = translator.signature

        def translate(self, texts):
            batches.append(list(texts))
            return translator.translate(texts)

    report = translate_files(store, _documents(tmp_path), Counting, batch_size=2, language="da")
    assert (report.sentences, report.translated) == (6, 6)
    sent = [t for b in batches for t in b]
    assert sorted(sent) == sorted({"Det er godt.", "Mødet blev holdt i Paris.", "Baggrund", "Noget helt andet."})
    records = export_records(store)
    plain = MarianTranslator(str(tiny_model))
    assert [r.mt for r in records] == [plain.translate([r.danish])[0] for r in records]


@pytest.mark.parametrize("kind", ["transformers", "ctranslate2"])
def test_a_cached_rerun_gives_the_same_translations_without_loading_the_model(kind, store, tmp_path, tiny_model,
                                                                            ct2_folder):
    paths = _documents(tmp_path)
    first = translate_files(store, paths, lambda: _engine(kind, tiny_model, ct2_folder), language="da")
    before = export_records(store)
    made = []

    def fresh():
        made.append(_engine(kind, tiny_model, ct2_folder))
        return made[-1]

    second = translate_files(store, paths, fresh, language="da")
    assert (first.translated, second.translated, second.cache_hits) == (6, 0, 6)
    assert export_records(store) == before
    # the translator was built for its cache key, but its weights were never loaded
    [translator] = made
    assert getattr(translator, "_model", None) is None and getattr(translator, "_engine", None) is None
    plain = MarianTranslator(str(tiny_model))
    assert [r.mt for r in before] == plain.translate([r.danish for r in before])
