"""How fast the review desk keeps up with a reviewer, in a real browser, against an earlier version side by side.

Builds a throw-away store with one Danish document of N sentences (default 500, made from the
Danish seed's sentences, numbered so each is distinct), an English document, a stored MT for every
sentence (placeholder text: this measures the app, not the model), two alignment candidates per
sentence and a fifth of the sentences reviewed. Then, for the code of this work tree and for the
code of a git revision (``--baseline``, default ``main``; its ``src/`` is unpacked with ``git archive``),
each on its own copy of the store, it serves ``app.py`` on a loopback port and drives chromium:

- first render: navigation until the first sentence's editor is on screen (cold, then reloads);
- save-and-next: from the key press in an editor until the next pending sentence's editor has the
  cursor AND the decision is in the store (the earlier page needs Ctrl+Enter, then Alt+N);
- page change: from the click on page 2 until its first sentence is on screen.

It prints median and 90th percentile per measure, the ratio baseline / this tree and the machine's
load (``os.getloadavg()``) before and after. Usage:
``.venv/bin/python bench/app_open_bench.py [--sentences 500] [--rounds 15] [--baseline main|none]``.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DANISH_SEED = SEEDS / "002_35452d5bb9e7cfc4.txt"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 120_000
REVIEWER = "bench"


def build_store(folder: Path, sentences: int) -> tuple[Path, int, int]:
    """A store with an N-sentence Danish document; returns ``(db, document id, sentence count)``."""
    from bilingual.documents import load_document
    from bilingual.pipeline import add_documents, segments_to_translate
    from bilingual.segment import segment_document
    from bilingual.store import Store

    base = [s.text for s in segment_document(load_document(DANISH_SEED)) if not s.furniture]
    paragraphs, current = ["# Et langt dokument"], []
    for i in range(sentences):
        current.append(f"{base[i % len(base)].rstrip('.')} (punkt {i + 1}).")
        if len(current) == 5:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    danish_file = folder / "long-danish.md"
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


def baseline_source(ref: str, folder: Path) -> Path:
    """The ``src/`` and ``app.py`` of a git revision, unpacked into ``folder``; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / "baseline.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive), ref, "src", "app.py"],
                   check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    return folder


def summary(values: list[float]) -> tuple[float, float]:
    """Median and 90th percentile, in milliseconds."""
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p90 * 1000


def wait_stored(db_store, text_hash: str, version: int, deadline: float) -> None:
    """Poll the store until the review of ``text_hash`` reaches ``version``."""
    while time.perf_counter() < deadline:
        review = db_store.review(text_hash)
        if review is not None and review.version >= version:
            return
        time.sleep(0.005)
    raise TimeoutError(f"decision on {text_hash} never stored")


class OldPage:
    """The page before the desk: a native editor per row, Ctrl+Enter saves, Alt+N moves on."""

    def __init__(self, page):
        self.page = page

    def wait_first_render(self) -> None:
        self.page.locator('[class*="st-key-row_"] textarea').first.wait_for(timeout=WAIT_MS)

    def set_reviewer(self) -> None:
        field = self.page.get_by_role("textbox", name="Reviewer")
        field.fill(REVIEWER)
        field.press("Enter")
        self.page.get_by_text("Enter your name so your decisions carry it.").wait_for(state="detached",
                                                                                        timeout=WAIT_MS)

    def start_editor(self) -> int:
        """Put the cursor in the first pending sentence's editor; returns its segment id."""
        self.page.keyboard.press("Alt+N")
        return self.focused()

    def focused(self, other_than: int | None = None) -> int:
        handle = self.page.wait_for_function(
            "other => { const a = document.activeElement; if (!a || a.tagName !== 'TEXTAREA') return null;"
            " const r = a.closest('[class*=\"st-key-row_\"]'); if (!r) return null;"
            " const id = Number(/st-key-row_(\\d+)/.exec(r.className)[1]); return id !== other ? id : null; }",
            arg=other_than, timeout=WAIT_MS)
        return int(handle.json_value())

    def type_text(self, segment_id: int, text: str) -> None:
        area = self.page.locator(f".st-key-row_{segment_id} textarea")
        area.fill(text)

    def save_and_next(self, segment_id: int) -> int:
        self.page.locator(f".st-key-row_{segment_id} textarea").press("Control+Enter")
        self.page.locator(f".st-key-row_{segment_id}").get_by_text("Saved as", exact=False).wait_for(timeout=WAIT_MS)
        self.page.keyboard.press("Alt+N")
        return self.focused(segment_id)

    def first_row_marker(self) -> str | None:
        return self.page.locator('[class*="st-key-row_"]').first.get_attribute("class")

    def go_to_page_2(self) -> Callable[[], None]:
        marker = self.first_row_marker()
        self.page.get_by_role("button", name="Page 2", exact=True).click()
        return lambda: self.page.wait_for_function(
            "id => { const r = document.querySelector('[class*=\"st-key-row_\"]');"
            " return r && r.getAttribute('class') !== id; }", arg=marker, timeout=WAIT_MS)


class DeskPage:
    """The review desk: the grid and its editor in one component; Ctrl+Enter saves and opens the next."""

    def __init__(self, page):
        self.page = page
        self.frame = page.frame_locator("iframe[title*='desk']")

    def wait_first_render(self) -> None:
        self.frame.locator(".desk-row.active textarea").wait_for(timeout=WAIT_MS)

    def set_reviewer(self) -> None:
        pass  # the address carries the name

    def start_editor(self) -> int:
        return self.focused()

    def focused(self, other_than: int | None = None) -> int:
        frame = self.page.frame_locator("iframe[title*='desk']").locator("body")
        deadline = time.perf_counter() + WAIT_MS / 1000
        while time.perf_counter() < deadline:
            value = frame.evaluate(
                "(b, other) => { const a = document.activeElement; if (!a || a.tagName !== 'TEXTAREA') return null;"
                " const id = Number(a.closest('.desk-row').dataset.id); return id !== other ? id : null; }",
                other_than)
            if value is not None:
                return int(value)
            time.sleep(0.005)
        raise TimeoutError("no editor focused")

    def type_text(self, segment_id: int, text: str) -> None:
        self.frame.locator(f".desk-row[data-id='{segment_id}'] textarea").fill(text)

    def save_and_next(self, segment_id: int) -> int:
        self.frame.locator(f".desk-row[data-id='{segment_id}'] textarea").press("Control+Enter")
        return self.focused(segment_id)

    def first_row_marker(self) -> str | None:
        return self.frame.locator(".desk-row").first.get_attribute("data-id")

    def go_to_page_2(self) -> Callable[[], None]:
        marker = self.first_row_marker()
        self.page.get_by_role("button", name="Page 2", exact=True).click()

        def wait() -> None:
            deadline = time.perf_counter() + WAIT_MS / 1000
            while self.first_row_marker() == marker and time.perf_counter() < deadline:
                time.sleep(0.005)
        return wait


def measure(label: str, src: Path, db: Path, folder: Path, chromium: str, rounds: int) -> dict[str, list[float]]:
    """Serve the app from ``src`` on ``db`` and time first render, save-and-next and a page change."""
    from playwright.sync_api import sync_playwright

    from bilingual.app.server import serve_app
    from bilingual.segment import text_hash
    from bilingual.store import Store

    env = {"PYTHONPATH": str(src / "src")}
    results: dict[str, list[float]] = {"first render (cold)": [], "first render (reload)": [], "save-and-next": [],
                                       "page change": []}
    with Store(db) as store:
        texts = {s.id: s.text for d in store.documents(language="da")
                 for s in store.segments(d.id, include_furniture=False)}
    with serve_app(db, folder / f"{label}.log", script=src / "app.py", env=env) as url, \
            sync_playwright() as p, Store(db) as store:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        start = time.perf_counter()
        page.goto(f"{url}/?reviewer={REVIEWER}")
        is_desk = page.wait_for_function(
            "() => document.querySelector(\"iframe[title*='desk']\") ? 'desk'"
            " : document.querySelector('[class*=\"st-key-row_\"] textarea') ? 'old' : null",
            timeout=WAIT_MS).json_value() == "desk"
        driver = DeskPage(page) if is_desk else OldPage(page)
        driver.wait_first_render()
        results["first render (cold)"].append(time.perf_counter() - start)
        for _ in range(3):
            start = time.perf_counter()
            page.reload()
            driver.wait_first_render()
            results["first render (reload)"].append(time.perf_counter() - start)
        driver.set_reviewer()
        current = driver.start_editor()
        for i in range(rounds):
            driver.type_text(current, f"Corrected sentence number {i} of the bench.")
            start = time.perf_counter()
            following = driver.save_and_next(current)
            wait_stored(store, text_hash(texts[current]), 1, start + WAIT_MS / 1000)
            results["save-and-next"].append(time.perf_counter() - start)
            current = following
        for _ in range(3):
            # A reload opens page 1 again (a new session); the saves above may have walked past it.
            page.goto(f"{url}/?reviewer={REVIEWER}")
            driver.wait_first_render()
            start = time.perf_counter()
            driver.go_to_page_2()()
            results["page change"].append(time.perf_counter() - start)
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=15, help="save-and-next rounds per version")
    parser.add_argument("--baseline", default="main", help="git revision to compare with, or 'none'")
    args = parser.parse_args()
    chromium = os.environ.get("BILINGUAL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        raise SystemExit("chromium not found (apt-get install chromium, or set BILINGUAL_CHROMIUM)")
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db, _doc_id, count = build_store(folder, args.sentences)
        versions = {"this tree": ROOT}
        if args.baseline != "none":
            versions = {f"baseline {args.baseline}": baseline_source(args.baseline, folder / "baseline"), **versions}
        print(f"review app, one Danish document of {count} sentences ({count // 5 + 1} reviewed), "
              f"{os.cpu_count()} CPUs, load {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
        measured = {}
        for label, src in versions.items():
            copy = folder / f"{label.replace(' ', '-')}.sqlite3"
            shutil.copyfile(db, copy)
            measured[label] = measure(label.replace(" ", "-"), src, copy, folder, chromium, args.rounds)
        load_after = os.getloadavg()
        print(f"{'':24s}" + "".join(f"{label:>30s}" for label in measured) + ("   ratio" if len(measured) == 2 else ""))
        for name in next(iter(measured.values())):
            cells, medians = [], []
            for values in (m[name] for m in measured.values()):
                median, p90 = summary(values)
                medians.append(median)
                cells.append(f"{median:9.0f} ms (p90 {p90:6.0f})".rjust(30))
            ratio = f"  {medians[0] / medians[1]:5.1f}x" if len(medians) == 2 and medians[1] else ""
            print(f"{name:24s}" + "".join(cells) + ratio)
        print(f"load after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")


if __name__ == "__main__":
    main()
