"""Characters: what shows on a page, and a text made safe to print on a terminal."""

from __future__ import annotations

import re
import unicodedata

INVISIBLE_TEXT = "invisible text"
# A bullet at the start of a line: a list item, its own paragraph (and, when short, a link list).
BULLET = re.compile(r"^\s*[•·▪◦*\-–]\s+")

# Letters and symbols that render as blank space (Hangul fillers, the blank Braille pattern).
_BLANK_GRAPHICS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_SHOWN_CATEGORIES = ("L", "N", "P", "S")
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def has_visible_text(text: str) -> bool:
    """Whether a text shows anything: a letter, digit, punctuation or symbol that is not blank.

    Zero-width spaces and joiners, word joiners, byte-order marks, controls and lone combining
    marks show nothing, and a sentence of them only is no sentence to translate.
    """
    return any(unicodedata.category(c)[0] in _SHOWN_CATEGORIES and c not in _BLANK_GRAPHICS for c in text)


def printable(text: str) -> str:
    """A text safe to print on a terminal: control, format and line-separator characters as escapes.

    A BEL, an ANSI escape sequence or a right-to-left override in a document or a file name would
    otherwise ring, repaint or reorder the terminal; ``\\x07`` shows what is there instead.
    """
    if all(c.isprintable() or c == " " for c in text):
        return text
    return "".join(c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in _ESCAPED_CATEGORIES
                   else c for c in text)

