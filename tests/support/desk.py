"""Driving the review desk in tests: its arguments and events under AppTest, its frame in chromium."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 30_000
DESK_FRAME = "iframe[title*='review_desk']"


# --------------------------------------------------------------------------- AppTest


def _elements(node: Any) -> list[Any]:
    out = []
    for child in getattr(node, "children", {}).values():
        out.append(child)
        out.extend(_elements(child))
    return out


def desk(at: Any) -> dict[str, Any]:
    """The arguments the desk component was drawn with: its rows, focus, reviewer and acknowledged event."""
    found = [e for e in _elements(at._tree) if getattr(e, "type", None) == "component_instance"]
    assert len(found) == 1, "the desk is drawn once"
    return json.loads(found[0].proto.json_args)


def rows(at: Any) -> dict[int, dict[str, Any]]:
    """The desk's rows by segment id, in grid order."""
    return {r["id"]: r for r in desk(at)["rows"]}


def send(at: Any, *events: dict[str, Any]) -> None:
    """Send events from the desk as its front end does: numbered after the last one the page applied."""
    try:
        ack = at.session_state["desk_ack"]
    except KeyError:
        ack = 0
    numbered = [dict(e, seq=ack + i + 1) for i, e in enumerate(events)]
    at.session_state["desk"] = {"seq": numbered[-1]["seq"], "events": numbered}
    at.run()
    assert not at.exception, at.exception


# --------------------------------------------------------------------------- chromium


def chromium_path() -> str:
    """Debian's chromium, or the one BILINGUAL_CHROMIUM names."""
    for candidate in (os.environ.get("BILINGUAL_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("chromium is not installed: `apt-get install chromium` (.ci/run does it), "
                "or set BILINGUAL_CHROMIUM to a Chromium binary")


def frame(page: Any) -> Any:
    """The desk's frame on a page."""
    return page.frame_locator(DESK_FRAME)


def line(page: Any, segment_id: int) -> Any:
    """A sentence's row in the desk (its one-line form, or its open form when active)."""
    return frame(page).locator(f".desk-row[data-id='{segment_id}']")


def editor(page: Any) -> Any:
    """The open sentence's editor."""
    return frame(page).locator(".desk-row.active textarea")


def focused_row(page: Any) -> int | None:
    """The segment id whose editor has the cursor, or None."""
    return frame(page).locator("body").evaluate(
        "() => { const a = document.activeElement;"
        " return a && a.tagName === 'TEXTAREA' ? Number(a.closest('.desk-row').dataset.id) : null; }")


def rows_in_view(page: Any) -> int:
    """How many sentence rows of the desk are wholly inside the browser window."""
    return page.evaluate(
        "sel => { const f = document.querySelector(sel); const top = f.getBoundingClientRect().top;"
        " return [...f.contentDocument.querySelectorAll('.desk-row')].filter(r => {"
        " const b = r.getBoundingClientRect(); return top + b.top >= 0 && top + b.bottom <= innerHeight; }).length; }",
        DESK_FRAME)


def keep_screenshot(shot: Path, target: Path) -> None:
    """Copy a screenshot into the docs when it is missing or ``BILINGUAL_UPDATE_SCREENSHOT=1``."""
    assert shot.stat().st_size > 20_000
    if not target.exists() or os.environ.get("BILINGUAL_UPDATE_SCREENSHOT") == "1":
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, target)
