"""End to end in a real browser: ``streamlit run app.py`` on a loopback port, driven by Playwright in chromium.

The store is built with the tiny test model, so the app shows real (random-weight) MT output.
The browser is Debian's chromium (``/usr/bin/chromium``; ``.ci/run`` installs it): Playwright's own
browser downloads are not used. The README's screenshot ``docs/review.png`` is written when it is
missing or when ``BILINGUAL_UPDATE_SCREENSHOT=1``, so a test run leaves the work tree as it was.
The desk's own keyboard loop, sizes and live checks are in ``test_review_desk_browser.py``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import DANISH_SEED, ROOT, copy_store
from support.desk import CHROMIUM_ARGS, WAIT_MS, chromium_path, editor, focused_row, frame, keep_screenshot, line

from bilingual.app.server import serve_app
from bilingual.segment import text_hash
from bilingual.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOT = ROOT / "docs" / "review.png"


@pytest.fixture(scope="module")
def served(tmp_path_factory, seeded_template):
    """A store translated by the tiny model, and the app serving it; yields ``(url, db)``."""
    folder = tmp_path_factory.mktemp("browser")
    db = copy_store(seeded_template, folder / "review.sqlite3")
    with Store(db) as store:
        danish = store.document(DANISH_SEED.name)
        english = store.documents(language="en")[1]
        sources = store.segments(danish.id, include_furniture=False)
        targets = store.segments(english.id, include_furniture=False)
        store.replace_alignments(danish.id, [english.id], "parallel", {"test": True}, [
            ((s.id,), (targets[i % len(targets)].id,), round(0.92 - 0.04 * i, 2), 0, "test")
            for i, s in enumerate(sources)
        ])
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


def draft_of(db: Path, text: str, reviewer: str):
    with Store(db) as store:
        return store.drafts([text_hash(text)], reviewer).get(text_hash(text))


def wait_until(check, timeout: float = WAIT_MS / 1000):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("the condition never held")


def open_app(browser, url: str, query: str = ""):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(url + query)
    editor(page).wait_for(timeout=WAIT_MS)
    return context, page


def open_row(page, segment_id: int) -> None:
    """Click a sentence's line: it opens with the cursor in its editor."""
    line(page, segment_id).click()
    frame(page).locator(f".desk-row.active[data-id='{segment_id}'] textarea").wait_for(timeout=WAIT_MS)


def set_reviewer(page, name: str) -> None:
    field = page.get_by_role("textbox", name="Reviewer")
    field.fill(name)
    field.press("Enter")
    page.get_by_text("Enter your name so your decisions carry it").wait_for(state="detached", timeout=WAIT_MS)


def test_correct_and_accept_then_reload(served, browser, tmp_path):
    from playwright.sync_api import expect

    url, db = served
    corrected, accepted, third = segments(db)[:3]
    context, page = open_app(browser, url)
    set_reviewer(page, "Anna")
    open_row(page, corrected.id)

    # Correct one translation with the keyboard: type, then Ctrl+Enter saves and opens the next one.
    editor(page).fill("The offensive against ISIL in Mosul was on the agenda in London today.")
    editor(page).press("Control+Enter")
    wait_until(lambda: focused_row(page) == accepted.id)
    # Accept the next as it is: Ctrl+Shift+Enter.
    editor(page).press("Control+Shift+Enter")
    wait_until(lambda: focused_row(page) == third.id)

    first = wait_until(lambda: review_of(db, corrected.text))
    second = wait_until(lambda: review_of(db, accepted.text))
    assert (first.status, first.final_text, first.reviewer) == (
        "corrected", "The offensive against ISIL in Mosul was on the agenda in London today.", "Anna")
    assert (second.status, second.reviewer) == ("accepted", "Anna")
    assert second.final_text == second.mt_text and second.mt_text

    # After a reload the decisions are still on screen, in the grid's lines.
    page.reload()
    editor(page).wait_for(timeout=WAIT_MS)
    expect(line(page, corrected.id)).to_have_attribute("data-status", "corrected")
    expect(line(page, corrected.id)).to_contain_text("The offensive against ISIL in Mosul")
    expect(line(page, accepted.id)).to_have_attribute("data-status", "accepted")
    expect(page.get_by_text("2 of 17 sentences reviewed", exact=False)).to_be_visible()

    # The screenshot for the README: the desk with one unsaved edit and its diff.
    open_row(page, third.id)
    editor(page).press("End")
    page.keyboard.type(" (checked)")
    expect(frame(page).locator(".desk-row.active").get_by_text("● unsaved changes")).to_be_visible()
    expect(frame(page).locator(".desk-row.active ins")).to_contain_text("(checked)", timeout=WAIT_MS)
    shot = tmp_path / "review.png"
    page.screenshot(path=str(shot))
    keep_screenshot(shot, SCREENSHOT)
    context.close()


def test_two_reviewers_on_one_sentence_the_second_save_is_refused(served, browser):
    from playwright.sync_api import expect

    url, db = served
    seg = segments(db)[4]
    ctx_a, anna = open_app(browser, url, "/?reviewer=Anna")
    ctx_b, ben = open_app(browser, url, "/?reviewer=Ben")
    open_row(anna, seg.id)
    open_row(ben, seg.id)
    editor(anna).fill("Anna's translation.")
    editor(ben).fill("Ben's translation.")
    editor(anna).press("Control+Enter")
    wait_until(lambda: review_of(db, seg.text))

    editor(ben).press("Control+Enter")
    box = frame(ben).locator(f".desk-row.active[data-id='{seg.id}'] .conflict")
    expect(box).to_contain_text("nothing was overwritten", timeout=WAIT_MS)
    stored = review_of(db, seg.text)
    assert (stored.final_text, stored.reviewer, stored.version) == ("Anna's translation.", "Anna", 1)
    # Ben's text is still in his editor, and both texts are on his screen.
    expect(editor(ben)).to_have_value("Ben's translation.")
    expect(box).to_contain_text("Anna's translation.")

    # Ben keeps his after seeing Anna's: a new version on top, Anna's stays in the history.
    box.get_by_role("button", name="Keep mine").click()
    wait_until(lambda: review_of(db, seg.text).version == 2)
    with Store(db) as store:
        history = store.review_history(seg.text_hash)
    assert [(h.final_text, h.reviewer) for h in history] == [("Anna's translation.", "Anna"),
                                                            ("Ben's translation.", "Ben")]
    # The history of the open sentence lists both, with their reviewers.
    ben.get_by_role("button", name="History (2)").click()
    expect(ben.get_by_text("Anna's translation.")).to_be_visible(timeout=WAIT_MS)
    ctx_a.close()
    ctx_b.close()


def test_an_unsaved_edit_is_back_after_a_reload_and_after_closing_the_tab(served, browser):
    from playwright.sync_api import expect

    url, db = served
    seg, other = segments(db)[6], segments(db)[7]
    context, page = open_app(browser, url, "/?reviewer=Clara")
    open_row(page, seg.id)
    editor(page).fill("Typed, never saved.")
    wait_until(lambda: draft_of(db, seg.text, "Clara"))  # sent as a draft once typing pauses

    page.reload()
    editor(page).wait_for(timeout=WAIT_MS)
    expect(page.get_by_role("textbox", name="Reviewer")).to_have_value("Clara")
    expect(line(page, seg.id).locator(".unsaved-flag")).to_be_visible()
    open_row(page, seg.id)
    expect(editor(page)).to_have_value("Typed, never saved.")
    assert review_of(db, seg.text) is None  # still only a draft: nothing was saved behind the reviewer's back

    # Typing and closing the tab at once: the browser kept it, and the next visit sends it on.
    open_row(page, other.id)
    editor(page).press("End")
    page.keyboard.type(" and closed at once")
    page.close()
    page = context.new_page()
    page.goto(url + "/?reviewer=Clara")
    editor(page).wait_for(timeout=WAIT_MS)
    kept = wait_until(lambda: draft_of(db, other.text, "Clara"))
    assert kept.text.endswith(" and closed at once")
    context.close()


def test_a_glossary_file_uploaded_in_the_sidebar_is_imported_and_checked(served, browser, tmp_path):
    from playwright.sync_api import expect

    url, db = served
    terms = tmp_path / "terms.csv"
    terms.write_text("danish,english\nkoalitionen,the coalition\nforsvarsminister,Minister of Defence\n",
                     encoding="utf-8")
    context, page = open_app(browser, url)
    page.get_by_text("Glossary (0 terms)").click()
    page.locator(".st-key-glossary_0 input[type=file]").set_input_files(str(terms))
    page.get_by_role("button", name="Import these terms").click()
    expect(page.get_by_text("2 terms added, 0 already there.")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("Glossary (2 terms)")).to_be_visible()
    with Store(db) as store:
        assert sorted(t.danish for t in store.terms()) == ["forsvarsminister", "koalitionen"]
    # The first sentence names the minister of defence; its English (corrected above) does not render it.
    open_row(page, segments(db)[0].id)
    expect(frame(page).locator(".desk-row.active .terms")).to_contain_text(
        "✗ forsvarsminister → Minister of Defence", timeout=WAIT_MS)
    # Typed in, the term is checked off while typing.
    editor(page).fill("The Minister of Defence met the coalition.")
    expect(frame(page).locator(".desk-row.active .terms")).to_contain_text(
        "✓ forsvarsminister → Minister of Defence", timeout=WAIT_MS)
    context.close()
