"""The review desk's pure app logic: the alignment picture's spec and colours, a click on it, hit highlighting."""

from __future__ import annotations

from bilingual.app.concordance_panel import highlighted
from bilingual.app.picture import RANKS, ROW_PX, Article, opened_segment, picture_spec, row_ranks
from bilingual.concordance import Hit


def test_each_cell_is_coloured_by_its_rank_in_its_row_whatever_the_spread_of_scores():
    # one row in a narrow band of scores, one row spread wide: both get a best, 2nd and 3rd
    ranks = row_ranks([[0.41, 0.43, 0.42, 0.40, 0.39], [0.9, 0.1, 0.5, 0.2, 0.2]])
    assert ranks == [["3rd", "best", "2nd", "other", "other"], ["best", "other", "2nd", "3rd", "3rd"]]
    assert row_ranks([[0.5, 0.5]]) == [["best", "best"]]


def test_the_picture_has_a_titled_panel_per_article_rows_as_tall_as_the_document_and_the_chosen_beads():
    danish = [(10 + i, f"Dansk {i}") for i in range(30)]
    articles = [Article(1, "First article", ((100, "a"), (101, "b"))), Article(2, "Second article", ((200, "c"),))]
    matrix = [[0.2, 0.3, 0.1 * (i % 5)] for i in range(30)]
    spec = picture_spec(danish, articles, matrix, {(10, 101): "accepted", (11, 200): "machine"})
    first, second = spec["hconcat"]
    assert [p["title"]["text"] for p in spec["hconcat"]] == ["First article", "Second article"]
    assert first["height"] == second["height"] == 30 * ROW_PX
    heat, beads = first["layer"]
    assert len(heat["data"]["values"]) == 60 and {c["en_id"] for c in heat["data"]["values"]} == {100, 101}
    assert [(b["da_id"], b["en_id"], b["status"]) for b in beads["data"]["values"]] == [(10, 101, "accepted")]
    assert [(b["da_id"], b["en"]) for b in second["layer"][1]["data"]["values"]] == [(11, 1)]
    # column numbers start again in each article; the rank uses every article's cells of the row
    assert {c["en"] for c in second["layer"][0]["data"]["values"]} == {1}
    assert second["layer"][0]["data"]["values"][4]["rank"] == "best"  # row 4: 0.4 beats 0.2 and 0.3
    assert heat["encoding"]["color"]["scale"]["domain"] == list(RANKS)
    assert spec["config"]["legend"]["orient"] == "bottom"
    assert [p["layer"][0]["params"][0]["name"] for p in spec["hconcat"]] == ["open_0", "open_1"]


def test_a_click_on_the_picture_opens_the_danish_sentence_of_the_cell():
    assert opened_segment({"open_0": [], "open_1": [{"da_id": 42}]}) == 42
    assert opened_segment({"open_0": []}) is None
    assert opened_segment({}) is None


def test_hits_are_highlighted_in_escaped_html():
    hit = Hit("MT", "pending", "d:0:0", "d", "T", "a <b> koalitionen & koalitionens", "", ((6, 17), (20, 32)))
    assert highlighted(hit).count("<mark") == 2
    assert "&lt;b&gt;" in highlighted(hit) and ">koalitionen</mark> &amp; <mark" in highlighted(hit)
    assert hit.marked() == "a <b> [koalitionen] & [koalitionens]"
