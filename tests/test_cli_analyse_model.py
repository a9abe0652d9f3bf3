"""`framing analyse --model`: a classifier trained with `framing train` adds model:<frame> columns."""

import json

import pandas as pd
from typer.testing import CliRunner

from framing.cli import app
from test_validate_cli import _labels


def test_analyse_with_a_trained_model(tmp_path, encoder, seed_path):
    runner = CliRunner()
    model_dir = tmp_path / "model"
    res = runner.invoke(app, ["train", str(_labels(tmp_path)), "--codebook", "policy-frames", "--out", str(model_dir),
                              "--single-label"])
    assert res.exit_code == 0, res.output
    out = tmp_path / "scores.csv"
    res = runner.invoke(app, ["analyse", str(seed_path), "--model", str(model_dir), "--out", str(out), "--no-cache"])
    assert res.exit_code == 0, res.output
    scores = pd.read_csv(out)
    model_cols = [c for c in scores.columns if c.startswith("model:")]
    assert "model:economic" in model_cols and "model:health_and_safety" in model_cols
    assert scores[model_cols].stack().between(0, 1).all() and scores[model_cols].notna().all().all()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["model"]["meta"]["codebook_id"] == "policy-frames"


def test_analyse_model_errors(tmp_path, seed_path):
    res = CliRunner().invoke(app, ["analyse", str(seed_path), "--model", str(tmp_path), "--no-cache"])
    assert res.exit_code == 1 and "not a trained frame classifier directory" in res.output
