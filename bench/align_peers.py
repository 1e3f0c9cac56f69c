"""The established aligners, run side by side with ours on the same cases (none of their code is ours).

Their sources live outside the repository, in the folder named by ``--peers`` or the environment
variable ``BILINGUAL_ALIGN_PEERS``:

    bertalign/   github.com/bfsujason/bertalign (its corelib: first-pass 1-1 anchors, second pass in windows)
    vecalign/    github.com/thompsonb/vecalign (its dp_core built with ``cythonize -i dp_core.pyx``)
    Bleualign/   github.com/rsennrich/Bleualign
    hunalign/    github.com/danielvarga/hunalign (built with ``make`` in src/hunalign)
    pylib/       extra Python packages bertalign needs (faiss-cpu, numba, llvmlite), ``pip install --target``

A peer that is not there is skipped with one line saying why. bertalign and vecalign get the same
embedder as our translation side (all-MiniLM-L6-v2 on the translation condition's English and on
the English side), with overlaps of up to two sentences (enough for the 1-2 and 2-1 beads of the
gold); hunalign runs with an empty dictionary and ``-realign``; Bleualign with the condition's
English as its translation.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from math import ceil
from pathlib import Path
from typing import Any

import numpy as np

Beads = list[tuple[tuple[int, ...], tuple[int, ...]]]
PEER_NAMES = ("bertalign", "hunalign", "Bleualign", "vecalign")


def peers_folder(option: str | None) -> Path | None:
    """The peers' folder from the option, else the environment; None when neither names one."""
    raw = option or os.environ.get("BILINGUAL_ALIGN_PEERS")
    return Path(raw) if raw else None


def _overlap_layers(lines: list[str], overlaps: int) -> list[list[str]]:
    """Per overlap size o, position p holds lines p-o+1 .. p joined (PAD before the first full one)."""
    lines = [line.strip() or "BLANK_LINE" for line in lines]
    out = []
    for o in range(1, overlaps + 1):
        layer = ["PAD"] * min(o - 1, len(lines)) + [" ".join(lines[i : i + o]) for i in range(len(lines) - o + 1)]
        out.append(layer)
    return out


def _overlap_vectors(lines: list[str], embedder: Any, overlaps: int) -> tuple[np.ndarray, np.ndarray]:
    layers = _overlap_layers(lines, overlaps)
    flat = [t for layer in layers for t in layer]
    vecs = np.asarray(embedder.encode(flat), np.float32)
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    lens = np.array([len(t.encode("utf-8")) for t in flat]).reshape(overlaps, len(lines))
    return vecs.reshape(overlaps, len(lines), -1), lens


def _load_module(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # numba finds its jitted functions' module here
    spec.loader.exec_module(module)
    return module


def _ranges_to_beads(pairs: Any) -> Beads:
    return [(tuple(int(x) for x in s), tuple(int(x) for x in t)) for s, t in pairs]


def bertalign_peer(root: Path) -> Callable[..., tuple[Beads, float, float]] | str:
    """bertalign's two-step search (its corelib) over our embedder's overlap vectors."""
    core_path = root / "bertalign" / "bertalign" / "corelib.py"
    if not core_path.is_file():
        return f"{core_path} not found"
    sys.path.insert(0, str(root / "pylib"))
    try:
        core = _load_module("bertalign_corelib", core_path)
    except ImportError as exc:
        return f"its corelib does not import ({exc}); pip install --target {root / 'pylib'} faiss-cpu numba"

    def run(src: list[str], tgt: list[str], embedder: Any, max_align: int = 3, win: int = 5, skip: float = -0.1
            ) -> tuple[Beads, float, float]:
        started = time.perf_counter()
        sv, sl = _overlap_vectors(src, embedder, max_align - 1)
        tv, tl = _overlap_vectors(tgt, embedder, max_align - 1)
        embedded = time.perf_counter()
        n, m = len(src), len(tgt)
        ratio = np.sum(sl[0]) / np.sum(tl[0])
        d, i = core.find_top_k_sents(sv[0], tv[0], k=3)
        w1, p1 = core.find_first_search_path(n, m)
        t1 = core.get_alignment_types(2)
        first = core.first_back_track(n, m, core.first_pass_align(n, m, w1, p1, t1, d, i), p1, t1)
        t2 = core.get_alignment_types(max_align)
        w2, p2 = core.find_second_search_path(first, win, n, m)
        ptr = core.second_pass_align(sv, tv, sl, tl, w2, p2, t2, ratio, skip, margin=True, len_penalty=True)
        beads = _ranges_to_beads(core.second_back_track(n, m, ptr, p2, t2))
        return beads, embedded - started, time.perf_counter() - embedded

    return run


def vecalign_peer(root: Path) -> Callable[..., tuple[Beads, float, float]] | str:
    """vecalign's recursive DP (its dp_utils and compiled dp_core) over our embedder's overlap vectors."""
    folder = root / "vecalign"
    if not list((folder / "vecalign").glob("dp_core*.so")):
        return f"no compiled dp_core in {folder / 'vecalign'} (cythonize -i dp_core.pyx there)"
    sys.path.insert(0, str(folder))
    try:
        from vecalign import dp_utils  # type: ignore[import-not-found]
    except ImportError as exc:
        return f"it does not import ({exc})"

    def run(src: list[str], tgt: list[str], embedder: Any, max_size: int = 3) -> tuple[Beads, float, float]:
        started = time.perf_counter()
        overlaps = max_size - 1
        sv, _ = _overlap_vectors(src, embedder, overlaps)
        tv, _ = _overlap_vectors(tgt, embedder, overlaps)
        embedded = time.perf_counter()
        np.random.seed(42)
        stack = dp_utils.vecalign(vecs0=sv, vecs1=tv, final_alignment_types=dp_utils.make_alignment_types(max_size),
                                  del_percentile_frac=0.2, width_over2=ceil(max_size / 2.0) + 5,
                                  max_size_full_dp=300, costs_sample_size=20000, num_samps_for_norm=100)
        beads = _ranges_to_beads(stack[0]["final_alignments"])
        return beads, embedded - started, time.perf_counter() - embedded

    return run


def hunalign_peer(root: Path) -> Callable[..., tuple[Beads, float, float]] | str:
    """hunalign with an empty dictionary and -realign (its ladder turned into beads)."""
    binary = root / "hunalign" / "src" / "hunalign" / "hunalign"
    if not binary.is_file():
        return f"{binary} not built (make in {binary.parent})"

    def run(src: list[str], tgt: list[str], embedder: Any = None) -> tuple[Beads, float, float]:
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            (d / "empty.dic").write_text("", encoding="utf-8")
            (d / "s.txt").write_text("\n".join(src) + "\n", encoding="utf-8")
            (d / "t.txt").write_text("\n".join(tgt) + "\n", encoding="utf-8")
            started = time.perf_counter()
            out = subprocess.run([str(binary), "-realign", str(d / "empty.dic"), str(d / "s.txt"), str(d / "t.txt")],
                                 capture_output=True, text=True, check=True)
            seconds = time.perf_counter() - started
        rungs = [tuple(int(x) for x in line.split("\t")[:2]) for line in out.stdout.splitlines() if line.strip()]
        if not rungs or rungs[0] != (0, 0):
            rungs.insert(0, (0, 0))
        if rungs[-1] != (len(src), len(tgt)):
            rungs.append((len(src), len(tgt)))
        beads = [(tuple(range(a[0], b[0])), tuple(range(a[1], b[1]))) for a, b in zip(rungs, rungs[1:], strict=False)]
        return [b for b in beads if b[0] or b[1]], 0.0, seconds

    return run


def bleualign_peer(root: Path) -> Callable[..., tuple[Beads, float, float]] | str:
    """Bleualign with the condition's English as the translation of the Danish side."""
    folder = root / "Bleualign"
    if not (folder / "bleualign" / "align.py").is_file():
        return f"{folder / 'bleualign' / 'align.py'} not found"
    sys.path.insert(0, str(folder))
    try:
        from bleualign.align import Aligner  # type: ignore[import-not-found]
    except ImportError as exc:
        return f"it does not import ({exc})"

    def run(src: list[str], tgt: list[str], embedder: Any = None, danish: list[str] | None = None
            ) -> tuple[Beads, float, float]:
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            for name, lines in (("s", danish or src), ("t", tgt), ("st", src)):
                (d / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
            options = {"srcfile": str(d / "s.txt"), "targetfile": str(d / "t.txt"), "srctotarget": [str(d / "st.txt")],
                       "targettosrc": [], "output": str(d / "out"), "verbosity": 0, "log_to": open(os.devnull, "w")}
            started = time.perf_counter()
            aligner = Aligner(options)
            aligned = aligner.process(danish or src, tgt, [src], [])
            seconds = time.perf_counter() - started
        beads: Beads = []
        used_s: set[int] = set()
        used_t: set[int] = set()
        for (s, t), _kind in aligned:  # each link with how Bleualign found it (BLEU, GAPFILLER ...)
            s_ids, t_ids = tuple(int(x) for x in s), tuple(int(x) for x in t)
            beads.append((s_ids, t_ids))
            used_s.update(s_ids)
            used_t.update(t_ids)
        beads += [((i,), ()) for i in range(len(src)) if i not in used_s]
        beads += [((), (j,)) for j in range(len(tgt)) if j not in used_t]
        return beads, 0.0, seconds

    return run


def load_peers(root: Path | None) -> dict[str, Callable[..., tuple[Beads, float, float]]]:
    """The peers that are there, each as a function; one line for each that is skipped."""
    found: dict[str, Callable[..., tuple[Beads, float, float]]] = {}
    makers = {"bertalign": bertalign_peer, "hunalign": hunalign_peer, "Bleualign": bleualign_peer,
              "vecalign": vecalign_peer}
    for name in PEER_NAMES:
        if root is None:
            print(f"(peer {name} skipped: no peers folder; pass --peers DIR or set BILINGUAL_ALIGN_PEERS)")
            continue
        made = makers[name](root)
        if isinstance(made, str):
            print(f"(peer {name} skipped: {made})")
        else:
            found[name] = made
    return found
