"""Corpus page: pick the demo corpus, upload files or point at a folder; see the ingest report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from framing.app import files, persist, state
from framing.app.highlight import code, md
from framing.paths import app_roots, confined_path

#: File types the ingest reads (see framing.ingest); anything else is refused with a message.
ALLOWED_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson", ".json",
                    ".csv", ".tsv", ".parquet", ".pq", ".xlsx", ".xlsm")
MAX_FILE_MB = 100
MAX_TOTAL_MB = 300
MAX_FILES = 200
PREVIEW_ROWS = 200


def check_uploads(files: list[tuple[str, int]]) -> list[str]:
    """Problems with a batch of uploads given as ``(name, size in bytes)``; empty when fine."""
    problems = []
    if len(files) > MAX_FILES:
        problems.append(f"{len(files)} files uploaded; at most {MAX_FILES} at a time.")
    total = 0
    for name, size in files:
        total += size
        suffix = Path(name).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            problems.append(
                f"{name}: file type {suffix or '(none)'!r} is not supported; "
                f"expected one of {', '.join(ALLOWED_SUFFIXES)}."
            )
        if size > MAX_FILE_MB * 1024 * 1024:
            problems.append(f"{name}: {size / 1048576:.1f} MB is over the {MAX_FILE_MB} MB limit per file.")
        if size == 0:
            problems.append(f"{name}: the file is empty.")
    if total > MAX_TOTAL_MB * 1024 * 1024:
        problems.append(f"{total / 1048576:.1f} MB in total is over the {MAX_TOTAL_MB} MB limit per upload.")
    return problems


def _safe_name(name: str, used: set[str]) -> str:
    return files.safe_name(name, used)


def _save_uploads(uploads) -> list[Path]:
    """Write the uploaded bytes to a new upload folder of this browser (see :mod:`framing.app.files`).

    The folder stays while the corpus is in use, so a reload finds it; it is removed when
    another corpus replaces it, or after ``files.MAX_AGE_DAYS`` days unused.
    """
    return files.save_uploads(uploads, owner=persist.browser_id())


def _choose_source() -> None:
    src = state.corpus_source()
    demo_tab, upload_tab, folder_tab = st.tabs(["Demo corpus", "Upload files", "Folder or file on this machine"])
    with demo_tab:
        st.write("Five real articles about ISKP from Express Tribune, First Post and Arab News "
                 "(one aggregator page), bundled with the package.")
        if st.button("Use the demo corpus", key="use_demo", disabled=src["kind"] == "demo"):
            demo = state.demo_source()
            state.set_corpus_source("demo", demo["paths"], demo["label"])
            st.rerun()
    with upload_tab:
        uploads = st.file_uploader(
            f"Article files ({', '.join(s.lstrip('.') for s in ALLOWED_SUFFIXES)}; "
            f"up to {MAX_FILE_MB} MB each, {MAX_TOTAL_MB} MB in all)",
            accept_multiple_files=True, key="corpus_upload", max_upload_size=MAX_FILE_MB,
        )
        if uploads:
            problems = check_uploads([(u.name, u.size) for u in uploads])
            for problem in problems:
                st.error(problem)
            if not problems and st.button(f"Read {len(uploads)} uploaded file(s)", type="primary", key="read_uploads"):
                paths = _save_uploads(uploads)
                label = uploads[0].name if len(uploads) == 1 else f"{len(uploads)} uploaded files"
                state.set_corpus_source("upload", [str(p) for p in paths], label)
                st.rerun()
    with folder_tab:
        roots = app_roots()
        st.caption("Only inside " + ", ".join(code(r) for r in roots)
                   + " (start the app with `framing app --root DIR` to allow another folder).")
        typed = st.text_input("Path to a folder or file (folders are read recursively)", key="corpus_path",
                              placeholder=str(roots[0] / "articles"))
        if st.button("Read this path", key="read_path", disabled=not typed.strip()):
            try:
                path = confined_path(typed, roots)
            except ValueError as exc:
                st.error(md(exc))
            else:
                state.set_corpus_source("paths", [str(path)], path.name or str(path))
                st.rerun()


def _report(corpus) -> None:
    report = corpus.report
    st.subheader("Ingest report")
    st.caption(report.summary())
    cols = st.columns(5)
    cols[0].metric("Files read", len(report.files_read))
    cols[1].metric("Records read", f"{report.records_read:,}")
    cols[2].metric("Kept", f"{report.kept:,}")
    cols[3].metric("Merged duplicates", f"{len(report.merged):,}")
    cols[4].metric("Skipped", f"{len(report.skipped):,}")
    if report.skipped:
        with st.expander(f"Skipped records ({len(report.skipped):,}) — with reasons", expanded=True):
            st.dataframe(pd.DataFrame([s.__dict__ for s in report.skipped], columns=["file", "location", "reason"]),
                         hide_index=True, key="skipped_table")
    if report.merged:
        with st.expander(f"Merged duplicates ({len(report.merged):,})"):
            st.dataframe(pd.DataFrame(report.merged, columns=["kept article", "duplicate", "kind"]),
                         hide_index=True, key="merged_table")
    if report.warnings:
        with st.expander(f"Warnings ({len(report.warnings):,})"):
            for w in report.warnings[:200]:
                st.text(w)
            if len(report.warnings) > 200:
                st.caption(f"… and {len(report.warnings) - 200:,} more")


@st.cache_data(show_spinner=False, max_entries=4)
def _article_table(fingerprint: str, _corpus):
    frame = _corpus.to_frame().drop(columns=["text"])
    frame.insert(4, "words", [len(a.text.split()) for a in _corpus.articles])
    return frame


def _articles(corpus) -> None:
    st.subheader("Articles")
    if len(corpus) == 0:
        st.info("No articles were kept from this input. The report above says why.")
        return
    frame = _article_table(state.corpus_fingerprint() or "", corpus)
    counts = frame.groupby("outlet").size().sort_values(ascending=False)
    st.caption(f"{len(corpus):,} articles from {len(counts)} outlets: "
               + ", ".join(f"{md(o)} ({n})" for o, n in counts.head(12).items())
               + (" …" if len(counts) > 12 else ""))
    shown = frame if len(frame) <= PREVIEW_ROWS else frame.head(PREVIEW_ROWS)
    st.dataframe(shown, hide_index=True, key="articles_table",
                 column_config={"published": st.column_config.DateColumn("published")})
    if len(frame) > PREVIEW_ROWS:
        st.caption(f"First {PREVIEW_ROWS} of {len(frame):,} articles shown.")


def _overview(results) -> None:
    """What the scored results hold: counts, articles per outlet and per month."""
    info = results.summary()
    st.subheader("Scored")
    cols = st.columns(5)
    for col, (label, value) in zip(cols, [("articles", info["articles"]), ("outlets", info["outlets"]),
                                          ("sentences", info["sentences"]), ("events", info["events"]),
                                          ("off-topic", info["off_topic"])]):
        col.metric(label, f"{value:,}")
    st.caption(f"Published {_date(info['first'])} – {_date(info['last'])} · encoder {code(info['encoder'])} · "
               f"codebook {code(info['codebook'])} · {md(info['engine'] or '?')} engine · scored {info['created']}")
    counts = results.outlet_counts()
    top = counts.head(40).rename_axis("outlet").reset_index(name="articles")
    st.bar_chart(top, x="outlet", y="articles", horizontal=True, sort="-articles", height=max(160, 24 * len(top)))
    if len(counts) > 40:
        st.caption(f"The 40 outlets with most articles of {len(counts)}.")
    per_month = results.articles_per_period("month")
    if per_month["period"].nunique() >= 2:
        import altair as alt

        monthly = per_month.groupby("period", as_index=False)["n"].sum()
        st.altair_chart(alt.Chart(monthly).mark_bar().encode(
            x=alt.X("yearmonth(period):T", title=None), y=alt.Y("n:Q", title="articles"),
            tooltip=[alt.Tooltip("yearmonth(period):T", title="month"), alt.Tooltip("n:Q", title="articles")],
        ).properties(height=200), key="per_month")


def _date(value) -> str:
    return "no date" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%d %b %Y")


def render() -> None:
    st.title("Corpus")
    results = state.current_results(start=False)
    if state.results_folder() is not None:  # opened on a folder: nothing to choose, its results are fixed
        st.markdown(f"**Open now:** results folder {code(state.results_folder())}")
        st.caption("Scored outside the app (`framing analyse PATH... --results DIR`). To score another corpus in "
                   "the app, start it with `framing app PATH...`.")
        if results is None:
            state.results_or_prompt()  # says why the folder cannot be opened
        else:
            _overview(results)
        return
    notice = st.session_state.pop(state.CORPUS_NOTICE_KEY, None)
    if notice:
        st.info(md(notice))
    src = state.corpus_source()
    st.markdown(f"**Open now:** {md(src['label'])}"
                + (" (uploaded; kept on the server while you use it)" if src["kind"] == "upload" else ""))
    _choose_source()
    st.divider()
    corpus = state.current_corpus()
    if corpus is None:
        st.error(f"Could not read {md(src['label'])}: {md(state.corpus_error())}")
        return
    _report(corpus)
    if results is not None:
        _overview(results)
    _articles(corpus)
