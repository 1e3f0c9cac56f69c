"""Translation speed, measured side by side in one run on NTREX-128 Danish sentences.

A model with random weights in the exact shape of Helsinki-NLP/opus-mt-da-en is built once
under bench/.models/ (random weights cost what trained ones cost per token). Every engine
translates the same seeded subset, every output forced to the same length (1.1 x the mean
source length, through min/max new tokens) so that all do the same work, each engine in a
fresh process so that its peak memory is its own, repeating whole passes for at least
--min-seconds:

  (a)  naive: tokenizer + model.generate, one sentence at a time
  (b)  MarianTranslator, defaults
  (c)  MarianTranslator, dynamic int8
  (d)  Ct2Translator, int8 conversion
  (d') Ct2Translator, float32 conversion (for the agreement figures)
  (e)  bare ctranslate2 translate_batch on pre-tokenised input, the same options as (d)
  (f)  a rerun of (b) through the pipeline with a warm cache (translator built, weights never loaded)

Then the paper limit: floating-point work per target token of this architecture and the
machine's measured matrix-multiply throughput on the same shapes.

    python bench/translate_bench.py [--sentences 48] [--seed 2024] [--model PATH] [--agreement-only]

--agreement-only runs (b), (d) and (d') once each and prints only how often their outputs are
identical, with how peaked the model's next-token distributions are over its first greedy steps.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The random-model builder is test support, not runtime code: it lives in tests/support/.
sys.path.insert(0, str(ROOT / "tests"))
NTREX = ROOT / "tests" / "data" / "ntrex128"
MODELS = ROOT / "bench" / ".models"
BENCH_MODEL = MODELS / "opus-mt-da-en-random"
SPM_VOCAB = 8000
LENGTH_RATIO = 1.1
# The peakedness figures: the first greedy steps of this many sentences of the subset.
PEAK_SENTENCES, PEAK_STEPS = 30, 5
# Every engine runs under the same OpenMP policy, the one bilingual sets for itself: threads that
# sleep while idle. Spinning threads make every torch engine several times slower as soon as
# another process shares the cores, which would measure the machine's load, not the engines.
WORKER_ENV = {"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
              "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
ENGINES = {
    "a": "(a)  naive generate, one at a time",
    "b": "(b)  MarianTranslator",
    "c": "(c)  MarianTranslator int8",
    "d": "(d)  Ct2Translator int8",
    "d32": "(d') Ct2Translator float32",
    "e": "(e)  bare ct2 translate_batch",
    "f": "(f)  (b) rerun, warm cache",
}


# -- setup (parent process) ---------------------------------------------------------------------


def ntrex_lines(language: str) -> list[str]:
    """The NTREX-128 sentences of one language, one per line."""
    path = NTREX / f"ntrex128.{language}"
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build_bench_model() -> Path:
    """The random-weight opus-mt-da-en-shaped model, built once."""
    from support.modelbuild import OPUS_MT_DA_EN_SHAPE, build_random_marian

    stamp = {"shape": OPUS_MT_DA_EN_SHAPE, "spm_vocab": SPM_VOCAB, "seed": 0}
    stamp_file = BENCH_MODEL / "bench.json"
    if not stamp_file.is_file() or json.loads(stamp_file.read_text()) != stamp:
        print(f"building the bench model in {BENCH_MODEL} (once) ...", flush=True)
        texts = ["\n".join(ntrex_lines("dan")), "\n".join(ntrex_lines("eng"))]
        build_random_marian(BENCH_MODEL, texts, shape=OPUS_MT_DA_EN_SHAPE, spm_vocab_size=SPM_VOCAB, seed=0)
        stamp_file.write_text(json.dumps(stamp))
    return BENCH_MODEL


def ensure_conversions(model: Path) -> dict[str, Path]:
    """The model's int8 and float32 CTranslate2 conversions under bench/.models/, remade when the model changed."""
    from bilingual.translate import CONVERSION_INFO, convert_model, model_reference, model_revision

    folders = {}
    for quantization in ("int8", "float32"):
        folder = MODELS / f"{model.name}-ct2-{quantization}"
        info = json.loads((folder / CONVERSION_INFO).read_text()) if (folder / CONVERSION_INFO).is_file() else {}
        if (info.get("source_model"), info.get("source_revision")) != (model_reference(str(model)),
                                                                       model_revision(model)):
            print(f"converting {model.name} to CTranslate2 {quantization} (once) ...", flush=True)
            convert_model(str(model), quantization=quantization, out=folder, force=True)
        folders[quantization] = folder
    return folders


def prepare_store(workdir: Path, count: int, seed: int) -> tuple[Path, list[str]]:
    """A store holding one document of seeded NTREX sentences; return it and its sentences to translate."""
    from bilingual.pipeline import add_documents, segments_to_translate
    from bilingual.store import Store

    lines = random.Random(seed).sample(ntrex_lines("dan"), count)
    source = workdir / "ntrex-subset.txt"
    source.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    db = workdir / "bench.sqlite3"
    with Store(db) as store:
        [(doc_id, _)] = add_documents(store, [source], language="da")
        texts = [s.text for s in segments_to_translate(store, [doc_id])]
    return db, texts


def parameter_count(folder: Path) -> int:
    """Parameters stored in a model's safetensors file (shared embeddings once)."""
    from safetensors import safe_open

    total, seen = 0, set()
    with safe_open(str(folder / "model.safetensors"), framework="pt") as f:
        for name in f.keys():  # noqa: SIM118 - safe_open is not a mapping
            shape = tuple(f.get_slice(name).get_shape())
            n = 1
            for dim in shape:
                n *= dim
            if "embed_tokens" in name or name.endswith("shared.weight"):
                if shape in seen:
                    continue
                seen.add(shape)
            total += n
    return total


# -- the paper limit -----------------------------------------------------------------------------


def flops_per_target_token(shape: dict[str, Any], src_tokens: float, tgt_tokens: float, beams: int) -> float:
    """Floating-point operations per target token of a Marian encoder-decoder (2 per multiply-add).

    Decoder, per hypothesis and step: self-attention (4 d^2), cross-attention query and output
    (2 d^2), feed-forward (2 d f), attention over the past and the source, and the output
    projection (d V). Encoder, per source token: 4 d^2 + 2 d f and attention, plus the cross-attention
    keys and values (2 d^2 per decoder layer), shared by all beams and spread over the target tokens.
    """
    d, f, v = shape["d_model"], shape["decoder_ffn_dim"], shape["vocab_size"]
    le, ld = shape["encoder_layers"], shape["decoder_layers"]
    decoder_step = ld * (6 * d * d + 2 * d * f + 2 * d * (tgt_tokens / 2 + src_tokens)) + d * v
    encoder_token = le * (4 * d * d + 2 * d * shape["encoder_ffn_dim"] + 2 * d * src_tokens) + ld * 2 * d * d
    return 2 * (beams * decoder_step + encoder_token * src_tokens / tgt_tokens)


def gemm_throughput(shape: dict[str, Any], rows: int, threads: int, repeats: int = 30) -> dict[str, float]:
    """Measured GFLOP/s of one decoding step's matrix multiplies: fp32 in torch and numpy, int8 as torch runs it."""
    import torch

    torch.set_num_threads(threads)
    d, f, v = shape["d_model"], shape["decoder_ffn_dim"], shape["vocab_size"]
    # (in, out, count per step): 6 d x d per decoder layer, the feed-forward pair, the output projection.
    mix = [(d, d, 6 * shape["decoder_layers"]), (d, f, shape["decoder_layers"]), (f, d, shape["decoder_layers"]),
           (d, v, 1)]
    flops = sum(2 * rows * k * n * c for k, n, c in mix)
    result = {}
    with torch.inference_mode():
        weights = [(torch.randn(rows, k), torch.randn(n, k), c) for k, n, c in mix]
        packed = [(x, torch.ao.nn.quantized.dynamic.Linear(w.shape[1], w.shape[0], dtype=torch.qint8), c)
                  for x, w, c in weights]
        for layer, (_x, w, _c) in zip(packed, weights, strict=True):
            layer[1].set_weight_bias(torch.quantize_per_tensor(w, 0.05, 0, torch.qint8), None)
        for label, step in (("fp32", lambda: [x @ w.T for x, w, c in weights for _ in range(c)]),
                            ("int8", lambda: [lin(x) for x, lin, c in packed for _ in range(c)])):
            step()
            start = time.perf_counter()
            for _ in range(repeats):
                step()
            result[label] = flops * repeats / (time.perf_counter() - start) / 1e9
    import numpy as np

    arrays = [(x.numpy(), np.ascontiguousarray(w.numpy().T), c) for x, w, c in weights]
    for _ in range(2):
        start = time.perf_counter()
        for _ in range(repeats):
            [x @ w for x, w, c in arrays for _ in range(c)]
    result["fp32 numpy"] = flops * repeats / (time.perf_counter() - start) / 1e9
    return result


# -- workers (one fresh process per engine and decoding) -------------------------------------------


def _status_mb(field: str) -> float:
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def run_worker(spec: dict[str, Any]) -> dict[str, Any]:
    """Load one engine, warm it up on one sentence, then time it on the subset."""
    if spec["engine"] == "gemm":
        from support.modelbuild import OPUS_MT_DA_EN_SHAPE

        return {rows: gemm_throughput(OPUS_MT_DA_EN_SHAPE, rows, spec["threads"]) for rows in spec["rows"]}
    if spec["engine"] == "de":
        return interleave_d_e(spec)
    if spec["engine"] == "peak":
        return peakedness(spec["model"], spec["texts"], spec["steps"])
    engine, texts, beams, length = spec["engine"], spec["texts"], spec["beams"], spec["length"]
    lengths = {"min_new_tokens": length, "max_new_tokens": length + 1}
    # The libraries an engine needs are imported before the baseline: memory is the engine's own.
    for name in {"e": ["ctranslate2"], "d": ["ctranslate2", "transformers"]}.get(engine[0], ["torch", "transformers"]):
        importlib.import_module(name)
    from bilingual.translate import Ct2Translator, MarianTranslator

    baseline = _status_mb("VmRSS")
    checks: dict[str, Any] = {}
    if engine == "a":
        from transformers import MarianMTModel, MarianTokenizer

        tokenizer = MarianTokenizer.from_pretrained(spec["model"])
        model = MarianMTModel.from_pretrained(spec["model"])
        specials = {model.config.pad_token_id, model.config.eos_token_id}

        def run(batch: list[str]) -> list[str]:
            out = []
            for text in batch:
                generated = model.generate(**tokenizer(text, return_tensors="pt"), num_beams=beams,
                                           min_new_tokens=length, max_new_tokens=length + 1)
                ids = generated[0].tolist()
                checks.setdefault("target_tokens", []).append(sum(i not in specials for i in ids))
                out.append(tokenizer.decode(generated[0], skip_special_tokens=True))
            return out
    elif engine in ("b", "c"):
        translator = MarianTranslator(spec["model"], beams=beams, quantize=engine == "c", **lengths)
        run = translator.translate
    elif engine in ("d", "d32"):
        translator = Ct2Translator(spec["model"], folder=spec["ct2"], beams=beams, **lengths)
        run = translator.translate
    elif engine == "e":
        import ctranslate2

        bare = ctranslate2.Translator(spec["ct2"], device="cpu", compute_type="default", inter_threads=1,
                                      intra_threads=spec["threads"])
        options = spec["ct2_options"]

        def run(batch: list[Any]) -> list[Any]:
            results = bare.translate_batch(batch, **options)
            checks["target_tokens"] = [len(r.hypotheses[0]) for r in results]
            return [" ".join(r.hypotheses[0]) for r in results]

        texts = spec["tokens"]
    elif engine == "f":
        from bilingual.pipeline import segments_to_translate, translate_segments
        from bilingual.store import Store

        store = Store(spec["db"])
        segments = segments_to_translate(store, [d.id for d in store.documents()])
        made: list[MarianTranslator] = []

        def make() -> MarianTranslator:
            made.append(MarianTranslator(spec["model"], beams=beams, **lengths))
            return made[-1]

        def run(_batch: list[str]) -> list[str]:
            report = translate_segments(store, segments, make)
            checks["cache_hits"], checks["translated"] = report.cache_hits, report.translated
            checks["weights_loaded"] = any(t._model is not None for t in made)
            return []
    else:
        raise SystemExit(f"unknown engine {engine}")
    if engine != "f":
        run(texts[:1])  # warm-up: first-call allocations and lazy loading are not throughput
        checks.pop("target_tokens", None)
    # Whole passes over the subset until min_seconds have gone by: the rate is total sentences over
    # total time (a mean, not a best case), over a window long enough to smooth out other processes.
    passes, seconds, outputs = 0, 0.0, None
    while passes == 0 or seconds < spec["min_seconds"]:
        start = time.perf_counter()
        result = run(texts)
        seconds += time.perf_counter() - start
        passes += 1
        outputs = result if outputs is None else outputs
    if engine == "b":
        from bilingual.store import Store

        with Store(spec["db"]) as store:  # warms the cache that (f) reruns on
            store.put_translations(zip(texts, outputs, strict=True), translator.key, translator.signature)
    return {"engine": engine, "beams": beams, "sentences": len(texts) * passes, "passes": passes,
            "seconds": seconds, "outputs": outputs,
            "baseline_mb": baseline, "peak_mb": _status_mb("VmHWM"), "checks": checks}


def interleave_d_e(spec: dict[str, Any]) -> dict[str, Any]:
    """(d) and (e) in one process, passes alternating (d e, e d, ...): a comparison that load changes cannot tilt."""
    import ctranslate2

    from bilingual.translate import Ct2Translator

    ours = Ct2Translator(spec["model"], folder=spec["ct2"], beams=spec["beams"], min_new_tokens=spec["length"],
                         max_new_tokens=spec["length"] + 1)
    bare = ctranslate2.Translator(spec["ct2"], device="cpu", compute_type="default", inter_threads=1,
                                  intra_threads=spec["threads"])
    runs = {"d": lambda: ours.translate(spec["texts"]),
            "e": lambda: bare.translate_batch(spec["tokens"], **spec["ct2_options"])}
    for run in runs.values():
        run()  # warm-up
    seconds, passes = {"d": 0.0, "e": 0.0}, 0
    while passes == 0 or sum(seconds.values()) < 2 * spec["min_seconds"]:
        for key in ("de" if passes % 2 == 0 else "ed"):
            start = time.perf_counter()
            runs[key]()
            seconds[key] += time.perf_counter() - start
        passes += 1
    return {"passes": passes, "seconds": seconds, "sentences": len(spec["texts"]) * passes}


def peakedness(model: str, texts: list[str], steps: int) -> dict[str, list[float]]:
    """How peaked the model's next-token distributions are over the first greedy steps, step by step.

    For each step: the mean probability of the top token, the mean logit gap between the two best
    tokens, and that gap in units of the logits' standard deviation over the vocabulary (the
    scale-free figure: int8 rounding moves logits by a fixed share of their spread, so it swaps the
    top two when this gap is small). The pad token, never generated, is left out.
    """
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    tokenizer, marian = MarianTokenizer.from_pretrained(model), MarianMTModel.from_pretrained(model).eval()
    pad = marian.config.pad_token_id
    figures: dict[str, list[list[float]]] = {"top1": [[] for _ in range(steps)], "gap": [[] for _ in range(steps)],
                                              "gap_sd": [[] for _ in range(steps)]}
    with torch.inference_mode():
        for text in texts:
            out = marian.generate(**tokenizer(text, return_tensors="pt"), num_beams=1, min_new_tokens=steps,
                                  max_new_tokens=steps, output_logits=True, return_dict_in_generate=True)
            for step, logits in enumerate(out.logits[:steps]):
                row = torch.cat([logits[0, :pad], logits[0, pad + 1:]]).float()
                best = row.topk(2).values
                figures["top1"][step].append(row.softmax(-1).max().item())
                figures["gap"][step].append((best[0] - best[1]).item())
                figures["gap_sd"][step].append(((best[0] - best[1]) / row.std()).item())
    return {key: [sum(v) / len(v) for v in per_step] for key, per_step in figures.items()}


def spawn(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one worker in a fresh interpreter and read its JSON result."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(spec, f)
    try:
        done = subprocess.run([sys.executable, __file__, "--worker", f.name], capture_output=True, text=True,
                              env=dict(os.environ, **WORKER_ENV))
    finally:
        os.unlink(f.name)
    if done.returncode != 0:
        raise SystemExit(f"worker {spec['engine']} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- report --------------------------------------------------------------------------------------


def agreement(a: list[str], b: list[str]) -> tuple[float, float]:
    """Share of identical outputs, and mean share of words before the first difference."""
    same = sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
    prefix = []
    for x, y in zip(a, b, strict=True):
        xs, ys = x.split(), y.split()
        n = next((i for i, (p, q) in enumerate(zip(xs, ys, strict=False)) if p != q), min(len(xs), len(ys)))
        prefix.append(n / max(len(xs), len(ys), 1))
    return same, sum(prefix) / len(prefix)


def report_agreement(results: list[dict[str, Any]], peaks: dict[str, list[float]], random_weights: bool) -> None:
    """Print the share of identical outputs of (b) against (d) and (d'), and the model's peakedness."""
    by = {(r["engine"], r["beams"]): r for r in results}
    for other in ("d", "d32"):
        for beams in sorted({r["beams"] for r in results}):
            if ("b", beams) in by and (other, beams) in by:
                same, prefix = agreement(by[("b", beams)]["outputs"], by[(other, beams)]["outputs"])
                print(f"agreement (b) vs {ENGINES[other].split(')')[0]}), beams {beams}: {same:.1%} of sentences "
                      f"identical; {prefix:.1%} of words agree before the first difference")
    for beams in sorted({r["beams"] for r in results}):
        if ("b", beams) in by:
            outputs = by[("b", beams)]["outputs"]
            print(f"outputs of (b), beams {beams}: {len(set(outputs))} distinct among {len(outputs)} sentences")
    steps = len(peaks["top1"])
    print(f"peakedness, greedy steps 1..{steps}: top-1 probability "
          + " ".join(f"{v:.3f}" for v in peaks["top1"]) + "; top1-top2 logit gap "
          + " ".join(f"{v:.2f}" for v in peaks["gap"]) + "; the gap in standard deviations of the logits "
          + " ".join(f"{v:.2f}" for v in peaks["gap_sd"]))
    if random_weights:
        print("  (random weights: after its first step the untrained model repeats the token it picked, with a wide "
              "margin, but the first pick is the best of tens of thousands of random scores, a near tie that int8 "
              "rounding can swap; the int8 agreement says how often it does. float32 agreement shows that the "
              "engines compute the same thing. Rerun with --model PATH on the real model for figures that mean more.)")


def table(results: list[dict[str, Any]], target_tokens: int) -> list[str]:
    """The raw table: one row per engine and decoding, with the ratio to (a)."""
    rows = ["| engine | beams | passes | seconds | sentences/s | target tokens/s | peak RSS MB | "
            "RSS over imports MB | x (a) |", "|---|---|---|---|---|---|---|---|---|"]
    naive = {r["beams"]: r["sentences"] / r["seconds"] for r in results if r["engine"] == "a"}
    for r in results:
        rate = r["sentences"] / r["seconds"]
        tokens = "" if r["engine"] == "f" else f"{target_tokens * r['passes'] / r['seconds']:.0f}"
        ratio = f"{rate / naive[r['beams']]:.1f}" if r["beams"] in naive else ""
        rows.append(f"| {ENGINES[r['engine']]} | {r['beams']} | {r['passes']} | {r['seconds']:.3f} | "
                    f"{rate:.2f} | {tokens} | {r['peak_mb']:.0f} | {r['peak_mb'] - r['baseline_mb']:.0f} | "
                    f"{ratio} |")
    return rows


def main() -> None:
    """Build once, measure every engine in its own process, print the table, ratios and limits."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=48, help="NTREX sentences in the subset")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--engines", default="a,b,f,c,d,e,d32", help="comma-separated engines to run")
    parser.add_argument("--beams", default="1,4", help="comma-separated beam sizes")
    parser.add_argument("--min-seconds", type=float, default=8.0,
                        help="each engine repeats whole passes over the subset for at least this long")
    parser.add_argument("--model", help="a local Marian folder to measure instead of the random-weight one "
                        "(for agreement figures on real weights)")
    parser.add_argument("--agreement-only", action="store_true",
                        help="only the agreement of (b), (d) and (d') and the model's peakedness: one pass each, "
                        "no timing table")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_worker(json.loads(Path(args.worker).read_text()))))
        return

    from support.modelbuild import OPUS_MT_DA_EN_SHAPE

    from bilingual.translate import Ct2Translator, available_cores

    if args.agreement_only:
        args.engines, args.min_seconds = "b,d,d32", 0.0
    started = time.perf_counter()
    load_before = os.getloadavg()
    model = Path(args.model).resolve() if args.model else build_bench_model()
    ct2 = ensure_conversions(model)
    threads = available_cores()
    with tempfile.TemporaryDirectory() as tmp:
        db, texts = prepare_store(Path(tmp), args.sentences, args.seed)
        probe = Ct2Translator(str(model), folder=ct2["int8"])
        src_tokens = sum(probe.count_tokens(t) - 1 for t in texts) / len(texts)
        length = round(LENGTH_RATIO * src_tokens)
        tokens = probe.source_tokens(texts)
        results: list[dict[str, Any]] = []
        interleaved: dict[int, dict[str, Any]] = {}
        for beams in (int(b) for b in args.beams.split(",")):
            probe = Ct2Translator(str(model), folder=ct2["int8"], beams=beams, min_new_tokens=length,
                                  max_new_tokens=length + 1)
            for engine in args.engines.split(","):
                spec = {"engine": engine, "texts": texts, "beams": beams, "length": length, "model": str(model),
                        "ct2": str(ct2["float32" if engine == "d32" else "int8"]), "db": str(db),
                        "tokens": tokens, "ct2_options": probe.translate_options(), "threads": threads,
                        "min_seconds": args.min_seconds}
                print(f"  {ENGINES[engine]}, beams {beams} ...", flush=True)
                results.append(spawn(spec))
            if {"d", "e"} <= set(args.engines.split(",")) and not args.agreement_only:
                print(f"  (d) and (e) interleaved, beams {beams} ...", flush=True)
                interleaved[beams] = spawn({**spec, "engine": "de", "ct2": str(ct2["int8"])})
        print(f"  peakedness of the next-token distributions, {PEAK_SENTENCES} sentences ...", flush=True)
        peaks = spawn({"engine": "peak", "model": str(model), "texts": texts[:PEAK_SENTENCES], "steps": PEAK_STEPS})
    if args.agreement_only:
        print()
        print(f"machine: {threads} cores available, load average {load_before[0]:.2f} before / "
              f"{os.getloadavg()[0]:.2f} after; model: {model}")
        report_agreement(results, peaks, random_weights=not args.model)
        print(f"\nbench time {time.perf_counter() - started:.0f} s")
        return
    measured = spawn({"engine": "gemm", "rows": [64, 256], "threads": threads})
    # The best of the measured shapes: an upper bound for any engine on this machine.
    gemm = {"fp32": max(max(m["fp32"], m["fp32 numpy"]) for m in measured.values()),
            "int8": max(m["int8"] for m in measured.values())}
    load_after = os.getloadavg()
    target_tokens = length * len(texts)
    by = {(r["engine"], r["beams"]): r for r in results}

    print()
    print(f"machine: {platform.processor() or platform.machine()}, {threads} cores available, "
          f"load average {load_before[0]:.2f} before / {load_after[0]:.2f} after; python {platform.python_version()}")
    kind = f"{model}" if args.model else "random weights, shape of Helsinki-NLP/opus-mt-da-en"
    print(f"model: {kind}, {parameter_count(model) / 1e6:.1f} M parameters; "
          f"vocabulary {OPUS_MT_DA_EN_SHAPE['vocab_size'] if not args.model else 'its own'}")
    print(f"input: {len(texts)} NTREX-128 Danish sentences (seed {args.seed}), {src_tokens:.1f} source tokens on "
          f"average; every output forced to {length} tokens ({LENGTH_RATIO} x), {target_tokens} target tokens a pass; "
          f"each engine repeats passes for at least {args.min_seconds:g} s")
    print()
    print("\n".join(table(results, target_tokens)))
    print()
    for beams in sorted({r["beams"] for r in results}):
        rate = {e: by[(e, beams)]["sentences"] / by[(e, beams)]["seconds"] for e in ENGINES if (e, beams) in by}
        parts = [f"{name} = {rate[x] / rate[y]:.2f}" for name, x, y in
                 (("(b)/(a)", "b", "a"), ("(d)/(b)", "d", "b"), ("(d)/(e)", "d", "e"), ("(f)/(a)", "f", "a"),
                  ("(c)/(b)", "c", "b")) if x in rate and y in rate]
        print(f"beams {beams}: " + ", ".join(parts))
        if beams in interleaved:
            both = interleaved[beams]
            print(f"beams {beams}: (d)/(e) = {both['seconds']['e'] / both['seconds']['d']:.2f} interleaved in one "
                  f"process ({both['passes']} passes each: (d) {both['sentences'] / both['seconds']['d']:.2f}, "
                  f"(e) {both['sentences'] / both['seconds']['e']:.2f} sentences/s)")
    report_agreement(results, peaks, random_weights=not args.model)
    for r in results:
        if r["engine"] in ("a", "e"):
            forced = set(r["checks"]["target_tokens"])
            print(f"check: ({r['engine']}) beams {r['beams']} produced {sorted(forced)} target tokens per sentence")
        if r["engine"] == "f":
            print(f"check: (f) beams {r['beams']}: {r['checks']['cache_hits']} cache hits, "
                  f"{r['checks']['translated']} translated, weights loaded: {r['checks']['weights_loaded']}")
    print()
    print(f"paper limit: the matrix multiplies of one decoding step (d x d, d x ffn, ffn x d, d x vocab) on "
          f"{threads} threads: " + "; ".join(f"{r} rows: fp32 {m['fp32']:.0f} GFLOP/s (torch), {m['fp32 numpy']:.0f} "
                                             f"(numpy), int8 {m['int8']:.0f} GOP/s" for r, m in measured.items())
          + " (int8 = torch dynamic quantisation, fbgemm); the best of each kind is the limit")
    for beams in sorted({r["beams"] for r in results}):
        work = flops_per_target_token(OPUS_MT_DA_EN_SHAPE, src_tokens, length, beams)
        line = f"beams {beams}: {work / 1e6:.0f} MFLOP per target token -> at most " \
               f"{gemm['fp32'] * 1e9 / work:.0f} tokens/s in fp32, {gemm['int8'] * 1e9 / work:.0f} in int8"
        for engine, kind in (("b", "fp32"), ("d", "int8"), ("d32", "fp32")):
            if (engine, beams) in by:
                rate = target_tokens * by[(engine, beams)]["passes"] / by[(engine, beams)]["seconds"]
                line += f"; {ENGINES[engine].split(')')[0]}) reaches {rate / (gemm[kind] * 1e9 / work):.0%} of {kind}"
        print(line)
    print(f"\nbench time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
