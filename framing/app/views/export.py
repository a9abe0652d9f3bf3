"""Export page: every table as CSV/XLSX/Parquet/Markdown/LaTeX/JSON with its manifest; figures as PNG/SVG."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import altair as alt
import streamlit as st

from framing.app import charts, state
from framing.app.highlight import colour_map
from framing.export import export_tables

FORMATS = {"csv": "CSV", "xlsx": "Excel (XLSX)", "parquet": "Parquet", "md": "Markdown", "tex": "LaTeX",
           "json": "JSON"}
MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "parquet": "application/vnd.apache.parquet", "md": "text/markdown", "tex": "application/x-tex",
        "json": "application/json", "png": "image/png", "svg": "image/svg+xml"}


def tables_of(analysis) -> dict:
    """Every table the app shows: scores, evidence, events, components and the outlet comparison."""
    tables = {"scores": analysis.scores, "evidence": analysis.evidence, "events": analysis.events,
              "components": analysis.components}
    for name, frame in state.comparison_tables(analysis, "outlet").items():  # the outlets chosen on Outlets
        tables[f"outlets_{name}"] = frame
    return tables


@st.cache_resource(show_spinner="Writing the tables…", max_entries=6)
def _export(key: str, fmt: str, _analysis) -> dict[str, bytes]:
    """{file name: bytes} of every table written in ``fmt`` plus manifest.json.

    A resource, not ``cache_data``: the evidence table of a few thousand articles is
    tens of MB, which ``cache_data`` would unpickle on every visit of the page.
    """
    with tempfile.TemporaryDirectory(prefix="framing-export-") as tmp:
        target = Path(tmp) / ("tables" if fmt in ("csv", "parquet") else f"framing-tables.{fmt}")
        paths = export_tables(tables_of(_analysis), target, format=fmt, manifest=_analysis.manifest())
        return {p.name: p.read_bytes() for p in paths}


@st.cache_data(show_spinner=False, max_entries=6)
def _zip(key: str, fmt: str, _files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in _files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def figures_of(analysis) -> dict:
    """Name -> altair chart builder for every exportable figure."""
    cb = analysis.codebook
    tables = state.comparison_tables(analysis, "outlet")
    colours = colour_map(cb.frame_ids)
    figures = {}
    means = charts.means_long(tables, cb)
    if not means.empty:
        figures["outlet_frame_heatmap"] = lambda: charts.outlet_heatmap(means, cb)
    for axis_id in cb.axis_ids:
        compared = analysis.scores[analysis.scores["outlet"].astype(str).isin(state.compared_outlets(analysis))]
        figures[f"axis_strip_{axis_id}"] = lambda a=axis_id, c=compared: charts.axis_strip(c, cb, a)
    prevalence = charts.prevalence_long(tables, cb)
    if not prevalence.empty and prevalence["period"].nunique() >= 2:
        figures["frame_prevalence"] = lambda: charts.prevalence_lines(prevalence, cb, colours)
    return figures


@st.cache_data(show_spinner="Rendering the figure…", max_entries=24)
def _figure_bytes(key: str, name: str, fmt: str, _analysis) -> bytes:
    chart = figures_of(_analysis)[name]()
    if not isinstance(chart, alt.FacetChart):
        chart = chart.properties(width=900)  # the page column's width does not exist outside the page
    buffer = io.BytesIO() if fmt == "png" else io.StringIO()
    chart.save(buffer, format=fmt, **({"scale_factor": 2} if fmt == "png" else {}))
    value = buffer.getvalue()
    return value if isinstance(value, bytes) else value.encode("utf-8")


def render() -> None:
    st.title("Export")
    if state.results_folder() is not None:
        from framing.app.views import results

        db = state.results_db_or_error()
        if db is not None:
            results.render_export(db)
        return
    analysis = state.analysis_or_prompt()
    if analysis is None:
        return
    # the comparison tables depend on the outlets chosen on the Outlets page
    key = "|".join(state.analysis_key() or ()) + "|" + "\x1f".join(state.compared_outlets(analysis))
    st.subheader("Tables")
    st.caption("Scores, evidence, events and components, plus the outlet comparison (means with intervals, "
               "differences, distinctive terms, prevalence). `manifest.json` records the package version, "
               "encoder, codebook sha256, settings and input files, so every number can be reproduced.")
    fmt = st.radio("Format", list(FORMATS), format_func=FORMATS.__getitem__, horizontal=True, key="export_format")
    files = _export(key, fmt, analysis)
    # data as callables: the bytes are sent only when a button is clicked, not on every rerun
    st.download_button(f"Download all ({len(files)} files, zip)", lambda: _zip(key, fmt, files),
                       file_name=f"framing-{fmt}.zip", mime="application/zip", type="primary", key="download_all")
    cols = st.columns(3)
    for i, (name, data) in enumerate(files.items()):
        ext = Path(name).suffix.lstrip(".")
        cols[i % 3].download_button(f"{name} ({len(data) / 1024:,.0f} KB)", lambda d=data: d, file_name=name,
                                    mime=MIME.get(ext, "application/octet-stream"), key=f"download_{name}")
    with st.expander("manifest.json"):
        st.json(json.loads(files["manifest.json"]), expanded=1)

    st.subheader("Figures")
    figures = figures_of(analysis)
    if not figures:
        st.info("No figures for this analysis.")
        return
    c1, c2 = st.columns([3, 1])
    name = c1.selectbox("Figure", list(figures), key="export_figure")
    fig_fmt = c2.radio("As", ["png", "svg"], horizontal=True, key="export_figure_format")
    st.altair_chart(figures[name](), key="export_preview")
    if st.button(f"Prepare {name}.{fig_fmt}", key="prepare_figure"):
        st.session_state["figure_ready"] = (name, fig_fmt)
    if st.session_state.get("figure_ready") == (name, fig_fmt):
        data = _figure_bytes(key, name, fig_fmt, analysis)
        st.download_button(f"Download {name}.{fig_fmt}", lambda: data, file_name=f"{name}.{fig_fmt}", mime=MIME[fig_fmt],
                           key="download_figure")
