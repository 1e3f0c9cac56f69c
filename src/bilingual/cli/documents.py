"""Commands on documents: translate, add, furniture, stats, and opening the review app."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click

from bilingual.cli.common import (
    RateBar,
    db_option,
    fail_cleanly,
    model_option,
    open_store,
    setting_option,
)
from bilingual.documents import LANGUAGE_NAMES, printable
from bilingual.pipeline import OtherLanguage, TranslateReport
from bilingual.settings import setting_value


class InputType(click.ParamType):
    """A document to read: an existing file or folder, or an address (checked when it is fetched)."""

    name = "FILE|FOLDER|URL"

    def convert(self, value, param, ctx):
        """The value as given when it is an address or an existing path; a usage error otherwise."""
        from bilingual.documents import looks_like_url

        text = str(value)
        if looks_like_url(text) or Path(text).exists() or Path(text).is_symlink():
            return text
        self.fail(f"{printable(text)!r} does not exist (give a file, a folder or an http(s) address)", param, ctx)


INPUTS = InputType()
timeout_option = click.option("--timeout", type=click.FloatRange(min=0.1), default=None, metavar="SECONDS",
                              help="How long an address may take to answer (default 20).")


def stored_line(store, doc_id: int, doc) -> str:
    """``name: da, 12 sentences (3 page furniture), id 4``, with the address a fetched document came from."""
    segments = store.segments(doc_id)
    furniture = sum(1 for s in segments if s.furniture)
    source = f", from {printable(doc.meta.url)}" if doc.meta.url else ""
    return (f"{printable(doc.name)}: {doc.language}, {len(segments)} sentences ({furniture} page furniture)"
            f"{source}, id {doc_id}")


def other_language_line(found: OtherLanguage) -> str:
    """What becomes of a document's paragraphs in the other language, or a warning when --lang overrode them."""
    if found.stored:
        article = "an" if found.language == "en" else "a"
        fate = "translated too" if found.other == "da" else "left as they are, not translated"
        return (f"{printable(found.document)}: {found.phrase()} in {article} {LANGUAGE_NAMES[found.language]} "
                f"document, {fate}")
    numbers = ", ".join(map(str, found.paragraphs))
    which = f"paragraph {numbers} looks" if len(found.paragraphs) == 1 else f"paragraphs {numbers} look"
    return (f"warning: {printable(found.document)}: {which} {LANGUAGE_NAMES[found.other]}, but --lang "
            f"{found.language} takes the whole file as {LANGUAGE_NAMES[found.language]}; leave out --lang to "
            "detect the language of each paragraph")


@click.command()
@click.argument("files", nargs=-1, required=True, type=INPUTS)
@model_option
@db_option
@setting_option("batch_size", "--batch-size", type=click.IntRange(min=1))
@setting_option("beams", "--beams", type=click.IntRange(min=1))
@setting_option("device", "--device")
@setting_option("backend", "--backend", type=click.Choice(["auto", "ct2", "transformers"], case_sensitive=False))
@setting_option("quantize", "--quantize/--no-quantize", type=click.BOOL)
@setting_option("threads", "--threads", type=click.IntRange(min=1))
@click.option("--lang", type=click.Choice(["da", "en"]), help="Language of all FILES (default: detected per file).")
@click.option("--out", type=click.File("w", encoding="utf-8"),
              help="Also write the translations as JSONL ('-' = stdout).")
@timeout_option
@fail_cleanly
def translate(files: tuple[str, ...], model: str | None, db: str | None, batch_size: int | None, beams: int | None,
              device: str | None, backend: str | None, quantize: bool | None, threads: int | None, lang: str | None,
              out, timeout: float | None) -> None:
    """Translate the Danish sentences of FILES into the store; English files are stored as they are.

    FILES are .txt, .md, .html, .pdf and .docx files, folders (their files of those kinds) and http(s)
    addresses (fetched: a web page or a PDF). Reviewed translations and the MT cache are used
    first; only what is missing is translated, one committed batch at a time, so an interrupted
    run resumes where it stopped.
    """
    from bilingual.documents import expand_inputs, fetch_timeout
    from bilingual.formats.jsonl import write_jsonl
    from bilingual.pipeline import translate_files
    from bilingual.records import export_records
    from bilingual.translate import load_translator

    paths = expand_inputs(files)

    def make_translator():
        click.echo(f"loading model {setting_value('model', model)} ...", err=True)
        translator = load_translator(model, backend=backend, beams=beams, device=device, batch_size=batch_size,
                                     quantize=quantize, threads=threads)
        click.echo(f"engine: {translator.signature['backend']}", err=True)
        return translator

    def progress(total: int):
        return RateBar(total, "translating")

    def stored(report: TranslateReport) -> None:
        for found in report.other_language:
            click.echo(other_language_line(found), err=True)

    with open_store(db) as store, fetch_timeout(timeout):
        report = translate_files(store, paths, make_translator, int(setting_value("batch_size", batch_size)),
                                 language=lang, progress_factory=progress if sys.stderr.isatty() else None,
                                 on_stored=stored)
        click.echo(report.summary())
        if out is not None:
            write_jsonl(export_records(store, report.document_ids), out)


@click.command()
@click.argument("files", nargs=-1, required=True, type=INPUTS)
@click.option("--lang", type=click.Choice(["da", "en"]), help="Language of all FILES (default: detected per file).")
@db_option
@timeout_option
@fail_cleanly
def add(files: tuple[str, ...], lang: str | None, db: str | None, timeout: float | None) -> None:
    """Store FILES and their sentences without translating them.

    FILES are .txt, .md, .html, .pdf and .docx files, folders (their files of those kinds) and http(s)
    addresses. Every input is read and checked before any is stored.
    """
    from bilingual.documents import expand_inputs, fetch_timeout
    from bilingual.pipeline import add_documents, other_language

    paths = expand_inputs(files)
    with open_store(db) as store, fetch_timeout(timeout):
        for doc_id, doc in add_documents(store, paths, language=lang):
            found = other_language(store, doc_id, doc if lang else None)
            mixed = f", {found.phrase()}" if found and found.stored else ""
            click.echo(stored_line(store, doc_id, doc).replace(", id ", f"{mixed}, id ", 1) if mixed
                       else stored_line(store, doc_id, doc))
            if found and not found.stored:
                click.echo(other_language_line(found), err=True)


@click.command()
@click.argument("document")
@click.option("--leave-out", "leave_out", type=int, multiple=True, metavar="PARAGRAPH",
              help="Mark a paragraph as page furniture: left out of translation, alignment and export. Repeatable.")
@click.option("--keep", type=int, multiple=True, metavar="PARAGRAPH",
              help="Take a paragraph back as content, whatever the detector said. Repeatable.")
@click.option("--reviewer", help="Name recorded with the change.")
@db_option
@fail_cleanly
def furniture(document: str, leave_out: tuple[int, ...], keep: tuple[int, ...], reviewer: str | None,
              db: str | None) -> None:
    """List the paragraphs of DOCUMENT with their page-furniture marks, or switch some of them."""
    if set(leave_out) & set(keep):
        raise click.UsageError(f"paragraph(s) {sorted(set(leave_out) & set(keep))} both left out and kept")
    with open_store(db, must_exist=True) as store:
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
        languages = {s.paragraph: s.language for s in store.segments(doc.id)}
    width = shutil.get_terminal_size((100, 20)).columns
    # Document text goes to the terminal escaped: a BEL or an escape sequence in it is shown, not obeyed.
    click.echo(printable(f"{doc.name} ({doc.language}): {doc.title}"))
    for p in paragraphs:
        mark = f"left out: {p.furniture}" if p.furniture else "content"
        if languages.get(p.paragraph, doc.language) != doc.language:
            mark += f" ({LANGUAGE_NAMES[str(languages[p.paragraph])]})"
        if p.overridden:
            mark += f" (detector: {p.detected or 'content'}; switched{' by ' + p.set_by if p.set_by else ''})"
        head = printable(f"{p.paragraph:>4}  {mark}  ")
        text = printable(" ".join(p.text.split()))
        room = max(20, width - len(head))
        click.echo(head + (text if len(text) <= room else text[: room - 3] + "..."))
    if leave_out or keep:
        click.echo(f"{changed} sentences changed. Realign to bring the alignment up to date: bilingual align"
                   + (f" --source {printable(doc.name)}" if doc.language == "da" else ""))


@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option("--documents", "per_document", is_flag=True,
              help="Also list each document with its address, date and author.")
@fail_cleanly
def stats(db: str | None, as_json: bool, per_document: bool) -> None:
    """Counts of the store: documents, segments, translated, reviewed, and documents with metadata."""
    with open_store(db, must_exist=True) as store:
        counts: dict = {**store.stats(), **store.metadata_stats()}
        metas = store.documents_meta()
        listed = [{"id": d.id, "name": d.name, "language": d.language, "title": d.title,
                   "document_url": metas[d.id].url, "retrieved_at": metas[d.id].retrieved_at,
                   "document_date": metas[d.id].date,
                   "document_author": metas[d.id].author, "site": metas[d.id].site,
                   "format": metas[d.id].source_format} for d in store.documents()] if per_document else []
    if as_json:
        click.echo(json.dumps({**counts, "documents_list": listed} if per_document else counts, ensure_ascii=False))
        return
    for k, v in counts.items():
        click.echo(f"{k:>28}: {v}")
    for d in listed:
        about = ", ".join(f"{key.removeprefix('document_')} {d[key]}" for key in
                          ("document_url", "document_date", "document_author") if d[key])
        click.echo(printable(f"{d['id']:>4}  {d['name']} ({d['language']}, {d['format']})"
                             + (f": {about}" if about else "")))


@click.command()
@db_option
@model_option
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.option("--address", default="127.0.0.1", show_default=True,
              help="Interface to bind to; the app has no login, so anything but loopback prints a warning.")
def review(db: str | None, model: str | None, port: int, address: str) -> None:
    """Open the review app (Streamlit) on the store: an SQLite file or a team's postgresql:// database."""
    env = dict(os.environ, BILINGUAL_DB=str(setting_value("db", db)))
    if model:
        env["BILINGUAL_MODEL"] = model
    from bilingual.app.server import PACKAGED_SCRIPT, app_command, exposure_warning

    if warning := exposure_warning(address, port):
        click.echo(warning, err=True)

    script = Path.cwd() / "app.py"
    raise SystemExit(subprocess.call(app_command(script if script.is_file() else PACKAGED_SCRIPT, port, address),
                                     env=env))
