"""A JSONL file of ~200 MB is streamed: peak memory grows far less than the file size."""

from __future__ import annotations

import json
import threading
import time

import pytest

from framing.ingest import load

N_RECORDS = 100_000
N_TEMPLATES = 40

_WORDS = ("minister officials border security talks province attack police budget election court "
          "report agency council spokesman ceasefire investigation parliament protest economy treaty").split()


def _template(k: int) -> str:
    # ~2 KB of distinct prose per template (deterministic, no external text)
    sentences = []
    for j in range(18):
        words = [_WORDS[(k * 7 + j * 3 + w * w) % len(_WORDS)] for w in range(14)]
        sentences.append(f"Story {k} paragraph {j}: the " + " ".join(words) + f" were discussed on day {j + k}.")
    return " ".join(sentences)


class _PeakRSS:
    def __init__(self):
        import psutil

        self.proc = psutil.Process()
        self.base = self.peak = self.proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.base) / 2**20


@pytest.mark.slow
def test_large_jsonl_streams_in_bounded_memory(tmp_path):
    templates = [_template(k) for k in range(N_TEMPLATES)]
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(N_RECORDS):
            text = templates[i % N_TEMPLATES]
            if i % 10 == 3:  # a republished copy with a small edit: near duplicate
                text = text + f" Updated at {i % 60} minutes past the hour."
            if i % 1000 == 7:  # a record with no text: skipped and reported
                text = ""
            fh.write(json.dumps({"id": f"r{i}", "outlet": f"outlet {i % 9}", "date": "2024-03-05",
                                 "title": f"Story {i % N_TEMPLATES}", "text": text}) + "\n")
    size_mb = path.stat().st_size / 2**20
    assert size_mb > 190

    try:
        with _PeakRSS() as mem:
            corpus = load(path)
    finally:
        path.unlink()  # do not leave 300 MB behind in pytest's kept temp folders
    report = corpus.report
    assert report.records_read == N_RECORDS
    assert len(report.skipped) == N_RECORDS // 1000
    assert all(s.reason == "no text" and s.location.startswith("line ") for s in report.skipped)
    assert report.kept == N_TEMPLATES == len(corpus)
    assert report.kept + len(report.merged) + len(report.skipped) == N_RECORDS
    kinds = {kind for _, _, kind in report.merged}
    assert kinds == {"exact", "near"}
    # reading the whole file at once would need well over its size; streaming stays far below it
    print(f"peak RSS growth {mem.growth_mb:.0f} MB for a {size_mb:.0f} MB file")
    assert mem.growth_mb < min(500, size_mb), f"peak RSS grew {mem.growth_mb:.0f} MB for a {size_mb:.0f} MB file"
