"""The one browser harness of the tests: a Streamlit server of the app on a free loopback port
and Debian's headless Chromium driven by Playwright (never a browser a test tool downloads)."""

from __future__ import annotations

import contextlib
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
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def require_browser():
    """Skip the calling module when Chromium or Playwright is missing; return ``playwright.sync_api``."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (make test installs Debian's chromium)", allow_module_level=True)
    return pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    """Wait until the Streamlit server at ``url`` answers its health check; fail with the
    end of ``log`` when the process exits or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the app did not start: {log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.5)


@contextlib.contextmanager
def app_server(workdir: Path, env: dict | None = None, timeout: float = 90):
    """Serve ``framing/app/main.py`` on 127.0.0.1; yields its URL. ``env`` is added to the
    environment (``FRAMING_DB`` defaults to a store in ``workdir``)."""
    port = free_port()
    full = dict(os.environ)
    full.pop("FRAMING_APP_PATHS", None)
    full.setdefault("HF_HUB_OFFLINE", "1")
    full["FRAMING_DB"] = str(workdir / "store.duckdb")
    full.update(env or {})
    log = workdir / f"streamlit-{port}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO / "framing/app/main.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal"],
            cwd=workdir, env=full, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log, timeout)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def browser_page(sync_api, width: int = 1600, height: int = 1700):
    """A fresh Chromium page (60 s default timeout)."""
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            yield page
        finally:
            browser.close()


def settle(page, ms: int = 2500) -> None:
    """Wait until Streamlit is not running a script any more, then a little longer for charts."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    page.wait_for_timeout(ms)


def nav(page, title: str) -> None:
    """Open a page from the sidebar navigation and wait for its heading."""
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    settle(page)
