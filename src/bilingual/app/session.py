"""The review page's editing state in ``st.session_state``, and the callbacks that change it.

Callbacks run before the page is drawn again. The state:

- ``base[segment id] = (version, text)``: the stored review the editor's text started from. A save
  sends that version to the store, so a save over someone else's newer decision is refused.
- ``drafts[segment id] = text``: unsaved editor texts, kept when their rows leave the page. Each is
  also written to the store's ``drafts`` table when the editor loses focus, so a reload, a closed
  tab or a restarted server gives the reviewer their typing back.
- ``conflicts[segment id]``: a refused save, with the other reviewer's version, until resolved.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from bilingual.app.rows import ReviewRow
from bilingual.app.state import is_unchanged, save_decision
from bilingual.decisions import decision_status, editor_text
from bilingual.pipeline import segments_to_translate, translate_segments
from bilingual.segment import text_hash
from bilingual.settings import setting_value
from bilingual.store import Draft, Review, Store, StoreError
from bilingual.translate import ModelNotFoundError, load_translator


def session() -> Any:
    """The page's session state, loosely typed: its entries are the page's own."""
    return st.session_state


@contextmanager
def open_store() -> Iterator[Store]:
    """The store named by the ``db`` setting, open for one block; a store that fails is one error line, and the
    page stops there (a callback's change was not saved)."""
    try:
        with Store(str(setting_value("db"))) as store:
            yield store
    except StoreError as exc:
        st.error(str(exc))
        st.stop()


def init_state() -> None:
    """Create the session entries the page relies on, once per session."""
    ss = session()
    for name in ("base", "drafts", "conflicts", "notes", "heatmap"):
        if name not in ss:
            ss[name] = {}
    ss.setdefault("focus", None)
    ss.setdefault("model_error", None)
    ss.setdefault("upload_round", 0)
    # The reviewer's name travels in the address, so a reload keeps it (and with it their drafts).
    ss.setdefault("reviewer", st.query_params.get("reviewer", ""))


def editor_key(segment_id: int) -> str:
    """The widget key of a sentence's editor."""
    return f"ed_{segment_id}"


def current_reviewer() -> str | None:
    """The reviewer's name as typed in the sidebar, or None when blank."""
    return (session().get("reviewer") or "").strip() or None


def review_text(review: Review) -> str:
    """The text a stored review puts in the editor (``bilingual.decisions.editor_text``)."""
    return editor_text(review.status, review.mt_text, review.final_text)


# --------------------------------------------------------------------------- model


@st.cache_resource(show_spinner="Loading the translation model ...")
def _cached_translator(model: str) -> Any:
    """One translator per model and process, built only when something needs translating."""
    return load_translator(model)


def translate_documents(store: Store, document_ids: list[int]) -> None:
    """Translate what the documents still miss; a missing model is reported, not raised."""
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
        session()["model_error"] = str(exc)
    else:
        session()["model_error"] = None
    finally:
        bar.empty()


# --------------------------------------------------------------------------- callbacks (run before the page)


def _note(segment_id: int, kind: str, message: str) -> None:
    session()["notes"][segment_id] = (kind, message)


def track_draft(segment_id: int, source: str) -> None:
    """Record whether the editor now differs from the stored text it started from, in the session and the store."""
    ss = session()
    text = ss.get(editor_key(segment_id), "")
    base = ss["base"].get(segment_id)
    with open_store() as store:
        if base is not None and text == base[1]:
            ss["drafts"].pop(segment_id, None)
            store.discard_draft(text_hash(source), current_reviewer())
        else:
            ss["drafts"][segment_id] = text
            store.save_draft(source, text, base_version=base[0] if base else 0, reviewer=current_reviewer())


def set_editor(segment_id: int, source: str, text: str) -> None:
    """Put a text in a sentence's editor and record it as a draft if it differs from the stored one."""
    session()[editor_key(segment_id)] = text
    track_draft(segment_id, source)


def on_save(row: ReviewRow, status: str | None = None, expected_version: int | None = None) -> None:
    """Save the editor's text of a row; a stale save is kept as a conflict to resolve."""
    ss = session()
    seg = row.segment_id
    text = ss.get(editor_key(seg), row.stored_text)
    if expected_version is None:
        expected_version = ss["base"].get(seg, (row.version, ""))[0]
    reason = ss.get(f"reason_{seg}") if status == "rejected" else None
    if is_unchanged(row, text, status or decision_status(text, row.mt), expected_version, reason):
        _note(seg, "info", f"Already saved as {row.status} (version {row.version}); nothing changed.")
        return
    try:
        with open_store() as store:
            outcome = save_decision(store, row, text, expected_version=expected_version, reviewer=current_reviewer(),
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


def on_keep_mine(row: ReviewRow) -> None:
    """Resolve a conflict by saving the reviewer's text over the other version."""
    conflict = session()["conflicts"].get(row.segment_id)
    if conflict is not None:
        on_save(row, expected_version=conflict["theirs"].version)


def on_take_theirs(segment_id: int) -> None:
    """Resolve a conflict by taking the other reviewer's version into the editor."""
    ss = session()
    conflict = ss["conflicts"].pop(segment_id, None)
    if conflict is None:
        return
    theirs: Review = conflict["theirs"]
    ss["base"][segment_id] = (theirs.version, review_text(theirs))
    set_editor(segment_id, theirs.source_text, review_text(theirs))
    _note(segment_id, "info", f"Took version {theirs.version}; your text was: {conflict['mine']}")


def sync_editor(row: ReviewRow) -> None:
    """Put the right text in a row's editor before it is drawn, without ever dropping unsaved work."""
    ss = session()
    seg, key = row.segment_id, editor_key(row.segment_id)
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
    ss = session()
    seg = row.segment_id
    ss[editor_key(seg)] = draft.text
    ss["drafts"][seg] = draft.text
    # The save sends the draft's own base version: if the sentence was saved since, the save is
    # refused and both texts are shown, as for any other stale edit.
    ss["base"][seg] = (draft.base_version, row.stored_text)
    message = f"Your unsaved edit from {draft.updated_at} is back in the editor."
    if draft.base_version != row.version:
        message += (f" The sentence was saved since (now version {row.version}); saving will show both texts "
                    "before anything is overwritten.")
    _note(seg, "info", message)
