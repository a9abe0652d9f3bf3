"""``framing analyse`` (score articles on a codebook) and ``framing codebooks`` (list built-ins)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, List, Optional

import typer

from framing.cli._app import DB_HELP, app
from framing.cli._options import RAW_CELLS_HELP, SKIPS_EPILOG, finish_with_skips, language_inputs
from framing.cli._progress import Progress

#: Engines that run the scoring. Other modules may register more (e.g. "dask"):
#: ``ENGINES[name] = fn(paths, codebook=..., encoder=..., store=..., settings=..., progress=..., scheduler=...)``
#: returning an ``Analysis``.
ENGINES: Dict[str, Callable] = {}


def _dask_engine(paths, **kwargs):
    """``--engine dask``: :func:`framing.engines.analyse_dask` (imported only when used)."""
    from framing.engines import analyse_dask

    return analyse_dask(paths, **kwargs)


ENGINES["dask"] = _dask_engine

_STDOUT_FORMATS = ("csv", "json", "md")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _print_table(scores) -> None:
    """A readable score table on stdout."""
    import pandas as pd
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_lines=False, header_style="bold")
    frame_cols = [c for c in scores.columns if c.startswith("frame:")]
    axis_cols = [c for c in scores.columns if c.startswith("axis:") and c.count(":") == 1]
    table.add_column("outlet", no_wrap=True)
    table.add_column("date", no_wrap=True, min_width=10)
    table.add_column("title", max_width=34, overflow="ellipsis", no_wrap=True)
    table.add_column("relev.", justify="right")
    for c in frame_cols:
        table.add_column(escape(c.split(":", 1)[1].replace("_", " ")), justify="right", max_width=12, min_width=6)
    for c in axis_cols:
        table.add_column(escape(f"{c.split(':', 1)[1].replace('_', ' ')} [95% CI]"), justify="right", no_wrap=True,
                         min_width=22)
    for _, row in scores.iterrows():
        date = "" if pd.isna(row["published"]) else pd.Timestamp(row["published"]).date().isoformat()
        cells = [escape(str(row["outlet"])), date, escape(str(row["title"])),
                 f"{row['relevance']:.2f}" + (" off" if row["off_topic"] else "")]
        cells += [f"{row[c]:.2f}" for c in frame_cols]
        cells += [escape(f"{row[c]:+.2f} [{row[c + ':lo']:+.2f}, {row[c + ':hi']:+.2f}]") for c in axis_cols]
        table.add_row(*cells)
    Console(width=max(200, Console().width)).print(table)


def _print_as(tables: dict, fmt: str) -> None:
    import pandas as pd

    if fmt == "csv":
        for name, frame in tables.items():
            if len(tables) > 1:
                typer.echo(f"# {name}")
            typer.echo(frame.to_csv(index=False), nl=False)
    elif fmt == "json":
        import json

        data = {name: json.loads(frame.to_json(orient="records", date_format="iso")) for name, frame in tables.items()}
        typer.echo(json.dumps(data if len(data) > 1 else next(iter(data.values())), indent=2, ensure_ascii=False))
    else:  # md
        for name, frame in tables.items():
            typer.echo(f"## {name}\n")
            typer.echo(pd.DataFrame(frame).to_markdown(index=False))
            typer.echo("")


@app.command("analyse", epilog=SKIPS_EPILOG)
def analyse_command(
    paths: Optional[List[Path]] = typer.Argument(
        None, help="Files or folders of articles (default: the bundled demo corpus)."),
    codebook: str = typer.Option("south-asia-security", "--codebook", "-c",
                                 help="Built-in codebook id (see `framing codebooks`) or a YAML file."),
    out: Optional[Path] = typer.Option(None, "--out", "-o",
                                       help="Write tables here (+ manifest.json); default: print a table."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f",
                                      help="csv|xlsx|parquet|json|md (default: from the --out suffix)."),
    long: bool = typer.Option(False, "--long", help="Add the long table of components and evidence."),
    encoder: Optional[str] = typer.Option(None, "--encoder",
                                          help="sentence-transformers (default; multilingual when the corpus is not all English), "
                                          "multilingual, cascade (static model everywhere, the transformer on the sentences that "
                                          "can change a score; faster on big corpora), onnx, static, mpnet, or a local model "
                                          "directory."),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP + " Caches sentence embeddings."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not use the store's embedding cache."),
    engine: str = typer.Option("local", "--engine", help="Where scoring runs: local (default) or dask."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (--engine dask)."),
    model: Optional[Path] = typer.Option(
        None, "--model", help="A trained frame classifier directory (`framing train`): adds its per-frame "
        "probabilities as model:<frame> columns."),
    results: Optional[Path] = typer.Option(
        None, "--results", help="Write a results folder (Parquet tables, events, codebook, manifest) streamed "
        "partition by partition, for large corpora; open it with `framing app --results DIR`."),
    language: Optional[List[str]] = typer.Option(None, "--language", "-l", help="Keep only articles in this "
                                                 "language (ISO code or name; repeat for several), e.g. -l ur -l hi."),
    raw_cells: bool = typer.Option(False, "--raw-cells", help=RAW_CELLS_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or progress lines."),
) -> None:
    """Score articles on every frame and axis of a codebook, with evidence."""
    from framing.paths import default_db_path

    if db is not None and no_cache:
        _fail("--db and --no-cache exclude each other")
    if fmt is not None:
        fmt = fmt.lower().lstrip(".")
        if fmt not in ("csv", "xlsx", "parquet", "json", "md", "tex"):
            _fail(f"--format {fmt!r}: expected csv, xlsx, parquet, json or md")
        if out is None and fmt not in _STDOUT_FORMATS:
            _fail(f"--format {fmt} needs --out FILE")
    if engine != "local" and engine not in ENGINES:
        _fail(f"--engine {engine!r} is not available in this installation (available: "
              f"{', '.join(['local'] + sorted(ENGINES))})")
    if scheduler is not None and engine == "local":
        _fail("--scheduler needs --engine dask")
    if model is not None and engine != "local":
        _fail("--model works with --engine local only")
    if model is not None and not (model / "meta.json").is_file():
        _fail(f"--model {model}: not a trained frame classifier directory (no meta.json)")

    if language and (results is not None or engine != "local"):
        _fail("--language works with --engine local and without --results")
    if results is not None:
        if out is not None or fmt is not None or long or model is not None:
            _fail("--results writes a results folder; it does not combine with --out, --format, --long or --model")
        if results.exists() and not results.is_dir():
            _fail(f"--results {results}: exists and is not a folder")
        if results.is_dir() and any(results.iterdir()) and not (results / "result.json").exists():
            _fail(f"--results {results}: folder is not empty and is not a framing results folder; "
                  "choose a new or empty folder")

    bars = Progress(enabled=not quiet)
    store = None
    try:
        from framing.analysis import analyse
        from framing.scoring import ScoringSettings

        if not no_cache:
            from framing.store import open_store

            store, note = open_store(db if db is not None else default_db_path())
            if note:
                typer.echo(f"warning: {note}", err=True)
        inputs = [str(p) for p in paths] if paths else None
        if results is not None:
            _write_results(inputs, results, codebook, encoder, store, engine, scheduler, bars)
            return
        kwargs = dict(codebook=codebook, encoder=encoder, store=store, settings=ScoringSettings(), progress=bars)
        if engine == "local":
            result = analyse(language_inputs(inputs, language, store), **kwargs)
        else:
            result = ENGINES[engine](inputs, scheduler=scheduler, **kwargs)
        bars.close()
        _say_encoder_note(result)
        scores = result.scores
        manifest = result.manifest()
        if model is not None:
            scores, manifest["model"] = _add_model_scores(scores, result.corpus, model, store)
        tables = {"scores": scores}
        if long:
            tables["long"] = result.long_table()
        if out is not None:
            from framing.export import export_tables

            written = export_tables(tables, out, format=fmt, manifest=manifest, neutralise_formulas=not raw_cells)
            typer.echo(f"{len(scores)} article(s) scored on {result.codebook.id!r}; wrote "
                       + ", ".join(str(p) for p in written), err=True)
        elif fmt is not None:
            _print_as(tables, fmt)
        else:
            _print_table(scores)
            if long:
                ev = result.evidence
                ev = ev[(ev["kind"] == "sentence") & (ev["rank"] == 1)]
                typer.echo("\nTop evidence sentence per article and frame/axis pole:")
                for row in ev.itertuples():
                    pole = f" ({row.pole})" if row.pole else ""
                    typer.echo(f"  {row.article_id[:12]}  {row.target}{pole}  {row.value:+.3f}  {row.text[:140]}")
    except (ValueError, OSError, KeyError) as exc:
        bars.close()
        _fail(str(exc).strip("'\""))
    finally:
        if store is not None:
            store.close()
    corpus = getattr(result, "corpus", None)
    finish_with_skips(getattr(corpus, "report", None))


def _say_encoder_note(result) -> None:
    """Tell the user why the encoder was chosen (or that it is English-only on a mixed corpus)."""
    note = (getattr(result, "engine", None) or {}).get("encoder_note")
    if note and not note.startswith("warning:"):  # a warning is already logged to stderr
        typer.echo(note, err=True)


def _write_results(inputs, folder: Path, codebook, encoder, store, engine: str, scheduler, bars) -> None:
    """``analyse --results DIR``: ingest the inputs into ``DIR/corpus.duckdb`` (streamed, with the
    ingest report), then score that store partition by partition (local or Dask engine) with
    events, into a re-openable results folder."""
    from framing.cli.ingest_cmd import _print_report
    from framing.engines import run_dask, run_local
    from framing.ingest import ingest
    from framing.paths import demo_corpus_path
    from framing.store import Store

    folder.mkdir(parents=True, exist_ok=True)
    corpus_db = folder / "corpus.duckdb"
    for stale in (corpus_db, corpus_db.with_name(corpus_db.name + ".wal")):
        stale.unlink(missing_ok=True)  # a re-run into the same folder starts from its own inputs only
    paths = inputs or [str(demo_corpus_path())]
    with Store(corpus_db) as corpus_store:
        report = ingest(paths, corpus_store, progress=bars.counter("read"))
    bars.close()
    _print_report(report, str(corpus_db))
    if report.kept == 0:
        _fail("no articles to score (see the ingest report above)")
    with Store(corpus_db, read_only=True) as corpus_store:
        if engine == "local":
            result = run_local(corpus_store, codebook, None, encoder, store=store, out_dir=folder, events=True,
                               progress=bars)
        else:
            result = run_dask(corpus_store, codebook, None, encoder, scheduler=scheduler, out_dir=folder,
                              events=True, progress=bars)
    _say_encoder_note(result)
    result.inputs = [str(p) for p in paths]
    result.save()
    bars.close()
    n_events = result.n_events
    from framing.results import TOP_OUTLETS

    typer.echo("Comparing the outlets (intervals, tests, distinctive terms) for the app…", err=True)
    result.comparison(list(result.outlet_counts().index[:TOP_OUTLETS]))
    result.close()
    typer.echo(f"{result.n_articles} article(s), {result.n_sentences} sentences and {n_events} events on "
               f"{result.codebook.id!r} written to {folder}/ ; open it with: framing app --results {folder}",
               err=True)
    finish_with_skips(report)


def _add_model_scores(scores, corpus, model_dir: Path, store):
    """Append a trained classifier's probabilities as ``model:<frame>`` columns."""
    import json

    from framing.validate.supervised import load_model

    classifier = load_model(model_dir, store=store)
    probs = classifier.score_frame(corpus)
    probs.columns = ["article_id"] + [c.replace("frame:", "model:", 1) for c in probs.columns[1:]]
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    return scores.merge(probs, on="article_id", how="left"), {"path": str(model_dir), "meta": meta}


@app.command("codebooks")
def codebooks_command() -> None:
    """List the built-in codebooks: id, name, frames and axes."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from framing.codebook import CodebookError, builtin_ids, Codebook

    table = Table(header_style="bold")
    for col in ("id", "name", "frames", "axes"):
        table.add_column(col, overflow="fold")
    ids = builtin_ids()
    if not ids:
        _fail("no built-in codebooks found (framing/codebooks/*.yaml in the package)")
    for cid in ids:
        try:
            cb = Codebook.load(cid)
        except CodebookError as exc:
            table.add_row(escape(cid), escape(f"[invalid: {exc}]"), "", "")
            continue
        axes = ", ".join(f"{a.id} ({a.pole_a} + / {a.pole_b} -)" for a in cb.axes)
        table.add_row(escape(cb.id), escape(cb.name), escape(f"{len(cb.frames)}: " + ", ".join(cb.frame_ids)),
                      escape(axes or "-"))
    Console(width=max(120, Console().width)).print(table)
