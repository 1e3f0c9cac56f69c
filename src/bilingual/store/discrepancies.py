"""Verdicts on fact-check differences: the store methods, mixed into ``Store``.

A verdict (*real discrepancy*, *same fact*, *not comparable*) is keyed by what was compared
(``bilingual.factcheck.compare.difference_key``), so it stays with the two sentences however often
the differences are computed again. Each save is versioned and appended to ``discrepancy_history``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bilingual.store.base import StoreBase
from bilingual.store.types import StoreError, utc_now

VERDICTS = ("real discrepancy", "same fact", "not comparable")


@dataclass(frozen=True)
class Verdict:
    """A reviewer's verdict on one difference, with the texts it was given on."""

    key: str
    kind: str
    left_text: str
    right_text: str
    detail: str
    verdict: str
    note: str
    reviewer: str
    updated_at: str
    version: int

    @property
    def label(self) -> str:
        """The verdict and who gave it, for an export cell: ``real discrepancy (Anna)``."""
        return f"{self.verdict} ({self.reviewer})" if self.reviewer else self.verdict


class StaleVerdictError(StoreError):
    """Someone saved a verdict on this difference since the version the caller saw."""


class DiscrepancyStore(StoreBase):
    """Store methods for fact-check verdicts (``self.conn`` and ``self.transaction()`` come from ``StoreBase``)."""

    def save_verdict(self, key: str, verdict: str, *, kind: str, left_text: str, right_text: str, detail: str,
                     reviewer: str | None = None, note: str = "", expected_version: int | None = None) -> Verdict:
        """Save a verdict on a difference (``expected_version``: refuse if someone saved since); return it."""
        if verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r}; expected one of {', '.join(VERDICTS)}")
        now = utc_now()
        with self.transaction() as c:
            row = c.execute("SELECT version FROM discrepancy_verdicts WHERE key = ?", (key,)).fetchone()
            version = row[0] if row else 0
            if expected_version is not None and version != expected_version:
                raise StaleVerdictError(f"the verdict on this difference was saved by someone else (version "
                                        f"{version}, not {expected_version}): reload and decide again")
            c.execute(
                "INSERT INTO discrepancy_verdicts (key, kind, left_text, right_text, detail, verdict, note, reviewer,"
                " updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
                " verdict = excluded.verdict, note = excluded.note, reviewer = excluded.reviewer,"
                " updated_at = excluded.updated_at, version = excluded.version, detail = excluded.detail",
                (key, kind, left_text, right_text, detail, verdict, note, reviewer or "", now, version + 1))
            c.execute("INSERT INTO discrepancy_history (key, version, verdict, note, reviewer, created_at)"
                      " VALUES (?, ?, ?, ?, ?, ?)", (key, version + 1, verdict, note, reviewer or "", now))
        return Verdict(key, kind, left_text, right_text, detail, verdict, note, reviewer or "", now, version + 1)

    def discrepancy_verdicts(self, keys: Iterable[str] | None = None) -> dict[str, Verdict]:
        """The current verdicts, by key (all of them, or those of ``keys``)."""
        rows = self.conn.execute("SELECT * FROM discrepancy_verdicts ORDER BY updated_at, key").fetchall()
        wanted = set(keys) if keys is not None else None
        return {r["key"]: Verdict(**dict(r)) for r in rows if wanted is None or r["key"] in wanted}

    def verdict_history(self, key: str) -> list[Verdict]:
        """Every verdict saved on a difference, oldest first."""
        current = self.conn.execute("SELECT * FROM discrepancy_verdicts WHERE key = ?", (key,)).fetchone()
        if current is None:
            return []
        rows = self.conn.execute("SELECT * FROM discrepancy_history WHERE key = ? ORDER BY version", (key,))
        return [Verdict(key, current["kind"], current["left_text"], current["right_text"], current["detail"],
                        r["verdict"], r["note"], r["reviewer"], r["created_at"], r["version"]) for r in rows]
