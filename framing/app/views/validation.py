"""Validation page: agreement between coders (Krippendorff's alpha), and of the model with them.

The model is either the app's zero-shot scores (the current analysis) or a trained
classifier from ``models/``; per-frame precision/recall/F1/AUC against the coders'
majority come with bootstrap intervals. Every table can be downloaded.
"""

from __future__ import annotations

import io
import logging
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import streamlit as st

from framing.app.files import inside, safe_name
from framing.validate.labels import AnnotationStore, LabelError, read_labels
from framing.validate.report import analysis_predictions, model_predictions, validation_tables

log = logging.getLogger(__name__)
K = "validation"
ZERO_SHOT = "Zero-shot scores (current analysis)"


def render() -> None:
    """The page inside the app: inputs from ``framing.app.state``."""
    from framing.app import state

    articles = state.current_articles()
    if articles is not None:
        render_page(articles, state.active_codebook(), state.annotations_store(), state.current_results(start=False))


def trained_models(folder: Path | None = None) -> dict[str, Path]:
    """Model directories under ``models/`` (those with a ``config.json`` and ``meta.json``)."""
    from framing.paths import models_dir

    folder = folder or models_dir()
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.iterdir()) if (p / "config.json").exists() and (p / "meta.json").exists()}


@st.cache_resource(show_spinner="Loading the model…", max_entries=2)
def _load_model(path: str):
    from framing.validate.supervised import load_model

    return load_model(path)


def _import(store, codebook, upload) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = inside(Path(tmp), safe_name(upload.name))  # a client-chosen name never leaves tmp
        path.write_bytes(upload.getvalue())
        try:
            labels = read_labels(path, codebook=codebook)
        except LabelError as exc:
            st.error(str(exc))
            return
    n = AnnotationStore(store).import_labels(labels, codebook.id)
    st.success(f"Imported {n} answers: {labels.summary()}.")
    if labels.skipped:
        st.dataframe(pd.DataFrame([s.__dict__ for s in labels.skipped]), hide_index=True)


def _downloads(tables: dict[str, pd.DataFrame]) -> None:
    from framing.export import export_tables

    with tempfile.TemporaryDirectory() as tmp:
        xlsx = export_tables(tables, Path(tmp) / "validation.xlsx")
        csvs = export_tables(tables, Path(tmp) / "csv", format="csv")
        xlsx_bytes = xlsx[0].read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            for p in csvs:
                zf.writestr(p.name, p.read_bytes())
    c1, c2 = st.columns(2)
    c1.download_button("Download tables (XLSX)", xlsx_bytes, file_name="validation.xlsx", key=f"{K}:xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    c2.download_button("Download tables (CSV, zip)", buffer.getvalue(), file_name="validation-csv.zip",
                       mime="application/zip", key=f"{K}:csv")


def render_page(corpus, codebook, store, analysis=None, models_folder: Path | None = None) -> None:
    """Draw the page for explicit inputs (used by :func:`render` and tests)."""
    st.header("Validation")
    st.caption("How far coders agree with each other (Krippendorff's α: nominal for frames, ordinal for axes), "
               "and how far the model agrees with them. α ≥ 0.8 is reliable, ≥ 0.667 tentative (Krippendorff 2004).")
    with st.expander("Import coded labels (CSV / JSONL)"):
        upload = st.file_uploader("Label file", type=["csv", "tsv", "jsonl", "json"], key=f"{K}:upload")
        if upload is not None and st.button("Import into the store", key=f"{K}:import"):
            _import(store, codebook, upload)
    try:
        labels = AnnotationStore(store).labels(codebook)
    except ValueError as exc:
        st.error(str(exc))
        return
    if labels.frame.empty:
        st.info(f"No coded articles yet for codebook '{codebook.id}'. Code some on the Annotate page or import a "
                "label file above.")
        return
    st.write(f"{labels.summary()}.")

    sources = ([ZERO_SHOT] if analysis is not None else []) + list(trained_models(models_folder))
    choice = st.selectbox("Model to compare with the coders", sources, key=f"{K}:model") if sources else None
    predictions = None
    if choice == ZERO_SHOT:
        threshold = st.slider("Frame present when its score is at least", 0.0, 1.0, 0.5, 0.05, key=f"{K}:thr")
        scores = analysis.score_rows(labels.article_ids)
        predictions = analysis_predictions(scores, labels.frames, labels.axes, threshold=threshold)
    elif choice:
        path = trained_models(models_folder)[choice]
        texts = corpus.texts(labels.article_ids)
        missing = [a for a in labels.article_ids if a not in texts]
        if missing:
            st.warning(f"{len(missing)} coded article(s) are not in the current corpus and are left out.")
        try:
            model = _load_model(str(path))
            predictions = model_predictions(model, texts, labels.article_ids)
        except (ValueError, OSError) as exc:
            st.error(f"Model {choice}: {exc}")
            model = None
        if model is not None and not set(model.labels_) & set(labels.frames):
            st.warning(f"The model's frames {model.labels_} do not match the codebook's frames.")
    n_boot = 1000 if len(labels.article_ids) <= 2000 else 200
    tables = validation_tables(labels, predictions, n_boot=n_boot)

    st.subheader("Agreement between coders")
    if len(labels.coders) < 2:
        st.info("α needs at least two coders who coded the same articles.")
    st.dataframe(tables["agreement"], hide_index=True,
                 column_config={"alpha": st.column_config.NumberColumn("α", format="%.3f")})
    if "model_agreement" in tables:
        st.subheader("Agreement of the model with each coder")
        st.dataframe(tables["model_agreement"], hide_index=True,
                     column_config={"alpha": st.column_config.NumberColumn("α", format="%.3f")})
    if "frame_metrics" in tables:
        st.subheader("Model vs the coders' majority, per frame (95% bootstrap intervals)")
        st.dataframe(tables["frame_metrics"].round(3), hide_index=True)
    _downloads(tables)
