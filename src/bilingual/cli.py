"""The ``bilingual`` command line: a thin shell over the library.

Exit codes: 0 success, 1 a failed run (with a one-line reason), 2 bad arguments.
"""

from __future__ import annotations

import functools
import json
import os
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


def _open_store(db: str | None):
    from bilingual.store import Store

    return Store(setting_value("db", db))


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
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@model_option
@db_option
@_option("batch_size", "--batch-size", type=click.IntRange(min=1))
@_option("beams", "--beams", type=click.IntRange(min=1))
@_option("device", "--device")
@click.option("--lang", type=click.Choice(["da", "en"]), help="Language of all FILES (default: detected per file).")
@click.option("--out", type=click.File("w", encoding="utf-8"),
              help="Also write the translations as JSONL ('-' = stdout).")
@_fail_cleanly
def translate(files: tuple[str, ...], model: str | None, db: str | None, batch_size: int | None, beams: int | None,
              device: str | None, lang: str | None, out) -> None:
    """Translate the Danish sentences of FILES into the store; English files are stored as they are.

    Reviewed translations and the MT cache are used first; only what is missing is translated,
    one committed batch at a time, so an interrupted run resumes where it stopped.
    """
    from bilingual.pipeline import translate_files, translation_records, write_jsonl
    from bilingual.translate import load_translator

    def make_translator():
        click.echo(f"loading model {setting_value('model', model)} ...", err=True)
        return load_translator(model, beams=beams, device=device, batch_size=batch_size)

    def progress(total: int):
        return _RateBar(total, "translating")

    with _open_store(db) as store:
        report = translate_files(store, files, make_translator, int(setting_value("batch_size", batch_size)),
                                 language=lang, progress_factory=progress if sys.stderr.isatty() else None)
        click.echo(report.summary())
        if out is not None:
            ids = [store.document(Path(f).name).id for f in files]
            write_jsonl(translation_records(store, ids), out)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--lang", type=click.Choice(["da", "en"]), help="Language of all FILES (default: detected per file).")
@db_option
@_fail_cleanly
def add(files: tuple[str, ...], lang: str | None, db: str | None) -> None:
    """Store FILES and their sentences without translating them."""
    from bilingual.pipeline import add_documents

    with _open_store(db) as store:
        for doc_id, doc in add_documents(store, files, language=lang):
            n = len(store.segments(doc_id))
            furniture = sum(1 for s in store.segments(doc_id) if s.furniture)
            click.echo(f"{doc.name}: {doc.language}, {n} sentences ({furniture} page furniture), id {doc_id}")


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@_fail_cleanly
def stats(db: str | None, as_json: bool) -> None:
    """Counts of the store: documents, segments, translated, reviewed."""
    with _open_store(db) as store:
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
    script = Path.cwd() / "app.py"
    if not script.is_file():
        script = Path(__file__).with_name("streamlit_app.py")
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
           "--server.address", address, "--server.fileWatcherType", "none", "--server.headless", "true",
           "--browser.gatherUsageStats", "false"]
    raise SystemExit(subprocess.call(cmd, env=env))


@main.group()
def model() -> None:
    """Get and inspect translation models."""


@model.command("download")
@click.argument("model_id", required=False, metavar="[ID]")
@_option("revision", "--revision")
@_fail_cleanly
def model_download(model_id: str | None, revision: str | None) -> None:
    """Download a Marian model into the Hugging Face cache (needs internet)."""
    from huggingface_hub import snapshot_download

    from bilingual.translate import hub_offline, resolve_model

    model_id = resolve_model(model_id)
    if hub_offline():
        raise click.ClickException(f"HF_HUB_OFFLINE is set: unset it to download {model_id}")
    try:
        path = snapshot_download(model_id, revision=revision,
                                 allow_patterns=["*.json", "*.spm", "*.safetensors", "*.txt", "*.model"])
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


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "tmx", "jsonl"]),
              help="Output format (default: from the --out suffix).")
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
    """Write the reviewed, aligned sentences as CSV, TMX 1.4b or JSONL.

    One row per Danish sentence with its MT, final text, review and aligned English sentence(s);
    TMX holds the accepted and corrected sentences only.
    """
    import io
    import tempfile

    from bilingual.export import export_records, write_records

    if fmt is None:
        fmt = Path(out).suffix.lower().lstrip(".")
        if out == "-" or fmt not in ("csv", "tmx", "jsonl"):
            raise click.UsageError("give --format csv|tmx|jsonl (it cannot be told from the --out name)")
    if excel and fmt != "csv":
        raise click.UsageError("--excel only applies to --format csv")
    target = None if out == "-" else Path(out)
    if target is not None and target.exists() and not force:
        raise click.ClickException(f"{target} exists; pass --force to overwrite it")
    with _open_store(db) as store:
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
    click.echo(f"{count} {'translation units' if fmt == 'tmx' else 'rows'} written to {out}{left_out}", err=True)


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
    """Apply the final and status columns of an exported CSV, edited in a spreadsheet, as reviews.

    Rows whose Danish sentence changed, or whose review was saved again since the export, are
    reported as stale and not applied; rows equal to the current review are skipped.
    """
    from bilingual.export import REQUIRED_IMPORT_COLUMNS, decode_csv, import_reviews, read_csv_rows

    text = decode_csv(Path(file).read_bytes(), file)
    rows = read_csv_rows(text, excel, required=REQUIRED_IMPORT_COLUMNS)
    with _open_store(db) as store:
        report = import_reviews(store, rows, reviewer or f"import:{Path(file).name}", dry_run=dry_run)
    for problem in report.problems():
        click.echo(f"row {problem.row} ({problem.id}): {problem.outcome}: {problem.message}", err=True)
    click.echo(report.summary() + (" (dry run: nothing saved)" if dry_run else ""))
