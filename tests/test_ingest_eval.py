"""The real evaluation datasets (../shared/eval) load completely; skipped when absent."""

from __future__ import annotations

import json

import pytest

from framing.ingest import load

DATASETS = {
    "basil_triplets": 300,
    "narrative_frames_climate": 428,
    "frac_sentences": 523,
    "allsides_baly_security": 3428,
}


def _line_count(folder):
    return sum(sum(1 for line in open(p, encoding="utf-8") if line.strip()) for p in sorted(folder.glob("*.jsonl")))


@pytest.mark.parametrize("name", ["basil_triplets", "narrative_frames_climate", "frac_sentences"])
def test_eval_folder_loads_every_record(eval_dir, name):
    folder = eval_dir / name
    corpus = load(folder)
    report = corpus.report
    assert _line_count(folder) == DATASETS[name] == report.records_read
    assert report.kept + len(report.merged) + len(report.skipped) == report.records_read
    assert report.skipped == []
    assert any("README.txt" in w for w in report.warnings)  # passed over, and said so
    # the inputs' own ids are kept so results join back
    first = json.loads(next(open(next(folder.glob("*.jsonl")), encoding="utf-8")))
    assert corpus.ids[0] == str(first["id"])
    assert len(report.merged) <= 0.02 * report.records_read


def test_basil_metadata(eval_dir):
    corpus = load(eval_dir / "basil_triplets")
    assert len(corpus) == 300
    assert len({a.outlet for a in corpus}) == 3
    assert all(a.published is not None and 2009 < a.published.year < 2020 for a in corpus)
    assert all(len(a.text) > 200 for a in corpus)
    assert sum(bool(a.title) for a in corpus) >= 299


def test_allsides_security_load(eval_dir):
    corpus = load(eval_dir / "allsides_baly_security")
    report = corpus.report
    assert report.records_read == 3428
    assert len(report.files_read) == 2
    assert report.kept + len(report.merged) == 3428 and report.skipped == []
    assert len(corpus) > 3400
    assert len({a.outlet for a in corpus}) > 20
    undated = 0
    for path in (eval_dir / "allsides_baly_security").glob("*.jsonl"):
        undated += sum(not json.loads(line).get("date") for line in open(path, encoding="utf-8"))
    merged_ids = {dup.split("[")[-1].rstrip("]") for _, dup, _ in report.merged}
    assert sum(a.published is None for a in corpus) <= undated
    assert sum(a.published is None for a in corpus) >= undated - len(merged_ids)
    assert not [w for w in report.warnings if "could not be parsed" in w]
    # NPR caption debris is removed, article prose is kept
    assert not any("Enlarge this image" in a.text or "toggle caption" in a.text for a in corpus)
    assert not any(line.strip() == "Advertisement" for a in corpus for line in a.text.split("\n"))
