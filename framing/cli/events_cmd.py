"""``framing events`` (group articles into events across outlets) and ``framing compare``."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from framing.cli._app import DB_HELP, app
from framing.cli._options import RAW_CELLS_HELP, SKIPS_EPILOG, finish_with_skips, language_inputs
from framing.cli._progress import Progress

_FORMATS = ("csv", "xlsx", "parquet", "json", "md", "tex")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _check_format(fmt: Optional[str]) -> Optional[str]:
    if fmt is None:
        return None
    fmt = fmt.lower().lstrip(".")
    if fmt not in _FORMATS:
        _fail(f"--format {fmt!r}: expected one of {', '.join(_FORMATS)}")
    return fmt


def _open_store(db: Optional[Path], no_cache: bool):
    if no_cache:
        return None
    from framing.paths import default_db_path
    from framing.store import open_store

    store, note = open_store(db if db is not None else default_db_path())
    if note:
        typer.echo(f"warning: {note}", err=True)
    return store


def _print_events(table) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    view = Table(header_style="bold")
    for col, kw in (("event", {"no_wrap": True}), ("size", {"justify": "right"}), ("dates", {"no_wrap": True}),
                    ("outlets", {"max_width": 40}), ("label", {"max_width": 60})):
        view.add_column(col, **kw)
    events = table.drop_duplicates("event_id").sort_values(["event_size", "event_start"], ascending=[False, True])
    for row in events.itertuples():
        start = "" if row.event_start != row.event_start or row.event_start is None else str(row.event_start.date())
        end = "" if row.event_end != row.event_end or row.event_end is None else str(row.event_end.date())
        dates = start if start == end else f"{start} – {end}"
        view.add_row(escape(str(row.event_id)), str(row.event_size), escape(dates), escape(str(row.event_outlets)),
                     escape(str(row.event_label)))
    Console(width=max(140, Console().width)).print(view)


@app.command("events", epilog=SKIPS_EPILOG)
def events_command(
    paths: Optional[List[Path]] = typer.Argument(None, help="Files or folders of articles (default: the demo corpus)."),
    codebook: str = typer.Option("south-asia-security", "--codebook", "-c",
                                 help="Codebook id or YAML file (its entities are the actor gazetteer)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the events table here (+ manifest.json)."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="csv|xlsx|parquet|json|md|tex (default: suffix)."),
    threshold: float = typer.Option(0.55, "--threshold", help="Distance threshold: lower = tighter events."),
    window: Optional[float] = typer.Option(7.0, "--window", help="Date window in days (articles further apart "
                                           "never share an event); 0 turns it off."),
    encoder: Optional[str] = typer.Option(None, "--encoder", help="'sentence-transformers' (default), 'multilingual' (e5, ~100 languages) or a model dir."),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP + " Caches sentence embeddings."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not use the store's embedding cache."),
    raw_cells: bool = typer.Option(False, "--raw-cells", help=RAW_CELLS_HELP),
) -> None:
    """Group articles that report the same event across outlets (one row per article)."""
    fmt = _check_format(fmt)
    if threshold <= 0:
        _fail(f"--threshold must be > 0, got {threshold}")
    if db is not None and no_cache:
        _fail("--db and --no-cache exclude each other")
    store = None
    progress = Progress()
    try:
        from framing.codebook import Codebook
        from framing.embed import article_vectors
        from framing.encoders import resolve_encoder
        from framing.encoders.spread import event_distance_scale
        from framing.events import cluster_events
        from framing.export import export_tables, file_manifest
        from framing.ingest import load

        book = Codebook.load(codebook)
        corpus = load([str(p) for p in paths] if paths else None)
        if len(corpus) == 0:
            _fail("no articles found in the input")
        store = _open_store(db, no_cache)
        model = resolve_encoder(encoder)
        vectors = article_vectors(corpus.articles, model, store, progress=progress.counter("embed"))
        frame = corpus.to_frame()
        progress("events", 0, 1)
        scale = event_distance_scale(model.model_id)
        events = cluster_events(frame, vectors, codebook=book, distance_threshold=threshold,
                                date_window_days=window or None, embedding_scale=scale)
        progress("events", 1, 1)
        progress.close()
        table = frame[["article_id", "outlet", "published", "title"]].merge(events, on="article_id", how="left")
        n_events = table["event_id"].nunique()
        singletons = int((table.drop_duplicates("event_id")["event_size"] == 1).sum())
        if out is not None:
            manifest = {"encoder": model.model_id, "codebook": {"id": book.id, "sha256": book.sha256},
                        "parameters": {"distance_threshold": threshold, "date_window_days": window or None,
                                       "embedding_scale": scale},
                        "inputs": file_manifest(paths or []), "n_articles": len(corpus)}
            written = export_tables({"events": table}, out, format=fmt, manifest=manifest,
                                    neutralise_formulas=not raw_cells)
            typer.echo(f"{len(corpus)} article(s) in {n_events} event(s) ({singletons} singleton(s)); wrote "
                       + ", ".join(str(p) for p in written), err=True)
        else:
            _print_events(table)
            typer.echo(f"{len(corpus)} article(s) in {n_events} event(s) ({singletons} singleton(s))", err=True)
    except (ValueError, OSError, KeyError) as exc:
        progress.close()
        _fail(str(exc).strip("'\""))
    finally:
        if store is not None:
            store.close()
    finish_with_skips(corpus.report)


def _print_comparison(cmp) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(width=max(140, Console().width))
    g = cmp.group_column
    means = cmp.means[cmp.means["event_id"] == "all"]
    noun = "outlet" if g == "outlet" else escape(str(cmp.by))
    view = Table(title=f"Mean score per {noun} [95% bootstrap CI] (n)", header_style="bold")
    view.add_column("measure")
    groups = sorted(means[g].unique())
    for name in groups:
        view.add_column(escape(str(name)), justify="right", no_wrap=True)
    for measure, group in means.groupby("measure", sort=False):
        cells = {getattr(r, g): escape(f"{r.mean:+.3f} [{r.ci_low:+.3f}, {r.ci_high:+.3f}] ({r.n})")
                 for r in group.itertuples()}
        view.add_row(escape(str(measure)), *[cells.get(o, "") for o in groups])
    console.print(view)
    diffs = cmp.differences
    diffs = diffs[(diffs["event_id"] == "all")].sort_values("p_value").head(10)
    if len(diffs):
        top = Table(title=f"Largest {noun} differences (permutation p, BH q)", header_style="bold")
        for col in ("measure", f"{noun} a", f"{noun} b", "difference", "p", "q"):
            top.add_column(col, justify="right" if col in ("difference", "p", "q") else "left")
        for r in diffs.itertuples():
            top.add_row(escape(str(r.measure)), escape(str(getattr(r, f"{g}_a"))), escape(str(getattr(r, f"{g}_b"))),
                        f"{r.difference:+.3f}", f"{r.p_value:.4f}", f"{r.q_value:.4f}")
        console.print(top)
    if "matched_differences" in cmp.tables:
        _print_matched(console, cmp, noun)


def _print_matched(console, cmp, noun: str) -> None:
    from rich.markup import escape
    from rich.table import Table

    g = cmp.group_column
    matched = cmp.tables["matched_differences"]
    view = Table(title=f"Event-matched differences: same events, {noun} a minus {noun} b "
                 "(mean of within-event differences [95% bootstrap CI over events], sign-flip p, BH q)",
                 header_style="bold")
    for col in ("measure", f"{noun} a", f"{noun} b", "events", "matched", "95% CI", "p", "q", "unmatched", "q (unm.)"):
        view.add_column(col, justify="left" if col in ("measure", f"{noun} a", f"{noun} b") else "right")
    for r in matched.sort_values(["p_value", "measure"]).head(15).itertuples():
        ci = "" if r.ci_low != r.ci_low else f"[{r.ci_low:+.3f}, {r.ci_high:+.3f}]"
        view.add_row(escape(str(r.measure)), escape(str(getattr(r, f"{g}_a"))), escape(str(getattr(r, f"{g}_b"))),
                     str(r.n_events), f"{r.difference:+.3f}", ci, f"{r.p_value:.4f}", f"{r.q_value:.4f}",
                     f"{r.unmatched_difference:+.3f}", f"{r.unmatched_q_value:.4f}")
    console.print(view)
    events = matched.drop_duplicates([f"{g}_a", f"{g}_b"])
    console.print("shared events per pair: " + ", ".join(
        f"{escape(str(getattr(r, f'{g}_a')))}–{escape(str(getattr(r, f'{g}_b')))} {r.n_events}"
        for r in events.itertuples()))
    agenda = cmp.tables["agenda"]
    other = "other_outlet" if g == "outlet" else "other"
    view = Table(title=f"Agenda: a {noun}'s articles in events the other {noun} does not cover", header_style="bold")
    for col in (noun, f"other {noun}", "articles", "not covered by other", "share"):
        view.add_column(col, justify="left" if col in (noun, f"other {noun}") else "right")
    for r in agenda.itertuples():
        view.add_row(escape(str(getattr(r, g))), escape(str(getattr(r, other))), str(r.articles),
                     str(r.articles_not_covered), f"{r.share_not_covered:.0%}")
    console.print(view)


@app.command("compare", epilog=SKIPS_EPILOG)
def compare_command(
    paths: Optional[List[Path]] = typer.Argument(None, help="Files or folders of articles (default: the demo corpus)."),
    by: str = typer.Option("outlet", "--by", help="outlet (corpus-wide), event (also within each event), month, "
                           "storyline, or any input column kept at ingest (e.g. mbfc_bias, country, language)."),
    matched: bool = typer.Option(False, "--matched", help="Also event-matched differences (pairs over the events "
                                 "both cover) and the agenda table."),
    keep_off_topic: bool = typer.Option(False, "--keep-off-topic", help="Keep articles the codebook flags off-topic "
                                        "in the means and tests (default: left out, counted in coverage)."),
    event_column: str = typer.Option("event_id", "--event-column", help="With --matched: the column naming the "
                                     "events (default: the tool's own; e.g. a gold cluster_id column)."),
    codebook: str = typer.Option("south-asia-security", "--codebook", "-c", help="Codebook id or YAML file."),
    out: Optional[Path] = typer.Option(None, "--out", "-o",
                                       help="Write all tables here (a file, or a folder: one file per table)."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="csv|xlsx|parquet|json|md|tex (default: suffix)."),
    time_freq: str = typer.Option("W", "--time", help="Prevalence period: D, W or M (day / week / month)."),
    n_boot: int = typer.Option(1000, "--n-boot", help="Bootstrap resamples for the 95% intervals."),
    n_perm: int = typer.Option(2000, "--n-perm", help="Permutations per test."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the bootstrap and the permutations."),
    encoder: Optional[str] = typer.Option(None, "--encoder", help="'sentence-transformers' (default), 'multilingual' (e5, ~100 languages) or a model dir."),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP + " Caches sentence embeddings."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not use the store's embedding cache."),
    language: Optional[List[str]] = typer.Option(None, "--language", "-l", help="Keep only articles in this "
                                                 "language (ISO code or name; repeat for several), e.g. -l ur -l hi."),
    raw_cells: bool = typer.Option(False, "--raw-cells", help=RAW_CELLS_HELP),
) -> None:
    """Compare outlets side by side: means with 95% intervals, tested differences, distinctive terms, time."""
    fmt = _check_format(fmt)
    if not by.strip():
        _fail("--by: expected outlet, event, month, storyline or a column name")
    if db is not None and no_cache:
        _fail("--db and --no-cache exclude each other")
    store = None
    result = None
    try:
        from framing.analysis import analyse

        store = _open_store(db, no_cache)
        progress = Progress()
        result = analyse(language_inputs([str(p) for p in paths] if paths else None, language, store), codebook=codebook,
                         encoder=encoder, store=store, progress=progress)
        progress.close()
        cmp = result.compare(by=by, time_freq=time_freq, n_boot=n_boot, n_perm=n_perm, random_state=seed,
                             matched=matched, event_column=event_column, drop_off_topic=not keep_off_topic)
        noun = "outlet(s)" if cmp.group_column == "outlet" else f"{by} group(s)"
        if cmp.params.get("ungrouped"):
            typer.echo(f"note: {cmp.params['ungrouped']} article(s) without a {by} value left out", err=True)
        if out is not None:
            written = cmp.export(out, format=fmt, manifest=result.manifest(), neutralise_formulas=not raw_cells)
            typer.echo(f"compared {cmp.means[cmp.group_column].nunique()} {noun} on {len(cmp.params['measures'])} "
                       f"measure(s); wrote " + ", ".join(str(p) for p in written), err=True)
        else:
            _print_comparison(cmp)
    except (ValueError, OSError, KeyError) as exc:
        _fail(str(exc).strip("'\""))
    finally:
        if store is not None:
            store.close()
    finish_with_skips(getattr(getattr(result, "corpus", None), "report", None))
