"""End to end in a real browser: ``streamlit run app.py`` on a loopback port, driven by Playwright in chromium.

The store is built with the tiny test model, so the app shows real (random-weight) MT output.
The browser is Debian's chromium (``/usr/bin/chromium``; ``.ci/run`` installs it): Playwright's own
browser downloads are not used. The README's screenshot ``docs/review.png`` is written when it is
missing or when ``BILINGUAL_UPDATE_SCREENSHOT=1``, so a test run leaves the work tree as it was.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import DANISH_SEED, ROOT, copy_store

from bilingual.app.server import serve_app
from bilingual.segment import text_hash
from bilingual.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = ROOT / "docs" / "review.png"
WAIT_MS = 30_000


def chromium_path() -> str:
    """Debian's chromium, or the one BILINGUAL_CHROMIUM names."""
    for candidate in (os.environ.get("BILINGUAL_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("chromium is not installed: `apt-get install chromium` (.ci/run does it), "
                "or set BILINGUAL_CHROMIUM to a Chromium binary")


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


def open_app(browser, url: str):
    context = browser.new_context(viewport={"width": 1600, "height": 1100})
    page = context.new_page()
    page.goto(url)
    page.locator("textarea").first.wait_for(timeout=WAIT_MS)
    return context, page


def row(page, segment_id: int):
    return page.locator(f".st-key-row_{segment_id}")


def save_button(page, segment_id: int):
    """A row's save button, whose label reads Accept or Save depending on the committed text."""
    return page.locator(f".st-key-save_{segment_id} button:visible")


def set_reviewer(page, name: str) -> None:
    field = page.get_by_role("textbox", name="Reviewer")
    field.fill(name)
    field.press("Enter")
    page.get_by_text("Enter your name so your decisions carry it.").wait_for(state="detached", timeout=WAIT_MS)


def test_correct_and_accept_then_reload(served, browser, tmp_path):
    from playwright.sync_api import expect

    url, db = served
    corrected, accepted = segments(db)[0], segments(db)[1]
    context, page = open_app(browser, url)
    set_reviewer(page, "Anna")

    # Correct one translation with the keyboard: type, then Ctrl+Enter saves.
    editor = row(page, corrected.id).locator("textarea")
    editor.fill("The offensive against ISIL in Mosul was on the agenda in London today.")
    editor.press("Control+Enter")
    expect(row(page, corrected.id).get_by_text("Saved as corrected (version 1).")).to_be_visible(timeout=WAIT_MS)
    # Alt+N jumps to the next pending sentence with the cursor in its editor: no mouse needed.
    page.keyboard.press("Alt+N")
    expect(row(page, accepted.id).locator("textarea")).to_be_focused(timeout=WAIT_MS)

    # Accept another as it is.
    row(page, accepted.id).get_by_role("button", name="Accept").click()
    expect(row(page, accepted.id).get_by_text("Saved as accepted (version 1).")).to_be_visible(timeout=WAIT_MS)

    first, second = review_of(db, corrected.text), review_of(db, accepted.text)
    assert (first.status, first.final_text, first.reviewer) == (
        "corrected", "The offensive against ISIL in Mosul was on the agenda in London today.", "Anna")
    assert (second.status, second.reviewer) == ("accepted", "Anna")
    assert second.final_text == second.mt_text and second.mt_text

    # After a reload the decisions are still on screen.
    page.reload()
    page.locator("textarea").first.wait_for(timeout=WAIT_MS)
    expect(row(page, corrected.id).locator("textarea")).to_have_value(
        "The offensive against ISIL in Mosul was on the agenda in London today.")
    expect(row(page, corrected.id).get_by_text("corrected", exact=True)).to_be_visible()
    expect(row(page, accepted.id).get_by_text("accepted", exact=True).first).to_be_visible()
    expect(page.get_by_text("2 of 17 sentences reviewed")).to_be_visible()

    # The screenshot for the README: the document view with one unsaved edit and its diff.
    set_reviewer(page, "Anna")
    third = row(page, segments(db)[2].id).locator("textarea")
    third.fill(third.input_value() + " (checked)")
    page.get_by_role("textbox", name="Reviewer").click()
    expect(row(page, segments(db)[2].id).get_by_text("● unsaved changes")).to_be_visible(timeout=WAIT_MS)
    page.get_by_text("sentences reviewed").scroll_into_view_if_needed()
    shot = tmp_path / "review.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    if not SCREENSHOT.exists() or os.environ.get("BILINGUAL_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)
    context.close()


def test_two_reviewers_on_one_sentence_the_second_save_is_refused(served, browser):
    from playwright.sync_api import expect

    url, db = served
    seg = segments(db)[4]
    ctx_a, anna = open_app(browser, url)
    ctx_b, ben = open_app(browser, url)
    set_reviewer(anna, "Anna")
    set_reviewer(ben, "Ben")

    anna_editor, ben_editor = row(anna, seg.id).locator("textarea"), row(ben, seg.id).locator("textarea")
    anna_editor.fill("Anna's translation.")
    ben_editor.fill("Ben's translation.")
    save_button(anna, seg.id).click()
    expect(row(anna, seg.id).get_by_text("Saved as corrected (version 1).")).to_be_visible(timeout=WAIT_MS)

    save_button(ben, seg.id).click()
    expect(row(ben, seg.id).get_by_text("nothing was overwritten", exact=False)).to_be_visible(timeout=WAIT_MS)
    stored = review_of(db, seg.text)
    assert (stored.final_text, stored.reviewer, stored.version) == ("Anna's translation.", "Anna", 1)
    # Ben's text is still in his editor, and both texts are on his screen.
    expect(ben_editor).to_have_value("Ben's translation.")
    expect(row(ben, seg.id).get_by_text("Anna's translation.")).to_be_visible()

    # Ben keeps his after seeing Anna's: a new version on top, Anna's stays in the history.
    row(ben, seg.id).get_by_role("button", name="Keep mine").click()
    expect(row(ben, seg.id).get_by_text("Saved as corrected (version 2).")).to_be_visible(timeout=WAIT_MS)
    with Store(db) as store:
        history = store.review_history(seg.text_hash)
    assert [(h.final_text, h.reviewer) for h in history] == [("Anna's translation.", "Anna"),
                                                            ("Ben's translation.", "Ben")]
    ctx_a.close()
    ctx_b.close()


def test_an_unsaved_edit_is_back_after_a_reload(served, browser):
    from playwright.sync_api import expect

    url, db = served
    seg = segments(db)[6]
    context, page = open_app(browser, url)
    set_reviewer(page, "Clara")
    editor = row(page, seg.id).locator("textarea")
    editor.fill("Typed, never saved.")
    page.get_by_role("textbox", name="Reviewer").click()  # leaving the editor keeps the draft
    expect(row(page, seg.id).get_by_text("● unsaved changes")).to_be_visible(timeout=WAIT_MS)
    assert "reviewer=Clara" in page.url

    page.reload()
    page.locator("textarea").first.wait_for(timeout=WAIT_MS)
    expect(page.get_by_role("textbox", name="Reviewer")).to_have_value("Clara")
    expect(row(page, seg.id).locator("textarea")).to_have_value("Typed, never saved.")
    expect(row(page, seg.id).get_by_text("● unsaved changes")).to_be_visible()
    assert review_of(db, seg.text) is None  # still only a draft: nothing was saved behind the reviewer's back
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
    # The first sentence names the minister of defence; the tiny model's English does not render it.
    first = row(page, segments(db)[0].id)
    expect(first.get_by_text("forsvarsminister → Minister of Defence", exact=False)).to_be_visible(timeout=WAIT_MS)
    context.close()
