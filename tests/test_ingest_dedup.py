"""Exact and near duplicates across a whole load are kept once, and the report says which merged."""

from __future__ import annotations

import json
import random

import pytest

from framing.ingest import Deduplicator, load

STORY = (
    "Security forces in Balochistan said on Tuesday that they had arrested four suspects in connection with "
    "the bombing of a passenger train near Mach. The provincial home minister told reporters that the men had "
    "been tracked through phone records and that explosives were recovered from a house in Quetta. Relatives "
    "of the victims gathered outside the hospital, demanding compensation and better protection for the "
    "railway line, which has been attacked three times this year. Officials said the investigation was "
    "continuing and that more arrests were expected in the coming days."
)
OTHER = (
    "The central bank kept its policy rate unchanged on Monday, citing easing inflation and a stable currency. "
    "Analysts had expected the decision after consumer prices rose less than forecast in the previous month, "
    "and the governor said the bank would watch food and energy prices closely before any further move."
)


def _write(path, rows):
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_same_story_on_two_sites_kept_once(tmp_path):
    republished = "QUETTA: " + STORY + " (Reuters)"
    a = _write(tmp_path / "site_a.jsonl", [{"id": "a1", "outlet": "Dawn", "title": "Four held", "text": STORY},
                                           {"id": "a2", "outlet": "Dawn", "title": "Rates", "text": OTHER}])
    b = _write(tmp_path / "site_b.jsonl", [
        {"id": "b1", "outlet": "The News", "title": "Four arrested", "text": republished},
        {"id": "b2", "outlet": "Geo", "title": "Rates on hold", "text": "  " + OTHER.upper() + "  "},
    ])
    corpus = load([a, b])
    assert corpus.ids == ["a1", "a2"]
    merged = {dup.split("[")[-1].rstrip("]"): (kept, kind) for kept, dup, kind in corpus.report.merged}
    assert merged == {"b1": ("a1", "near"), "b2": ("a2", "exact")}
    assert all("site_b.jsonl:line" in dup for _, dup, _ in corpus.report.merged)
    assert corpus.report.records_read == 4 and corpus.report.kept == 2


def test_threshold_is_a_parameter(tmp_path):
    words = STORY.split()
    edited = " ".join(w if i % 9 else w.upper() + "X" for i, w in enumerate(words))  # ~11% of words changed
    path = _write(tmp_path / "d.jsonl", [{"id": "1", "text": STORY}, {"id": "2", "text": edited}])
    assert len(load(path, near_duplicate_threshold=0.9)) == 2  # about 0.5 Jaccard on 3-grams: not the same
    assert len(load(path, near_duplicate_threshold=0.3)) == 1
    assert len(load(path, near_duplicate_threshold=1.5)) == 2
    exact = _write(tmp_path / "e.jsonl", [{"id": "1", "text": STORY}, {"id": "2", "text": STORY}])
    assert load(exact, near_duplicate_threshold=1.5).report.merged == [("1", f"{exact}:line 2 [2]", "exact")]


def test_different_stories_are_not_merged():
    d = Deduplicator(threshold=0.8)
    rng = random.Random(1)
    vocab = [f"w{i}" for i in range(3000)]
    texts = [" ".join(rng.choice(vocab) for _ in range(120)) for _ in range(300)]
    assert all(d.check(str(i), t) is None for i, t in enumerate(texts))
    # a near copy of each (one word replaced) is found
    hits = 0
    for i, t in enumerate(texts[:50]):
        words = t.split()
        words[60] = "changed"
        hit = d.check(f"copy{i}", " ".join(words))
        hits += hit == (str(i), "near")
    assert hits >= 48


def test_many_similar_templated_texts_stay_fast():
    import time

    d = Deduplicator()
    start = time.perf_counter()
    base = " ".join(f"word{i}" for i in range(60))
    for i in range(3000):  # similar (shared 60-word tail) but below the threshold: must not go quadratic
        d.check(str(i), f"Report {i} from desk {i % 13} says " + " ".join(f"x{i}y{j}" for j in range(12)) + base)
    assert time.perf_counter() - start < 30


@pytest.mark.parametrize("bad", [0, -1])
def test_bad_threshold(bad):
    with pytest.raises(ValueError, match="near_duplicate_threshold"):
        Deduplicator(threshold=bad)
