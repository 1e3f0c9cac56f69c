"""One rule for the English of a sentence: every status x MT x final text, seen the same way everywhere.

The expected column is written out here by hand (not computed by ``bilingual.decisions``), and each
consumer of the rule is asked for its own view of the same sentences: the review app's rows and QA,
the export records (and so every format and ``translate --out``), the glossary check, the alignment
input (stored documents and ``align-files``) and the translator's choice of what to translate.
"""

from __future__ import annotations

import io
import itertools
import json

import pytest

from bilingual.app.rows import load_rows, row_warnings
from bilingual.decisions import counted_english, editor_text
from bilingual.formats.jsonl import write_jsonl
from bilingual.glossary import Glossary, Term
from bilingual.pipeline import (
    add_documents,
    alignment_translations,
    segments_to_translate,
    translate_segments,
    translations_for_alignment,
)
from bilingual.records import export_records, term_check

STATUSES = (None, "pending", "accepted", "corrected", "rejected")  # None: never reviewed
CASES = [(status, has_mt, has_final) for status, has_mt, has_final in itertools.product(STATUSES, (True, False),
                                                                                        (True, False))
         if status is not None or not has_final]  # a sentence never reviewed has no final text


def expected(status: str | None, mt: str | None, final: str | None) -> tuple[str | None, str]:
    """The rule, spelled out: reviewed text, else MT; a rejected sentence has no English at all."""
    if status == "rejected":
        return None, "rejected"
    if status in ("accepted", "corrected") and final:
        return final, "review"
    if mt:
        return mt, "mt"
    return None, "none"


class Recorder:
    """A translator that records what it is asked to translate."""

    signature = {"model": "recorder", "backend": "test"}

    def __init__(self):
        self.seen: list[str] = []

    def translate(self, texts):
        self.seen.extend(texts)
        return [f"fresh {t}" for t in texts]


@pytest.fixture
def table(store, tmp_path):
    """A Danish document with one sentence per case, its MT and review stored as the case says."""
    # every sentence has a number and a glossary term that no English text below renders, so QA warns
    # and the term check says "NOT rendered" exactly where an English text counts
    sentences = [f"Sætning nummer {k} handler om forsvaret i 2017." for k in range(len(CASES))]
    path = tmp_path / "table.txt"
    path.write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
    [(doc_id, _doc)] = add_documents(store, [path], language="da")
    segments = segments_to_translate(store, [doc_id])
    assert [s.text for s in segments] == sentences
    rows = []
    for seg, (k, (status, has_mt, has_final)) in zip(segments, enumerate(CASES), strict=True):
        mt = f"Machine text {k}." if has_mt else None
        final = f"Final text {k}." if has_final else None
        if mt:
            store.put_translations([(seg.text, mt)], "key", {"model": "m"})
        if status is not None:
            store.save_review(seg.text, final, status, expected_version=0, mt_text=mt,
                              reason="wrong sense" if status == "rejected" else None)
        rows.append((seg, status, mt, final))
    store.add_terms([Term("forsvaret", ("the armed forces",))])
    return doc_id, rows


def test_the_rule_itself_matches_the_spelled_out_table():
    for status, has_mt, has_final in CASES:
        mt, final = ("MT" if has_mt else None), ("Final" if has_final else None)
        english = counted_english(status, mt, final)
        assert (english.text, english.origin) == expected(status, mt, final), (status, mt, final)
        # a draft counts in the editor whatever was saved
        assert counted_english(status, mt, final, draft="typed").text == "typed"
        # the editor starts from any saved final text, a rejected one too, else the MT
        assert editor_text(status, mt, final) == (final if status not in (None, "pending") and final else mt or "")


def test_every_consumer_sees_the_same_english(store, table):
    doc_id, rows = table
    want = {seg.text_hash: expected(status, mt, final) for seg, status, mt, final in rows}

    # the review app: each row's English and whether QA checks it
    app_rows = load_rows(store, doc_id)
    glossary = Glossary(store.terms())
    for row in app_rows:
        text, _origin = want[row.text_hash]
        assert row.english == text, row.stable_id
        codes = {w.code for w in row_warnings(row, glossary=glossary)}
        assert ("number" in codes and "term" in codes) == (text is not None), (row.stable_id, codes)

    # export records (every format carries them) and the JSONL of `translate --out`
    records = export_records(store, [doc_id])
    for record in records:
        text, origin = want[record.text_hash]
        assert (record.translation or None, record.translation_origin) == (text, origin), record.id
        assert ("number" in record.qa_warnings) == (text is not None), record.id
    out = io.StringIO()
    write_jsonl(records, out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(line["translation"] or None, line["translation_origin"]) for line in lines] == \
        [want[r.text_hash] for r in records]

    # the glossary check
    checks = {c.segment.text_hash: c for c in term_check(store, [store.document(doc_id)], glossary)}
    assert set(checks) == set(want)
    for hash_, check in checks.items():
        text, origin = want[hash_]
        assert (check.english, check.origin) == (text, origin)
        assert [verdict for _, _, verdict in check.terms] == ["NOT rendered" if text else "no English yet"]

    # the alignment input of a stored document: the English that counts, else the Danish itself
    segments = [seg for seg, *_ in rows]
    texts, origins, _models = alignment_translations(store, segments)
    for seg, text, origin in zip(segments, texts, origins, strict=True):
        english, english_origin = want[seg.text_hash]
        assert (text, origin) == ((english, english_origin) if english else (seg.text, "none")), seg.stable_id


def test_align_files_and_the_translator_follow_the_same_rule(store, table):
    doc_id, rows = table
    want = {seg.text_hash: expected(status, mt, final) for seg, status, mt, final in rows}
    store.close()

    # align-files reads the store: counted English is taken, a rejected sentence is aligned on its
    # Danish, only sentences with no English at all go to the model
    recorder = Recorder()
    danish = [seg.text for seg, *_ in rows]
    texts, note = translations_for_alignment(danish, store.location, lambda: recorder)
    for (seg, *_), text in zip(rows, texts, strict=True):
        english, origin = want[seg.text_hash]
        if english is not None:
            assert text == english
        elif origin == "rejected":
            assert text == seg.text
        else:
            assert text == f"fresh {seg.text}"
    assert sorted(recorder.seen) == sorted(seg.text for seg, *_ in rows if want[seg.text_hash][1] == "none")
    assert "rejected by a reviewer" in note

    # translate: a sentence whose reviewed text counts is never sent to the model; every other one
    # without a cached MT for this translator is
    from bilingual.store import Store

    with Store(store.location) as again:
        recorder = Recorder()
        translate_segments(again, segments_to_translate(again, [doc_id]), lambda: recorder)
    assert sorted(recorder.seen) == sorted(seg.text for seg, *_ in rows if want[seg.text_hash][1] != "review")
