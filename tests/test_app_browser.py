"""End to end: ``streamlit run framing/app/main.py`` opened in Debian's headless Chromium via Playwright.

Selects an event, checks that the outlet columns and the highlighted evidence are
visible, and saves screenshots of the main pages to ``tests/_artifacts/screenshots/``
(to ``docs/screenshots/`` with ``FRAMING_UPDATE_SCREENSHOTS=1``, i.e. ``make screenshots``). Uses the
system browser (``/usr/bin/chromium``, installed by ``make test``), never a browser
downloaded by a test tool.
"""

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


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with app_server(tmp_path_factory.mktemp("browser")) as url:
        yield url


@pytest.fixture(scope="module")
def page(app_url):
    with browser_page(sync_api) as pg:
        yield pg


def test_events_side_by_side_in_a_real_browser(page, app_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(app_url)
    # first load: the model loads and the demo corpus is scored (progress bar), then the event shows
    page.locator(".outlet-name").first.wait_for(timeout=150_000)
    settle(page)

    # choose an event from the list
    events_box = page.get_by_test_id("stSelectbox").filter(has_text="Event").first
    events_box.click()
    options = page.get_by_role("option")
    options.first.wait_for()
    n_events = options.count()
    assert n_events >= 1
    options.nth(n_events - 1).click()
    settle(page)
    assert page.locator(".outlet-name").count() >= 1
    assert page.locator(".article-text mark.evidence").first.is_visible()

    # the article picker: one column per outlet, evidence highlighted in each
    page.get_by_text("Pick articles", exact=True).click()
    page.wait_for_function("() => document.querySelectorAll('.outlet-name').length === 3", timeout=60_000)
    settle(page)
    names = [n.strip() for n in page.locator(".outlet-name").all_inner_texts()]
    assert names == ["Arab News", "Express Tribune", "First Post"]
    for i in range(3):
        column_text = page.locator(".article-text").nth(i)
        assert column_text.locator("mark.evidence").count() > 0
        assert column_text.locator("mark.evidence").first.is_visible()
    assert page.locator(".frame-legend").first.is_visible()
    # frame bars and axis charts are drawn
    assert page.locator("[data-testid='stVegaLiteChart']").count() >= 6
    page.screenshot(path=str(SHOTS / "events.png"), full_page=False)

    nav(page, "Outlets")
    page.get_by_text("Frames by outlet").wait_for()
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for()
    page.screenshot(path=str(SHOTS / "outlets.png"), full_page=True)

    nav(page, "Corpus")
    page.get_by_text("Ingest report").wait_for()
    page.screenshot(path=str(SHOTS / "corpus.png"), full_page=True)

    nav(page, "Codebook")
    page.get_by_text("South-Asia security frames").first.wait_for()
    page.screenshot(path=str(SHOTS / "codebook.png"), full_page=False)
    for name in ("events", "outlets", "corpus", "codebook"):
        assert (SHOTS / f"{name}.png").stat().st_size > 20_000
