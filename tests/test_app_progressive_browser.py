"""Progressive scoring of a big corpus in Debian's headless Chromium: the first look (static
encoder) appears, the banner shows "Refining with all-MiniLM-L6-v2 … n / N" while the page stays
as it is, and the refined results replace it only after the click. The demo corpus stands in for
a big one (``FRAMING_APP_AUTO_SCORE=1``); ``FRAMING_APP_REFINE_PAUSE`` keeps the first look on
screen long enough to look at. Screenshot: ``tests/_artifacts/screenshots/first-look.png`` (to
``docs/screenshots/`` with ``FRAMING_UPDATE_SCREENSHOTS=1``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from _browser import app_server, browser_page, nav, require_browser, settle

REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / ("docs/screenshots" if os.environ.get("FRAMING_UPDATE_SCREENSHOTS") == "1"
                else "tests/_artifacts/screenshots")

pytestmark = [pytest.mark.slow, pytest.mark.browser]
sync_api = require_browser()


def _sidebar_scores(page) -> str:
    return page.get_by_test_id("stSidebar").inner_text()


def test_first_look_then_refined_results_on_request(tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    env = {"FRAMING_APP_AUTO_SCORE": "1", "FRAMING_APP_REFINE_PAUSE": "10"}
    with app_server(tmp_path, env=env) as url, browser_page(sync_api, height=1500) as page:
        page.goto(url)
        nav(page, "Events")
        page.get_by_role("button", name="Score 5 articles").click()
        # the first look: article cards with static-encoder scores, and the banner
        page.get_by_text("scores from the static encoder", exact=False).first.wait_for(timeout=180_000)
        page.locator(".outlet-name").first.wait_for(timeout=60_000)
        settle(page)
        assert "first look (static encoder)" in _sidebar_scores(page)
        page.get_by_text("not grouped into events yet", exact=False).wait_for()
        first_cards = page.locator(".outlet-name").all_inner_texts()
        assert len(first_cards) == 3, first_cards
        # refining: the progress line names the encoder and counts
        refining = page.get_by_text("Refining with all-MiniLM-L6-v2", exact=False).first
        refining.wait_for(timeout=120_000)
        assert "/" in refining.inner_text()
        page.screenshot(path=str(SHOTS / "first-look.png"), full_page=True)
        # refined results wait for the click; the page keeps the first look meanwhile
        button = page.get_by_role("button", name="Show the refined results")
        button.wait_for(timeout=240_000)
        page.get_by_text("are ready", exact=False).first.wait_for()
        assert page.get_by_text("not grouped into events yet", exact=False).count() == 1
        assert page.locator(".outlet-name").all_inner_texts() == first_cards
        button.click()
        settle(page)
        page.get_by_text("scores from the static encoder", exact=False).first.wait_for(state="detached",
                                                                           timeout=60_000)
        page.get_by_text("not grouped into events yet", exact=False).wait_for(state="detached", timeout=60_000)
        page.locator(".outlet-name").first.wait_for(timeout=60_000)
        assert "scored" in _sidebar_scores(page)
        # another page opens straight on the refined results, without a banner
        nav(page, "Outlets")
        page.get_by_role("heading", name="Frames by outlet").wait_for(timeout=120_000)
        assert page.get_by_text("scores from the static encoder", exact=False).count() == 0
