"""A team on one PostgreSQL store: two review-app servers on two ports, one browser session on each.

The second save of a sentence is refused with both texts on screen and nothing lost, as with two
tabs on one SQLite store. The page is driven through the selectors of tests/test_review_browser.py
(``.st-key-row_ID``, ``.st-key-save_ID``, the Reviewer textbox, the "nothing was overwritten" and
"Saved as ... (version N)." messages and the "Keep mine" button).
"""

from __future__ import annotations

import pytest
from conftest import DANISH_SEED, ROOT
from test_review_browser import CHROMIUM_ARGS, WAIT_MS, chromium_path, open_app, row, save_button, set_reviewer

from bilingual.app.server import serve_app
from bilingual.store import Store
from bilingual.store.copy import copy_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def team(tmp_path_factory, seeded_template, pg_server):
    """The seeded store copied into a PostgreSQL database, and two app servers on it; yields both URLs and the db."""
    folder = tmp_path_factory.mktemp("team")
    db = pg_server.new_database("team")
    with Store(seeded_template) as source, Store(db) as target:
        copy_store(source, target)
    env = {"BILINGUAL_MODEL": str(folder / "no-model-needed")}
    with serve_app(db, folder / "first.log", script=ROOT / "app.py", env=env) as first, \
            serve_app(db, folder / "second.log", script=ROOT / "app.py", env=env) as second:
        assert first != second
        yield first, second, db


def test_two_servers_on_one_postgresql_store_refuse_the_second_save(team):
    from playwright.sync_api import expect, sync_playwright

    first, second, db = team
    with Store(db) as store:
        seg = store.segments(store.document(DANISH_SEED.name).id, include_furniture=False)[3]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            ctx_a, anna = open_app(browser, first)
            ctx_b, ben = open_app(browser, second)
            set_reviewer(anna, "Anna")
            set_reviewer(ben, "Ben")
            row(anna, seg.id).locator("textarea").fill("Anna's team translation.")
            row(ben, seg.id).locator("textarea").fill("Ben's team translation.")
            save_button(anna, seg.id).click()
            expect(row(anna, seg.id).get_by_text("Saved as corrected (version 1).")).to_be_visible(timeout=WAIT_MS)

            save_button(ben, seg.id).click()
            expect(row(ben, seg.id).get_by_text("nothing was overwritten", exact=False)).to_be_visible(
                timeout=WAIT_MS)
            with Store(db) as store:
                stored = store.review(seg.text_hash)
            assert (stored.final_text, stored.reviewer, stored.version) == ("Anna's team translation.", "Anna", 1)
            # Both texts on Ben's screen: his, still in his editor, and Anna's saved one.
            expect(row(ben, seg.id).locator("textarea")).to_have_value("Ben's team translation.")
            expect(row(ben, seg.id).get_by_text("Anna's team translation.")).to_be_visible()

            row(ben, seg.id).get_by_role("button", name="Keep mine").click()
            expect(row(ben, seg.id).get_by_text("Saved as corrected (version 2).")).to_be_visible(timeout=WAIT_MS)
            ctx_a.close()
            ctx_b.close()
        finally:
            browser.close()
    with Store(db) as store:
        history = store.review_history(seg.text_hash)
    assert [(h.version, h.final_text, h.reviewer) for h in history] == [
        (1, "Anna's team translation.", "Anna"), (2, "Ben's team translation.", "Ben")]
