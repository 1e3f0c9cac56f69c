"""QA checks on translations of Danish sentences, and post-edit effort."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DANISH_SEED

from bilingual.quality import (
    LABELS,
    QaWarning,
    check_identical,
    check_length,
    check_names,
    check_numbers,
    check_translation,
    check_untranslated,
    name_groups,
    post_edit_effort,
)

REFERENCE = Path(__file__).parent / "data" / "seed002_reference_en.txt"


def codes(warnings: list[QaWarning]) -> list[str]:
    return [w.code for w in warnings]


# --------------------------------------------------------------------------- numbers


def test_numbers_in_either_convention_match():
    assert check_numbers("et program på cirka 332,5 millioner kroner", "a programme of about DKK 332.5 million") == []
    assert check_numbers("op til 1.000 soldater i 2017", "up to 1,000 soldiers in 2017") == []
    assert check_translation("Programmet på 332,5 millioner kroner blev lanceret i oktober 2016.",
                             "The programme of DKK 332.5 million was launched in October 2016.") == []


def test_a_wrong_number_is_named_on_both_sides():
    warnings = check_numbers("cirka 332,5 millioner kroner", "approximately DKK 335.2 million")
    assert warnings == [QaWarning("number", "332,5 is not in the English"),
                        QaWarning("number", "335.2 is not in the Danish")]
    assert codes(check_translation("Det kostede 332,5 millioner kroner i 2016.",
                                   "It cost DKK 335.2 million in 2016.")) == ["number", "number"]


def test_a_dropped_and_an_added_number():
    assert check_numbers("op til ca. 150 soldater og 60 personer", "up to approx. 150 soldiers and people") == [
        QaWarning("number", "60 is not in the English")]
    assert check_numbers("op til ca. 150 soldater", "up to approx. 150 soldiers in 2017") == [
        QaWarning("number", "2017 is not in the Danish")]


def test_numbers_written_as_words_or_as_times_are_not_flagged():
    assert check_numbers("De tre lande mødes for fjerde gang.", "The 3 countries meet for the 4th time.") == []
    assert check_numbers("Der kom 3 soldater.", "Three soldiers came.") == []
    assert check_numbers("Mødet begynder kl. 10.15.", "The meeting begins at 10:15.") == []
    # a time is not a licence for any number: 10:51 is not 10.15
    assert check_numbers("Mødet begynder kl. 10.15.", "The meeting begins at 10:51.") == [
        QaWarning("number", "51 is not in the Danish")]


# --------------------------------------------------------------------------- names


def test_names_inside_the_sentence_are_checked():
    source = "Det sagde forsvarsminister Claus Hjort Frederiksen i dag i London om kampen mod ISIL i Mosul."
    assert check_names(source, "Minister of Defence Claus Hjort Frederiksen said so today in London about the "
                               "fight against ISIL in Mosul.") == []
    warnings = check_names(source, "The minister of defence said so today in Paris about the fight against ISIL.")
    assert [w.message for w in warnings] == ["Claus Hjort Frederiksen is not in the English",
                                             "London is not in the English", "Mosul is not in the English"]
    assert check_names(source, "Minister Claus Frederiksen said so in London about ISIL in Mosul.") == [
        QaWarning("name", "Hjort (of Claus Hjort Frederiksen) is not in the English")]


def test_names_match_near_identical_genitive_and_english_forms():
    assert check_names("Fra januar vil Danmarks bidrag i Irak og Syrien vokse.",
                       "From January Denmark's contribution in Iraq and Syria will grow.") == []
    assert check_names("Han mødtes med kolleger fra USA og Tyskland i København.",
                       "He met colleagues from the U.S. and Germany in Copenhagen.") == []
    assert check_names("Han mødtes med kolleger fra USA.", "He met colleagues from France.") == [
        QaWarning("name", "USA is not in the English")]


def test_sentence_initial_words_are_not_names_unless_acronyms():
    # Danish writes nouns in lower case, so only the first word of a sentence is capitalised without being a name.
    assert name_groups("Udvidelsen skal tjene til noget. Baggrund er vigtig.") == []
    assert name_groups("Bl.a. vanskeliggøres offensiven.") == []
    assert check_names("Udvidelsen skal styrke bidraget.", "The expansion shall strengthen the contribution.") == []
    assert check_names('"ISIL er trængt i defensiven.', '"The enemy is on the defensive.') == [
        QaWarning("name", "ISIL is not in the English")]
    # after an abbreviation that never ends a sentence, a capitalised word is a name
    assert [w for g in name_groups("Det gælder bl.a. Mosul.") for w, _ in g] == ["Mosul"]
    # a quotation that opens a sentence is not a name; a quoted name is
    assert name_groups('Han råbte, "Jeg blev bidt!"') == []
    assert [w for g in name_groups('Byen hedder "Raqqa".') for w, _ in g] == ["Raqqa"]


def test_capitalised_danish_words_that_are_not_names():
    assert name_groups("Hvad vil I have, og hvad vil De have?") == []
    assert name_groups("Det er TAK FOR IKKE AT LADE DIG KUE.") == []  # shouting, not acronyms


# --------------------------------------------------------------------------- untranslated


def test_danish_words_left_in_the_english():
    warnings = check_untranslated("Det er vigtigt, at der ikke kun er fokus på det militære spor.",
                                  "It is vigtigt that there is ikke only focus on the militære track.")
    assert warnings == [QaWarning("untranslated", "Danish words in the English: ikke, militære")]
    assert codes(check_untranslated("Kampen og træningen fortsætter.", "The fight og the training continue.")) == [
        "untranslated"]


def test_english_words_and_danish_names_are_not_untranslated():
    assert check_untranslated("Det er vigtigt.", "It is important to note that the offer stands.") == []
    # a Danish name with æ, ø or å is rightly kept
    assert check_untranslated("Det sagde Lars Løkke Rasmussen i Århus.", "Lars Løkke Rasmussen said so in Århus.") == []
    assert check_untranslated("Søren kom i dag.", "Søren came today.") == []
    # "Det." is the English abbreviation of Detective, not Danish, inside a sentence
    assert check_untranslated("Kriminalassistent McCarthy skrev det.", "It was written by Det. McCarthy.") == []


def test_a_copy_of_the_source_is_not_a_translation():
    source = "Det er fjerde gang, at kernelandene i koalitionen holder møde."
    assert check_identical(source, source) == [QaWarning("identical", "the English is the Danish text unchanged")]
    assert check_translation(source, "  " + source.replace(" ", "  ")) == check_identical(source, source)
    assert check_identical("Baggrund", "Baggrund") != []  # a Danish heading left as it is
    for name_or_number in ("Claus Hjort Frederiksen", "ISIL", "2017", "332,5"):
        assert check_identical(name_or_number, name_or_number) == []
        assert check_translation(name_or_number, name_or_number) == []
    assert check_identical(source, "This is the fourth time that the core countries meet.") == []


# --------------------------------------------------------------------------- length and empty


def test_length_ratio_and_empty_english():
    source = "Det seneste møde blev holdt i Paris i oktober."  # 46 characters
    assert check_length(source, "The most recent meeting was held in Paris in October.") == []
    assert codes(check_length(source, "A meeting.")) == ["length"]
    assert "shorter" in check_length(source, "A meeting.")[0].message
    assert "longer" in check_length(source, source * 3)[0].message
    assert check_length("Ja tak.", "Yes, thank you very much indeed.") == []  # too short to judge
    assert check_translation(source, "   ") == [QaWarning("empty", "the English is empty")]
    assert check_translation("", "") == []


def test_every_code_has_a_label():
    assert QaWarning("number", "x").label == "number"
    assert QaWarning("identical", "x").label == LABELS["identical"] == "not translated"


# --------------------------------------------------------------------------- the seed document


def test_the_reference_translation_of_the_seed_raises_no_warning_and_copies_do():
    from bilingual.documents import parse_text
    from bilingual.segment import segment_document

    doc = parse_text(DANISH_SEED.read_text(encoding="utf-8"), name=DANISH_SEED.name)
    danish = [s.text for s in segment_document(doc)]
    english = REFERENCE.read_text(encoding="utf-8").splitlines()
    assert len(danish) == len(english) == 17
    assert {d: check_translation(d, e) for d, e in zip(danish, english, strict=True) if check_translation(d, e)} == {}
    assert all(codes(check_translation(d, d)) == ["identical"] for d in danish)
    # each Danish sentence against the next one's translation: most are flagged
    shifted = sum(bool(check_translation(d, e)) for d, e in zip(danish, english[1:] + english[:1], strict=True))
    assert shifted >= 12


# --------------------------------------------------------------------------- post-edit effort


def test_post_edit_effort():
    assert post_edit_effort("ISIL is on the defensive.", "ISIL is on the defensive.") == 0.0
    # one substituted word out of five in the final text
    assert post_edit_effort("ISIL is at the defensive.", "ISIL is on the defensive.") == pytest.approx(20.0)
    assert post_edit_effort("isil is on the defensive.", "ISIL is on the defensive.") > 0  # case is an edit
    assert post_edit_effort("Something else entirely.", "ISIL is on the defensive.") > 50
    assert post_edit_effort("", "") == 0.0
