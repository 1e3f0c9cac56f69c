"""The concordance panel: a Danish or English word or phrase across the whole store, hits highlighted, each
with its translation, document and status (``bilingual.concordance``)."""

from __future__ import annotations

import html

import streamlit as st

from bilingual.concordance import Hit, concordance
from bilingual.store import Store

SHOWN = 50
# A translation longer than this is cut in the list (the hit's own sentence never is).
TRANSLATION_CHARS = 300
_MARK = '<mark style="background:#ffe08a;padding:0 1px">'


def highlighted(hit: Hit) -> str:
    """The hit's sentence as escaped HTML with each hit marked."""
    out, last = [], 0
    for start, end in hit.spans:
        out += [html.escape(hit.found[last:start]), _MARK, html.escape(hit.found[start:end]), "</mark>"]
        last = end
    return "".join(out) + html.escape(hit.found[last:])


def concordance_panel(store: Store, query: str = "", language: str | None = None, key: str = "cp") -> list[Hit]:
    """A search box (``query`` and ``language`` fill it when given) and the hits, reviewed first; returns the
    hits shown. ``key`` names the panel's widgets, so the page can hold more than one."""
    with st.container(border=True, key=f"concordance_panel_{key}" if key != "cp" else "concordance_panel"):
        st.markdown("**Concordance**")
        if query:
            st.session_state[f"{key}_query"] = query
        if language in ("da", "en"):
            st.session_state[f"{key}_lang"] = language
        left, right = st.columns([4, 1], vertical_alignment="bottom")
        phrase = left.text_input("Word or phrase", key=f"{key}_query", placeholder="e.g. koalitionen")
        language = right.radio("Language", ["da", "en"], horizontal=True, key=f"{key}_lang",
                               format_func={"da": "Danish", "en": "English"}.get)
        if not phrase.strip():
            st.caption("Inflected forms are found too (koalitionen: koalitionens, Koalitionen).")
            return []
        try:
            hits = concordance(store, phrase, language or "da")
        except ValueError as exc:
            st.warning(str(exc))
            return []
        st.caption(f"{len(hits)} hit{'s' if len(hits) != 1 else ''}" + (f"; the first {SHOWN} shown" if len(hits) >
                                                                         SHOWN else ""))
        parts = []
        for hit in hits[:SHOWN]:
            text = hit.translation if len(hit.translation) <= TRANSLATION_CHARS else \
                hit.translation[:TRANSLATION_CHARS - 1] + "…"
            other = html.escape(text) if text else "<i>(no translation)</i>"
            parts.append(
                f'<div class="concordance-hit" style="border-top:1px solid #ddd;padding:4px 0">'
                f'<div style="font-size:0.8em;color:#555">{html.escape(hit.tier)} · {html.escape(hit.status)} · '
                f'{html.escape(hit.title or hit.document)} · <code>{html.escape(hit.id)}</code></div>'
                f"<div>{highlighted(hit)}</div><div style=\"color:#333\">→ {other}</div></div>")
        st.html("".join(parts))
        return hits[:SHOWN]
