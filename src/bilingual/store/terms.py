"""Glossary entries one by one: listing them with their ids, changing one, removing one."""

from __future__ import annotations

import json

from bilingual.glossary import Term
from bilingual.store.base import StoreBase


def glossary_key(text: str) -> str:
    """How glossary entries are compared: case and runs of spaces do not count."""
    return " ".join(text.split()).casefold()


class GlossaryEntryStore(StoreBase):
    """The store's methods on single glossary entries (a mixin of ``Store``)."""

    def term_entries(self) -> list[tuple[int, Term]]:
        """Every glossary entry with its id, in the order they were added."""
        rows = self.conn.execute("SELECT id, danish, english, note, source FROM glossary ORDER BY id")
        return [(r["id"], Term(r["danish"], tuple(json.loads(r["english"])), r["note"], r["source"])) for r in rows]

    def edit_term(self, entry_id: int, term: Term) -> None:
        """Replace an entry's Danish, renderings and note (its source stays); KeyError for an unknown id,
        ValueError when another entry already holds that Danish and preferred English."""
        with self.transaction() as c:
            if c.execute("SELECT id FROM glossary WHERE id = ?", (entry_id,)).fetchone() is None:
                raise KeyError(f"no glossary entry {entry_id}")
            danish_key, english_key = glossary_key(term.danish), glossary_key(term.preferred)
            clash = c.execute("SELECT id FROM glossary WHERE danish_key = ? AND english_key = ? AND id != ?",
                              (danish_key, english_key, entry_id)).fetchone()
            if clash is not None:
                raise ValueError(f"the glossary already has {term.danish} → {term.preferred}")
            c.execute("UPDATE glossary SET danish = ?, english = ?, note = ?, danish_key = ?, english_key = ?"
                      " WHERE id = ?", (term.danish, json.dumps(list(term.english), ensure_ascii=False), term.note,
                                        danish_key, english_key, entry_id))

    def remove_term_entry(self, entry_id: int) -> bool:
        """Remove one glossary entry by id; whether there was one."""
        with self.transaction() as c:
            return c.execute("DELETE FROM glossary WHERE id = ?", (entry_id,)).rowcount > 0
