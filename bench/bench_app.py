"""Benchmark: the app as a new user meets it, on the 3,428 AllSides security articles.

Starts ``streamlit run framing/app/main.py`` on ``../shared/eval/allsides_baly_security/`` (as
``framing app PATH`` does), opens it in Debian's headless Chromium (Playwright),
clicks "Score 3,428 articles", follows the progress bar until the Events page shows
the first event, then times page switches (first visit and cached), an event
selection and the Export page. Prints one line per figure and writes
``bench/_out/app_timings.json``.

The DuckDB store (embedding cache) is ``bench/_out/app-store.duckdb``: ``--fresh``
deletes it first (cold run: every sentence is embedded), otherwise a second run
measures scoring with a warm cache.

Usage (from the repo root)::

    .venv/bin/python bench/bench_app.py --fresh     # cold: embeds ~100k sentences (tens of minutes on 2 cores)
    .venv/bin/python bench/bench_app.py             # warm cache
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("FRAMING_EVAL_DIR", REPO.parent / "shared" / "eval")) / "allsides_baly_security"
OUT = REPO / "bench" / "_out"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
RUNNING = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(paths: Path | None, db: Path, log: Path, encoder: str,
           extra_env: dict | None = None) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = dict(os.environ, FRAMING_DB=str(db), FRAMING_APP_ENCODER=encoder, FRAMING_LOG_LEVEL="INFO",
               **(extra_env or {}))
    env.pop("FRAMING_APP_PATHS", None)
    if paths is not None:
        env["FRAMING_APP_PATHS"] = str(paths)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "framing/app/main.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal"],
        cwd=REPO, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"streamlit did not start; see {log}")


def _open_page(pw):
    """Debian's headless Chromium and one large page with a generous default timeout: (browser, page)."""
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    page = browser.new_page(viewport={"width": 1600, "height": 1400})
    page.set_default_timeout(600_000)
    return browser, page


def _wait_idle(page, timeout_ms: int = 600_000) -> None:
    page.wait_for_function(RUNNING, timeout=timeout_ms)


def _timed_nav(page, title: str, ready: str, timeout_ms: int = 600_000) -> float:
    """Click a page in the sidebar; seconds until ``ready`` is visible and the script is idle."""
    t = time.perf_counter()
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=timeout_ms)
    page.locator(ready).first.wait_for(timeout=timeout_ms)
    _wait_idle(page, timeout_ms)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fresh", action="store_true", help="delete the store first (cold embedding cache)")
    parser.add_argument("--paths", type=Path, default=EVAL)
    parser.add_argument("--db", type=Path, default=None, help="default: bench/_out/app-store[-ENCODER].duckdb")
    parser.add_argument("--encoder", default="sentence-transformers",
                        help="sentence-transformers (default), onnx or static")
    parser.add_argument("--shots", type=Path, default=None, help="save progress/page screenshots here")
    args = parser.parse_args()
    if not args.paths.exists():
        raise SystemExit(f"evaluation data not found at {args.paths} (see ../shared/eval/README.md)")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not installed: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    if args.db is None:
        suffix = "" if args.encoder == "sentence-transformers" else f"-{args.encoder}"
        args.db = OUT / f"app-store{suffix}.duckdb"
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the streamlit server is stopped too
    OUT.mkdir(parents=True, exist_ok=True)
    if args.fresh and args.db.exists():
        args.db.unlink()
    figures: dict[str, float | str] = {"cache": "cold" if args.fresh else "warm", "encoder": args.encoder}
    proc, url = _start(args.paths, args.db, OUT / f"bench_app_streamlit_{args.encoder}.log", args.encoder)
    try:
        with sync_playwright() as pw:
            browser, page = _open_page(pw)

            t = time.perf_counter()
            page.goto(url)
            button = page.get_by_role("button", name="Score ")
            button.wait_for(timeout=600_000)
            figures["open_and_load_s"] = round(time.perf_counter() - t, 2)
            print(f"open app + read corpus: {figures['open_and_load_s']} s", flush=True)

            t = time.perf_counter()
            button.click()
            last, shot, browsed = "", False, False
            while not page.locator(".outlet-name").first.is_visible():
                if not browsed and time.perf_counter() - t > 20:
                    # scoring runs in the background: other pages must open meanwhile
                    browsed = True
                    figures["corpus_during_scoring_s"] = round(
                        _timed_nav(page, "Corpus", "[data-testid='stMetric']"), 2)
                    figures["events_during_scoring_s"] = round(
                        _timed_nav(page, "Events", "[data-testid='stProgress']"), 2)
                    print(f"  while scoring: Corpus page in {figures['corpus_during_scoring_s']} s, back to "
                          f"Events (progress bar) in {figures['events_during_scoring_s']} s", flush=True)
                bar = page.get_by_test_id("stProgress")
                if bar.count():
                    text = bar.first.inner_text().strip()
                    step = text.split(" · ")[1] if text.count(" · ") >= 2 else text  # not the clock
                    if text and step != last:
                        print(f"  {time.perf_counter() - t:7.1f} s  {text}", flush=True)
                        last = step
                    if args.shots and not shot and "Embed" in text:
                        page.screenshot(path=str(args.shots / f"scoring-progress-{args.encoder}.png"))
                        shot = True
                page.wait_for_timeout(5000)
                if time.perf_counter() - t > 7200:
                    raise SystemExit("scoring did not finish in 2 hours")
            _wait_idle(page)
            figures["score_s"] = round(time.perf_counter() - t, 1)
            print(f"score (click -> first event shown): {figures['score_s']} s", flush=True)

            t = time.perf_counter()
            box = page.get_by_test_id("stSelectbox").filter(has_text="Event").first
            box.click()
            page.get_by_role("option").nth(3).click()
            _wait_idle(page)
            figures["select_event_s"] = round(time.perf_counter() - t, 2)

            ready = {"Events": ".outlet-name", "Outlets": "[data-testid='stVegaLiteChart']",
                     "Corpus": "[data-testid='stMetric']", "Codebook": "[data-testid='stDataFrame']",
                     "Export": "[data-testid='stDownloadButton']"}
            for round_name in ("first", "cached"):
                for title in ("Outlets", "Corpus", "Codebook", "Export", "Events"):
                    name = f"{title.lower()}_{round_name}_s"
                    figures[name] = round(_timed_nav(page, title, ready[title]), 2)
                    print(f"switch to {title} ({round_name} visit): {figures[name]} s", flush=True)
                    if args.shots and round_name == "cached" and title in ("Outlets", "Events"):
                        page.screenshot(path=str(args.shots / f"allsides-{args.encoder}-{title.lower()}.png"))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    # server-side script time per page run (framing/app/main.py logs it at INFO)
    renders = [line.split("page ", 1)[1] for line in
               (OUT / f"bench_app_streamlit_{args.encoder}.log").read_text(errors="replace").splitlines()
               if "rendered in" in line]
    figures["server_renders"] = renders[-12:]
    (OUT / f"app_timings_{args.encoder}_{figures['cache']}.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
