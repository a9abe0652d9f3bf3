"""Benchmark: the app on a large results folder (100k articles), in a real browser.

Opens a results folder written by the streaming engine — by default the 100,000-article
folder ``bench/bench_scale.py --keep bench/_out/scale`` leaves (synthetic articles
RESAMPLED from real sentences of ../shared/eval, scored with the static encoder; see
that script) — and measures:

* in this process: opening it with ``Results.open`` (DuckDB reads the score table and builds
  the event list) and the first outlet comparison of the 20 biggest outlets (bootstrap
  intervals, permutation tests, distinctive terms over their texts), each with peak RSS;
* in Debian's headless Chromium (Playwright) against ``streamlit run framing/app/main.py`` with
  ``FRAMING_APP_RESULTS``: first load until the first event is shown side by side, a
  search of the event list, the next page of the list, selecting an event, and switching
  between every page twice (first visit, then cached), each until the page's content is
  visible and the script has finished.

Prints one line per figure and writes ``bench/_out/app_large_timings.json``.

Usage (from the repo root)::

    .venv/bin/python bench/bench_scale.py --sizes 100000 --transformer-size 0 --keep bench/_out/scale
    .venv/bin/python bench/bench_app_large.py [--folder DIR] [--fresh-comparison] [--shots DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

from bench_app import CHROMIUM, OUT, _open_page, _timed_nav, _wait_idle  # noqa: E402
from bench_scale import PeakRSS  # noqa: E402

DEFAULT = OUT / "scale" / "scale-100000-static" / "run-100000"
READY = {"Events": ".outlet-name", "Outlets": "[data-testid='stVegaLiteChart']",
         "Corpus": "[data-testid='stMetric']", "Codebook": "[data-testid='stDataFrame']",
         "Export": "[data-testid='stDownloadButton']", "Annotate": "[data-testid='stAlert']"}


def _start(folder: Path, log: Path):
    import bench_app

    return bench_app._start(None, OUT / "app-large-unused.duckdb", log, "static",
                            extra_env={"FRAMING_APP_RESULTS": str(folder)})


def _timed(page, action) -> float:
    t = time.perf_counter()
    action()
    page.wait_for_timeout(150)  # let the rerun start
    _wait_idle(page)
    page.locator(".outlet-name").first.wait_for()
    return round(time.perf_counter() - t, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", type=Path, default=DEFAULT, help="results folder (default: %(default)s)")
    parser.add_argument("--fresh-comparison", action="store_true",
                        help="delete the folder's cached comparison first (measures computing it)")
    parser.add_argument("--search", default="pakistan", help="search term typed into the event list")
    parser.add_argument("--shots", type=Path, default=None, help="save page screenshots here")
    args = parser.parse_args()
    if not (args.folder / "result.json").exists():
        raise SystemExit(f"{args.folder} is not a results folder; build it first (see the docstring)")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not installed: apt-get install -y chromium")
    import psutil
    from playwright.sync_api import sync_playwright

    from framing.results import TOP_OUTLETS, Results

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    figures: dict = {"folder": str(args.folder)}
    if args.fresh_comparison:
        shutil.rmtree(args.folder / "comparison", ignore_errors=True)

    base = psutil.Process().memory_info().rss
    with PeakRSS() as m:
        db = Results.open(args.folder)
    figures.update(articles=db.n_articles, events=db.n_events, multi_outlet_events=db.n_multi_outlet_events,
                   open_s=round(m.seconds, 2), open_peak_mib=round((m.peak - base) / 2**20, 1))
    print(f"Results.open: {db.n_articles:,} articles, {db.n_events:,} events: {m.seconds:.2f} s, "
          f"peak RSS +{(m.peak - base) / 2**20:.0f} MiB", flush=True)
    outlets = list(db.outlet_counts().index[:TOP_OUTLETS])
    cached = any((args.folder / "comparison").glob("*/tables.json"))
    with PeakRSS() as m:
        db.comparison(outlets)
    figures.update(comparison_s=round(m.seconds, 2), comparison_peak_mib=round((m.peak - base) / 2**20, 1),
                   comparison_was_cached=cached)
    print(f"comparison of the {len(outlets)} biggest outlets ({'read from cache' if cached else 'computed'}): "
          f"{m.seconds:.1f} s, peak RSS +{(m.peak - base) / 2**20:.0f} MiB", flush=True)
    for name, fn in [("events_page", lambda: db.events_page(args.search, page=2)),
                     ("event_articles", lambda: db.event_articles(db.events_page()[1]["event_id"][0]))]:
        t = time.perf_counter()
        fn()
        figures[f"query_{name}_s"] = round(time.perf_counter() - t, 3)
    db.close()

    log = OUT / "bench_app_large_streamlit.log"
    proc, url = _start(args.folder, log)
    try:
        with sync_playwright() as pw:
            browser, page = _open_page(pw)
            t = time.perf_counter()
            page.goto(url)
            page.locator(".outlet-name").first.wait_for()
            _wait_idle(page)
            figures["first_load_s"] = round(time.perf_counter() - t, 2)
            print(f"first load (server opens the folder, first event side by side): {figures['first_load_s']} s",
                  flush=True)
            if args.shots:
                args.shots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.shots / "large-events.png"))

            search = page.get_by_label("Search events (headline, label or outlet)")
            figures["search_s"] = _timed(page, lambda: (search.fill(args.search), search.press("Enter")))
            print(f"search {args.search!r}: {figures['search_s']} s", flush=True)
            number = page.get_by_test_id("stNumberInput").locator("input").first
            figures["next_page_s"] = _timed(page, lambda: (number.fill("2"), number.press("Enter")))
            print(f"page 2 of the matches: {figures['next_page_s']} s", flush=True)

            def pick():
                page.get_by_test_id("stSelectbox").filter(has_text="Event").first.click()
                options = page.get_by_role("option")
                options.first.wait_for()
                options.nth(min(3, options.count() - 1)).click()

            figures["select_event_s"] = _timed(page, pick)
            print(f"select an event: {figures['select_event_s']} s", flush=True)
            for round_name in ("first", "cached"):
                for title in ("Outlets", "Corpus", "Codebook", "Export", "Annotate", "Events"):
                    name = f"{title.lower()}_{round_name}_s"
                    figures[name] = round(_timed_nav(page, title, READY[title]), 2)
                    print(f"switch to {title} ({round_name} visit): {figures[name]} s", flush=True)
                    if args.shots and round_name == "cached" and title in ("Outlets", "Corpus"):
                        page.screenshot(path=str(args.shots / f"large-{title.lower()}.png"), full_page=True)
            switches = [v for k, v in figures.items() if k.endswith("_cached_s")]
            figures["max_cached_switch_s"] = max(switches)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    renders = [line.split("page ", 1)[1] for line in log.read_text(errors="replace").splitlines()
               if "rendered in" in line]
    figures["server_renders"] = renders[-12:]
    (OUT / "app_large_timings.json").write_text(json.dumps(figures, indent=2, default=str))
    print(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
