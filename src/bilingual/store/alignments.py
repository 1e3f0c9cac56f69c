"""The store's alignment beads and runs: a mixin of ``Store`` (its methods use ``self.conn`` and
``self.transaction()``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from bilingual.store.base import StoreBase
from bilingual.store.types import ALIGNMENT_STATUSES, StoredAlignment, utc_now


class AlignmentsMixin(StoreBase):
    """Machine alignments, the reviewers' verdicts on them, and the runs that made them."""

    def replace_alignments(self, source_document_id: int, target_document_ids: Sequence[int], mode: str,
                           signature: dict,
                           beads: Iterable[tuple[Sequence[int], Sequence[int], float, int, str]]) -> int:
        """Replace the machine alignments of a source document with new beads; return the run id.

        Each bead is ``(source segment ids, target segment ids, score, rank, method)``.
        A reviewer's accepted or rejected alignments are kept, and a new bead that
        repeats one of them is not added again.
        """
        now = utc_now()
        with self.transaction() as c:
            c.execute("DELETE FROM alignments WHERE source_document_id = ? AND status = 'machine'",
                      (source_document_id,))
            reviewed = {
                (r[0], r[1])
                for r in c.execute(
                    "SELECT source_segment_ids, target_segment_ids FROM alignments WHERE source_document_id = ?",
                    (source_document_id,),
                )
            }
            run_id = c.execute(
                "INSERT INTO alignment_runs (source_document_id, target_document_ids, mode, signature, created_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (source_document_id, json.dumps(list(target_document_ids)), mode, json.dumps(signature, sort_keys=True),
                 now),
            ).fetchone()[0]
            rows = []
            for src, tgt, score, rank, method in beads:
                key = (json.dumps(list(src)), json.dumps(list(tgt)))
                if key in reviewed:
                    continue
                rows.append((run_id, source_document_id, key[0], key[1], float(score), rank, method, now))
            c.executemany(
                "INSERT INTO alignments (run_id, source_document_id, source_segment_ids, target_segment_ids, score,"
                " rank, method, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'machine', ?)",
                rows,
            )
        return run_id

    def alignments(self, source_document_id: int | None = None) -> list[StoredAlignment]:
        """Alignment beads, best rank first within each source document."""
        sql = "SELECT * FROM alignments"
        args: tuple[Any, ...] = ()
        if source_document_id is not None:
            sql += " WHERE source_document_id = ?"
            args = (source_document_id,)
        rows = self.conn.execute(sql + " ORDER BY source_document_id, rank, id", args)
        return [
            StoredAlignment(
                id=r["id"], run_id=r["run_id"], source_document_id=r["source_document_id"],
                source_segment_ids=tuple(json.loads(r["source_segment_ids"])),
                target_segment_ids=tuple(json.loads(r["target_segment_ids"])), score=r["score"], rank=r["rank"],
                method=r["method"], status=r["status"], reviewer=r["reviewer"], updated_at=r["updated_at"],
            )
            for r in rows
        ]

    def alignment_run(self, run_id: int) -> dict[str, Any] | None:
        """An alignment run's mode, targets and signature."""
        r = self.conn.execute("SELECT * FROM alignment_runs WHERE id = ?", (run_id,)).fetchone()
        if not r:
            return None
        return {**dict(r), "target_document_ids": json.loads(r["target_document_ids"]),
                "signature": json.loads(r["signature"])}

    def set_alignment_status(self, alignment_id: int, status: str, reviewer: str | None = None) -> None:
        """Mark an alignment as accepted, rejected or back to machine."""
        if status not in ALIGNMENT_STATUSES:
            raise ValueError(f"unknown alignment status {status!r}; expected one of {', '.join(ALIGNMENT_STATUSES)}")
        with self.transaction() as c:
            c.execute("UPDATE alignments SET status = ?, reviewer = ?, updated_at = ? WHERE id = ?",
                      (status, reviewer, utc_now(), alignment_id))
