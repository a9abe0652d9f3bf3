"""Export page: every table as CSV/XLSX/Parquet/Markdown/LaTeX/JSON with its manifest; figures as PNG/SVG."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import altair as alt
import streamlit as st

from framing import plots
from framing.app import state
from framing.app.highlight import code, colour_map
from framing.app.views.outlets import STRIP_SAMPLE
from framing.export import export_tables

FORMATS = {"csv": "CSV", "xlsx": "Excel (XLSX)", "parquet": "Parquet", "md": "Markdown", "tex": "LaTeX",
           "json": "JSON"}
MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "parquet": "application/vnd.apache.parquet", "md": "text/markdown", "tex": "application/x-tex",
        "json": "application/json", "png": "image/png", "svg": "image/svg+xml"}


@st.cache_resource(show_spinner="Writing the tables…", max_entries=6)
def _export(key: str, fmt: str, outlets: tuple[str, ...], _results) -> dict[str, bytes]:
    """{file name: bytes} of every table written in ``fmt``, manifest.json and the codebook.

    A resource, not ``cache_data``: the evidence table of a few thousand articles is
    tens of MB, which ``cache_data`` would unpickle on every visit of the page.
    """
    with tempfile.TemporaryDirectory(prefix="framing-export-") as tmp:
        target = Path(tmp) / ("tables" if fmt in ("csv", "parquet") else f"framing-tables.{fmt}")
        paths = _results.export(target, format=fmt, long=True, outlets=list(outlets))
        files = {p.name: p.read_bytes() for p in paths}
    files["codebook.yaml"] = _results.codebook.to_yaml().encode("utf-8")
    return files


@st.cache_resource(show_spinner="Writing the comparison…", max_entries=6)
def _comparison_files(key: str, fmt: str, outlets: tuple[str, ...], _results) -> dict[str, bytes]:
    """{table name: bytes} of the outlet comparison of a results folder, in ``fmt``."""
    with tempfile.TemporaryDirectory(prefix="framing-export-") as tmp:
        paths = export_tables(_results.comparison(list(outlets)), Path(tmp) / "tables", format=fmt,
                              manifest=_results.manifest())
        return {p.stem: p.read_bytes() for p in paths if p.name != "manifest.json"}


@st.cache_data(show_spinner=False, max_entries=6)
def _zip(key: str, fmt: str, _files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in _files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def figures_of(results, outlets: list[str]) -> dict:
    """Name -> altair chart builder for every exportable figure."""
    cb = results.codebook
    tables = results.comparison(outlets)
    colours = colour_map(cb.frame_ids)
    figures = {}
    means = plots.means_long(tables, cb)
    if not means.empty:
        figures["outlet_frame_heatmap"] = lambda: plots.outlet_heatmap(means, cb)
    for axis_id in cb.axis_ids:
        figures[f"axis_strip_{axis_id}"] = lambda a=axis_id: plots.strip_chart(
            results.axis_sample(a, outlets, per_outlet=STRIP_SAMPLE), cb, a)
    prevalence = plots.prevalence_long(tables, cb)
    if not prevalence.empty and prevalence["period"].nunique() >= 2:
        figures["frame_prevalence"] = lambda: plots.prevalence_lines(prevalence, cb, colours)
    return figures


@st.cache_data(show_spinner="Rendering the figure…", max_entries=24)
def _figure_bytes(key: str, name: str, fmt: str, outlets: tuple[str, ...], _results) -> bytes:
    chart = figures_of(_results, list(outlets))[name]()
    if not isinstance(chart, alt.FacetChart):
        chart = chart.properties(width=900)  # the page column's width does not exist outside the page
    buffer = io.BytesIO() if fmt == "png" else io.StringIO()
    chart.save(buffer, format=fmt, **({"scale_factor": 2} if fmt == "png" else {}))
    value = buffer.getvalue()
    return value if isinstance(value, bytes) else value.encode("utf-8")


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def _folder_tables(results) -> None:
    """A results folder's tables are files already: list them (no copy of 100k rows in memory)."""
    files = sorted(p for p in results.folder.iterdir() if p.is_file())
    st.dataframe({"file": [p.name for p in files], "size": [_size(p.stat().st_size) for p in files]},
                 hide_index=True, key="results_files")
    st.caption(f"The tables of results folder {code(results.folder)} as Parquet, with `result.json` (versions, "
               "encoder, codebook sha256, settings, calibration, engine and inputs). Convert them with "
               "`framing.engines.EngineResult.open(DIR).export(PATH, format=...)`, or read them with "
               "DuckDB/pandas. The outlet comparison for the outlets chosen on the Outlets page:")


def render() -> None:
    st.title("Export")
    results = state.results_or_prompt()
    if results is None:
        return
    outlets = tuple(state.compared_outlets(results.outlet_counts()))
    key = f"{id(results)}|{results.created}|" + "\x1f".join(outlets)
    st.subheader("Tables")
    if results.folder is not None:
        _folder_tables(results)
    else:
        st.caption("Scores, evidence, events and components, plus the outlet comparison (means with intervals, "
                   "differences, distinctive terms, prevalence) and the codebook. `manifest.json` records the "
                   "package version, encoder, codebook sha256, settings and input files, so every number can be "
                   "reproduced.")
    fmt = st.radio("Format", list(FORMATS), format_func=FORMATS.__getitem__, horizontal=True, key="export_format")
    if results.folder is not None:
        files = {f"{name}.{fmt}": data for name, data in _comparison_files(key, fmt, outlets, results).items()}
    else:
        files = _export(key, fmt, outlets, results)
    # data as callables: the bytes are sent only when a button is clicked, not on every rerun
    st.download_button(f"Download all ({len(files)} files, zip)", lambda: _zip(key, fmt, files),
                       file_name=f"framing-{fmt}.zip", mime="application/zip", type="primary", key="download_all")
    cols = st.columns(3)
    for i, (name, data) in enumerate(files.items()):
        ext = Path(name).suffix.lstrip(".")
        cols[i % 3].download_button(f"{name} ({len(data) / 1024:,.0f} KB)", lambda d=data: d, file_name=name,
                                    mime=MIME.get(ext, "application/octet-stream"), key=f"download_{name}")
    if "manifest.json" in files:
        with st.expander("manifest.json"):
            st.json(json.loads(files["manifest.json"]), expanded=1)

    st.subheader("Figures")
    figures = figures_of(results, list(outlets))
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
        data = _figure_bytes(key, name, fig_fmt, outlets, results)
        st.download_button(f"Download {name}.{fig_fmt}", lambda: data, file_name=f"{name}.{fig_fmt}", mime=MIME[fig_fmt],
                           key="download_figure")
