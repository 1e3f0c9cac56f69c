"""The ``bilingual`` command line: a thin shell over the library.

Exit codes: 0 success, 1 a failed run (with a one-line reason), 2 bad arguments.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from bilingual import __version__
from bilingual.settings import SETTINGS, setting_value


def _option(name: str, *flags: str, **kwargs: Any):
    """A click option fed from the settings table (default, env var and help in one place)."""
    spec = SETTINGS[name]
    kwargs.setdefault("help", f"{spec.help} [env {spec.env}; default {spec.default}]")
    kwargs.setdefault("type", spec.type)
    return click.option(*flags, name, envvar=spec.env, default=None, show_envvar=False, **kwargs)


db_option = _option("db", "--db", type=click.Path(dir_okay=False))
model_option = _option("model", "--model", metavar="ID|PATH")


def _fail_cleanly(func):
    """Turn the library's expected failures into one-line messages with exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any):
        from bilingual.documents import DocumentError
        from bilingual.translate import ModelNotFoundError

        try:
            return func(*args, **kwargs)
        except (DocumentError, ModelNotFoundError, KeyError, RuntimeError, ValueError) as exc:
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            raise click.ClickException(str(message)) from exc

    return wrapper


def _open_store(db: str | None, must_exist: bool = False):
    """The store at ``--db`` / ``BILINGUAL_DB``; with ``must_exist``, a missing file is an error, not a new store."""
    from bilingual.store import Store

    path = str(setting_value("db", db))
    if must_exist and path != ":memory:" and not Path(path).is_file():
        # A mistyped path would otherwise answer with an empty new store and leave a stray file behind.
        raise click.ClickException(f"no store at {path}: add documents with `bilingual add` or `bilingual translate` "
                                   "first, or point --db / BILINGUAL_DB at your store")
    return Store(path)


class _RateBar:
    """A terminal progress bar showing sentences done / total and the rate in sentences per second."""

    def __init__(self, total: int, label: str):
        import time

        self._clock = time.perf_counter
        self._started = self._clock()
        self._done = 0
        self._bar = click.progressbar(length=total, label=label, show_pos=True, show_percent=True, show_eta=True,
                                      file=sys.stderr, item_show_func=lambda rate: rate)

    def __enter__(self) -> _RateBar:
        self._bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.__exit__(*exc)

    def update(self, n: int) -> None:
        """Advance by n sentences."""
        self._done += n
        elapsed = max(self._clock() - self._started, 1e-9)
        self._bar.update(n, f"{self._done / elapsed:.1f} sentences/s")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="bilingual")
def main() -> None:
    """Translate Danish documents, align them with English articles, review and export."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@model_option
@db_option
@_option("batch_size", "--batch-size", type=click.IntRange(min=1))
@_option("beams", "--beams", type=click.IntRange(min=1))
@_option("device", "--device")
@_option("backend", "--backend", type=click.Choice(["auto", "ct2", "transformers"], case_sensitive=False))
@_option("quantize", "--quantize/--no-quantize", type=click.BOOL)
@_option("threads", "--threads", type=click.IntRange(min=1))
@click.option("--lang", type=click.Choice(["da", "en"]), help="Language of all FILES (default: detected per file).")
@click.option("--out", type=click.File("w", encoding="utf-8"),
              help="Also write the translations as JSONL ('-' = stdout).")
@_fail_cleanly
def translate(files: tuple[str, ...], model: str | None, db: str | None, batch_size: int | None, beams: int | None,
              device: str | None, backend: str | None, quantize: bool | None, threads: int | None, lang: str | None,
              out) -> None:
    """Translate the Danish sentences of FILES into the store; English files are stored as they are.

    A folder stands for its .txt and .md files. Reviewed translations and the MT cache are used
    first; only what is missing is translated, one committed batch at a time, so an interrupted
    run resumes where it stopped.
    """
    from bilingual.documents import expand_inputs
    from bilingual.pipeline import translate_files, translation_records, write_jsonl
    from bilingual.translate import load_translator

    paths = expand_inputs(files)

    def make_translator():
        click.echo(f"loading model {setting_value('model', model)} ...", err=True)
        translator = load_translator(model, backend=backend, beams=beams, device=device, batch_size=batch_size,
                                     quantize=quantize, threads=threads)
        click.echo(f"engine: {translator.signature['backend']}", err=True)
        return translator

    def progress(total: int):
        return _RateBar(total, "translating")

    with _open_store(db) as store:
        report = translate_files(store, paths, make_translator, int(setting_value("batch_size", batch_size)),
                                 language=lang, progress_factory=progress if sys.stderr.isatty() else None)
        click.echo(report.summary())
        if out is not None:
            ids = [store.document(p.name).id for p in paths]
            write_jsonl(translation_records(store, ids), out)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--lang", type=click.Choice(["da", "en"]), help="Language of all FILES (default: detected per file).")
@db_option
@_fail_cleanly
def add(files: tuple[str, ...], lang: str | None, db: str | None) -> None:
    """Store FILES (a folder: its .txt and .md files) and their sentences without translating them."""
    from bilingual.documents import expand_inputs
    from bilingual.pipeline import add_documents

    paths = expand_inputs(files)
    with _open_store(db) as store:
        for doc_id, doc in add_documents(store, paths, language=lang):
            n = len(store.segments(doc_id))
            furniture = sum(1 for s in store.segments(doc_id) if s.furniture)
            click.echo(f"{doc.name}: {doc.language}, {n} sentences ({furniture} page furniture), id {doc_id}")


@main.command()
@click.argument("document")
@click.option("--leave-out", "leave_out", type=int, multiple=True, metavar="PARAGRAPH",
              help="Mark a paragraph as page furniture: left out of translation, alignment and export. Repeatable.")
@click.option("--keep", type=int, multiple=True, metavar="PARAGRAPH",
              help="Take a paragraph back as content, whatever the detector said. Repeatable.")
@click.option("--reviewer", help="Name recorded with the change.")
@db_option
@_fail_cleanly
def furniture(document: str, leave_out: tuple[int, ...], keep: tuple[int, ...], reviewer: str | None,
              db: str | None) -> None:
    """List the paragraphs of DOCUMENT with their page-furniture marks, or switch some of them."""
    if set(leave_out) & set(keep):
        raise click.UsageError(f"paragraph(s) {sorted(set(leave_out) & set(keep))} both left out and kept")
    with _open_store(db, must_exist=True) as store:
        doc = store.document(document)
        paragraphs = store.paragraphs(doc.id)
        unknown = sorted((set(leave_out) | set(keep)) - {p.paragraph for p in paragraphs})
        if unknown:
            raise click.BadParameter(f"{doc.name} has no paragraph {', '.join(map(str, unknown))} "
                                     f"(paragraphs 0 to {len(paragraphs) - 1})", param_hint="--leave-out/--keep")
        changed = store.set_furniture(doc.id, leave_out, furniture=True, reviewer=reviewer)
        changed += store.set_furniture(doc.id, keep, furniture=False, reviewer=reviewer)
        if leave_out or keep:
            paragraphs = store.paragraphs(doc.id)
    width = shutil.get_terminal_size((100, 20)).columns
    click.echo(f"{doc.name} ({doc.language}): {doc.title}")
    for p in paragraphs:
        mark = f"left out: {p.furniture}" if p.furniture else "content"
        if p.overridden:
            mark += f" (detector: {p.detected or 'content'}; switched{' by ' + p.set_by if p.set_by else ''})"
        head = f"{p.paragraph:>4}  {mark}  "
        text = " ".join(p.text.split())
        room = max(20, width - len(head))
        click.echo(head + (text if len(text) <= room else text[: room - 3] + "..."))
    if leave_out or keep:
        click.echo(f"{changed} sentences changed. Realign to bring the alignment up to date: bilingual align"
                   + (f" --source {doc.name}" if doc.language == "da" else ""))


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@_fail_cleanly
def stats(db: str | None, as_json: bool) -> None:
    """Counts of the store: documents, segments, translated, reviewed."""
    with _open_store(db, must_exist=True) as store:
        counts = store.stats()
    if as_json:
        click.echo(json.dumps(counts))
    else:
        for k, v in counts.items():
            click.echo(f"{k:>28}: {v}")


@main.command()
@db_option
@model_option
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.option("--address", default="127.0.0.1", show_default=True, help="Interface to bind to.")
def review(db: str | None, model: str | None, port: int, address: str) -> None:
    """Open the review app (Streamlit) on the store."""
    env = dict(os.environ, BILINGUAL_DB=str(setting_value("db", db)))
    if model:
        env["BILINGUAL_MODEL"] = model
    from bilingual.appserver import PACKAGED_SCRIPT, app_command

    script = Path.cwd() / "app.py"
    raise SystemExit(subprocess.call(app_command(script if script.is_file() else PACKAGED_SCRIPT, port, address),
                                     env=env))


@main.group()
def model() -> None:
    """Get, convert and inspect translation models."""


@model.command("download")
@click.argument("model_id", required=False, metavar="[ID]")
@_option("revision", "--revision")
@_fail_cleanly
def model_download(model_id: str | None, revision: str | None) -> None:
    """Download a Marian model into the Hugging Face cache (needs internet)."""
    from huggingface_hub import snapshot_download

    from bilingual.translate import hub_offline, hub_reachable, resolve_model

    model_id = resolve_model(model_id)
    if hub_offline():
        raise click.ClickException(f"HF_HUB_OFFLINE is set: unset it to download {model_id}")
    if not hub_reachable():
        raise click.ClickException(f"the Hugging Face hub is unreachable from here: download {model_id} on a machine "
                                   "with internet and copy its folder over (then --model PATH)")
    try:
        from huggingface_hub import list_repo_files

        files = list_repo_files(model_id, revision=revision)
        # Older Marian repos ship only pytorch_model.bin; take safetensors when both are there.
        weights = "*.safetensors" if any(f.endswith(".safetensors") for f in files) else "pytorch_model.bin"
        path = snapshot_download(model_id, revision=revision,
                                 allow_patterns=["*.json", "*.spm", weights, "*.txt", "*.model"])
    except Exception as exc:  # the hub client raises many kinds of network errors
        raise click.ClickException(
            f"could not download {model_id}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}. "
            "Check the network, or download it on another machine and pass --model PATH"
        ) from exc
    click.echo(f"{model_id} downloaded to {path}")


@model.command("info")
@click.argument("model_id", required=False, metavar="[ID|PATH]")
@_fail_cleanly
def model_info(model_id: str | None) -> None:
    """Where a model is found and its shape, without loading its weights."""
    from bilingual.translate import describe_model, resolve_model

    info = describe_model(resolve_model(model_id))
    for k, v in info.items():
        click.echo(f"{k:>24}: {v}")
    if not info.get("found"):
        raise SystemExit(1)


@main.command()
@click.option("--document", "documents", multiple=True, metavar="DOC",
              help="A Danish document (name, prefix or id); repeatable (default: every Danish document).")
@click.option("--only-new", is_flag=True, help="Only the English sentences the Danish document does not have.")
@db_option
@_fail_cleanly
def coverage(documents: tuple[str, ...], only_new: bool, db: str | None) -> None:
    """Which English sentences the Danish documents say too, from their alignments, as TSV on stdout.

    Columns: danish_document, english_id, in_danish (yes/no), danish_ids, score, english. A summary
    per English document goes to stderr.
    """
    import csv

    from bilingual.export import english_coverage
    from bilingual.pipeline import last_alignment_request

    out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    out.writerow(["danish_document", "english_id", "in_danish", "danish_ids", "score", "english"])
    with _open_store(db, must_exist=True) as store:
        danish_docs = [store.document(d) for d in documents] or store.documents(language="da")
        for doc in danish_docs:
            if doc.language != "da":
                raise click.BadParameter(f"{doc.name} is not a Danish document", param_hint="--document")
            alignments = store.alignments(doc.id)
            if not alignments:
                click.echo(f"{doc.name}: not aligned yet (run `bilingual align --source {doc.name}`)", err=True)
                continue
            targets = last_alignment_request(store, doc.id).get("target_document_ids") or [
                d.id for d in store.documents(language="en")]
            ids = {s.id: s.stable_id for s in store.segments(doc.id)}
            for english_id in targets:
                english = store.document(english_id)
                items = english_coverage(store.segments(english_id, include_furniture=False), alignments)
                click.echo(f"{english.name}: {sum(c.covered for c in items)} of {len(items)} sentences are in "
                           f"{doc.name}", err=True)
                for item in items:
                    if only_new and item.covered:
                        continue
                    out.writerow([doc.name, item.segment.stable_id, "yes" if item.covered else "no",
                                  " ".join(ids[i] for i, _ in item.danish),
                                  f"{max(score for _, score in item.danish):.3f}" if item.covered else "",
                                  item.segment.text])


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "tmx", "jsonl", "xliff"]),
              help="Output format (default: from the --out suffix; .xlf and .xliff are XLIFF).")
@click.option("--out", required=True, metavar="FILE", help="File to write ('-' = stdout).")
@click.option("--excel", is_flag=True,
              help="CSV for spreadsheets: byte-order mark, formula-like cells prefixed with an apostrophe.")
@click.option("--only-reviewed", is_flag=True, help="Only accepted and corrected sentences.")
@click.option("--document", "documents", multiple=True, metavar="DOC",
              help="A Danish document (id, name or path); repeatable. Default: all.")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@db_option
@_fail_cleanly
def export_command(fmt: str | None, out: str, excel: bool, only_reviewed: bool, documents: tuple[str, ...],
                   force: bool, db: str | None) -> None:
    """Write the reviewed, aligned sentences as CSV, TMX 1.4b, JSONL or XLIFF 1.2.

    One row per Danish sentence with its MT, final text, review and aligned English sentence(s);
    TMX holds the accepted and corrected sentences only. XLIFF is the file to translate in a CAT tool
    (OmegaT, Trados, memoQ, Phrase); import-reviews reads it back.
    """
    import io
    import tempfile

    from bilingual.export import export_records, write_records

    if fmt is None:
        suffix = Path(out).suffix.lower().lstrip(".")
        fmt = {"xlf": "xliff"}.get(suffix, suffix)
        if out == "-" or fmt not in ("csv", "tmx", "jsonl", "xliff"):
            raise click.UsageError("give --format csv|tmx|jsonl|xliff (it cannot be told from the --out name)")
    if excel and fmt != "csv":
        raise click.UsageError("--excel only applies to --format csv")
    target = None if out == "-" else Path(out)
    if target is not None and target.exists() and not force:
        raise click.ClickException(f"{target} exists; pass --force to overwrite it")
    with _open_store(db, must_exist=True) as store:
        ids = None
        if documents:
            ids = []
            for ref in documents:
                doc = store.document(ref)
                if doc.language != "da":
                    raise click.UsageError(f"{doc.name} is an English document; --document takes a Danish one")
                ids.append(doc.id)
        records = export_records(store, ids, only_reviewed=only_reviewed)
    if target is None:
        stream = io.TextIOWrapper(click.open_file("-", "wb"), encoding="utf-8", newline="")
        count = write_records(records, fmt, stream, excel=excel)
        stream.flush()
        stream.detach()
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        # write beside the target and rename, so a failed export never leaves half a file
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=target.parent,
                                         prefix=f".{target.name}.", suffix=".tmp", delete=False) as tmp:
            try:
                count = write_records(records, fmt, tmp, excel=excel)
            except BaseException:
                tmp.close()
                Path(tmp.name).unlink(missing_ok=True)
                raise
        Path(tmp.name).replace(target)
    left_out = f" (TMX holds accepted and corrected sentences: {len(records) - count} left out)" if fmt == "tmx" else ""
    units = "translation units" if fmt in ("tmx", "xliff") else "rows"
    click.echo(f"{count} {units} written to {out}{left_out}", err=True)


@main.command("import-reviews")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--reviewer", help="Name recorded with the imported reviews (default: import:FILE-NAME).")
@click.option("--excel/--no-excel", default=None,
              help="Whether FILE was exported with --excel (default: yes if it starts with a byte-order mark).")
@click.option("--dry-run", is_flag=True, help="Report what would happen, change nothing.")
@db_option
@_fail_cleanly
def import_reviews_command(file: str, reviewer: str | None, excel: bool | None, dry_run: bool,
                           db: str | None) -> None:
    """Apply the reviews of an exported CSV edited in a spreadsheet, or of an XLIFF file from a CAT tool.

    CSV: the final and status columns. XLIFF (.xlf, .xliff): the targets a translator edited or
    confirmed. Rows whose Danish sentence changed, or whose review was saved again since the export,
    are reported as stale and not applied; rows equal to the current review are skipped.
    """
    from bilingual.export import (
        REQUIRED_IMPORT_COLUMNS,
        decode_csv,
        import_reviews,
        import_xliff_reviews,
        is_xliff,
        read_csv_rows,
        read_xliff_units,
    )

    data, name = Path(file).read_bytes(), Path(file).name
    xliff = is_xliff(data, name)
    if xliff and excel is not None:
        raise click.UsageError("--excel/--no-excel only apply to a CSV file")
    # the file is read before the store is opened, so a file that is not an export changes nothing
    units = read_xliff_units(data) if xliff else []
    rows = [] if xliff else read_csv_rows(decode_csv(data, file), excel, required=REQUIRED_IMPORT_COLUMNS)
    with _open_store(db, must_exist=True) as store:
        if xliff:
            report = import_xliff_reviews(store, units, reviewer or f"import:{name}", dry_run=dry_run)
        else:
            report = import_reviews(store, rows, reviewer or f"import:{name}", dry_run=dry_run)
    for problem in report.problems():
        where = "unit" if xliff else "row"
        click.echo(f"{where} {problem.row} ({problem.id}): {problem.outcome}: {problem.message}", err=True)
    click.echo(report.summary() + (" (dry run: nothing saved)" if dry_run else ""))


@model.command("convert")
@click.argument("model_id", required=False, metavar="[ID|PATH]")
@click.option("--quantization", type=click.Choice(["int8", "int8_float32", "float32"]), default="int8",
              show_default=True, help="Weight type of the converted model (int8 is the fastest on CPUs).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder to write (default: a folder under the models folder, where `translate` finds it).")
@click.option("--force", is_flag=True, help="Replace the folder if it exists.")
@_fail_cleanly
def model_convert(model_id: str | None, quantization: str, out_dir: str | None, force: bool) -> None:
    """Convert a Marian model into a CTranslate2 folder (with its tokenizer) for the fast ct2 backend."""
    from bilingual.translate import convert_model, resolve_model

    try:
        folder = convert_model(model_id, quantization=quantization, out=out_dir, force=force)
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{resolve_model(model_id)} converted ({quantization}) to {folder}")


# --------------------------------------------------------------------------- alignment

_ALIGN_MODES = click.Choice(["auto", "parallel", "comparable"])


def _stored_documents(store, refs: tuple[str, ...], language: str, option: str) -> list:
    """Documents named on the command line (all of a language when none), checked for their language."""
    if not refs:
        return store.documents(language=language)
    docs = []
    for ref in refs:
        try:
            doc = store.document(ref)
        except KeyError as exc:
            raise click.BadParameter(f"no document {ref!r} in the store", param_hint=option) from exc
        if doc.language != language:
            raise click.BadParameter(f"{doc.name} is not {'Danish' if language == 'da' else 'English'}",
                                     param_hint=option)
        docs.append(doc)
    return docs


@main.command("align")
@db_option
@click.option("--source", "sources", multiple=True, metavar="DOC",
              help="Danish document to align: id, name or path (repeatable; default: every Danish document).")
@click.option("--target", "targets", multiple=True, metavar="DOC",
              help="English document to align with (repeatable; default: every English document).")
@_option("align_mode", "--mode", type=_ALIGN_MODES)
@_option("align_threshold", "--threshold", type=click.FloatRange(min=0))
@_option("top_k", "--top-k", type=click.IntRange(min=1))
@_option("embedder", "--embedder", metavar="NAME|PATH")
@_fail_cleanly
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
    with _open_store(db, must_exist=True) as store:
        danish = _stored_documents(store, sources, "da", "--source")
        english = _stored_documents(store, targets, "en", "--target")
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


def _read_sentences(path: str, language: str, lines: bool) -> tuple[list[str], list[bool]]:
    """The sentences of a file (each line, or segmented) and whether each is page furniture."""
    from bilingual.documents import decode_bytes, load_document
    from bilingual.segment import segment_document

    if lines:
        text, _ = decode_bytes(Path(path).read_bytes(), path)
        rows = text.replace("\r\n", "\n").replace("\r", "\n").splitlines()
        return rows, [False] * len(rows)
    segments = segment_document(load_document(path, language=language))
    return [s.text for s in segments], [s.furniture is not None for s in segments]


def _in_document_order(beads: list) -> list:
    """Beads by Danish position; a bead with only English goes after the beads whose English comes before it."""
    import bisect

    with_src = sorted((b for b in beads if b.src), key=lambda b: b.src[0])
    reach, top = [], -1
    for b in with_src:
        top = max([top, *b.tgt])
        reach.append(top)
    slots: dict[int, list] = {}
    for bead in sorted((b for b in beads if not b.src), key=lambda b: b.tgt[0]):
        slots.setdefault(bisect.bisect_left(reach, bead.tgt[0]), []).append(bead)
    out = list(slots.get(0, []))
    for k, bead in enumerate(with_src, start=1):
        out.append(bead)
        out.extend(slots.get(k, []))
    return out


def _spreadsheet_safe(cell: str) -> str:
    """Neutralise a text cell that a spreadsheet would run as a formula."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell


@main.command("align-files")
@click.argument("danish", type=click.Path(exists=True, dir_okay=False))
@click.argument("english", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--lines", is_flag=True, help="Take each line as one sentence (the format of aligner test sets).")
@click.option("--translation", type=click.Path(exists=True, dir_okay=False),
              help="The English translation of the Danish side, one line per Danish sentence.")
@_option("align_mode", "--mode", type=_ALIGN_MODES)
@_option("align_threshold", "--threshold", type=click.FloatRange(min=0))
@_option("top_k", "--top-k", type=click.IntRange(min=1))
@click.option("--format", "fmt", type=click.Choice(["beads", "tsv", "csv"]), default="beads", show_default=True,
              help="beads: vecalign's [src ids]:[tgt ids]:score lines; tsv/csv: ids, score and texts.")
@click.option("--out", type=click.File("w", encoding="utf-8"), default="-", show_default=True,
              help="Where to write the alignment.")
@model_option
@db_option
@_option("embedder", "--embedder", metavar="NAME|PATH")
@_fail_cleanly
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

    from bilingual.align import Bead, align, load_embedder
    from bilingual.documents import decode_bytes
    from bilingual.pipeline import translations_for_alignment
    from bilingual.translate import load_translator

    src, src_furniture = _read_sentences(danish, "da", lines)
    tgt, tgt_furniture, tgt_doc = [], [], []
    for k, path in enumerate(english):
        texts, furniture = _read_sentences(path, "en", lines)
        tgt += texts
        tgt_furniture += furniture
        tgt_doc += [k] * len(texts)
    if translation:
        given, _ = decode_bytes(Path(translation).read_bytes(), translation)
        src_en = given.replace("\r\n", "\n").replace("\r", "\n").splitlines()
        if len(src_en) != len(src):
            raise click.BadParameter(f"{len(src_en)} lines, but {danish} has {len(src)} sentences",
                                     param_hint="--translation")
        click.echo(f"translation: {len(src_en)} lines from {translation}", err=True)
    else:
        src_en, note = translations_for_alignment(src, setting_value("db", db), lambda: load_translator(model))
        click.echo(note, err=True)
    # Page furniture keeps its number but takes no part in the search.
    keep_s = [i for i, f in enumerate(src_furniture) if not f]
    keep_t = [j for j, f in enumerate(tgt_furniture) if not f]
    result = align([src_en[i] for i in keep_s], [tgt[j] for j in keep_t], tgt_doc=[tgt_doc[j] for j in keep_t],
                   mode=setting_value("align_mode", align_mode), threshold=setting_value("align_threshold",
                                                                                         align_threshold),
                   top_k=int(setting_value("top_k", top_k)), embedder=load_embedder(embedder),
                   src_da=[src[i] for i in keep_s])
    beads = [Bead(tuple(keep_s[i] for i in b.src), tuple(keep_t[j] for j in b.tgt), b.score) for b in result.beads]
    beads += [Bead((i,), (), 0.0) for i, f in enumerate(src_furniture) if f]
    beads += [Bead((), (j,), 0.0) for j, f in enumerate(tgt_furniture) if f]
    beads = _in_document_order(beads)
    if fmt == "beads":
        for bead in beads:
            out.write(bead.vecalign() + "\n")
    else:
        writer = csv.writer(out, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
        writer.writerow(["danish_ids", "english_ids", "score", "danish", "english"])
        for bead in beads:
            writer.writerow([",".join(map(str, bead.src)), ",".join(map(str, bead.tgt)), f"{bead.score:.6f}",
                             _spreadsheet_safe(" ".join(src[i] for i in bead.src)),
                             _spreadsheet_safe(" ".join(tgt[j] for j in bead.tgt))])
    linked = sum(len(b.src) for b in result.links())
    reason = result.settings.get("auto", {}).get("reason")
    click.echo(f"{linked} of {len(src)} Danish sentences aligned, mode {result.mode}"
               + (f" ({reason})" if reason else ""), err=True)


# --------------------------------------------------------------------------- glossary

# Where a term added on the command line came from, shown by `glossary list`.
_ADDED_BY_HAND = "command line"


@main.group("glossary")
def glossary_group() -> None:
    """Keep a termbase of Danish→English terms; the QA check `term` flags translations that miss them."""


@glossary_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@db_option
@_fail_cleanly
def glossary_import(file: str, db: str | None) -> None:
    """Add the terms of a CSV/TSV (header danish,english[,note]) or TBX file to the glossary.

    Several English renderings share a CSV cell separated by |, the first preferred. A term whose
    Danish and preferred English are already there is left as it is, so importing twice adds nothing.
    """
    from bilingual.glossary import read_glossary

    # the file is read before the store is opened, so a bad file changes nothing
    terms = read_glossary(file)
    with _open_store(db) as store:
        added = store.add_terms(terms, source=Path(file).name)
        total = len(store.terms())
    click.echo(f"{len(terms)} terms read from {file}: {added} added, {len(terms) - added} already there "
               f"({total} in the glossary)")


@glossary_group.command("list")
@db_option
@_fail_cleanly
def glossary_list(db: str | None) -> None:
    """List the glossary: each Danish term, its English renderings (preferred first), note and source."""
    with _open_store(db, must_exist=True) as store:
        terms = store.terms()
    for term in terms:
        line = f"{term.danish} → {' | '.join(term.english)}"
        if term.note:
            line += f"  ({term.note})"
        if term.source:
            line += f"  [{term.source}]"
        click.echo(line)
    click.echo(f"{len(terms)} terms", err=True)


@glossary_group.command("add")
@click.argument("danish")
@click.argument("english")
@click.option("--note", default="", help="A note for the translator (usage, context).")
@db_option
@_fail_cleanly
def glossary_add(danish: str, english: str, note: str, db: str | None) -> None:
    """Add one term: DANISH and its ENGLISH rendering(s), several separated by |, the first preferred."""
    from bilingual.glossary import Term, split_renderings

    term = Term(danish, split_renderings(english), note)
    with _open_store(db) as store:
        added = store.add_terms([term], source=_ADDED_BY_HAND)
    click.echo(f"{'added' if added else 'already there'}: {term.danish} → {' | '.join(term.english)}")


@glossary_group.command("remove")
@click.argument("danish")
@db_option
@_fail_cleanly
def glossary_remove(danish: str, db: str | None) -> None:
    """Remove every entry of a Danish term (case does not count)."""
    with _open_store(db, must_exist=True) as store:
        removed = store.remove_term(danish)
    if not removed:
        raise click.ClickException(f"{danish!r} is not in the glossary")
    click.echo(f"{removed} {'entry' if removed == 1 else 'entries'} of {danish!r} removed")


@glossary_group.command("check")
@click.option("--document", "documents", multiple=True, metavar="DOC",
              help="A Danish document (id, name or path); repeatable. Default: all.")
@db_option
@_fail_cleanly
def glossary_check(documents: tuple[str, ...], db: str | None) -> None:
    """Show, per Danish sentence, the glossary terms found and whether its English renders them.

    The English is the reviewed text, else the latest MT. Ends with `N terms found, M not rendered`.
    """
    from bilingual.glossary import Glossary, expected_text, term_rendered

    with _open_store(db, must_exist=True) as store:
        glossary = Glossary(store.terms())
        if not glossary:
            raise click.ClickException("the glossary is empty: add terms with `bilingual glossary import FILE`")
        docs = _stored_documents(store, documents, "da", "--document")
        wanted = {d.id for d in docs}
        segments = [s for s in store.segments(language="da", include_furniture=False) if s.document_id in wanted]
        hashes = {s.text_hash for s in segments}
        reviews, mts = store.reviews(hashes), store.latest_translations(hashes)
    found = not_rendered = untranslated = 0
    for seg in segments:
        hits = glossary.find(seg.text)
        if not hits:
            continue
        review = reviews.get(seg.text_hash)
        if review and (review.final_text or "").strip():
            english, origin = review.final_text or "", "reviewed"
        else:
            english, origin = mts.get(seg.text_hash, ("", {}))[0], "MT"
        click.echo(f"{seg.stable_id}  {seg.text}")
        if english.strip():
            click.echo(f"  {origin}: {english}")
        for hit in hits:
            found += 1
            if not english.strip():
                untranslated += 1
                verdict = "no English yet"
            elif term_rendered(english, hit.term):
                verdict = "rendered"
            else:
                not_rendered += 1
                verdict = "NOT rendered"
            click.echo(f"    {hit.text} → {expected_text(hit.term)}: {verdict}")
    tail = f", {untranslated} in sentences with no English yet" if untranslated else ""
    click.echo(f"{found} terms found, {not_rendered} not rendered{tail}")
