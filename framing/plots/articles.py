"""Charts of one article: frame bars, its position on each axis, and frames x articles."""

from __future__ import annotations

from typing import Mapping
import altair as alt
import pandas as pd
from framing.codebook import Codebook

from framing.plots._base import _article_labels, _axis_title, _colours, _fit, _frame_labels


# ---------------------------------------------------------------------- per-article specs
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


def frame_bars(row: Mapping, codebook: Codebook, colours: Mapping[str, str] | None = None) -> dict:
    """One article's score on each frame (0..1) as bars, coloured like its evidence.

    Parameters
    ----------
    row : mapping
        A row of ``results.scores`` (``frame:<id>`` keys).
    codebook : Codebook
    colours : mapping of frame id to ``#rrggbb``, optional
        Default: the app's frame colours.

    Returns
    -------
    dict
        A Vega-Lite spec (a plain dict: the app draws dozens per page).
    """
    colours = _colours(codebook, colours)
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


def axis_positions(row: Mapping, codebook: Codebook) -> dict | None:
    """One article's position on every axis with its interval (pole B left, pole A right).

    Parameters
    ----------
    row : mapping
        A row of ``results.scores`` (``axis:<id>``, ``axis:<id>:lo``, ``axis:<id>:hi`` keys).
    codebook : Codebook

    Returns
    -------
    dict or None
        A Vega-Lite spec (plain dict), or ``None`` when the row has no axis position.
    """
    rows = []
    for axis in codebook.axes:
        value = _num(row.get(f"axis:{axis.id}"))
        if value is None:
            continue
        lo, hi = _num(row.get(f"axis:{axis.id}:lo")), _num(row.get(f"axis:{axis.id}:hi"))
        rows.append({"axis": axis.label, "position": value, "lo": value if lo is None else lo,
                     "hi": value if hi is None else hi, "left": codebook.frame(axis.pole_b).label,
                     "right": codebook.frame(axis.pole_a).label})
    if not rows:
        return None
    title = _axis_title(codebook, codebook.axes[0].id) if len(codebook.axes) == 1 else \
        "← pole B (left name)  ·  pole A (right name) →"
    scale = {"domain": [-1, 1]}
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


def article_heatmap(scores: pd.DataFrame, codebook: Codebook) -> alt.Chart:
    """Every article's score on every frame.

    Parameters
    ----------
    scores : DataFrame
        ``results.scores`` (``article_id, outlet, title, frame:<id>…``).
    codebook : Codebook

    Returns
    -------
    alt.Chart
        Rects, ``x`` the frame label, ``y`` the article (``outlet · headline``), colour the
        score (0..1).
    """
    cols = [f"frame:{f}" for f in codebook.frame_ids if f"frame:{f}" in scores.columns]
    keep = [c for c in ("article_id", "outlet", "title") if c in scores.columns]
    data = scores[keep + cols].melt(id_vars=keep, value_vars=cols, var_name="frame", value_name="score")
    data["frame"] = data["frame"].str.slice(len("frame:"))
    labels = _frame_labels(codebook, wrap=True)
    data["frame_label"] = data["frame"].map(labels)
    data["article"] = data["article_id"].map(_article_labels(scores))
    if "title" in data.columns:
        data["title"] = data["title"].astype(str).str.slice(0, 120)
    return _fit(alt.Chart(data).mark_rect().encode(
        x=alt.X("frame_label:N", sort=[labels[f] for f in codebook.frame_ids], title=None,
                axis=alt.Axis(labelAngle=0, labelOverlap=False, labelExpr="split(datum.label, '|')",
                              labelLimit=400)),
        y=alt.Y("article:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("score:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), title="score"),
        tooltip=[f"{c}:N" for c in keep] + ["frame:N", alt.Tooltip("score:Q", format=".2f")],
    ).properties(height=min(900, 20 * max(1, scores["article_id"].nunique()))))
