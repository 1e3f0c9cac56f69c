"""The results of an alignment: beads (groups of sentence ids on both sides) and the alignment that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Bead:
    """Source sentence ids, target sentence ids (both 0-based) and the bead's score."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float

    @property
    def kind(self) -> str:
        """``"1-1"``, ``"1-2"``, ``"2-1"``, ``"1-0"``, ``"0-1"`` ..."""
        return f"{len(self.src)}-{len(self.tgt)}"

    def vecalign(self) -> str:
        """The bead as a vecalign line ``[src ids]:[tgt ids]:score``."""
        return f"{list(self.src)}:{list(self.tgt)}:{self.score:.6f}"


@dataclass
class Alignment:
    """Beads (null beads included), the mode used, the settings and the candidates per source sentence."""

    beads: list[Bead]
    mode: str
    settings: dict[str, Any]
    candidates: list[list[tuple[int, float]]] = field(default_factory=list)

    def links(self) -> list[Bead]:
        """The beads that link sentences on both sides."""
        return [b for b in self.beads if b.src and b.tgt]

    def bead_for_source(self) -> dict[int, Bead]:
        """Each source sentence id mapped to the bead that holds it."""
        return {s: b for b in self.beads for s in b.src}
