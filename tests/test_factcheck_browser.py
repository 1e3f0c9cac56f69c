"""The Discrepancies tab in a real browser: a planted difference shows, its verdict is saved, survives a reload
and appears in the export (served as ``tests/test_review_browser.py`` serves the app)."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from conftest import DANISH_SEED, ROOT
from support.desk import CHROMIUM_ARGS, WAIT_MS, chromium_path, editor

from bilingual.app.server import serve_app
from bilingual.cli import main
from bilingual.factcheck.report import find_discrepancies
from bilingual.pipeline import add_documents
from bilingual.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The release says "Fra januar 2017 ... op til ca. 150 soldater"; this article moves it to January 2016.
PLANTED = "From January 2016, Denmark's contribution will consist of up to about 150 soldiers in Iraq."


def test_a_planted_discrepancy_gets_a_verdict_that_survives_a_reload_and_is_exported(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    article = tmp_path / "article.txt"
    article.write_text(f"Danish troops to Iraq\n\n{PLANTED}\n", encoding="utf-8")
    db = tmp_path / "factcheck.sqlite3"
    with Store(db) as store:
        add_documents(store, [DANISH_SEED, article])
        danish = store.document(DANISH_SEED.name)
        english = store.document("article.txt")
        source = next(s for s in store.segments(danish.id) if "150 soldater" in s.text)
        target = next(s for s in store.segments(english.id) if s.text == PLANTED)
        store.replace_alignments(danish.id, [english.id], "comparable", {"test": True},
                                 [((source.id,), (target.id,), 0.8, 0, "test")])
        found = [d for d in find_discrepancies(store, [danish]).items if d.source == "aligned"]
    assert [(d.kind, d.detail) for d in found] == [("date", "januar 2017 / January 2016")]
    key = found[0].key

    env = {"BILINGUAL_MODEL": str(tmp_path / "no-model-needed")}
    with serve_app(db, tmp_path / "streamlit.log", script=ROOT / "app.py", env=env) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1600, "height": 1100}).new_page()
            page.goto(url + "/?reviewer=Anna")
            editor(page).wait_for(timeout=WAIT_MS)
            page.get_by_role("tab", name="Discrepancies").click()
            card = page.locator(f".st-key-disc_{key[:16]}")
            expect(card).to_be_visible(timeout=WAIT_MS)
            # both facts are highlighted in their sentences
            expect(card.locator("strong", has_text="January 2016")).to_be_visible()
            expect(card.locator("strong", has_text="januar 2017")).to_be_visible()
            expect(card.get_by_text("pending", exact=True)).to_be_visible()
            card.get_by_role("button", name="Real discrepancy").click()
            expect(card.get_by_text("real discrepancy", exact=True)).to_be_visible(timeout=WAIT_MS)

            with Store(db) as store:
                saved = store.discrepancy_verdicts()[key]
            assert (saved.verdict, saved.reviewer, saved.version) == ("real discrepancy", "Anna", 1)

            page.reload()
            editor(page).wait_for(timeout=WAIT_MS)
            page.get_by_role("tab", name="Discrepancies").click()
            card = page.locator(f".st-key-disc_{key[:16]}")
            expect(card.get_by_text("real discrepancy", exact=True)).to_be_visible(timeout=WAIT_MS)
            # the verdict filter keeps it under its verdict and drops it from the pending ones
            page.get_by_role("combobox", name="Verdict").click()
            page.get_by_role("option", name="pending", exact=True).click()
            expect(page.get_by_text("0 of 1 differences shown")).to_be_visible(timeout=WAIT_MS)
        finally:
            browser.close()

    result = CliRunner().invoke(main, ["export", "--out", "-", "--format", "csv", "--db", str(db)])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(result.output))}
    row = rows[source.stable_id]
    assert (row["discrepancies"], row["discrepancy_verdicts"]) == (
        "date: januar 2017 / January 2016", "real discrepancy (Anna)")
    listed = CliRunner().invoke(main, ["discrepancies", "--format", "jsonl", "--db", str(db)])
    assert '"verdict": "real discrepancy"' in listed.output and '"reviewer": "Anna"' in listed.output
