"""The review page's editing state in ``st.session_state``, and the callbacks that change it.

Callbacks run before the page is drawn again. The state:

- ``base[segment id] = (version, text)``: the stored review an unsaved edit started from. A save
  sends that version to the store, so a save over someone else's newer decision is refused.
- ``drafts[segment id] = text``: unsaved editor texts, kept when their rows leave the page. Each is
  also written to the store's ``drafts`` table as it is typed (the desk sends it debounced), so a
  reload, a closed tab or a restarted server gives the reviewer their typing back.
- ``conflicts[segment id]``: a refused save, with the other reviewer's version, until resolved.
- ``push[segment id] = (n, text)``: a text the page put in the editor (reset, restore, a memory match)
  that the browser has to take over; ``n`` grows so the browser takes each one once.
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
    for name in ("base", "drafts", "conflicts", "notes", "heatmap", "push", "adopted"):
        if name not in ss:
            ss[name] = {}
    ss.setdefault("focus", None)
    ss.setdefault("model_error", None)
    ss.setdefault("upload_round", 0)
    # The reviewer's name travels in the address, so a reload keeps it (and with it their drafts).
    ss.setdefault("reviewer", st.query_params.get("reviewer", ""))


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


# --------------------------------------------------------------------------- editing (run before the page is drawn)

NO_REVIEWER = "Enter your name first: every decision carries the reviewer's name."


def note(segment_id: int, kind: str, message: str) -> None:
    """A message for one sentence, shown once with it (kind: success, info, warning, error)."""
    session()["notes"][segment_id] = (kind, message)


def editor_value(row: ReviewRow) -> str:
    """The text in a row's editor: the reviewer's unsaved edit, else the stored text."""
    return str(session()["drafts"].get(row.segment_id, row.stored_text))


def adopt_stored_drafts(rows: list[ReviewRow], stored: dict[str, Draft]) -> None:
    """Put edits kept in the store from an earlier visit back in their editors, once per session."""
    ss = session()
    for row in rows:
        draft = stored.get(row.text_hash)
        seg = row.segment_id
        if draft is None or seg in ss["drafts"] or seg in ss["adopted"] or draft.text == row.stored_text:
            continue
        ss["adopted"][seg] = True
        ss["drafts"][seg] = draft.text
        # The save sends the draft's own base version: if the sentence was saved since, the save is
        # refused and both texts are shown, as for any other stale edit.
        ss["base"][seg] = (draft.base_version, row.stored_text)
        message = f"Your unsaved edit from {draft.updated_at} is back in the editor."
        if draft.base_version != row.version:
            message += (f" The sentence was saved since (now version {row.version}); saving will show both texts "
                        "before anything is overwritten.")
        note(seg, "info", message)


def keep_draft(store: Store, row: ReviewRow, text: str, version: int | None = None) -> None:
    """Keep an editor's text as the reviewer's draft (session and store); the stored text itself is no draft."""
    ss = session()
    seg = row.segment_id
    if text == row.stored_text:
        forget_draft(store, row)
        return
    if seg not in ss["drafts"] or version is not None:
        ss["base"][seg] = (row.version if version is None else version, row.stored_text)
    ss["drafts"][seg] = text
    store.save_draft(row.source, text, base_version=ss["base"][seg][0], reviewer=current_reviewer())


def forget_draft(store: Store, row: ReviewRow) -> None:
    """Drop a row's unsaved edit, in the session and the store."""
    ss = session()
    ss["drafts"].pop(row.segment_id, None)
    ss["base"].pop(row.segment_id, None)
    store.discard_draft(row.text_hash, current_reviewer())


def set_editor(row: ReviewRow, text: str) -> None:
    """Put a text in a sentence's editor (the browser takes it over) and keep it as a draft."""
    ss = session()
    with open_store() as store:
        keep_draft(store, row, text)
    n = ss["push"].get(row.segment_id, (0, ""))[0] + 1
    ss["push"][row.segment_id] = (n, text)


def on_save(row: ReviewRow, status: str | None = None, expected_version: int | None = None,
            text: str | None = None) -> bool:
    """Save a row's text (the editor's unless given); a stale save is kept as a conflict. True when stored."""
    ss = session()
    seg = row.segment_id
    text = editor_value(row) if text is None else text
    if current_reviewer() is None:
        note(seg, "error", NO_REVIEWER)
        return False
    if expected_version is None:
        expected_version = ss["base"].get(seg, (row.version, ""))[0] if seg in ss["drafts"] else row.version
    reason = ss.get(f"reason_{seg}") if status == "rejected" else None
    if is_unchanged(row, text, status or decision_status(text, row.mt), expected_version, reason):
        note(seg, "info", f"Already saved as {row.status} (version {row.version}); nothing changed.")
        with open_store() as store:
            forget_draft(store, row)
        return True
    try:
        with open_store() as store:
            outcome = save_decision(store, row, text, expected_version=expected_version, reviewer=current_reviewer(),
                                    status=status, reason=reason)
            if outcome.conflict is not None:
                # Nothing typed is lost: the text stays the reviewer's draft until they choose.
                keep_draft(store, row, text, expected_version)
    except ValueError as exc:
        note(seg, "error", str(exc))
        return False
    if outcome.conflict is not None:
        theirs = outcome.conflict
        ss["conflicts"][seg] = {"theirs": theirs, "mine": text}
        note(seg, "warning", f"Not saved: {theirs.reviewer or 'another reviewer'} saved this sentence at "
                             f"{theirs.updated_at} (version {theirs.version}) after you opened it.")
        return False
    assert outcome.review is not None
    ss["drafts"].pop(seg, None)
    ss["base"].pop(seg, None)
    ss["conflicts"].pop(seg, None)
    note(seg, "success", f"Saved as {outcome.review.status} (version {outcome.review.version}).")
    return True


def on_keep_mine(row: ReviewRow, text: str | None = None) -> bool:
    """Resolve a conflict by saving the reviewer's text over the other version."""
    conflict = session()["conflicts"].get(row.segment_id)
    if conflict is None:
        return False
    return on_save(row, expected_version=conflict["theirs"].version, text=text)


def on_take_theirs(row: ReviewRow) -> None:
    """Resolve a conflict by taking the other reviewer's version into the editor."""
    ss = session()
    conflict = ss["conflicts"].pop(row.segment_id, None)
    if conflict is None:
        return
    theirs: Review = conflict["theirs"]
    with open_store() as store:
        forget_draft(store, row)
    text = review_text(theirs)
    n = ss["push"].get(row.segment_id, (0, ""))[0] + 1
    ss["push"][row.segment_id] = (n, text)
    note(row.segment_id, "info", f"Took version {theirs.version}; your text was: {conflict['mine']}")
