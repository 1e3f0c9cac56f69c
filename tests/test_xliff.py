"""XLIFF 1.2 export for CAT tools, validated against the OASIS strict schema, and import of a reviewed XLIFF file."""

import functools
import io
from dataclasses import replace
from pathlib import Path

import pytest
import test_export
from conftest import ROOT
from lxml import etree
from test_export import run, tricky_records

from bilingual.formats import FORMATS, write_records
from bilingual.formats.xliff import (
    QA_NOTE_PRIORITY,
    XLIFF_NS,
    XLIFF_STATES,
    is_xliff,
    read_xliff,
    read_xliff_units,
    write_xliff,
    xliff_extradata,
)
from bilingual.importing import import_xliff_reviews
from bilingual.records import ExportRecord, export_records
from bilingual.segment import text_hash

DATA = Path(__file__).parent / "data"
# The OASIS XLIFF 1.2 strict schema and the W3C schema of the xml: attributes it imports, both as the
# Debian package php-symfony-translation 5.4.53 ships them (Resources/schemas/); they differ from the
# OASIS files only in line ends, trailing spaces and five en dashes in documentation text.
SCHEMA = DATA / "xliff-core-1.2-strict.xsd"
XML_XSD = DATA / "xml.xsd"
# The stores of the CSV/TMX/JSONL tests, exported as XLIFF here.
aligned_store, qa_store, seeded_db = test_export.aligned_store, test_export.qa_store, test_export.seeded_db
NS = {"x": XLIFF_NS}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The record fields an XLIFF file carries and ``read_xliff`` gives back.
XLIFF_FIELDS = ("id", "document", "document_title", "paragraph", "index", "danish", "mt", "final", "status", "reason",
                "english", "english_document", "alignment_score", "bead", "alignment_method", "alignment_status",
                "text_hash", "review_version", "qa_warnings", "qa_messages")


class _LocalSchemas(etree.Resolver):
    """Resolve the schema's import of http://www.w3.org/2001/xml.xsd to the shipped copy: no network."""

    def resolve(self, url, pubid, context):
        if url == "http://www.w3.org/2001/xml.xsd":
            return self.resolve_filename(str(XML_XSD), context)
        return None


@functools.cache
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(SCHEMA), parser))


def assert_valid(data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    assert schema().validate(root), schema().error_log.filter_from_errors()
    return root


def xliff_bytes(records) -> bytes:
    buffer = io.StringIO()
    write_xliff(records, buffer, created="2024-03-01T08:00:00Z")
    return buffer.getvalue().encode("utf-8")


def units_by_id(root) -> dict[str, etree._Element]:
    return {unit.get("id"): unit for unit in root.iterfind(".//x:trans-unit", NS)}


def essentials(record: ExportRecord) -> tuple:
    # the target of a pending or rejected unit is the MT: its final text (a draft, or the rejected text) is not exported
    if record.status not in ("accepted", "corrected"):
        record = replace(record, final="")
    return tuple(getattr(record, name) for name in XLIFF_FIELDS)


# --------------------------------------------------------------------------- the file


def test_the_schema_is_strict_and_offline():
    # a state XLIFF 1.2 does not define, and an xml:space value xml.xsd does not: both must be refused
    good = xliff_bytes(tricky_records()[:1])
    assert_valid(good)
    for bad in (good.replace(b'state="signed-off"', b'state="done"'),
                good.replace(b'xml:space="preserve"', b'xml:space="keep"')):
        assert not schema().validate(etree.fromstring(bad))


def test_export_of_the_seeds_is_valid_xliff_with_a_file_per_document(aligned_store):
    store, danish, en = aligned_store
    records = export_records(store)
    root = assert_valid(xliff_bytes(records))
    assert root.get("version") == "1.2" and root.tag == f"{{{XLIFF_NS}}}xliff"
    (file,) = root.findall("x:file", NS)
    assert {k: file.get(k) for k in ("original", "source-language", "target-language", "datatype", "tool-id")} == {
        "original": danish[0].document, "source-language": "da", "target-language": "en", "datatype": "plaintext",
        "tool-id": "bilingual"}
    assert file.get("date") == "2024-03-01T08:00:00Z"
    tool = file.find("x:header/x:tool", NS)
    assert (tool.get("tool-id"), tool.get("tool-name")) == ("bilingual", "bilingual") and tool.get("tool-version")
    groups = file.findall("x:body/x:group", NS)
    assert all(g.get("restype") == "x-paragraph" for g in groups)
    assert len(groups) == len({r.paragraph for r in records})
    # one trans-unit per Danish sentence, in document order, each in the group of its paragraph
    assert [u.get("id") for g in groups for u in g.findall("x:trans-unit", NS)] == [r.id for r in records]
    assert all(g.get("id") == f"{r.document}:{r.paragraph}" for g in groups for r in records
               if r.id in {u.get("id") for u in g})
    first = units_by_id(root)[records[0].id]
    assert first.get("extradata") == f"text_hash={danish[0].text_hash} review_version=1"
    assert first.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    assert [s.get(XML_LANG) for s in first.findall("x:source", NS) + first.findall("x:target", NS)] == ["da", "en"]
    assert [essentials(r) for r in read_xliff(xliff_bytes(records))] == [essentials(r) for r in records]
    # imported back untouched, no unit of any status is a new review
    report = import_xliff_reviews(store, read_xliff_units(xliff_bytes(records)), "x")
    assert report.summary() == "0 applied, 17 skipped, 0 stale, 0 invalid"


def test_one_file_element_per_danish_document(aligned_store, tmp_path):
    store = aligned_store[0]
    other = tmp_path / "notat.txt"
    other.write_text("Første sætning.\n\nAnden sætning.\n", encoding="utf-8")
    from bilingual.pipeline import add_documents

    add_documents(store, [other], language="da")
    root = assert_valid(xliff_bytes(export_records(store)))
    originals = [f.get("original") for f in root.findall("x:file", NS)]
    assert len(originals) == 2 and originals[1] == "notat.txt"
    assert [u.get("id") for u in root.findall("x:file[2]//x:trans-unit", NS)] == ["notat.txt:0:0", "notat.txt:1:0"]
    # an empty export is still a valid file
    assert_valid(xliff_bytes([]))


def test_state_mapping_for_each_status(aligned_store):
    store = aligned_store[0]
    corrected, accepted, rejected, pending = export_records(store)[:4]
    no_mt = replace(pending, id="x:9:0", paragraph=9, mt="", qa_warnings=(), qa_messages=())
    root = assert_valid(xliff_bytes([corrected, accepted, rejected, pending, no_mt]))
    units = units_by_id(root)

    def shape(record):
        unit = units[record.id]
        target = unit.find("x:target", NS)
        if target is None:
            return unit.get("approved"), None
        return unit.get("approved"), target.text, target.get("state"), target.get("state-qualifier")

    assert shape(accepted) == ("yes", "MT 1", "signed-off", "leveraged-mt")
    assert shape(corrected) == ("yes", '=Offensive, "quoted"\nsecond line', "signed-off", None)
    assert shape(pending) == ("no", "MT 3", "needs-review-translation", "mt-suggestion")
    # no English counts for a rejected sentence: an empty target to translate again, the MT stays an alt-trans
    assert shape(rejected) == ("no", None, "needs-translation", "rejected-inaccurate")
    assert shape(no_mt) == ("no", None)
    reason = units[rejected.id].find("x:note[@from='bilingual']", NS)
    assert (reason.text, reason.get("annotates")) == ("Rejected: wrong sense", "target")
    # read back, every status is what was exported
    assert [(r.status, r.final, r.mt, r.reason) for r in read_xliff(xliff_bytes([corrected, accepted, rejected,
                                                                                 pending, no_mt]))] == [
        ("corrected", corrected.final, "MT 0", ""), ("accepted", "MT 1", "MT 1", ""),
        ("rejected", "", "MT 2", "wrong sense"), ("pending", "", "MT 3", ""), ("pending", "", "", "")]


def test_a_corrected_unit_keeps_the_mt_and_the_english_sentence_as_alt_trans(aligned_store):
    store, danish, en = aligned_store
    corrected = export_records(store)[0]
    unit = units_by_id(assert_valid(xliff_bytes([corrected])))[corrected.id]
    mt, english = unit.findall("x:alt-trans", NS)
    assert mt.get("origin") == "machine translation" and mt.findtext("x:target", namespaces=NS) == "MT 0"
    assert unit.findtext("x:target", namespaces=NS) != mt.findtext("x:target", namespaces=NS)
    assert (english.get("origin"), english.get("alttranstype")) == (en[0].document, "reference")
    assert english.findtext("x:target", namespaces=NS) == en[0].text
    assert english.findtext("x:note", namespaces=NS) == "Alignment score 0.91, 1-1 bead, dp, machine"


def test_qa_warnings_are_notes_with_a_priority(qa_store):
    records = export_records(qa_store)
    root = assert_valid(xliff_bytes(records))
    units = units_by_id(root)
    fund, clean = units["pulje.txt:1:0"], units["pulje.txt:1:1"]
    (note,) = fund.findall("x:note[@from='bilingual-qa']", NS)
    assert note.text == "number: 332,5 is not in the English"
    assert note.get("priority") == str(QA_NOTE_PRIORITY["number"]) and note.get("annotates") == "target"
    assert clean.findall("x:note", NS) == []
    assert all(1 <= priority <= 10 for priority in QA_NOTE_PRIORITY.values())
    assert [(r.qa_warnings, r.qa_messages) for r in read_xliff(xliff_bytes(records))] == [
        (r.qa_warnings, r.qa_messages) for r in records]


def test_danish_letters_markup_newlines_and_forbidden_characters():
    records = tricky_records()
    records.append(replace(records[0], id="doc æ.txt:20:0", paragraph=20, danish="før\x01 <b>&amp;</b> ]]> efter\x0b",
                           mt="a < b && c > d\x00", final="bell\x07 \"ok\" 'x'\r\nend\ufffe", status="corrected"))
    data = xliff_bytes(records)
    assert b"\x01" not in data and b"\x00" not in data and b"&#13;" in data
    root = assert_valid(data)
    last = units_by_id(root)["doc æ.txt:20:0"]
    assert last.findtext("x:source", namespaces=NS) == "før <b>&amp;</b> ]]> efter"
    assert last.findtext("x:target", namespaces=NS) == "bell \"ok\" 'x'\r\nend"
    parsed = read_xliff(data)
    assert [(r.danish, r.final, r.mt) for r in parsed[:-1]] == [
        (r.danish, r.final, r.mt) for r in records[:-1]]  # quotes, newlines, CRLF, formula text as they were
    assert (parsed[-1].danish, parsed[-1].mt, parsed[-1].final) == (
        "før <b>&amp;</b> ]]> efter", "a < b && c > d", "bell \"ok\" 'x'\r\nend")


def test_the_manual_sample_is_valid_and_its_table_is_the_mapping():
    manual = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    section = manual.split("\n## XLIFF 1.2\n", 1)[1].split("\n## ", 1)[0]
    sample = section.split("```xml\n", 1)[1].split("```", 1)[0]
    (unit,) = assert_valid(sample.encode("utf-8")).iterfind(".//x:trans-unit", NS)
    assert unit.get("extradata") == xliff_extradata(replace(
        tricky_records()[0], text_hash=text_hash(unit.findtext("x:source", namespaces=NS)), review_version=0))
    rows = {line.split("|")[1].strip(): line for line in section.splitlines() if line.startswith("| `")}
    for status, (state, qualifier, approved) in XLIFF_STATES.items():
        row = next(line for name, line in rows.items() if name.startswith(f"`{status}`"))
        assert f"`{state}`" in row and f"`{approved}`" in row and (not qualifier or f"`{qualifier}`" in row)


def test_xliff_is_an_export_format():
    assert "xliff" in FORMATS
    buffer = io.StringIO()
    assert write_records(tricky_records(), "xliff", buffer) == len(tricky_records())
    assert_valid(buffer.getvalue().encode("utf-8"))
    with pytest.raises(ValueError, match="excel"):
        write_records(tricky_records(), "xliff", io.StringIO(), excel=True)


# --------------------------------------------------------------------------- command line


def test_export_command_writes_xliff_and_refuses_to_overwrite(seeded_db, tmp_path):
    db, out = seeded_db.path, tmp_path / "seeds.xlf"
    result = run("export", "--format", "xliff", "--out", out, "--db", db)
    assert result.exit_code == 0, result.output
    assert "17 translation units written" in result.stderr
    root = assert_valid(out.read_bytes())
    assert len(root.findall(".//x:trans-unit", NS)) == 17
    assert all(t.get("state") == "needs-review-translation" for t in root.iterfind(".//x:trans-unit/x:target", NS))

    before = out.read_bytes()
    refused = run("export", "--format", "xliff", "--out", out, "--db", db)
    assert refused.exit_code == 1 and "--force" in refused.output and out.read_bytes() == before
    seeded_db.save_review(seeded_db.segments(language="da")[0].text, "The offensive.", "corrected",
                          expected_version=0, reviewer="ann")
    assert run("export", "--out", out, "--force", "--db", db).exit_code == 0  # format from the .xlf suffix
    assert read_xliff(out.read_bytes())[0].final == "The offensive."
    assert run("export", "--out", tmp_path / "seeds.xliff", "--db", db).exit_code == 0
    assert_valid((tmp_path / "seeds.xliff").read_bytes())
    assert run("export", "--format", "xliff", "--excel", "--out", tmp_path / "a.xlf", "--db", db).exit_code == 2
    assert not (tmp_path / "a.xlf").exists()


# --------------------------------------------------------------------------- import-reviews


def edit_xliff(path: Path, edits: dict[int, dict[str, str]]) -> None:
    """Change trans-units the way a CAT tool saves a translator's work: target text, state, approved."""
    tree = etree.parse(str(path))
    units = tree.findall(".//x:trans-unit", NS)
    for index, changes in edits.items():
        unit, target = units[index], units[index].find("x:target", NS)
        for name, value in changes.items():
            if name == "text":
                target.text = value
            elif name == "segmented":  # some tools mark the segment inside the target
                target.text = None
                etree.SubElement(target, f"{{{XLIFF_NS}}}mrk", mtype="seg").text = value
            elif name == "approved":
                unit.set("approved", value)
            else:
                target.set(name, value)
                if name == "state":
                    target.attrib.pop("state-qualifier", None)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


@pytest.fixture
def exported(seeded_db, tmp_path):
    """The seeds exported as XLIFF, with the store's Danish sentences and their MT."""
    path = tmp_path / "seeds.xlf"
    assert run("export", "--out", path, "--db", seeded_db.path).exit_code == 0
    segments = seeded_db.segments(language="da", include_furniture=False)
    mts = seeded_db.latest_translations(s.text_hash for s in segments)
    return seeded_db, path, segments, [mts[s.text_hash][0] for s in segments]


def test_import_applies_the_targets_a_translator_edited_and_approved(exported):
    store, path, segments, mts = exported
    edit_xliff(path, {
        0: {"text": "The offensive against ISIL & co.\nsecond line", "state": "final", "approved": "yes"},
        1: {"segmented": "Edited in a tool that marks segments.", "state": "translated"},
        2: {"state": "signed-off", "approved": "yes"},  # the MT confirmed as it is
        3: {"state": "translated", "text": "   "},  # no text: nothing to save
    })
    assert_valid(path.read_bytes())
    result = run("import-reviews", path, "--db", store.path)
    assert result.exit_code == 0, result.output
    assert "3 applied, 14 skipped, 0 stale, 0 invalid" in result.stdout
    first, second, third = (store.review(s.text_hash) for s in segments[:3])
    assert (first.status, first.final_text, first.reviewer, first.version) == (
        "corrected", "The offensive against ISIL & co.\nsecond line", "import:seeds.xlf", 1)
    assert (second.status, second.final_text) == ("corrected", "Edited in a tool that marks segments.")
    assert (third.status, third.final_text, third.mt_text) == ("accepted", mts[2], mts[2])
    # untouched units (still MT suggestions) and the empty target changed nothing
    assert all(store.review(s.text_hash) is None for s in segments[3:])


def test_an_edited_target_counts_even_if_the_tool_left_its_state(exported):
    store, path, segments, mts = exported
    edit_xliff(path, {4: {"text": "A new text."}})
    assert read_xliff_units(path.read_bytes())[4]["state"] == "needs-review-translation"
    assert "1 applied, 16 skipped" in run("import-reviews", path, "--db", store.path).stdout
    assert store.review(segments[4].text_hash).status == "corrected"


def test_a_unit_reviewed_in_the_store_after_the_export_is_stale(exported):
    store, path, segments, mts = exported
    edit_xliff(path, {0: {"text": "From the CAT tool.", "state": "translated"},
                      1: {"text": "Also from the CAT tool.", "state": "translated"}})
    store.save_review(segments[1].text, "Saved in the app.", "corrected", expected_version=0, reviewer="bo")
    result = run("import-reviews", path, "--db", store.path)
    assert result.exit_code == 0, result.output
    assert "1 applied, 15 skipped, 1 stale, 0 invalid" in result.stdout
    assert f"unit 2 ({segments[1].stable_id}): stale" in result.stderr and "bo" in result.stderr
    assert store.review(segments[1].text_hash).final_text == "Saved in the app."
    assert store.review(segments[0].text_hash).final_text == "From the CAT tool."


def test_importing_twice_applies_nothing_the_second_time(exported):
    store, path, segments, mts = exported
    edit_xliff(path, {0: {"text": "Once.", "state": "translated"}, 2: {"approved": "yes", "state": "final"}})
    dry = run("import-reviews", path, "--dry-run", "--db", store.path)
    assert "2 applied, 15 skipped, 0 stale, 0 invalid (dry run: nothing saved)" in dry.stdout, dry.output
    assert store.review(segments[0].text_hash) is None
    assert "2 applied, 15 skipped" in run("import-reviews", path, "--db", store.path).stdout
    again = run("import-reviews", path, "--db", store.path)
    assert "0 applied, 17 skipped, 0 stale, 0 invalid" in again.stdout, again.output
    assert [len(store.review_history(s.text_hash)) for s in segments[:3]] == [1, 0, 1]
    # an export made now, with the reviews in it, imported as it is, changes nothing either
    fresh = path.with_name("fresh.xlf")
    assert run("export", "--out", fresh, "--db", store.path).exit_code == 0
    assert "0 applied, 17 skipped" in run("import-reviews", fresh, "--db", store.path).stdout


def test_a_new_mt_after_the_export_changes_no_untouched_unit(exported):
    store, path, segments, mts = exported
    store.save_review(segments[0].text, mts[0], "accepted", expected_version=0, reviewer="ann")
    assert run("export", "--out", path, "--force", "--db", store.path).exit_code == 0
    # a newer model translates every sentence again: the file now holds outdated MT
    store.put_translations([(s.text, f"Newer MT {i}.") for i, s in enumerate(segments)], "newer", {"model": "newer"})
    assert store.latest_translations([segments[0].text_hash])[segments[0].text_hash][0] == "Newer MT 0."
    result = run("import-reviews", path, "--db", store.path)
    assert "0 applied, 17 skipped, 0 stale, 0 invalid" in result.stdout, result.output
    assert store.review(segments[0].text_hash).version == 1 and store.review(segments[1].text_hash) is None
    # the old MT confirmed in the tool is a correction of the newer MT
    edit_xliff(path, {1: {"state": "translated"}})
    assert "1 applied" in run("import-reviews", path, "--db", store.path).stdout
    assert (store.review(segments[1].text_hash).status, store.review(segments[1].text_hash).final_text) == (
        "corrected", mts[1])


def test_import_tells_xliff_by_suffix_or_content_and_refuses_other_xml(exported, tmp_path):
    store, path, segments, mts = exported
    edit_xliff(path, {0: {"text": "By content.", "state": "translated"}})
    renamed = tmp_path / "from-the-tool.txt"
    renamed.write_bytes(path.read_bytes())
    assert is_xliff(renamed.read_bytes(), renamed.name) and is_xliff(b"", "a.XLIFF") and not is_xliff(b"id,x\n", "a")
    result = run("import-reviews", renamed, "--db", store.path)
    assert "1 applied" in result.stdout, result.output
    assert run("import-reviews", path, "--excel", "--db", store.path).exit_code == 2

    tmx = tmp_path / "memory.xlf"
    tmx.write_text('<?xml version="1.0"?><tmx version="1.4"><body/></tmx>', encoding="utf-8")
    broken = tmp_path / "broken.xlf"
    broken.write_text("<xliff><file>", encoding="utf-8")
    for bad, message in ((tmx, "not an XLIFF file"), (broken, "not a well-formed XLIFF file")):
        result = run("import-reviews", bad, "--db", store.path)
        assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


def test_a_unit_without_the_exported_keys_is_invalid(exported):
    store, path, segments, mts = exported
    tree = etree.parse(str(path))
    unit = tree.find(".//x:trans-unit", NS)
    del unit.attrib["extradata"]
    unit.find("x:target", NS).text = "Lost its keys."
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    report = import_xliff_reviews(store, read_xliff_units(path.read_bytes()), "x")
    assert report.summary() == "0 applied, 16 skipped, 0 stale, 1 invalid"
    assert report.problems()[0].row == 1 and "extradata" in report.problems()[0].message
    assert store.review(segments[0].text_hash) is None
