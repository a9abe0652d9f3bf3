"""Benchmark: a bounded load test of the app on the demo corpus, loopback only.

Starts ``framing app`` (127.0.0.1, a free port, a fresh store), warms it with one session
(the model loads and the demo corpus is scored once), times one session alone (the baseline),
then opens ``--sessions`` browser
sessions at once (one headless Chromium, one context per session: separate cookies and
Streamlit sessions) and, in each, times: the Events page until the outlet columns show,
then the Outlets, Corpus, Codebook and Export pages until their heading and content show.
Prints, per page, the median, 90th percentile and slowest time over the sessions, the
errors seen, and the server's peak memory; writes ``bench/_out/app_load.json``.

Nothing leaves loopback: every request to another host is aborted and counted.

Usage (from the repo root)::

    .venv/bin/python bench/bench_app_load.py --sessions 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "_out"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
PAGES = [("Outlets", "text=Frames by outlet"), ("Corpus", "text=Ingest report"),
         ("Codebook", "text=South-Asia security frames"), ("Export", "text=Download all")]


def _start(port: int, store: Path) -> subprocess.Popen:
    env = dict(os.environ, FRAMING_DB=str(store), HF_HUB_OFFLINE="1")
    env.pop("FRAMING_APP_PATHS", None)
    framing = Path(sys.executable).with_name("framing")  # the console script beside this interpreter
    proc = subprocess.Popen([str(framing), "app", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the app did not start")


def _peak_rss(pid: int, stop: threading.Event, peak: list) -> None:
    import psutil

    root = psutil.Process(pid)
    while not stop.wait(0.2):
        try:
            rss = sum(p.memory_info().rss for p in [root] + root.children(recursive=True))
        except psutil.Error:
            continue
        peak[0] = max(peak[0], rss)


async def _session(browser, url: str, outside: list, errors: list) -> dict:
    context = await browser.new_context(viewport={"width": 1400, "height": 1200})
    page = await context.new_page()
    page.set_default_timeout(600_000)

    async def guard(route):
        if (urlparse(route.request.url).hostname or "") not in ("127.0.0.1", "localhost"):
            outside.append(route.request.url)
            await route.abort()
        else:
            await route.continue_()

    await page.route("**/*", guard)
    times = {}
    try:
        t = time.perf_counter()
        await page.goto(url)
        await page.locator(".outlet-name").first.wait_for()
        await page.wait_for_function(IDLE)
        times["Events"] = time.perf_counter() - t
        for title, content in PAGES:
            t = time.perf_counter()
            await page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
            await page.get_by_role("heading", name=title).first.wait_for()
            await page.locator(content).first.wait_for()
            await page.wait_for_function(IDLE)
            times[title] = time.perf_counter() - t
    except Exception as exc:  # a failed session is a finding, not a crash of the benchmark
        errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
    finally:
        await context.close()
    return times


async def _run(url: str, n: int) -> tuple[list[dict], dict, list, list, float]:
    from playwright.async_api import async_playwright

    outside, errors = [], []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        await _session(browser, url, outside, errors)  # warm-up: model load + scoring of the demo
        alone = await _session(browser, url, outside, errors)  # the baseline: one session, warm server
        t = time.perf_counter()
        results = await asyncio.gather(*[_session(browser, url, outside, errors) for _ in range(n)])
        wall = time.perf_counter() - t
        await browser.close()
    return results, alone, outside, errors, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--port", type=int, default=8611)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        proc = _start(args.port, Path(tmp) / "store.duckdb")
        stop, peak = threading.Event(), [0]
        watcher = threading.Thread(target=_peak_rss, args=(proc.pid, stop, peak), daemon=True)
        watcher.start()
        try:
            results, alone, outside, errors, wall = asyncio.run(_run(f"http://127.0.0.1:{args.port}", args.sessions))
        finally:
            stop.set()
            proc.terminate()
            proc.wait(timeout=30)
    report = {"sessions": args.sessions, "wall_s": round(wall, 2), "server_peak_mib": round(peak[0] / 2**20),
              "errors": errors, "requests_outside_loopback": len(outside), "pages": {}}
    print(f"{args.sessions} concurrent sessions on the demo corpus, loopback; wall {wall:.1f} s; "
          f"server peak {peak[0] / 2**20:,.0f} MiB; errors {len(errors)}; requests outside loopback {len(outside)}")
    print(f"{'page':<10} {'alone s':>8} {'n':>3} {'median s':>9} {'p90 s':>7} {'max s':>7}")
    for title in ["Events"] + [p for p, _ in PAGES]:
        values = sorted(r[title] for r in results if title in r)
        if not values:
            continue
        p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
        single = alone.get(title, float("nan"))
        report["pages"][title] = {"alone_s": round(single, 2), "n": len(values),
                                  "median_s": round(statistics.median(values), 2), "p90_s": round(p90, 2),
                                  "max_s": round(values[-1], 2)}
        print(f"{title:<10} {single:>8.2f} {len(values):>3} {statistics.median(values):>9.2f} {p90:>7.2f} "
              f"{values[-1]:>7.2f}")
    for error in errors:
        print("error:", error)
    (OUT / "app_load.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
