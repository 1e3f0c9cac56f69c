"""The Streamlit review page: one row per Danish sentence, decisions stored in the store, nothing lost.

This module only draws and wires widgets; what is saved, shown or counted is decided by
``bilingual.reviewlogic`` and the store. Editing state lives in ``st.session_state``:

- ``base[segment id] = (version, text)``: the stored review the editor's text started from. A save
  sends that version to the store, so a save over someone else's newer decision is refused.
- ``drafts[segment id] = text``: unsaved editor texts, kept when their rows leave the page. Each is
  also written to the store's ``drafts`` table when the editor loses focus, so a reload, a closed
  tab or a restarted server gives the reviewer their typing back.
- ``conflicts[segment id]``: a refused save, with the other reviewer's version, until resolved.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import streamlit as st

from bilingual.export import english_coverage
from bilingual.glossary import Glossary, Term
from bilingual.memory import FuzzyMatch, TranslationMemory
from bilingual.reviewlogic import (
    LOW_SCORE,
    VIEWS,
    Match,
    ReviewRow,
    bead_cells,
    decision_status,
    diff_counts,
    diff_html,
    diff_markdown,
    edit_effort,
    filter_rows,
    heatmap_records,
    import_upload,
    is_unchanged,
    load_rows,
    next_pending,
    page_count,
    page_of,
    page_slice,
    paragraph_starts,
    pick_candidate,
    progress_counts,
    row_terms,
    row_warnings,
    same_text,
    save_decision,
    seed_files,
    upload_language,
)
from bilingual.segment import text_hash
from bilingual.settings import setting_value
from bilingual.store import Draft, Review, Store, StoredDocument

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 10
HEATMAP_MAX_ROWS = 120
# With Ctrl+Enter to save, a keyboard-only round: type, save, jump to the next sentence to do.
NEXT_PENDING_KEY = "Alt+N"
STATUS_BADGES = {
    "pending": ":gray-badge[pending]",
    "accepted": ":green-badge[accepted]",
    "corrected": ":blue-badge[corrected]",
    "rejected": ":red-badge[rejected]",
}
ALIGNMENT_BADGES = {"machine": ":gray-badge[machine]", "accepted": ":green-badge[accepted]",
                    "rejected": ":red-badge[rejected]"}
PROJECT_ROOT = Path(__file__).resolve().parents[2]
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")

# Ctrl+Enter (Cmd+Enter) in a row's editor presses that row's Save button. Streamlit's own
# button shortcuts are page-wide, so one per row would collide; this listener scopes it to the row.
SHORTCUT_SCRIPT = """
<script>
(() => {
  if (window.__bilingualShortcuts) return;
  window.__bilingualShortcuts = true;
  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.key !== "Enter") return;
    const area = event.target;
    if (!area || area.tagName !== "TEXTAREA") return;
    const row = area.closest('[class*="st-key-row_"]');
    // Streamlit keeps a hidden copy of some buttons for measuring; press the visible one.
    const save = row && [...row.querySelectorAll('[class*="st-key-save_"] button')]
      .find((b) => b.offsetParent !== null);
    // Let the editor commit its value first, then press Save.
    if (save && !save.disabled) setTimeout(() => save.click(), 120);
  }, true);
  // Streamlit sends an editor's text when the editor loses focus, and leaving the page does not
  // blur it: blur it first, so the typing may still reach the server and be kept as a draft. Best
  // effort: the session can close before the server has stored it.
  window.addEventListener("beforeunload", () => {
    const area = document.activeElement;
    if (area && area.tagName === "TEXTAREA") area.blur();
  });
})();
</script>
"""


def md(text: str) -> str:
    """Escape text for ``st.markdown`` so sentences with ``*``, ``$`` or ``#`` show as written."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def _ss() -> Any:
    return st.session_state


@contextmanager
def _open_store() -> Iterator[Store]:
    with Store(str(setting_value("db"))) as store:
        yield store


def _init_state() -> None:
    ss = _ss()
    for name in ("base", "drafts", "conflicts", "notes", "heatmap"):
        if name not in ss:
            ss[name] = {}
    ss.setdefault("focus", None)
    ss.setdefault("model_error", None)
    ss.setdefault("upload_round", 0)
    # The reviewer's name travels in the address, so a reload keeps it (and with it their drafts).
    ss.setdefault("reviewer", st.query_params.get("reviewer", ""))


def _editor_key(segment_id: int) -> str:
    return f"ed_{segment_id}"


def _reviewer() -> str | None:
    return (_ss().get("reviewer") or "").strip() or None


def _review_text(review: Review) -> str:
    if review.status != "pending" and review.final_text is not None:
        return review.final_text
    return review.mt_text or ""


# --------------------------------------------------------------------------- model


@st.cache_resource(show_spinner="Loading the translation model ...")
def _cached_translator(model: str) -> Any:
    """One translator per model and process, built only when something needs translating."""
    from bilingual.translate import load_translator

    return load_translator(model)


def _translate(store: Store, document_ids: list[int]) -> None:
    """Translate what the documents still miss; a missing model is reported, not raised."""
    from bilingual.pipeline import segments_to_translate, translate_segments
    from bilingual.translate import ModelNotFoundError

    segments = segments_to_translate(store, document_ids)
    if not segments:
        return
    model = str(setting_value("model"))
    bar = st.progress(0.0, text=f"Translating {len(segments)} sentences with {model} ...")
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        bar.progress(min(1.0, done / len(segments)), text=f"Translated {done} of {len(segments)} sentences")

    try:
        translate_segments(store, segments, lambda: _cached_translator(model), int(setting_value("batch_size")),
                           advance)
    except ModelNotFoundError as exc:
        _ss()["model_error"] = str(exc)
    else:
        _ss()["model_error"] = None
    finally:
        bar.empty()


# --------------------------------------------------------------------------- callbacks (run before the page)


def _note(segment_id: int, kind: str, message: str) -> None:
    _ss()["notes"][segment_id] = (kind, message)


def _track_draft(segment_id: int, source: str) -> None:
    """Record whether the editor now differs from the stored text it started from, in the session and the store."""
    ss = _ss()
    text = ss.get(_editor_key(segment_id), "")
    base = ss["base"].get(segment_id)
    with _open_store() as store:
        if base is not None and text == base[1]:
            ss["drafts"].pop(segment_id, None)
            store.discard_draft(text_hash(source), _reviewer())
        else:
            ss["drafts"][segment_id] = text
            store.save_draft(source, text, base_version=base[0] if base else 0, reviewer=_reviewer())


def _set_editor(segment_id: int, source: str, text: str) -> None:
    _ss()[_editor_key(segment_id)] = text
    _track_draft(segment_id, source)


def _on_reviewer_change() -> None:
    name = (_ss().get("reviewer") or "").strip()
    if name:
        st.query_params["reviewer"] = name
    else:
        st.query_params.pop("reviewer", None)


def _on_save(row: ReviewRow, status: str | None = None, expected_version: int | None = None) -> None:
    ss = _ss()
    seg = row.segment_id
    text = ss.get(_editor_key(seg), row.stored_text)
    if expected_version is None:
        expected_version = ss["base"].get(seg, (row.version, ""))[0]
    reason = ss.get(f"reason_{seg}") if status == "rejected" else None
    if is_unchanged(row, text, status or decision_status(text, row.mt), expected_version, reason):
        _note(seg, "info", f"Already saved as {row.status} (version {row.version}); nothing changed.")
        return
    try:
        with _open_store() as store:
            outcome = save_decision(store, row, text, expected_version=expected_version, reviewer=_reviewer(),
                                    status=status, reason=reason)
    except ValueError as exc:
        _note(seg, "error", str(exc))
        return
    if outcome.conflict is not None:
        theirs = outcome.conflict
        ss["conflicts"][seg] = {"theirs": theirs, "mine": text}
        _note(seg, "warning", f"Not saved: {theirs.reviewer or 'another reviewer'} saved this sentence at "
                              f"{theirs.updated_at} (version {theirs.version}) after you opened it.")
        return
    assert outcome.review is not None
    ss["base"][seg] = (outcome.review.version, text)
    ss["drafts"].pop(seg, None)
    ss["conflicts"].pop(seg, None)
    _note(seg, "success", f"Saved as {outcome.review.status} (version {outcome.review.version}).")


def _on_keep_mine(row: ReviewRow) -> None:
    conflict = _ss()["conflicts"].get(row.segment_id)
    if conflict is not None:
        _on_save(row, expected_version=conflict["theirs"].version)


def _on_take_theirs(segment_id: int) -> None:
    ss = _ss()
    conflict = ss["conflicts"].pop(segment_id, None)
    if conflict is None:
        return
    theirs: Review = conflict["theirs"]
    ss["base"][segment_id] = (theirs.version, _review_text(theirs))
    _set_editor(segment_id, theirs.source_text, _review_text(theirs))
    _note(segment_id, "info", f"Took version {theirs.version}; your text was: {conflict['mine']}")


def _on_alignment(alignment_id: int, status: str) -> None:
    with _open_store() as store:
        store.set_alignment_status(alignment_id, status, _reviewer())


def _on_pick(row: ReviewRow, alignment_id: int) -> None:
    with _open_store() as store:
        pick_candidate(store, row, alignment_id, _reviewer())


def _on_go_to(segment_id: int, page: int) -> None:
    ss = _ss()
    ss["focus"] = segment_id
    ss["page"] = page
    ss["scroll_to"] = segment_id


def _on_document_change() -> None:
    ss = _ss()
    ss["page"] = 1
    ss["focus"] = None
    st.query_params["doc"] = str(ss["doc"])


# --------------------------------------------------------------------------- page


def render_app() -> None:
    """Draw the review page for the store named by ``BILINGUAL_DB`` (default ``cache/bilingual.sqlite3``)."""
    st.set_page_config(page_title="bilingual review", layout="wide")
    _init_state()
    st.html(SHORTCUT_SCRIPT, unsafe_allow_javascript=True, width="content")
    db = str(setting_value("db"))
    try:
        store = Store(db)
    except (RuntimeError, OSError) as exc:
        st.error(f"{exc}. Set BILINGUAL_DB (or `bilingual review --db PATH`) to a writable file.")
        return
    with store:
        _sidebar_identity()
        _model_error()
        danish = store.documents(language="da")
        if not danish:
            _empty_store(store, db)
            return
        doc = _choose_document(danish)
        rows = load_rows(store, doc.id)
        _filters(rows)
        _sidebar_import(store)
        terms, glossary = _glossary(store)
        _sidebar_glossary(store, len(terms))
        _sidebar_export(doc)
        _document(store, doc, rows, glossary)


def _sidebar_identity() -> None:
    with st.sidebar:
        st.text_input("Reviewer", key="reviewer", placeholder="your name", on_change=_on_reviewer_change,
                      help="Stored with each decision and kept in the page address, with your unsaved edits.")
        if not _reviewer():
            st.caption("Enter your name so your decisions carry it.")


def _model_error() -> None:
    error = _ss().get("model_error")
    if error:
        st.error(f"The translation model could not be loaded: {error}\n\n"
                 "Review of the translations already in the store still works.")


def _empty_store(store: Store, db: str) -> None:
    st.title("bilingual: review")
    st.info(f"The store {db} is empty. Import the sample documents in seeds/, or upload .txt/.md files.")
    seeds = seed_files(Path.cwd() / "seeds", PROJECT_ROOT / "seeds")
    if seeds and st.button(f"Import {len(seeds)} files from seeds/ and translate them", type="primary",
                           key="import_seeds"):
        from bilingual.pipeline import add_documents

        added = add_documents(store, seeds)
        _translate(store, [doc_id for doc_id, _ in added])
        st.rerun()
    _upload_form(store)


def _choose_document(danish: list[StoredDocument]) -> StoredDocument:
    ss = _ss()
    ids = [d.id for d in danish]
    if ss.get("doc") not in ids:
        wanted = st.query_params.get("doc")
        ss["doc"] = int(wanted) if wanted and wanted.isdigit() and int(wanted) in ids else ids[0]
    by_id = {d.id: d for d in danish}
    with st.sidebar:
        choice = st.selectbox("Danish document", ids, key="doc", on_change=_on_document_change,
                              format_func=lambda i: f"{by_id[i].name}: {by_id[i].title}")
    return by_id[choice]


def _filters(rows: list[ReviewRow]) -> None:
    with st.sidebar:
        st.radio("Show", list(VIEWS), key="view", format_func=VIEWS.get, horizontal=True)
        st.text_input("Search Danish and English", key="query", placeholder="word or phrase")
        if any(r.matches or r.rejected_matches for r in rows):
            st.slider("Low alignment score below", 0.0, 1.0, LOW_SCORE, 0.05, key="threshold")
        st.selectbox("Sentences per page", PAGE_SIZES, index=PAGE_SIZES.index(DEFAULT_PAGE_SIZE), key="page_size")


def _sidebar_import(store: Store) -> None:
    with st.sidebar.expander("Add documents"):
        _upload_form(store)


def _upload_form(store: Store) -> None:
    from bilingual.documents import DocumentError

    ss = _ss()
    files = st.file_uploader("Upload .txt or .md files", type=["txt", "md"], accept_multiple_files=True,
                             key=f"uploads_{ss['upload_round']}")
    if not files:
        return
    languages: dict[str, str] = {}
    for f in files:
        try:
            detected = upload_language(f.name, f.getvalue())
        except (DocumentError, ValueError) as exc:
            st.error(str(exc))
            continue
        languages[f.file_id] = st.selectbox(f"Language of {f.name}", ["da", "en"], index=["da", "en"].index(detected),
                                            key=f"lang_{f.file_id}", format_func={"da": "Danish", "en": "English"}.get)
    if languages and st.button(f"Import {len(languages)} files", key=f"import_uploads_{ss['upload_round']}"):
        danish = []
        for f in files:
            if f.file_id in languages:
                doc_id, _created = import_upload(store, f.name, f.getvalue(), languages[f.file_id])
                if languages[f.file_id] == "da":
                    danish.append(doc_id)
        _translate(store, danish)
        ss["upload_round"] += 1
        if danish:
            ss["doc"] = danish[0]
        st.rerun()


def _sidebar_glossary(store: Store, count: int) -> None:
    from bilingual.glossary import parse_glossary

    ss = _ss()
    note = ss.pop("glossary_note", None)
    # The count is in the label, so an import makes a new expander: open it to show the outcome.
    with st.sidebar.expander(f"Glossary ({count} term{'s' if count != 1 else ''})", expanded=note is not None):
        st.caption("Danish → English terms (CSV/TSV with `danish,english` columns, or TBX). The QA check "
                   "*terminology* flags a sentence whose English lacks a term's rendering.")
        upload = st.file_uploader("Import a glossary", type=["csv", "tsv", "txt", "tbx", "xml"],
                                  key=f"glossary_{ss.setdefault('glossary_round', 0)}")
        if upload is not None and st.button("Import these terms", key="glossary_import"):
            try:
                terms = parse_glossary(upload.getvalue(), upload.name)
            except ValueError as exc:
                st.error(str(exc))
                return
            added = store.add_terms(terms, upload.name)
            ss["glossary_round"] += 1
            ss["glossary_note"] = f"{added} terms added, {len(terms) - added} already there."
            st.rerun()
        if note:
            st.success(note)


def _sidebar_export(doc: StoredDocument) -> None:
    from bilingual.export import FORMATS

    # A spreadsheet gets a CSV with a byte-order mark and formula-like cells neutralised.
    choices = [*FORMATS, "excel"] if "csv" in FORMATS else list(FORMATS)
    labels = {"csv": "CSV", "excel": "CSV for spreadsheets", "tmx": "TMX 1.4b", "jsonl": "JSONL",
              "xliff": "XLIFF 1.2 (for CAT tools)"}
    mimes = {"csv": "text/csv", "excel": "text/csv", "tmx": "application/x-tmx+xml", "jsonl": "application/jsonl",
             "xliff": "application/xliff+xml"}
    suffixes = {"xliff": "xlf"}
    with st.sidebar.expander("Export"):
        whole = st.toggle("Whole store", key="export_all", help="Off: only this document.")
        choice = st.selectbox("Format", choices, key="export_format", format_func=lambda c: labels.get(c, c))
        stem = "bilingual" if whole else Path(doc.name).stem
        fmt, excel = ("csv", True) if choice == "excel" else (choice, False)
        st.download_button(f"Download {labels.get(choice, choice)}",
                           partial(export_bytes, None if whole else [doc.id], fmt, excel),
                           file_name=f"{stem}{'-excel' if excel else ''}.{suffixes.get(fmt, fmt)}",
                           mime=mimes.get(choice),
                           key="export_download", on_click="ignore", icon=":material/download:")


def export_bytes(document_ids: list[int] | None, fmt: str, excel: bool = False) -> bytes:
    """The aligned export of some documents (all when None); runs when the download is clicked."""
    from bilingual.export import export_records, write_records

    out = io.StringIO(newline="")
    with _open_store() as store:
        write_records(export_records(store, document_ids), fmt, out, excel=excel)
    return out.getvalue().encode("utf-8")


def _document(store: Store, doc: StoredDocument, rows: list[ReviewRow], glossary: Glossary) -> None:
    ss = _ss()
    st.subheader(doc.title)
    counts = progress_counts(rows)
    stored_drafts = store.drafts([r.text_hash for r in rows], _reviewer())
    ss["stored_drafts"] = stored_drafts
    drafts = {seg: text for seg, text in ss["drafts"].items() if seg in {r.segment_id for r in rows}}
    for r in rows:
        # Edits kept from an earlier visit count as unsaved until their editor is drawn and takes them.
        if r.text_hash in stored_drafts and _editor_key(r.segment_id) not in ss:
            drafts.setdefault(r.segment_id, stored_drafts[r.text_hash].text)
    st.progress(counts["reviewed"] / counts["total"] if counts["total"] else 0.0,
                text=f"{counts['reviewed']} of {counts['total']} sentences reviewed")
    summary = " · ".join(f"{status} {counts[status]}" for status in ("pending", "accepted", "corrected", "rejected"))
    if drafts:
        summary += f" · :orange[**{len(drafts)} unsaved**]"
    st.caption(f"{doc.name} · {summary}")
    untranslated = [r for r in rows if r.mt is None]
    if untranslated:
        st.info(f"{len(untranslated)} sentences have no machine translation yet.")
        if st.button(f"Translate them with {setting_value('model')}", key="translate_missing"):
            _translate(store, [doc.id])
            st.rerun()
    # Lazy tabs: the furniture and picture tabs run only while open, so they cost a page of
    # sentences nothing (a long document has hundreds of paragraphs to list).
    sentences, coverage, picture, furniture = st.tabs(
        ["Sentences", "English coverage", "Alignment picture", "Page furniture"], key="doc_tab", on_change="rerun")
    if coverage.open:
        with coverage:
            _coverage_tab(store, doc, rows)
    if furniture.open:
        with furniture:
            _furniture_tab(store, doc)
    with sentences:
        # Read the memory only when a page shows a sentence that still needs a translation.
        _sentence_list(rows, drafts, functools.cache(lambda: TranslationMemory(store.translation_memory())),
                       glossary)
    if picture.open:
        with picture:
            _alignment_picture(store, doc, rows)


def _glossary(store: Store) -> tuple[list[Term], Glossary]:
    """The store's terms and glossary; the same object across reruns while the terms stay (cheap cache hits)."""
    ss = _ss()
    terms = store.terms()
    cached = ss.get("glossary")
    if cached is None or cached[0] != terms:
        cached = (terms, Glossary(terms))
        ss["glossary"] = cached
    return cached


def _sentence_list(rows: list[ReviewRow], drafts: dict[int, str], memory: Callable[[], TranslationMemory],
                   glossary: Glossary) -> None:
    ss = _ss()
    shown = filter_rows(rows, ss.get("view", "all"), ss.get("query", ""), threshold=ss.get("threshold", LOW_SCORE),
                        drafts=drafts, glossary=glossary)
    size = int(ss.get("page_size", DEFAULT_PAGE_SIZE))
    pages = page_count(len(shown), size)
    if ss.get("page", 1) > pages:
        ss["page"] = pages
    target = next_pending(shown, ss.get("focus"))
    bar = st.container(horizontal=True, vertical_alignment="center")
    with bar:
        st.caption(f"{len(shown)} of {len(rows)} sentences shown")
        if target is not None:
            index = next(i for i, r in enumerate(shown) if r.segment_id == target.segment_id)
            st.button("Next pending", key="next_pending", icon=":material/skip_next:", on_click=_on_go_to,
                      args=(target.segment_id, page_of(index, size)), shortcut=NEXT_PENDING_KEY,
                      help=f"Go to {target.stable_id} and put the cursor in its editor ({NEXT_PENDING_KEY})")
        else:
            st.button("Next pending", key="next_pending", disabled=True, help="Nothing pending in this view")
    if not shown:
        st.info("No sentence matches this view and search.")
        return
    page = st.pagination(pages, key="page") if pages > 1 else 1
    start, end = page_slice(len(shown), page, size)
    visible = shown[start:end]
    header = st.columns([3, 3, 4, 3])
    for col, title in zip(header, ["Danish", "Machine translation", "Final English", "English match"], strict=True):
        col.markdown(f"**{title}**")
    opens = paragraph_starts(rows)
    for row in visible:
        if row.segment_id in opens and row.position:
            st.caption(f"¶ paragraph {row.paragraph}")
        _row(row, memory, glossary)
    if pages > 1:
        st.caption(f"Page {page} of {pages}")
    scroll = ss.pop("scroll_to", None)
    if scroll is not None:
        st.html(_focus_script(scroll), unsafe_allow_javascript=True, width="content")


def _focus_script(segment_id: int) -> str:
    return (
        "<script>setTimeout(() => {"
        f"const row = document.querySelector('.st-key-row_{segment_id}');"
        "if (row) { row.scrollIntoView({block: 'center'}); const a = row.querySelector('textarea');"
        " if (a) a.focus(); }"
        f"}}, 150); /* {id(object())} */</script>"
    )


def _sync_editor(row: ReviewRow) -> None:
    """Put the right text in a row's editor before it is drawn, without ever dropping unsaved work."""
    ss = _ss()
    seg, key = row.segment_id, _editor_key(row.segment_id)
    base = ss["base"].get(seg)
    if key not in ss:
        stored: Draft | None = ss.get("stored_drafts", {}).get(row.text_hash)
        if seg in ss["drafts"] and base is not None:
            ss[key] = ss["drafts"][seg]
        elif stored is not None and stored.text != row.stored_text:
            _restore_draft(row, stored)
        else:
            ss["drafts"].pop(seg, None)
            ss[key] = row.stored_text
            ss["base"][seg] = (row.version, row.stored_text)
        return
    if base is None:
        ss["base"][seg] = (row.version, row.stored_text)
    elif base != (row.version, row.stored_text) and ss[key] == base[1]:
        # The store moved on (another reviewer, a new MT) and this editor holds no edits: follow it.
        ss[key] = row.stored_text
        ss["base"][seg] = (row.version, row.stored_text)
        ss["drafts"].pop(seg, None)


def _restore_draft(row: ReviewRow, draft: Draft) -> None:
    """Put an edit kept in the store back in its editor, based on the version it was started from."""
    ss = _ss()
    seg = row.segment_id
    ss[_editor_key(seg)] = draft.text
    ss["drafts"][seg] = draft.text
    # The save sends the draft's own base version: if the sentence was saved since, the save is
    # refused and both texts are shown, as for any other stale edit.
    ss["base"][seg] = (draft.base_version, row.stored_text)
    message = f"Your unsaved edit from {draft.updated_at} is back in the editor."
    if draft.base_version != row.version:
        message += (f" The sentence was saved since (now version {row.version}); saving will show both texts "
                    "before anything is overwritten.")
    _note(seg, "info", message)


def _row(row: ReviewRow, memory: Callable[[], TranslationMemory], glossary: Glossary) -> None:
    ss = _ss()
    seg = row.segment_id
    _sync_editor(row)
    text = ss[_editor_key(seg)]
    unsaved = text != ss["base"][seg][1]
    warnings = row_warnings(row, text if unsaved else None, glossary)
    with st.container(border=True, key=f"row_{seg}"):
        header = [f"`{row.stable_id}`", STATUS_BADGES.get(row.status, row.status)]
        if row.version:
            header.append(f"v{row.version}" + (f" by {md(row.reviewer)}" if row.reviewer else "")
                          + f" · {row.updated_at}")
        if row.status == "rejected" and row.reason:
            header.append(f"reason: {md(row.reason)}")
        if unsaved:
            header.append(":orange-badge[● unsaved changes]")
        if ss.get("focus") == seg:
            header.append(":violet-badge[next pending]")
        header.extend(f":orange-badge[⚠ {label}]"
                      for label in dict.fromkeys(w.label for w in warnings))
        st.markdown(" · ".join(header))
        source, mt, final, match = st.columns([3, 3, 4, 3])
        with source:
            st.markdown(md(row.source))
            terms = row_terms(row, text, glossary)
            if terms:
                # The expected renderings before any warning: the reviewer sees what the termbase wants.
                st.markdown(":small[" + " · ".join(
                    f"{':green[✓]' if rendered else ':orange[✗]'} {md(hit.text)} → {md(hit.term.preferred)}"
                    for hit, rendered in terms) + "]")
        with mt:
            _mt_cell(row, text)
            if row.status == "pending":
                _memory_cell(row, memory().lookup(row.source, exclude_hash=row.text_hash))
        with final:
            _editor_cell(row, text)
            if warnings:
                st.caption("QA: " + " · ".join(md(w.message) for w in warnings))
        with match:
            _match_cell(row)


def _mt_cell(row: ReviewRow, text: str) -> None:
    if row.mt is None:
        st.caption("no machine translation yet")
        return
    st.markdown(md(row.mt))
    if text and not same_text(text, row.mt):
        deleted, inserted = diff_counts(row.mt, text)
        st.caption(f"MT → final: {deleted} words out, {inserted} in · post-edit effort (TER) "
                   f"{edit_effort(row.mt, text):.0f}%")
        st.html(f'<div style="font-size:0.9em;line-height:1.5">{diff_html(row.mt, text)}</div>')


def _memory_cell(row: ReviewRow, matches: list[FuzzyMatch]) -> None:
    """The best fuzzy match from the translation memory, with what differs in the Danish; the others on demand."""
    if not matches:
        return
    _memory_match(row, matches[0], 0)
    if len(matches) > 1:
        # Drawn only while open, like the other popovers: a page of rows stays light in the browser.
        more = st.popover(f"{len(matches) - 1} more from memory", key=f"tmmore_{row.segment_id}", on_change="rerun")
        if more.open:
            with more:
                for rank, match in enumerate(matches[1:], start=1):
                    _memory_match(row, match, rank)


def _memory_match(row: ReviewRow, match: FuzzyMatch, rank: int) -> None:
    # Three elements per match (one markdown block, not caption + html + markdown): pages with
    # many suggestions stay quick to draw.
    with st.container(border=True, key=f"tm_{row.segment_id}_{rank}"):
        by = f" by {md(match.reviewer)}" if match.reviewer else ""
        st.markdown(f":gray[Translation memory {match.score:.0f}% · {match.status}{by}]  \n"
                    f":small[{diff_markdown(match.source_text, row.source, md)}]  \n→ {md(match.target_text)}")
        st.button("Use this", key=f"usetm_{row.segment_id}_{rank}", on_click=_set_editor,
                  args=(row.segment_id, row.source, match.target_text), type="tertiary",
                  icon=":material/input:", help="Put this reviewed translation in the editor, to adapt it")


def _editor_cell(row: ReviewRow, text: str) -> None:
    ss = _ss()
    seg = row.segment_id
    st.text_area("Final English", key=_editor_key(seg), label_visibility="collapsed", height=110,
                 on_change=_track_draft, args=(seg, row.source), placeholder="Type the English translation")
    label = "Accept" if row.mt is not None and decision_status(text, row.mt) == "accepted" else "Save"
    with st.container(horizontal=True, gap="small"):
        st.button(label, key=f"save_{seg}", type="primary", on_click=_on_save, args=(row,),
                  help="Save this text (Ctrl+Enter in the editor): accepted when it is the MT unchanged, "
                       "corrected otherwise")
        st.button("Reset to MT", key=f"reset_{seg}", on_click=_set_editor, args=(seg, row.source, row.mt or ""),
                  disabled=row.mt is None or text == row.mt, type="tertiary", icon=":material/undo:")
        st.button("Copy source", key=f"copy_{seg}", on_click=_set_editor, args=(seg, row.source, row.source),
                  disabled=text == row.source, type="tertiary", icon=":material/content_copy:")
        # Popover contents are drawn only while open: a page of rows stays light in the browser.
        reject = st.popover("Reject", key=f"rejectbox_{seg}", on_change="rerun")
        if reject.open:
            with reject:
                st.text_input("Reason", key=f"reason_{seg}", placeholder="why this translation is unusable")
                st.button("Reject with this reason", key=f"reject_{seg}", on_click=_on_save,
                          args=(row, "rejected"))
        if row.version:
            history = st.popover(f"History ({row.version})", key=f"history_{seg}", on_change="rerun")
            if history.open:
                with history, _open_store() as store:
                    _history(seg, store.review_history(row.text_hash), text)
    conflict = ss["conflicts"].get(seg)
    if conflict is not None:
        theirs: Review = conflict["theirs"]
        with st.container(border=True, key=f"conflict_{seg}"):
            st.warning("Someone else saved this sentence after you opened it. Your text is still in the editor; "
                       "nothing was overwritten.")
            mine_col, theirs_col = st.columns(2)
            mine_col.markdown(f"**Yours**  \n{md(conflict['mine'])}")
            theirs_col.markdown(f"**Theirs** ({theirs.status}, v{theirs.version}, "
                                f"{md(theirs.reviewer or 'unnamed')})  \n{md(_review_text(theirs))}")
            with st.container(horizontal=True):
                st.button("Keep mine", key=f"keepmine_{seg}", on_click=_on_keep_mine, args=(row,),
                          help="Save your text as a new version; theirs stays in the history")
                st.button("Take theirs", key=f"taketheirs_{seg}", on_click=_on_take_theirs, args=(seg,))
    note = ss["notes"].pop(seg, None)
    if note is not None and not (note[0] == "warning" and conflict is not None):
        kind, message = note
        getattr(st, kind)(message)


def _history(segment_id: int, history: list[Review], current: str) -> None:
    for past in reversed(history):
        text = _review_text(past)
        st.markdown(f"**v{past.version}** {STATUS_BADGES.get(past.status, past.status)} · "
                    f"{md(past.reviewer or 'unnamed')} · {past.updated_at}  \n{md(text) or '*(empty)*'}"
                    + (f"  \nreason: {md(past.reason)}" if past.reason else ""))
        if text != current:
            st.button(f"Restore v{past.version}", key=f"restore_{segment_id}_{past.version}", on_click=_set_editor,
                      args=(segment_id, past.source_text, text),
                      help="Put this text back in the editor; save to keep it")


def _match_cell(row: ReviewRow) -> None:
    best = row.best
    if best is None:
        st.caption("no English match" + (" (all candidates rejected)" if row.rejected_matches else ""))
    else:
        st.markdown(_match_text(best))
        where = f"{md(best.document)} · " if best.has_english else ""
        st.caption(f"{where}score {best.score:.2f} · {best.method} · "
                   f"{ALIGNMENT_BADGES.get(best.status, best.status)}")
        with st.container(horizontal=True, gap="small"):
            st.button("Right", key=f"alok_{row.segment_id}", icon=":material/check:", type="tertiary",
                      on_click=_on_alignment, args=(best.alignment_id, "accepted"),
                      disabled=best.status == "accepted", help="This English text is the right match")
            st.button("Wrong", key=f"alno_{row.segment_id}", icon=":material/close:", type="tertiary",
                      on_click=_on_alignment, args=(best.alignment_id, "rejected"),
                      help="Not a match: the next candidate, if any, takes its place")
    others = list(row.candidates) + list(row.rejected_matches)
    if others:
        box = st.popover(f"Other candidates ({len(row.candidates)})", key=f"cands_{row.segment_id}",
                         on_change="rerun")
        if not box.open:
            return
        with box:
            for cand in others:
                where = f"{md(cand.document)} · " if cand.has_english else ""
                st.markdown(f"{_match_text(cand)}  \n{where}score {cand.score:.2f} · "
                            f"{ALIGNMENT_BADGES.get(cand.status, cand.status)}")
                if cand.status == "rejected":
                    st.button("Restore", key=f"alre_{row.segment_id}_{cand.alignment_id}", on_click=_on_alignment,
                              args=(cand.alignment_id, "machine"))
                else:
                    st.button("Pick this one", key=f"pick_{row.segment_id}_{cand.alignment_id}", on_click=_on_pick,
                              args=(row, cand.alignment_id))


def _match_text(match: Match) -> str:
    # A bead with no English side is the aligner's decision that the sentence has no counterpart.
    if not match.has_english:
        return "*no English counterpart*"
    return md(match.text) or "*(empty)*"


# --------------------------------------------------------------------------- English coverage


def _choose_english(english: list[StoredDocument], rows: list[ReviewRow], key: str) -> tuple[dict[int, str], list[int]]:
    """A pick of English documents, by default those the rows are aligned with; returns titles and the pick."""
    titles = {d.id: f"{d.name}: {d.title}" for d in english}
    aligned = sorted({m.document_id for r in rows for m in r.matches if m.document_id in titles})
    chosen = st.multiselect("English documents", list(titles), default=aligned or [english[0].id],
                            format_func=titles.get, key=key)
    return titles, chosen


def _coverage_tab(store: Store, doc: StoredDocument, rows: list[ReviewRow]) -> None:
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
    ss = _ss()
    leave_out = bool(ss.get(f"furn_{document_id}_{paragraph}"))
    with _open_store() as store:
        changed = store.set_furniture(document_id, [paragraph], furniture=leave_out, reviewer=_reviewer())
    if changed:
        ss.setdefault("furniture_changed", set()).add(document_id)


def _on_realign(danish_id: int) -> None:
    from bilingual.align import load_embedder
    from bilingual.pipeline import realign_document

    ss = _ss()
    defaults = {"mode": str(setting_value("align_mode")), "threshold": setting_value("align_threshold"),
                "top_k": int(setting_value("top_k"))}
    try:
        with _open_store() as store:
            # The same English documents, mode and threshold as the document's last alignment.
            report = realign_document(store, danish_id, embedder=load_embedder(), defaults=defaults)
    except Exception as exc:  # a missing embedder or an empty side: say so, keep the page
        ss["realign_note"] = ("error", f"Could not realign: {type(exc).__name__}: {exc}")
        return
    ss["furniture_changed"] = set()
    ss["realign_note"] = ("success", f"Realigned {report.source} ({report.mode}): {report.aligned} of "
                                     f"{report.sentences} sentences aligned, mean score {report.mean_score:.2f}.")


def _furniture_tab(store: Store, doc: StoredDocument) -> None:
    """Paragraphs of any document with their page-furniture marks, each one switchable by the reviewer."""
    ss = _ss()
    documents = store.documents()
    names = {d.id: f"{d.name} ({d.language}): {d.title}" for d in documents}
    st.caption("Page furniture (comment rules, bylines, promotions, reference lists) is left out of translation, "
               "alignment and export, never deleted. Switch a paragraph the detector got wrong.")
    chosen = st.selectbox("Document", list(names), index=list(names).index(doc.id), format_func=names.get,
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


def _alignment_picture(store: Store, doc: StoredDocument, rows: list[ReviewRow]) -> None:
    import importlib.util

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
        _ss()["heatmap"][doc.id] = request
    if not chosen or _ss()["heatmap"].get(doc.id) != request:
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


def _heatmap_chart(matrix: list[list[float]], rows: list[ReviewRow], targets: list, alignments: list) -> None:
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
