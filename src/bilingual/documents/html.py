"""Web pages: the article with trafilatura, and everything it leaves out kept as marked page furniture.

trafilatura runs with precision-first settings (``favor_precision``, no comments), so what it keeps
is the article: headings and paragraphs in order. The page's other text blocks (navigation, cookie
banners, related links, comments, share bars, footers) are not dropped but stored in their place as
furniture, each with the reason its surroundings give, so a reviewer sees the verdict and can
overrule it paragraph by paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from bilingual.documents.core import DocumentError, DocumentMeta

HTML_SUFFIXES = (".html", ".htm")
# The start of a file that is HTML whatever its name.
_HTML_START = re.compile(rb"^\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b",
                         re.IGNORECASE | re.DOTALL)
# Elements whose text runs on inside a block; every other element starts a block of its own.
_INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "img", "kbd",
                     "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
                     "br", "del", "ins"})
# Elements that hold no text a reader sees.
_HIDDEN = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "select",
                     "input", "textarea"})
# What a block's surroundings say it is: the first match, from the block outwards, names the reason.
_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("cookie banner", re.compile(r"cookie|consent|gdpr|samtykke", re.IGNORECASE)),
    ("comments", re.compile(r"comment|kommentar|disqus|respond|reply", re.IGNORECASE)),
    ("related links", re.compile(r"related|relater|recommend|anbefal|more-?stories|read-?more|l[æa]s-?ogs", re.I)),
    ("share bar", re.compile(r"share|social|del-?artikel|sharing|follow", re.IGNORECASE)),
    ("byline", re.compile(r"byline|author|forfatter|dateline", re.IGNORECASE)),
    ("advertisement", re.compile(r"\bad\b|advert|annonce|sponsor|promo|banner|newsletter|nyhedsbrev", re.I)),
    ("breadcrumbs", re.compile(r"breadcrumb|brødkrumme", re.IGNORECASE)),
    ("navigation", re.compile(r"\bnav|menu|sidebar|skip-?link|pagination", re.IGNORECASE)),
    ("footer", re.compile(r"footer|bund|colophon|copyright", re.IGNORECASE)),
    ("header", re.compile(r"masthead|site-?header|topbar", re.IGNORECASE)),
]
_TAG_ROLES = {"nav": "navigation", "footer": "footer", "header": "header", "aside": "aside", "form": "form",
              "button": "button", "menu": "navigation", "dialog": "dialog"}
_ARIA_ROLES = {"navigation": "navigation", "banner": "header", "contentinfo": "footer", "complementary": "aside",
               "search": "search form", "dialog": "dialog", "alertdialog": "dialog"}
LEFT_OUT = "not in the article"


def is_html(data: bytes, name: str = "") -> bool:
    """Whether a file is a web page: by its suffix, else by an HTML start (a doctype, ``<html>``, ``<body>``)."""
    return name.lower().endswith(HTML_SUFFIXES) or bool(_HTML_START.match(data[:4096]))


def read_html(data: bytes | str, name: str, url: str = "") -> tuple[list[tuple[str, str | None]], DocumentMeta]:
    """The page's paragraphs in order, each ``(text, furniture reason or None)``, and its metadata.

    The article (trafilatura's main text) is content; every other visible block is furniture. A page
    with no article text is a DocumentError: nothing in it would be translated.
    """
    import trafilatura
    from lxml import html as lxml_html

    # Bytes that declare their charset are left to the parsers; others are UTF-8, as the web mostly is.
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) and not _declared_charset(data) else data
    if isinstance(text, str):
        # lxml refuses a str that still declares its bytes' encoding (an XHTML page's <?xml ...?>)
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    extracted: Any
    try:
        extracted = trafilatura.bare_extraction(text, url=url or None, favor_precision=True, include_comments=False,
                                                include_tables=True, with_metadata=True, deduplicate=False)
    except (ValueError, TypeError) as exc:  # an unreadable tree
        raise DocumentError(f"{name}: not a readable HTML page ({exc})") from exc
    body = getattr(extracted, "body", None) if extracted is not None else None
    article = list(_article_blocks(body)) if body is not None else []
    if not any(article):
        raise DocumentError(f"{name}: no article text found in the HTML page (an empty page, a list of links, "
                            "or one its scripts fill in?)")
    try:
        tree = lxml_html.fromstring(text)
    except (ValueError, lxml_html.etree.ParserError) as exc:
        raise DocumentError(f"{name}: not a readable HTML page ({exc})") from exc
    meta = DocumentMeta(url=url, title=_clean(extracted.title), date=_clean(extracted.date),
                        author=_clean(extracted.author), site=_clean(extracted.sitename), source_format="html")
    return merge_blocks(article, list(page_blocks(tree))), meta


def _declared_charset(data: bytes) -> bool:
    return bool(re.search(rb"<meta[^>]+charset", data[:4096], re.IGNORECASE))


def _clean(value: Any) -> str:
    return " ".join(str(value).split()) if value else ""


def _article_blocks(body: Any) -> Iterator[str]:
    """The text of each heading, paragraph, list item and table cell of trafilatura's output, in order."""
    for element in body:
        if element.tag in ("list", "table", "quote") and len(element):
            yield from _article_blocks(element)
        elif element.tag == "row":
            yield from _article_blocks(element)
        else:
            text = _clean("".join(element.itertext()))
            if text:
                yield text


def page_blocks(tree: Any) -> Iterator[tuple[str, str]]:
    """Every visible text block of a page in order, each ``(text, what its surroundings make it)``."""
    buffer: list[str] = []

    def flush(element: Any) -> Iterator[tuple[str, str]]:
        text = _clean("".join(buffer))
        buffer.clear()
        if text:
            yield text, _role(element)

    def walk(element: Any) -> Iterator[tuple[str, str]]:
        buffer.append(element.text or "")
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if not tag or tag in _HIDDEN:
                pass
            elif tag in _INLINE and not _has_block(child):
                buffer.append(" " if tag == "br" else "".join(child.itertext()))
            else:
                yield from flush(element)
                yield from walk(child)
                yield from flush(child)
            buffer.append(child.tail or "")
        yield from flush(element)

    yield from walk(tree)


def _has_block(element: Any) -> bool:
    return any(isinstance(e.tag, str) and e.tag not in _INLINE for e in element.iterdescendants())


def _role(element: Any) -> str:
    """Why a block outside the article is furniture: the nearest class or id that says so, else the tag or
    ARIA role of the nearest element that does (a button of a cookie banner is part of the banner)."""
    chain = []
    while element is not None:
        chain.append(element)
        element = element.getparent()
    for node in chain:
        names = " ".join(filter(None, (node.get("class"), node.get("id"))))
        for reason, pattern in _ROLES:
            if names and pattern.search(names):
                return reason
    for node in chain:
        if node.get("role") in _ARIA_ROLES:
            return _ARIA_ROLES[node.get("role")]
        if isinstance(node.tag, str) and node.tag in _TAG_ROLES:
            return _TAG_ROLES[node.tag]
    return LEFT_OUT


def _key(text: str) -> str:
    return "".join(text.split()).casefold()


def merge_blocks(article: list[str], page: list[tuple[str, str]]) -> list[tuple[str, str | None]]:
    """The article's paragraphs and the page's other blocks in page order, the others marked as furniture.

    A page block that is an article paragraph places it (and any article paragraph before it the page
    did not show as one block); a large piece of the article paragraph at hand (one an inner block cut
    in two) is that paragraph; any other block is furniture in its place, so a short menu word that
    also occurs in the article is never lost. The article stays whole and in its own order.
    """
    keys = [_key(text) for text in article]
    out: list[tuple[str, str | None]] = []
    done = 0
    for text, role in page:
        key = _key(text)
        found = next((j for j in range(done, len(keys)) if keys[j] == key), None)
        if found is not None:
            out.extend((article[j], None) for j in range(done, found + 1))
            done = found + 1
        elif any(key in keys[j] and len(key) >= 0.3 * len(keys[j]) for j in range(max(done - 1, 0), done + 1)
                 if j < len(keys)):
            continue  # a large piece of the article paragraph at hand, which the article gives whole
        else:
            out.append((text, role))
    out.extend((article[j], None) for j in range(done, len(article)))
    return out
