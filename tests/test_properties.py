"""Properties that must hold for any input: segmentation keeps every character, every export format gives back
what it carries, an untouched export re-imported changes nothing, and the alignment scorer stays in bounds."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import datetime
from pathlib import Path

import pytest
from conftest import copy_store
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support.score import score_beads, score_cases, score_pairs

from bilingual.decisions import REVIEW_STATUSES, REVIEWED, counted_english
from bilingual.documents import DocumentError, has_visible_text, parse_text
from bilingual.formats import write_records
from bilingual.formats.csv import read_csv, read_csv_rows, write_csv
from bilingual.formats.jsonl import read_jsonl, write_jsonl
from bilingual.formats.tmx import read_tmx, write_tmx
from bilingual.formats.xliff import QA_NOTE_PRIORITY, read_xliff, read_xliff_units, write_xliff
from bilingual.formats.xmltext import xml_clean
from bilingual.importing import import_reviews, import_xliff_reviews
from bilingual.pipeline import add_documents
from bilingual.records import LIST_FIELDS, ExportRecord, export_records
from bilingual.segment import segment_document
from bilingual.store import Store
from bilingual.textio import decode_csv


# Fixtures here (tmp_path, the autouse settings isolation) are set up once per test, not per example: the
# examples only read them, or make their own files under a fresh name.
def quick(examples: int) -> settings:
    """Settings for a property: ``examples`` examples, no deadline (the first call loads the segmenter).

    No example database: a run leaves no folder in the checkout; the bugs found are ``@example``s.
    """
    return settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# --------------------------------------------------------------------------- segmentation

# Pieces that exercise the sentence rules: ends, abbreviations, bullets, quotes, line breaks, invisible characters.
PIECES = ["Det", "er", "godt", "The", "cat", "sat", "Hr.", "bl.a.", "f.eks.", "U.S.", "Mr.", "nr.", "1.", "3,5",
          ".", "!", "?", "…", ":", ";", ",", '"', "»", "«", "(", ")", "•", "-", "–", "æøå", "ÆØÅ", " ", " ", " ",
          "\n", "\n", "\n\n", "\t", "\r\n", "\u00a0", "\u200b", "\ufeff", "\u2028", "\x07", "e\u0301"]
documents_text = st.one_of(st.text(max_size=200), st.lists(st.sampled_from(PIECES), max_size=80).map("".join))


def visible(text: str) -> str:
    return "".join(text.split())


@quick(300)
@given(text=documents_text, language=st.sampled_from(["da", "en"]))
@example(text="Hr. Jensen kom. Han gik.\n\n\u200b\u200b. Slut!", language="da")
@example(text="\x1c\x1d\x1e\x1fA", language="en")
def test_segmentation_loses_no_character(text, language):
    try:
        doc = parse_text(text, name="doc.txt", language=language)
    except DocumentError:
        assert not has_visible_text(text)  # only a text that shows nothing is refused
        return
    segments = segment_document(doc)
    assert "".join(visible(s.text) for s in segments) == visible(doc.text) == visible(text)
    for segment in segments:
        assert doc.text[segment.start:segment.end] == segment.text and segment.text.strip() == segment.text
    assert all(a.end <= b.start for a, b in zip(segments, segments[1:], strict=False))


# --------------------------------------------------------------------------- export round trips

text = st.text(max_size=30)
# ids and QA messages are joined by a newline in a CSV cell, and ids are never empty: what a store can hold
list_item = st.text(min_size=1, max_size=12).filter(lambda s: "\n" not in s)
iso_time = st.datetimes(min_value=datetime(1000, 1, 1)).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ"))
number = st.floats(allow_nan=False)


@st.composite
def records(draw: Callable, statuses: tuple[str, ...] = REVIEW_STATUSES) -> ExportRecord:
    """Any record an export can hold: any Unicode text in its text fields, machine-made fields as code makes them."""
    document, paragraph, index = draw(text), draw(st.integers(0, 10**6)), draw(st.integers(0, 10**6))
    codes = draw(st.lists(st.sampled_from(sorted(QA_NOTE_PRIORITY)), max_size=3))
    return ExportRecord(
        id=f"{document}:{paragraph}:{index}", document=document, document_title=draw(text), paragraph=paragraph,
        index=index, danish=draw(text), mt=draw(text), final=draw(text), status=draw(st.sampled_from(statuses)),
        reason=draw(text), reviewer=draw(text), reviewed_at=draw(st.one_of(st.just(""), iso_time)),
        english=draw(text), english_ids=tuple(draw(st.lists(list_item, max_size=3))), english_document=draw(text),
        english_title=draw(text), alignment_score=draw(st.one_of(st.none(), number)),
        bead=draw(st.sampled_from(["", "1-1", "1-2", "2-1", "0-1"])),
        alignment_method=draw(st.sampled_from(["", "dp", "vecalign", "manual"])),
        alignment_status=draw(st.sampled_from(["", "machine", "accepted", "rejected"])), aligner=draw(text),
        translator_model=draw(text), translator_revision=draw(text), translator_signature=draw(text),
        text_hash=draw(st.text("0123456789abcdef", max_size=64)), review_version=draw(st.integers(0, 10**9)),
        qa_warnings=tuple(codes), qa_messages=tuple(draw(list_item) for _ in codes),
        post_edit_effort=draw(st.one_of(st.none(), number)), translation=draw(text),
        translation_origin=draw(st.sampled_from(["review", "mt", "rejected", "none"])),
    )


def cleaned(record: ExportRecord) -> ExportRecord:
    """A record as an XML format gives it back: the characters XML 1.0 forbids left out of every text."""
    changes = {}
    for f in fields(record):
        value = getattr(record, f.name)
        if isinstance(value, str):
            changes[f.name] = xml_clean(value)
        elif f.name in LIST_FIELDS:
            changes[f.name] = tuple(xml_clean(item) for item in value)
    return replace(record, **changes)


def written(write: Callable, rows: list[ExportRecord], **options) -> str:
    out = io.StringIO(newline="")
    write(rows, out, **options)
    return out.getvalue()


@quick(120)
@given(rows=st.lists(records(), max_size=4), excel=st.booleans())
@example(rows=[ExportRecord("d:0:0", "d", "", 0, 0, "nul\x00 inside", final="\r", status="accepted")], excel=False)
def test_csv_round_trips_every_field(rows, excel):
    data = written(write_csv, rows, excel=excel)
    assert read_csv(data) == rows
    assert read_csv(decode_csv(data.encode("utf-8"))) == rows  # as import-reviews reads the file's bytes


@quick(120)
@given(rows=st.lists(records(), max_size=4))
# line separators JSON leaves unescaped split the file into lines where str.splitlines() looks
@example(rows=[ExportRecord("d:0:0", "d", "", 0, 0, "line\u2028separator\x85next\x1cfile\x0bsep")])
def test_jsonl_round_trips_every_field(rows):
    data = written(write_jsonl, rows)
    assert data.count("\n") == len(rows)
    assert read_jsonl(data) == rows


@quick(120)
@given(rows=st.lists(records(REVIEWED), max_size=4))
@example(rows=[ExportRecord("d\x00:0:0", "d\x00", "t\x07", 0, 0, "før\x01", final="bell\x07\r\n", status="corrected",
                            reviewer="a\x1fb", english_ids=("\x00",), reviewed_at="2024-01-01T00:00:00Z")])
# a document without a title has no x-document-title prop, and reading it back needs none
@example(rows=[ExportRecord("d:0:0", "d", "", 0, 0, "x", final="y", status="accepted")])
def test_tmx_round_trips_what_it_carries(rows):
    data = written(write_tmx, rows, created="2024-03-01T08:00:00Z")
    # a TMX file is a translation memory: it holds the reviewed sentences with a final text
    assert read_tmx(data) == [cleaned(r) for r in rows if r.final]


def xliff_view(record: ExportRecord, title: str) -> ExportRecord:
    """The record as ``read_xliff`` gives it back: the fields an XLIFF file carries, XML-forbidden characters out.

    The target is the English that counts; a reason is a note of a rejected unit only; the aligned English
    and its alignment are an ``<alt-trans>`` (named "English" when the record names no English document); a
    document's title is the one of its first record, and a ``<file>`` without a document name is "bilingual".
    """
    target = counted_english(record.status, record.mt or None, record.final or None).text
    aligned = bool(record.english) and record.alignment_score is not None
    return cleaned(ExportRecord(
        id=record.id, document=record.document or "bilingual", document_title=title, paragraph=record.paragraph,
        index=record.index,
        danish=record.danish, mt=record.mt, final=(target or "") if record.status in REVIEWED else "",
        status=record.status, reason=record.reason if record.status == "rejected" else "", english=record.english,
        english_document=(record.english_document or "English") if record.english else "",
        alignment_score=record.alignment_score if aligned else None, bead=record.bead if aligned else "",
        alignment_method=record.alignment_method if aligned else "",
        alignment_status=record.alignment_status if aligned else "", text_hash=record.text_hash,
        review_version=record.review_version, qa_warnings=record.qa_warnings, qa_messages=record.qa_messages))


@quick(120)
@given(rows=st.lists(records(), max_size=4))
# an accepted sentence whose final text and MT are both empty is still accepted when read back
@example(rows=[ExportRecord("d:0:0", "d", "", 0, 0, "x", final=" ", status="accepted")])
def test_xliff_round_trips_what_it_carries(rows):
    data = written(write_xliff, rows, created="2024-03-01T08:00:00Z")
    # a <file> per document and a <group> per paragraph, in the order they first come
    groups: dict[str, dict[int, list[ExportRecord]]] = {}
    titles: dict[str, str] = {}
    for r in rows:
        groups.setdefault(r.document, {}).setdefault(r.paragraph, []).append(r)
        titles.setdefault(r.document, r.document_title)
    expected = [xliff_view(r, titles[r.document]) for units in groups.values() for rs in units.values() for r in rs]
    assert read_xliff(data) == expected


# --------------------------------------------------------------------------- an untouched export changes nothing

SENTENCES = ["Regeringen vil styrke forsvaret.", "Det sker gennem nye investeringer.", "Ministeren er enig."]


@pytest.fixture(scope="module")
def small_template(tmp_path_factory) -> Path:
    """A store with one Danish document of three sentences, each with an MT."""
    folder = tmp_path_factory.mktemp("small")
    source = folder / "notat.txt"
    source.write_text(" ".join(SENTENCES) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as monkeypatch, Store(folder / "store.sqlite3") as store:
        monkeypatch.setenv("HF_HUB_OFFLINE", "1")
        add_documents(store, [source], language="da")
        segments = store.segments(language="da")
        store.put_translations([(s.text, f"MT {i}.") for i, s in enumerate(segments)], "key", {"model": "m"})
    return folder / "store.sqlite3"


def export_text(store: Store, fmt: str, excel: bool = False) -> str:
    out = io.StringIO(newline="")
    write_records(export_records(store), fmt, out, excel=excel)
    return out.getvalue()


reviewed_text = st.text(max_size=40)
_copies = iter(range(10**9))


@quick(100)
@given(final=reviewed_text, status=st.sampled_from(REVIEW_STATUSES), reason=st.text(max_size=20).filter(str.strip),
       mt=st.one_of(st.none(), st.text(max_size=30)), which=st.integers(0, 2))
@example(final=" padded ", status="corrected", reason="x", mt=None, which=0)  # the import trims its cells
@example(final="bell\x07", status="corrected", reason="x", mt=None, which=0)  # XML leaves the BEL out
@example(final="", status="accepted", reason="x", mt=None, which=1)  # the export falls back to the MT
@example(final="ok", status="rejected", reason=" why ", mt=None, which=2)
@example(final="MT\x07", status="accepted", reason="x", mt="MT\x07", which=0)
def test_an_untouched_export_reimported_changes_nothing(small_template, tmp_path, final, status, reason, mt, which):
    with Store(copy_store(small_template, tmp_path / f"store-{next(_copies)}.sqlite3")) as store:
        segment = store.segments(language="da")[which]
        if mt is not None:  # else the template's MT
            store.put_translations([(segment.text, mt)], "other", {"model": "other"})
        mt = store.latest_translations([segment.text_hash])[segment.text_hash][0]
        store.save_review(segment.text, final, status, expected_version=0, reviewer="ann", mt_text=mt,
                          reason=reason if status == "rejected" else None)
        for excel in (False, True):
            data = export_text(store, "csv", excel=excel).encode("utf-8")
            report = import_reviews(store, read_csv_rows(decode_csv(data)), "import")
            assert report.summary() == "0 applied, 3 skipped, 0 stale, 0 invalid", report.rows
        report = import_xliff_reviews(store, read_xliff_units(export_text(store, "xliff")), "import")
        assert report.count("applied") == 0 and not report.problems(), report.rows
        assert len(store.review_history(segment.text_hash)) == 1


# --------------------------------------------------------------------------- the alignment scorer

ids = st.lists(st.integers(0, 6), max_size=3, unique=True).map(lambda xs: tuple(sorted(xs)))
beads = st.lists(st.tuples(ids, ids), max_size=8)


def in_unit_interval(values) -> bool:
    return all(0.0 <= v <= 1.0 for v in values)


@quick(300)
@given(gold=beads)
def test_a_perfect_output_scores_one(gold):
    linked = [b for b in gold if b[0] and b[1]]
    scores = score_beads(gold, gold).as_dict()
    if linked:  # with no bead linking both sides there is nothing to recall
        assert scores == dict.fromkeys(scores, 1.0)
        assert (score_pairs(gold, gold).precision, score_pairs(gold, gold).f1) == (1.0, 1.0)


@quick(300)
@given(gold=beads, test=beads, empty=st.sampled_from([0.0, 1.0]))
def test_precision_recall_and_f1_stay_between_zero_and_one(gold, test, empty):
    assert in_unit_interval(score_beads(gold, test, empty=empty).as_dict().values())
    pairs = score_pairs(gold, test)
    assert in_unit_interval((pairs.precision, pairs.recall, pairs.f1))
    assert pairs.true_positives <= min(pairs.predicted, pairs.gold)


@quick(100)
@given(cases=st.lists(st.tuples(beads, beads), max_size=4))
def test_micro_averaged_scores_stay_between_zero_and_one(cases):
    scores = score_cases([g for g, _ in cases], [t for _, t in cases])
    assert in_unit_interval(scores.as_dict().values())
