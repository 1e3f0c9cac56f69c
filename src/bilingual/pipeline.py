"""load -> segment -> translate (through the cache) -> store; used by the CLI and the app."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from bilingual.documents import Document, load_document
from bilingual.segment import segment_document
from bilingual.store import Store, StoredSegment
from bilingual.translate import Translator, translator_key


@dataclass
class TranslateReport:
    """What a translation run did, for the one-line summary."""

    documents: int = 0
    sentences: int = 0
    review_hits: int = 0
    cache_hits: int = 0
    translated: int = 0
    seconds: float = 0.0
    signature: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        """``2 documents, 17 sentences, 0 cache hits, 17 translated, 4.2 s``."""
        hits = self.review_hits + self.cache_hits
        return (f"{_count(self.documents, 'document')}, {_count(self.sentences, 'sentence')}, "
                f"{_count(hits, 'cache hit')}, {self.translated} translated, {self.seconds:.1f} s")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def add_documents(store: Store, paths: Iterable[str | Path], language: str | None = None) -> list[tuple[int, Document]]:
    """Read, segment and store documents; return ``(document id, document)`` pairs in order."""
    added = []
    for path in paths:
        doc = load_document(path, language=language)
        doc_id, _created = store.add_document(doc, segment_document(doc))
        added.append((doc_id, doc))
    return added


def segments_to_translate(store: Store, document_ids: Sequence[int]) -> list[StoredSegment]:
    """The Danish, non-furniture segments of the given documents, in document order."""
    wanted = set(document_ids)
    return [s for s in store.segments(language="da", include_furniture=False) if s.document_id in wanted]


def translate_segments(store: Store, segments: Sequence[StoredSegment], make_translator: Callable[[], Translator],
                       batch_size: int = 16, progress: Callable[[int], None] | None = None,
                       report: TranslateReport | None = None) -> TranslateReport:
    """Translate what is neither reviewed nor cached, a committed batch at a time.

    Identical sentences are translated once. The translator is only built when
    something is left to translate, so a fully reviewed set needs no model.
    """
    report = report or TranslateReport()
    report.sentences += len(segments)
    unique: dict[str, str] = {}
    for seg in segments:
        unique.setdefault(seg.text_hash, seg.text)
    reviewed = {h for h, r in store.reviews(unique).items() if r.status in ("accepted", "corrected")}
    report.review_hits += sum(1 for s in segments if s.text_hash in reviewed)
    pending = {h: t for h, t in unique.items() if h not in reviewed}
    if not pending:
        return report
    translator = make_translator()
    signature = translator.signature
    key = translator_key(signature)
    report.signature = signature
    cached = store.cached_translations(pending, key)
    report.cache_hits += sum(1 for s in segments if s.text_hash in cached)
    if progress:
        progress(sum(1 for s in segments if s.text_hash in reviewed or s.text_hash in cached))
    missing = [(h, t) for h, t in pending.items() if h not in cached]
    per_hash = {h: 0 for h, _ in missing}
    for seg in segments:
        if seg.text_hash in per_hash:
            per_hash[seg.text_hash] += 1
    for start in range(0, len(missing), batch_size):
        batch = missing[start : start + batch_size]
        outputs = translator.translate([t for _, t in batch])
        if len(outputs) != len(batch):
            raise RuntimeError(f"the translator returned {len(outputs)} outputs for {len(batch)} inputs")
        store.put_translations(zip([t for _, t in batch], outputs, strict=True), key, signature)
        done = sum(per_hash[h] for h, _ in batch)
        report.translated += done
        if progress:
            progress(done)
    return report


def translate_files(store: Store, paths: Sequence[str | Path], make_translator: Callable[[], Translator],
                    batch_size: int = 16, language: str | None = None,
                    progress_factory: Callable[[int], Any] | None = None) -> TranslateReport:
    """Add files to the store and translate their Danish sentences; English ones are stored only."""
    started = time.perf_counter()
    added = add_documents(store, paths, language=language)
    report = TranslateReport(documents=len(added))
    segments = segments_to_translate(store, [doc_id for doc_id, _ in added])
    try:
        if progress_factory:
            with progress_factory(len(segments)) as bar:
                translate_segments(store, segments, make_translator, batch_size, bar.update, report)
        else:
            translate_segments(store, segments, make_translator, batch_size, None, report)
    finally:
        report.seconds = time.perf_counter() - started
    return report


def translation_records(store: Store, document_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """One record per Danish sentence: source, best translation (review first, then MT) and where it came from."""
    segments = store.segments(language="da", include_furniture=False)
    if document_ids is not None:
        wanted = set(document_ids)
        segments = [s for s in segments if s.document_id in wanted]
    hashes = {s.text_hash for s in segments}
    reviews = store.reviews(hashes)
    mts = store.latest_translations(hashes)
    records = []
    for s in segments:
        review = reviews.get(s.text_hash)
        mt, signature = mts.get(s.text_hash, (None, None))
        if review and review.status in ("accepted", "corrected"):
            translation, origin = review.final_text, "review"
        else:
            translation, origin = mt, "mt" if mt is not None else None
        records.append({
            "id": s.stable_id, "document": s.document, "paragraph": s.paragraph, "index": s.index,
            "source": s.text, "translation": translation, "origin": origin, "mt": mt,
            "status": review.status if review else "pending", "signature": signature,
        })
    return records


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Write records as JSON lines; return how many."""
    n = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n
