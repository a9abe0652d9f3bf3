"""End to end: ``streamlit run framing/app/main.py`` opened in Debian's headless Chromium via Playwright.

Selects an event, checks that the outlet columns and the highlighted evidence are
visible, and saves screenshots of the main pages to ``tests/_artifacts/screenshots/``
(to ``docs/screenshots/`` with ``FRAMING_UPDATE_SCREENSHOTS=1``, i.e. ``make screenshots``). Uses the
system browser (``/usr/bin/chromium``, installed by ``make test``), never a browser
downloaded by a test tool.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("FRAMING_CHROMIUM", "/usr/bin/chromium"))
REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / ("docs/screenshots" if os.environ.get("FRAMING_UPDATE_SCREENSHOTS") == "1"
                else "tests/_artifacts/screenshots")

pytestmark = [pytest.mark.slow, pytest.mark.browser]

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not installed (make test installs Debian's chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    port = _free_port()
    env = dict(os.environ)
    env["FRAMING_DB"] = str(tmp_path_factory.mktemp("browser") / "store.duckdb")
    env.pop("FRAMING_APP_PATHS", None)
    log = tmp_path_factory.getbasetemp() / "streamlit.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO / "framing/app/main.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def page(app_url):
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1600, "height": 1700}, device_scale_factor=1)
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        yield pg
        browser.close()


def _settle(page, ms: int = 2500) -> None:
    """Wait until Streamlit is not running a script any more, then a little longer for charts."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    page.wait_for_timeout(ms)


def _nav(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    _settle(page)


def test_events_side_by_side_in_a_real_browser(page, app_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(app_url)
    # first load: the model loads and the demo corpus is scored (progress bar), then the event shows
    page.locator(".outlet-name").first.wait_for(timeout=150_000)
    _settle(page)

    # choose an event from the list
    events_box = page.get_by_test_id("stSelectbox").filter(has_text="Event").first
    events_box.click()
    options = page.get_by_role("option")
    options.first.wait_for()
    n_events = options.count()
    assert n_events >= 1
    options.nth(n_events - 1).click()
    _settle(page)
    assert page.locator(".outlet-name").count() >= 1
    assert page.locator(".article-text mark.evidence").first.is_visible()

    # the article picker: one column per outlet, evidence highlighted in each
    page.get_by_text("Pick articles", exact=True).click()
    page.wait_for_function("() => document.querySelectorAll('.outlet-name').length === 3", timeout=60_000)
    _settle(page)
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

    _nav(page, "Outlets")
    page.get_by_text("Frames by outlet").wait_for()
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for()
    page.screenshot(path=str(SHOTS / "outlets.png"), full_page=True)

    _nav(page, "Corpus")
    page.get_by_text("Ingest report").wait_for()
    page.screenshot(path=str(SHOTS / "corpus.png"), full_page=True)

    _nav(page, "Codebook")
    page.get_by_text("South-Asia security frames").first.wait_for()
    page.screenshot(path=str(SHOTS / "codebook.png"), full_page=False)
    for name in ("events", "outlets", "corpus", "codebook"):
        assert (SHOTS / f"{name}.png").stat().st_size > 20_000
