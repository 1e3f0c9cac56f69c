"""The tabs of a document's view, registered in one place: a label and the function that draws it.

A new tab is one new module with a ``draw(view)`` function and one line in ``DOCUMENT_TABS``. The
tabs are lazy: a tab's function runs only while it is open, so a tab costs the desk nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bilingual.app.rows import ReviewRow
from bilingual.glossary import Glossary
from bilingual.store import Store, StoredDocument


@dataclass(frozen=True)
class DocumentView:
    """What a tab of the open document may draw from: the store (open during the run), the document, its rows."""

    store: Store
    doc: StoredDocument
    rows: list[ReviewRow]
    glossary: Glossary


def _sentences(view: DocumentView) -> None:
    from bilingual.app.desk import sentence_desk

    sentence_desk(view.doc, view.glossary)


def _coverage(view: DocumentView) -> None:
    from bilingual.app.tabs import coverage_tab

    coverage_tab(view.store, view.doc, view.rows)


def _picture(view: DocumentView) -> None:
    from bilingual.app.tabs import alignment_picture

    alignment_picture(view.store, view.doc, view.rows)


def _furniture(view: DocumentView) -> None:
    from bilingual.app.tabs import furniture_tab

    furniture_tab(view.store, view.doc)


def _discrepancies(view: DocumentView) -> None:
    from bilingual.app.tabs import discrepancies_tab

    discrepancies_tab(view.store, view.doc)


def _tools(view: DocumentView) -> None:
    from bilingual.app.session import current_reviewer
    from bilingual.app.tools_tab import tools_tab

    tools_tab(view.store, view.doc, current_reviewer())


# The document's tabs, in the order shown; the first is open when the page opens.
DOCUMENT_TABS: list[tuple[str, Callable[[DocumentView], None]]] = [
    ("Sentences", _sentences),
    ("English coverage", _coverage),
    ("Alignment picture", _picture),
    ("Page furniture", _furniture),
    ("Sentence tools", _tools),
    ("Discrepancies", _discrepancies),
]
