"""The alignment picture as a Vega-Lite spec, free of Streamlit: one panel per English article, titled,
rows as tall as the Danish document is long, cells coloured by their rank in the row, chosen beads marked.

A similarity matrix is pale almost everywhere (most scores lie in a narrow band), so colour says
how a cell ranks among its Danish sentence's English cells (best, second, third, the rest), which
picks the candidates out whatever the scores' spread; the score itself is in the tooltip.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ROW_PX = 18  # every Danish sentence gets a row this tall: the picture grows with the document
COL_PX = 12
MIN_PANEL_PX = 80
RANKS = ("best", "2nd", "3rd", "other")
RANK_COLOURS = ("#08306b", "#4292c6", "#c6dbef", "#f4f6f8")
BEAD_STATUSES = ("accepted", "machine")
BEAD_COLOURS = ("#2ca02c", "#e45756")
LABEL_CHARS = 120


@dataclass(frozen=True)
class Article:
    """An English document of the picture: its id, title and the sentences (id, text) that are its columns."""

    document_id: int
    title: str
    sentences: tuple[tuple[int, str], ...]


def row_ranks(matrix: Sequence[Sequence[float]]) -> list[list[str]]:
    """Each cell's rank within its row (``best``, ``2nd``, ``3rd``, ``other``); ties share the better rank."""
    ranks = []
    for values in matrix:
        distinct = sorted({round(float(v), 6) for v in values}, reverse=True)[: len(RANKS) - 1]
        place = {v: RANKS[i] for i, v in enumerate(distinct)}
        ranks.append([place.get(round(float(v), 6), RANKS[-1]) for v in values])
    return ranks


def picture_spec(danish: Sequence[tuple[int, str]], articles: Sequence[Article], matrix: Sequence[Sequence[float]],
                 chosen: Mapping[tuple[int, int], str], *, first_number: int = 1) -> dict[str, Any]:
    """The Vega-Lite spec: ``danish`` are the rows (segment id, text), ``matrix`` their scores against every
    article's sentences in order, ``chosen`` the (Danish id, English id) cells of chosen beads with their
    status. A click on a cell selects ``da_id`` (selection parameter ``open_<n>`` of article n)."""
    ranks = row_ranks(matrix)
    height = ROW_PX * max(1, len(danish))
    panels, offset = [], 0
    for n, article in enumerate(articles):
        cells, beads = [], []
        for i, (da_id, da_text) in enumerate(danish):
            for k, (en_id, en_text) in enumerate(article.sentences):
                j = offset + k
                cell = {"da": i + first_number, "da_id": da_id, "en": k + 1, "en_id": en_id,
                        "score": round(float(matrix[i][j]), 3), "rank": ranks[i][j],
                        "danish": da_text[:LABEL_CHARS], "english": en_text[:LABEL_CHARS]}
                cells.append(cell)
                if (da_id, en_id) in chosen:
                    beads.append({**cell, "status": chosen[(da_id, en_id)]})
        offset += len(article.sentences)
        x = {"field": "en", "type": "ordinal", "title": None,
             "axis": {"labelOverlap": True, "labelAngle": 0, "values": _ticks(len(article.sentences))}}
        y = {"field": "da", "type": "ordinal", "title": "Danish sentence" if n == 0 else None,
             "axis": {"labelOverlap": True} if n == 0 else None}
        tooltip = [{"field": "da", "title": "Danish no."}, {"field": "en", "title": "English no."},
                   {"field": "score", "format": ".2f"}, {"field": "rank"}, {"field": "danish"}, {"field": "english"}]
        heat = {
            "data": {"values": cells}, "mark": {"type": "rect", "cursor": "pointer"},
            "params": [{"name": f"open_{n}", "select": {"type": "point", "fields": ["da_id"], "on": "click"}}],
            "encoding": {"x": x, "y": y, "tooltip": tooltip,
                         "color": {"field": "rank", "type": "ordinal", "title": "rank in its Danish row",
                                   "scale": {"domain": list(RANKS), "range": list(RANK_COLOURS)}}},
        }
        marks = {
            "data": {"values": beads}, "mark": {"type": "square", "filled": False, "strokeWidth": 2,
                                                "size": (ROW_PX - 4) ** 2},
            "encoding": {"x": x, "y": y, "tooltip": [*tooltip, {"field": "status"}],
                         "stroke": {"field": "status", "type": "nominal", "title": "chosen bead",
                                    "scale": {"domain": list(BEAD_STATUSES), "range": list(BEAD_COLOURS)}}},
        }
        panels.append({"title": {"text": _short(article.title), "fontSize": 12, "limit": 0},
                       "width": max(MIN_PANEL_PX, COL_PX * len(article.sentences)), "height": height,
                       "layer": [heat, marks]})
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "hconcat": panels, "spacing": 8,
        "resolve": {"scale": {"x": "independent", "y": "shared", "color": "shared", "stroke": "shared"}},
        # below the panels, so a wide picture never cuts it off
        "config": {"legend": {"orient": "bottom", "direction": "horizontal"}, "view": {"stroke": "#999"}},
    }


def _ticks(count: int) -> list[int]:
    """Sentence numbers to label on an article's axis: 1, then every fifth, then the last."""
    return sorted({1, count, *range(5, count + 1, 5)}) if count else []


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def opened_segment(selection: Mapping[str, Any]) -> int | None:
    """The Danish segment id a click on the picture selected, from Streamlit's selection state."""
    for name, points in (selection or {}).items():
        if name.startswith("open_") and points:
            point = points[0] if isinstance(points, list) else points
            if isinstance(point, Mapping) and point.get("da_id") is not None:
                return int(point["da_id"])
    return None
