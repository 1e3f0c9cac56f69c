"""The review page's Discrepancies tab: two sentences that state a fact differently, side by side, and a verdict.

What is compared and found is ``bilingual.factcheck``; this module only draws it, filters it by kind
and verdict, and saves the reviewer's verdict (with their name, into the verdict's history).
"""

from __future__ import annotations

import streamlit as st

from bilingual.app.diff import md
from bilingual.app.session import current_reviewer, open_store
from bilingual.factcheck.compare import DIFFERENCE_KINDS
from bilingual.factcheck.facts import Fact
from bilingual.factcheck.report import Discrepancy, find_discrepancies
from bilingual.store import Store, StoredDocument
from bilingual.store.discrepancies import VERDICTS

_VERDICT_BADGES = {"real discrepancy": "red", "same fact": "green", "not comparable": "gray", "pending": "orange"}


def highlighted(text: str, fact: Fact) -> str:
    """A sentence as Markdown with one fact marked: the span the fact was read from, on a red background."""
    return (md(text[: fact.start]) + f":red-background[**{md(text[fact.start : fact.end])}**]"
            + md(text[fact.end :]))


def _on_verdict(item: Discrepancy, verdict: str) -> None:
    with open_store() as store:
        store.save_verdict(item.key, verdict, kind=item.kind, left_text=item.left.text, right_text=item.right.text,
                           detail=item.detail, reviewer=current_reviewer())


def discrepancies_tab(store: Store, doc: StoredDocument) -> None:
    """The differences of a Danish document with its English articles, filtered, each with its verdict buttons."""
    report = find_discrepancies(store, [doc])
    for note in report.notes:
        st.caption(note)
    if not report.items:
        st.info("No differences found: the numbers, dates and names of the aligned sentences agree.")
        return
    left, right = st.columns(2)
    kinds = left.multiselect("Kinds", DIFFERENCE_KINDS, default=list(DIFFERENCE_KINDS), key=f"disc_kinds_{doc.id}")
    wanted = right.selectbox("Verdict", ["all", "pending", *VERDICTS], key=f"disc_verdict_{doc.id}")
    shown = [d for d in report.items if d.kind in kinds and wanted in ("all", d.verdict_text)]
    st.caption(f"{len(shown)} of {len(report.items)} differences shown")
    for item in shown:
        _discrepancy(item)


def _discrepancy(item: Discrepancy) -> None:
    tag = item.key[:16]
    with st.container(border=True, key=f"disc_{tag}"):
        colour = _VERDICT_BADGES[item.verdict_text]
        by = f" by {md(item.verdict.reviewer)}" if item.verdict and item.verdict.reviewer else ""
        coverage = "" if item.english_in_danish else " · :gray-badge[English sentence not in the Danish]"
        st.markdown(f"**{item.kind}** · {md(item.detail)} · {item.source} · :{colour}-badge[{item.verdict_text}]"
                    f"{by}{coverage}")
        left, right = st.columns(2)
        with left:
            st.markdown(highlighted(item.left.text, item.left_fact))
            caption = f"{item.left.stable_id}"
            if item.left_translation:
                caption += f" · English that counts: {item.left_translation}"
            st.caption(md(caption))
        with right:
            st.markdown(highlighted(item.right.text, item.right_fact))
            dated = f" · {item.english_date}" if item.english_date else ""
            st.caption(md(f"{item.right.stable_id} · {item.english_title}{dated}"))
        bar = st.container(horizontal=True)
        with bar:
            for verdict in VERDICTS:
                st.button(verdict.capitalize(), key=f"disc_{verdict.replace(' ', '_')}_{tag}", on_click=_on_verdict,
                          args=(item, verdict), type="primary" if item.verdict_text == verdict else "secondary")
