"""The Events page with an English, an Urdu and a Hindi article about the same attack, in Chromium.

The app picks the multilingual encoder by itself (the corpus is not all English), the three
articles form one event shown side by side, each text block has ``dir="auto"`` so the Urdu one
runs right to left while English and Hindi run left to right, and the evidence is highlighted
in every column. Screenshot: ``docs/screenshots/events-multilingual.png`` with
``FRAMING_UPDATE_SCREENSHOTS=1``, else ``tests/_artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from _browser import app_server, browser_page, require_browser, settle

REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / ("docs/screenshots" if os.environ.get("FRAMING_UPDATE_SCREENSHOTS") == "1"
                else "tests/_artifacts/screenshots")
PAIRED = Path(__file__).parent / "data" / "paired_multilingual.jsonl"

pytestmark = [pytest.mark.slow, pytest.mark.browser]
sync_api = require_browser()


def test_events_page_shows_urdu_and_hindi_beside_english(tmp_path):
    rows = [json.loads(line) for line in PAIRED.read_text(encoding="utf-8").splitlines() if line.strip()]
    corpus = tmp_path / "p1.jsonl"
    corpus.write_text("\n".join(json.dumps({k: v for k, v in r.items() if k != "language"}, ensure_ascii=False)
                                for r in rows if r["pair"] == "p1") + "\n", encoding="utf-8")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with app_server(tmp_path, env={"FRAMING_APP_PATHS": str(corpus)}) as url, \
            browser_page(sync_api, width=1700, height=1500) as page:
        page.goto(url)
        page.locator(".outlet-name").first.wait_for(timeout=300_000)
        settle(page, 4000)
        names = [n.strip() for n in page.locator(".outlet-name").all_inner_texts()]
        assert sorted(names) == ["Dainik Jagran", "Dawn", "Jang"], names
        assert "multilingual" in page.get_by_test_id("stSidebar").inner_text()
        texts = page.locator(".article-text")
        assert texts.count() == 3
        direction = {}
        for i in range(3):
            block = texts.nth(i)
            assert block.get_attribute("dir") == "auto"
            assert block.locator("mark.evidence").count() > 0
            assert block.locator("mark.evidence").first.is_visible()
            direction[block.get_attribute("lang")] = block.evaluate("el => getComputedStyle(el).direction")
            marked = block.locator("mark.evidence").first.inner_text()
            assert marked and marked in block.inner_text()  # the highlight is a piece of the text itself
        assert direction == {"en": "ltr", "ur": "rtl", "hi": "ltr"}, direction
        headline = page.locator(".article-headline[lang='ur']")
        assert headline.get_attribute("dir") == "auto"
        assert headline.evaluate("el => getComputedStyle(el).direction") == "rtl"
        columns = page.locator("[data-testid='stHorizontalBlock']").filter(has=page.locator(".article-text")).last
        columns.scroll_into_view_if_needed()
        settle(page, 1000)
        columns.screenshot(path=str(SHOTS / "events-multilingual.png"))
