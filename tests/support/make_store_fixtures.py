"""Build the store of every released schema version, with a little data, into tests/data/stores/.

``python tests/support/make_store_fixtures.py`` writes ``v1.sqlite3`` .. ``v4.sqlite3`` as the
release of that version made them: its prefix of the migrations, ``PRAGMA user_version`` set, WAL
journal, and no ``application_id`` (releases before version 5 did not set one). The files are
committed, so a later change to the migrations cannot quietly change what "a version 2 store" is;
rerun this only to add the store of a newly released version to ``RELEASED``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path

from bilingual.segment import text_hash
from bilingual.store.dialect import SQLITE, script_for
from bilingual.store.schema import MIGRATIONS

# The fixtures sit beside this script's folder, in tests/data/stores, inside the repository.
OUT = Path(__file__).resolve().parent.parent / "data" / "stores"
RELEASED = (1, 2, 3, 4)
NOW = "2024-05-01T12:00:00+00:00"

DANISH = ["Regeringen fremlagde i dag et nyt forslag.", "LÆS OGSÅ", "Forslaget skal vedtages inden jul."]
ENGLISH = ["The government presented a new proposal today.", "It must be passed before Christmas."]


def sha(text: str) -> str:
    """The SHA-256 of a text, as the store keys sentences and documents."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fixture_path(version: int) -> Path:
    """Where the store of a schema version lies."""
    return OUT / f"v{version}.sqlite3"


def build(version: int, path: Path) -> Path:
    """A store of schema ``version`` at ``path``, filled with two documents and one of each kind of row."""
    path.unlink(missing_ok=True)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        for migration in MIGRATIONS[:version]:
            conn.executescript(script_for(migration, SQLITE))
        conn.execute(f"PRAGMA user_version = {version}")
        fill(conn, version)
        conn.commit()
    return path


def fill(conn: sqlite3.Connection, version: int) -> None:
    """One Danish and one English document with their sentences, an MT, a review, an alignment, and what the
    version adds: a draft (2), a reviewer's furniture switch (3), a glossary term (4)."""
    ids = {}
    for name, language, sentences in (("nyhed.txt", "da", DANISH), ("news.txt", "en", ENGLISH)):
        text = "\n\n".join(sentences)
        ids[language] = conn.execute(
            "INSERT INTO documents (name, path, title, language, encoding, content_hash, text, added_at)"
            " VALUES (?, ?, ?, ?, 'utf-8', ?, ?, ?)",
            (name, f"/corpus/{name}", sentences[0], language, sha(text), text, NOW)).lastrowid
        start = 0
        for paragraph, sentence in enumerate(sentences):
            furniture = "read also" if sentence == "LÆS OGSÅ" else None
            columns = ["document_id", "paragraph", "idx", "text", "text_hash", "start", "end", "furniture"]
            values = [ids[language], paragraph, 0, sentence, text_hash(sentence), start, start + len(sentence),
                      furniture]
            if version >= 3:
                columns += ["detected_furniture", "furniture_set_by"]
                values += [furniture, "ana" if furniture else None]
            conn.execute(f"INSERT INTO segments ({', '.join(columns)}) VALUES ({', '.join('?' * len(values))})",
                         values)
            start += len(sentence) + 2
    conn.execute("INSERT INTO translations VALUES (?, 'marian', ?, ?, ?, ?)",
                 (text_hash(DANISH[0]), DANISH[0], "The government presented a proposal today.",
                  json.dumps({"model": "opus-mt-da-en"}), NOW))
    conn.execute("INSERT INTO reviews VALUES (?, ?, ?, ?, 'corrected', NULL, 'ana', ?, 1)",
                 (text_hash(DANISH[0]), DANISH[0], "The government presented a proposal today.", ENGLISH[0], NOW))
    conn.execute("INSERT INTO review_history (text_hash, version, source_text, mt_text, final_text, status, reason,"
                 " reviewer, created_at) VALUES (?, 1, ?, ?, ?, 'corrected', NULL, 'ana', ?)",
                 (text_hash(DANISH[0]), DANISH[0], "The government presented a proposal today.", ENGLISH[0], NOW))
    run = conn.execute("INSERT INTO alignment_runs (source_document_id, target_document_ids, mode, signature,"
                       " created_at) VALUES (?, ?, 'parallel', '{}', ?)", (ids["da"], json.dumps([ids["en"]]), NOW))
    danish_ids = [r[0] for r in conn.execute("SELECT id FROM segments WHERE document_id = ? ORDER BY paragraph",
                                             (ids["da"],))]
    english_ids = [r[0] for r in conn.execute("SELECT id FROM segments WHERE document_id = ? ORDER BY paragraph",
                                              (ids["en"],))]
    conn.execute("INSERT INTO alignments (run_id, source_document_id, source_segment_ids, target_segment_ids, score,"
                 " rank, method, status, reviewer, updated_at) VALUES (?, ?, ?, ?, 0.9, 0, 'parallel', 'accepted',"
                 " 'ana', ?)", (run.lastrowid, ids["da"], json.dumps(danish_ids[:1]), json.dumps(english_ids[:1]), NOW))
    if version >= 2:
        conn.execute("INSERT INTO drafts VALUES (?, 'bo', ?, 'It must pass before Christmas.', 0, ?)",
                     (text_hash(DANISH[2]), DANISH[2], NOW))
    if version >= 4:
        conn.execute("INSERT INTO glossary (danish, english, note, source, added_at, danish_key, english_key)"
                     " VALUES ('forslag', ?, '', 'command line', ?, 'forslag', 'proposal')",
                     (json.dumps(["proposal", "bill"]), NOW))


def main() -> None:
    """Write the store of every released version."""
    OUT.mkdir(parents=True, exist_ok=True)
    for version in RELEASED:
        print(build(version, fixture_path(version)))


if __name__ == "__main__":
    main()
