"""Word diffs of two texts: the pieces that stayed, went and came, and how many words each way.

The review app draws these (``bilingual.app.diff``) and the review history lists them between
versions (``bilingual.undo``); both read the one diff defined here.
"""

from __future__ import annotations

import difflib
import re

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


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
