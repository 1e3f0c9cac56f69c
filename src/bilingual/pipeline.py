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


# --------------------------------------------------------------------------- alignment


@dataclass
class AlignReport:
    """What an alignment run of one Danish document did, for the summary line."""

    source: str
    targets: list[str]
    mode: str
    sentences: int = 0
    aligned: int = 0
    unaligned: int = 0
    mean_score: float = 0.0
    run_id: int | None = None
    origins: dict[str, int] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        """``002.txt: 17 sentences, 2 aligned, 15 unaligned, mean score 0.48, mode comparable (auto)``."""
        requested = self.settings.get("mode_requested")
        how = f" ({requested})" if requested and requested != self.mode else ""
        return (f"{self.source}: {self.sentences} sentences, {self.aligned} aligned, {self.unaligned} unaligned, "
                f"mean score {self.mean_score:.2f}, mode {self.mode}{how}, {len(self.targets)} English documents")


def alignment_translations(store: Store, segments: Sequence[StoredSegment]) -> tuple[list[str], list[str], dict]:
    """The English side of each Danish segment for alignment: an accepted or corrected review's final text,
    else the latest MT, else the Danish text itself; also where each came from and the MT models used."""
    hashes = {s.text_hash for s in segments}
    reviews = store.reviews(hashes)
    mts = store.latest_translations(hashes)
    texts, origins, models = [], [], set()
    for seg in segments:
        review = reviews.get(seg.text_hash)
        if review and review.status in ("accepted", "corrected") and review.final_text:
            texts.append(review.final_text)
            origins.append("review")
        elif seg.text_hash in mts:
            text, signature = mts[seg.text_hash]
            texts.append(text)
            origins.append("mt")
            models.add(str(signature.get("model")))
        else:
            texts.append(seg.text)
            origins.append("none")
    return texts, origins, {"models": sorted(models)}


def align_documents(store: Store, source_document_id: int, target_document_ids: Sequence[int] | None = None, *,
                    mode: str = "auto", threshold: float | None = None, top_k: int = 3,
                    embedder: Any = None) -> AlignReport:
    """Align one Danish document with English ones (default: all in the store) and store the beads.

    Page furniture is left out on both sides. Each Danish sentence gets its chosen bead (rank 0; a
    bead with no English side when it has no counterpart) and its other candidates (rank 1, 2 ...).
    Realigning replaces machine alignments, never a reviewer's accepted or rejected ones.
    """
    from collections import Counter

    from bilingual.align import align

    started = time.perf_counter()
    source = store.document(source_document_id)
    if source.language != "da":
        raise ValueError(f"{source.name} is not a Danish document")
    if target_document_ids is None:
        targets = store.documents(language="en")
    else:
        targets = [store.document(t) for t in target_document_ids]
        for doc in targets:
            if doc.language != "en":
                raise ValueError(f"{doc.name} is not an English document")
    if not targets:
        raise ValueError("there is no English document to align with: add some with `bilingual add`")
    danish = store.segments(source.id, include_furniture=False)
    english: list[StoredSegment] = []
    tgt_doc: list[int] = []
    for position, doc in enumerate(targets):
        segs = store.segments(doc.id, include_furniture=False)
        english.extend(segs)
        tgt_doc.extend([position] * len(segs))
    src_en, origins, mt_info = alignment_translations(store, danish)
    result = align(src_en, [s.text for s in english], tgt_doc=tgt_doc, mode=mode, threshold=threshold,
                   top_k=top_k, embedder=embedder, src_da=[s.text for s in danish])
    rows: list[tuple[list[int], list[int], float, int, str]] = []
    chosen_pairs: set[tuple[int, int]] = set()
    for bead in result.beads:
        if not bead.src:
            continue  # English sentences without a Danish counterpart are not stored per Danish sentence
        rows.append(([danish[i].id for i in bead.src], [english[j].id for j in bead.tgt], bead.score, 0,
                     result.mode))
        chosen_pairs.update((i, j) for i in bead.src for j in bead.tgt if len(bead.src) == len(bead.tgt) == 1)
    for i, candidates in enumerate(result.candidates):
        rank = 1
        for j, score in candidates:
            if (i, j) in chosen_pairs:
                continue
            rows.append(([danish[i].id], [english[j].id], score, rank, f"{result.mode} candidate"))
            rank += 1
    counts = Counter(origins)
    signature = {**result.settings, "translation": {"review": counts["review"], "mt": counts["mt"],
                                                    "none": counts["none"], **mt_info},
                 "target_documents": [d.name for d in targets]}
    run_id = store.replace_alignments(source.id, [d.id for d in targets], result.mode, signature, rows)
    links = result.links()
    aligned = sum(len(b.src) for b in links)
    return AlignReport(
        source=source.name, targets=[d.name for d in targets], mode=result.mode, sentences=len(danish),
        aligned=aligned, unaligned=len(danish) - aligned,
        mean_score=sum(b.score for b in links) / len(links) if links else 0.0, run_id=run_id,
        origins=dict(counts), settings=result.settings, seconds=time.perf_counter() - started)


def last_alignment_request(store: Store, source_document_id: int) -> dict[str, Any]:
    """How the document was last aligned: its English documents (those still stored), mode asked for,
    threshold (only one that was given, not a default) and top-k; empty when it never was."""
    from bilingual.align import MODES

    runs = [a.run_id for a in store.alignments(source_document_id) if a.run_id is not None]
    run = store.alignment_run(max(runs)) if runs else None
    if run is None:
        return {}
    english = {d.id for d in store.documents(language="en")}
    signature = run["signature"]
    request: dict[str, Any] = {"target_document_ids": [t for t in run["target_document_ids"] if t in english] or None}
    mode = signature.get("mode_requested") or run["mode"]
    if mode in MODES:  # a run stored by other means (an import, a test) may name no mode of ours
        request["mode"] = mode
    if signature.get("threshold_source") == "given":
        request["threshold"] = signature.get("threshold")
    if signature.get("top_k"):
        request["top_k"] = int(signature["top_k"])
    return request


def realign_document(store: Store, source_document_id: int, *, embedder: Any = None,
                     defaults: dict[str, Any] | None = None) -> AlignReport:
    """Align a Danish document again as it was last aligned (``defaults`` for what no earlier run says)."""
    request = {**(defaults or {}), **last_alignment_request(store, source_document_id)}
    return align_documents(store, source_document_id, request.pop("target_document_ids", None), embedder=embedder,
                           **request)


def translations_for_alignment(texts: Sequence[str], db: str | Path | None,
                               make_translator: Callable[[], Translator] | None) -> tuple[list[str], str]:
    """English for Danish sentences outside the store's documents: reviewed text or MT from an existing
    store, else the model, else the Danish text itself; returns the texts and a note saying which."""
    from bilingual.segment import text_hash
    from bilingual.translate import ModelNotFoundError

    out: list[str | None] = [None] * len(texts)
    notes = []
    if db is not None and Path(db).is_file() and texts:
        with Store(db) as store:
            hashes = [text_hash(t) for t in texts]
            reviews = store.reviews(hashes)
            mts = store.latest_translations(hashes)
        for k, h in enumerate(hashes):
            review = reviews.get(h)
            if review and review.status in ("accepted", "corrected") and review.final_text:
                out[k] = review.final_text
            elif h in mts:
                out[k] = mts[h][0]
        found = sum(1 for t in out if t is not None)
        if found:
            notes.append(f"{found} from the store {db}")
    missing = [k for k, t in enumerate(out) if t is None]
    if missing and make_translator is not None:
        try:
            translator = make_translator()
            produced = translator.translate([texts[k] for k in missing])
            for k, text in zip(missing, produced, strict=True):
                out[k] = text
            notes.append(f"{len(missing)} by the model {translator.signature.get('model')}")
            missing = []
        except ModelNotFoundError as exc:
            notes.append(f"no model ({str(exc).split('. To fix')[0][:160]})")
    if missing:
        for k in missing:
            out[k] = texts[k]
        notes.append(f"{len(missing)} untranslated: the Danish text itself is aligned")
    return [t if t is not None else texts[k] for k, t in enumerate(out)], "translation: " + "; ".join(notes)
