"""Ours and the established aligners side by side on the harder NTREX-128 parallel cases."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from align_cases import MERGE_RATE, NOISE_LEVELS, harder_parallel_case, translation
from support.gold import load_ntrex
from support.score import score_cases

from bilingual import align as A

ROWS: list[tuple[str, float]] = [("none", 0.0), ("oracle", 0.0)] + [("noisy", r) for r in NOISE_LEVELS]


def _label(condition: str, rate: float) -> str:
    return f"noisy {rate:.0%}" if condition == "noisy" else ("oracle (0%)" if condition == "oracle" else condition)


def run_side_by_side(mini: Any, cross: Any, peers: dict[str, Callable[..., Any]], seeds: tuple[int, ...],
                     lines: int | None) -> list[dict[str, Any]]:
    """Strict/lax F1 and seconds (embedding, search) of ours and each peer per condition; prints the table."""
    da, en = load_ntrex()
    if lines:
        da, en = da[:lines], en[:lines]
    cases = [harder_parallel_case(da, en, seed) for seed in seeds]
    kinds: dict[str, int] = {}
    for case in cases:
        for s, t in case.gold:
            kinds[f"{len(s)}-{len(t)}"] = kinds.get(f"{len(s)}-{len(t)}", 0) + 1
    print(f"\nParallel, side by side: NTREX-128 ({len(da)} lines), {MERGE_RATE:.0%} 1-2, {MERGE_RATE:.0%} 2-1, "
          f"4% 1-0, 4% 0-1 beads; seeds {', '.join(map(str, seeds))}; "
          f"{sum(len(c.src) for c in cases)} Danish / {sum(len(c.tgt) for c in cases)} English sentences")
    print("  gold beads: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print(f"  machine load (1-min average) at the start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    names = ["ours", *peers]
    head = "".join(f"{n:>24}" for n in names)
    print(f"  {'condition':<14}{head}")
    print(f"  {'':<14}" + "".join(f"{'strict/lax (search s)':>24}" for _ in names))
    rows = []
    for condition, rate in ROWS:
        figures: dict[str, Any] = {"condition": _label(condition, rate)}
        for name in names:
            golds, tests, emb_s, search_s = [], [], 0.0, 0.0
            for case in cases:
                src_en = translation(case, condition, rate)
                if name == "ours":
                    before = mini.seconds + cross.seconds
                    mini.encode(src_en + case.tgt)
                    cross.encode(case.src + case.tgt + A.crosslingual_pairs(case.src) + A.crosslingual_pairs(case.tgt))
                    emb_s += mini.seconds + cross.seconds - before
                    started = time.perf_counter()
                    result = A.align(src_en, case.tgt, src_da=case.src, mode="auto", embedder=mini, crosslingual=cross)
                    search_s += time.perf_counter() - started
                    beads = result.beads
                else:
                    before = mini.seconds
                    extra = {"danish": case.src} if name == "Bleualign" else {}
                    beads, _e, s = peers[name](src_en, case.tgt, mini, **extra)
                    emb_s += mini.seconds - before
                    search_s += s
                golds.append(case.gold)
                tests.append(beads)
            sc = score_cases(golds, tests)
            figures[name] = {"strict": sc.f1_strict, "lax": sc.f1_lax, "embed_s": emb_s / len(cases),
                             "search_s": search_s / len(cases)}
        rows.append(figures)
        cells = "".join(f"{figures[n]['strict']:>11.4f}/{figures[n]['lax']:.4f} ({figures[n]['search_s']:>4.1f})"
                        for n in names)
        print(f"  {figures['condition']:<14}{cells}", flush=True)
    return rows


def markdown_table(rows: list[dict[str, Any]], names: list[str]) -> str:
    """The figures as the docs' Markdown table: strict / lax F1, search seconds, best strict in bold."""
    out = ["| condition | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for row in rows:
        best = max(row[n]["strict"] for n in names)
        cells = []
        for n in names:
            f = row[n]
            strict = f"{f['strict']:.3f}"
            cells.append(f"{'**' + strict + '**' if f['strict'] == best else strict} / {f['lax']:.3f} "
                         f"({f['search_s']:.1f} s)")
        out.append(f"| {row['condition']} | " + " | ".join(cells) + " |")
    return "\n".join(out)
