"""The glossary as a reviewer keeps it: list, search, add, edit and remove terms in the store.

``bilingual glossary`` and the review app's glossary panel both call these, so a term changed in
one is the term the other and the QA check ``term`` see.
"""

from __future__ import annotations

from dataclasses import dataclass

from bilingual.glossary import Term, split_renderings, stems
from bilingual.store import Store

# Where a term typed by hand came from, shown in lists beside the files terms were imported from.
ADDED_BY_HAND = "command line"
ADDED_IN_APP = "review app"


@dataclass(frozen=True)
class Entry:
    """A glossary entry with the id that edits and removes it."""

    id: int
    term: Term


def make_term(danish: str, english: str, note: str = "") -> Term:
    """A term from typed text: renderings separated by ``|``, the first preferred; ValueError when one side is empty."""
    return Term(danish, split_renderings(english), note)


def matches(term: Term, query: str) -> bool:
    """Whether a term answers a search: the text (case-insensitive) in its Danish, renderings or note, or
    the same Danish stems (an inflected form of the term)."""
    query = " ".join(query.split()).casefold()
    if not query:
        return True
    if any(query in text.casefold() for text in (term.danish, *term.english, term.note)):
        return True
    wanted = stems(query, "da")
    return bool(wanted) and wanted == stems(term.danish, "da")


def list_terms(store: Store, query: str = "") -> list[Entry]:
    """The glossary's entries in the order they were added, those answering ``query`` when one is given."""
    return [Entry(i, t) for i, t in store.term_entries() if matches(t, query)]


def add_term(store: Store, term: Term, source: str = ADDED_BY_HAND) -> bool:
    """Add a term; False when its Danish and preferred English are there already (nothing changes)."""
    return store.add_terms([term], source=source) > 0


def find_entry(store: Store, danish: str, english: str | None = None) -> Entry:
    """The one entry of a Danish term (and preferred English, when it has several); a ValueError otherwise."""
    key = " ".join(danish.split()).casefold()
    found = [e for e in list_terms(store) if " ".join(e.term.danish.split()).casefold() == key]
    if english is not None:
        found = [e for e in found if e.term.preferred.casefold() == " ".join(english.split()).casefold()]
    if not found:
        raise ValueError(f"{danish!r} is not in the glossary")
    if len(found) > 1:
        shown = ", ".join(e.term.preferred for e in found)
        raise ValueError(f"{danish!r} has {len(found)} entries ({shown}): name the preferred English of the one "
                         "to change")
    return found[0]


def edit_term(store: Store, entry_id: int, danish: str | None = None, english: str | None = None,
              note: str | None = None) -> Term:
    """Change an entry's Danish, renderings (``|``-separated) or note, keeping what is not given; the new term."""
    old = {e.id: e.term for e in list_terms(store)}.get(entry_id)
    if old is None:
        raise ValueError(f"there is no glossary entry {entry_id}")
    term = Term(old.danish if danish is None else danish,
                old.english if english is None else split_renderings(english),
                old.note if note is None else note, old.source)
    store.edit_term(entry_id, term)
    return term


def remove_entry(store: Store, entry_id: int) -> None:
    """Remove one entry; a ValueError when there is none with that id."""
    if not store.remove_term_entry(entry_id):
        raise ValueError(f"there is no glossary entry {entry_id}")
