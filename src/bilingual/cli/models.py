"""The `bilingual model` commands: download, info and convert translation models."""

from __future__ import annotations

import click

from bilingual.cli.common import (
    fail_cleanly,
    setting_option,
)


@click.group()
def model() -> None:
    """Get, convert and inspect translation models."""


@model.command("download")
@click.argument("model_id", required=False, metavar="[ID]")
@setting_option("revision", "--revision")
@fail_cleanly
def model_download(model_id: str | None, revision: str | None) -> None:
    """Download a Marian model into the Hugging Face cache (needs internet)."""
    from bilingual.translate import download_model, resolve_model

    model_id = resolve_model(model_id)
    path = download_model(model_id, revision)  # its RuntimeErrors become one-line messages in _fail_cleanly
    click.echo(f"{model_id} downloaded to {path}")


@model.command("info")
@click.argument("model_id", required=False, metavar="[ID|PATH]")
@fail_cleanly
def model_info(model_id: str | None) -> None:
    """Where a model is found and its shape, without loading its weights."""
    from bilingual.translate import describe_model, resolve_model

    info = describe_model(resolve_model(model_id))
    for k, v in info.items():
        click.echo(f"{k:>24}: {v}")
    if not info.get("found"):
        raise SystemExit(1)


@model.command("convert")
@click.argument("model_id", required=False, metavar="[ID|PATH]")
@click.option("--quantization", type=click.Choice(["int8", "int8_float32", "float32"]), default="int8",
              show_default=True, help="Weight type of the converted model (int8 is the fastest on CPUs).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder to write (default: a folder under the models folder, where `translate` finds it).")
@click.option("--force", is_flag=True, help="Replace the folder if it exists.")
@fail_cleanly
def model_convert(model_id: str | None, quantization: str, out_dir: str | None, force: bool) -> None:
    """Convert a Marian model into a CTranslate2 folder (with its tokenizer) for the fast ct2 backend."""
    from bilingual.translate import convert_model, resolve_model

    try:
        folder = convert_model(model_id, quantization=quantization, out=out_dir, force=force)
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{resolve_model(model_id)} converted ({quantization}) to {folder}")
