"""Krippendorff's alpha against the textbook (Krippendorff 2011) and the `krippendorff` package."""

import numpy as np
import pandas as pd
import pytest

from framing.validate.agreement import (
    agreement_table, bootstrap_f1, coincidence_matrix, krippendorff_alpha, majority, model_coder_agreement,
    per_frame_metrics,
)

N = np.nan
# Krippendorff (2011), section C/D: 4 observers, 12 units, values 1..5, missing data
TEXTBOOK = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
# Krippendorff (2011), section A: binary data, two observers
BINARY = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]


@pytest.mark.parametrize("level, expected", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849),
                                             ("ratio", 0.797)])
def test_textbook_values(level, expected):
    assert krippendorff_alpha(TEXTBOOK, level) == pytest.approx(expected, abs=5e-4)


def test_textbook_binary_two_coders():
    assert krippendorff_alpha(BINARY, "nominal") == pytest.approx(0.095, abs=5e-4)


def test_coincidence_matrix_textbook():
    values, o = coincidence_matrix(TEXTBOOK)
    assert values.tolist() == [1, 2, 3, 4, 5]
    # counted by hand: n_c = 9, 13, 10, 5, 3 ; n = 40 (unit 12 is unpairable)
    assert o.sum(axis=0) == pytest.approx([9, 13, 10, 5, 3])
    assert o[0, 0] == pytest.approx(3 + 2 + 2)  # units 1 (3 of 3), 8 (3 of 4), 11 (2 of 2)
    assert o[1, 2] == pytest.approx(3 / 3 + 1 / 3)  # units 2 and 6
    assert np.allclose(o, o.T)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_matches_krippendorff_package_random(level):
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(7)
    for _ in range(5):
        data = rng.integers(1, 6, size=(rng.integers(2, 6), rng.integers(5, 40))).astype(float)
        data[rng.random(data.shape) < 0.25] = np.nan
        ours = krippendorff_alpha(data, level)
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        assert ours == pytest.approx(theirs, abs=1e-9)


def test_perfect_and_degenerate():
    assert krippendorff_alpha([[1, 2, 3], [1, 2, 3]]) == 1.0
    assert np.isnan(krippendorff_alpha([[1, 1, 1], [1, 1, 1]]))  # no variation
    assert np.isnan(krippendorff_alpha([[1, N], [N, 2]]))  # nothing pairable
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha(BINARY, "cardinal")
    with pytest.raises(ValueError, match="2-D"):
        krippendorff_alpha([1, 2, 3])


def _long(matrix, target, coders=("a", "b", "c", "d")):
    rows = []
    for c, row in zip(coders, matrix):
        for u, v in enumerate(row):
            if not np.isnan(v):
                rows.append((c, f"u{u}", target, float(v)))
    return pd.DataFrame(rows, columns=["coder", "article_id", "target", "value"])


def test_agreement_table_from_long_labels():
    labels = pd.concat([_long(BINARY, "econ", ("a", "b")), _long(TEXTBOOK, "siege")])
    table = agreement_table(labels).set_index("target")
    assert table.loc["econ", "alpha"] == pytest.approx(0.095, abs=5e-4)
    assert table.loc["econ", "level"] == "nominal"
    assert table.loc["siege", "alpha"] == pytest.approx(0.815, abs=5e-4)  # ordinal default for axes
    assert table.loc["siege", "n_pairable"] == 11


def test_model_coder_agreement_and_majority():
    labels = _long(BINARY, "econ", ("a", "b"))
    model = pd.DataFrame({"article_id": [f"u{i}" for i in range(10)], "target": "econ",
                          "value": [float(v) for v in BINARY[0]]})
    table = model_coder_agreement(labels, model).set_index("coder")
    assert table.loc["a", "alpha"] == pytest.approx(1.0)
    assert table.loc["b", "alpha"] == pytest.approx(0.095, abs=5e-4)
    maj = majority(labels, tie=1.0)
    assert maj.loc["u0", "econ"] == 1.0  # 0 vs 1: tie -> 1
    assert maj.loc["u3", "econ"] == 0.0


def test_per_frame_metrics_hand_computed():
    y = np.array([[1, 0], [1, 1], [0, 1], [0, 0], [1, 0]])
    p = np.array([[1, 0], [0, 1], [0, 1], [1, 0], [1, 1]])
    s = np.array([[.9, .1], [.4, .8], [.2, .7], [.6, .3], [.8, .6]])
    table = per_frame_metrics(y, p, s, labels=["x", "z"], n_boot=200, random_state=1).set_index("frame")
    # frame x: tp=2 fp=1 fn=1 -> P=R=F1=2/3 ; AUC: positives .9,.4,.8 vs negatives .2,.6 -> 5/6
    assert table.loc["x", "precision"] == pytest.approx(2 / 3)
    assert table.loc["x", "f1"] == pytest.approx(2 / 3)
    assert table.loc["x", "auc"] == pytest.approx(5 / 6)
    # micro: tp=4 fp=2 fn=1 -> F1 = 8/11
    assert table.loc["(micro)", "f1"] == pytest.approx(8 / 11)
    assert table.loc["x", "f1_lo"] <= table.loc["x", "f1"] <= table.loc["x", "f1_hi"]
    again = per_frame_metrics(y, p, s, labels=["x", "z"], n_boot=200, random_state=1)
    assert again["f1_lo"].tolist() == table["f1_lo"].tolist()  # seeded


def test_bootstrap_f1():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=(200, 4))
    p = np.where(rng.random(y.shape) < 0.8, y, 1 - y)
    out = bootstrap_f1(y, p, n_boot=300)
    assert out["micro_lo"] < out["micro"] < out["micro_hi"]
    assert 0.7 < out["micro"] < 0.9
    with pytest.raises(ValueError):
        bootstrap_f1(y, p[:, :3])
