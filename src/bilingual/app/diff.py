"""Word diffs of two texts (HTML, Streamlit markdown, counts) and markdown escaping, free of Streamlit."""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def md(text: str) -> str:
    """Escape text for ``st.markdown`` so sentences with ``*``, ``$`` or ``#`` show as written."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Word-level diff as ``(op, text)`` pieces, op in ``equal``, ``delete``, ``insert``."""
    a, b = _TOKEN.findall(before or ""), _TOKEN.findall(after or "")
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    # A space between two changed words belongs to the change, so "old words" reads as one deletion.
    groups: list[list[tuple[str, int, int, int, int]]] = []
    for k, code in enumerate(opcodes):
        op, i1, i2, _, _ = code
        bridge = (op == "equal" and 0 < k < len(opcodes) - 1 and not "".join(a[i1:i2]).strip())
        if groups and (op != "equal" or bridge) and groups[-1][0][0] != "equal":
            groups[-1].append(code)
        else:
            groups.append([code])
    pieces: list[tuple[str, str]] = []
    for group in groups:
        if group[0][0] == "equal":
            pieces.append(("equal", "".join(a[group[0][1]:group[0][2]])))
            continue
        deleted = "".join("".join(a[i1:i2]) for _, i1, i2, _, _ in group)
        inserted = "".join("".join(b[j1:j2]) for _, _, _, j1, j2 in group)
        pieces.extend(p for p in (("delete", deleted), ("insert", inserted)) if p[1])
    return pieces


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


def diff_counts(before: str, after: str) -> tuple[int, int]:
    """How many words were deleted and inserted between two texts."""
    deleted = inserted = 0
    for op, text in word_diff(before, after):
        words = len(re.findall(r"\w+", text))
        if op == "delete":
            deleted += words
        elif op == "insert":
            inserted += words
    return deleted, inserted

