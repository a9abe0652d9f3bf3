"""Write the notebooks of this folder from their cell sources (outputs stay out of git).

Run from the repository root: ``.venv/bin/python notebooks/build_notebooks.py``.
Edit the cells here rather than in Jupyter, so the committed ``.ipynb`` files stay
clean; ``tests/test_notebooks.py`` executes every notebook.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

EXPLORE_SEED = [
    new_markdown_cell(
        "# Exploring the bundled seed corpus\n\n"
        "This notebook walks through the public API of `framing` on the five bundled articles about "
        "ISKP (Express Tribune, First Post, Arab News):\n\n"
        "1. `framing.load` reads the articles and reports what it kept;\n"
        "2. `framing.analyse` scores every article on every frame and on the *siege ↔ proxy* axis, "
        "keeping the sentences behind each score;\n"
        "3. `analysis.events` groups articles that report the same event across outlets;\n"
        "4. `analysis.compare` puts the outlets side by side with 95% intervals, tested differences "
        "and distinctive words;\n"
        "5. `export` writes the tables with a `manifest.json` that makes them reproducible.\n\n"
        "The charts come from `framing.plots` (the same figures as the app). "
        "`plots.use_offline_renderer()` draws them here as SVG images, so they need no internet, "
        "in Jupyter or in an exported HTML file.\n\n"
        "Five articles are far too few for statistics: read the intervals and p-values as a demonstration "
        "of the tables, not as findings."
    ),
    new_code_cell(
        "import tempfile\n"
        "from pathlib import Path\n\n"
        "import pandas as pd\n\n"
        "import framing\n"
        "from framing import plots\n\n"
        "plots.use_offline_renderer()  # charts as SVG drawn locally: no CDN, no internet\n"
        "pd.set_option(\"display.max_colwidth\", 80)\n"
        "corpus = framing.load()  # no paths: the bundled demo corpus\n"
        "print(corpus.report.summary())\n"
        "corpus.to_frame()[[\"article_id\", \"outlet\", \"published\", \"title\"]]"
    ),
    new_markdown_cell(
        "## Scores\n\n"
        "One row per article: frame scores in [0, 1] (calibrated), axis positions in [-1, 1] with a "
        "bootstrap interval (`:lo`, `:hi`). Positive `axis:siege_vs_proxy` leans to *state under siege*, "
        "negative to *state as proxy sponsor*."
    ),
    new_code_cell(
        "analysis = framing.analyse(corpus, \"south-asia-security\")\n"
        "print(analysis)\n"
        "frames = [c for c in analysis.scores.columns if c.startswith(\"frame:\")]\n"
        "axis = \"axis:siege_vs_proxy\"\n"
        "analysis.scores[[\"outlet\", \"title\", axis, axis + \":lo\", axis + \":hi\"] + frames].round(2)"
    ),
    new_code_cell(
        "plots.article_frames(analysis)  # every article's score on every frame"
    ),
    new_markdown_cell(
        "## Evidence\n\n"
        "Every score keeps the sentences (and lexicon terms) behind it, as character spans into the "
        "article text. Here: the strongest sentence for each pole of the axis, per article."
    ),
    new_code_cell(
        "ev = analysis.evidence\n"
        "top = ev[(ev[\"target\"] == \"siege_vs_proxy\") & (ev[\"kind\"] == \"sentence\") & (ev[\"rank\"] == 1)]\n"
        "top = top.merge(analysis.scores[[\"article_id\", \"outlet\"]], on=\"article_id\")\n"
        "top[[\"outlet\", \"pole\", \"value\", \"text\"]].round(3)"
    ),
    new_code_cell(
        "# The spans point into the article text: the same sentence, cut from the original\n"
        "row = top.iloc[0]\n"
        "corpus[row[\"article_id\"]].text[row[\"start\"]:row[\"end\"]] == row[\"text\"]"
    ),
    new_markdown_cell(
        "## Events\n\n"
        "Articles are grouped when their embeddings, distinctive words and named actors are close and "
        "their dates are within a week. Singletons are kept (`event_size` 1)."
    ),
    new_code_cell(
        "events = analysis.events.merge(corpus.to_frame()[[\"article_id\", \"outlet\", \"title\"]], on=\"article_id\")\n"
        "events[[\"event_id\", \"event_size\", \"outlet\", \"title\", \"event_label\", \"event_start\", \"event_end\"]]"
    ),
    new_code_cell(
        "# A stricter or looser grouping is one call away\n"
        "from framing.events import cluster_events\n\n"
        "loose = cluster_events(corpus.to_frame(), analysis.doc_vectors, codebook=analysis.codebook,\n"
        "                       distance_threshold=0.7, date_window_days=30)\n"
        "loose.groupby(\"event_id\").agg(size=(\"article_id\", \"size\"), label=(\"event_label\", \"first\"))"
    ),
    new_markdown_cell(
        "## Comparing outlets\n\n"
        "`compare` gives tidy tables: `means` (per outlet, overall and within each event, with a "
        "percentile-bootstrap 95% interval and n), `differences` (every outlet pair, permutation p-value, "
        "Benjamini–Hochberg q-value), `distinctive_terms` (log-odds ratio with an informative Dirichlet "
        "prior, z-scores) and `prevalence` over time."
    ),
    new_code_cell(
        "cmp = analysis.compare(by=\"event\", n_boot=1000, n_perm=2000, random_state=0)\n"
        "overall = cmp.means[cmp.means[\"event_id\"] == \"all\"]\n"
        "overall.round(3)"
    ),
    new_code_cell(
        "# The figures take the results themselves (the outlet comparison is computed once and kept)\n"
        "plots.outlet_intervals(analysis)  # mean frame score per outlet, 95% bootstrap interval"
    ),
    new_code_cell(
        "plots.outlet_frames(analysis)  # the app's outlet × frame heatmap"
    ),
    new_code_cell(
        "plots.axis_strip(analysis, \"siege_vs_proxy\")  # each article on the axis; the tick is the outlet mean"
    ),
    new_code_cell(
        "cmp.differences[cmp.differences[\"event_id\"] == \"all\"].sort_values(\"p_value\").head(8).round(3)"
    ),
    new_code_cell(
        "plots.differences(analysis)  # every outlet pair; filled where the q-value is below 0.05"
    ),
    new_code_cell(
        "plots.distinctive_terms(analysis, top=8)  # words each outlet uses more than the others"
    ),
    new_code_cell(
        "plots.prevalence(analysis)  # mean frame score per week, one panel per outlet"
    ),
    new_markdown_cell(
        "## Export\n\n"
        "Every table goes to CSV, XLSX (one sheet per table), Parquet, JSON, Markdown or LaTeX, with a "
        "`manifest.json` beside it: package version, model, codebook id and hash, settings, input files "
        "with hashes, and the hash of every file written."
    ),
    new_code_cell(
        "import json\n\n"
        "out = Path(tempfile.mkdtemp())\n"
        "written = analysis.export(out / \"seed_scores.xlsx\")\n"
        "# the analysis manifest (model, codebook hash, settings, inputs) goes beside the comparison too\n"
        "written += cmp.export(out / \"comparison\", format=\"csv\", manifest=analysis.manifest())\n"
        "print(\"\\n\".join(str(p.relative_to(out)) for p in written))\n"
        "manifest = json.loads((out / \"comparison\" / \"manifest.json\").read_text())\n"
        "{k: manifest[k] for k in (\"framing_version\", \"encoder\", \"codebook\", \"comparison\") if k in manifest}"
    ),
]


def build() -> list[Path]:
    notebook = new_notebook(cells=EXPLORE_SEED)
    for i, cell in enumerate(notebook.cells):
        cell.id = f"cell-{i:02d}"  # stable ids: rebuilding gives the same file
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    path = HERE / "01_explore_seed.ipynb"
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    return [path]


if __name__ == "__main__":
    for p in build():
        print(p)
