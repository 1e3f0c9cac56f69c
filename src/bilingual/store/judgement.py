"""A reviewer's own alignment beads: a match picked by hand, or the judgement that a sentence has none."""

from __future__ import annotations

import json
from collections.abc import Sequence

from bilingual.store.base import StoreBase
from bilingual.store.types import ALIGNMENT_STATUSES, utc_now

# The method of a bead a reviewer made, not the aligner.
BY_REVIEWER = "reviewer"


class AlignmentJudgementStore(StoreBase):
    """The store's methods for judging alignments bead by bead (a mixin of ``Store``)."""

    def judge_alignments(self, source_document_id: int, source_segment_ids: Sequence[int],
                         statuses: dict[int, str], accept: Sequence[int] | None = None, *,
                         score: float = 0.0, reviewer: str | None = None) -> int | None:
        """Set the status of beads and, with ``accept``, make one bead accepted, in one transaction.

        ``statuses`` maps alignment ids to their new status. ``accept`` names the English segment ids
        of the bead to accept (empty: no counterpart); a bead with exactly those source and target ids
        is accepted where there is one, else a bead of the reviewer's is added. Returns its id.
        """
        unknown = sorted(set(statuses.values()) - set(ALIGNMENT_STATUSES))
        if unknown:
            raise ValueError(f"unknown alignment status {unknown[0]!r}; expected one of "
                             f"{', '.join(ALIGNMENT_STATUSES)}")
        now = utc_now()
        with self.transaction() as c:
            for alignment_id, status in statuses.items():
                c.execute("UPDATE alignments SET status = ?, reviewer = ?, updated_at = ? WHERE id = ?"
                          " AND source_document_id = ?", (status, reviewer, now, alignment_id, source_document_id))
            if accept is None:
                return None
            src, tgt = json.dumps(list(source_segment_ids)), json.dumps(list(accept))
            row = c.execute("SELECT id FROM alignments WHERE source_document_id = ? AND source_segment_ids = ?"
                            " AND target_segment_ids = ? ORDER BY id", (source_document_id, src, tgt)).fetchone()
            if row is not None:
                c.execute("UPDATE alignments SET status = 'accepted', reviewer = ?, updated_at = ? WHERE id = ?",
                          (reviewer, now, row["id"]))
                return int(row["id"])
            added = c.execute(
                "INSERT INTO alignments (run_id, source_document_id, source_segment_ids, target_segment_ids, score,"
                " rank, method, status, reviewer, updated_at) VALUES (NULL, ?, ?, ?, ?, 0, ?, 'accepted', ?, ?)"
                " RETURNING id", (source_document_id, src, tgt, float(score), BY_REVIEWER, reviewer, now)).fetchone()
            return int(added[0])
