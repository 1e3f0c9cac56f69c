"""load -> segment -> translate (through the cache) -> store; used by the CLI and the app."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bilingual.align import MODES, CachedEmbedder, align, load_crosslingual, load_embedder
from bilingual.decisions import English, alignment_text, review_english
from bilingual.documents import LANGUAGE_NAMES as NAMES
from bilingual.documents import (
    Document,
    DocumentError,
    decode_bytes,
    has_visible_text,
    load_document,
    parse_text,
    printable,
    read_file,
)
from bilingual.segment import Segment, segment_document, text_hash
from bilingual.store import Store, StoredDocument, StoredSegment
from bilingual.store.dialect import is_url
from bilingual.textio import normalise_newlines, text_lines
from bilingual.translate import ModelNotFoundError, Translator, translator_key


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
    # The stored ids of the files, in order: a file whose content was stored before, under another
    # name, has the id of that document.
    document_ids: list[int] = field(default_factory=list)
    # The documents with paragraphs in the other language than theirs.
    other_language: list[OtherLanguage] = field(default_factory=list)

    def summary(self) -> str:
        """``2 documents, 17 sentences, 0 cache hits, 17 translated, 4.2 s``."""
        hits = self.review_hits + self.cache_hits
        return (f"{_count(self.documents, 'document')}, {_count(self.sentences, 'sentence')}, "
                f"{_count(hits, 'cache hit')}, {self.translated} translated, {self.seconds:.1f} s")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@dataclass(frozen=True)
class OtherLanguage:
    """Content paragraphs of a document that are in the other language than the document's.

    ``stored``: they are stored in their own language (a Danish one is translated); otherwise the
    language was given for the whole file and they only look like the other language.
    """

    document: str
    language: str
    paragraphs: tuple[int, ...]
    stored: bool

    @property
    def other(self) -> str:
        """The paragraphs' language."""
        return "en" if self.language == "da" else "da"

    def phrase(self) -> str:
        """``1 Danish paragraph (4)`` or ``2 English paragraphs (3, 7)``."""
        return (f"{_count(len(self.paragraphs), NAMES[self.other] + ' paragraph')} "
                f"({', '.join(map(str, self.paragraphs))})")


def other_language(store: Store, document_id: int, doc: Document | None = None) -> OtherLanguage | None:
    """The content paragraphs of a stored document in the other language, as stored; else, for a file
    read with its language given (``doc``), those that look like the other language; None when none."""
    stored = store.document(document_id)
    own = sorted({s.paragraph for s in store.segments(document_id, include_furniture=False)
                  if s.language != stored.language})
    if own:
        return OtherLanguage(stored.name, stored.language, tuple(own), True)
    if doc is None:
        return None
    looks = tuple(i for i in doc.other_language if not doc.paragraphs[i].furniture)
    return OtherLanguage(doc.name, stored.language, looks, False) if looks else None


LANGUAGE_NAMES = {"da": "a Danish", "en": "an English"}


def pick_documents(store: Store, refs: Sequence[str | int], language: str) -> list[StoredDocument]:
    """The stored documents named by ``refs`` (id, name, path or name prefix), all of ``language`` when none.

    An unknown name is a KeyError, a document in the other language a ValueError: the one place that
    decides which documents a command or the app may take as Danish or as English.
    """
    if not refs:
        return store.documents(language=language)
    docs = []
    for ref in refs:
        doc = store.document(ref)
        if doc.language != language:
            raise ValueError(f"{doc.name} is not {LANGUAGE_NAMES[language]} document")
        docs.append(doc)
    return docs


def add_documents(store: Store, paths: Iterable[str | Path], language: str | None = None) -> list[tuple[int, Document]]:
    """Read, segment and store documents; return ``(document id, document)`` pairs in order.

    Every file is read and checked before any is stored, so a bad one among many changes nothing.
    """
    paths = list(paths)
    read: list[tuple[Document, list[Segment]]] = []
    for path in paths:
        try:
            doc = load_document(path, language=language)
        except DocumentError as exc:
            if len(paths) == 1:
                raise
            raise DocumentError(f"{exc} (no file was stored)") from exc
        read.append((doc, segment_document(doc)))
    return [(store.add_document(doc, segments)[0], doc) for doc, segments in read]


def add_document_bytes(store: Store, name: str, data: bytes, language: str | None = None) -> tuple[int, bool]:
    """Read, segment and store a file given as bytes (an upload); return ``(document id, created)``."""
    text, encoding = decode_bytes(data, name)
    doc = parse_text(normalise_newlines(text), name=name, encoding=encoding, language=language)
    return store.add_document(doc, segment_document(doc))


def segments_to_translate(store: Store, document_ids: Sequence[int]) -> list[StoredSegment]:
    """The Danish, non-furniture segments of the given documents, in document order.

    A segment is Danish by its own language, so the Danish paragraph of an English document is in; a
    segment with nothing visible in it (zero-width spaces only) is never sent to MT.
    """
    wanted = set(document_ids)
    return [s for s in store.segments(language="da", include_furniture=False)
            if s.document_id in wanted and has_visible_text(s.text)]


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
    # A sentence whose reviewed text counts needs no MT; a rejected one keeps the MT it was judged on.
    reviewed = {h for h, english in english_in_store(store, unique).items() if english.origin == "review"}
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
                    progress_factory: Callable[[int], Any] | None = None,
                    on_stored: Callable[[TranslateReport], None] | None = None) -> TranslateReport:
    """Add files to the store and translate their Danish sentences; English ones are stored only.

    ``on_stored`` sees the report once every file is stored, before anything is translated.
    """
    started = time.perf_counter()
    added = add_documents(store, paths, language=language)
    report = TranslateReport(documents=len(added), document_ids=[doc_id for doc_id, _ in added])
    seen: set[int] = set()
    for doc_id, doc in added:
        found = other_language(store, doc_id, doc if language else None) if doc_id not in seen else None
        seen.add(doc_id)
        if found:
            report.other_language.append(found)
    if on_stored:
        on_stored(report)
    segments = segments_to_translate(store, report.document_ids)
    try:
        if progress_factory:
            with progress_factory(len(segments)) as bar:
                translate_segments(store, segments, make_translator, batch_size, bar.update, report)
        else:
            translate_segments(store, segments, make_translator, batch_size, None, report)
    finally:
        report.seconds = time.perf_counter() - started
    return report


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


def english_in_store(store: Store, hashes: Iterable[str]) -> dict[str, English]:
    """The English that counts (``bilingual.decisions``) for each text hash, from its review and latest MT."""
    hashes = set(hashes)
    reviews, mts = store.reviews(hashes), store.latest_translations(hashes)
    return {h: review_english(reviews.get(h), mts[h][0] if h in mts else None) for h in hashes}


def alignment_translations(store: Store, segments: Sequence[StoredSegment]) -> tuple[list[str], list[str], dict]:
    """The text each Danish segment is aligned on: the English that counts, else the Danish text itself;
    also where each came from (review, mt, none) and the MT models used."""
    hashes = {s.text_hash for s in segments}
    english = english_in_store(store, hashes)
    mts = store.latest_translations(hashes)
    texts, origins, models = [], [], set()
    for seg in segments:
        text, origin = alignment_text(seg.text, english[seg.text_hash])
        texts.append(text)
        origins.append(origin)
        if origin == "mt":
            models.add(str(mts[seg.text_hash][1].get("model")))
    return texts, origins, {"models": sorted(models)}


def align_documents(store: Store, source_document_id: int, target_document_ids: Sequence[int] | None = None, *,
                    mode: str = "auto", threshold: float | None = None, top_k: int = 3,
                    embedder: Any = None, crosslingual: Any = None) -> AlignReport:
    """Align one Danish document with English ones (default: all in the store) and store the beads.

    Both embedders (``crosslingual``: the Danish–English one, False for none) keep their vectors in
    the store's embeddings cache, so a sentence is embedded once per model however often it is aligned.

    Page furniture is left out on both sides. Each Danish sentence gets its chosen bead (rank 0; a
    bead with no English side when it has no counterpart) and its other candidates (rank 1, 2 ...).
    Realigning replaces machine alignments, never a reviewer's accepted or rejected ones.
    """
    started = time.perf_counter()
    [source] = pick_documents(store, [source_document_id], "da")
    targets = pick_documents(store, list(target_document_ids or ()), "en")
    if not targets:
        raise ValueError("there is no English document to align with: add some with `bilingual add`")
    danish = store.segments(source.id, include_furniture=False)
    english: list[StoredSegment] = []
    tgt_doc: list[int] = []
    for position, doc in enumerate(targets):
        # by their own language: the Danish paragraph of an English document is no counterpart
        segs = store.segments(doc.id, language="en", include_furniture=False)
        english.extend(segs)
        tgt_doc.extend([position] * len(segs))
    src_en, origins, mt_info = alignment_translations(store, danish)
    cached = CachedEmbedder(embedder if embedder is not None else load_embedder(), store)
    cross = False if crosslingual is False else CachedEmbedder(
        crosslingual if crosslingual is not None else load_crosslingual(), store)
    result = align(src_en, [s.text for s in english], tgt_doc=tgt_doc, mode=mode, threshold=threshold,
                   top_k=top_k, embedder=cached, src_da=[s.text for s in danish], crosslingual=cross)
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
                     defaults: dict[str, Any] | None = None, crosslingual: Any = None) -> AlignReport:
    """Align a Danish document again as it was last aligned (``defaults`` for what no earlier run says)."""
    request = {**(defaults or {}), **last_alignment_request(store, source_document_id)}
    return align_documents(store, source_document_id, request.pop("target_document_ids", None), embedder=embedder,
                           crosslingual=crosslingual, **request)


def translations_for_alignment(texts: Sequence[str], db: str | Path | None,
                               make_translator: Callable[[], Translator] | None) -> tuple[list[str], str]:
    """English for Danish sentences outside the store's documents: the English that counts in an existing
    store, else the model, else the Danish text itself; returns the texts and a note saying which.

    A sentence whose translation a reviewer rejected is aligned on its Danish text, never retranslated.
    """
    out: list[str | None] = [None] * len(texts)
    notes = []
    if db is not None and (is_url(db) or Path(db).is_file()) and texts:
        with Store(db, create=False) as store:
            hashes = [text_hash(t) for t in texts]
            stored = english_in_store(store, hashes)
        rejected = 0
        for k, h in enumerate(hashes):
            if stored[h].origin == "rejected":
                out[k], rejected = texts[k], rejected + 1
            elif stored[h].text is not None:
                out[k] = stored[h].text
        found = sum(1 for t in out if t is not None) - rejected
        if found:
            notes.append(f"{found} from the store {db}")
        if rejected:
            notes.append(f"{rejected} rejected by a reviewer: their Danish text is aligned")
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


def read_sentences(path: str | Path, language: str, lines: bool) -> tuple[list[str], list[bool]]:
    """The sentences of a file (each line, or segmented) and whether each is page furniture."""
    if lines:
        text, _ = decode_bytes(read_file(path), printable(str(path)))
        rows = text_lines(text)
        return rows, [False] * len(rows)
    segments = segment_document(load_document(path, language=language))
    return [s.text for s in segments], [s.furniture is not None for s in segments]
