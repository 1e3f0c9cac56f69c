"""Page furniture in plain text: comment rules, promotions, bylines, reference lists, repeated lines.

Furniture is only *marked* with a reason, never removed, so a reviewer can still see and override it.
"""

from __future__ import annotations

import re

from bilingual.documents.chars import BULLET, INVISIBLE_TEXT, has_visible_text

# A heading after which the rest of the page is not the article.
_TAIL_HEADINGS = re.compile(
    r"^(comments?|post a comment|leave a (comment|reply)|the latest|latest news|related( articles| stories)?|"
    r"more from|read more|you may also like|references|sources|kommentarer|relaterede artikler|"
    r"læs også|se også|mest læste)\s*:?$",
    re.IGNORECASE,
)
_FURNITURE_LINE = [
    ("read also", re.compile(r"^(read also|see also|læs også|læs mere)\s*:", re.IGNORECASE)),
    ("byline", re.compile(r"^(written by|by|af|post author|skrevet af)\b.{0,60}$", re.IGNORECASE)),
    ("category", re.compile(r"^(post category|category|kategori|tags?)\s*:", re.IGNORECASE)),
    ("byline", re.compile(r"^•?\s*post (author|category)\s*:", re.IGNORECASE)),
    ("navigation", re.compile(r"^you are currently viewing\b", re.IGNORECASE)),
    ("navigation", re.compile(r"^(share( this)?|print|a\+ a-|required|advertisement|"
                              r"annonce|sponsored|photo:.*|foto:.*)$", re.IGNORECASE)),
    ("date", re.compile(r"^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$|^\d{4}-\d{2}-\d{2}$")),
    ("comment rules", re.compile(r"\b(moderates? all comments|community guidelines|comments? (that|which) "
                                 r"(do not|don't)|we will not tolerate|approved for publication)\b",
                                 re.IGNORECASE)),
    ("reference", re.compile(r"\[online\]|available at:|\(\d{4}, [A-Z][a-z]+ \d{1,2}\)|^doi:|^https?://",
                             re.IGNORECASE)),
]
_NAME_LINE = re.compile(r"^[A-ZÆØÅ][\w'’-]+( [A-ZÆØÅ][\w.'’-]*){1,3}$")
_PROMOTION = re.compile(
    r"\b(is your gateway to|subscribe (to|now)|sign up for|newsletter|tilmeld dig|abonn[ée]r)\b", re.IGNORECASE
)


def furniture_reasons(paragraph_texts: list[str]) -> list[str | None]:
    """Mark each paragraph with the reason it is page furniture, or None if it is article text."""
    reasons: list[str | None] = []
    seen: set[str] = set()
    tail: str | None = None
    for text in paragraph_texts:
        flat = " ".join(text.split())
        key = flat.casefold()
        reason: str | None = tail
        if not has_visible_text(flat):
            reason = INVISIBLE_TEXT  # kept in the document, but there is nothing to translate or align
        elif reason is None:
            if _TAIL_HEADINGS.match(flat):
                reason = tail = "after the article: " + flat.rstrip(":").lower()
            elif _PROMOTION.search(flat):
                reason = tail = "promotion"
            else:
                for label, pattern in _FURNITURE_LINE:
                    if pattern.search(flat):
                        reason = label
                        break
                if reason == "reference":
                    tail = "reference list"
        if reason is None and key in seen:
            reason = "repeated line"
        if reason is None and BULLET.match(text) and len(flat) < 120:
            reason = "link list"
        seen.add(key)
        reasons.append(reason)
    # A short name printed twice in a row is an author line (and its avatar caption).
    for i in range(len(paragraph_texts) - 1):
        a, b = paragraph_texts[i].strip(), paragraph_texts[i + 1].strip()
        if a == b and _NAME_LINE.match(a):
            reasons[i] = reasons[i + 1] = reasons[i] or "byline"
    return reasons

