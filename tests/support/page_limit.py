"""The ``bilingual`` command line with its store capped, as on a full disk: ``python page_limit.py DB PAGES ARGS...``.

SQLite's ``max_page_count`` holds for one connection only, so this wrapper sets it on every connection
the command opens to DB: PAGES pages more than the file holds when it is opened. A write past that
fails with SQLITE_FULL ("database or disk is full"), the error a full disk gives, without filling one.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any


def _file_of(database: Any) -> Path | None:
    """The file a ``sqlite3.connect`` argument names (a path or a ``file:`` URI), None for memory."""
    name = str(database)
    if name.startswith("file:"):
        name = name[len("file:"):].split("?", 1)[0]
    return None if name in ("", ":memory:") else Path(name).resolve()


def main(db: str, extra_pages: int, args: list[str]) -> None:
    """Run ``bilingual ARGS`` with every connection to ``db`` allowed ``extra_pages`` more pages."""
    real_connect = sqlite3.connect
    target = Path(db).resolve()

    def connect(database: Any, *a: Any, **k: Any) -> sqlite3.Connection:
        conn = real_connect(database, *a, **k)
        if _file_of(database) == target:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {int(pages) + extra_pages}")
        return conn

    sqlite3.connect = connect  # type: ignore[assignment]
    from bilingual.cli import main as cli

    cli(args, prog_name="bilingual")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3:])
