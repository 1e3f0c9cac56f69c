"""Build Marian models with random weights, for tests and benchmarks.

A random-weight model has the real code path and the real cost per token, but its output
is noise: it is never used as a translation outside tests and benchmarks. CTranslate2
conversions are runtime code: ``bilingual.translate.convert_model``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# The published shape of Helsinki-NLP/opus-mt-da-en.
OPUS_MT_DA_EN_SHAPE: dict[str, Any] = {
    "d_model": 512, "encoder_layers": 6, "decoder_layers": 6, "encoder_attention_heads": 8,
    "decoder_attention_heads": 8, "encoder_ffn_dim": 2048, "decoder_ffn_dim": 2048,
    "activation_function": "swish", "static_position_embeddings": True, "scale_embedding": True,
    "max_position_embeddings": 512, "vocab_size": 58930, "num_beams": 4,
}
TINY_SHAPE: dict[str, Any] = {
    "d_model": 16, "encoder_layers": 1, "decoder_layers": 1, "encoder_attention_heads": 2,
    "decoder_attention_heads": 2, "encoder_ffn_dim": 32, "decoder_ffn_dim": 32,
    "activation_function": "swish", "static_position_embeddings": True, "scale_embedding": True,
    "max_position_embeddings": 64, "vocab_size": None, "num_beams": 1, "max_length": 24, "init_std": 0.5,
}


def train_sentencepiece(texts: Iterable[str], out_prefix: Path, vocab_size: int) -> Path:
    """Train a unigram sentencepiece model on texts; return the .model path."""
    import sentencepiece as spm

    lines = [line.strip() for text in texts for line in text.splitlines() if line.strip()]
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_prefix=str(out_prefix), vocab_size=vocab_size,
        model_type="unigram", character_coverage=1.0, hard_vocab_limit=False, minloglevel=2,
        unk_id=1, bos_id=-1, eos_id=0, pad_id=-1,
    )
    return out_prefix.with_suffix(".model")


def build_random_marian(out_dir: str | Path, texts: Iterable[str], shape: dict[str, Any] | None = None,
                        spm_vocab_size: int = 400, seed: int = 0, eos_bias: float = 0.0) -> Path:
    """Save a Marian model with random weights and a tokenizer trained on ``texts``; return its folder.

    Random weights almost never choose the end token, so every output runs to the length limit;
    an ``eos_bias`` added to the end token's score (4 for the tiny shape) makes some outputs end early.
    """
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    shape = dict(TINY_SHAPE if shape is None else shape)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        spm_path = train_sentencepiece(texts, Path(tmp) / "spm", spm_vocab_size)
        data = spm_path.read_bytes()
    (out / "source.spm").write_bytes(data)
    (out / "target.spm").write_bytes(data)
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(out / "source.spm"))
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(sp.get_piece_size()):
        vocab.setdefault(sp.id_to_piece(i), len(vocab))
    vocab_size = shape.pop("vocab_size") or len(vocab) + 1
    while len(vocab) < vocab_size - 1:  # placeholders give the published vocabulary size
        vocab[f"<unused{len(vocab)}>"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    pad = vocab["<pad>"]
    beams, max_length = shape.pop("num_beams"), shape.pop("max_length", 512)
    # Weights at std 0.02, the default, unless the shape names another (the tiny model: 0.5, so that its
    # outputs depend on the input). A larger std does not make a random model behave like a trained one
    # where int8 is concerned: its first greedy pick stays the best of tens of thousands of
    # random scores, a near tie (measured on the bench model: top1-top2 gap 0.04 logits, 0.09 standard
    # deviations of the logits, top-1 probability below 0.001), and the steps after it repeat that pick
    # with a wide margin (gap about 9 standard deviations). Scaling every weight to std 0.1 lowered the
    # int8 agreement with transformers from 86% to 67% of sentences; scaling the shared embeddings to
    # 0.1 made the later steps certain (top-1 probability 1.0) but left the first pick a near tie (0.15
    # standard deviations) and the agreement 0%. A temperature (a scaled output layer) leaves greedy
    # picks unchanged. `bench/translate_bench.py --agreement-only` prints these figures.
    shape_init_std = shape.pop("init_std", 0.02)
    config = MarianConfig(vocab_size=len(vocab), pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad,
                          forced_eos_token_id=0, share_encoder_decoder_embeddings=True, **shape)
    torch.manual_seed(seed)
    config.init_std = shape_init_std
    model = MarianMTModel(config).eval()
    with torch.no_grad():
        model.final_logits_bias[0, 0] += eos_bias
    # A max_length of None leaves it out of generation_config.json, like a model that declares no output limit.
    lengths = {} if max_length is None else {"max_length": max_length}
    model.generation_config = GenerationConfig(num_beams=beams, bad_words_ids=[[pad]], decoder_start_token_id=pad,
                                               eos_token_id=0, pad_token_id=pad, forced_eos_token_id=0, **lengths)
    model.save_pretrained(out)
    tokenizer = MarianTokenizer(str(out / "source.spm"), str(out / "target.spm"), str(out / "vocab.json"),
                                source_lang="da", target_lang="en", model_max_length=shape["max_position_embeddings"])
    tokenizer.save_pretrained(out)
    return out
