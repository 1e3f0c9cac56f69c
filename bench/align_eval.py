"""Alignment quality on NTREX-128 gold cases, speed and memory at scale, and what the seeds give.

    python bench/align_eval.py               # everything (a few minutes on 2 cores)
    python bench/align_eval.py --quick       # skip the 10,000 x 10,000 run
    python bench/align_eval.py --calibrate   # also sweep the comparable threshold on calibration seeds

Figures are printed, never asserted. Gold cases come from ``tests/support/gold.py`` (seeded), scored with
``tests/support/score.py`` (strict/lax bead F1 as vecalign's score.py; pair F1 as BUCC).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

sys.path.insert(0, str(ROOT / "bench"))
from align_peers import load_peers, peers_folder  # noqa: E402
from align_side_by_side import markdown_table, run_side_by_side  # noqa: E402
from embed_cache import DiskCachedEmbedder  # noqa: E402
from support.gold import CONDITIONS, comparable_case, load_ntrex, parallel_case  # noqa: E402
from support.score import score_cases, score_pairs  # noqa: E402

from bilingual import align as A  # noqa: E402

PARALLEL_SEEDS = (1, 2)
COMPARABLE_SEEDS = (1, 2, 3)
CALIBRATION_SEEDS = (101, 102, 103)


def corpus_chrf(hyps: list[str], refs: list[str]) -> float:
    """Corpus chrF (0-1) of a translation condition against the reference."""
    import sacrebleu

    return sacrebleu.corpus_chrf(hyps, [refs]).score / 100


def mt_translations(cases) -> dict[str, list[str]] | None:
    """Real MT of each case's Danish side, when the translation model is on this machine."""
    from bilingual.translate import ModelNotFoundError, find_model_folder, load_translator, resolve_model

    model = resolve_model()
    try:
        if find_model_folder(model) is None:
            print(f"(condition mt skipped: translation model {model} is not on this machine)")
            return None
        translator = load_translator(model)
    except (ModelNotFoundError, OSError, ValueError) as exc:
        print(f"(condition mt skipped: {str(exc).splitlines()[0][:150]})")
        return None
    return {case.name: translator.translate(case.src) for case in cases}


def run_parallel(embedder, mt: bool) -> None:
    """Strict and lax bead scores on whole-set parallel cases, per translation condition."""
    da, en = load_ntrex()
    cases = [parallel_case(da, en, seed) for seed in PARALLEL_SEEDS]
    kinds: dict[str, int] = {}
    for case in cases:
        for src, tgt in case.gold:
            kinds[f"{len(src)}-{len(tgt)}"] = kinds.get(f"{len(src)}-{len(tgt)}", 0) + 1
    print(f"\nParallel: NTREX-128 whole set ({len(da)} lines) with merges and deletions on both sides, "
          f"seeds {', '.join(map(str, PARALLEL_SEEDS))}, mode=auto")
    print("  gold beads: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    conditions = list(CONDITIONS)
    extra = mt_translations(cases) if mt else None
    if extra:
        conditions.append("mt")
    print(f"  {'condition':<10}{'chrF':>6}{'strict P':>10}{'strict R':>10}{'strict F1':>11}{'lax P':>8}"
          f"{'lax R':>8}{'lax F1':>8}  {'mode chosen':<14}{'s/case':>7}")
    for condition in conditions:
        tests, golds, hyps, refs, modes, seconds = [], [], [], [], [], 0.0
        for case in cases:
            src_en = extra[case.name] if condition == "mt" else case.translations(condition)
            embedder.encode(src_en + case.tgt)  # embeddings outside the timing
            started = time.perf_counter()
            result = A.align(src_en, case.tgt, src_da=case.src, mode="auto", embedder=embedder)
            seconds += time.perf_counter() - started
            tests.append(result.beads)
            golds.append(case.gold)
            modes.append(result.mode)
            hyps += src_en
            refs += case.reference
        s = score_cases(golds, tests)
        print(f"  {condition:<10}{corpus_chrf(hyps, refs):>6.3f}{s.precision_strict:>10.4f}{s.recall_strict:>10.4f}"
              f"{s.f1_strict:>11.4f}{s.precision_lax:>8.4f}{s.recall_lax:>8.4f}{s.f1_lax:>8.4f}  "
              f"{','.join(sorted(set(modes))):<14}{seconds / len(cases):>7.1f}")


def _comparable_scores(cases, condition: str, embedder, threshold: float | None = None, cross=None):
    tp = predicted = gold = 0
    modes, seconds = [], 0.0
    for case in cases:
        src_en = case.translations(condition)
        embedder.encode(src_en + case.tgt)
        started = time.perf_counter()
        result = A.align(src_en, case.tgt, src_da=case.src, tgt_doc=case.tgt_doc, mode="auto",
                         threshold=threshold, embedder=embedder, crosslingual=cross)
        seconds += time.perf_counter() - started
        s = score_pairs(case.gold, result.beads)
        tp, predicted, gold = tp + s.true_positives, predicted + s.predicted, gold + s.gold
        modes.append(result.mode)
    p = tp / predicted if predicted else 0.0
    r = tp / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), modes, seconds / len(cases)


def run_comparable(embedder, calibrate: bool, cross=None) -> None:
    """Pair precision/recall/F1 on comparable cases at the stored threshold."""
    da, en = load_ntrex()
    cases = [comparable_case(da, en, seed) for seed in COMPARABLE_SEEDS]
    n_src = sum(len(c.src) for c in cases)
    n_tgt = sum(len(c.tgt) for c in cases)
    n_gold = sum(1 for c in cases for s, t in c.gold if s and t)
    print(f"\nComparable: 12 articles per case, English shuffled into 4 documents, half the Danish sentences "
          f"without a counterpart, as many distractors from other articles; seeds "
          f"{', '.join(map(str, COMPARABLE_SEEDS))} ({n_src} Danish, {n_tgt} English sentences, {n_gold} gold links)")
    print(f"  threshold: ratio margin {A.THRESHOLDS['comparable']} (k={A.MARGIN_K}) and similarity >= "
          f"{A.LINK_FLOOR}, or mutual best with similarity >= {A.MUTUAL_LINK}")
    print(f"  {'condition':<10}{'pair P':>8}{'pair R':>8}{'pair F1':>9}  {'mode chosen':<14}{'s/case':>7}")
    for condition in CONDITIONS:
        p, r, f, modes, secs = _comparable_scores(cases, condition, embedder, cross=cross)
        print(f"  {condition:<10}{p:>8.4f}{r:>8.4f}{f:>9.4f}  {','.join(sorted(set(modes))):<14}{secs:>7.1f}")
    if calibrate:
        calibration = [comparable_case(da, en, seed) for seed in CALIBRATION_SEEDS]
        print(f"\n  Calibration sweep on seeds {', '.join(map(str, CALIBRATION_SEEDS))} (pair F1 per threshold):")
        grid = (1.05, 1.1, 1.15, 1.2, 1.25, 1.3, 1.4)
        print(f"  {'condition':<10}" + "".join(f"{t:>7}" for t in grid))
        for condition in CONDITIONS:
            row = [_comparable_scores(calibration, condition, embedder, t, cross)[2] for t in grid]
            print(f"  {condition:<10}" + "".join(f"{v:>7.3f}" for v in row))


# --------------------------------------------------------------------------- scale


def run_parallel_scale(embedder) -> None:
    """Parallel mode's time as the document grows: NTREX-128 repeated, oracle translation."""
    da, en = load_ntrex()
    print("\nParallel scale: NTREX-128 repeated to make longer documents (merges and deletions as above), "
          "oracle translation, mode=parallel")
    print(f"  {'sentences':<16}{'time s':>8}{'strict F1':>11}{'lax F1':>8}")
    for repeat in (1, 5):
        case = parallel_case(da * repeat, en * repeat, 1)
        src_en = case.translations("oracle")
        embedder.encode(src_en + case.tgt)
        started = time.perf_counter()
        result = A.align(src_en, case.tgt, src_da=case.src, mode="parallel", embedder=embedder)
        seconds = time.perf_counter() - started
        s = score_cases([case.gold], [result.beads])
        print(f"  {f'{len(case.src):,} x {len(case.tgt):,}':<16}{seconds:>8.1f}{s.f1_strict:>11.4f}{s.f1_lax:>8.4f}")


class PlantedEmbedder:
    """Precomputed vectors by text: stands in for a model so that size, not encoding, is measured."""

    def __init__(self, table: dict[str, np.ndarray]):
        self.table = table
        self.bilingual_name = "random-unit-vectors"

    def encode(self, texts, **kwargs):
        """The stored vector of each text."""
        return np.stack([self.table[t] for t in texts])


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _reset_peak_rss() -> None:
    """Start the peak resident size afresh: a child inherits its parent's peak across fork and exec."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _peak_rss_bytes() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def scale_worker(n: int, traced: bool) -> dict:
    """Comparable mode on n x n sentences with random unit vectors as embeddings (run in a child).

    With ``traced`` the peak of Python and numpy allocations is measured with tracemalloc (whose
    bookkeeping inflates the process size); without it, the growth of the process's peak resident size.
    """
    import gc
    import tracemalloc

    da, en = load_ntrex()
    rng = np.random.default_rng(n)
    src = [f"{da[i % len(da)]} {da[(7 * i + 3) % len(da)]} ({i})" for i in range(n)]
    tgt = [f"{en[(3 * j + 1) % len(en)]} {en[(11 * j + 5) % len(en)]} ({j})" for j in range(n)]
    dim = 384
    src_vec = rng.standard_normal((n, dim)).astype(np.float32)
    src_vec /= np.linalg.norm(src_vec, axis=1, keepdims=True)
    tgt_vec = rng.standard_normal((n, dim)).astype(np.float32)
    # Half the sources get a planted counterpart: a noisy copy at a random target position.
    planted = rng.choice(n, n // 2, replace=False)
    where = rng.permutation(n)[: n // 2]
    tgt_vec[where] = src_vec[planted] + 0.6 * rng.standard_normal((n // 2, dim)).astype(np.float32) / np.sqrt(dim)
    tgt_vec /= np.linalg.norm(tgt_vec, axis=1, keepdims=True)
    table = dict(zip(src, src_vec, strict=True)) | dict(zip(tgt, tgt_vec, strict=True))
    embedder = PlantedEmbedder(table)
    embeddings_bytes = src_vec.nbytes + tgt_vec.nbytes
    gc.collect()
    _reset_peak_rss()
    baseline_rss = _rss_bytes()
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    result = A.align(src, tgt, mode="comparable", embedder=embedder)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    peak_rss = _peak_rss_bytes()
    gold = {(int(i), int(j)) for i, j in zip(planted, where, strict=True)}
    found = {(b.src[0], b.tgt[0]) for b in result.links()}
    tp = len(gold & found)
    return {"n": n, "seconds": seconds, "traced_peak_mb": peak / 2**20,
            "rss_growth_mb": max(0, peak_rss - baseline_rss) / 2**20, "embeddings_mb": embeddings_bytes / 2**20,
            "planted_precision": tp / max(len(found), 1), "planted_recall": tp / len(gold)}


def run_scale(quick: bool) -> None:
    """Time and memory of comparable mode at 1,000 and 10,000 sentences a side, each in a fresh process."""
    sizes = (1000,) if quick else (1000, 10000)
    print("\nComparable scale: N x N sentences, random unit vectors (384-d, half with a planted noisy copy)"
          " as embeddings; memory counted beyond the embeddings")
    print("  (time and peak RSS growth from a plain run; allocation peak from a second run under tracemalloc)")
    print(f"  {'size':<16}{'time s':>8}{'RSS growth MB':>15}{'allocations MB':>16}{'embeddings MB':>15}"
          f"{'planted P/R':>14}")
    for n in sizes:
        runs = []
        for traced in (False, True):
            command = [sys.executable, __file__, "--scale-worker", str(n)] + (["--traced"] if traced else [])
            out = subprocess.run(command, capture_output=True, text=True, check=False)
            if out.returncode != 0:
                print(f"  {n}x{n}: failed: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else '?'}")
                break
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        if len(runs) < 2:
            continue
        plain, traced_run = runs
        print(f"  {f'{n:,} x {n:,}':<16}{plain['seconds']:>8.1f}{plain['rss_growth_mb']:>15.0f}"
              f"{traced_run['traced_peak_mb']:>16.0f}{plain['embeddings_mb']:>15.0f}"
              f"{plain['planted_precision']:>8.3f}/{plain['planted_recall']:.3f}")


# --------------------------------------------------------------------------- seeds


def run_seeds(embedder) -> None:
    """What the seeds give: 002 against 000, 001, 003, 004 with the human reference and with no translation."""
    from bilingual.documents import load_document
    from bilingual.segment import segment_document

    danish = [s for s in segment_document(load_document(ROOT / "seeds" / "002_35452d5bb9e7cfc4.txt"))]
    reference = (ROOT / "tests" / "data" / "seed002_reference_en.txt").read_text(encoding="utf-8").splitlines()
    english, names = [], []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        if path.name.startswith("002"):
            continue
        for seg in segment_document(load_document(path)):
            if not seg.furniture:
                english.append(seg.text)
                names.append(path.name[:3])
    print(f"\nSeeds: 002 ({len(danish)} Danish sentences) against 000, 001, 003, 004 "
          f"({len(english)} English sentences, page furniture left out), mode=auto")
    for condition, src_en in (("reference", reference), ("none", [s.text for s in danish])):
        result = A.align(src_en, english, src_da=[s.text for s in danish], mode="auto", embedder=embedder)
        links = result.links()
        print(f"  condition {condition}: mode {result.mode}, {len(links)} of {len(danish)} Danish sentences linked")
        for bead in links:
            i, j = bead.src[0], bead.tgt[0]
            print(f"    002:{i:<3} {danish[i].text[:48]!r:<52} -> {names[j]} {english[j][:60]!r} ({bead.score:.3f})")


def main() -> None:
    """Run the evaluation and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="the side-by-side table on the first 400 lines only")
    parser.add_argument("--all", action="store_true", help="also the seeds and the speed and memory at scale")
    parser.add_argument("--peers", help="folder of the peer aligners' sources (else $BILINGUAL_ALIGN_PEERS)")
    parser.add_argument("--calibrate", action="store_true", help="sweep the comparable threshold")
    parser.add_argument("--no-mt", action="store_true", help="never load the translation model")
    parser.add_argument("--scale-worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale_worker:
        print(json.dumps(scale_worker(args.scale_worker, args.traced)))
        return
    try:
        load_ntrex()
    except FileNotFoundError as exc:
        raise SystemExit(f"align_eval: {exc}") from exc
    started = time.perf_counter()
    embedder = DiskCachedEmbedder(A.load_embedder())
    cross = DiskCachedEmbedder(A.load_crosslingual())
    print(f"bilingual alignment evaluation (bilingual.align version {A.VERSION}, embedders {embedder.bilingual_name} "
          f"on the translation and {cross.bilingual_name} Danish to English; load {os.getloadavg()[0]:.2f})")
    peers = load_peers(peers_folder(args.peers))
    rows = run_side_by_side(embedder, cross, peers, PARALLEL_SEEDS[:1], 400 if args.quick else None)
    print("\n" + markdown_table(rows, ["ours", *peers]))
    print(f"  embedding: {embedder.encoded} texts by {embedder.bilingual_name} in {embedder.seconds:.0f} s, "
          f"{cross.encoded} by {cross.bilingual_name} in {cross.seconds:.0f} s (0 when all were cached on disk)")
    if args.quick:
        return
    run_comparable(embedder, args.calibrate, cross)
    if args.all:
        run_seeds(embedder)
        run_parallel_scale(embedder)
        run_scale(False)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
