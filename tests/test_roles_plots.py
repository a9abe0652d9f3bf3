"""``plots.role_share_bars``: an actor's role shares per outlet with their intervals, from the role_shares table."""

from __future__ import annotations

import pandas as pd

from framing import plots


def _shares():
    rows = []
    for outlet, shares in (("Wire A", (0.1, 0.7, 0.2, 0.0)), ("Wire B", (0.0, 0.2, 0.8, 0.0))):
        for role, share in zip(plots.ROLE_ORDER, shares):
            rows.append(("Kestria", outlet, role, 10, share, max(0, share - 0.2), min(1, share + 0.2), share))
        rows.append(("Other", outlet, "innocent", 3, 1.0, 1.0, 1.0, 0.9))
    return pd.DataFrame(rows, columns=["actor", "group", "role", "n", "share", "ci_low", "ci_high",
                                       "mean_probability"])


def test_role_share_bars_draws_the_actor_only_with_intervals():
    chart = plots.role_share_bars(_shares(), "Kestria", labels={"antagonist": "Villain"})
    spec = chart.to_dict()
    data = next(iter(spec["datasets"].values()))
    assert {d["actor"] for d in data} == {"Kestria"} and len(data) == 8
    assert {d["role_label"] for d in data} >= {"Villain", "protagonist"}
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks == ["bar", "rule"]
    assert spec["layer"][1]["encoding"]["x2"]["field"] == "ci_high"


def test_role_share_bars_says_when_there_is_nothing():
    spec = plots.role_share_bars(_shares(), "Nobody").to_dict()
    assert "No scored mentions of Nobody" in str(spec)
