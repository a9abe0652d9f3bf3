"""The Actors page in Debian's headless Chromium: on the demo corpus, Pakistan's role shares for
the three outlets (bars with intervals and one summary line per outlet) and the sentences that
cast it, highlighted by role. Screenshot to ``tests/_artifacts/screenshots/actors.png`` (to
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


def test_actors_page_shows_pakistan_across_the_three_outlets(tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with app_server(tmp_path) as url, browser_page(sync_api, height=1900) as page:
        page.goto(url)
        page.locator(".outlet-name").first.wait_for(timeout=180_000)  # the demo corpus is scored
        settle(page)
        nav(page, "Actors")
        page.locator(".role-summary").first.wait_for(timeout=180_000)  # spaCy + embeddings of the mentions
        settle(page, 4000)
        page.get_by_role("heading", name="How each outlet casts Pakistan").wait_for()
        summary = page.locator(".role-summary").all_inner_texts()
        outlets = [line.split(":")[0].strip() for line in summary]
        assert outlets == ["Arab News", "Express Tribune", "First Post"], summary
        express = next(line for line in summary if line.startswith("Express Tribune"))
        first_post = next(line for line in summary if line.startswith("First Post"))
        assert "mostly Innocent (victim)" in express, express
        assert "mostly Antagonist (villain)" in first_post, first_post
        chart = page.get_by_test_id("stVegaLiteChart").first
        chart.wait_for()
        assert chart.bounding_box()["height"] > 120
        # the sentences, highlighted by role, one column per outlet
        assert page.locator(".actor-outlet").count() >= 2
        marks = page.locator(".role-sentence mark.evidence")
        assert marks.count() >= 4 and marks.first.is_visible()
        assert page.locator(".role-sentence mark.ev-antagonist").count() >= 1
        assert page.locator(".role-sentence mark.ev-innocent").count() >= 1
        assert page.locator(".frame-legend").first.is_visible()
        texts = page.locator(".role-sentence").all_inner_texts()
        assert len(texts) == len(set(texts)), "a sentence is shown once per role"
        page.screenshot(path=str(SHOTS / "actors.png"), full_page=True)
        # the Events page marks the actor mentions by role in the article texts
        nav(page, "Events")
        page.locator(".outlet-name").first.wait_for(timeout=120_000)
        page.get_by_text("Mark actors by role (hero, villain, victim)", exact=True).click()
        page.locator(".role-legend").wait_for(timeout=180_000)
        settle(page, 3000)
        marked = page.locator(".article-text mark.evidence[class*='ev-role-']")
        assert marked.count() >= 3 and marked.first.is_visible()
        titles = marked.evaluate_all("els => els.map(e => e.title)")
        assert any("actor as Antagonist" in t or "actor as Innocent" in t for t in titles), titles[:5]
        page.screenshot(path=str(SHOTS / "events-roles.png"), full_page=True)
