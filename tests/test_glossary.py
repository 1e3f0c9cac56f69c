"""The glossary: reading CSV/TSV/TBX termbases, finding inflected terms, the QA check, the store, the CLI, export."""

from __future__ import annotations

import re
import sqlite3

import pytest
from click.testing import CliRunner
from conftest import DANISH_SEED, ROOT

from bilingual.cli import main
from bilingual.documents import load_document
from bilingual.formats.csv import read_csv
from bilingual.formats.xliff import read_xliff
from bilingual.glossary import (
    Glossary,
    Term,
    find_terms,
    missing_terms,
    parse_glossary,
    read_glossary,
    term_rendered,
)
from bilingual.quality import LABELS, QaWarning, check_terms, check_translation
from bilingual.segment import segment_document
from bilingual.store import MIGRATIONS, Store

EXPECTED = [
    Term("Forsvarsministeriet", ("Ministry of Defence", "Defence Ministry"), "the Danish one"),
    Term("koalitionen mod ISIL", ("the coalition against ISIL",)),
    Term("forsvarsminister", ("Minister of Defence", "Defence Minister"), "title before a name"),
]
CSV_TEXT = (
    "danish,english,note\n"
    "Forsvarsministeriet,Ministry of Defence|Defence Ministry,the Danish one\n"
    "koalitionen mod ISIL,the coalition against ISIL,\n"
    'forsvarsminister,"Minister of Defence | Defence Minister","title before a name"\n'
)
TBX_V2 = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en">
  <martifHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></martifHeader>
  <text><body>
    <termEntry id="t1">
      <descrip type="definition">not the note: a note comes first</descrip>
      <note>the Danish one</note>
      <langSet xml:lang="da"><tig><term>Forsvarsministeriet</term></tig></langSet>
      <langSet xml:lang="en-GB">
        <tig><term>Defence Ministry</term></tig>
        <tig><term>Ministry of Defense</term>
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
        <tig><term>Ministry of Defence</term>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
      </langSet>
    </termEntry>
    <termEntry id="t2">
      <langSet xml:lang="DA"><ntig><termGrp><term>koalitionen mod ISIL</term></termGrp></ntig></langSet>
      <langSet xml:lang="de"><tig><term>die Koalition gegen den IS</term></tig></langSet>
      <langSet xml:lang="en"><ntig><termGrp><term>the coalition against ISIL</term></termGrp></ntig></langSet>
    </termEntry>
    <termEntry id="t3">
      <langSet xml:lang="da"><tig><term>forsvarsminister</term></tig></langSet>
      <langSet xml:lang="en"><tig><term>Minister of Defence</term></tig><tig><term>Defence Minister</term></tig>
        <note>title before a name</note></langSet>
    </termEntry>
  </body></text>
</martif>
"""
TBX_V3 = """<?xml version="1.0" encoding="UTF-8"?>
<?xml-model href="TBXcoreStructV03.rng" type="application/xml"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="c1">
      <langSec xml:lang="da"><termSec><term>Forsvarsministeriet</term></termSec></langSec>
      <langSec xml:lang="en">
        <termSec><term>Ministry of Defence</term>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
        <termSec><term>Defence Ministry</term>
          <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></termSec>
      </langSec>
      <note>the Danish one</note>
    </conceptEntry>
    <conceptEntry id="c2">
      <langSec xml:lang="da"><termSec><term>koalitionen mod ISIL</term></termSec></langSec>
      <langSec xml:lang="en"><termSec><term>the coalition against ISIL</term></termSec></langSec>
    </conceptEntry>
    <conceptEntry id="c3">
      <langSec xml:lang="da"><termSec><term>forsvarsminister</term></termSec></langSec>
      <langSec xml:lang="en"><termSec><term>Minister of Defence</term><note>title before a name</note></termSec>
        <termSec><term>Defence Minister</term></termSec></langSec>
    </conceptEntry>
  </body></text>
</tbx>
"""
# A termbase for the seed 002 (the Ministry of Defence release).
SEED_GLOSSARY = (
    "danish,english,note\n"
    "forsvarsminister,Minister of Defence|Defence Minister,\n"
    "koalitionen mod ISIL,the coalition against ISIL,\n"
    "koalitionen,the coalition|coalition,\n"
    "ISIL,ISIL,\n"
    "Mosul,Mosul,\n"
)
FIRST = ("Offensiven mod ISIL i storbyen Mosul og den fremadrettede strategi i kampen mod ISIL var på dagsordenen, da "
         "forsvarsminister Claus Hjort Frederiksen i dag i London mødtes med sine kollegaer fra de andre kernelande i "
         "koalitionen mod ISIL.")
# The MT of FIRST: every term rendered but "koalitionen mod ISIL" (an "anti-ISIL alliance").
FIRST_MT = ("The offensive against ISIL in the city of Mosul and the future strategy in the fight against ISIL were on "
            "the agenda when Minister of Defence Claus Hjort Frederiksen met his colleagues from the other core "
            "countries of the anti-ISIL alliance in London today.")
SECOND = ("Bl.a. vanskeliggøres offensiven i og omkring Mosul ved, at vi fra koalitionens side i videst muligt omfang "
          "gør, hvad vi kan for at skåne civilbefolkningen.")
SECOND_MT = ("Among other things, the offensive in and around Mosul is made more difficult by the fact that we, on the "
             "coalition's side, do as much as we can to spare the civilian population.")
FOURTH_TIME = "Det er fjerde gang, at kernelandene i koalitionen holder møde."


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def hits(text: str, glossary) -> list[tuple[str, str]]:
    return [(h.text, h.term.danish) for h in find_terms(text, glossary)]


# --------------------------------------------------------------------------- reading files


def test_csv_tsv_and_tbx_v2_and_v3_files_read_into_the_same_terms(tmp_path):
    files = {
        "terms.csv": CSV_TEXT,
        # a spreadsheet in a Danish locale saves ";"-separated CSV, with a byte-order mark
        "excel.csv": "\ufeff" + CSV_TEXT.replace(",", ";"),
        "terms.tsv": CSV_TEXT.replace(",", "\t").replace('"', ""),
        "terms-v2.tbx": TBX_V2,
        "terms-v3.tbx": TBX_V3,
        # no telling suffix: told apart by the content
        "termbase.dat": TBX_V3,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        terms = read_glossary(tmp_path / name)
        assert terms == EXPECTED, name
        assert terms[0].preferred == "Ministry of Defence"  # TBX: the preferred term first, the deprecated one out


def test_a_tbx_entry_with_several_danish_terms_gives_one_term_each_and_cp1252_csv_is_read():
    tbx = TBX_V2.replace("<tig><term>forsvarsminister</term></tig>",
                         "<tig><term>forsvarsminister</term></tig><tig><term>forsvarsministeren</term></tig>")
    terms = parse_glossary(tbx.encode("utf-8"), "t.tbx")
    assert [t.danish for t in terms] == ["Forsvarsministeriet", "koalitionen mod ISIL", "forsvarsminister",
                                         "forsvarsministeren"]
    assert terms[3].english == terms[2].english
    windows = "danish,english\nUdenrigsministeriet,Ministry of Foreign Affairs\nfærøsk,Faroese\n".encode("cp1252")
    assert parse_glossary(windows, "w.csv")[1] == Term("færøsk", ("Faroese",))


@pytest.mark.parametrize(("name", "content", "message"), [
    ("no-english.csv", "danish,note\nForsvarsministeriet,x\n",
     r"no-english\.csv: line 1: .*lacks the column\(s\) english"),
    ("empty-cell.csv", "danish,english\nForsvarsministeriet,Ministry of Defence\nkoalitionen, \n",
     r"empty-cell\.csv: line 3: the row has no English text"),
    ("empty.csv", "\n\n", r"empty\.csv: the file is empty"),
    ("junk.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", r"junk\.csv: not a text file"),
    ("junk.tbx", b"\x00\x01\x02\x03\xff\xfe binary", r"junk\.tbx: not a TBX file"),
    ("no-danish.tbx", TBX_V3.replace('<langSec xml:lang="da"><termSec><term>koalitionen mod ISIL</term>'
                                     '</termSec></langSec>', ""),
     r"no-danish\.tbx: entry 2 \(id c2\), line 16: no Danish \(da\) term"),
    ("no-english.tbx", TBX_V2.replace('xml:lang="en"><ntig>', 'xml:lang="fr"><ntig>'),
     r"no-english\.tbx: entry 2 \(id t2\), line \d+: no English \(en\) term"),
    ("broken.tbx", TBX_V2.replace("</termEntry>", "", 1), r"broken\.tbx: line \d+: not well-formed XML"),
    ("other.xml", '<?xml version="1.0"?><xliff version="1.2"/>', r"other\.xml: not a TBX file: the root .*<xliff>"),
])
def test_a_malformed_file_is_a_clear_error_naming_it(tmp_path, name, content, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_glossary(path)


def test_tbx_entities_are_neither_expanded_nor_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    tbx = TBX_V2.replace('<martif type="TBX-Basic"', f'<!DOCTYPE martif [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n'
                                                    '<martif type="TBX-Basic"')
    tbx = tbx.replace("<term>Defence Ministry</term>", "<term>Defence &x;Ministry</term>")
    terms = parse_glossary(tbx.encode("utf-8"), "x.tbx")
    assert terms[0].english == ("Ministry of Defence", "Defence Ministry")
    assert "TOPSECRET" not in repr(terms)


# --------------------------------------------------------------------------- finding terms


def test_inflected_danish_forms_are_found_case_insensitively():
    glossary = Glossary(EXPECTED)
    assert hits("Det oplyser Forsvarsministeriet.", glossary) == [("Forsvarsministeriet", "Forsvarsministeriet")]
    assert hits("Ifølge forsvarsministeriets tal", glossary) == [("forsvarsministeriets", "Forsvarsministeriet")]
    assert hits("FORSVARSMINISTERIET MELDER", glossary) == [("FORSVARSMINISTERIET", "Forsvarsministeriet")]
    assert hits("den amerikanske forsvarsminister Ash Carter og forsvarsministeren", glossary) == [
        ("forsvarsminister", "forsvarsminister"), ("forsvarsministeren", "forsvarsminister")]
    # a plain list of terms works too (the index is built for the call)
    assert hits("koalitionens folk", [Term("koalitionen", "the coalition")]) == [("koalitionens", "koalitionen")]
    assert hits("de irakiske styrker og styrkerne", [Term("styrker", "forces")]) == [("styrker", "styrker"),
                                                                                    ("styrkerne", "styrker")]


def test_a_multi_word_term_is_found_inside_a_sentence_with_its_span_and_the_longest_match_wins():
    glossary = Glossary([*EXPECTED, Term("koalitionen", "the coalition"), Term("ISIL", "ISIL")])
    found = find_terms(FIRST, glossary)
    assert [(h.text, h.term.danish) for h in found] == [
        ("ISIL", "ISIL"), ("ISIL", "ISIL"), ("forsvarsminister", "forsvarsminister"),
        ("koalitionen mod ISIL", "koalitionen mod ISIL")]  # not "koalitionen" and "ISIL" apart
    assert all(FIRST[h.start:h.end] == h.text for h in found)
    assert found[-1].end == len(FIRST) - 1
    # the longer term wins wherever it starts: "mod ISIL i Mosul" over "koalitionen mod ISIL"
    overlapping = Glossary([Term("koalitionen mod ISIL", "the coalition against ISIL"),
                            Term("mod ISIL i Mosul", "against ISIL in Mosul")])
    assert hits("koalitionen mod ISIL i Mosul", overlapping) == [("mod ISIL i Mosul", "mod ISIL i Mosul")]
    # inflected inside a multi-word term
    assert hits("Koalitionens mod ISIL indsats", glossary)[0] == ("Koalitionens mod ISIL", "koalitionen mod ISIL")


def test_terms_match_whole_words_only():
    glossary = Glossary([Term("koalitionen", "the coalition"), Term("Mosul", "Mosul"), Term("ISIL", "ISIL"),
                         Term("koalitionen mod ISIL", "the coalition against ISIL")])
    # a compound or a longer word is another word
    assert hits("de øvrige koalitionslande i Mosulområdet og ISILISM", glossary) == []
    # the Danish genitive is an inflection of the term; a hyphen ends a word
    assert hits("ISILs styrker og ISIL-bekæmpelsen", glossary) == [("ISILs", "ISIL"), ("ISIL", "ISIL")]
    # punctuation between the words of a term breaks it
    assert hits("koalitionen, mod ISIL", glossary) == [("koalitionen", "koalitionen"), ("ISIL", "ISIL")]
    assert hits("koalitionen\nmod ISIL", glossary) == [("koalitionen\nmod ISIL", "koalitionen mod ISIL")]


def test_english_renderings_match_inflected_with_an_optional_leading_article():
    ministry, parliament = EXPECTED[0], Term("folketinget", ("the Danish Parliament", "Folketing"))
    assert term_rendered("The Ministry of Defence's budget", ministry)
    assert term_rendered("both ministries of defence", ministry)
    assert term_rendered("the DEFENCE MINISTRY said", ministry)
    assert not term_rendered("the Ministry of Defense said", ministry)  # another spelling: list it to accept it
    assert not term_rendered("the Ministry of Foreign Affairs and Defence", ministry)
    assert not term_rendered("the Ministry. Of Defence", ministry)
    assert term_rendered("Danish Parliament's vote", parliament)
    assert term_rendered("a vote in the Folketing", parliament)
    assert not term_rendered("the Parliament voted", parliament)


def test_terms_with_the_same_danish_stems_are_one_entry_with_all_renderings():
    glossary = Glossary([Term("Folketinget", "the Danish Parliament"), Term("folketing", "Folketing")])
    assert len(glossary) == 1
    assert glossary.terms[0].english == ("the Danish Parliament", "Folketing")
    assert missing_terms("Folketingets flertal", "the majority of the Folketing", glossary) == []


def test_glossaries_of_the_same_terms_are_equal_so_a_cache_keyed_on_them_survives_a_rebuild():
    assert Glossary(EXPECTED) == Glossary(list(EXPECTED)) and hash(Glossary(EXPECTED)) == hash(Glossary(EXPECTED))
    assert Glossary(EXPECTED) != Glossary(EXPECTED[:2]) and Glossary() != Glossary(EXPECTED)
    assert not Glossary() and len(Glossary(EXPECTED)) == 3


# --------------------------------------------------------------------------- the QA check


def test_the_term_warning_appears_when_the_english_lacks_the_rendering_and_only_then():
    glossary = Glossary(EXPECTED)
    danish = "Det oplyser Forsvarsministeriet i en pressemeddelelse."
    assert check_translation(danish, "The Ministry of Defence said so in a press release.", glossary) == []
    assert check_translation(danish, "The Defence Ministry said so in a press release.", glossary) == []
    lacking = check_translation(danish, "The Department of Defense said so in a press release.", glossary)
    assert lacking == [QaWarning("term", 'Forsvarsministeriet: expected "Ministry of Defence" or "Defence Ministry"')]
    assert lacking[0].label == LABELS["term"] == "terminology"
    # an inflected Danish form is named as written, with the glossary's form
    assert check_terms("Ifølge forsvarsministeriets tal", "According to the ministry's figures", glossary) == [
        QaWarning("term", 'forsvarsministeriets (Forsvarsministeriet): expected "Ministry of Defence" or '
                          '"Defence Ministry"')]
    assert check_terms("Ifølge forsvarsministeriets tal", "According to the Ministry of Defence's figures",
                       glossary) == []
    # a term found twice is one warning
    assert len(check_terms("Forsvarsministeriet og forsvarsministeriet", "the ministry and it", glossary)) == 1
    # without a glossary, or with an empty one, there is no term check (the old call still works); the name
    # check, which the term check stands in for inside a found term, flags the name instead
    no_term = [QaWarning("name", "Forsvarsministeriet is not in the English")]
    assert check_translation(danish, "The Department of Defense said so in a press release.") == no_term
    assert check_translation(danish, "The Department of Defense said so in a press release.", Glossary()) == no_term
    assert check_translation(danish, "The Department of Defense said so in a press release.", []) == no_term


def test_a_name_rendered_as_the_glossary_says_is_not_flagged_by_the_name_check():
    danish = "Det viser en rapport fra Rigsrevisionen i dag."
    english = "A report by the National Audit Office shows it."
    assert [w.code for w in check_translation(danish, english)] == ["name"]
    glossary = Glossary([Term("Rigsrevisionen", "the National Audit Office")])
    assert check_translation(danish, english, glossary) == []
    # names outside the glossary's terms are still checked
    assert check_translation("Rigsrevisionen og Mosul.", "The National Audit Office and Raqqa.", glossary) == [
        QaWarning("name", "Mosul is not in the English")]


# --------------------------------------------------------------------------- the store


def test_importing_the_same_terms_twice_adds_nothing_and_remove_drops_every_entry(store, tmp_path):
    assert store.add_terms(EXPECTED, source="terms.csv") == 3
    assert store.add_terms(EXPECTED, source="terms.csv") == 0
    # case and spaces do not make an entry new; another preferred rendering does
    assert store.add_terms([Term("forsvarsministeriet", ("ministry of  defence",))], source="x") == 0
    assert store.add_terms([Term("Forsvarsministeriet", ("Danish Ministry of Defence",))], source="by hand") == 1
    terms = store.terms()
    assert terms[:3] == EXPECTED and [t.source for t in terms] == ["terms.csv"] * 3 + ["by hand"]
    with Store(store.location) as reopened:
        assert reopened.terms() == terms
    assert store.remove_term("FORSVARSMINISTERIET") == 2
    assert store.remove_term("Forsvarsministeriet") == 0
    assert [t.danish for t in store.terms()] == ["koalitionen mod ISIL", "forsvarsminister"]


def test_a_version_3_store_is_upgraded_with_a_glossary_and_keeps_its_reviews(tmp_path):
    path = tmp_path / "v3.sqlite3"
    conn = sqlite3.connect(path)
    for version, script in enumerate(MIGRATIONS[:3], start=1):
        conn.executescript(f"BEGIN; {script}; PRAGMA user_version = {version}; COMMIT;")
    conn.execute("INSERT INTO reviews VALUES ('h', 'Hej.', NULL, 'Hello.', 'accepted', NULL, 'ana', 't', 1)")
    conn.commit()
    assert "glossary" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS) >= 4
        assert store.review("h").final_text == "Hello."
        assert store.terms() == []
        assert store.add_terms(EXPECTED, source="t.csv") == 3
    with Store(path) as again:  # reopening migrates nothing twice
        assert again.schema_version == len(MIGRATIONS) and len(again.terms()) == 3


# --------------------------------------------------------------------------- the command line and export


def seed_store(tmp_path) -> str:
    """A store with seed 002, MT for three of its sentences and a correction of one of them."""
    db = str(tmp_path / "store.sqlite3")
    with Store(db) as store:
        doc = load_document(DANISH_SEED)
        segments = segment_document(doc)
        store.add_document(doc, segments)
        texts = [s.text for s in segments]
        assert texts[0] == FIRST and SECOND in texts and FOURTH_TIME in texts
        store.put_translations([(FIRST, FIRST_MT), (SECOND, SECOND_MT),
                                (FOURTH_TIME, "It is the fourth time the core countries of the coalition meet.")],
                               "test-key", {"model": "test"})
        # the reviewed text is the one checked: the reviewer's "alliance" does not render "koalitionen"
        store.save_review(FOURTH_TIME, "It is the fourth time the core countries of the alliance meet.", "corrected",
                          expected_version=0, reviewer="ana")
    return db


def test_the_glossary_commands_import_list_add_remove_and_check(tmp_path):
    db = seed_store(tmp_path)
    termbase = tmp_path / "seed.csv"
    termbase.write_text(SEED_GLOSSARY, encoding="utf-8")

    first = run("glossary", "import", termbase, "--db", db)
    assert first.exit_code == 0, first.output
    assert "5 terms read" in first.output and "5 added, 0 already there" in first.output
    again = run("glossary", "import", termbase, "--db", db)
    assert "0 added, 5 already there" in again.output

    added = run("glossary", "add", "Claus Hjort Frederiksen", "Claus Hjort Frederiksen", "--note", "the minister",
                "--db", db)
    assert added.exit_code == 0 and "added: Claus Hjort Frederiksen" in added.output
    assert "already there" in run("glossary", "add", "claus hjort frederiksen", "Claus Hjort Frederiksen",
                                  "--db", db).output
    listed = run("glossary", "list", "--db", db)
    assert listed.exit_code == 0
    assert "forsvarsminister → Minister of Defence | Defence Minister  [seed.csv]" in listed.output
    assert "Claus Hjort Frederiksen → Claus Hjort Frederiksen  (the minister)  [command line]" in listed.output

    removed = run("glossary", "remove", "CLAUS HJORT FREDERIKSEN", "--db", db)
    assert removed.exit_code == 0 and "1 entry" in removed.output
    gone = run("glossary", "remove", "Claus Hjort Frederiksen", "--db", db)
    assert gone.exit_code == 1 and "not in the glossary" in gone.output
    assert "Claus Hjort" not in run("glossary", "list", "--db", db).output

    checked = run("glossary", "check", "--document", "002", "--db", db)
    assert checked.exit_code == 0, checked.output
    out = checked.output
    first_block = out.split(f"{DANISH_SEED.name}:0:0  {FIRST}\n", 1)[1].split(f"{DANISH_SEED.name}:", 1)[0]
    assert first_block.splitlines() == [
        f"  MT: {FIRST_MT}",
        '    ISIL → "ISIL": rendered',
        '    Mosul → "Mosul": rendered',
        '    ISIL → "ISIL": rendered',
        '    forsvarsminister → "Minister of Defence" or "Defence Minister": rendered',
        '    koalitionen mod ISIL → "the coalition against ISIL": NOT rendered',
    ]
    assert '    koalitionens → "the coalition" or "coalition": rendered' in out  # "the coalition's side"
    assert "  reviewed: It is the fourth time the core countries of the alliance meet." in out
    assert '    koalitionen → "the coalition" or "coalition": NOT rendered' in out
    assert '"ISIL": no English yet' in out
    summary = re.search(r"^(\d+) terms found, (\d+) not rendered, (\d+) in sentences with no English yet$", out,
                        re.MULTILINE)
    assert summary, out
    verdicts = re.findall(r"^    .* → .*: (rendered|NOT rendered|no English yet)$", out, re.MULTILINE)
    assert int(summary[1]) == len(verdicts) and int(summary[2]) == verdicts.count("NOT rendered") == 2
    assert int(summary[3]) == verdicts.count("no English yet") > 0


def test_import_of_a_bad_file_fails_cleanly_and_check_needs_a_glossary(tmp_path):
    db = seed_store(tmp_path)
    bad = tmp_path / "bad.tbx"
    bad.write_text(TBX_V3.replace('xml:lang="da"', 'xml:lang="sv"'), encoding="utf-8")
    result = run("glossary", "import", bad, "--db", db)
    assert result.exit_code == 1 and "bad.tbx: entry 1 (id c1)" in result.output and "no Danish (da)" in result.output
    empty = run("glossary", "check", "--db", db)
    assert empty.exit_code == 1 and "the glossary is empty" in empty.output


def test_a_csv_export_carries_the_term_warning_of_a_sentence_that_lacks_the_rendering(tmp_path):
    db = seed_store(tmp_path)
    termbase = tmp_path / "seed.csv"
    termbase.write_text(SEED_GLOSSARY, encoding="utf-8")
    before = tmp_path / "before.csv"
    assert run("export", "--out", before, "--db", db).exit_code == 0
    assert not any("term" in r.qa_warnings for r in read_csv(before.read_text(encoding="utf-8")))

    assert run("glossary", "import", termbase, "--db", db).exit_code == 0
    out = tmp_path / "out.csv"
    result = run("export", "--out", out, "--db", db)
    assert result.exit_code == 0, result.output
    records = {r.id: r for r in read_csv(out.read_text(encoding="utf-8"))}
    first = records[f"{DANISH_SEED.name}:0:0"]
    assert first.qa_warnings.count("term") == 1
    assert first.qa_messages[first.qa_warnings.index("term")] == \
        'koalitionen mod ISIL: expected "the coalition against ISIL"'
    assert "term" not in records[f"{DANISH_SEED.name}:1:1"].qa_warnings  # "the coalition's side" renders it
    corrected = next(r for r in records.values() if r.danish == FOURTH_TIME)
    assert corrected.qa_messages == ('koalitionen: expected "the coalition" or "coalition"',)  # the final text
    # XLIFF carries it as a QA note of its own priority
    xliff = tmp_path / "out.xlf"
    assert run("export", "--out", xliff, "--db", db).exit_code == 0
    assert {r.id: r.qa_warnings for r in read_xliff(xliff.read_bytes())}[first.id] == first.qa_warnings
    assert ('<note from="bilingual-qa" priority="3" annotates="target">term: koalitionen mod ISIL: expected '
            '"the coalition against ISIL"</note>') in xliff.read_text(encoding="utf-8")


def test_every_glossary_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Command line"):readme.index("### Settings")]
    for name in main.commands["glossary"].commands:
        assert f"`bilingual glossary {name}" in table, name
    # the manual's terminology page is linked from the README
    assert "(docs/terminology.md)" in readme and (ROOT / "docs" / "terminology.md").is_file()
