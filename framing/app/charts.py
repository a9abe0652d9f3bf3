"""Altair figures of the app (also exported as PNG/SVG): pure functions of result tables.

Axis conventions: every axis is drawn with pole A (positive values) on the LEFT and
pole B on the right, so for ``siege_vs_proxy`` "state under siege" is left and
"state as proxy sponsor" right, on every page and in every exported figure.
"""

from __future__ import annotations

from typing import Mapping

import altair as alt
import pandas as pd

from framing.codebook import Codebook


def _fit(chart):
    """Width fits the page column, height is the plot's own (Streamlit's default ``fit`` squeezes
    axis labels and titles into the given height)."""
    return chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def _wrap(label: str, width: int = 18) -> str:
    """A label broken into lines of about ``width`` characters, joined by '|' (split by Vega)."""
    lines, line = [], ""
    for word in str(label).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "|".join(lines)


def _frame_scale(codebook: Codebook, colours: Mapping[str, str]) -> alt.Scale:
    labels = [f.label for f in codebook.frames]
    return alt.Scale(domain=labels, range=[colours[f.id] for f in codebook.frames])


# Per-article charts are plain Vega-Lite dicts: an event with 18 articles draws 36 of them,
# and building them through altair (schema objects, validation) cost ~0.1 s per article.
_FIT_X = {"type": "fit-x", "contains": "padding"}
_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


def _num(value) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if value != value else round(value, 4)


def frame_bars(row: Mapping, codebook: Codebook, colours: Mapping[str, str]) -> dict:
    """Vega-Lite spec: one article's score on each frame (0..1), coloured like its evidence."""
    labels = [f.label for f in codebook.frames]
    values = [{"frame": f.label, "score": _num(row.get(f"frame:{f.id}"))} for f in codebook.frames]
    return {
        "$schema": _SCHEMA,
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "score", "type": "quantitative", "scale": {"domain": [0, 1]}, "title": None},
            "y": {"field": "frame", "type": "nominal", "sort": None, "title": None, "axis": {"labelLimit": 160}},
            "color": {"field": "frame", "type": "nominal", "legend": None,
                      "scale": {"domain": labels, "range": [colours[f.id] for f in codebook.frames]}},
            "tooltip": [{"field": "frame", "type": "nominal"},
                        {"field": "score", "type": "quantitative", "format": ".2f"}],
        },
        "height": 24 * len(values),
        "autosize": _FIT_X,
    }


def _axis_title(codebook: Codebook, axis_id: str) -> str:
    axis = codebook.axis(axis_id)
    return f"← {codebook.frame(axis.pole_a).label}   ·   {codebook.frame(axis.pole_b).label} →"


def axis_positions(row: Mapping, codebook: Codebook) -> dict | None:
    """Vega-Lite spec: one article's position on every axis with its interval (pole A left)."""
    rows = []
    for axis in codebook.axes:
        value = _num(row.get(f"axis:{axis.id}"))
        if value is None:
            continue
        lo, hi = _num(row.get(f"axis:{axis.id}:lo")), _num(row.get(f"axis:{axis.id}:hi"))
        rows.append({"axis": axis.label, "position": value, "lo": value if lo is None else lo,
                     "hi": value if hi is None else hi, "left": codebook.frame(axis.pole_a).label,
                     "right": codebook.frame(axis.pole_b).label})
    if not rows:
        return None
    title = _axis_title(codebook, codebook.axes[0].id) if len(codebook.axes) == 1 else "← pole A · pole B →"
    scale = {"domain": [1, -1]}
    y = {"field": "axis", "type": "nominal", "title": None, "axis": {"labelLimit": 160}}
    return {
        "$schema": _SCHEMA,
        "data": {"values": rows},
        "layer": [
            {"data": {"values": [{"position": 0}]}, "mark": {"type": "rule", "color": "#999", "strokeDash": [3, 3]},
             "encoding": {"x": {"field": "position", "type": "quantitative", "scale": scale}}},
            {"mark": {"type": "rule", "strokeWidth": 3, "color": "#555"},
             "encoding": {"x": {"field": "lo", "type": "quantitative", "scale": scale, "title": title,
                                "axis": {"titleFontSize": 10, "titleFontWeight": "normal"}},
                          "x2": {"field": "hi"}, "y": y}},
            {"mark": {"type": "point", "filled": True, "size": 90, "color": "#222"},
             "encoding": {"x": {"field": "position", "type": "quantitative", "scale": scale, "title": title,
                                "axis": {"titleFontSize": 10, "titleFontWeight": "normal"}},
                          "y": y,
                          "tooltip": [{"field": f, "type": "quantitative" if f in ("position", "lo", "hi")
                                       else "nominal", **({"format": ".2f"} if f in ("position", "lo", "hi")
                                                          else {})}
                                      for f in ("axis", "position", "lo", "hi", "left", "right")]}},
        ],
        "height": 34 * len(rows),
        "autosize": _FIT_X,
    }


def outlet_heatmap(means: pd.DataFrame, codebook: Codebook) -> alt.LayerChart:
    """Outlet × frame heatmap of mean scores, each cell labelled ``mean [lo, hi]``.

    ``means`` has columns ``outlet, frame, mean, lo, hi`` (frame = frame id).
    """
    labels = {f.id: _wrap(f.label) for f in codebook.frames}
    data = means.copy()
    data["frame_label"] = data["frame"].map(labels).fillna(data["frame"])
    data["cell"] = [
        f"{m:.2f} [{lo:.2f}, {hi:.2f}]" if pd.notna(lo) else f"{m:.2f}"
        for m, lo, hi in zip(data["mean"], data.get("lo", data["mean"]), data.get("hi", data["mean"]))
    ]
    order = [labels.get(f, f) for f in codebook.frame_ids]
    base = alt.Chart(data).encode(
        x=alt.X("frame_label:N", sort=order, title=None,
                axis=alt.Axis(labelAngle=0, labelOverlap=False, labelExpr="split(datum.label, '|')",
                              orient="bottom", labelLimit=400)),
        y=alt.Y("outlet:N", title=None, axis=alt.Axis(labelLimit=220)),
    )
    rect = base.mark_rect().encode(
        color=alt.Color("mean:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), title="mean score",
                        legend=alt.Legend(gradientLength=max(60, 36 * means["outlet"].nunique() - 30))),
        tooltip=["outlet", "frame", alt.Tooltip("mean:Q", format=".3f"), alt.Tooltip("lo:Q", format=".3f"),
                 alt.Tooltip("hi:Q", format=".3f")],
    )
    text = base.mark_text(fontSize=11).encode(
        text="cell:N",
        color=alt.condition(alt.datum.mean > 0.55, alt.value("white"), alt.value("black")),
    )
    n_outlets = data["outlet"].nunique()
    return _fit(alt.layer(rect, text).properties(height=36 * n_outlets))


def axis_strip(scores: pd.DataFrame, codebook: Codebook, axis_id: str) -> alt.LayerChart:
    """Each article a dot at its axis position, one row per outlet, pole A left, pole B right."""
    col = f"axis:{axis_id}"
    data = scores[["article_id", "outlet", "title", col]].rename(columns={col: "position"}).dropna(subset=["position"])
    data = data.assign(title=data["title"].astype(str).str.slice(0, 120))
    scale = alt.Scale(domain=[1, -1])
    dots = alt.Chart(data).mark_circle(size=60, opacity=0.7, stroke="white", strokeWidth=0.5).encode(
        x=alt.X("position:Q", scale=scale, title=_axis_title(codebook, axis_id)),
        y=alt.Y("outlet:N", title=None, axis=alt.Axis(labelLimit=220)),
        yOffset=alt.YOffset("jitter:Q", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("outlet:N", legend=None, scale=alt.Scale(scheme="tableau10")),
        tooltip=["outlet", "title", alt.Tooltip("position:Q", format=".2f")],
    ).transform_calculate(jitter="0.2 + 0.6 * random()")
    means = alt.Chart(data).mark_tick(color="#333", thickness=2, size=30, opacity=0.8).encode(
        x=alt.X("mean(position):Q", scale=scale), y="outlet:N")
    zero = alt.Chart(pd.DataFrame({"position": [0.0]})).mark_rule(color="#999", strokeDash=[3, 3]).encode(
        x=alt.X("position:Q", scale=scale))
    return _fit(alt.layer(zero, means, dots).properties(height=40 * data["outlet"].nunique()))


def prevalence_lines(prevalence: pd.DataFrame, codebook: Codebook, colours: Mapping[str, str]) -> alt.Chart:
    """Frame prevalence over time: one line per frame, one panel per outlet when there are outlets.

    ``prevalence`` has columns ``period`` (date), ``frame`` (id), ``value`` and optionally ``outlet``.
    """
    labels = {f.id: f.label for f in codebook.frames}
    data = prevalence.assign(frame_label=prevalence["frame"].map(labels).fillna(prevalence["frame"]))
    chart = alt.Chart(data).mark_line(point=data["period"].nunique() <= 40).encode(
        x=alt.X("period:T", title=None),
        y=alt.Y("value:Q", title="mean frame score"),
        color=alt.Color("frame_label:N", scale=_frame_scale(codebook, colours), title="frame"),
        tooltip=["frame_label", alt.Tooltip("period:T"), alt.Tooltip("value:Q", format=".3f")]
        + (["outlet"] if "outlet" in data.columns else []),
    ).properties(height=160)
    if "outlet" in data.columns and data["outlet"].nunique() > 1:
        return chart.facet(row=alt.Row("outlet:N", title=None))
    return _fit(chart)


def _overall(table: pd.DataFrame) -> pd.DataFrame:
    """Corpus-wide rows of a comparison table (scope ``event_id == "all"``)."""
    if "event_id" in table.columns:
        table = table[table["event_id"].astype(str) == "all"]
    return table


def _frames_only(table: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    frame = table["measure"].astype(str)
    table = table[frame.str.startswith("frame:")]
    table = table.assign(frame=table["measure"].astype(str).str.slice(len("frame:")))
    return table[table["frame"].isin(codebook.frame_ids)]


def means_long(tables: Mapping[str, pd.DataFrame], codebook: Codebook) -> pd.DataFrame:
    """``outlet, frame, mean, lo, hi, n`` rows (corpus-wide) from ``Comparison.tables["means"]``."""
    cols = ["outlet", "frame", "mean", "lo", "hi", "n"]
    means = tables.get("means")
    if means is None or means.empty:
        return pd.DataFrame(columns=cols)
    data = _frames_only(_overall(means), codebook).rename(columns={"ci_low": "lo", "ci_high": "hi"})
    return data[cols].reset_index(drop=True)


def prevalence_long(tables: Mapping[str, pd.DataFrame], codebook: Codebook) -> pd.DataFrame:
    """``period, frame, value, outlet`` rows from ``Comparison.tables["prevalence"]``."""
    cols = ["period", "frame", "value", "outlet"]
    prevalence = tables.get("prevalence")
    if prevalence is None or prevalence.empty:
        return pd.DataFrame(columns=cols)
    data = _frames_only(prevalence, codebook).rename(columns={"mean": "value"})
    data = data.assign(period=pd.to_datetime(data["period"].astype(str), errors="coerce")).dropna(subset=["period"])
    return data[cols].reset_index(drop=True)
