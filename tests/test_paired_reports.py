"""The paired set of the multilingual benchmark (bench/data/paired_reports.jsonl): 30 short
reports written for the benchmark, each in English, Urdu, Hindi and Russian, sentence-aligned.
No encoder is needed: these tests check that the file is what ``bench_multilingual.py
--only-paired`` assumes it is."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from framing.codebook import Codebook
from framing.language import detect_language
from framing.segment import split_spans

PATH = Path(__file__).resolve().parents[1] / "bench" / "data" / "paired_reports.jsonl"
LANGUAGES = {"en", "ur", "hi", "ru"}
FIELDS = {"id", "pair", "language", "outlet", "date", "title", "text", "intended"}


@pytest.fixture(scope="module")
def rows():
    return [json.loads(line) for line in PATH.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def pairs(rows):
    out: dict[str, dict[str, dict]] = {}
    for r in rows:
        out.setdefault(r["pair"], {})[r["language"]] = r
    return out


def test_every_report_is_there_in_four_languages(rows, pairs):
    assert all(set(r) == FIELDS for r in rows), [sorted(set(r) ^ FIELDS) for r in rows if set(r) != FIELDS]
    assert len(pairs) == 30 and len(rows) == 120
    assert all(set(by) == LANGUAGES for by in pairs.values())
    assert len({r["id"] for r in rows}) == 120
    assert all(r["id"] == f"{r['pair']}-{r['language']}" for r in rows)
    assert all(r["title"].strip() and r["text"].strip() and r["outlet"].strip() for r in rows)


def test_one_date_and_one_intended_frame_per_report_and_dates_apart(pairs):
    book = Codebook.load("south-asia-security")
    allowed = {f.id for f in book.frames} | {"neutral"}
    dates, intended = [], []
    for pair, by in pairs.items():
        assert len({r["date"] for r in by.values()}) == 1, pair
        assert len({r["intended"] for r in by.values()}) == 1, pair
        dates.append(dt.date.fromisoformat(by["en"]["date"]))
        intended.append(by["en"]["intended"])
    assert set(intended) <= allowed
    counts = Counter(intended)
    assert 4 <= counts.pop("neutral") <= 5
    assert set(counts) == allowed - {"neutral"} and min(counts.values()) >= 3 and max(counts.values()) <= 4
    gaps = [(b - a).days for a, b in zip(sorted(dates), sorted(dates)[1:])]
    assert min(gaps) > 7  # wider than the events' default date window: dates alone never merge two reports


def test_translations_are_sentence_aligned(pairs):
    for pair, by in pairs.items():
        counts = {lang: len(split_spans(r["text"])) for lang, r in by.items()}
        assert len(set(counts.values())) == 1, (pair, counts)
        assert 4 <= counts["en"] <= 6, (pair, counts)


def test_detected_language_agrees_with_the_field(rows):
    detected = [detect_language(r["title"] + "\n" + r["text"])[0] for r in rows]
    agree = sum(d == r["language"] for d, r in zip(detected, rows))
    assert agree / len(rows) >= 0.9, [(r["id"], d) for d, r in zip(detected, rows) if d != r["language"]]
