"""The Outlets page in headless Chromium on a small corpus written here: the forest plot, the
coverage notes next to the means and the matched-differences section (the "n = 1" flag is
checked in tests/test_plots_outlets.py: which article the real model finds on-topic is not
fixed here)."""

from __future__ import annotations

import json
import re

import pytest

from _browser import app_server, browser_page, nav, require_browser, settle

pytestmark = [pytest.mark.slow, pytest.mark.browser]
sync_api = require_browser()

_LEADS = [
    "Militants attacked a checkpoint in North Waziristan; the army said foreign-backed groups were behind it.",
    "Officials blamed hybrid warfare by hostile agencies after a bomb hit a police convoy in Quetta.",
    "Rights groups said enforced disappearances rose in Balochistan as the state backed proxy militias.",
]


def _corpus(path):
    rows = []
    for i in range(9):
        outlet = ("Daily <b>One</b>", "Second *Star*")[i % 2]
        rows.append({"id": f"a{i}", "outlet": outlet, "date": f"2024-0{1 + i % 3}-1{i % 9}",
                     "title": f"Report {i}", "text": _LEADS[i % 3] + f" Story {i} adds detail from the region."})
    rows.append({"id": "solo", "outlet": "Lone Gazette", "date": "2024-02-11", "title": "Only one",
                 "text": _LEADS[0] + " The only story of this outlet."})
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_outlets_page_forest_plot_and_coverage_notes(tmp_path):
    corpus = _corpus(tmp_path / "small.jsonl")
    env = {"FRAMING_APP_PATHS": str(corpus)}
    with app_server(tmp_path, env=env) as url, browser_page(sync_api, height=3000) as page:
        page.goto(url)
        page.get_by_test_id("stSidebarNav").wait_for(timeout=150_000)
        settle(page)
        nav(page, "Outlets")
        page.get_by_text("Frames by outlet").wait_for(timeout=300_000)
        settle(page, 4000)
        body = page.locator("[data-testid='stMain']").inner_text()
        # coverage notes: every outlet, with how many of its articles are in the means
        for outlet in ("Daily <b>One</b>", "Second *Star*", "Lone Gazette"):
            assert re.search(re.escape(outlet) + r": (\d+ of \d+|all \d+) articles on-topic", body), body[:2000]
        assert "<b>" not in page.locator("[data-testid='stMain'] b").all_inner_texts()  # no raw HTML from names
        # the forest plot (small multiples) and its caption, with the single-article outlet flagged
        assert page.get_by_text("Dot: mean frame score", exact=False).first.is_visible()
        forest = page.locator("[data-testid='stVegaLiteChart']").first
        forest.wait_for()
        assert forest.bounding_box()["height"] > 150
        # the forest plot's outlet labels carry the on-topic counts next to the means
        assert re.search(r"Second \*Star\* · (\d+ of \d+ on-topic|\d+ articles)", body)
        # the frame picker of the forest plot, the matched section and its explanation
        assert page.get_by_text("Frames (those where outlets differ most first)").is_visible()
        assert "Same events, told differently?" in body and "only on the events both cover" in body
        assert page.locator("[data-testid='stVegaLiteChart']").count() >= 3
