"""The alignment panels: judging one Danish sentence's English match, and the alignment picture.

Both are render functions over the store, a Danish document and the active sentence; actions open
the store again by its path (a callback runs before the next page draw, when the page's store is
closed) and call ``bilingual.judgement``.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from bilingual import judgement as judge
from bilingual.app.diff import md
from bilingual.app.picture import Article, opened_segment, picture_spec
from bilingual.decisions import review_english
from bilingual.judgement import Candidate, Judgement
from bilingual.pipeline import last_alignment_request
from bilingual.records import choose_beads
from bilingual.store import Store, StoredDocument

NOTE_KEY = "alignment_panel_note"
STATE_BADGES = {"accepted": ":green-badge[accepted]", "machine": ":gray-badge[aligner's choice, not judged]",
                "no counterpart": ":violet-badge[no counterpart: accepted]", "no match": ":orange-badge[no match]"}


def act(path: str, document_id: int, segment_id: int, action: str, reviewer: str | None, *args: object) -> None:
    """Run one judgement action on the freshest view of the sentence, and say what it did."""
    with Store(path) as store:
        j = judge.load_judgement(store, document_id, segment_id)
        try:
            getattr(judge, action)(store, j, *args, reviewer)
        except ValueError as exc:
            st.session_state[NOTE_KEY] = ("warning", str(exc))
            return
        after = judge.load_judgement(store, document_id, segment_id)
    st.session_state[NOTE_KEY] = ("success", f"English match: {after.state}.")


def _where(c: Candidate) -> str:
    by_hand = " · picked by hand" if c.method == "reviewer" else ""
    return f"{md(c.title or c.document)} · score {c.score:.2f}{by_hand}"


def _candidate_line(c: Candidate) -> str:
    text = md(c.text) if c.has_english else "*no English counterpart*"
    mark = ":blue-badge[current] " if c.current else ""
    return f"{mark}{text}  \n:small[{_where(c)} · rank {c.rank}]"


def alignment_panel(store: Store, doc: StoredDocument, segment_id: int, reviewer: str | None) -> Judgement:
    """The English match of one Danish sentence with *this is it*, *pick another* and *no counterpart*;
    rejected candidates listed with Restore; returns the judgement drawn."""
    j = judge.load_judgement(store, doc.id, segment_id)
    seg = f"{doc.id}_{segment_id}"
    args = (store.location, doc.id, segment_id)
    with st.container(border=True, key=f"judge_{seg}"):
        st.markdown(f"**English match** {STATE_BADGES[j.state]}")
        current = j.current
        if current is not None and current.has_english:
            st.markdown(f"{md(current.text)}  \n:small[{_where(current)}]")
        elif current is not None:
            st.caption("This sentence has no counterpart in these articles"
                       + (" (the aligner's verdict)." if current.status != "accepted" else "."))
        else:
            st.caption("No English match: pick one of the candidates, find one, or say it has no counterpart.")
        with st.container(horizontal=True, gap="small"):
            st.button("This is it", key=f"judge_ok_{seg}", icon=":material/check:", on_click=act,
                      args=(*args, "accept_match", reviewer), disabled=current is None or current.status == "accepted",
                      help="Confirm this English match")
            st.button("No counterpart in these articles", key=f"judge_none_{seg}", icon=":material/block:",
                      on_click=act, args=(*args, "no_counterpart", reviewer), disabled=j.state == "no counterpart",
                      help="One action: the sentence is exported with an empty English side, alignment accepted")
            st.button("Not this one", key=f"judge_no_{seg}", icon=":material/close:", on_click=act,
                      args=(*args, "reject_match", reviewer), disabled=current is None, type="tertiary",
                      help="Reject the match; no other candidate takes its place until you pick one")
        note = st.session_state.pop(NOTE_KEY, None)
        if note is not None:
            getattr(st, note[0])(note[1])
        others = [c for c in j.candidates if c.has_english]
        label = "Pick another" if current is not None else "Find one"
        with st.expander(f"{label} ({len(others)} ranked candidate{'s' if len(others) != 1 else ''})",
                         expanded=current is None, key=f"judge_pick_{seg}"):
            for c in others:
                st.markdown(_candidate_line(c))
                if not c.current:
                    st.button("Pick this one", key=f"judge_take_{seg}_{c.alignment_id}", on_click=act,
                              args=(*args, "pick_match", reviewer, c.alignment_id))
            if current is None or not others:
                _find_one(store, doc, segment_id, j, reviewer)
        if j.rejected:
            st.markdown(f"**Rejected** ({len(j.rejected)})")
            for c in j.rejected:
                st.markdown(f":red-badge[rejected] {_candidate_line(c)}")
                st.button("Restore", key=f"judge_back_{seg}_{c.alignment_id}", on_click=act,
                          args=(*args, "restore_match", reviewer, c.alignment_id), type="tertiary")
    return j


def _find_one(store: Store, doc: StoredDocument, segment_id: int, j: Judgement, reviewer: str | None) -> None:
    """English sentences of the aligned articles closest to the sentence's English, to choose by hand."""
    [seg] = [s for s in store.segments(doc.id) if s.id == segment_id]
    mts = store.latest_translations([seg.text_hash])
    english = review_english(store.review(seg.text_hash), mts[seg.text_hash][0] if seg.text_hash in mts else None)
    targets = last_alignment_request(store, doc.id).get("target_document_ids") or [
        d.id for d in store.documents(language="en")]
    pool = [s for d in targets for s in store.segments(d, language="en", include_furniture=False)]
    taken = {t for c in (*j.candidates, *j.rejected) for t in c.target_ids}
    found = [(s, score) for s, score in judge.find_english(english.text or seg.text, pool) if s.id not in taken]
    if found:
        st.caption("Closest sentences of the aligned articles (chrF of the English):")
    titles = {d.id: d.title for d in store.documents()}
    for s, score in found:
        st.markdown(f"{md(s.text)}  \n:small[{md(titles.get(s.document_id, s.document))} · chrF {score:.2f}]")
        st.button("Choose this one", key=f"judge_find_{doc.id}_{segment_id}_{s.id}", on_click=act,
                  args=(store.location, doc.id, segment_id, "choose_english", reviewer, [s.id], score))


# --------------------------------------------------------------------------- the picture


@st.cache_data(show_spinner="Computing sentence similarities ...", max_entries=16)
def _similarity(src_en: tuple[str, ...], tgt: tuple[str, ...], src_da: tuple[str, ...]) -> list[list[float]]:
    """The alignment module's similarity matrix, cached by the texts it was computed from."""
    from bilingual.align import similarity_matrix

    return [[float(v) for v in line] for line in similarity_matrix(list(src_en), list(tgt), src_da=list(src_da))]


def picture_panel(store: Store, doc: StoredDocument, english_ids: list[int],
                  on_open: Callable[[int], None] | None = None, max_rows: int = 120) -> int | None:
    """The alignment picture of a Danish document against English articles; returns the Danish segment id a
    click on a cell opened (and calls ``on_open`` with it)."""
    danish = store.segments(doc.id, include_furniture=False)[:max_rows]
    articles = [Article(d.id, d.title or d.name, tuple((s.id, s.text) for s in store.segments(
        d.id, language="en", include_furniture=False))) for d in store.documents(language="en") if d.id in english_ids]
    articles = [a for a in articles if a.sentences]
    if not danish or not articles:
        st.info("Choose English articles with sentences to draw the picture.")
        return None
    hashes = {s.text_hash for s in danish}
    reviews, mts = store.reviews(hashes), store.latest_translations(hashes)
    english = [review_english(reviews.get(s.text_hash), mts[s.text_hash][0] if s.text_hash in mts else None).text
               for s in danish]
    try:
        matrix = _similarity(tuple(e or s.text for e, s in zip(english, danish, strict=True)),
                             tuple(t for a in articles for _, t in a.sentences), tuple(s.text for s in danish))
    except Exception as exc:  # the embedder may be missing or fail to load: say so, keep the page
        st.error(f"Could not compute similarities: {type(exc).__name__}: {exc}")
        return None
    chosen: dict[tuple[int, int], str] = {}
    nulls = 0
    for da_id, bead in choose_beads(store.alignments(doc.id)).items():
        nulls += not bead.target_segment_ids
        chosen.update({(da_id, t): bead.status for t in bead.target_segment_ids})
    spec = picture_spec([(s.id, s.text) for s in danish], articles, matrix, chosen)
    event = st.vega_lite_chart(spec=spec, on_select="rerun", selection_mode=[f"open_{n}" for n in range(len(articles))],
                               key=f"picture_{doc.id}", width="content")
    st.caption(f"{len(danish)} Danish sentences × {sum(len(a.sentences) for a in articles)} English sentences in "
               f"{len(articles)} article{'s' if len(articles) != 1 else ''}; colour: a cell's rank among its Danish "
               f"sentence's cells; squares: the chosen beads; {nulls} sentence{'s' if nulls != 1 else ''} with no "
               "counterpart. Click a cell to open its Danish sentence.")
    opened = opened_segment(event.get("selection", {}) if event else {})
    if opened is not None and on_open is not None:
        on_open(opened)
    return opened
