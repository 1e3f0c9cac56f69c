"""Importing reviews back: a CSV edited in a spreadsheet, or an XLIFF file translated in a CAT tool.

``import_reviews`` applies the ``final``/``status`` columns of an exported CSV through the same
optimistic version check as the review app; ``import_xliff_reviews`` turns the targets of an XLIFF
file into such rows. Every row gets an outcome: applied, skipped, stale or invalid.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bilingual.decisions import REVIEWED, counted_english, decision_status, same_text
from bilingual.formats.csv import check_columns, is_blank_row
from bilingual.formats.xliff import XLIFF_DONE_STATES
from bilingual.formats.xmltext import xml_clean
from bilingual.store import REVIEW_STATUSES, Review, StaleReviewError, Store, StoredSegment


@dataclass(frozen=True)
class RowOutcome:
    """What happened to one CSV row or XLIFF trans-unit: applied, skipped, stale or invalid, and why."""

    row: int
    id: str
    outcome: str
    message: str = ""


@dataclass
class ImportReport:
    """The outcome of every row of an import, with the counts for the summary."""

    rows: list[RowOutcome] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        """How many rows had this outcome."""
        return sum(1 for r in self.rows if r.outcome == outcome)

    def summary(self) -> str:
        """``3 applied, 10 skipped, 1 stale, 1 invalid``."""
        return ", ".join(f"{self.count(o)} {o}" for o in ("applied", "skipped", "stale", "invalid"))

    def problems(self) -> list[RowOutcome]:
        """The rows that were not applied for a reason the user should see (stale or invalid)."""
        return [r for r in self.rows if r.outcome in ("stale", "invalid")]


REQUIRED_IMPORT_COLUMNS = ("id", "text_hash", "review_version", "status", "final")
# C0 control characters other than tab, newline and carriage return: never typed in a sheet, and ones
# a terminal acts on (NUL, BEL, ESC), so an edited cell holding one is refused, not saved.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def comparable(text: str | None) -> str:
    """A text as an import compares it: without the characters XML forbids and the whitespace at its ends.

    The XML exports leave those characters out and every import trims its cells, so a text that
    differs from the stored one only in them is the stored text, exported and read back untouched.
    """
    return xml_clean(text or "").strip()


def _control_character(row: dict[str, str]) -> str:
    """Why the edited ``final`` or ``reason`` cell of a row cannot be saved (a control character), or ""."""
    for column in ("final", "reason"):
        found = _CONTROL.search(row.get(column) or "")
        if found:
            return (f"the {column} cell holds the control character U+{ord(found.group()):04X}; "
                    "remove it and import again")
    return ""


def import_reviews(store: Store, rows: Sequence[dict[str, str]], reviewer: str,
                   dry_run: bool = False, row_numbers: Sequence[int] | None = None) -> ImportReport:
    """Apply the ``final``/``status`` (and ``reason``) columns of exported rows as reviews.

    A row is stale, and not applied, when its sentence is no longer the one exported (the
    ``text_hash`` of the segment ``id`` differs) or when the review moved past the exported
    ``review_version``; a row equal to the current review is skipped, so importing a file twice
    changes nothing. Row numbers count the header as row 1, as a spreadsheet shows them, unless
    ``row_numbers`` gives one per row; blank rows are passed over. Every other column is ignored:
    the QA columns (``qa_warnings``, ``qa_messages``, ``post_edit_effort``) are derived data, so an
    edited QA cell changes nothing.
    """
    for row in rows[:1]:
        check_columns(row, REQUIRED_IMPORT_COLUMNS)
    segments = {s.stable_id: s for s in store.segments(language="da")}
    wanted = {r.get("text_hash", "").strip() for r in rows}
    mts = store.latest_translations(wanted)
    report = ImportReport()
    numbers = range(2, len(rows) + 2) if row_numbers is None else row_numbers
    # Rows of this file already applied (or, in a dry run, that would be), by sentence: a later row
    # for the same sentence (the same sentence in two documents) is judged against them.
    earlier: dict[str, tuple[int, Review]] = {}
    for number, row in zip(numbers, rows, strict=True):
        if is_blank_row(row):
            continue
        report.rows.append(_import_row(store, number, row, segments, mts, reviewer, dry_run, earlier))
    return report


def _import_row(store: Store, number: int, row: dict[str, str], segments: dict[str, StoredSegment],
                mts: dict[str, tuple[str, dict]], reviewer: str, dry_run: bool,
                earlier: dict[str, tuple[int, Review]]) -> RowOutcome:
    sid, hash_ = row.get("id", "").strip(), row.get("text_hash", "").strip()

    def outcome(kind: str, message: str = "") -> RowOutcome:
        return RowOutcome(number, sid, kind, message)

    status = row.get("status", "").strip().lower() or "pending"
    final, reason = row.get("final", "").strip(), row.get("reason", "").strip()
    if not sid or not hash_:
        return outcome("invalid", "the id or text_hash cell is empty")
    try:
        exported_version = int(row.get("review_version", "").strip() or 0)
    except ValueError:
        return outcome("invalid", f"review_version {row.get('review_version')!r} is not a whole number")
    if status not in REVIEW_STATUSES:
        return outcome("invalid", f"unknown status {row.get('status')!r}; expected one of {', '.join(REVIEW_STATUSES)}")
    segment = segments.get(sid)
    if segment is None:
        return outcome("stale", "the sentence is no longer in the store")
    if segment.text_hash != hash_:
        return outcome("stale", "the Danish sentence changed since the export")
    mt = mts.get(hash_, (None, {}))[0]
    if status == "accepted" and not final and mt:
        final = mt  # accepting with an empty final cell accepts the MT as it is
    earlier_row, current = earlier.get(hash_, (None, None))
    if current is None:
        current = store.review(hash_)
    control = _control_character(row)
    if _unchanged(status, final, reason, current, mt, exact=bool(control)):
        return outcome("skipped")
    if control:
        return outcome("invalid", control)
    if status == "accepted" and not final:
        return outcome("invalid", "accepted with an empty final text and no machine translation to accept")
    if status == "corrected" and not final:
        return outcome("invalid", "corrected with an empty final text")
    if status == "rejected" and not reason:
        return outcome("invalid", "rejected without a reason (fill the reason column)")
    current_version = current.version if current else 0
    if current_version != exported_version and earlier_row is not None:
        return outcome("stale", f"row {earlier_row} of this file already changes this sentence (the same Danish "
                                "sentence, exported twice) to another text")
    if current_version != exported_version:
        who = f" by {current.reviewer}" if current and current.reviewer else ""
        when = f" at {current.updated_at}" if current else ""
        return outcome("stale", f"the review was saved{who}{when} (version {current_version}) after the export "
                                f"(version {exported_version})")
    if dry_run:
        planned = Review(hash_, segment.text, mt, final or None, status, reason or None, reviewer, "",
                         exported_version + 1)
        earlier[hash_] = (number, planned)
        return outcome("applied", "dry run: not saved")
    try:
        saved = store.save_review(segment.text, final or None, status, expected_version=exported_version,
                                  reviewer=reviewer, mt_text=mt, reason=reason or None)
    except StaleReviewError as exc:
        return outcome("stale", str(exc))
    earlier[hash_] = (number, saved)
    return outcome("applied")


def _unchanged(status: str, final: str, reason: str, current: Review | None, mt: str | None, exact: bool) -> bool:
    """Whether a row says what the stored review says, so that importing it would change nothing.

    Texts are compared trimmed: ``exact`` for a cell holding a control character (the stored text
    exported as it is), else also without the characters the XML formats leave out. A reviewed
    sentence's final text is matched both as stored and as the English that counts for it (an
    empty final text counts the MT). A reason only means something on a rejection.
    """
    same = (lambda text: (text or "").strip()) if exact else comparable
    before_status = current.status if current else "pending"
    before_final = current.final_text if current else ""
    if status != before_status or (status == "rejected" and same(reason) != same(current.reason if current else "")):
        return False
    texts = {same(before_final)}
    if status in REVIEWED:
        texts.add(same(counted_english(status, mt, before_final).text))
    return same(final) in texts


def _xliff_decision(unit: dict[str, Any], mt: str | None, current: Review | None) -> tuple[str, str]:
    """``(status, "")`` for a unit to import as a review, or ``("", why not)`` for one that was not reviewed."""
    target = unit["target"]
    if target is None or not target.strip():
        return "", "no target text"
    # The file holds the store's texts without the characters XML forbids, so they are compared that way.
    mt = comparable(mt) if mt is not None else None
    # a tool that dropped the MT <alt-trans> still left the target to compare with the store's MT
    edited = not same_text(target, unit["mt"] or mt)
    confirmed = unit["approved"] or unit["state"] in XLIFF_DONE_STATES
    if not edited and not confirmed:
        return "", f"not reviewed: the target is still the machine translation (state {unit['state'] or 'none'})"
    if current is not None and current.status in REVIEWED and comparable(target) in {
            comparable(current.final_text), comparable(counted_english(current.status, mt, current.final_text).text)}:
        # the reviewed text as exported: keep its status even if the store's MT changed since
        return current.status, ""
    return decision_status(target, mt), ""


def import_xliff_reviews(store: Store, units: Sequence[dict[str, Any]], reviewer: str,
                         dry_run: bool = False) -> ImportReport:
    """Apply the targets of an XLIFF file written by ``write_xliff`` and edited in a CAT tool as reviews.

    ``units`` come from ``read_xliff_units``. A target that differs from the MT the file was given is
    ``corrected`` (``accepted`` if it is the store's MT); an unchanged MT counts as ``accepted`` only
    where the tool approved it (``approved="yes"``) or marked it ``translated``, ``final`` or
    ``signed-off``, else the unit is skipped as not reviewed. The rows then go through
    ``import_reviews``, so the same version check applies; unit numbers count the trans-units from 1.
    """
    hashes = {u["text_hash"] for u in units if u["text_hash"]}
    mts, reviews = store.latest_translations(hashes), store.reviews(hashes)
    report, rows, numbers = ImportReport(), [], []
    for unit in units:
        if not unit["id"] or not unit["text_hash"]:
            report.rows.append(RowOutcome(unit["number"], unit["id"], "invalid",
                                          "the trans-unit lacks its id or the extradata text_hash bilingual wrote"))
            continue
        status, why_not = _xliff_decision(unit, mts.get(unit["text_hash"], (None, {}))[0],
                                          reviews.get(unit["text_hash"]))
        if not status:
            report.rows.append(RowOutcome(unit["number"], unit["id"], "skipped", why_not))
            continue
        rows.append({"id": unit["id"], "text_hash": unit["text_hash"], "review_version": unit["review_version"],
                     "status": status, "final": unit["target"], "reason": ""})
        numbers.append(unit["number"])
    report.rows += import_reviews(store, rows, reviewer, dry_run=dry_run, row_numbers=numbers).rows
    report.rows.sort(key=lambda outcome: outcome.row)
    return report
