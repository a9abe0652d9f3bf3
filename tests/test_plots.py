"""framing.plots: every public chart on a small real Results, labels kept as data, offline rendering."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import altair as alt
import pandas as pd
import pytest
import vl_convert as vlc

from framing import plots
from framing.analysis import analyse
from framing.app.highlight import colour_map
from framing.codebook import Codebook
from framing.corpus import Article, Corpus

from test_scoring_pipeline import CODEBOOK_YAML

SCRIPT = "<script>alert(1)</script>"
LINK = "[x](http://evil)"
# A frame label and two outlets that would be markup (HTML, Markdown) if a chart interpreted them.
EVIL_FRAME = f"Siege {SCRIPT}"
EVIL_OUTLETS = (f"Outlet {SCRIPT}", f"Outlet {LINK}")
EVIL = (SCRIPT, LINK)

SIEGE = "Foreign agents fund militants who attack the nation. The hostile neighbour denies it."
PROXY = "The state uses militant proxies against dissidents. Security agencies sponsor armed groups."


@pytest.fixture(scope="module")
def results():
    from conftest import HashingEncoder

    codebook = Codebook.from_yaml(CODEBOOK_YAML.replace("label: Siege\n", f'label: "{EVIL_FRAME}"\n'))
    texts = [SIEGE + " Soldiers sacrificed their lives.", SIEGE + " The army mourned.",
             PROXY + " The crackdown continued.", PROXY + " Protesters were arrested.",
             SIEGE + " " + PROXY]
    outlets = [EVIL_OUTLETS[0], EVIL_OUTLETS[0], EVIL_OUTLETS[1], EVIL_OUTLETS[1], EVIL_OUTLETS[0]]
    days = [1, 9, 2, 10, 16]  # three weeks: prevalence has several periods
    corpus = Corpus([Article(f"a{i}", outlets[i], dt.date(2025, 3, days[i]), f"Headline {i} {SCRIPT}", t)
                     for i, t in enumerate(texts)])
    return analyse(corpus, codebook, encoder=HashingEncoder())


@pytest.fixture
def renderer():
    """Put Altair's renderer back after a test switches it."""
    before = alt.renderers.active
    yield
    alt.renderers.enable(before)


# ---------------------------------------------------------------------- spec helpers
def _views(spec: dict):
    """Every unit view of a Vega-Lite spec (through layer, facet, concat)."""
    if "mark" in spec:
        yield spec
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key, []):
            yield from _views(sub)
    if isinstance(spec.get("spec"), dict):
        yield from _views(spec["spec"])


def _marks(spec: dict) -> set[str]:
    return {v["mark"]["type"] if isinstance(v["mark"], dict) else v["mark"] for v in _views(spec)}


def _fields(spec: dict) -> dict[str, set[str]]:
    """Encoding channel -> the fields it takes, over every view (and the facet)."""
    out: dict[str, set[str]] = {}
    encodings = [v.get("encoding", {}) for v in _views(spec)] + [spec.get("encoding", {})]
    if isinstance(spec.get("facet"), dict):
        encodings.append(spec["facet"])
    for encoding in encodings:
        for channel, value in encoding.items():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and "field" in item:
                    out.setdefault(channel, set()).add(item["field"])
    return out


def _data_values(spec: dict) -> list:
    """Every value in the spec's datasets."""
    rows = [row for dataset in spec.get("datasets", {}).values() for row in dataset]
    for view in [spec, *_views(spec)]:
        rows += view.get("data", {}).get("values", []) if isinstance(view.get("data"), dict) else []
    return [v for row in rows for v in row.values()]


def _strings(node, path=()):
    """(path, string) for every string of a spec outside its data."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("datasets", "data"):
                yield from _strings(value, path + (key,))
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value, path)
    elif isinstance(node, str):
        yield path, node


CODE_KEYS = {"expr", "calculate", "labelExpr", "test", "filter", "signal", "href", "url"}


def _assert_labels_are_data(spec: dict, labels) -> None:
    """The labels appear among the data values, never in code (expressions, tests, links),
    and every tooltip is a field of the data (not a string built into the spec)."""
    values = " ".join(str(v) for v in _data_values(spec))
    for label in labels:
        assert label in values, f"{label!r} is not in the chart's data"
    for path, text in _strings(spec):
        if any(label in text for label in EVIL):
            assert not CODE_KEYS & set(path), f"a label ended up in code at {path}: {text!r}"
    for view in _views(spec):
        tooltip = view.get("encoding", {}).get("tooltip", [])
        for item in tooltip if isinstance(tooltip, list) else [tooltip]:
            assert "field" in item and "value" not in item, item


def _assert_svg_escapes(chart) -> None:
    svg = vlc.vegalite_to_svg(chart.to_dict() if hasattr(chart, "to_dict") else chart)
    assert "<script" not in svg.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg  # drawn as text


# ---------------------------------------------------------------------- results charts
RESULT_CHARTS = {
    # name: (call, marks, {channel: fields that must be there}, labels in the data)
    "outlet_frames": (lambda r: plots.outlet_frames(r), {"rect", "text"},
                      {"x": {"frame_label"}, "y": {"outlet"}, "color": {"mean"}, "text": {"cell"}},
                      EVIL_OUTLETS + (plots._base._wrap(EVIL_FRAME),)),  # wrapped at '|', split by Vega
    "outlet_intervals": (lambda r: plots.outlet_intervals(r), {"rule", "point"},
                         {"x": {"lo", "mean"}, "x2": {"hi"}, "y": {"frame_label"}, "yOffset": {"outlet"}},
                         EVIL_OUTLETS + (EVIL_FRAME,)),
    "axis_strip": (lambda r: plots.axis_strip(r, "siege_vs_proxy"), {"rule", "tick", "circle", "text"},
                   {"x": {"position"}, "y": {"outlet"}, "tooltip": {"outlet", "title", "position"}},
                   EVIL_OUTLETS),
    "prevalence": (lambda r: plots.prevalence(r), {"line"},
                   {"x": {"period"}, "y": {"value"}, "color": {"frame_label"}, "row": {"outlet"}},
                   EVIL_OUTLETS + (EVIL_FRAME,)),
    "distinctive_terms": (lambda r: plots.distinctive_terms(r, top=3), {"bar"},
                          {"x": {"z"}, "y": {"term"}, "row": {"outlet"}}, EVIL_OUTLETS),
    "differences": (lambda r: plots.differences(r), {"rule", "point"},
                    {"x": {"difference"}, "y": {"frame_label"}, "yOffset": {"pair"}},
                    EVIL_OUTLETS + (EVIL_FRAME,)),
    "coverage": (lambda r: plots.coverage(r), {"bar"}, {"x": {"articles"}, "y": {"outlet"}}, EVIL_OUTLETS),
    "article_frames": (lambda r: plots.article_frames(r), {"rect"},
                       {"x": {"frame_label"}, "y": {"article"}, "color": {"score"},
                        "tooltip": {"outlet", "title", "frame", "score"}}, EVIL_OUTLETS),
}


@pytest.mark.parametrize("name", RESULT_CHARTS)
def test_results_chart_marks_fields_and_labels_as_data(results, name):
    call, marks, fields, labels = RESULT_CHARTS[name]
    chart = call(results)
    assert isinstance(chart, alt.TopLevelMixin)
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert _marks(spec) == marks
    got = _fields(spec)
    for channel, expected in fields.items():
        assert expected <= got.get(channel, set()), (channel, got.get(channel))
    _assert_labels_are_data(spec, labels)
    assert _data_values(spec), "the chart has no data"


@pytest.mark.parametrize("name", ["outlet_frames", "axis_strip", "article_frames", "coverage"])
def test_labels_render_as_text_not_markup(results, name):
    _assert_svg_escapes(RESULT_CHARTS[name][0](results))


def test_axis_strip_draws_pole_b_left_pole_a_right_with_labels_in_the_title(results):
    spec = plots.axis_strip(results).to_dict()  # default axis: the codebook's first
    dots = [v for v in _views(spec) if v["mark"]["type"] == "circle"][0]
    assert dots["encoding"]["x"]["scale"]["domain"] == [-1, 1]  # pole B (-1) left, pole A (+1) right
    assert EVIL_FRAME in dots["encoding"]["x"]["title"]  # a title string, drawn as text
    positions = [row["position"] for row in _data_values_rows(spec) if "article_id" in row]
    expected = results.scores["axis:siege_vs_proxy"].dropna()
    assert sorted(positions) == pytest.approx(sorted(expected))


def _data_values_rows(spec):
    return [row for dataset in spec.get("datasets", {}).values() for row in dataset]


def test_outlet_heatmap_numbers_are_the_comparison_means(results):
    tables = results.comparison()
    long = plots.means_long(tables, results.codebook)
    assert set(long.columns) == {"outlet", "frame", "mean", "lo", "hi", "n"}
    assert set(long["frame"]) == set(results.codebook.frame_ids) and set(long["outlet"]) == set(EVIL_OUTLETS)
    # the raw comparison table and means_long give the same chart (the app passes the latter)
    assert plots.outlet_heatmap(tables["means"], results.codebook).to_dict() == \
        plots.outlet_heatmap(long, results.codebook).to_dict()
    means = tables["means"]
    row = means[(means["event_id"].astype(str) == "all") & (means["measure"] == "frame:siege")
                & (means["outlet"] == EVIL_OUTLETS[0])].iloc[0]
    cells = [r["cell"] for r in _data_values_rows(plots.outlet_frames(results).to_dict())
             if r["outlet"] == EVIL_OUTLETS[0] and r["frame"] == "siege"]
    assert cells == [f"{row['mean']:.2f} [{row['ci_low']:.2f}, {row['ci_high']:.2f}]"]


def test_prevalence_has_a_panel_per_outlet_and_one_chart_for_one_outlet(results):
    tables = results.comparison()
    long = plots.prevalence_long(tables, results.codebook)
    assert long["period"].nunique() >= 2 and set(long["frame"]) == set(results.codebook.frame_ids)
    assert isinstance(plots.prevalence_lines(long, results.codebook), alt.FacetChart)
    one = plots.prevalence_lines(long[long["outlet"] == EVIL_OUTLETS[0]], results.codebook,
                                 {"siege": "#111111", "proxy": "#222222"})
    spec = one.to_dict()
    assert "facet" not in spec
    assert spec["encoding"]["color"]["scale"]["range"] == ["#111111", "#222222"]
    assert spec["encoding"]["color"]["scale"]["domain"] == [EVIL_FRAME, "Proxy"]


def test_distinctive_terms_without_terms_says_why(results):
    one_outlet = results.comparison([EVIL_OUTLETS[0]])
    assert one_outlet["distinctive_terms"].empty
    spec = plots.distinctive_terms(results, outlets=[EVIL_OUTLETS[0]]).to_dict()
    assert _marks(spec) == {"text"} and "two outlets" in _data_values(spec)[0]


def test_differences_fill_only_significant_pairs(results):
    table = results.comparison()["differences"].copy()
    table["q_value"] = (table["measure"] == "frame:siege").map({True: 0.01, False: 0.5})
    spec = plots.difference_chart(table, results.codebook).to_dict()
    rows = [r for r in _data_values_rows(spec) if "pair" in r]
    assert {r["frame_label"] for r in rows} == {EVIL_FRAME, "Proxy"}  # frames only, not the axis
    assert [r["frame_label"] for r in rows if r["significant"]] == [EVIL_FRAME]
    assert {r["pair"] for r in rows} == {f"{EVIL_OUTLETS[0]} − {EVIL_OUTLETS[1]}"}
    point = [v for v in _views(spec) if v["mark"]["type"] == "point"][0]
    assert point["encoding"]["fill"]["condition"]["test"] == "datum.significant"


def test_per_article_specs_keep_labels_as_data(results):
    row = results.scores.iloc[0].to_dict()
    bars = plots.frame_bars(row, results.codebook)
    assert {v["frame"] for v in bars["data"]["values"]} == {EVIL_FRAME, "Proxy"}
    assert bars["encoding"]["color"]["scale"]["range"] == list(colour_map(results.codebook.frame_ids).values())
    axis = plots.axis_positions(row, results.codebook)
    assert axis["data"]["values"][0]["right"] == EVIL_FRAME  # pole A on the right
    for spec in (bars, axis):
        _assert_labels_are_data(spec, [EVIL_FRAME])
        _assert_svg_escapes(spec)


def test_axis_strip_needs_an_axis(results):
    from framing.results import Results

    no_axis = Codebook.from_yaml(CODEBOOK_YAML.split("axes:")[0] + "reference:\n  - The meeting was on Tuesday.\n")
    bare = Results({"scores": results.scores}, codebook=no_axis, settings=results.settings,
                   calibration=results.calibration, encoder_id="x")
    with pytest.raises(ValueError, match="no axis"):
        plots.axis_strip(bare)


# ---------------------------------------------------------------------- rendering offline
@pytest.mark.parametrize("fmt, mime", [("svg", "image/svg+xml"), ("png", "image/png"), ("html", "text/html")])
def test_use_offline_renderer_draws_without_the_internet(fmt, mime, renderer):
    assert plots.use_offline_renderer(fmt) == fmt
    chart = plots.coverage_bars(pd.DataFrame({"outlet": list(EVIL_OUTLETS), "articles": [2, 1]}))
    bundle = alt.renderers.get()(chart.to_dict())
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert mime in bundle
    text = bundle[mime] if isinstance(bundle[mime], str) else ""
    assert "cdn.jsdelivr.net" not in text and 'src="http' not in text
    if fmt == "png":
        assert bundle[mime][:8] == b"\x89PNG\r\n\x1a\n"
    if fmt == "html":
        assert "vega-embed" in text and len(text) > 100_000  # the libraries are inlined


def test_the_default_renderer_loads_from_a_cdn(renderer):
    """What use_offline_renderer avoids (so the test above can tell the difference)."""
    alt.renderers.enable("default")
    bundle = alt.renderers.get()(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x").to_dict())
    assert "cdn.jsdelivr.net" in json.dumps(bundle)


def test_use_offline_renderer_rejects_other_formats(renderer):
    with pytest.raises(ValueError, match="format must be one of"):
        plots.use_offline_renderer("browser")


def test_import_framing_stays_light_and_exports_plots():
    code = ("import sys, framing; assert 'altair' not in sys.modules; p = framing.plots; "
            "assert p.__name__ == 'framing.plots' and callable(p.outlet_frames); "
            "assert 'altair' in sys.modules and 'streamlit' not in sys.modules; "
            "assert 'plots' in framing.__all__")
    subprocess.run([sys.executable, "-c", code], check=True)
