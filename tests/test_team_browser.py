"""A team on one PostgreSQL store: two review-app servers on two ports, one browser session on each.

The second save of a sentence is refused with both texts on screen and nothing lost, as with two
tabs on one SQLite store. The desk is driven as in tests/test_review_browser.py (its line and editor
helpers, the conflict box with "nothing was overwritten" and its "Keep mine" button).
"""

from __future__ import annotations

import pytest
from conftest import DANISH_SEED, ROOT
from support.desk import CHROMIUM_ARGS, WAIT_MS, chromium_path, editor, frame
from test_review_browser import open_app, open_row, review_of, wait_until

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
            ctx_a, anna = open_app(browser, first, "/?reviewer=Anna")
            ctx_b, ben = open_app(browser, second, "/?reviewer=Ben")
            open_row(anna, seg.id)
            open_row(ben, seg.id)
            editor(anna).fill("Anna's team translation.")
            editor(ben).fill("Ben's team translation.")
            editor(anna).press("Control+Enter")
            wait_until(lambda: review_of(db, seg.text))

            editor(ben).press("Control+Enter")
            box = frame(ben).locator(f".desk-row.active[data-id='{seg.id}'] .conflict")
            expect(box).to_contain_text("nothing was overwritten", timeout=WAIT_MS)
            stored = review_of(db, seg.text)
            assert (stored.final_text, stored.reviewer, stored.version) == ("Anna's team translation.", "Anna", 1)
            # Both texts on Ben's screen: his, still in his editor, and Anna's saved one.
            expect(editor(ben)).to_have_value("Ben's team translation.")
            expect(box).to_contain_text("Anna's team translation.")

            box.get_by_role("button", name="Keep mine").click()
            wait_until(lambda: review_of(db, seg.text).version == 2)
            ctx_a.close()
            ctx_b.close()
        finally:
            browser.close()
    with Store(db) as store:
        history = store.review_history(seg.text_hash)
    assert [(h.version, h.final_text, h.reviewer) for h in history] == [
        (1, "Anna's team translation.", "Anna"), (2, "Ben's team translation.", "Ben")]
