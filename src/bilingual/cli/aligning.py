"""Alignment commands: align the store's documents, or align files without a store."""

from __future__ import annotations

from pathlib import Path

import click

from bilingual.cli.common import (
    ALIGN_MODES,
    db_option,
    fail_cleanly,
    model_option,
    open_store,
    setting_option,
    stored_documents,
)
from bilingual.settings import setting_value


@click.command("align")
@db_option
@click.option("--source", "sources", multiple=True, metavar="DOC",
              help="Danish document to align: id, name or path (repeatable; default: every Danish document).")
@click.option("--target", "targets", multiple=True, metavar="DOC",
              help="English document to align with (repeatable; default: every English document).")
@setting_option("align_mode", "--mode", type=ALIGN_MODES)
@setting_option("align_threshold", "--threshold", type=click.FloatRange(min=0))
@setting_option("top_k", "--top-k", type=click.IntRange(min=1))
@setting_option("embedder", "--embedder", metavar="NAME|PATH")
@fail_cleanly
def align_command(db: str | None, sources: tuple[str, ...], targets: tuple[str, ...], align_mode: str | None,
                  align_threshold: float | None, top_k: int | None, embedder: str | None) -> None:
    """Align the Danish documents in the store with the English ones, sentence by sentence.

    Uses each sentence's reviewed translation, else its MT, else the Danish text itself. Keeps the
    chosen beads and the other candidates with their scores; realigning replaces machine alignments
    but never one a reviewer accepted or rejected. Prints one summary line per Danish document.
    """
    from bilingual.align import load_embedder
    from bilingual.pipeline import align_documents

    mode = setting_value("align_mode", align_mode)
    threshold = setting_value("align_threshold", align_threshold)
    top_k = int(setting_value("top_k", top_k))
    with open_store(db, must_exist=True) as store:
        danish = stored_documents(store, sources, "da", "--source")
        english = stored_documents(store, targets, "en", "--target")
        if not danish:
            raise click.ClickException("there is no Danish document in the store: add some with `bilingual add`")
        if not english:
            raise click.ClickException("there is no English document in the store: add some with `bilingual add`")
        model = load_embedder(embedder)
        for doc in danish:
            report = align_documents(store, doc.id, [d.id for d in english], mode=mode, threshold=threshold,
                                     top_k=top_k, embedder=model)
            if report.sentences and report.origins.get("none") == report.sentences:
                click.echo(f"{doc.name}: no translations in the store, so the Danish text itself was aligned "
                           "(run `bilingual translate` first for better alignments)", err=True)
            click.echo(report.summary())


@click.command("align-files")
@click.argument("danish", type=click.Path(exists=True, dir_okay=False))
@click.argument("english", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--lines", is_flag=True, help="Take each line as one sentence (the format of aligner test sets).")
@click.option("--translation", type=click.Path(exists=True, dir_okay=False),
              help="The English translation of the Danish side, one line per Danish sentence.")
@setting_option("align_mode", "--mode", type=ALIGN_MODES)
@setting_option("align_threshold", "--threshold", type=click.FloatRange(min=0))
@setting_option("top_k", "--top-k", type=click.IntRange(min=1))
@click.option("--format", "fmt", type=click.Choice(["beads", "tsv", "csv"]), default="beads", show_default=True,
              help="beads: vecalign's [src ids]:[tgt ids]:score lines; tsv/csv: ids, score and texts.")
@click.option("--out", type=click.File("w", encoding="utf-8"), default="-", show_default=True,
              help="Where to write the alignment.")
@model_option
@db_option
@setting_option("embedder", "--embedder", metavar="NAME|PATH")
@fail_cleanly
def align_files(danish: str, english: tuple[str, ...], lines: bool, translation: str | None, align_mode: str | None,
                align_threshold: float | None, top_k: int | None, fmt: str, out, model: str | None, db: str | None,
                embedder: str | None) -> None:
    """Align a Danish file with one or more English files, without a store.

    Ids are zero-based; English ids run across the ENGLISH files in the order given. Every sentence
    appears in one bead, null beads included; page furniture is numbered but aligned with nothing.
    Without --translation the Danish side is compared through the store's reviewed text or MT, else
    the model's translation, else as it is; a note on stderr says which.
    """
    import csv

    from bilingual.align import align_sentences, load_embedder
    from bilingual.documents import decode_bytes
    from bilingual.pipeline import read_sentences, translations_for_alignment
    from bilingual.textio import neutralise, text_lines
    from bilingual.translate import load_translator

    src, src_furniture = read_sentences(danish, "da", lines)
    tgt, tgt_furniture, tgt_doc = [], [], []
    for k, path in enumerate(english):
        texts, furniture = read_sentences(path, "en", lines)
        tgt += texts
        tgt_furniture += furniture
        tgt_doc += [k] * len(texts)
    if translation:
        given, _ = decode_bytes(Path(translation).read_bytes(), translation)
        src_en = text_lines(given)
        if len(src_en) != len(src):
            raise click.BadParameter(f"{len(src_en)} lines, but {danish} has {len(src)} sentences",
                                     param_hint="--translation")
        click.echo(f"translation: {len(src_en)} lines from {translation}", err=True)
    else:
        src_en, note = translations_for_alignment(src, setting_value("db", db), lambda: load_translator(model))
        click.echo(note, err=True)
    beads, result = align_sentences(src_en, tgt, src_da=src, src_furniture=src_furniture, tgt_furniture=tgt_furniture,
                                    tgt_doc=tgt_doc, mode=setting_value("align_mode", align_mode),
                                    threshold=setting_value("align_threshold", align_threshold),
                                    top_k=int(setting_value("top_k", top_k)), embedder=load_embedder(embedder))
    if fmt == "beads":
        for bead in beads:
            out.write(bead.vecalign() + "\n")
    else:
        writer = csv.writer(out, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
        writer.writerow(["danish_ids", "english_ids", "score", "danish", "english"])
        for bead in beads:
            writer.writerow([",".join(map(str, bead.src)), ",".join(map(str, bead.tgt)), f"{bead.score:.6f}",
                             neutralise(" ".join(src[i] for i in bead.src)),
                             neutralise(" ".join(tgt[j] for j in bead.tgt))])
    linked = sum(len(b.src) for b in result.links())
    reason = result.settings.get("auto", {}).get("reason")
    click.echo(f"{linked} of {len(src)} Danish sentences aligned, mode {result.mode}"
               + (f" ({reason})" if reason else ""), err=True)
