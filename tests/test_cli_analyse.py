"""``framing analyse`` and ``framing codebooks`` through Typer's CliRunner."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from framing.cli import app

runner = CliRunner()


@pytest.fixture
def fake_model(monkeypatch, hashing_encoder):
    """Route the CLI's encoder lookup to the small deterministic encoder."""
    import framing.encoders.assembly

    monkeypatch.setattr(framing.encoders.assembly, "get_encoder", lambda name=None: hashing_encoder)
    return hashing_encoder


@pytest.mark.parametrize("suffix, fmt", [(".csv", None), (".xlsx", None), (".parquet", None), (".json", None),
                                         (".md", None), (".out", "csv")])
def test_analyse_writes_each_format(fake_model, seed_path, tmp_path, suffix, fmt):
    out = tmp_path / f"scores{suffix}"
    args = ["analyse", str(seed_path), "--out", str(out), "--db", str(tmp_path / "c.duckdb")]
    if fmt:
        args += ["--format", fmt]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.exists() and (tmp_path / "manifest.json").exists()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["codebook"]["id"] == "south-asia-security"
    if suffix == ".csv":
        table = pd.read_csv(out)
    elif suffix == ".xlsx":
        table = pd.read_excel(out, sheet_name="scores")
    elif suffix == ".parquet":
        table = pd.read_parquet(out)
    elif suffix == ".json":
        data = json.loads(out.read_text())
        table = pd.DataFrame(data["scores"] if isinstance(data, dict) else data)
    else:
        text = out.read_text()
        assert "axis:siege_vs_proxy" in text and text.count("\n") > 5
        return
    assert len(table) == 5
    assert {"article_id", "outlet", "relevance", "frame:state_under_siege", "axis:siege_vs_proxy",
            "axis:siege_vs_proxy:lo", "off_topic"} <= set(table.columns)


def test_analyse_long_table_and_stdout_formats(fake_model, seed_path, tmp_path):
    out = tmp_path / "res.csv"
    result = runner.invoke(app, ["analyse", str(seed_path), "--out", str(out), "--long", "--no-cache"])
    assert result.exit_code == 0, result.output
    long = pd.read_csv(tmp_path / "res_long.csv")
    assert {"component", "sentence", "term"} <= set(long["kind"])
    assert pd.read_csv(tmp_path / "res_scores.csv").shape[0] == 5
    printed = runner.invoke(app, ["analyse", str(seed_path), "--format", "csv", "--no-cache"])
    assert printed.exit_code == 0
    assert printed.stdout.splitlines()[0].startswith("article_id,outlet,published,title,url,event_id,event_label,storyline_id,date_source,relevance")


def test_analyse_errors_are_one_line(fake_model, seed_path, tmp_path):
    cases = [
        (["analyse", str(seed_path), "--codebook", "nope", "--no-cache"], "unknown codebook"),
        (["analyse", str(tmp_path / "missing.jsonl"), "--no-cache"], "missing.jsonl"),
        (["analyse", str(seed_path), "--engine", "spark", "--no-cache"], "--engine"),
        (["analyse", str(seed_path), "--format", "xlsx", "--no-cache"], "--out"),
        (["analyse", str(seed_path), "--db", str(tmp_path / "x.db"), "--no-cache"], "exclude"),
    ]
    for args, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.output and "Traceback" not in result.output


def test_codebooks_lists_builtins():
    result = runner.invoke(app, ["codebooks"])
    assert result.exit_code == 0, result.output
    assert "south-asia-security" in result.output and "siege_vs_proxy" in result.output


@pytest.mark.slow
def test_analyse_prints_a_readable_table_with_the_real_model(encoder, seed_path, tmp_path):
    result = runner.invoke(app, ["analyse", str(seed_path), "--db", str(tmp_path / "c.duckdb")])
    assert result.exit_code == 0, result.output
    for outlet in ("Express", "First", "Arab"):
        assert outlet in result.output
    assert "siege vs proxy" in result.output
