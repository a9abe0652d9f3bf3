"""Every notebook in notebooks/ runs top to bottom without an error, and is committed clean."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def kernel_name(tmp_path_factory):
    """A kernelspec that runs this interpreter (the project's venv), found through JUPYTER_PATH."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "framing-venv"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "framing (venv)", "language": "python",
    }))
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(root), old) if p)
    yield "framing-venv"
    if old is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = old


def test_there_are_notebooks():
    assert any(p.name == "01_explore_seed.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def _execute(nb, kernel_name: str, tmp_path: Path) -> None:
    from nbclient import NotebookClient

    env_db = os.environ.get("FRAMING_DB")
    os.environ["FRAMING_DB"] = str(tmp_path / "store.duckdb")  # never touch the user's store
    try:
        NotebookClient(nb, timeout=900, kernel_name=kernel_name, resources={"metadata": {"path": str(REPO)}}
                       ).execute()  # raises CellExecutionError naming the cell on any error
    finally:
        if env_db is None:
            os.environ.pop("FRAMING_DB", None)
        else:
            os.environ["FRAMING_DB"] = env_db


def _mini_notebook(offline: bool):
    """Two framing.plots charts, with or without :func:`framing.plots.use_offline_renderer`."""
    from nbformat.v4 import new_code_cell, new_notebook

    setup = "import pandas as pd\nfrom framing import plots\n" + ("plots.use_offline_renderer()\n" if offline else "")
    table = ("pd.DataFrame({'outlet': ['<script>alert(1)</script>', '[x](http://evil)'], 'articles': [3, 1], "
             "'undated': [0, 1]})")
    terms = ("pd.DataFrame({'outlet': ['A', 'B'], 'term': ['x', 'y'], 'z': [2.0, 1.5], 'log_odds': [1.0, 0.5], "
             "'count': [3, 2], 'rank': [1, 1]})")
    return new_notebook(cells=[new_code_cell(setup), new_code_cell(f"plots.coverage_bars({table})"),
                               new_code_cell(f"plots.term_bars({terms})")])


def test_offline_renderer_draws_svg_without_the_internet(kernel_name, tmp_path):
    nb = _mini_notebook(offline=True)
    _execute(nb, kernel_name, tmp_path)
    _assert_charts_render_offline(nb, min_charts=2)
    svg = nb.cells[1].outputs[0]["data"]["image/svg+xml"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg and "<script>alert" not in svg  # a label is text


def test_the_default_renderer_would_fail_the_offline_check(kernel_name, tmp_path):
    """The check above can fail: Altair's default renderer loads vega from a CDN."""
    nb = _mini_notebook(offline=False)
    _execute(nb, kernel_name, tmp_path)
    with pytest.raises(AssertionError, match="not an offline SVG"):
        _assert_charts_render_offline(nb, min_charts=2)
    html = "".join(nb.cells[1].outputs[0]["data"]["text/html"])
    assert REMOTE_LOADS.search(html)  # the pattern catches the CDN loads


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes(path, kernel_name, tmp_path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    _execute(nb, kernel_name, tmp_path)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    _assert_charts_render_offline(nb)


#: How an output would fetch code from the internet (Altair's default renderer loads vega,
#: vega-lite and vega-embed from jsDelivr and shows "Error loading script" offline).
REMOTE_LOADS = re.compile(r"cdn\.jsdelivr\.net|<script[^>]+src\s*=\s*[\"']?(https?:)?//|require\.config|"
                          r"import\s*\(?\s*[\"']https?://", re.I)


def _assert_charts_render_offline(nb, min_charts: int = 5) -> None:
    """Every chart of the notebook is a static SVG drawn in the kernel, and no output loads
    anything from the internet (so the notebook and its HTML export work offline)."""
    chart_cells = [c for c in nb.cells if c.cell_type == "code" and "plots." in c.source
                   and "use_offline_renderer" not in c.source]
    assert len(chart_cells) >= min_charts, "the notebook should draw its charts with framing.plots"
    for cell in chart_cells:
        bundles = [o["data"] for o in cell.outputs if o.output_type in ("execute_result", "display_data")]
        assert bundles, f"chart cell drew nothing: {cell.source!r}"
        for data in bundles:
            assert "image/svg+xml" in data, f"not an offline SVG ({sorted(data)}): {cell.source!r}"
            svg = data["image/svg+xml"]
            svg = "".join(svg) if isinstance(svg, list) else svg
            assert svg.lstrip().startswith("<svg") and "<script" not in svg.lower()
            assert not any(k.startswith(("application/vnd.vega", "application/javascript")) for k in data)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for mime, value in output.get("data", {}).items():
                text = "".join(value) if isinstance(value, list) else str(value)
                assert not REMOTE_LOADS.search(text), f"{mime} output of {cell.source[:60]!r} loads from the web"
    assert not any("Error loading script" in str(o) for c in nb.cells for o in c.get("outputs", []))
