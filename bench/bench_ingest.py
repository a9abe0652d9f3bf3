"""Ingest benchmark: the 3,428 real AllSides security articles into a temporary DuckDB store.

Run from the repository root::

    .venv/bin/python bench/bench_ingest.py [--folder DIR] [--repeat N]

Reports, for ``framing.ingest.ingest`` (parse + boilerplate + ids + exact/near
duplicate detection + sentence segmentation + DuckDB insert): articles/s, MB/s,
sentences stored, duplicates merged, skipped records, and the peak resident memory
of the process (RSS, sampled every 20 ms). The parse/clean/dedup stage alone
(``framing.ingest.load`` without a store) and segmentation alone are timed too.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = Path(os.environ.get("FRAMING_EVAL_DIR", REPO.parent / "shared" / "eval")) / "allsides_baly_security"


class PeakRSS:
    """Sample the process's resident set size in a background thread."""

    def __init__(self, interval: float = 0.02):
        import psutil

        self.proc = psutil.Process()
        self.interval = interval
        self.start_rss = self.peak = self.proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=1, help="repeat the full ingest N times (best time kept)")
    args = parser.parse_args()
    if not args.folder.is_dir():
        print(f"bench_ingest: evaluation data not found at {args.folder} (needs ../shared/eval)", file=sys.stderr)
        return 1

    sys.path.insert(0, str(REPO))
    from framing.ingest import ingest, load
    from framing.segment import split_spans
    from framing.store import Store

    files = sorted(args.folder.glob("*.jsonl"))
    size_mb = sum(p.stat().st_size for p in files) / 2**20
    cpus = os.cpu_count()
    load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    # 1. parse + clean + dedup only (no store)
    t0 = time.perf_counter()
    corpus = load(args.folder)
    t_load = time.perf_counter() - t0

    # 2. segmentation only
    t0 = time.perf_counter()
    n_sent = sum(len(split_spans(a.text)) for a in corpus)
    t_seg = time.perf_counter() - t0
    n_articles = len(corpus)
    del corpus

    # 3. the full ingest into a fresh DuckDB file (what `framing ingest` does)
    best = None
    with PeakRSS() as mem:
        for _ in range(max(1, args.repeat)):
            with tempfile.TemporaryDirectory() as tmp:
                with Store(Path(tmp) / "bench.duckdb") as store:
                    t0, c0 = time.perf_counter(), time.process_time()
                    report = ingest(args.folder, store)
                    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
                    stored = store.article_count()
                    # 4. re-ingest the same files: recognised, nothing added
                    t0 = time.perf_counter()
                    again = ingest(args.folder, store)
                    t_again = time.perf_counter() - t0
                    assert store.article_count() == stored and again.already_stored == again.kept
            if best is None or elapsed < best[0]:
                best = (elapsed, report, stored, t_again, cpu)
    elapsed, report, stored, t_again, cpu = best
    kinds = {"exact": 0, "near": 0}
    for _, _, kind in report.merged:
        kinds[kind] += 1

    print(f"input: {args.folder} ({len(files)} JSONL files, {size_mb:.1f} MB, {report.records_read} records)")
    print(f"machine: {cpus} CPU cores, 1-min load average at start {load1:.1f} (shared with other work)")
    print(f"ingest into DuckDB: {elapsed:.1f} s = {report.records_read / elapsed:.0f} articles/s, "
          f"{size_mb / elapsed:.2f} MB/s; CPU time {cpu:.1f} s = {report.records_read / cpu:.0f} articles per CPU-second")
    print(f"  kept {report.kept}, stored {stored}, merged {len(report.merged)} "
          f"(exact {kinds['exact']}, near {kinds['near']}), skipped {len(report.skipped)}, "
          f"warnings {len(report.warnings)}")
    print(f"  peak RSS: {mem.peak / 2**20:.0f} MiB (process start of ingest {mem.start_rss / 2**20:.0f} MiB, "
          f"growth {(mem.peak - mem.start_rss) / 2**20:.0f} MiB)")
    print(f"  re-ingest of the same files: {t_again:.1f} s, {again.already_stored} already stored, 0 added")
    print(f"stages: parse+clean+dedup (load, no store) {t_load:.1f} s = {n_articles / t_load:.0f} articles/s; "
          f"segmentation {t_seg:.2f} s = {n_sent / t_seg:.0f} sentences/s ({n_sent} sentences)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
