"""The alignment scorer on hand-made cases with known answers, and the seeded gold generator."""

from collections import Counter

import pytest
from support.gold import CONDITIONS, article_starts, comparable_case, load_ntrex, parallel_case
from support.score import format_bead, links, parse_bead, score_beads, score_cases, score_pairs

# Worked by hand below: a merge (1-2), a split (2-1) and null beads, where strict and lax differ.
GOLD = [((0,), (0,)), ((1,), (1, 2)), ((2, 3), (3,)), ((4,), ()), ((), (4,))]
TEST = [((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2,), (3,)), ((3,), ()), ((4,), (4,))]


def test_a_perfect_alignment_scores_one_everywhere():
    s = score_beads(GOLD, GOLD)
    assert s.as_dict() == dict.fromkeys(s.as_dict(), 1.0)


def test_merges_and_splits_separate_strict_from_lax():
    # Precision over the 6 test beads: only [0]:[0] is exact; [1]:[1] and [2]:[3] overlap a gold bead
    # on both sides (lax hits); []:[2], [3]:[] and [4]:[4] overlap nothing.
    # Recall over the 3 gold beads with two sides: [0]:[0] exact; [1]:[1,2] and [2,3]:[3] overlap.
    s = score_beads(GOLD, TEST)
    assert s.precision_strict == pytest.approx(1 / 6)
    assert s.precision_lax == pytest.approx(3 / 6)
    assert s.recall_strict == pytest.approx(1 / 3)
    assert s.recall_lax == pytest.approx(1.0)
    assert s.f1_strict == pytest.approx(2 / 9)
    assert s.f1_lax == pytest.approx(2 / 3)


def test_null_beads_count_in_precision_but_not_in_recall():
    gold = [((0,), (0,)), ((1,), ())]
    missed_null = [((0,), (0,)), ((1,), (1,))]  # the deletion is aligned to a target that is not there
    s = score_beads(gold, missed_null)
    assert (s.precision_strict, s.recall_strict) == (0.5, 1.0)
    right_null = [((0,), (0,)), ((1,), ())]
    assert score_beads(gold, right_null).f1_strict == 1.0
    # a wrong null bead costs precision only
    s = score_beads([((0,), (0,))], [((0,), (0,)), ((), (1,))])
    assert (s.precision_strict, s.recall_strict) == (0.5, 1.0)


def test_cases_are_micro_averaged():
    one = ([((0,), (0,))], [((0,), (0,))])  # 1 of 1 right
    three = ([((0,), (0,)), ((1,), (1,)), ((2,), (2,))], [((0,), (1,)), ((1,), (0,)), ((2,), (2,))])  # 1 of 3
    s = score_cases([one[0], three[0]], [one[1], three[1]])
    assert s.precision_strict == pytest.approx(2 / 4)  # not the mean of 1 and 1/3
    with pytest.raises(ValueError):
        score_cases([one[0]], [one[1], three[1]])


def test_beads_may_be_objects_with_src_and_tgt():
    from bilingual.align import Bead

    s = score_beads(GOLD, [Bead(src, tgt, 0.5) for src, tgt in GOLD])
    assert s.f1_strict == 1.0


def test_pair_scores_count_unaligned_sentences_right():
    # links: gold {(0,0), (1,1), (1,2), (2,3), (3,3)}, test {(0,0), (1,1), (2,3), (4,4)}
    s = score_pairs(GOLD, TEST)
    assert (s.true_positives, s.predicted, s.gold) == (3, 4, 5)
    assert (s.precision, s.recall) == (0.75, 0.6)
    assert s.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    # leaving an unmatched sentence alone costs nothing; linking it is a false positive
    gold = [((0,), (0,)), ((1,), ())]
    assert score_pairs(gold, [((0,), (0,)), ((1,), ())]).f1 == 1.0
    assert score_pairs(gold, [((0,), (0,)), ((1,), (1,))]).precision == 0.5
    assert links(GOLD) == {(0, 0), (1, 1), (1, 2), (2, 3), (3, 3)}


def test_vecalign_bead_format_round_trips():
    assert format_bead((0, 1), (2,), 0.25) == "[0, 1]:[2]:0.250000"
    assert format_bead((), (5,)) == "[]:[5]"
    assert parse_bead("[0, 1]:[2]:0.250000") == ((0, 1), (2,), 0.25)
    assert parse_bead("[]:[3]") == ((), (3,), None)
    with pytest.raises(ValueError):
        parse_bead("0-1")


# --------------------------------------------------------------------------- the gold generator


def test_missing_gold_data_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="ntrex128.dan"):
        load_ntrex(tmp_path)


def test_ntrex_is_line_parallel_and_split_into_articles(ntrex):
    da, en = ntrex
    assert len(da) == len(en) == 1997
    starts = article_starts(en)
    assert starts[0] == 0 and 100 < len(starts) < 160
    assert en[starts[1]] == "Macedonians go to polls in referendum on changing country's name"


def _covers_each_sentence_once(case):
    src = sorted(i for s, _ in case.gold for i in s)
    tgt = sorted(j for _, t in case.gold for j in t)
    return src == list(range(len(case.src))) and tgt == list(range(len(case.tgt)))


def test_parallel_cases_are_seeded_and_their_gold_is_exact(ntrex):
    da, en = ntrex
    case = parallel_case(da, en, 3, length=400, merge_rate=0.05, delete_rate=0.04)
    again = parallel_case(da, en, 3, length=400, merge_rate=0.05, delete_rate=0.04)
    assert (case.src, case.tgt, case.gold) == (again.src, again.tgt, again.gold)
    assert parallel_case(da, en, 4, length=400).gold != case.gold
    assert _covers_each_sentence_once(case)
    kinds = Counter(f"{len(s)}-{len(t)}" for s, t in case.gold)
    assert {"1-1", "1-2", "2-1", "1-0", "0-1"} <= set(kinds)
    for src, tgt in case.gold:  # each gold bead's English is the reference of its Danish side
        if src and tgt:
            assert " ".join(case.reference[i] for i in src) == " ".join(case.tgt[j] for j in tgt)


def test_comparable_cases_shuffle_split_drop_and_distract(ntrex):
    da, en = ntrex
    case = comparable_case(da, en, 5, articles=6, documents=4)
    assert _covers_each_sentence_once(case)
    linked = [(s, t) for s, t in case.gold if s and t]
    unmatched = [s for s, t in case.gold if s and not t]
    distractors = [t for s, t in case.gold if t and not s]
    assert abs(len(linked) - len(unmatched)) <= 1  # half the Danish sentences have no counterpart
    assert len(distractors) == len(linked)
    assert set(case.tgt_doc) == {0, 1, 2, 3}
    positions = [t[0] for _, t in sorted(linked)]
    assert positions != sorted(positions)  # shuffled
    assert all(case.tgt[t[0]] == case.reference[s[0]] for s, t in linked)
    distractor_text = {case.tgt[t[0]] for t in distractors}
    assert not distractor_text & set(case.reference)  # from other articles


def test_translation_conditions(ntrex):
    import sacrebleu

    da, en = ntrex
    case = parallel_case(da, en, 1, length=300)
    assert case.translations("none") == case.src
    assert case.translations("oracle") == case.reference
    noisy = case.translations("noisy")
    assert noisy == case.translations("noisy") and noisy != case.reference
    chrf = sacrebleu.corpus_chrf(noisy, [case.reference]).score
    assert 55 < chrf < 72  # about OPUS-MT's published chrF on this set (62)
    assert set(CONDITIONS) == {"none", "noisy", "oracle"}
    with pytest.raises(ValueError):
        case.translations("perfect")
