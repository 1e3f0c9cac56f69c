import pytest
from conftest import DANISH_SEED, SEEDS

from bilingual.pipeline import TranslateReport, translate_files
from bilingual.records import export_records


class CountingTranslator:
    """Wraps the tiny model translator, counting calls and optionally failing on one batch."""

    def __init__(self, inner, fail_on_batch: int | None = None):
        self.inner, self.fail_on_batch = inner, fail_on_batch
        self.batches: list[list[str]] = []

    @property
    def signature(self):
        return self.inner.signature

    def translate(self, texts):
        self.batches.append(list(texts))
        if self.fail_on_batch is not None and len(self.batches) == self.fail_on_batch:
            raise KeyboardInterrupt("killed mid-run")
        return self.inner.translate(texts)


def test_seeds_translate_into_the_store_then_a_rerun_is_all_cache_hits(store, tiny_translator):
    first = translate_files(store, SEEDS, lambda: tiny_translator, batch_size=8)
    assert (first.documents, first.sentences, first.translated, first.cache_hits) == (5, 17, 17, 0)
    danish = store.segments(language="da")
    assert len(store.cached_translations([s.text_hash for s in danish], tiny_translator.key)) == 17
    english = store.segments(language="en")
    assert english and not store.cached_translations([s.text_hash for s in english], tiny_translator.key)
    counting = CountingTranslator(tiny_translator)
    second = translate_files(store, SEEDS, lambda: counting, batch_size=8)
    assert (second.translated, second.cache_hits) == (0, 17)
    assert counting.batches == []
    assert second.summary().startswith("5 documents, 17 sentences, 17 cache hits, 0 translated, ")


def test_an_interrupted_run_keeps_finished_batches_and_resumes(store, tiny_translator):
    failing = CountingTranslator(tiny_translator, fail_on_batch=2)
    with pytest.raises(KeyboardInterrupt):
        translate_files(store, [DANISH_SEED], lambda: failing, batch_size=5)
    danish = store.segments(language="da")
    assert len(store.cached_translations([s.text_hash for s in danish], tiny_translator.key)) == 5
    resumed = CountingTranslator(tiny_translator)
    report = translate_files(store, [DANISH_SEED], lambda: resumed, batch_size=5)
    assert (report.cache_hits, report.translated) == (5, 12)
    assert sum(len(b) for b in resumed.batches) == 12
    done_before = {t for b in failing.batches[:1] for t in b}
    assert not done_before & {t for b in resumed.batches for t in b}


def test_identical_sentences_are_translated_once(store, tiny_translator, tmp_path):
    path = tmp_path / "repeat.txt"
    path.write_text("Det er godt. Det er godt.\n\nDet er godt. Noget andet her.", encoding="utf-8")
    counting = CountingTranslator(tiny_translator)
    report = translate_files(store, [path], lambda: counting, batch_size=8, language="da")
    assert report.sentences == 4 and report.translated == 4
    assert sorted(t for b in counting.batches for t in b) == ["Det er godt.", "Noget andet her."]


def test_reviewed_text_wins_and_needs_no_model(store, tiny_translator, tmp_path):
    path = tmp_path / "one.txt"
    path.write_text("Det er irakerne selv.", encoding="utf-8")
    store.save_review("Det er irakerne selv.", "It is the Iraqis themselves.", "corrected", expected_version=0)

    def no_model():
        raise AssertionError("the model must not be loaded when everything is reviewed")

    report = translate_files(store, [path], no_model, language="da")
    assert (report.review_hits, report.translated) == (1, 0)
    [record] = export_records(store)
    assert (record.final, record.status) == ("It is the Iraqis themselves.", "corrected")


def test_the_report_names_the_stored_documents_also_for_content_stored_under_another_name(store, tiny_translator,
                                                                                          tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    for path in (first, second):
        path.write_text("Det er irakerne selv.", encoding="utf-8")
    stored = translate_files(store, [first], lambda: tiny_translator, language="da")
    again = translate_files(store, [second], lambda: tiny_translator, language="da")
    assert again.document_ids == stored.document_ids == [store.document("a.txt").id]


def test_report_summary_format():
    report = TranslateReport(documents=2, sentences=17, translated=17, seconds=4.24)
    assert report.summary() == "2 documents, 17 sentences, 0 cache hits, 17 translated, 4.2 s"
