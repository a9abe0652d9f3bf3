"""Progress of the long commands (issue 18 item 3), embeddings once per cross-validation
(issue 19 item 3) and `framing train` stopping on unusable labels (issue 19 item 5)."""

from __future__ import annotations

import io
import json
import re

import numpy as np
from typer.testing import CliRunner

from framing.cli import app
from framing.cli._progress import Progress

ECON = ["The tax on fuel raises the cost of living.", "Jobs and wages fell as prices rose.",
        "The budget cut costs and taxes.", "Factories closed and jobs were lost to rising costs.",
        "Food and fuel prices went up again.", "The stock market lost money and wages fell.",
        "Inflation ate the savings of pensioners.", "Exports fell and the trade deficit widened."]
HEALTH = ["Hospitals are full of patients with the flu.", "The vaccine protects children from measles.",
          "Doctors warned about the risk of heart disease.", "Nurses treated the injured in the clinic.",
          "Smoking causes cancer and lung disease.", "The outbreak infected hundreds of people.",
          "The clinic ran out of insulin for diabetics.", "A new drug cut deaths from malaria."]


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


# ---------------------------------------------------------------------------- the reporter
def test_log_lines_every_interval_every_step_and_at_the_end():
    out, clock = io.StringIO(), Clock()
    p = Progress(out, tty=False, interval=10.0, step=0.25, clock=clock)
    p("score", 0, 256)
    clock.t = 5.0
    p("score", 10, 256)          # neither 10 s nor a quarter: silent
    clock.t = 12.0
    p("score", 20, 256)          # 10 s since the stage began
    clock.t = 13.5
    p("score", 70, 256)          # passed 25 %, over a second since the last line
    clock.t = 13.8
    p("score", 140, 256)         # passed 50 %, but under a second since the last line: silent
    clock.t = 30.0
    p("score", 256, 256)         # the end
    p("score", 256, 256)         # the end once only
    lines = out.getvalue().splitlines()
    assert lines == [
        "score: 20/256 partitions (7%), 12 s elapsed, ~2.4 min left",
        "score: 70/256 partitions (27%), 14 s elapsed, ~36 s left",
        "score: 256/256 partitions (100%), 30 s elapsed",
    ]


def test_a_new_stage_restarts_the_clock_and_units_and_bytes_show():
    out, clock = io.StringIO(), Clock()
    p = Progress(out, tty=False, clock=clock)
    clock.t = 100.0
    p("read", 3_000_000, 6_000_000)
    clock.t = 190.0
    p("read", 6_000_000, 6_000_000)
    p("fold 1/5", 0, 6)
    clock.t = 250.0
    p("fold 1/5", 6, 6)
    p("embed", 5, None)          # unknown total: no percentage
    clock.t = 265.0
    p("embed", 7, None)
    assert out.getvalue().splitlines() == [
        "read: 6.0/6.0 MB (100%), 1.5 min elapsed",
        "fold 1/5: 6/6 steps (100%), 1.0 min elapsed",
        "embed: 7 sentences, 15 s elapsed",
    ]


def test_disabled_reporter_writes_nothing_and_a_terminal_gets_a_bar():
    out = io.StringIO()
    Progress(out, enabled=False, tty=False)("score", 1, 1)
    assert out.getvalue() == ""
    bar_out = io.StringIO()
    p = Progress(bar_out, tty=True)
    p("embed", 50, 100)
    assert p.bar is not None and p.bar.n == 50 and p.bar.total == 100
    p("score", 1, 2)             # a new stage closes the old bar
    assert p.bar.desc.startswith("score")
    p.close()
    assert p.bar is None and "embed" in bar_out.getvalue()


# ---------------------------------------------------------------------------- the commands
def _stages(text: str) -> dict[str, str]:
    """Stage -> its last progress line."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^([\w /]+): (\d.*)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def test_analyse_writes_progress_lines_when_not_a_terminal(seed_path):
    res = CliRunner().invoke(app, ["analyse", str(seed_path), "--format", "csv", "--no-cache"])
    assert res.exit_code in (0, 3), res.output
    stages = _stages(res.stderr)
    assert stages["calibrate"].startswith("1/1")
    assert re.match(r"1/1 partitions \(100%\)", stages["score"]), stages
    assert stages["events"].startswith("1/1 steps (100%)")
    assert "article_id" in res.stdout and "score:" not in res.stdout  # the table stays clean
    quiet = CliRunner().invoke(app, ["analyse", str(seed_path), "--format", "csv", "--no-cache", "--quiet"])
    assert "score:" not in quiet.stderr and "partitions" not in quiet.stderr


def _codes(tmp_path, econ_label="economic", name="codes.jsonl"):
    path = tmp_path / name
    rows = []
    for i, t in enumerate(ECON + HEALTH):
        rows.append({"id": f"s{i}", "text": t, "coder": "ann",
                     "frames": [econ_label] if i < len(ECON) else ["health_and_safety"]})
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_train_reports_embedding_each_fold_and_the_final_fit(tmp_path):
    out = tmp_path / "model"
    res = CliRunner().invoke(app, ["train", str(_codes(tmp_path)), "--codebook", "policy-frames", "--out", str(out),
                                   "--cv", "2", "--jobs", "1"])
    assert res.exit_code == 0, res.output
    stages = _stages(res.stderr)
    # the 16 distinct sentences are encoded once, before the folds (no store: all are new)
    assert stages["embed"].startswith("16/16 sentences (100%)")
    assert [ln for ln in res.stderr.splitlines() if ln.startswith("embed:")] == ["embed: " + stages["embed"]]
    # each fold: its 5 inner folds and the fold's own final fit; then the saved model's fit
    assert stages["fold 1/2"].startswith("6/6 steps (100%)") and stages["fold 2/2"].startswith("6/6 steps")
    assert stages["fit"].startswith("6/6 steps (100%)")
    order = [res.stderr.index(s) for s in ("embed: ", "fold 1/2: ", "fold 2/2: ", "training the final", "fit: ")]
    assert order == sorted(order)
    assert (out / "meta.json").exists()
    meta = json.loads((out / "meta.json").read_text())
    assert meta["cross_validation"]["n_jobs"] == 1
    # per-frame F1 with support, printed and kept in the manifest
    per_frame = meta["cross_validation"]["per_frame"]
    assert per_frame["health_and_safety"]["support"] == len(HEALTH) and per_frame["economic"]["support"] == len(ECON)
    assert f"health_and_safety {per_frame['health_and_safety']['f1']:.2f} ({len(HEALTH)})" in res.stdout


# ---------------------------------------------------------------------------- embeddings once
def test_cross_validation_embeds_every_sentence_once_and_workers_agree(hashing_encoder):
    from framing.embed import MemoryCache
    from framing.validate.supervised import FrameClassifier, cross_validate

    X = ECON + HEALTH
    y = [["economic"]] * len(ECON) + [["health"]] * len(HEALTH)
    calls = []

    def make():
        return FrameClassifier(encoder=hashing_encoder, inner_cv=2, tfidf=False, store=MemoryCache())

    res = cross_validate(make, X, y, n_splits=4, n_boot=50, progress=lambda *a: calls.append(a), n_jobs=1)
    distinct = len(set(X))
    assert hashing_encoder.sentences_encoded == distinct  # not once per fold (4 folds x 3/4 of X + tests)
    assert [c for c in calls if c[0] == "embed"][-1] == ("embed", distinct, distinct)
    assert {c[0] for c in calls} == {"embed", "fold 1/4", "fold 2/4", "fold 3/4", "fold 4/4"}
    assert ("fold 4/4", 3, 3) in calls  # 2 inner folds + the fold's final fit
    assert res["n_jobs"] == 1

    before = hashing_encoder.sentences_encoded
    per_fold = cross_validate(make, X, y, n_splits=4, n_boot=50, n_jobs=1, share_embeddings=False)
    assert hashing_encoder.sentences_encoded - before > 3 * distinct  # what sharing saves
    assert np.array_equal(per_fold["y_pred"], res["y_pred"]) and per_fold["micro"] == res["micro"]

    parallel_calls = []
    par = cross_validate(make, X, y, n_splits=4, n_boot=50, progress=lambda *a: parallel_calls.append(a), n_jobs=2)
    assert par["n_jobs"] == 2
    assert np.array_equal(par["y_pred"], res["y_pred"])  # the same folds, the same predictions
    assert [c for c in parallel_calls if c[0] == "folds"][-1] == ("folds", 4, 4)


def test_default_n_jobs_leaves_small_machines_in_process(monkeypatch):
    from framing.validate import supervised

    monkeypatch.setattr(supervised, "_usable_cores", lambda: 2)
    assert supervised.default_n_jobs(5) == 1
    monkeypatch.setattr(supervised, "_usable_cores", lambda: 16)
    assert supervised.default_n_jobs(5) == 5 and supervised.default_n_jobs(3) == 3
    monkeypatch.setattr(supervised, "_usable_cores", lambda: 6)
    assert supervised.default_n_jobs(5) == 3


# ---------------------------------------------------------------------------- bad labels stop
def _climate_like(tmp_path):
    """Frames named as in the climate set, against the generic-frames codebook: 'Conflict'
    and 'Human_interest' match, 'Resolution', 'Moral' and 'Economic' do not."""
    names = ["Resolution", "Resolution", "Moral", "Economic", "Conflict", "Resolution", "Economic", "Human_interest"]
    path = tmp_path / "climate.jsonl"
    rows = [{"id": f"a{i}", "text": f"{ECON[i]} {HEALTH[i]}", "labels": [n]} for i, n in enumerate(names)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_train_stops_when_most_rows_have_unknown_labels(tmp_path):
    out = tmp_path / "model"
    res = CliRunner().invoke(app, ["train", str(_climate_like(tmp_path)), "--codebook", "generic-frames",
                                   "--out", str(out), "--cv", "2"])
    assert res.exit_code == 1, res.output
    assert not out.exists()  # nothing saved
    err = res.stderr
    assert "error: 6 of 8 label rows (75%) could not be used; no model was trained." in err
    assert "unknown labels (rows): 'Resolution' (3), 'Economic' (2), 'Moral' (1)" in err
    assert "'Resolution' -> responsibility" in err and "'Moral' -> morality" in err
    assert "'Economic' -> economic_consequences" in err
    assert ("--label-map 'Resolution=responsibility,Economic=economic_consequences,Moral=morality'" in err)
    assert "cross-validating" not in err  # stopped before any training


def test_the_suggested_label_map_trains(tmp_path):
    out = tmp_path / "model"
    res = CliRunner().invoke(app, ["train", str(_climate_like(tmp_path)), "--codebook", "generic-frames",
                                   "--out", str(out), "--label-map",
                                   "Resolution=responsibility,Economic=economic_consequences,Moral=morality"])
    assert res.exit_code == 0, res.output
    assert (out / "meta.json").exists()
    # frames with a single positive unit are named as a warning, not a stop
    assert "frames with fewer than 2 positive units (not learnable): " in res.stderr
    assert "morality (1)" in res.stderr and "conflict (1)" in res.stderr and "responsibility" not in \
        res.stderr.split("not learnable")[1].splitlines()[0]


def test_train_stops_when_no_frame_has_two_positives(tmp_path):
    path = tmp_path / "thin.jsonl"
    rows = [{"id": "a", "text": ECON[0], "frames": ["economic"]},
            {"id": "b", "text": HEALTH[0], "frames": ["health_and_safety"]},
            {"id": "c", "text": ECON[1], "frames": []},
            {"id": "d", "text": HEALTH[1], "frames": []}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = tmp_path / "model"
    res = CliRunner().invoke(app, ["train", str(path), "--codebook", "policy-frames", "--out", str(out)])
    assert res.exit_code == 1, res.output
    assert "error: no frame has at least 2 positive units; no model was trained." in res.stderr
    assert "economic (1)" in res.stderr and not out.exists()


def test_validate_warns_about_unknown_labels_but_runs(tmp_path):
    res = CliRunner().invoke(app, ["validate", str(_climate_like(tmp_path)), "--codebook", "generic-frames",
                                   "--n-boot", "20"])
    assert res.exit_code == 0, res.output
    assert "warning: unknown labels (rows): 'Resolution' (3)" in res.stderr


def test_suggest_frames_and_label_problems():
    from framing.validate.labels import Labels, label_map_hint, label_problems, suggest_frames

    got = suggest_frames(["Resolution", "Economic", "Moral", "Banana"], "generic-frames")
    assert got["Resolution"][0] == "responsibility" and got["Economic"][0] == "economic_consequences"
    assert got["Moral"][0] == "morality" and got["Banana"] == []
    assert label_map_hint(got) == "'Resolution=responsibility,Economic=economic_consequences,Moral=morality," \
                                  "Banana=<frame id>'"
    import pandas as pd

    from framing.corpus import Skipped

    frame = pd.DataFrame([("c", "a", "x", 1.0), ("c", "b", "x", 1.0), ("c", "a", "y", 0.0), ("c", "b", "y", 1.0)],
                         columns=["coder", "article_id", "target", "value"])
    ok = Labels(frame, frames=["x", "y"], n_rows=3, skipped=[Skipped("f", "row 3", "unknown frame 'z'")],
                unknown={"z": 1})
    problems = label_problems(ok)
    assert "skipped" not in problems and problems["unknown"] == {"z": 1}
    assert problems["rare"] == {"y": 1} and "nothing_learnable" not in problems
    bad = Labels(frame, frames=["x", "y"], n_rows=5, skipped=[Skipped("f", f"row {i}", "?") for i in range(3)])
    assert label_problems(bad)["skipped"] == (3, 5)
    assert label_problems(bad, max_skipped=0.7).get("skipped") is None


def test_roles_reports_articles_and_sentences_when_not_a_terminal(seed_path):
    res = CliRunner().invoke(app, ["roles", str(seed_path), "--no-cache", "--format", "csv"])
    assert res.exit_code in (0, 3), res.output
    stages = _stages(res.stderr)
    assert re.match(r"5/5 articles \(100%\)", stages["mentions"]), stages
    assert "sentences" in stages["embed"], stages
    assert "mentions:" not in res.stdout
    quiet = CliRunner().invoke(app, ["roles", str(seed_path), "--no-cache", "--format", "csv", "--quiet"])
    assert "mentions:" not in quiet.stderr
