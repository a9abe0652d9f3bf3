"""The Actors page in Debian's headless Chromium: on the demo corpus, Pakistan's role shares for
the three outlets (bars with intervals and one summary line per outlet) and the sentences that
cast it, highlighted by role. Screenshot to ``tests/_artifacts/screenshots/actors.png`` (to
``docs/screenshots/`` with ``FRAMING_UPDATE_SCREENSHOTS=1``)."""

from __future__ import annotations

import os
import re
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


#: Climate articles analysed for the browser test (the first ones of the file; the whole set
#: takes minutes to score on 2 cores). Nothing of it is written into the repository.
CLIMATE_ARTICLES = 120


def test_actors_page_on_the_climate_corpus(tmp_path, eval_dir):
    import json

    from typer.testing import CliRunner

    from framing.cli import app

    source = eval_dir / "narrative_frames_climate" / "articles.jsonl"
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()][:CLIMATE_ARTICLES]
    subset = tmp_path / "climate.jsonl"
    subset.write_text("\n".join(lines) + "\n", encoding="utf-8")
    folder = tmp_path / "climate-results"
    res = CliRunner().invoke(app, ["analyse", str(subset), "--codebook", "entity-roles", "--results", str(folder),
                                   "--no-cache", "--quiet"])
    assert res.exit_code in (0, 3), res.output
    outlets = {json.loads(line)["outlet"] for line in lines}
    SHOTS.mkdir(parents=True, exist_ok=True)
    with app_server(tmp_path, {"FRAMING_APP_RESULTS": str(folder)}) as url, \
            browser_page(sync_api, height=1900) as page:
        page.goto(url)
        page.get_by_test_id("stSidebarNav").wait_for(timeout=150_000)
        settle(page)
        nav(page, "Actors")
        page.locator(".role-summary").first.wait_for(timeout=400_000)  # spaCy + embeddings of every mention
        settle(page, 4000)
        heading = page.get_by_role("heading", name="How each outlet casts", exact=False)
        heading.wait_for()
        summary = page.locator(".role-summary").all_inner_texts()
        assert len(summary) >= 3, summary
        shown = {line.split(":")[0].strip() for line in summary}
        assert shown <= outlets, shown - outlets
        assert all(re.search(r"\d+ mentions?, mostly .+ \(\d+% \[\d+%, \d+%\]\)", line) for line in summary), summary
        chart = page.get_by_test_id("stVegaLiteChart").first
        chart.wait_for()
        assert chart.bounding_box()["height"] > 120
        assert page.locator(".role-sentence mark.evidence").count() >= 2
        caption = re.search(r"([\d,]+) scored mentions of ([\d,]+) actors in (\d+) articles",
                            page.locator("[data-testid='stMain']").inner_text())
        assert caption and CLIMATE_ARTICLES - 5 <= int(caption.group(3)) <= CLIMATE_ARTICLES, caption
        assert int(caption.group(2).replace(",", "")) >= 10, caption
        # screenshot of the chart and the per-outlet lines only: no article text from the evaluation set
        page.locator("[data-testid='stMain']").evaluate(
            "m => m.querySelectorAll('.role-sentence').forEach(e => e.style.visibility = 'hidden')")
        box = heading.bounding_box()
        last = page.locator(".role-summary").last.bounding_box()
        page.screenshot(path=str(SHOTS / "actors-climate.png"),
                        clip={"x": 0, "y": max(0, box["y"] - 160), "width": 1600,
                              "height": last["y"] + last["height"] - box["y"] + 200})
