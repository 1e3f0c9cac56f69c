"""Fact check: facts of Danish and English sentences, their differences on realistic sentences, verdicts,
the command and the export; the NTREX-128 acceptance figures on one seeded draw."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DANISH_SEED, ENGLISH_SEEDS

from bilingual.cli import main
from bilingual.factcheck.compare import compare, difference_key, misspelt, name_variants, read_side
from bilingual.factcheck.facts import sentence_facts
from bilingual.factcheck.report import article_date, find_discrepancies
from bilingual.pipeline import add_documents
from bilingual.store import MIGRATIONS, Store
from bilingual.store.discrepancies import StaleVerdictError

REFERENCE = Path(__file__).parent / "data" / "seed002_reference_en.txt"
# Seed 002, paragraph 9 (the Danish release) and seed 001 (an English article on the same deployment).
CONTRIBUTION = ("Fra januar 2017 vil Danmarks militære bidrag til indsatsen mod ISIL således bestå af et radarbidrag "
                "på op til ca. 30 personer, et kapacitetsopbygningsbidrag i Irak på op til ca. 150 soldater, et "
                "styrkebidrag omfattende specialoperationsstyrker på op til ca. 60 personer samt op til ca. 20 "
                "stabsofficerer tilknyttet koalitionens hovedkvarterer.")
SUPPORT = ("Denne støtte kanaliseres via det nye regionale stabiliseringsprogram for Syrien og Irak på cirka 332,5 "
           "millioner kroner, som blev lanceret i oktober 2016.")


def differences(danish: str, english: str, translation: str | None = None) -> list[str]:
    return [d.message for d in compare(read_side(danish, "da", translation), read_side(english, "en"))]


# --------------------------------------------------------------------------- facts


def test_danish_and_english_number_forms_read_the_same():
    da = {(f.value, f.unit, f.qualifier) for f in sentence_facts(SUPPORT, "da") if f.kind == "number"}
    en = {(f.value, f.unit, f.qualifier) for f in sentence_facts(
        "It goes through a programme of about DKK 332.5 million launched in October 2016.", "en") if f.kind == "number"}
    assert da == en == {(332.5e6, "DKK", "about")}
    thousand = [f.value for f in sentence_facts("Det koster 1.000 kr.", "da") if f.kind == "number"]
    assert thousand == [1000.0] == [f.value for f in sentence_facts("It costs DKK 1,000.", "en") if f.kind == "number"]
    facts = sentence_facts(CONTRIBUTION, "da")
    assert [(f.value, f.unit, f.qualifier) for f in facts if f.kind == "number"] == [
        (30, "person", "up to about"), (150, "soldier", "up to about"), (60, "person", "up to about"),
        (20, "officer", "up to about")]
    assert [(f.year, f.month) for f in facts if f.kind == "date"] == [(2017, 1)]


def test_dates_times_of_day_and_identifiers():
    facts = sentence_facts("It was announced by Mette Frederiksen on 10 February 2022 at 1 p.m.", "en")
    assert [(f.kind, f.text) for f in facts] == [("name", "Mette Frederiksen"), ("date", "10 February 2022")]
    assert facts[0].name_kind == "person"
    danish = sentence_facts("Mødet holdes den 10. februar 2022 kl. 13 om F-35 og COVID-19.", "da")
    assert [(f.kind, f.day, f.month, f.year) for f in danish if f.kind != "name"] == [("date", 10, 2, 2022)]
    assert article_date("Denmark to resume anti-ISIS training\n\n17-02-2020\nMohammed Rwanduzy") == "2020-02-17"


# --------------------------------------------------------------------------- differences: true positives


def test_the_seed_soldiers_a_number_that_differs():
    assert differences(CONTRIBUTION, "About 80 Danish soldiers were stationed at Ain al-Asad.") == [
        "number: op til ca. 150 soldater / About 80 Danish soldiers"]


def test_a_qualifier_lost_a_unit_changed_a_year_changed():
    assert differences(CONTRIBUTION, "Denmark will send 150 soldiers to Iraq from January 2017.") == [
        "qualifier: op til ca. 150 soldater / 150 soldiers"]
    assert differences(SUPPORT, "The programme for Syria and Iraq of about 332.5 million euros was launched in "
                                "October 2016.") == ["unit: cirka 332,5 millioner kroner / about 332.5 million euros"]
    assert differences(SUPPORT, "The programme for Syria and Iraq of about DKK 335 million was launched in "
                                "October 2015.") == ["number: cirka 332,5 millioner kroner / about DKK 335 million",
                                                     "date: oktober 2016 / October 2015"]


def test_a_name_spelt_two_ways_against_the_danish_and_within_one_article():
    danish = "Forsvarsminister Trine Bramsen siger, at træningen genoptages."
    assert differences(danish, "Defence minister Trine Brasmen said training would resume.") == [
        "name: Trine Bramsen / Trine Brasmen"]
    article = (ENGLISH_SEEDS[0].parent / "001_8f35986f9b8ad518.txt").read_text(encoding="utf-8").splitlines()
    found = [(fa.text, fb.text) for _, fa, _, fb in name_variants(enumerate(article))]
    assert ("Bramsen", "Trine Brasmen") in found
    assert misspelt("Bramsen", "Brasmen") and not misspelt("Iran", "Iraq") and not misspelt("Syrien", "Syria")


# --------------------------------------------------------------------------- differences: false positives avoided


@pytest.mark.parametrize(("danish", "english"), [
    (SUPPORT, "This support is channelled through the new regional stabilisation programme for Syria and Iraq of "
              "approximately DKK 332.5 million, which was launched in October 2016."),
    (CONTRIBUTION, "From January 2017, Denmark's military contribution will consist of a radar contribution of up to "
                   "about 30 people, a capacity-building contribution in Iraq of up to about 150 soldiers, special "
                   "operations forces of up to about 60 people and up to about 20 staff officers."),
    ("Stormen var 620 km syd for Punta Eugenia kl. 10 søndag.", "The storm was 385 miles south of Punta Eugenia at "
                                                                "5 a.m. Sunday."),
    ("Det seneste møde blev holdt i Paris i oktober.", "The most recent meeting was held in Paris in October."),
    ("Danmarks bidrag til Grønland og Tyskland vokser.", "Denmark's contribution to Greenland and Germany grows."),
    ("Han fik en bøde på 2,000 $.", "He was fined $2,000."),
])
def test_the_same_fact_in_the_two_languages_is_no_difference(danish, english):
    assert differences(danish, english) == []


def test_the_reference_translation_of_the_seed_has_no_difference_and_a_shifted_one_does():
    from bilingual.documents import parse_text
    from bilingual.segment import segment_document

    doc = parse_text(DANISH_SEED.read_text(encoding="utf-8"), name=DANISH_SEED.name)
    danish = [s.text for s in segment_document(doc)]
    english = REFERENCE.read_text(encoding="utf-8").splitlines()
    assert {d: differences(d, e) for d, e in zip(danish, english, strict=True) if differences(d, e)} == {}
    # the MT only adds what the Danish lacks: a garbage translation (the test model's) changes nothing here
    garbage = "Xyzzy Frobnicate 17 Qwerty blorp"
    assert all(differences(d, e, garbage) == [] for d, e in zip(danish, english, strict=True))
    # the same reference with its facts changed as an article might report them
    changed = {14: ("approx. 150 soldiers", "80 soldiers"), 16: ("October 2016", "October 2015"),
               0: ("Claus Hjort Frederiksen", "Claus Hjort Fredriksen")}
    found = {i: differences(danish[i], english[i].replace(*change)) for i, change in changed.items()}
    assert found == {14: ["number: op til ca. 150 soldater / up to 80 soldiers"],
                     16: ["date: oktober 2016 / October 2015"],
                     0: ["name: Claus Hjort Frederiksen / Defence Claus Hjort Fredriksen"]}


# --------------------------------------------------------------------------- verdicts in the store


def test_verdicts_are_versioned_with_history_and_refuse_a_stale_save(store):
    assert len(MIGRATIONS) == store.schema_version
    key = difference_key("number", "a", "b", "150", "80")
    args = {"kind": "number", "left_text": "a", "right_text": "b", "detail": "150 / 80"}
    store.save_verdict(key, "same fact", reviewer="Anna", **args)
    saved = store.save_verdict(key, "real discrepancy", reviewer="Bo", note="80 was earlier", expected_version=1,
                               **args)
    assert (saved.version, saved.label) == (2, "real discrepancy (Bo)")
    assert [(v.verdict, v.reviewer) for v in store.verdict_history(key)] == [("same fact", "Anna"),
                                                                            ("real discrepancy", "Bo")]
    with pytest.raises(StaleVerdictError):
        store.save_verdict(key, "not comparable", expected_version=1, **args)
    with pytest.raises(ValueError, match="unknown verdict"):
        store.save_verdict(key, "maybe", **args)
    assert store.discrepancy_verdicts()[key].verdict == "real discrepancy"


# --------------------------------------------------------------------------- the command and the export


@pytest.fixture
def checked(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("Danish troops\n\nAbout 80 Danish soldiers were stationed at Ain al-Asad in 2016.\n\n"
                       "Defence minister Trine Brasmen spoke. Trine Bramsen added more.\n", encoding="utf-8")
    db = tmp_path / "check.sqlite3"
    with Store(db) as store:
        add_documents(store, [DANISH_SEED, article])
        danish, english = store.document(DANISH_SEED.name), store.document("article.txt")
        source = next(s for s in store.segments(danish.id) if "150 soldater" in s.text)
        target = store.segments(english.id)[1]
        store.replace_alignments(danish.id, [english.id], "comparable", {}, [((source.id,), (target.id,), 0.7, 0, "t")])
    return db, source


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_the_command_lists_differences_in_every_format(checked):
    db, source = checked
    text = run("discrepancies", "--db", db)
    assert text.exit_code == 0, text.output
    assert "[number] op til ca. 150 soldater / About 80 Danish soldiers  (aligned; pending;" in text.output
    assert "[date] januar 2017 / 2016" in text.output and "(same article; pending;" in text.output
    rows = [json.loads(line) for line in run("discrepancies", "--format", "jsonl", "--db", db).output.splitlines()
            if line.startswith("{")]
    assert {(r["kind"], r["source"]) for r in rows} == {("number", "aligned"), ("date", "aligned"),
                                                        ("name", "same article")}
    assert all(r["left_id"] == source.stable_id for r in rows if r["source"] == "aligned")
    tsv = run("discrepancies", "--format", "tsv", "--db", db).stdout.splitlines()
    assert tsv[0].split("\t")[:4] == ["key", "kind", "source", "verdict"] and len(tsv) >= 4
    assert run("discrepancies", "--format", "csv", "--db", db).stdout.startswith("key,kind,source,verdict")
    assert run("discrepancies", "--document", "nope", "--db", db).exit_code == 2
    missing = run("discrepancies", "--db", db.parent / "missing.sqlite3")
    assert missing.exit_code == 1 and "no store at" in missing.output


def test_a_verdict_shows_in_the_command_and_the_export(checked):
    db, source = checked
    with Store(db) as store:
        item = next(d for d in find_discrepancies(store).items if d.kind == "number")
        store.save_verdict(item.key, "not comparable", kind=item.kind, left_text=item.left.text,
                           right_text=item.right.text, detail=item.detail, reviewer="Anna")
    listed = [json.loads(line) for line in run("discrepancies", "--format", "jsonl", "--db", db).output.splitlines()
              if line.startswith("{")]
    assert [r["verdict"] for r in listed if r["kind"] == "number"] == ["not comparable"]
    exported = run("export", "--out", "-", "--format", "jsonl", "--db", db)
    record = next(json.loads(line) for line in exported.output.splitlines() if f'"{source.stable_id}"' in line)
    assert record["discrepancies"] == ["number: op til ca. 150 soldater / About 80 Danish soldiers",
                                       "date: januar 2017 / 2016"]
    assert record["discrepancy_verdicts"] == ["not comparable (Anna)", "pending"]


# --------------------------------------------------------------------------- the bench's acceptance figures


def test_planted_changes_in_ntrex_are_found_with_few_false_alarms(ntrex):
    from support.plant import PLANTED_KINDS, labelled_pairs, score

    pairs = labelled_pairs(*ntrex, seed=0)
    result = score(pairs)
    assert result.untouched >= sum(result.planted.values())
    for kind in PLANTED_KINDS:
        assert result.planted[kind] >= 50
        assert result.precision(kind) >= 0.9 and result.recall(kind) >= 0.9, kind
    assert result.false_alarm_rate < 0.05
