"""The QA check *meaning may differ*: a low Danish↔English similarity from the multilingual embedder.

The Danish sentence and its English are embedded by the same model the aligner compares them with
(multilingual-e5-small, ``bilingual.align.load_crosslingual``); their cosine, stretched onto
[0, 1] as the aligner stretches it, is judged against the sentence's document: a translation is
flagged when its similarity is low in itself (below ``MEANING_FLOOR``) or, once a document has
enough sentences to have a distribution, far below the document's median (``MEANING_DROP``).
Short sentences ("Ja.", a heading) are left alone: their embeddings say too little.
The thresholds come from ``bench/qe_eval.py`` (false alarms on NTREX-128 reference translations
against detection of broken translations); see docs/quality.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bilingual.quality import QaWarning

MEANING_FLOOR = 0.40  # stretched similarity below this: flagged whatever the document
MEANING_DROP = 0.50  # ... or this far below the document's median similarity
MIN_DOCUMENT = 8  # sentences a document needs before its median is used
MIN_CHARACTERS = 12  # shorter texts are not judged


def meaning_scores(danish: Sequence[str], english: Sequence[str], embedder: Any = None) -> np.ndarray:
    """The stretched Danish↔English similarity of each pair, in [0, 1]."""
    from bilingual.align import embed, load_crosslingual
    from bilingual.align.crosslingual import stretch

    if not danish:
        return np.zeros(0, np.float32)
    model = embedder if embedder is not None else load_crosslingual()
    vectors = embed([*danish, *english], model)
    a, b = vectors[: len(danish)], vectors[len(danish) :]
    return stretch(np.einsum("ij,ij->i", a, b))


def meaning_flags(scores: np.ndarray, danish: Sequence[str], english: Sequence[str]) -> list[bool]:
    """Which pairs of one document are flagged, from their scores (the rule of this module's docstring)."""
    judged = [len(d.strip()) >= MIN_CHARACTERS and len(e.strip()) >= MIN_CHARACTERS
              for d, e in zip(danish, english, strict=True)]
    pool = scores[np.array(judged, bool)] if len(scores) else scores
    median = float(np.median(pool)) if len(pool) >= MIN_DOCUMENT else None
    flags = []
    for score, ok in zip(scores, judged, strict=True):
        low = score < MEANING_FLOOR or (median is not None and score < median - MEANING_DROP)
        flags.append(bool(ok and low))
    return flags


def check_meaning(danish: Sequence[str], english: Sequence[str], embedder: Any = None) -> list[list[QaWarning]]:
    """The ``meaning`` warnings of each (Danish, English) pair of one document."""
    scores = meaning_scores(danish, english, embedder)
    return [[QaWarning("meaning", f"the English may not say what the Danish says (similarity {s:.2f})")]
            if flag else [] for s, flag in zip(scores, meaning_flags(scores, danish, english), strict=True)]


# --------------------------------------------------------------------------- every warning of a store


@dataclass(frozen=True)
class QaRow:
    """One warning on the English that counts for a Danish sentence."""

    document: str
    sentence: str
    check: str
    severity: str
    message: str

    def as_dict(self) -> dict[str, str]:
        """The row by column name."""
        return dict(self.__dict__)


QA_COLUMNS = ("document", "sentence", "check", "severity", "message")


def store_warnings(store: Any, document_ids: Sequence[int] | None = None, embedder: Any = None) -> list[QaRow]:
    """Every QA warning, ``meaning`` included, on the English that counts for each Danish sentence of
    the documents (all when None), in document order. Embeddings go through the store's cache."""
    from bilingual.align import CachedEmbedder, load_crosslingual
    from bilingual.quality import SEVERITY
    from bilingual.records import export_records

    records = export_records(store, document_ids)
    model = CachedEmbedder(embedder if embedder is not None else load_crosslingual(), store)
    extra: dict[int, list[QaWarning]] = {}
    by_document: dict[str, list[int]] = {}
    for k, r in enumerate(records):
        if r.translation_origin in ("review", "mt") and r.translation.strip():
            by_document.setdefault(r.document, []).append(k)
    for rows in by_document.values():
        found = check_meaning([records[k].danish for k in rows], [records[k].translation for k in rows], model)
        extra.update(zip(rows, found, strict=True))
    out = []
    for k, r in enumerate(records):
        pairs = list(zip(r.qa_warnings, r.qa_messages, strict=True))
        pairs += [(w.code, w.message) for w in extra.get(k, [])]
        out += [QaRow(r.document, r.id, code, SEVERITY.get(code, "warning"), message) for code, message in pairs]
    return out
