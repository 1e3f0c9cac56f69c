"""Undo and restore of review decisions: new versions appended to the history, never a rewrite of it."""

from __future__ import annotations

from bilingual.segment import text_hash
from bilingual.store.base import StoreBase
from bilingual.store.types import Connection, Review, StaleReviewError, utc_now
from bilingual.undo import Decision, HistoryEntry, decision_of, undo_target


class ReviewHistoryStore(StoreBase):
    """The store's review-history methods (a mixin of ``Store``)."""

    def review_log(self, hash_: str) -> list[HistoryEntry]:
        """Every version of a sentence's decisions, oldest first, with the action that made it."""
        rows = self.conn.execute(
            "SELECT text_hash, version, source_text, mt_text, final_text, status, reason, reviewer, created_at,"
            " action, restores FROM review_history WHERE text_hash = ? ORDER BY version", (hash_,))
        return [HistoryEntry(**dict(r)) for r in rows]

    def undo_review(self, source_text: str, *, expected_version: int, reviewer: str | None = None) -> Review:
        """Take the decision in force back to the one before it (down to pending) as a new version.

        Raises StaleReviewError when someone saved since ``expected_version``, ValueError when there is
        nothing to undo; either way nothing changes.
        """
        with self.transaction() as c:
            current = self._current(c, source_text, expected_version)
            entries = self._log(c, text_hash(source_text))
            step = undo_target(entries)
            if current is None or step is None:
                raise ValueError("nothing to undo: this sentence has no saved decision in force")
            return self._append(c, source_text, decision_of(entries, step[1]), "undo", step[1], current, reviewer)

    def restore_review(self, source_text: str, version: int, *, expected_version: int,
                       reviewer: str | None = None) -> Review:
        """Bring back the decision of an earlier version (0: pending) as a new version.

        Raises StaleReviewError when someone saved since ``expected_version``, KeyError for a version
        the history lacks; either way nothing changes.
        """
        with self.transaction() as c:
            current = self._current(c, source_text, expected_version)
            decision = decision_of(self._log(c, text_hash(source_text)), version)
            return self._append(c, source_text, decision, "restore", version, current, reviewer)

    # -- inside a write transaction

    def _current(self, c: Connection, source_text: str, expected_version: int) -> Review | None:
        row = c.execute("SELECT * FROM reviews WHERE text_hash = ?", (text_hash(source_text),)).fetchone()
        current = Review(**dict(row)) if row else None
        if current is None and expected_version:
            raise ValueError("this sentence has no saved decision: reload before undoing")
        if current is not None and current.version != expected_version:
            raise StaleReviewError(current)
        return current

    def _log(self, c: Connection, hash_: str) -> list[HistoryEntry]:
        rows = c.execute(
            "SELECT text_hash, version, source_text, mt_text, final_text, status, reason, reviewer, created_at,"
            " action, restores FROM review_history WHERE text_hash = ? ORDER BY version", (hash_,))
        return [HistoryEntry(**dict(r)) for r in rows]

    def _append(self, c: Connection, source_text: str, decision: Decision, action: str, restores: int,
                current: Review | None, reviewer: str | None) -> Review:
        h, now = text_hash(source_text), utc_now()
        version = (current.version if current else 0) + 1
        mt = decision.mt_text if decision.mt_text is not None else (current.mt_text if current else None)
        c.execute(
            "INSERT INTO reviews"
            " (text_hash, source_text, mt_text, final_text, status, reason, reviewer, updated_at, version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (text_hash) DO UPDATE SET"
            " source_text = excluded.source_text, mt_text = excluded.mt_text, final_text = excluded.final_text,"
            " status = excluded.status, reason = excluded.reason, reviewer = excluded.reviewer,"
            " updated_at = excluded.updated_at, version = excluded.version",
            (h, source_text, mt, decision.final_text, decision.status, decision.reason, reviewer, now, version))
        c.execute(
            "INSERT INTO review_history (text_hash, version, source_text, mt_text, final_text, status, reason,"
            " reviewer, created_at, action, restores) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (h, version, source_text, mt, decision.final_text, decision.status, decision.reason, reviewer, now,
             action, restores))
        # the editor shows the decision brought back, not an edit typed before it
        c.execute("DELETE FROM drafts WHERE text_hash = ? AND reviewer = ?", (h, reviewer or ""))
        return Review(h, source_text, mt, decision.final_text, decision.status, decision.reason, reviewer, now,
                      version)
