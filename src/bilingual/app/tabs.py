"""The review page's other tabs: English coverage, page furniture and the alignment picture."""

from __future__ import annotations

import importlib.util

import streamlit as st

from bilingual.app.diff import md
from bilingual.app.discrepancies import discrepancies_tab as discrepancies_tab  # the Discrepancies tab
from bilingual.app.rows import ReviewRow, bead_cells, heatmap_records
from bilingual.app.session import current_reviewer, open_store, session
from bilingual.pipeline import realign_document
from bilingual.records import english_coverage
from bilingual.settings import setting_value
from bilingual.store import Store, StoredAlignment, StoredDocument, StoredSegment

HEATMAP_MAX_ROWS = 120


# --------------------------------------------------------------------------- English coverage


def _choose_english(english: list[StoredDocument], rows: list[ReviewRow], key: str) -> tuple[dict[int, str], list[int]]:
    """A pick of English documents, by default those the rows are aligned with; returns titles and the pick."""
    titles = {d.id: f"{d.name}: {d.title}" for d in english}
    aligned = sorted({m.document_id for r in rows for m in r.matches if m.document_id in titles})
    chosen = st.multiselect("English documents", list(titles), default=aligned or [english[0].id],
                            format_func=lambda i: titles[i], key=key)
    return titles, chosen


def coverage_tab(store: Store, doc: StoredDocument, rows: list[ReviewRow]) -> None:
    """Each English sentence, and whether the Danish document says it too: what the coverage adds."""
    english = store.documents(language="en")
    if not english:
        st.info("The store holds no English document.")
        return
    titles, chosen = _choose_english(english, rows, f"cover_docs_{doc.id}")
    only_new = st.toggle("Only sentences the Danish document does not have", key=f"cover_new_{doc.id}")
    danish = {r.segment_id: r for r in rows}
    alignments = [a for a in store.alignments(doc.id) if all(i in danish for i in a.source_segment_ids)]
    for document_id in chosen:
        items = english_coverage(store.segments(document_id, include_furniture=False), alignments)
        found = sum(1 for c in items if c.covered)
        st.markdown(f"**{md(titles[document_id])}**  \n{found} of {len(items)} sentences correspond to "
                    f"sentences of {md(doc.name)}")
        for item in items:
            if only_new and item.covered:
                continue
            if item.covered:
                links = ", ".join(f"`{danish[i].stable_id}` ({score:.2f})" for i, score in item.danish)
                badge = f":green-badge[in the Danish] {links}"
            else:
                badge = ":gray-badge[not in the Danish]"
            st.markdown(f"{badge}  \n{md(item.segment.text)}")


# --------------------------------------------------------------------------- page furniture

FURNITURE_PREVIEW = 240


def _on_furniture(document_id: int, paragraph: int) -> None:
    ss = session()
    leave_out = bool(ss.get(f"furn_{document_id}_{paragraph}"))
    with open_store() as store:
        changed = store.set_furniture(document_id, [paragraph], furniture=leave_out, reviewer=current_reviewer())
    if changed:
        ss.setdefault("furniture_changed", set()).add(document_id)


def _on_realign(danish_id: int) -> None:
    from bilingual.align import load_embedder

    ss = session()
    defaults = {"mode": str(setting_value("align_mode")), "threshold": setting_value("align_threshold"),
                "top_k": int(setting_value("top_k"))}
    try:
        with open_store() as store:
            # The same English documents, mode and threshold as the document's last alignment.
            report = realign_document(store, danish_id, embedder=load_embedder(), defaults=defaults)
    except Exception as exc:  # a missing embedder or an empty side: say so, keep the page
        ss["realign_note"] = ("error", f"Could not realign: {type(exc).__name__}: {exc}")
        return
    ss["furniture_changed"] = set()
    ss["realign_note"] = ("success", f"Realigned {report.source} ({report.mode}): {report.aligned} of "
                                     f"{report.sentences} sentences aligned, mean score {report.mean_score:.2f}.")


def furniture_tab(store: Store, doc: StoredDocument) -> None:
    """Paragraphs of any document with their page-furniture marks, each one switchable by the reviewer."""
    ss = session()
    documents = store.documents()
    names = {d.id: f"{d.name} ({d.language}): {d.title}" for d in documents}
    st.caption("Page furniture (comment rules, bylines, promotions, reference lists) is left out of translation, "
               "alignment and export, never deleted. Switch a paragraph the detector got wrong.")
    chosen = st.selectbox("Document", list(names), index=list(names).index(doc.id), format_func=lambda i: names[i],
                          key="furniture_doc")
    if ss.get("furniture_changed"):
        st.warning("Page furniture changed: the alignment may be out of date. A Danish paragraph brought back "
                   "still needs its translation (the button above the sentences).")
        st.button(f"Realign {doc.name}", key="realign", on_click=_on_realign, args=(doc.id,),
                  icon=":material/sync_alt:")
    note = ss.pop("realign_note", None)
    if note is not None:
        getattr(st, note[0])(note[1])
    for para in store.paragraphs(chosen):
        key = f"furn_{chosen}_{para.paragraph}"
        ss[key] = para.furniture is not None  # the store is the truth; another reviewer may have switched it
        left, right = st.columns([1, 5])
        with left:
            st.toggle("Leave out", key=key, on_change=_on_furniture, args=(chosen, para.paragraph))
        with right:
            text = para.text if len(para.text) <= FURNITURE_PREVIEW else para.text[:FURNITURE_PREVIEW] + " ..."
            why = []
            if para.furniture:
                why.append(f":orange-badge[{md(para.furniture)}]")
            if para.overridden:
                verdict = para.detected or "content"
                why.append(f":violet-badge[detector: {md(verdict)}; switched"
                           + (f" by {md(para.set_by)}]" if para.set_by else "]"))
            st.markdown(f"¶ {para.paragraph} · {para.sentences} sentence{'s' if para.sentences != 1 else ''} "
                        + " ".join(why) + f"  \n{md(text)}")


# --------------------------------------------------------------------------- alignment picture


@st.cache_data(show_spinner="Computing sentence similarities ...", max_entries=16)
def _similarity(src_en: tuple[str, ...], tgt: tuple[str, ...], src_da: tuple[str, ...]) -> list[list[float]]:
    """The similarity matrix of the alignment module, cached by the texts it was computed from."""
    from bilingual.align import similarity_matrix

    return [[float(v) for v in line] for line in similarity_matrix(list(src_en), list(tgt), src_da=list(src_da))]


def alignment_picture(store: Store, doc: StoredDocument, rows: list[ReviewRow]) -> None:
    """A similarity heatmap of Danish MT against English sentences, with the chosen beads marked; on request."""
    if importlib.util.find_spec("bilingual.align") is None:
        st.info("The alignment module is not available in this installation.")
        return
    english = store.documents(language="en")
    if not english or not rows:
        st.info("The store holds no English document to compare with.")
        return
    _, chosen = _choose_english(english, rows, f"heat_docs_{doc.id}")
    span = (1, len(rows))
    if len(rows) > HEATMAP_MAX_ROWS:
        span = st.slider("Danish sentences", 1, len(rows), (1, HEATMAP_MAX_ROWS), key=f"heat_span_{doc.id}")
        if span[1] - span[0] + 1 > HEATMAP_MAX_ROWS:
            st.caption(f"Showing the first {HEATMAP_MAX_ROWS} of the chosen sentences.")
            span = (span[0], span[0] + HEATMAP_MAX_ROWS - 1)
    request = (tuple(chosen), span)
    if st.button("Draw the alignment picture", key="heat_draw", icon=":material/grid_on:", disabled=not chosen):
        session()["heatmap"][doc.id] = request
    if not chosen or session()["heatmap"].get(doc.id) != request:
        st.caption("Computes sentence embeddings of the MT output and the English sentences (slow the first time).")
        return
    part = rows[span[0] - 1 : span[1]]
    targets = [s for d in chosen for s in store.segments(d, include_furniture=False)]
    if not targets:
        st.info("The chosen English documents have no sentences.")
        return
    try:
        # An untranslated sentence is compared as Danish text, which the alignment module weighs differently.
        matrix = _similarity(tuple(r.english or r.source for r in part), tuple(s.text for s in targets),
                             tuple(r.source for r in part))
    except Exception as exc:  # the embedder may be missing or fail to load: say so, keep the page
        st.error(f"Could not compute similarities: {type(exc).__name__}: {exc}")
        return
    _heatmap_chart(matrix, part, targets, store.alignments(doc.id))


def _heatmap_chart(matrix: list[list[float]], rows: list[ReviewRow], targets: list[StoredSegment],
                   alignments: list[StoredAlignment]) -> None:
    import altair as alt
    import pandas as pd

    row_of = {r.segment_id: i for i, r in enumerate(rows)}
    col_of = {s.id: j for j, s in enumerate(targets)}
    first = rows[0].position
    cells = pd.DataFrame(heatmap_records(matrix, [r.source[:120] for r in rows], [s.text[:120] for s in targets]))
    cells["da"] += first
    beads = pd.DataFrame(bead_cells(alignments, row_of, col_of), columns=["da", "en", "status", "score"])
    beads["da"] += first
    size = max(4, min(18, 900 // max(len(targets), len(rows), 1)))
    heat = alt.Chart(cells).mark_rect().encode(
        x=alt.X("en:O", title="English sentence", axis=alt.Axis(labelOverlap=True)),
        y=alt.Y("da:O", title="Danish sentence", axis=alt.Axis(labelOverlap=True)),
        color=alt.Color("score:Q", scale=alt.Scale(domain=[0, 1], scheme="blues"), title="similarity"),
        tooltip=["da", "en", alt.Tooltip("score:Q", format=".2f"), "danish", "english"],
    )
    marks = alt.Chart(beads).mark_square(filled=False, strokeWidth=2, size=size * size).encode(
        x="en:O", y="da:O",
        color=alt.Color("status:N", scale=alt.Scale(domain=["machine", "accepted"], range=["#e45756", "#2ca02c"]),
                        title="chosen bead"),
        tooltip=["da", "en", "status", alt.Tooltip("score:Q", format=".2f")],
    )
    chart = alt.layer(heat, marks).resolve_scale(color="independent").properties(
        height=min(1400, max(240, size * len(rows))))
    st.altair_chart(chart, width="stretch")
    st.caption(f"{len(rows)} Danish × {len(targets)} English sentences; squares mark the chosen alignment beads.")
