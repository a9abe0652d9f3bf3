"""``framing analyse --engine dask`` gives the rows of the local engine (real ONNX model, seed)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from framing.cli import app

runner = CliRunner()


def test_analyse_engine_dask_matches_local(seed_path, tmp_path):
    outputs = {}
    for engine in ("local", "dask"):
        out = tmp_path / engine / "scores.csv"
        result = runner.invoke(app, ["analyse", str(seed_path), "--encoder", "onnx", "--engine", engine,
                                     "--no-cache", "--out", str(out)])
        assert result.exit_code == 0, result.output
        outputs[engine] = pd.read_csv(out)
        manifest = json.loads((out.parent / "manifest.json").read_text())
        assert manifest["encoder"] == "all-MiniLM-L6-v2-onnx-int8"
    local, dask = outputs["local"], outputs["dask"]
    assert list(dask.columns) == list(local.columns)
    assert dask["article_id"].tolist() == local["article_id"].tolist()
    assert dask["event_id"].tolist() == local["event_id"].tolist()
    numeric = local.select_dtypes("number").columns
    assert len(numeric) > 10
    assert np.nanmax(np.abs(dask[numeric].to_numpy() - local[numeric].to_numpy())) <= 1e-6


def test_analyse_scheduler_needs_dask_engine(seed_path):
    result = runner.invoke(app, ["analyse", str(seed_path), "--scheduler", "tcp://127.0.0.1:1", "--no-cache"])
    assert result.exit_code == 1
    assert "--engine dask" in result.output
