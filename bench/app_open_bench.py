"""How long the review app takes to open a long document: the page script alone, and in a real browser.

Builds a throw-away store with one Danish document of N sentences (default 500, made from the
Danish seed's sentences, numbered so each is distinct), an English document, a stored MT for every
sentence (placeholder text: this measures the app, not the model), two alignment candidates per
sentence and a fifth of the sentences reviewed. Then it prints:

- ``load_rows``: reading the document's rows from the store;
- the page script run by Streamlit's AppTest, first run and a rerun after a save, per page size;
- with chromium: ``streamlit run app.py`` on a loopback port, time from navigation until the last
  row of the first page is on screen (cold and after a reload), a save round trip, and a page change.

Usage: ``.venv/bin/python bench/app_open_bench.py [--sentences 500] [--no-browser]``. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DANISH_SEED = SEEDS / "002_35452d5bb9e7cfc4.txt"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def build_store(folder: Path, sentences: int) -> tuple[Path, int, int]:
    """A store with an N-sentence Danish document; returns ``(db, document id, sentence count)``."""
    from bilingual.documents import load_document
    from bilingual.pipeline import add_documents, segments_to_translate
    from bilingual.segment import segment_document
    from bilingual.store import Store

    base = [s.text for s in segment_document(load_document(DANISH_SEED)) if not s.furniture]
    paragraphs, current = [], []
    for i in range(sentences):
        current.append(f"{base[i % len(base)].rstrip('.')} (punkt {i + 1}).")
        if len(current) == 5:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    danish_file = folder / "long-danish.txt"
    danish_file.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    english_lines = [line for p in sorted(SEEDS.glob("*.txt")) if p != DANISH_SEED
                     for line in p.read_text(encoding="utf-8").splitlines() if len(line.split()) > 6]
    english_file = folder / "long-english.txt"
    english_file.write_text("\n\n".join(f"{english_lines[i % len(english_lines)]} (item {i + 1})"
                                        for i in range(sentences // 2)) + "\n", encoding="utf-8")
    db = folder / "bench.sqlite3"
    with Store(db) as store:
        (danish_id, _), (english_id, _) = add_documents(store, [danish_file, english_file], language=None)
        segments = segments_to_translate(store, [danish_id])
        store.put_translations([(s.text, f"Placeholder English for sentence {i + 1}.")
                                for i, s in enumerate(segments)], "bench", {"model": "bench-placeholder"})
        targets = store.segments(english_id, include_furniture=False)
        beads = []
        for i, s in enumerate(segments):
            beads.append(((s.id,), (targets[(i // 2) % len(targets)].id,), 0.9 - (i % 7) * 0.1, 0, "bench"))
            beads.append(((s.id,), (targets[(i // 2 + 1) % len(targets)].id,), 0.2, 1, "bench"))
        store.replace_alignments(danish_id, [english_id], "parallel", {"bench": True}, beads)
        for s in segments[::5]:
            store.save_review(s.text, f"Reviewed sentence {s.id}.", "corrected", expected_version=0, reviewer="bench")
        count = len(segments)
    return db, danish_id, count


def timed(fn, repeat: int = 5) -> float:
    """Median seconds of a call."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_script(db: Path, doc_id: int) -> None:
    from streamlit.testing.v1 import AppTest

    from bilingual.app.rows import load_rows
    from bilingual.store import Store

    with Store(db) as store:
        print(f"  load_rows (store -> rows)              {timed(lambda: load_rows(store, doc_id)) * 1000:8.1f} ms")
    for size in (10, 25, 50, 100):
        firsts, reruns = [], []
        for _ in range(3):
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            at.session_state["page_size"] = size
            start = time.perf_counter()
            at.run()
            firsts.append(time.perf_counter() - start)
            assert not at.exception, at.exception
            key = next(b.key for b in at.button if (b.key or "").startswith("save_"))
            start = time.perf_counter()
            at.button(key=key).click().run()
            reruns.append(time.perf_counter() - start)
        print(f"  page script, {size:3d} rows per page: first run {statistics.median(firsts) * 1000:7.0f} ms, "
              f"rerun after a save {statistics.median(reruns) * 1000:6.0f} ms")


def bench_browser(db: Path, folder: Path, chromium: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    from bilingual.app.server import serve_app

    with serve_app(db, folder / "streamlit.log", script=ROOT / "app.py") as url:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1600, "height": 1100}).new_page()
            rows = page.locator('[class*="st-key-row_"]')
            last_row = rows.nth(9)  # the app shows 10 sentences a page unless told otherwise

            start = time.perf_counter()
            page.goto(url)
            last_row.locator("textarea").wait_for(timeout=120_000)
            cold = time.perf_counter() - start
            reloads = []
            for _ in range(3):
                start = time.perf_counter()
                page.reload()
                last_row.locator("textarea").wait_for(timeout=120_000)
                reloads.append(time.perf_counter() - start)
            first = page.locator('[class*="st-key-row_"]').first
            start = time.perf_counter()
            first.locator('[class*="st-key-save_"] button:visible').click()
            expect(first.get_by_text("Saved as", exact=False)).to_be_visible(timeout=60_000)
            save = time.perf_counter() - start
            first_id = first.get_attribute("class")
            start = time.perf_counter()
            page.get_by_role("button", name="Page 2", exact=True).click()
            page.wait_for_function(
                "id => { const r = document.querySelector('[class*=\"st-key-row_\"]');"
                " return r && r.getAttribute('class') !== id; }", arg=first_id, timeout=60_000)
            page_change = time.perf_counter() - start
            start = time.perf_counter()
            page.get_by_role("combobox", name="Sentences per page").click()
            page.get_by_role("option", name="25", exact=True).click()
            rows.nth(24).locator("textarea").wait_for(timeout=120_000)
            to_25 = time.perf_counter() - start
            browser.close()
        print(f"  open the document (first visit)        {cold:8.2f} s   (until the 10th row's editor is on screen)")
        print(f"  open the document (reload, median)     {statistics.median(reloads):8.2f} s")
        print(f"  save one sentence (click -> confirmed) {save:8.2f} s")
        print(f"  go to page 2                           {page_change:8.2f} s")
        print(f"  switch to 25 sentences a page          {to_25:8.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=500)
    parser.add_argument("--no-browser", action="store_true", help="Skip the measurement in chromium.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db, doc_id, count = build_store(folder, args.sentences)
        os.environ["BILINGUAL_DB"] = str(db)
        print(f"review app, one Danish document of {count} sentences ({count // 5} reviewed), "
              f"{os.cpu_count()} CPUs")
        bench_script(db, doc_id)
        chromium = os.environ.get("BILINGUAL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
        if args.no_browser:
            return
        if not Path(chromium).exists():
            print("  browser: chromium not found (apt-get install chromium, or set BILINGUAL_CHROMIUM)")
            return
        bench_browser(db, folder, chromium)


if __name__ == "__main__":
    main()
