"""Small pure pieces of the app: upload checks, lexicon parsing, progress text, labels."""

from __future__ import annotations

import pytest

from framing.plots._base import _wrap
from framing.app.resources import _progress_callback
from framing.app.views.codebook import parse_terms
from framing.app.views.corpus import MAX_FILE_MB, _safe_name, check_uploads


class _Bar:
    def __init__(self):
        self.calls = []

    def progress(self, value, text=""):
        self.calls.append((value, text))


def test_upload_checks_name_every_problem():
    ok = check_uploads([("a.jsonl", 10), ("b.CSV", 20), ("page.html", 5)])
    assert ok == []
    problems = check_uploads([("x.pkl", 10), ("y.txt", 0), ("z.csv", (MAX_FILE_MB + 1) * 1024 * 1024)])
    assert len(problems) == 3
    assert "x.pkl" in problems[0] and "'.pkl' is not supported" in problems[0]
    assert "y.txt: the file is empty" in problems[1]
    assert "z.csv" in problems[2] and f"{MAX_FILE_MB} MB limit" in problems[2]


def test_upload_names_are_made_safe_and_unique():
    used: set[str] = set()
    assert _safe_name("../../etc/passwd.csv", used) == "passwd.csv"
    assert _safe_name("passwd.csv", used) == "passwd_1.csv"
    assert _safe_name("my file (1).jsonl", used) == "my_file_1_.jsonl"


def test_parse_terms():
    assert parse_terms("proxy war\nhybrid warfare: 2.5\n\n  deep state : 0.5 ") == {
        "proxy war": 1.0, "hybrid warfare": 2.5, "deep state": 0.5}
    with pytest.raises(ValueError, match="must be a number"):
        parse_terms("proxy: lots")


def test_progress_text_and_fraction():
    bar = _Bar()
    progress = _progress_callback(bar, "reading")
    progress(5, 10)
    progress("embed", 512, 2048)
    progress("score", 0, 0)
    assert bar.calls[0] == (0.5, "Reading: 5 / 10")
    assert bar.calls[1] == (0.25, "Embed: 512 / 2,048")
    assert bar.calls[2] == (0.0, "Score: 0 / 0")


def test_wrap_labels():
    assert _wrap("Foreign interference and great-power rivalry") == "Foreign|interference and|great-power|rivalry"
    assert _wrap("Civilian harm") == "Civilian harm"


def test_article_chart_specs_are_valid_vega_lite():
    import altair as alt

    from framing.plots import axis_positions, frame_bars
    from framing.app.highlight import colour_map
    from framing.codebook import Codebook

    cb = Codebook.load("south-asia-security")
    row = {f"frame:{f}": 0.25 for f in cb.frame_ids}
    row.update({"frame:civilian_harm": float("nan"), "axis:siege_vs_proxy": 0.4, "axis:siege_vs_proxy:lo": 0.1,
                "axis:siege_vs_proxy:hi": 0.6})
    bars = frame_bars(row, cb, colour_map(cb.frame_ids))
    alt.Chart.from_dict(bars)  # raises on an invalid spec
    assert [v["score"] for v in bars["data"]["values"]].count(None) == 1
    axis = axis_positions(row, cb)
    alt.LayerChart.from_dict(axis)
    assert axis["data"]["values"][0]["position"] == 0.4
    assert axis["layer"][1]["encoding"]["x"]["scale"]["domain"] == [-1, 1]  # pole B left, pole A right
    assert axis_positions({}, cb) is None
