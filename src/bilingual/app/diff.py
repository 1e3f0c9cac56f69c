"""Word diffs drawn as HTML and Streamlit markdown (the diff itself is ``bilingual.worddiff``), and markdown
escaping, free of Streamlit."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from bilingual.worddiff import diff_counts, word_diff

__all__ = ["diff_counts", "diff_html", "diff_markdown", "md", "word_diff"]
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def md(text: str) -> str:
    """Escape text for ``st.markdown`` so sentences with ``*``, ``$`` or ``#`` show as written."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def diff_html(before: str, after: str) -> str:
    """The word diff as escaped HTML: deletions struck through in red, insertions in green."""
    out = []
    for op, text in word_diff(before, after):
        text = html.escape(text)
        if op == "delete":
            out.append(f'<del style="background:#fde2e1;color:#8a1c13">{text}</del>')
        elif op == "insert":
            out.append(f'<ins style="background:#dcf5dc;color:#14531f;text-decoration:none">{text}</ins>')
        else:
            out.append(text)
    return "".join(out)


def diff_markdown(before: str, after: str, escape: Callable[[str], str]) -> str:
    """The word diff as Streamlit markdown: deletions struck through in red, insertions in green.

    ``escape`` makes a piece of text literal in markdown (the page's own escaping function).
    """
    out = []
    for op, text in word_diff(before, after):
        if op == "equal" or not text.strip():
            out.append(escape(text))
            continue
        # Spaces stay outside the markers: "~~ word~~" would not be struck through.
        lead, core, trail = text[: len(text) - len(text.lstrip())], text.strip(), text[len(text.rstrip()):]
        marked = f":red[~~{escape(core)}~~]" if op == "delete" else f":green[**{escape(core)}**]"
        out.append(f"{lead}{marked}{trail}")
    return "".join(out)
