"""Fuzzy translation-memory matches over reviews in a real store."""

from bilingual.memory import FUZZY_THRESHOLD, TranslationMemory
from bilingual.segment import text_hash

BASE = "Danmark bidrager med 120 soldater til koalitionen mod ISIL i Irak."


def memory_from(store) -> TranslationMemory:
    return TranslationMemory(store.translation_memory())


def test_a_near_sentence_finds_the_reviewed_translation_with_its_score(store):
    store.save_review(BASE, "Denmark contributes 120 soldiers to the coalition against ISIL in Iraq.", "corrected",
                      expected_version=0, reviewer="ana")
    store.save_review("Vejret er godt i dag.", "The weather is good today.", "accepted", expected_version=0)
    matches = memory_from(store).lookup("Danmark bidrager med 150 soldater til koalitionen mod ISIL i Irak.")
    assert [m.target_text for m in matches] == ["Denmark contributes 120 soldiers to the coalition against ISIL "
                                                "in Iraq."]
    assert FUZZY_THRESHOLD <= matches[0].score < 100
    assert matches[0].reviewer == "ana" and matches[0].status == "corrected"


def test_matches_are_ranked_and_unrelated_sentences_stay_out(store):
    store.save_review(BASE, "A.", "corrected", expected_version=0)
    store.save_review("Danmark bidrager med 120 soldater til koalitionen mod ISIL.", "B.", "accepted",
                      expected_version=0)
    store.save_review("Regeringen fremlægger et nyt forslag om skat.", "C.", "accepted", expected_version=0)
    matches = memory_from(store).lookup("Danmark bidrager med 120 soldater til koalitionen mod ISIL i Syrien.")
    assert [m.target_text for m in matches] == ["A.", "B."]
    assert matches[0].score > matches[1].score


def test_case_and_punctuation_do_not_lower_the_score_but_words_do(store):
    store.save_review(BASE, "A.", "accepted", expected_version=0)
    tm = memory_from(store)
    assert tm.lookup(BASE.upper().replace(".", "!"))[0].score == 100.0
    assert tm.lookup(BASE.replace("soldater", "officerer"))[0].score < 100.0


def test_the_sentence_itself_rejected_and_pending_reviews_are_not_suggested(store):
    store.save_review(BASE, "A.", "accepted", expected_version=0)
    store.save_review(BASE.replace("120", "130"), None, "rejected", expected_version=0, reason="bad")
    store.save_review(BASE.replace("120", "140"), "P.", "pending", expected_version=0)
    tm = memory_from(store)
    assert len(tm) == 1
    assert tm.lookup(BASE, exclude_hash=text_hash(BASE)) == []
    assert [m.target_text for m in tm.lookup(BASE.replace("120", "150"))] == ["A."]


def test_the_newest_decision_wins_a_tie_and_a_repeated_translation_is_offered_once(store):
    store.save_review(BASE.replace("120", "130"), "Old.", "accepted", expected_version=0)
    store.save_review(BASE.replace("120", "140"), "New.", "accepted", expected_version=0)
    store.save_review(BASE.replace("120", "160"), "New.", "accepted", expected_version=0)
    assert [m.target_text for m in memory_from(store).lookup(BASE.replace("120", "150"))] == ["New.", "Old."]


def test_an_empty_memory_or_an_empty_query_finds_nothing(store):
    assert memory_from(store).lookup(BASE) == []
    store.save_review(BASE, "A.", "accepted", expected_version=0)
    assert memory_from(store).lookup("  ...  ") == []
