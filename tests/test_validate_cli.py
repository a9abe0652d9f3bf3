"""`framing train` and `framing validate` through typer's CliRunner."""

import json

from typer.testing import CliRunner

from framing.cli import app

ECON = ["The tax on fuel raises the cost of living.", "Jobs and wages fell as prices rose.",
        "The budget cut costs and taxes.", "Factories closed and jobs were lost to rising costs.",
        "Food and fuel prices went up again.", "The stock market lost money and wages fell."]
HEALTH = ["Hospitals are full of patients with the flu.", "The vaccine protects children from measles.",
          "Doctors warned about the risk of heart disease.", "Nurses treated the injured in the clinic.",
          "Smoking causes cancer and lung disease.", "The outbreak infected hundreds of people."]


def _labels(tmp_path):
    path = tmp_path / "codes.jsonl"
    rows = []
    for coder in ("ann", "bob"):
        for i, t in enumerate(ECON + HEALTH):
            frames = ["economic"] if i < 6 else ["health_and_safety"]
            if coder == "bob" and i == 0:
                frames = ["health_and_safety"]  # one disagreement
            rows.append({"id": f"s{i}", "text": t, "coder": coder, "frames": frames})
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_train_and_validate(tmp_path, encoder):
    labels = _labels(tmp_path)
    runner = CliRunner()
    out = tmp_path / "model"
    res = runner.invoke(app, ["train", str(labels), "--codebook", "policy-frames", "--out", str(out),
                              "--single-label"])
    assert res.exit_code == 0, res.output
    assert "trained supervised model on 12 units" in res.output
    meta = json.loads((out / "meta.json").read_text())
    assert meta["codebook_id"] == "policy-frames" and meta["mode"] == "supervised"
    assert meta["labels"][0] == "economic" and len(meta["labels"]) == 15  # the codebook's frame set

    table = tmp_path / "tables.xlsx"
    res = runner.invoke(app, ["validate", str(labels), "--codebook", "policy-frames", "--model", str(out),
                              "--out", str(table), "--n-boot", "100"])
    assert res.exit_code == 0, res.output
    assert "== agreement" in res.output and "== model_agreement" in res.output and "== frame_metrics" in res.output
    assert table.exists() and (tmp_path / "manifest.json").exists()
    from framing.export import read_tables

    tables = read_tables(table)
    econ = tables["agreement"].set_index("target").loc["economic"]
    assert econ["n_coders"] == 2 and econ["n_units"] == 12 and 0.5 < econ["alpha"] < 1
    metrics = tables["frame_metrics"].set_index("frame")
    assert metrics.loc["economic", "f1"] > 0.8


def test_cli_errors_are_one_line(tmp_path):
    runner = CliRunner()
    bad = tmp_path / "bad.csv"
    bad.write_text("colour\nred\n")
    res = runner.invoke(app, ["validate", str(bad)])
    assert res.exit_code == 1
    assert "error:" in res.output and "no id or text column" in res.output and "Traceback" not in res.output
    res = runner.invoke(app, ["train", str(bad), "--mode", "magic"])
    assert res.exit_code == 1 and "--mode must be" in res.output
    res = runner.invoke(app, ["validate", str(_labels(tmp_path)), "--model", str(tmp_path)])
    assert res.exit_code == 1 and "not a framing model directory" in res.output
