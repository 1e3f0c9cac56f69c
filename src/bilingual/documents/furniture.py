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
    ("read also", re.compile(r"^(read also|read more|see also|læs også|læs mere)\s*:", re.IGNORECASE)),
    # "By"/"Af" and a name (and perhaps a date after a comma): "Af hensyn til økonomien." is a sentence
    ("byline", re.compile(r"^([Bb]y|[Aa]f)\s+[A-ZÆØÅ][\w.'’-]*(\s+(og|and|[A-ZÆØÅ][\w.'’-]*)){0,4}(,.{0,40})?$")),
    ("byline", re.compile(r"^(written by|post author|skrevet af)\b.{0,60}$", re.IGNORECASE)),
    ("navigation", re.compile(r"^(skip to (main )?content|gå til (hoved)?indhold(et)?|spring til (hoved)?indhold"
                              r"(et)?|menu|forside|home|søg|search|log ind|log in|sign in)$", re.IGNORECASE)),
    # a menu pasted as one line: "Home | About | Contact"
    ("navigation", re.compile(r"^[^|.!?]{1,30}( \| [^|.!?]{1,30}){2,}$")),
    ("share bar", re.compile(r"^(del|share)( (denne |this )?(artikel|article|story|historie)| på \w+)?$",
                             re.IGNORECASE)),
    ("date", re.compile(r"^(published|updated|posted|publiceret|opdateret|udgivet)\b.{0,40}\d{4}$", re.IGNORECASE)),
    ("caption", re.compile(r"^(image caption|caption|billedtekst)\s*:", re.IGNORECASE)),
    ("copyright", re.compile(r"^(©|\(c\)|copyright\b).{0,160}$", re.IGNORECASE)),
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
# A cookie banner: short, and saying what banners say.
_COOKIES = re.compile(r"\b(we use cookies|vi bruger cookies|accept all( cookies)?|accepter alle( cookies)?|"
                      r"cookie ?(policy|politik|settings|indstillinger))\b", re.IGNORECASE)
_NAME_LINE = re.compile(r"^[A-ZÆØÅ][\w'’-]+( [A-ZÆØÅ][\w.'’-]*){1,3}$")
_SENTENCE_END = re.compile(r"""[.!?…"”’»]$""")
_PROMOTION = re.compile(
    r"\b(is your gateway to|subscribe (to|now)|sign up for|newsletter|tilmeld dig|abonn[ée]r)\b", re.IGNORECASE
)


def furniture_reasons(paragraph_texts: list[str]) -> list[str | None]:
    """Mark each paragraph with the reason it is page furniture, or None if it is article text."""
    reasons: list[str | None] = []
    seen: set[str] = set()
    tail: str | None = None
    in_list = False  # inside a list an article paragraph introduced ("Aftalen omfatter:")
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
                if reason is None and len(flat) < 250 and _COOKIES.search(flat):
                    reason = "cookie banner"
                if reason == "reference":
                    tail = "reference list"
        if reason is None and key in seen:
            reason = "repeated line"
        bullet = bool(BULLET.match(text))
        # a bullet item is a link list unless an article paragraph introduced the list, or it is a
        # sentence (a Danish quote starts with a dash: "- Vi skal være klar, siger ministeren.")
        if reason is None and bullet and len(flat) < 120 and not in_list and not _SENTENCE_END.search(flat):
            reason = "link list"
        if reason is None and not bullet:
            in_list = flat.endswith(":")
        elif not bullet:
            in_list = False
        seen.add(key)
        reasons.append(reason)
    # A short name printed twice in a row is an author line (and its avatar caption).
    for i in range(len(paragraph_texts) - 1):
        a, b = paragraph_texts[i].strip(), paragraph_texts[i + 1].strip()
        if a == b and _NAME_LINE.match(a):
            reasons[i] = reasons[i + 1] = reasons[i] or "byline"
    return reasons

