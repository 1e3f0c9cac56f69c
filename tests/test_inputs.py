"""Hostile inputs: unreadable files in a folder, mixed-language documents, invisible and control characters."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from bilingual import documents
from bilingual.cli import main
from bilingual.documents import DocumentError, parse_text
from bilingual.pipeline import add_documents, align_documents, segments_to_translate, translate_files
from bilingual.segment import segment_document, split_sentences
from bilingual.store import MIGRATIONS, Store

GOOD_DANISH = "Regeringen vil styrke forsvaret. Det sker gennem nye investeringer i de kommende år.\n"
DANISH_SENTENCES = ["Regeringen vil bl.a. styrke forsvaret i de kommende år.",
                    "Det sker f.eks. gennem nye investeringer i Danmark og i resten af Norden."]
DANISH_PARAGRAPH = " ".join(DANISH_SENTENCES)
MIXED = (
    "Denmark sends troops to the Baltic\n\n"
    "The government announced on Monday that it will send more soldiers to the Baltic states this year. "
    "The decision follows months of talks with the allies.\n\n"
    f"{DANISH_PARAGRAPH}\n\n"
    "Tak for nu.\n\n"
    "The minister said the soldiers would stay until the end of the next year at the latest.\n"
)
ZERO_WIDTH = "\u200b\u200c\u200d\ufeff\u2060"


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


def run_process(*args: object) -> subprocess.CompletedProcess:
    """The command line in its own process, as a user runs it."""
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    return subprocess.run([sys.executable, "-c", "from bilingual.cli import main; main()", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120)


def stored_documents(db: Path) -> int:
    """How many documents a store file holds (0 when there is no file or no table yet)."""
    if not db.exists():
        return 0
    with closing(sqlite3.connect(db)) as conn:
        try:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


class RecordingTranslator:
    """Says what it was sent; its English is the Danish in capitals."""

    signature = {"model": "recording", "revision": None, "backend": "test", "decoding": {}}

    def __init__(self) -> None:
        self.sent: list[str] = []

    def translate(self, texts: list[str]) -> list[str]:
        self.sent.extend(texts)
        return [t.upper() for t in texts]


class TrigramEmbedder:
    """Hashed character trigrams: enough for the aligner to tell sentences apart, without a model."""

    bilingual_name = "trigrams"

    def encode(self, texts, **_kwargs):
        out = np.zeros((len(texts), 256), np.float32)
        for row, text in enumerate(texts):
            for k in range(len(text) - 2):
                out[row, hash(text[k : k + 3]) % 256] += 1
        return out


# --------------------------------------------------------------------------- a bad file in a folder


def _bad_folder(tmp_path: Path, kind: str) -> tuple[Path, Path]:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD_DANISH, encoding="utf-8")
    bad = folder / "b.txt"
    if kind == "unreadable":
        bad.write_text(GOOD_DANISH.replace("forsvaret", "hæren"), encoding="utf-8")
        bad.chmod(0)
    elif kind == "binary":
        bad.write_bytes(b"\x00\x01\x02\x03 binary")
    else:  # a dangling symbolic link
        bad.symlink_to(tmp_path / "gone.txt")
    (folder / "c.txt").write_text(GOOD_DANISH.replace("styrke", "udbygge"), encoding="utf-8")
    return folder, bad


@pytest.mark.parametrize("command", ["add", "translate"])
@pytest.mark.parametrize("kind", ["unreadable", "binary", "dangling link"])
def test_a_bad_file_in_a_folder_stops_the_run_before_anything_is_stored(tmp_path, command, kind):
    folder, bad = _bad_folder(tmp_path, kind)
    db = tmp_path / "s.sqlite3"
    try:
        result = run_process(command, folder, "--db", db, *(["--model", tmp_path / "no-model"]
                                                              if command == "translate" else []))
    finally:
        if kind == "unreadable":
            bad.chmod(0o600)
    if kind == "unreadable" and os.geteuid() == 0:
        # Root reads a file whatever its mode: the other kinds, and the PermissionError test below, prove it.
        assert "Traceback" not in result.stderr
        return
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "b.txt" in lines[0], result.stderr
    assert stored_documents(db) == 0


def test_a_permission_error_while_reading_a_folder_stores_nothing(tmp_path, monkeypatch):
    """The error itself, reproduced whoever runs the tests (root reads a mode-000 file)."""
    folder, bad = _bad_folder(tmp_path, "binary")
    bad.write_text(GOOD_DANISH.replace("år", "måneder"), encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "b.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    db = tmp_path / "s.sqlite3"
    for command in ("add", "translate"):
        result = run(command, folder, "--db", db)
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "b.txt" in result.output and "Permission denied" in result.output
        assert "chmod" in result.output
    assert stored_documents(db) == 0


def test_add_documents_checks_every_file_before_storing_any(store, tmp_path):
    folder, _bad = _bad_folder(tmp_path, "binary")
    with pytest.raises(DocumentError, match="b.txt"):
        add_documents(store, sorted(folder.iterdir()))
    assert store.documents() == []


def test_an_unreadable_folder_is_one_clear_line(tmp_path, monkeypatch):
    folder = tmp_path / "locked"
    folder.mkdir()

    def iterdir(self: Path):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "iterdir", iterdir)
    result = run("add", folder, "--db", tmp_path / "s.sqlite3")
    assert result.exit_code == 1 and "locked" in result.output and "Permission denied" in result.output


# --------------------------------------------------------------------------- language per paragraph


def test_a_danish_paragraph_in_an_english_document_has_its_own_language():
    doc = parse_text(MIXED, "mixed.txt")
    assert doc.language == "en"
    languages = {p.index: p.language for p in doc.paragraphs}
    assert languages == {0: None, 1: None, 2: "da", 3: None, 4: None}  # "Tak for nu." is too short to tell
    assert doc.other_language == [2]
    segments = segment_document(doc)
    danish = [s.text for s in segments if s.language == "da"]
    # split with the Danish abbreviations: "bl.a." and "f.eks." end no sentence
    assert danish == DANISH_SENTENCES
    assert all(s.language is None for s in segments if s.paragraph != 2)


def test_a_forced_language_overrides_no_paragraph_but_says_which_look_otherwise():
    doc = parse_text(MIXED, "mixed.txt", language="en")
    assert all(p.language is None for p in doc.paragraphs)
    assert doc.other_language == [2]


def test_translate_sends_the_danish_paragraph_of_an_english_document_to_mt(store, tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_text(MIXED, encoding="utf-8")
    translator = RecordingTranslator()
    report = translate_files(store, [path], lambda: translator)
    assert translator.sent == DANISH_SENTENCES
    assert report.translated == 2
    [found] = report.other_language
    assert (found.document, found.language, found.paragraphs, found.stored) == ("mixed.txt", "en", (2,), True)
    assert found.phrase() == "1 Danish paragraph (2)"
    [doc] = store.documents()
    assert doc.language == "en"
    assert [s.text for s in store.segments(doc.id, language="da")] == translator.sent
    assert all(s.language == "en" for s in store.segments(doc.id, language="en"))
    assert len(store.segments(doc.id)) == len(store.segments(doc.id, language="en")) + 2


def test_translate_with_a_forced_language_warns_naming_file_and_paragraphs(tmp_path):
    path, db = tmp_path / "mixed.txt", tmp_path / "s.sqlite3"
    path.write_text(MIXED, encoding="utf-8")
    result = run_process("translate", path, "--lang", "en", "--db", db, "--model", tmp_path / "no-model")
    assert result.returncode == 0, result.stderr
    warning = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warning) == 1 and "mixed.txt" in warning[0] and "paragraph 2" in warning[0], result.stderr
    assert "Danish" in warning[0] and "--lang" in warning[0]
    assert "0 translated" in result.stdout
    with Store(db) as store:
        assert store.segments(language="da") == []


def test_add_says_how_many_paragraphs_are_in_the_other_language(tmp_path):
    path, db = tmp_path / "mixed.txt", tmp_path / "s.sqlite3"
    path.write_text(MIXED, encoding="utf-8")
    result = run("add", path, "--db", db)
    assert result.exit_code == 0, result.output
    assert "mixed.txt: en," in result.output and "1 Danish paragraph (2)" in result.output
    plain = tmp_path / "plain.txt"
    plain.write_text(GOOD_DANISH, encoding="utf-8")
    assert "paragraph" not in run("add", plain, "--db", db).output


def test_the_danish_paragraph_of_an_english_document_is_no_alignment_target(store, tmp_path, monkeypatch):
    danish, mixed = tmp_path / "da.txt", tmp_path / "mixed.txt"
    danish.write_text(GOOD_DANISH, encoding="utf-8")
    mixed.write_text(MIXED, encoding="utf-8")
    [(da_id, _), (en_id, _)] = add_documents(store, [danish, mixed])
    report = align_documents(store, da_id, [en_id], mode="comparable", embedder=TrigramEmbedder())
    assert report.sentences == 2
    danish_targets = {s.id for s in store.segments(en_id, language="da")}
    assert len(danish_targets) == 2
    targeted = {t for a in store.alignments(da_id) for t in a.target_segment_ids}
    assert targeted and not targeted & danish_targets


def test_an_older_store_gets_a_language_per_segment_meaning_the_documents(tmp_path):
    db = tmp_path / "old.sqlite3"
    with Store(db) as store:
        add_documents(store, [_write(tmp_path / "da.txt", GOOD_DANISH)])
    version = next(i for i, script in enumerate(MIGRATIONS, start=1) if "ADD COLUMN language" in script)
    from bilingual.store.schema import expected_shape, schema_shape

    with closing(sqlite3.connect(db)) as conn:
        # back to the shape of the version before: this migration's column and those of any later one
        older = expected_shape(version - 1)
        for table, columns in schema_shape(conn).items():
            if table not in older:
                conn.execute(f"DROP TABLE {table}")
                continue
            for column in sorted(columns - older[table]):
                conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        conn.execute(f"PRAGMA user_version = {version - 1}")
        conn.commit()
    with Store(db) as store:
        assert store.schema_version == len(MIGRATIONS)
        segments = store.segments()
        assert len(segments) == 2 and {s.language for s in segments} == {"da"}
        assert len(segments_to_translate(store, [segments[0].document_id])) == 2


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- invisible and control characters


@pytest.mark.parametrize("invisible", [*ZERO_WIDTH, ZERO_WIDTH, "\u3164\u2800", "\u0301"])
def test_no_sentence_is_made_of_invisible_characters_alone(invisible):
    assert not documents.has_visible_text(invisible)
    for text in (f"Hej med dig.{invisible * 3} Næste sætning.", f"Hej.{invisible} Igen.{invisible}",
                 f"{invisible} Hej. Igen.", f"Et. {invisible}{invisible} To."):
        spans = split_sentences(text, "da")
        assert all(documents.has_visible_text(text[s:e]) for s, e in spans), (text, spans)
        covered = {i for s, e in spans for i in range(s, e)}
        assert all(i in covered for i, c in enumerate(text) if not c.isspace()), (text, spans)


def test_an_invisible_paragraph_is_kept_but_never_translated(store, tmp_path):
    text = f"Det er irakerne selv, der skal kæmpe.\n\n{ZERO_WIDTH * 2}\n\nMødet blev holdt i Paris i går.\n"
    path = _write(tmp_path / "zw.txt", text)
    doc = parse_text(text, "zw.txt")
    assert [p.furniture for p in doc.paragraphs] == [None, "invisible text", None]
    segments = segment_document(doc)
    covered = {i for s in segments for i in range(s.start, s.end)}
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())
    translator = RecordingTranslator()
    translate_files(store, [path], lambda: translator, language="da")
    assert translator.sent == ["Det er irakerne selv, der skal kæmpe.", "Mødet blev holdt i Paris i går."]
    # a reviewer who takes the paragraph back as content still sends nothing invisible to MT
    [stored] = store.documents()
    store.set_furniture(stored.id, [1], furniture=False)
    assert all(documents.has_visible_text(s.text) for s in segments_to_translate(store, [stored.id]))


def test_a_file_of_invisible_characters_only_is_refused(tmp_path):
    path = _write(tmp_path / "blank.txt", f"{ZERO_WIDTH}\n\n{ZERO_WIDTH}\n")
    result = run("add", path, "--db", tmp_path / "s.sqlite3")
    assert result.exit_code == 1 and "blank.txt" in result.output and "no visible text" in result.output


def test_furniture_escapes_control_characters(tmp_path):
    db = tmp_path / "s.sqlite3"
    path = _write(tmp_path / "bell\x07.txt",
                  "Det er irakerne selv\x07, der skal kæmpe.\n\nMødet blev \x1b[2Jholdt i Paris\u202e i går.\n")
    added = run("add", path, "--db", db)
    assert added.exit_code == 0, added.output
    assert "\x07" not in added.output and "bell\\x07.txt" in added.output
    result = run("furniture", "bell", "--db", db)
    assert result.exit_code == 0, result.output
    assert "\x07" not in result.output and "\x1b" not in result.output and "\u202e" not in result.output
    assert "selv\\x07, der" in result.output and "\\x1b[2Jholdt" in result.output and "\\u202e" in result.output
