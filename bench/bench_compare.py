"""Benchmark: outlet comparison statistics at scale (``framing.compare.compare``).

Synthetic score table — ``--articles`` articles (default 100,000) from ``--outlets``
outlets (default 30) with ``--measures`` score columns (default 20: 18 frames in [0, 1]
and 2 axes in [-1, 1]), random 2024 dates, 5 % of the values missing — so that only the
statistics are timed: per-outlet bootstrap means with 95 % intervals (``n_boot``
resamples), permutation tests for every outlet pair and measure (``n_perm``
permutations), Benjamini–Hochberg q-values and weekly prevalence. Distinctive terms
need article texts and are not part of this run. Prints wall time, CPU time and peak
RSS, side by side for each size in ``--sizes``.

Run from the repository root::

    .venv/bin/python bench/bench_compare.py [--sizes 10000 100000] [--outlets 30] [--measures 20]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def synthetic_scores(n: int, outlets: int, measures: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    outlet = rng.integers(0, outlets, size=n)
    frame = pd.DataFrame({
        "article_id": [f"a{i}" for i in range(n)],
        "outlet": [f"Outlet {o:02d}" for o in outlet],
        "published": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 366, size=n), unit="D"),
        "event_id": [None] * n,
    })
    shift = rng.normal(0, 0.05, size=(outlets, measures))  # real differences between outlets
    for m in range(measures):
        if m < measures - 2:
            values = np.clip(rng.beta(2, 5, size=n) + shift[outlet, m], 0, 1)
            name = f"frame:f{m:02d}"
        else:
            values = np.clip(rng.normal(0, 0.3, size=n) + shift[outlet, m], -1, 1)
            name = f"axis:a{m}"
        values[rng.random(n) < 0.05] = np.nan
        frame[name] = values
    return frame


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[10000, 100000])
    ap.add_argument("--outlets", type=int, default=30)
    ap.add_argument("--measures", type=int, default=20)
    ap.add_argument("--n-boot", type=int, default=1000)
    ap.add_argument("--n-perm", type=int, default=2000)
    args = ap.parse_args()

    import psutil

    from framing.compare import compare

    proc = psutil.Process()
    print(f"cores={os.cpu_count()}, load average {os.getloadavg()[0]:.1f}; synthetic scores, "
          f"{args.outlets} outlets x {args.measures} measures, n_boot={args.n_boot}, n_perm={args.n_perm}")
    print(f"{'articles':>9} {'wall s':>8} {'CPU s':>8} {'peak RSS MiB':>13} {'RSS before':>11} "
          f"{'means rows':>11} {'difference rows':>16} {'q < 0.05':>9}")
    for n in args.sizes:
        scores = synthetic_scores(n, args.outlets, args.measures)
        base = proc.memory_info().rss
        peak = [base]
        stop = threading.Event()

        def watch():
            while not stop.wait(0.05):
                peak[0] = max(peak[0], proc.memory_info().rss)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        t, c = time.perf_counter(), time.process_time()
        result = compare(scores, n_boot=args.n_boot, n_perm=args.n_perm)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        stop.set()
        watcher.join()
        diffs = result.differences
        print(f"{n:>9,} {wall:>8.1f} {cpu:>8.1f} {peak[0] / 2**20:>13.0f} {base / 2**20:>11.0f} "
              f"{len(result.means):>11,} {len(diffs):>16,} {int((diffs['q_value'] < 0.05).sum()):>9,}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
