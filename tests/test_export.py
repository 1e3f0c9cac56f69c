import csv
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, SEEDS
from lxml import etree

from bilingual.cli import main
from bilingual.formats.csv import read_csv, read_csv_rows, write_csv
from bilingual.formats.jsonl import read_jsonl, write_jsonl
from bilingual.formats.tmx import read_tmx, write_tmx
from bilingual.importing import import_reviews
from bilingual.pipeline import add_documents
from bilingual.quality import post_edit_effort
from bilingual.records import COLUMNS, ExportRecord, export_records
from bilingual.segment import text_hash
from bilingual.textio import neutralise, unneutralise

DTD = Path(__file__).parent / "data" / "tmx14.dtd"
SIGNATURE = {"model": "Helsinki-NLP/opus-mt-da-en", "revision": "abc123", "backend": "transformers",
             "decoding": {"beams": 4}}
TMX_DATE = re.compile(r"^\d{8}T\d{6}Z$")
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

# Danish letters, quotes, commas, newlines (LF and CRLF), and cells a spreadsheet would run as formulas.
TRICKY = [
    'Æble, "ø" og å; sagde hun',
    "første linje\nanden linje",
    "windows\r\nlinje",
    "=1+1",
    "+45 33 92 00 00",
    "-3 grader i København",
    "@SUM(A1:A2)",
    "\tindrykket",
    "\rvognretur",
    "'=HYPERLINK(\"x\")",
    "'almindelig apostrof",
    "",
]


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


def tricky_records() -> list[ExportRecord]:
    records = []
    for i, text in enumerate(TRICKY):
        records.append(ExportRecord(
            id=f"doc æ.txt:{i}:0", document="doc æ.txt", document_title='Titel, "citat"', paragraph=i, index=0,
            danish=text or "tom", mt=text, final=text or "Empty", status="corrected" if i % 3 else "accepted",
            reason=text, reviewer="Søren, \"K\"", reviewed_at=f"2024-02-{i + 1:02d}T10:11:12Z", english=text,
            english_ids=(f"en.txt:{i}:0", f"en.txt:{i}:1") if i % 2 else (), english_document="en.txt",
            english_title="-title", alignment_score=0.1 + 0.2 if i % 2 else None, bead="1-2" if i % 2 else "",
            alignment_method="dp", alignment_status="machine", aligner="mode:parallel|x:1",
            translator_model="m", translator_revision="r", translator_signature="model:m|rev:r",
            text_hash=text_hash(text or "tom"), review_version=i,
            # QA messages hold commas, quotes and formula triggers, never a newline (the list separator)
            qa_warnings=("number", "untranslated") if i % 2 else (),
            qa_messages=("-3 is not in the English", 'Danish words in the English: "og", ikke') if i % 2 else (),
            post_edit_effort=12.5 if i % 3 else None,
        ))
    return records


# --------------------------------------------------------------------------- round trips


def csv_text(records, excel=False) -> str:
    buffer = io.StringIO(newline="")
    write_csv(records, buffer, excel=excel)
    return buffer.getvalue()


@pytest.mark.parametrize("excel", [False, True])
def test_csv_round_trip_keeps_every_field(excel):
    records = tricky_records()
    text = csv_text(records, excel=excel)
    assert read_csv(text) == records  # the byte-order mark tells the reader which mode it was
    assert read_csv(text, excel=excel) == records


def test_csv_is_rfc_4180_with_a_stable_header():
    text = csv_text(tricky_records())
    assert not text.startswith("\ufeff")
    assert text.split("\r\n", 1)[0] == ",".join(COLUMNS)
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    assert rows[0] == list(COLUMNS) and len(rows) == len(TRICKY) + 1
    danish = [row[COLUMNS.index("final")] for row in rows[1:]]
    # without --excel the data is exactly what was stored
    assert danish[:11] == TRICKY[:11] and '"Æble, ""ø"" og å; sagde hun"' in text
    assert '"windows\r\nlinje"' in text


def test_excel_csv_has_a_bom_and_neutralises_formula_cells_only():
    text = csv_text(tricky_records(), excel=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    finals = [row[COLUMNS.index("final")] for row in rows[1:]]
    assert finals[3:10] == ["'=1+1", "'+45 33 92 00 00", "'-3 grader i København", "'@SUM(A1:A2)", "'\tindrykket",
                            "'\rvognretur", "''=HYPERLINK(\"x\")"]
    assert finals[0] == TRICKY[0] and finals[10] == "'almindelig apostrof"
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    # numbers are written as numbers, never prefixed
    assert rows[2][COLUMNS.index("alignment_score")] == repr(0.1 + 0.2)


@pytest.mark.parametrize("cell", TRICKY + ["''", "'", "''-x", "'-", "-", "==", "a=b"])
def test_unneutralise_is_the_exact_inverse_of_neutralise(cell):
    assert unneutralise(neutralise(cell)) == cell
    assert not neutralise(cell).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_jsonl_round_trip_one_object_per_line():
    records = tricky_records()
    buffer = io.StringIO()
    assert write_jsonl(records, buffer) == len(records)
    lines = buffer.getvalue().splitlines()
    assert len(lines) == len(records)
    first = json.loads(lines[1])
    assert set(first) == set(COLUMNS) and first["english_ids"] == ["en.txt:1:0", "en.txt:1:1"]
    assert first["qa_warnings"] == ["number", "untranslated"] and first["post_edit_effort"] == 12.5
    assert json.loads(lines[0])["qa_messages"] == [] and json.loads(lines[0])["post_edit_effort"] is None
    assert "første" in lines[1]  # UTF-8, not \u escapes
    assert read_jsonl(buffer.getvalue()) == records


def tmx_bytes(records) -> bytes:
    buffer = io.StringIO()
    write_tmx(records, buffer, created="2024-03-01T08:00:00Z")
    return buffer.getvalue().encode("utf-8")


def test_tmx_round_trip_and_dtd_validation():
    records = tricky_records()
    records.append(replace(records[0], id="pending:0:0", status="pending"))
    records.append(replace(records[0], id="rejected:0:0", status="rejected"))
    data = tmx_bytes(records)
    root = etree.fromstring(data)
    dtd = etree.DTD(str(DTD))
    assert dtd.validate(root), dtd.error_log.filter_from_errors()
    header = root.find("header")
    assert {k: header.get(k) for k in ("segtype", "srclang", "datatype", "adminlang", "o-tmf", "creationtool")} == {
        "segtype": "sentence", "srclang": "da", "datatype": "plaintext", "adminlang": "en", "o-tmf": "bilingual",
        "creationtool": "bilingual"}
    assert header.get("creationtoolversion") and header.get("creationdate") == "20240301T080000Z"
    units = root.findall("body/tu")
    assert len(units) == len(TRICKY)  # pending and rejected sentences are no translation memory
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert [tuv.get(lang) for tuv in units[0].findall("tuv")] == ["da", "en"]
    assert all(TMX_DATE.match(tu.get("changedate")) for tu in units)
    props = {p.get("type") for p in units[1].findall("prop")}
    assert {"x-status", "x-mt", "x-alignment-score", "x-bead", "x-english", "x-english-id"} <= props
    assert units[1].findtext("prop[@type='x-qa-warnings']") == "number untranslated"
    assert [p.text for p in units[1].findall("prop[@type='x-qa-message']")] == list(records[1].qa_messages)
    # no QA prop at all on a sentence no check flagged, and no effort where there is none
    assert not {"x-qa-warnings", "x-qa-message", "x-post-edit-effort"} & {p.get("type") for p in units[0]}
    assert read_tmx(data) == records[: len(TRICKY)]


def test_tmx_removes_characters_xml_forbids():
    record = replace(tricky_records()[0], danish="før\x01 efter\x0b\ufffe", final="bell\x07 ok\r\nend",
                     mt="nul\x00", reviewer="a\x1fb")
    data = tmx_bytes([record])
    root = etree.fromstring(data)
    assert etree.DTD(str(DTD)).validate(root)
    (parsed,) = read_tmx(data)
    assert parsed.danish == "før efter" and parsed.final == "bell ok\r\nend"
    assert parsed.mt == "nul" and parsed.reviewer == "ab"


# --------------------------------------------------------------------------- records from the store


def _fill_aligned_store(store):
    """Fill the ``aligned_store`` template."""
    add_documents(store, SEEDS)
    da = store.documents("da")[0]
    english = store.documents("en")[0]
    danish = store.segments(da.id, include_furniture=False)
    en = store.segments(english.id)
    store.put_translations([(s.text, f"MT {i}") for i, s in enumerate(danish)], "key", SIGNATURE)
    store.save_review(danish[0].text, '=Offensive, "quoted"\nsecond line', "corrected", expected_version=0,
                      reviewer="Åse", mt_text="MT 0")
    store.save_review(danish[1].text, "MT 1", "accepted", expected_version=0, reviewer="Bo")
    store.save_review(danish[2].text, "MT 2", "rejected", expected_version=0, reviewer="Bo", reason="wrong sense")
    d = [s.id for s in danish]
    store.replace_alignments(da.id, [english.id], "parallel", {"embedder": "minilm", "threshold": 0.3}, [
        ((d[0],), (en[0].id,), 0.91, 0, "dp"),
        ((d[1], d[2]), (en[1].id,), 0.72, 0, "dp"),  # 2-1
        ((d[3],), (en[2].id, en[3].id), 0.64, 0, "dp"),  # 1-2
        ((d[3],), (en[4].id,), 0.60, 1, "dp"),  # a lower-ranked candidate
        ((d[4],), (en[5].id,), 0.55, 0, "dp"),  # rejected below, a candidate accepted instead
        ((d[4],), (en[6].id,), 0.50, 1, "dp"),
        ((d[5],), (en[7].id,), 0.40, 0, "dp"),  # rejected below, nothing else
    ])
    by_pair = {(a.source_segment_ids, a.target_segment_ids): a.id for a in store.alignments(da.id)}
    store.set_alignment_status(by_pair[((d[4],), (en[5].id,))], "rejected", "Åse")
    store.set_alignment_status(by_pair[((d[4],), (en[6].id,))], "accepted", "Åse")
    store.set_alignment_status(by_pair[((d[5],), (en[7].id,))], "rejected", "Åse")


@pytest.fixture
def aligned_store(store_template, store_copy):
    """The seeds with MT, two reviews and alignments of every kind the export must tell apart."""
    with store_copy(store_template("aligned", _fill_aligned_store)) as store:
        da = store.documents("da")[0]
        english = store.documents("en")[0]
        yield store, store.segments(da.id, include_furniture=False), store.segments(english.id)


def test_records_take_reviews_mt_and_the_chosen_alignment(aligned_store):
    store, danish, en = aligned_store
    records = export_records(store)
    assert [r.id for r in records] == [s.stable_id for s in danish] and len(records) == 17
    first = records[0]
    assert (first.status, first.final, first.reviewer, first.review_version) == (
        "corrected", '=Offensive, "quoted"\nsecond line', "Åse", 1)
    assert ISO_UTC.match(first.reviewed_at) and first.text_hash == danish[0].text_hash
    assert (first.english, first.bead, first.alignment_score) == (en[0].text, "1-1", 0.91)
    assert first.english_ids == (en[0].stable_id,) and first.english_document == en[0].document
    assert first.aligner == "mode:parallel|embedder:minilm|threshold:0.3"
    assert (first.translator_model, first.translator_revision) == ("Helsinki-NLP/opus-mt-da-en", "abc123")
    assert records[2].status == "rejected" and records[2].reason == "wrong sense"
    # a 2-1 bead gives both Danish sentences the same English sentence
    assert records[1].english == records[2].english == en[1].text and records[1].bead == records[2].bead == "2-1"
    # a 1-2 bead joins the English sentences; the rank-1 candidate is not the alignment
    assert records[3].english == f"{en[2].text} {en[3].text}" and records[3].bead == "1-2"
    assert records[3].english_ids == (en[2].stable_id, en[3].stable_id)
    # a rejected bead is replaced by the accepted candidate, or by nothing
    assert records[4].english == en[6].text and records[4].alignment_status == "accepted"
    assert records[5].english == "" and records[5].bead == "" and records[5].alignment_score is None
    # unaligned, unreviewed sentences are kept, with their MT
    assert records[16].english == "" and records[16].status == "pending" and records[16].mt == "MT 16"
    assert [r.id for r in export_records(store, only_reviewed=True)] == [records[0].id, records[1].id]
    assert export_records(store, document_ids=[store.documents("en")[0].id]) == []


def test_store_export_round_trips_through_every_format(aligned_store):
    store = aligned_store[0]
    records = export_records(store)
    assert read_csv(csv_text(records, excel=True)) == records
    buffer = io.StringIO()
    write_jsonl(records, buffer)
    assert read_jsonl(buffer.getvalue()) == records
    assert read_tmx(tmx_bytes(records)) == [r for r in records if r.status in ("accepted", "corrected")]


# --------------------------------------------------------------------------- QA warnings and post-edit effort

FUND_MT = "There is DKK 332.5 million in the pool."
FUND_FINAL = "There is a lot of money in the pool."  # drops 332.5
CLEAN_FINAL = "Yesterday the minister visited Aarhus."


def _fill_qa_store(store):
    """Fill the ``qa_store`` template; the note is written next to the template's store file."""
    source = store.path.parent / "pulje.txt"
    source.write_text("Puljen til kultur\n\nDer er 332,5 mio. kr. i puljen. Ministeren besøgte Aarhus i går.\n\n"
                      "Der blev uddelt 12 priser i 2023.\n\nFolketinget vedtog loven.\n", encoding="utf-8")
    add_documents(store, [source], language="da")
    title, fund, clean, prizes, unseen = store.segments(language="da", include_furniture=False)
    assert fund.text == "Der er 332,5 mio. kr. i puljen."
    store.put_translations([(title.text, "The culture fund"), (fund.text, FUND_MT),
                            (clean.text, "The minister visited Aarhus yesterday."),
                            (prizes.text, "Prizes were awarded in 2023.")], "key", SIGNATURE)
    store.save_review(title.text, "The culture fund", "accepted", expected_version=0, reviewer="ann")
    store.save_review(fund.text, FUND_FINAL, "corrected", expected_version=0, reviewer="ann", mt_text=FUND_MT)
    # edited, then put back to pending: it has an MT and a final text, but no settled review
    store.save_review(clean.text, CLEAN_FINAL, "pending", expected_version=0, reviewer="bo")


@pytest.fixture
def qa_store(store_template, store_copy):
    """A Danish note whose sentences cover every case of the QA fields."""
    with store_copy(store_template("qa", _fill_qa_store)) as store:
        yield store


def test_records_carry_the_qa_warnings_of_the_exported_english(qa_store):
    title, fund, clean, prizes, unseen = export_records(qa_store)
    # the final text is checked, not the MT (which has the number)
    assert fund.qa_warnings == ("number",) and fund.qa_messages == ("332,5 is not in the English",)
    assert clean.qa_warnings == clean.qa_messages == ()
    # without a final text the MT is checked; with neither there is nothing to check
    assert prizes.final == "" and prizes.qa_warnings == ("number",) and "12" in prizes.qa_messages[0]
    assert (unseen.mt, unseen.final, unseen.qa_warnings, unseen.qa_messages) == ("", "", (), ())


def test_post_edit_effort_only_for_reviewed_sentences_with_mt_and_final(qa_store):
    title, fund, clean, prizes, unseen = export_records(qa_store)
    assert fund.status == "corrected" and fund.post_edit_effort == round(post_edit_effort(FUND_MT, FUND_FINAL), 2)
    assert fund.post_edit_effort > 0
    assert title.status == "accepted" and title.post_edit_effort == 0.0  # accepted as it was: no edits
    assert (clean.status, clean.final) == ("pending", CLEAN_FINAL) and clean.post_edit_effort is None
    assert prizes.post_edit_effort is None and unseen.post_edit_effort is None


def test_qa_checks_run_once_per_record_not_per_format(qa_store, monkeypatch):
    import bilingual.quality

    calls = []
    real = bilingual.quality.check_translation
    monkeypatch.setattr(bilingual.quality, "check_translation", lambda da, en: calls.append(da) or real(da, en))
    records = export_records(qa_store)
    assert len(calls) == 4  # every sentence with an English text, once
    for writer in (write_csv, write_jsonl, write_tmx):
        writer(records, io.StringIO())
    assert len(calls) == 4


def test_every_format_shows_the_qa_warnings(qa_store, tmp_path):
    for fmt in ("csv", "jsonl", "tmx"):
        result = run("export", "--out", tmp_path / f"qa.{fmt}", "--db", qa_store.location)
        assert result.exit_code == 0, result.output

    rows = list(csv.DictReader(io.StringIO((tmp_path / "qa.csv").read_text(encoding="utf-8"), newline="")))
    derived = ["qa_warnings", "qa_messages", "post_edit_effort", "translation", "translation_origin"]
    start = COLUMNS.index("qa_warnings")
    assert list(rows[0]) == list(COLUMNS) and list(COLUMNS)[start : start + 5] == derived
    assert {"document_url", "document_date", "document_author"} <= set(COLUMNS)
    assert (rows[1]["qa_warnings"], rows[1]["qa_messages"]) == ("number", "332,5 is not in the English")
    assert float(rows[1]["post_edit_effort"]) > 0
    assert (rows[2]["qa_warnings"], rows[2]["qa_messages"], rows[2]["post_edit_effort"]) == ("", "", "")
    assert rows[0]["post_edit_effort"] == "0.0" and rows[0]["qa_warnings"] == ""

    lines = [json.loads(line) for line in (tmp_path / "qa.jsonl").read_text(encoding="utf-8").splitlines()]
    assert lines[1]["qa_warnings"] == ["number"] and lines[1]["qa_messages"] == ["332,5 is not in the English"]
    assert lines[2]["qa_warnings"] == [] and lines[2]["post_edit_effort"] is None
    assert lines[3]["qa_warnings"] == ["number"]  # pending: its MT is checked

    tmx = etree.fromstring((tmp_path / "qa.tmx").read_bytes())
    dtd = etree.DTD(str(DTD))
    assert dtd.validate(tmx), dtd.error_log.filter_from_errors()
    title, fund = tmx.findall("body/tu")  # only the reviewed sentences
    assert fund.get("tuid") == "pulje.txt:1:0"
    assert fund.findtext("prop[@type='x-qa-warnings']") == "number"
    assert fund.findtext("prop[@type='x-qa-message']") == "332,5 is not in the English"
    assert float(fund.findtext("prop[@type='x-post-edit-effort']")) > 0
    assert title.find("prop[@type='x-qa-warnings']") is None and title.find("prop[@type='x-qa-message']") is None
    # every prop comes before the first tuv, as the DTD requires
    tags = [child.tag for child in fund]
    assert tags.index("tuv") > max(i for i, tag in enumerate(tags) if tag == "prop")

    records = export_records(qa_store)
    assert read_csv((tmp_path / "qa.csv").read_text(encoding="utf-8")) == records
    assert read_jsonl((tmp_path / "qa.jsonl").read_text(encoding="utf-8")) == records
    assert read_tmx((tmp_path / "qa.tmx").read_bytes()) == records[:2]


# --------------------------------------------------------------------------- command line


@pytest.fixture
def seeded_db(seeded_template, store_copy):
    """This test's own copy of the seeds translated by the tiny model."""
    with store_copy(seeded_template) as store:
        yield store


def test_export_command_writes_every_format_from_the_seeds(seeded_db, tmp_path, tiny_model):
    db = seeded_db.path
    for fmt in ("csv", "tmx", "jsonl"):
        out = tmp_path / f"seeds.{fmt}"
        result = run("export", "--format", fmt, "--out", out, "--db", db)
        assert result.exit_code == 0, result.output
        assert out.exists()
    records = read_csv((tmp_path / "seeds.csv").read_bytes().decode("utf-8"))
    assert len(records) == 17 and all(r.mt and r.status == "pending" for r in records)
    assert {r.translator_model for r in records} == {str(tiny_model)}
    assert records[0].danish.startswith("Offensiven mod ISIL")
    assert read_jsonl((tmp_path / "seeds.jsonl").read_text(encoding="utf-8")) == records
    tmx = etree.fromstring((tmp_path / "seeds.tmx").read_bytes())
    assert etree.DTD(str(DTD)).validate(tmx) and tmx.findall("body/tu") == []

    seeded_db.save_review(records[0].danish, "The offensive.", "corrected", expected_version=0, reviewer="ann")
    out = tmp_path / "reviewed.tmx"
    assert run("export", "--out", out, "--db", db).exit_code == 0  # format from the suffix
    assert [r.final for r in read_tmx(out.read_bytes())] == ["The offensive."]
    stdout = run("export", "--format", "jsonl", "--only-reviewed", "--document", "002", "--out", "-", "--db", db)
    assert stdout.exit_code == 0
    assert [json.loads(line)["final"] for line in stdout.stdout.splitlines()] == ["The offensive."]


def test_export_refuses_to_overwrite_without_force(seeded_db, tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("keep me", encoding="utf-8")
    refused = run("export", "--out", out, "--db", seeded_db.path)
    assert refused.exit_code == 1 and "--force" in refused.output
    assert out.read_text(encoding="utf-8") == "keep me"
    forced = run("export", "--out", out, "--excel", "--force", "--db", seeded_db.path)
    assert forced.exit_code == 0, forced.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbfid,document,")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_export_bad_arguments(seeded_db, tmp_path):
    db = seeded_db.path
    assert run("export", "--format", "xml", "--out", tmp_path / "a.xml", "--db", db).exit_code == 2
    assert run("export", "--out", tmp_path / "a.txt", "--db", db).exit_code == 2  # no format, unknown suffix
    assert run("export", "--format", "tmx", "--excel", "--out", tmp_path / "a.tmx", "--db", db).exit_code == 2
    assert run("export", "--format", "csv", "--db", db).exit_code == 2  # no --out
    english = run("export", "--document", "000", "--out", tmp_path / "a.csv", "--db", db)
    assert english.exit_code == 2 and "is not a Danish document" in english.output
    # an unknown document is a bad argument, as in every command that takes --document/--source/--target
    missing = run("export", "--document", "nope", "--out", tmp_path / "a.csv", "--db", db)
    assert missing.exit_code == 2 and "nope" in missing.output
    assert not any(tmp_path.glob("a.*"))
    for command in (["export"], ["import-reviews"]):
        assert run(*command, "--help").exit_code == 0


# --------------------------------------------------------------------------- import-reviews


def edit_csv(path: Path, edits: dict[int, dict[str, str]], bom: bool = True, delimiter: str = ",",
             encoding: str = "utf-8", blank_row: bool = False) -> None:
    """Change cells the way a spreadsheet user would, and save again."""
    text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    for index, changes in edits.items():
        for column, value in changes.items():
            rows[index + 1][header.index(column)] = value
    if blank_row:
        rows.insert(1, [""] * len(header))
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    # characters the encoding lacks (in MT output) become "?", as a spreadsheet would save them
    path.write_bytes((("\ufeff" if bom else "") + out.getvalue()).encode(encoding, errors="replace"))


def test_import_reviews_applies_edits_and_reports_stale_and_invalid_rows(seeded_db, tmp_path):
    store, db, sheet = seeded_db, seeded_db.path, tmp_path / "review.csv"
    segments = store.segments(language="da", include_furniture=False)
    mt = store.latest_translations([segments[1].text_hash])[segments[1].text_hash][0]
    store.save_review(segments[4].text, "-5 % is the figure.", "corrected", expected_version=0, reviewer="ann")
    store.save_review(segments[7].text, "=unchanged", "corrected", expected_version=0, reviewer="ann")
    assert run("export", "--excel", "--out", sheet, "--db", db).exit_code == 0
    # someone saves sentence 3 in the app after the export
    store.save_review(segments[3].text, "Saved in the app.", "corrected", expected_version=0, reviewer="bo")
    edit_csv(sheet, {
        0: {"final": "- The offensive, \"Mosul\"\nsecond line", "status": "Corrected "},
        1: {"status": "accepted"},  # an empty final accepts the MT
        2: {"final": "A fix", "status": "done"},
        3: {"final": "Stale edit.", "status": "corrected"},
        4: {"status": "accepted"},  # its final cell still holds the apostrophe the export added
        5: {"status": "rejected"},  # no reason
        6: {"status": "rejected", "reason": "=garbled"},
    })
    dry = run("import-reviews", sheet, "--db", db, "--dry-run")
    assert "4 applied, 10 skipped, 1 stale, 2 invalid (dry run: nothing saved)" in dry.stdout, dry.output
    assert store.review(segments[0].text_hash) is None
    result = run("import-reviews", sheet, "--db", db, "--reviewer", "outside")
    assert result.exit_code == 0, result.output
    assert "4 applied, 10 skipped, 1 stale, 2 invalid" in result.stdout
    assert "row 4 (002_35452d5bb9e7cfc4.txt:1:1): invalid: unknown status 'done'" in result.output
    assert "row 5" in result.output and "stale" in result.output and "bo" in result.output
    assert "row 7" in result.output and "reason" in result.output

    first = store.review(segments[0].text_hash)
    assert (first.final_text, first.status, first.reviewer, first.version) == (
        '- The offensive, "Mosul"\nsecond line', "corrected", "outside", 1)
    assert (store.review(segments[1].text_hash).final_text, store.review(segments[1].text_hash).status) == (
        mt, "accepted")
    assert store.review(segments[2].text_hash) is None  # the invalid row changed nothing
    assert store.review(segments[3].text_hash).final_text == "Saved in the app."  # the stale row did not overwrite
    rejected = store.review(segments[6].text_hash)
    assert (rejected.status, rejected.reason) == ("rejected", "=garbled")
    fourth = store.review(segments[4].text_hash)
    assert (fourth.final_text, fourth.status, fourth.version) == ("-5 % is the figure.", "accepted", 2)
    assert store.review(segments[7].text_hash).version == 1  # an unchanged row is skipped, not saved again

    again = run("import-reviews", sheet, "--db", db, "--reviewer", "outside")
    assert "0 applied, 14 skipped, 1 stale, 2 invalid" in again.stdout  # importing twice changes nothing
    assert len(store.review_history(segments[0].text_hash)) == 1


def test_import_reviews_reports_a_sentence_that_changed_since_export(store, tmp_path):
    source = tmp_path / "notat.txt"
    source.write_text("Første sætning om Mosul.\n\nAnden sætning om koalitionen.\n", encoding="utf-8")
    add_documents(store, [source], language="da")
    sheet = tmp_path / "notat.csv"
    assert run("export", "--out", sheet, "--db", store.location).exit_code == 0
    source.write_text("Første sætning om Raqqa.\n\nAnden sætning om koalitionen.\n", encoding="utf-8")
    add_documents(store, [source], language="da")  # the file changed: its new version replaces the old
    edit_csv(sheet, {0: {"final": "First.", "status": "corrected"}, 1: {"final": "Second.", "status": "corrected"}},
             bom=False, blank_row=True)
    result = run("import-reviews", sheet, "--db", store.location)
    assert "1 applied, 0 skipped, 1 stale, 0 invalid" in result.stdout, result.output
    # the blank row a spreadsheet may leave is passed over, and row numbers still match the sheet
    assert "row 3 (notat.txt:0:0): stale: the Danish sentence changed" in result.output
    assert store.review(text_hash("Første sætning om Raqqa.")) is None
    assert store.review(text_hash("Anden sætning om koalitionen.")).reviewer == "import:notat.csv"


def test_import_reads_a_semicolon_windows_1252_sheet_and_dry_run_saves_nothing(seeded_db, tmp_path):
    store, sheet = seeded_db, tmp_path / "sheet.csv"
    assert run("export", "--excel", "--out", sheet, "--db", store.location).exit_code == 0
    edit_csv(sheet, {0: {"final": "'-æøå", "status": "corrected"}}, bom=False, delimiter=";", encoding="cp1252")
    dry = run("import-reviews", sheet, "--excel", "--dry-run", "--db", store.location)
    assert dry.exit_code == 0 and "1 applied, 16 skipped" in dry.stdout and "dry run" in dry.stdout
    first = store.segments(language="da")[0]
    assert store.review(first.text_hash) is None
    assert run("import-reviews", sheet, "--excel", "--db", store.location).exit_code == 0
    assert store.review(first.text_hash).final_text == "-æøå"


def test_import_ignores_edited_qa_columns(qa_store, tmp_path):
    store, sheet = qa_store, tmp_path / "qa.csv"
    assert run("export", "--excel", "--out", sheet, "--db", store.location).exit_code == 0
    edit_csv(sheet, {
        # only the derived cells changed: nothing to apply
        1: {"qa_warnings": "", "qa_messages": "looks fine to me", "post_edit_effort": "0"},
        2: {"qa_warnings": "number\nname", "post_edit_effort": "=1+1"},
        # a real edit, with a QA cell that claims the new text is flagged
        3: {"final": "12 prizes were awarded in 2023.", "status": "corrected", "qa_warnings": "number"},
    })
    result = run("import-reviews", sheet, "--db", store.location)
    assert result.exit_code == 0, result.output
    assert "1 applied, 4 skipped, 0 stale, 0 invalid" in result.stdout
    fund = store.segments(language="da", include_furniture=False)[1]
    assert store.review(fund.text_hash).version == 1 and len(store.review_history(fund.text_hash)) == 1
    # the QA fields are derived from the texts again, whatever the sheet said
    title, fund, clean, prizes, unseen = export_records(store)
    assert fund.qa_warnings == ("number",) and fund.post_edit_effort > 0
    assert clean.qa_warnings == () and clean.post_edit_effort is None
    assert (prizes.final, prizes.qa_warnings) == ("12 prizes were awarded in 2023.", ())
    assert prizes.post_edit_effort == round(post_edit_effort("Prizes were awarded in 2023.", prizes.final), 2)


def test_import_rejects_a_file_that_is_not_an_export(store, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("name,value\na,1\n", encoding="utf-8")
    result = run("import-reviews", other, "--db", store.location)
    assert result.exit_code == 1 and "text_hash" in result.output and "Traceback" not in result.output
    with pytest.raises(ValueError, match="review_version"):
        read_csv_rows("id,text_hash,status,final\n", required=("id", "review_version"))
    assert import_reviews(store, [], "x").summary() == "0 applied, 0 skipped, 0 stale, 0 invalid"


def test_the_manual_documents_every_column():
    manual = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    section = manual.split("\n## Fields\n", 1)[1].split("\n## ", 1)[0]
    assert [column for column in COLUMNS if f"`{column}`" not in section] == []


def test_a_dry_run_sees_two_rows_of_one_sentence_as_the_real_import_does(store, tmp_path):
    # The same Danish sentence in two documents: two rows, one review (reviews are keyed by text).
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Ministeren mødtes med koalitionen.\n\nEn anden sætning i " + name + ".\n",
                                     encoding="utf-8")
    add_documents(store, [tmp_path / "a.txt", tmp_path / "b.txt"], language="da")
    sheet = tmp_path / "both.csv"
    assert run("export", "--out", sheet, "--db", store.location).exit_code == 0
    edit_csv(sheet, {0: {"final": "The minister met the coalition.", "status": "corrected"},
                     2: {"final": "The minister met the alliance.", "status": "corrected"},  # disagrees
                     3: {"final": "Another sentence in b.", "status": "corrected"}}, bom=False)
    dry = run("import-reviews", sheet, "--db", store.location, "--dry-run")
    real = run("import-reviews", sheet, "--db", store.location)
    for result in (dry, real):
        assert "2 applied, 1 skipped, 1 stale, 0 invalid" in result.stdout, result.output
        assert "row 4 (b.txt:0:0): stale: row 2 of this file already changes this sentence" in result.output
    assert store.review(text_hash("Ministeren mødtes med koalitionen.")).final_text == "The minister met the coalition."

    # Two rows that agree: the second is simply already done, in both modes.
    agreed = tmp_path / "agreed.csv"
    assert run("export", "--out", agreed, "--db", store.location).exit_code == 0
    edit_csv(agreed, {0: {"final": "Met.", "status": "corrected"}, 2: {"final": "Met.", "status": "corrected"}},
             bom=False)
    for flag in (["--dry-run"], []):
        result = run("import-reviews", agreed, "--db", store.location, *flag)
        assert "1 applied, 3 skipped, 0 stale, 0 invalid" in result.stdout, result.output
