"""The review desk in chromium: the keyboard loop, Esc, live QA, the reviewer's name, and what fits on a screen.

Its own store (the tiny model's translations of the seeds) and server, so every sentence starts
pending. The screenshots ``docs/review-desk-1440.png`` and ``docs/review-desk-1024.png`` are written
when missing or when ``BILINGUAL_UPDATE_SCREENSHOT=1``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import DANISH_SEED, ROOT, copy_store
from support.desk import (
    CHROMIUM_ARGS,
    WAIT_MS,
    chromium_path,
    editor,
    focused_row,
    frame,
    keep_screenshot,
    line,
    rows_in_view,
)

from bilingual.app.server import serve_app
from bilingual.segment import text_hash
from bilingual.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REFERENCE = (ROOT / "tests" / "data" / "seed002_reference_en.txt").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def served(tmp_path_factory, seeded_template):
    """The seeds with a human translation as the MT of the Danish seed (so rows are of a real length)."""
    folder = tmp_path_factory.mktemp("desk")
    db = copy_store(seeded_template, folder / "desk.sqlite3")
    with Store(db) as store:
        sources = store.segments(store.document(DANISH_SEED.name).id, include_furniture=False)
        store.put_translations([(s.text, english) for s, english in zip(sources, REFERENCE, strict=True)],
                               "reference", {"model": "seed002 reference"})
    env = {"BILINGUAL_MODEL": str(folder / "no-model-needed")}
    with serve_app(db, folder / "streamlit.log", script=ROOT / "app.py", env=env) as url:
        yield url, db


@pytest.fixture(scope="module")
def browser(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


def segments(db: Path):
    with Store(db) as store:
        return store.segments(store.document(DANISH_SEED.name).id, include_furniture=False)


def review_of(db: Path, text: str):
    with Store(db) as store:
        return store.review(text_hash(text))


def wait_until(check, timeout: float = WAIT_MS / 1000):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("the condition never held")


def open_app(browser, url: str, query: str = "", size: tuple[int, int] = (1440, 900)):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.goto(url + query)
    editor(page).wait_for(timeout=WAIT_MS)
    return context, page


# First in the module: every sentence still pending, the first one open, as a reviewer starts.
@pytest.mark.parametrize(("width", "height", "least"), [(1440, 900, 12), (1024, 768, 8)])
def test_rows_in_view_and_nothing_cut_off(served, browser, tmp_path, width, height, least):
    from playwright.sync_api import expect

    url, _db = served
    context, page = open_app(browser, url, "/?reviewer=Eva", size=(width, height))
    page.wait_for_timeout(500)
    assert rows_in_view(page) >= least
    # Nothing runs off to the right, on the page or in the desk.
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    assert frame(page).locator("body").evaluate("b => b.scrollWidth <= b.clientWidth")
    sidebar = page.get_by_test_id("stSidebar")
    if width < 1200:
        # On a small screen the sidebar is folded away once, and opens again with its button.
        expect(sidebar).to_have_attribute("data-collapsed", "true")
        page.get_by_test_id("stExpandSidebarButton").click()
        expect(sidebar).to_have_attribute("data-collapsed", "false")
        expect(page.get_by_role("textbox", name="Reviewer")).to_be_visible()
        page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
        expect(sidebar).to_have_attribute("data-collapsed", "true")
    else:
        expect(sidebar).to_have_attribute("data-collapsed", "false")
    shot = tmp_path / f"desk-{width}.png"
    page.screenshot(path=str(shot))
    keep_screenshot(shot, ROOT / "docs" / f"review-desk-{width}.png")
    context.close()


def test_the_keyboard_loop_over_five_sentences(served, browser):
    from playwright.sync_api import expect

    url, db = served
    segs = segments(db)
    context, page = open_app(browser, url, "/?reviewer=Eva")
    # The page opens on the first pending sentence with the cursor in its editor: no mouse at all.
    wait_until(lambda: focused_row(page) == segs[0].id)
    for i, seg in enumerate(segs[:5]):
        assert focused_row(page) == seg.id
        page.keyboard.press("Control+A")
        page.keyboard.type(f"Sentence {i + 1}, reviewed from the keyboard.")
        page.keyboard.press("Control+Enter")
        # Straight on to the next pending sentence, cursor in its editor.
        wait_until(lambda seg=seg: focused_row(page) not in (None, seg.id))
        assert focused_row(page) == segs[i + 1].id
        # The page says what became of the sentence left behind.
        expect(frame(page).get_by_role("status")).to_contain_text(
            f"¶{seg.paragraph + 1} · {seg.index + 1}: Saved as corrected (version 1).", timeout=WAIT_MS)
    stored = [wait_until(lambda s=s: review_of(db, s.text)) for s in segs[:5]]
    assert [(r.final_text, r.status, r.reviewer) for r in stored] == [
        (f"Sentence {i + 1}, reviewed from the keyboard.", "corrected", "Eva") for i in range(5)]

    # Ctrl+Down and Ctrl+Up move without saving; the edit stays, marked unsaved.
    page.keyboard.type(" draft")
    page.keyboard.press("Control+ArrowDown")
    wait_until(lambda: focused_row(page) == segs[6].id)
    expect(line(page, segs[5].id).locator(".unsaved-flag")).to_be_visible()
    page.keyboard.press("Control+ArrowUp")
    wait_until(lambda: focused_row(page) == segs[5].id)
    assert editor(page).input_value().endswith(" draft")
    assert review_of(db, segs[5].text) is None

    # The shortcut sheet: "?" outside the editor.
    frame(page).locator(".desk-row.active .source").click()
    page.keyboard.press("?")
    expect(frame(page).get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    expect(frame(page).get_by_role("dialog")).to_contain_text("Accept the machine translation unchanged")
    page.keyboard.press("Escape")
    expect(frame(page).get_by_role("dialog", name="Keyboard shortcuts")).to_be_hidden()

    # After a reload all five are stored and shown as such.
    page.reload()
    editor(page).wait_for(timeout=WAIT_MS)
    for seg in segs[:5]:
        expect(line(page, seg.id)).to_have_attribute("data-status", "corrected")
    expect(page.get_by_text("5 of 17 sentences reviewed", exact=False)).to_be_visible()
    context.close()


def test_esc_discards_the_unsaved_edit(served, browser):
    from playwright.sync_api import expect

    url, db = served
    seg = segments(db)[8]
    context, page = open_app(browser, url, "/?reviewer=Eva")
    line(page, seg.id).click()
    area = frame(page).locator(f".desk-row.active[data-id='{seg.id}'] textarea")
    before = area.input_value()
    area.press("End")
    page.keyboard.type(" something to throw away")
    with Store(db) as store:
        wait_until(lambda: store.drafts([seg.text_hash], "Eva"))
    page.keyboard.press("Escape")
    expect(area).to_have_value(before)
    expect(frame(page).locator(".desk-row.active").get_by_text("● unsaved changes")).to_have_count(0)
    with Store(db) as store:
        wait_until(lambda: not store.drafts([seg.text_hash], "Eva"))
    page.reload()
    editor(page).wait_for(timeout=WAIT_MS)
    line(page, seg.id).click()
    expect(frame(page).locator(f".desk-row.active[data-id='{seg.id}'] textarea")).to_have_value(before)
    assert review_of(db, seg.text) is None
    context.close()


def test_a_discarded_edit_comes_back_with_one_action(served, browser):
    from playwright.sync_api import expect

    url, db = served
    seg = segments(db)[9]
    context, page = open_app(browser, url, "/?reviewer=Eva")
    line(page, seg.id).click()
    row = frame(page).locator(f".desk-row.active[data-id='{seg.id}']")
    area = row.locator("textarea")
    before = area.input_value()
    area.press("End")
    page.keyboard.type(" worth keeping")
    edited = before + " worth keeping"
    with Store(db) as store:
        wait_until(lambda: store.drafts([seg.text_hash], "Eva"))
    expect(row.get_by_role("button", name="Undo discard")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(area).to_have_value(before)
    with Store(db) as store:
        wait_until(lambda: not store.drafts([seg.text_hash], "Eva"))
    # Ctrl+Z in the editor, right after Esc: the edit is back, and kept as a draft again.
    page.keyboard.press("Control+z")
    expect(area).to_have_value(edited)
    expect(row.get_by_text("● unsaved changes")).to_be_visible()
    with Store(db) as store:
        wait_until(lambda: [d.text for d in store.drafts([seg.text_hash], "Eva").values()] == [edited])
    # The button does the same after the Discard button.
    row.get_by_role("button", name="Discard edit").click()
    expect(area).to_have_value(before)
    row.get_by_role("button", name="Undo discard").click()
    expect(area).to_have_value(edited)
    # Reset to MT, in the strip above the grid, replaces the edit: it comes back the same way.
    with Store(db) as store:
        wait_until(lambda: [d.text for d in store.drafts([seg.text_hash], "Eva").values()] == [edited])
    reset = page.get_by_role("button", name="Reset to MT")
    expect(reset).to_be_enabled()
    reset.click()
    expect(area).to_have_value(before)
    row.get_by_role("button", name="Undo discard").click()
    expect(area).to_have_value(edited)
    assert review_of(db, seg.text) is None
    context.close()


def test_search_hits_are_marked_in_the_grid(served, browser):
    import re

    from playwright.sync_api import expect

    url, db = served
    seg = segments(db)[3]
    word = max(re.findall(r"\w+", seg.text), key=len)
    context, page = open_app(browser, url, "/?reviewer=Eva")
    editor(page).wait_for(timeout=WAIT_MS)
    expect(frame(page).locator("mark.hit-mark")).to_have_count(0)
    search = page.get_by_label("Search Danish and English")
    search.fill(word)
    search.press("Enter")
    marks = line(page, seg.id).locator(".da mark.hit-mark, .source mark.hit-mark")
    expect(marks.first).to_be_visible()
    assert {m.casefold() for m in marks.all_inner_texts()} == {word.casefold()}
    context.close()


def test_the_qa_badge_follows_a_number_as_it_is_typed(served, browser):
    from playwright.sync_api import expect

    url, db = served
    index = next(i for i, s in enumerate(segments(db)) if "fra 2017" in s.text)
    seg, good = segments(db)[index], REFERENCE[index]
    context, page = open_app(browser, url, "/?reviewer=Eva")
    line(page, seg.id).click()
    active = frame(page).locator(f".desk-row.active[data-id='{seg.id}']")
    active.locator("textarea").fill(good)
    number = active.locator(".badge.qa", has_text="number")
    expect(number).to_have_count(0, timeout=WAIT_MS)
    # A wrong year, typed: the badge comes while typing, with no save and no click elsewhere.
    active.locator("textarea").press("Control+A")
    page.keyboard.type(good.replace("2017", "2016"))
    expect(number).to_have_count(1, timeout=WAIT_MS)
    expect(active.locator(".qa-list")).to_contain_text("2017 is not in the English")
    # Corrected again: the badge goes.
    active.locator("textarea").press("Control+A")
    page.keyboard.type(good)
    expect(active.locator("textarea")).to_have_value(good)
    expect(number).to_have_count(0, timeout=WAIT_MS)
    context.close()


def test_no_save_without_a_reviewer_and_the_name_is_remembered(served, browser):
    from playwright.sync_api import expect

    url, db = served
    seg = segments(db)[10]
    context, page = open_app(browser, url)  # no name in the address, none in this browser
    expect(frame(page).get_by_text("Your name (stored with every decision")).to_be_visible()
    line(page, seg.id).click()
    frame(page).locator(f".desk-row.active[data-id='{seg.id}'] textarea").press("Control+Enter")
    expect(frame(page).locator(".desk-row.active .note-error")).to_contain_text("Enter your name first")
    time.sleep(1.0)
    assert review_of(db, seg.text) is None
    name = frame(page).get_by_role("textbox", name="Your name")
    expect(name).to_be_focused()
    name.fill("Frida")
    name.press("Enter")
    expect(page.get_by_role("textbox", name="Reviewer")).to_have_value("Frida", timeout=WAIT_MS)
    line(page, seg.id).click()
    frame(page).locator(f".desk-row.active[data-id='{seg.id}'] textarea").press("Control+Enter")
    assert wait_until(lambda: review_of(db, seg.text)).reviewer == "Frida"
    # Asked once: a new visit from this browser, without the name in the address, has it.
    page.goto(url)
    expect(page.get_by_role("textbox", name="Reviewer")).to_have_value("Frida", timeout=WAIT_MS)
    context.close()
