"""The review desk in a real browser (Playwright + Debian chromium): judging alignments, undo, the glossary,
the concordance and the alignment picture, with the store checked after each action.

The screenshots in docs/ (review-desk-*.png) are written when missing or when
``BILINGUAL_UPDATE_SCREENSHOT=1``, so a test run leaves the work tree as it was.
"""

from __future__ import annotations

import csv
import os
import shutil
import time

import pytest
from click.testing import CliRunner
from conftest import DANISH_SEED, ROOT, copy_store
from support.desk import CHROMIUM_ARGS, WAIT_MS, chromium_path, editor, frame
from test_review_browser import open_row, review_of, wait_until

from bilingual.app.server import serve_app
from bilingual.cli import main
from bilingual.judgement import load_judgement
from bilingual.pipeline import add_documents
from bilingual.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OTHER_DANISH = "Koalitionens næste møde holdes i Bruxelles.\n\nForsvarsministeren deltager ikke.\n"


def keep_screenshot(page, name: str, tmp_path) -> None:
    """A screenshot of the page for docs/, checked to hold a drawn page."""
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 20_000
    target = ROOT / "docs" / name
    if not target.exists() or os.environ.get("BILINGUAL_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, target)


@pytest.fixture(scope="module")
def served(tmp_path_factory, seeded_template):
    """The seeds translated by the tiny model, a second Danish document, and machine beads for the Danish seed:
    rank 0 to English sentence i, candidates rank 1 and 2 to the next ones; yields ``(url, db)``."""
    folder = tmp_path_factory.mktemp("desk-browser")
    db = copy_store(seeded_template, folder / "desk.sqlite3")
    other = folder / "other_da.txt"
    other.write_text(OTHER_DANISH, encoding="utf-8")
    with Store(db) as store:
        add_documents(store, [other], language="da")
        [meeting, *_] = store.segments(store.document("other_da.txt").id)
        store.save_review(meeting.text, "The coalition's next meeting is held in Brussels.", "corrected",
                          expected_version=0, reviewer="Anna")
        danish = store.document(DANISH_SEED.name)
        english = store.documents(language="en")[1]
        sources = store.segments(danish.id, include_furniture=False)
        targets = store.segments(english.id, include_furniture=False)
        beads = []
        for i, s in enumerate(sources):
            beads.append(((s.id,), (targets[i % len(targets)].id,), round(0.92 - 0.04 * i, 2), 0, "parallel"))
            beads += [((s.id,), (targets[(i + k) % len(targets)].id,), round(0.5 - 0.1 * k, 2), k,
                       "parallel candidate") for k in (1, 2)]
        store.replace_alignments(danish.id, [english.id], "parallel", {"test": True}, beads)
    with serve_app(db, folder / "streamlit.log", script=ROOT / "app.py",
                   env={"BILINGUAL_MODEL": str(folder / "no-model-needed")}) as url:
        yield url, db


@pytest.fixture(scope="module")
def browser(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


def danish(db):
    with Store(db) as store:
        doc = store.document(DANISH_SEED.name)
        return doc, store.segments(doc.id, include_furniture=False)


def open_desk(browser, url, reviewer: str, sentence=None):
    """The app with the reviewer named, on the Sentence tools tab, with ``sentence`` active."""
    context = browser.new_context(viewport={"width": 1600, "height": 1200})
    page = context.new_page()
    page.goto(f"{url}/?reviewer={reviewer}")
    editor(page).wait_for(timeout=WAIT_MS)
    page.get_by_role("tab", name="Sentence tools").click()
    page.locator(".st-key-glossary_panel").wait_for(timeout=WAIT_MS)
    if sentence is not None:
        page.locator("[class*='st-key-desk_segment_']").click()
        page.get_by_role("option").filter(has_text=sentence.stable_id).click()
        page.locator(f".st-key-history_panel_{sentence.id}").wait_for(timeout=WAIT_MS)
    return context, page


def test_no_counterpart_in_one_action_then_the_export_has_an_empty_english_side_accepted(served, browser, tmp_path):
    from playwright.sync_api import expect

    url, db = served
    doc, segs = danish(db)
    seg = segs[3]
    context, page = open_desk(browser, url, "Anna", seg)
    judge = page.locator(f".st-key-judge_{doc.id}_{seg.id}")
    expect(judge.get_by_text("aligner's choice, not judged")).to_be_visible()
    judge.get_by_role("button", name="No counterpart in these articles").click()
    expect(judge.get_by_text("no counterpart: accepted")).to_be_visible(timeout=WAIT_MS)
    expect(judge.get_by_text("Rejected (1)")).to_be_visible()
    keep_screenshot(page, "review-desk-alignment.png", tmp_path)
    out = tmp_path / "export.csv"
    result = CliRunner().invoke(main, ["export", "--out", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig", newline="") as f:
        [record] = [r for r in csv.DictReader(f) if r["id"] == seg.stable_id]
    assert (record["english"], record["english_ids"], record["alignment_status"], record["bead"]) == (
        "", "", "accepted", "1-0")
    context.close()


def _judged(db, document_id: int, segment_id: int, state: str, timeout: float = 15.0) -> bool:
    """Whether the sentence's alignment reaches ``state`` in the store within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Store(db) as store:
            if load_judgement(store, document_id, segment_id).state == state:
                return True
        time.sleep(0.2)
    return False


def test_pick_another_candidate(served, browser):
    from playwright.sync_api import expect

    url, db = served
    doc, segs = danish(db)
    seg = segs[5]
    with Store(db) as store:
        before = load_judgement(store, doc.id, seg.id)
    second = before.candidates[2]
    context, page = open_desk(browser, url, "Ben", seg)
    judge = page.locator(f".st-key-judge_{doc.id}_{seg.id}")
    judge.get_by_text("Pick another (3 ranked candidates)").click()
    expect(judge.get_by_text("current", exact=True)).to_be_visible(timeout=WAIT_MS)
    take = judge.locator(f".st-key-judge_take_{doc.id}_{seg.id}_{second.alignment_id} button")
    take.click()
    if not _judged(db, doc.id, seg.id, "accepted"):
        # a click that lands while the page is still rerunning is dropped by Streamlit; taking the same
        # candidate again is the same decision, so one more click is what a reviewer would do
        take.click()
        assert _judged(db, doc.id, seg.id, "accepted"), "the candidate was never taken"
    # the state badge, not the passing note: a later rerun may have cleared that
    expect(judge.get_by_text("accepted", exact=True)).to_be_visible(timeout=WAIT_MS)
    with Store(db) as store:
        after = load_judgement(store, doc.id, seg.id)
    assert after.current.alignment_id == second.alignment_id and after.state == "accepted"
    assert [c.alignment_id for c in after.rejected] == [before.current.alignment_id]
    expect(judge.get_by_text("Rejected (1)")).to_be_visible()
    expect(judge.get_by_role("button", name="Restore")).to_be_visible()
    context.close()


def test_undo_of_a_save_back_to_pending_and_the_history_shows_it(served, browser):
    from playwright.sync_api import expect

    url, db = served
    _, segs = danish(db)
    seg = segs[7]
    context = browser.new_context(viewport={"width": 1600, "height": 1200})
    page = context.new_page()
    page.goto(f"{url}/?reviewer=Clara")
    editor(page).wait_for(timeout=WAIT_MS)
    open_row(page, seg.id)
    editor(page).press("Control+Shift+Enter")  # accept the MT as it is
    wait_until(lambda: review_of(db, seg.text))
    context.close()

    context, page = open_desk(browser, url, "Clara", seg)
    history = page.locator(f".st-key-history_panel_{seg.id}")
    expect(history.get_by_text("v1: accepted")).to_be_visible()
    history.get_by_role("button", name="Undo: back to pending (the MT counts)").click()
    expect(history.get_by_text("now pending (v2)", exact=False)).to_be_visible(timeout=WAIT_MS)
    expect(history.get_by_text("v2: undo, back to pending")).to_be_visible()
    with Store(db) as store:
        review = store.review(seg.text_hash)
        log = store.review_log(seg.text_hash)
    assert (review.status, review.final_text, review.version, review.reviewer) == ("pending", None, 2, "Clara")
    assert [(e.action, e.restores) for e in log] == [("save", None), ("undo", 0)]
    expect(history.get_by_role("button", name="Undo", exact=True)).to_be_disabled()
    context.close()


def test_a_term_added_in_the_app_makes_the_term_check_flag_a_sentence_that_lacks_it(served, browser):
    from playwright.sync_api import expect

    url, db = served
    _, segs = danish(db)
    first = segs[0]  # "... kernelande i koalitionen mod ISIL."
    context, page = open_desk(browser, url, "Dora")
    panel = page.locator(".st-key-glossary_panel")
    panel.get_by_label("Danish term").fill("koalitionen")
    panel.get_by_label("English (several: a | b)").fill("the coalition")
    panel.get_by_role("button", name="Add term").click()
    expect(panel.get_by_text("Added: koalitionen → the coalition")).to_be_visible(timeout=WAIT_MS)
    with Store(db) as store:
        assert [(t.danish, t.english, t.source) for t in store.terms()] == [
            ("koalitionen", ("the coalition",), "review app")]
    page.get_by_role("tab", name="Sentences").click()
    open_row(page, first.id)
    flagged = frame(page).locator(f".desk-row.active[data-id='{first.id}']")
    expect(flagged.locator(".badge.qa", has_text="terminology")).to_be_visible(timeout=WAIT_MS)
    expect(flagged.locator(".qa-list")).to_contain_text("koalitionen: expected \"the coalition\"")
    context.close()


def test_the_concordance_finds_a_phrase_in_another_document(served, browser, tmp_path):
    from playwright.sync_api import expect

    url, db = served
    context, page = open_desk(browser, url, "Emil")
    panel = page.locator(".st-key-concordance_panel")
    box = panel.get_by_label("Word or phrase")
    box.fill("koalitionen")
    box.press("Enter")
    other = panel.locator(".concordance-hit").filter(has_text="other_da.txt:0:0")
    expect(other).to_be_visible(timeout=WAIT_MS)
    expect(other.locator("mark")).to_have_text("Koalitionens")
    expect(other).to_contain_text("reviewed · corrected")
    expect(other).to_contain_text("The coalition's next meeting is held in Brussels.")
    seed_hits = panel.locator(".concordance-hit").filter(has_text=DANISH_SEED.name.split(".")[0])
    assert seed_hits.count() >= 3
    expect(panel.get_by_text("hits", exact=False).first).to_be_visible()
    panel.scroll_into_view_if_needed()
    keep_screenshot(page, "review-desk-concordance.png", tmp_path)
    context.close()


def test_the_alignment_picture_is_split_by_article_with_its_legend_and_a_click_opens_the_sentence(
        served, browser, tmp_path):
    from playwright.sync_api import expect

    url, db = served
    with Store(db) as store:
        second = store.documents(language="en")[3]
    context, page = open_desk(browser, url, "Finn")
    pick = page.locator("[class*='st-key-desk_articles_'] input")
    pick.click()
    pick.fill(second.title[:25])
    page.get_by_role("option", name=second.title).click(timeout=WAIT_MS)
    page.keyboard.press("Escape")
    expect(page.locator("[class*='st-key-desk_articles_']")).to_contain_text(second.title[:25])
    page.get_by_text("Draw the alignment picture").click()
    chart = page.locator("[data-testid='stVegaLiteChart']")
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=120_000)
    expect(page.get_by_text("in 2 articles", exact=False)).to_be_visible()
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box["height"] >= 17 * 18  # a row per Danish sentence
    keep_screenshot(page, "review-desk-picture.png", tmp_path)
    # a click on a cell in the lower half of the first article opens a Danish sentence other than the first
    _, segs = danish(db)
    active = page.locator("blockquote").first
    expect(active).to_contain_text(segs[0].text[:40])
    plot = chart.locator("svg.marks, canvas.marks").first.bounding_box()
    page.mouse.click(plot["x"] + 60, plot["y"] + plot["height"] * 0.6)
    expect(active).not_to_contain_text(segs[0].text[:40], timeout=WAIT_MS)
    context.close()


def _sentence_with(segs, words: str):
    return next(s for s in segs if words in s.text)


def test_clicking_a_term_inserts_its_english_at_the_cursor(served, browser):
    from playwright.sync_api import expect

    from bilingual.termbase import add_term, make_term

    url, db = served
    _, segs = danish(db)
    seg = _sentence_with(segs, "amerikanske forsvarsminister")
    with Store(db) as store:
        add_term(store, make_term("forsvarsminister", "Secretary of Defense"))
    context = browser.new_context(viewport={"width": 1600, "height": 1200})
    page = context.new_page()
    page.goto(f"{url}/?reviewer=Gry")
    editor(page).wait_for(timeout=WAIT_MS)
    open_row(page, seg.id)
    area = editor(page)
    area.fill("It is the last meeting for the US Ash Carter.")
    # the cursor after "US ": the term goes in there, with a space before the next word
    area.evaluate("a => a.setSelectionRange(34, 34)")
    term = frame(page).locator(f".desk-row.active[data-id='{seg.id}'] button.term",
                               has_text="forsvarsminister → Secretary of Defense")
    term.click()
    expect(area).to_have_value("It is the last meeting for the US Secretary of Defense Ash Carter.")
    # the editor kept its focus and the cursor sits after the term: typing goes on from there
    page.keyboard.type("X")
    expect(area).to_have_value("It is the last meeting for the US Secretary of DefenseX Ash Carter.")
    page.keyboard.press("Backspace")
    area.press("Control+Enter")
    saved = wait_until(lambda: (r := review_of(db, seg.text)) and r.status == "corrected" and r)
    assert saved.final_text == "It is the last meeting for the US Secretary of Defense Ash Carter."
    context.close()


def test_a_shortcut_searches_the_words_selected_in_the_danish_sentence(served, browser):
    from playwright.sync_api import expect

    url, db = served
    _, segs = danish(db)
    seg = _sentence_with(segs, "amerikanske forsvarsminister")
    context = browser.new_context(viewport={"width": 1600, "height": 1200})
    page = context.new_page()
    page.goto(f"{url}/?reviewer=Hans")
    editor(page).wait_for(timeout=WAIT_MS)
    open_row(page, seg.id)
    source = frame(page).locator(f".desk-row.active[data-id='{seg.id}'] .source")
    source.evaluate("""el => {
        const node = [...el.childNodes].find(n => n.textContent.includes("forsvarsminister"));
        const at = node.textContent.indexOf("forsvarsminister");
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + "forsvarsminister".length);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }""")
    editor(page).press("Control+Shift+F")
    panel = page.locator(".st-key-concordance_panel_desk_cp")
    expect(panel).to_be_visible(timeout=WAIT_MS)
    expect(panel.get_by_label("Word or phrase")).to_have_value("forsvarsminister")
    # the inflected form in the other Danish document is found, marked, with its document
    other = panel.locator(".concordance-hit").filter(has_text="other_da.txt:1:0")
    expect(other).to_be_visible(timeout=WAIT_MS)
    expect(other.locator("mark")).to_have_text("Forsvarsministeren")
    assert panel.locator(".concordance-hit").filter(has_text=DANISH_SEED.name.split(".")[0]).count() >= 2
    page.get_by_role("button", name="Close the concordance").click()
    expect(panel).to_be_hidden(timeout=WAIT_MS)
    context.close()
