"""Shared pieces of the plots: sizes, palettes, labels, reshaped comparison tables, the offline renderer."""

from __future__ import annotations

from typing import Mapping
import altair as alt
import pandas as pd
from framing.codebook import Codebook





#: Formats :func:`use_offline_renderer` can draw charts in.
OFFLINE_FORMATS = ("svg", "png", "html")


#: Width (pixels) of the charts the results functions return.
WIDTH = 640


#: Most frames drawn as separate lines in one time chart.
MAX_LINES = 8


#: Eight colours that stay apart from each other (and on white), in order of use: the
#: Okabe & Ito (2008) colour-blind-safe set, its yellow darkened, black replaced by grey-blue.
DISTINCT_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#8C6D00", "#555577"]


# ---------------------------------------------------------------------- display
def use_offline_renderer(format: str = "svg", *, scale_factor: float = 2.0) -> str:
    """Draw Altair charts without the internet (in Jupyter and in exported HTML).

    Altair's default renderer loads vega, vega-lite and vega-embed from a CDN, so
    without internet a notebook shows "Error loading script". This enables a renderer
    that needs none of that.

    Parameters
    ----------
    format : {"svg", "png", "html"}, default "svg"
        ``"svg"`` and ``"png"``: static images drawn locally by vl-convert (no
        tooltips; a few kB per chart). ``"html"``: the interactive chart with the
        vega JavaScript inlined into every output (tooltips; about 1 MB per chart).
    scale_factor : float, default 2.0
        Pixel density of ``"png"`` images.

    Returns
    -------
    str
        The name of the renderer now active.

    Raises
    ------
    ValueError
        For a format not in :data:`OFFLINE_FORMATS`.
    """
    if format not in OFFLINE_FORMATS:
        raise ValueError(f"format must be one of {OFFLINE_FORMATS}, got {format!r}")
    if format == "png":
        alt.renderers.enable("png", scale_factor=scale_factor)
    elif format == "html":
        alt.renderers.enable("html", template="inline")
    else:
        alt.renderers.enable("svg")
    return alt.renderers.active


# ---------------------------------------------------------------------- helpers
def _fit(chart):
    """Width fits the page column, height is the plot's own (Streamlit's default ``fit`` squeezes
    axis labels and titles into the given height)."""
    return chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def _sized(chart, width: int = WIDTH):
    """A chart with a fixed width (outside a page column there is no width to fit)."""
    return chart if isinstance(chart, alt.FacetChart) else chart.properties(width=width)


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


def _colours(codebook: Codebook, colours: Mapping[str, str] | None) -> Mapping[str, str]:
    """The given frame colours, or the app's colour of each frame."""
    if colours is not None:
        return colours
    from framing.app.highlight import colour_map

    return colour_map(codebook.frame_ids)


def _frame_scale(codebook: Codebook, colours: Mapping[str, str]) -> alt.Scale:
    labels = [f.label for f in codebook.frames]
    return alt.Scale(domain=labels, range=[colours[f.id] for f in codebook.frames])


def _axis_title(codebook: Codebook, axis_id: str) -> str:
    axis = codebook.axis(axis_id)
    return f"← {codebook.frame(axis.pole_b).label}   ·   {codebook.frame(axis.pole_a).label} →"


def _pole_ends(codebook: Codebook, axis_id: str, scale: alt.Scale) -> alt.Chart:
    """The two pole names written above the ends of an axis: pole B left, pole A right."""
    axis = codebook.axis(axis_id)
    ends = pd.DataFrame({"position": [-1.0, 1.0], "pole": [f"← {codebook.frame(axis.pole_b).label}",
                                                            f"{codebook.frame(axis.pole_a).label} →"],
                         "align": ["left", "right"]})
    left = alt.Chart(ends.iloc[:1]).mark_text(align="left", baseline="bottom", dy=-6, fontSize=12,
                                               fontWeight="bold", color="#333")
    right = alt.Chart(ends.iloc[1:]).mark_text(align="right", baseline="bottom", dy=-6, fontSize=12,
                                                fontWeight="bold", color="#333")
    enc = {"x": alt.X("position:Q", scale=scale), "y": alt.value(0), "text": "pole:N"}
    return alt.layer(left.encode(**enc), right.encode(**enc))


def _overall(table: pd.DataFrame) -> pd.DataFrame:
    """Corpus-wide rows of a comparison table (scope ``event_id == "all"``)."""
    if "event_id" in table.columns:
        table = table[table["event_id"].astype(str) == "all"]
    return table


def _frames_only(table: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    table = table[table["measure"].astype(str).str.startswith("frame:")]
    table = table.assign(frame=table["measure"].astype(str).str.slice(len("frame:")))
    return table[table["frame"].isin(codebook.frame_ids)]


def _means_frames(means: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """``outlet, frame, mean, lo, hi, n`` from a comparison ``means`` table (or already that)."""
    cols = ["outlet", "frame", "mean", "lo", "hi", "n"]
    if means is None or means.empty:
        return pd.DataFrame(columns=cols)
    if "measure" not in means.columns:
        return means
    data = _frames_only(_overall(means), codebook).rename(columns={"ci_low": "lo", "ci_high": "hi"})
    return data[cols].reset_index(drop=True)


def _prevalence_frames(prevalence: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """``period, frame, value, outlet`` from a comparison ``prevalence`` table (or already that)."""
    cols = ["period", "frame", "value", "outlet"]
    if prevalence is None or prevalence.empty:
        return pd.DataFrame(columns=cols)
    if "measure" not in prevalence.columns:
        return prevalence
    data = _frames_only(prevalence, codebook).rename(columns={"mean": "value"})
    data = data.assign(period=pd.to_datetime(data["period"].astype(str), errors="coerce")).dropna(subset=["period"])
    return data[cols].reset_index(drop=True)


def _frame_labels(codebook: Codebook, wrap: bool = False) -> dict[str, str]:
    return {f.id: _wrap(f.label) if wrap else f.label for f in codebook.frames}


def _article_labels(scores: pd.DataFrame) -> dict[str, str]:
    """article_id -> ``outlet · headline`` (the id added where two would read the same)."""
    ids = scores["article_id"].astype(str)
    outlet = scores["outlet"].astype(str) if "outlet" in scores.columns else pd.Series("", index=scores.index)
    title = scores["title"].fillna("").astype(str).str.slice(0, 60) if "title" in scores.columns else ids
    labels = (outlet + " · " + title).where(outlet != "", title)
    labels = labels.where(~labels.duplicated(keep=False), labels + " (" + ids + ")")
    return dict(zip(ids, labels))


def _heatmap_width(codebook: Codebook) -> int:
    return max(WIDTH, 110 * len(codebook.frames) + 160)


def _no_data(message: str) -> alt.Chart:
    """An empty chart that says why there is nothing to draw."""
    return alt.Chart(pd.DataFrame({"message": [message]})).mark_text(fontSize=13, color="#666").encode(
        text="message:N").properties(width=WIDTH, height=40)


# ---------------------------------------------------------------------- tables
def means_long(tables: Mapping[str, pd.DataFrame], codebook: Codebook) -> pd.DataFrame:
    """Corpus-wide frame means of a comparison, one row per (outlet, frame).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        ``results.comparison(...)`` (or ``Comparison.tables``); its ``means`` table is used.
    codebook : Codebook

    Returns
    -------
    DataFrame
        Columns ``outlet, frame, mean, lo, hi, n`` (``frame`` is the frame id); empty
        when there are no means.
    """
    return _means_frames(tables.get("means"), codebook)


def prevalence_long(tables: Mapping[str, pd.DataFrame], codebook: Codebook) -> pd.DataFrame:
    """Frame prevalence of a comparison, one row per (outlet, period, frame).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        ``results.comparison(...)``; its ``prevalence`` table is used.
    codebook : Codebook

    Returns
    -------
    DataFrame
        Columns ``period`` (datetime), ``frame`` (id), ``value`` (mean score), ``outlet``.
    """
    return _prevalence_frames(tables.get("prevalence"), codebook)
