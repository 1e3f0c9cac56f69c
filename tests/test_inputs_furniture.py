"""The plain-text furniture detector, measured on labelled pages (``tests/support/furniture_cases.py``).

The floors are the figures ``bench/furniture_eval.py`` measured when the rules were last changed
(docs/inputs.md): a rule that stops finding furniture, or starts marking article text, fails here.
"""

from __future__ import annotations

import pytest
from support.furniture_cases import CASES, HELD_OUT, measure

from bilingual.documents import parse_text


def totals(cases):
    found = furniture = wrong = article = 0
    for name, paragraphs in cases.items():
        f, fa, w, wa, _ = measure(name, paragraphs)
        found, furniture, wrong, article = found + f, furniture + fa, wrong + w, article + wa
    return found, furniture, wrong, article


@pytest.mark.parametrize(("cases", "floor"), [(CASES, 37), (HELD_OUT, 17)], ids=["written-on", "held-out"])
def test_furniture_found_and_no_article_paragraph_marked(cases, floor):
    found, furniture, wrong, article = totals(cases)
    assert found >= floor, f"{found} of {furniture} furniture paragraphs found"
    assert wrong == 0, f"{wrong} of {article} article paragraphs marked as furniture"


def test_sentences_that_look_like_furniture_stay_article_text():
    text = ("Af hensyn til økonomien skal byggeriet ske i etaper.\n\n"
            "Aftalen omfatter:\n\n- 200 nye køretøjer\n\n- et center for frivillige\n\n"
            "- Vi skal være klar, siger ministeren.\n\nSources say the figure could rise.\n")
    assert [p.furniture for p in parse_text(text, "x.txt").paragraphs] == [None] * 6
    menu = ("Forside | Indland | Udland\n\nAf Søren Ågård, 14. marts 2026\n\nDel artikel\n\n"
            "Regeringen vil bygge boliger.\n")
    assert [p.furniture for p in parse_text(menu, "y.txt").paragraphs] == ["navigation", "byline", "share bar", None]
