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
        return click.progressbar(length=total, label="translating", show_pos=True, show_percent=True,
                                 show_eta=True, file=sys.stderr, item_show_func=None)

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
