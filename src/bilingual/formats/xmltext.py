"""Writing text into the XML formats (TMX, XLIFF): characters XML 1.0 forbids, escaping, one element."""

from __future__ import annotations

import re

_XML_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_clean(text: str) -> str:
    """Remove the characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF)."""
    return _XML_FORBIDDEN.sub("", text)


def xml_text(text: str) -> str:
    """Text as element content: forbidden characters removed, markup escaped."""
    # "\r" is written as a reference, or the parser would turn it into "\n"
    return (xml_clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def xml_attr(text: str) -> str:
    """Text as a double-quoted attribute value."""
    # attribute values are whitespace-normalised by parsers unless tab/newline/CR are references
    return (xml_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))


def element(tag: str, attrs: dict[str, str], text: str) -> str:
    """``<tag attrs>text</tag>`` on one line; empty attributes are left out."""
    attr_text = "".join(f' {k}="{xml_attr(v)}"' for k, v in attrs.items() if v)
    return f"<{tag}{attr_text}>{xml_text(text)}</{tag}>"
