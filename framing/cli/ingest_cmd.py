"""``framing ingest`` and ``framing articles``: fill the store and look at what is in it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from framing.cli._app import DB_HELP, app
from framing.cli._options import EXIT_SKIPPED, finish_with_skips

_INGEST_HELP = """Read articles from files and folders into the DuckDB store, and print the report.

PATH may be a file or a folder (read recursively). Formats are recognised by content and
extension: aggregator listing pages (like the bundled demo), JSON lines / JSON, CSV/TSV,
Parquet, XLSX, HTML pages and plain-text files. Usual column names are understood
(text/body/content, title/headline, outlet/source/media_name, date/published/publish_date,
url, id); name others with --map, e.g. --map text=content_original --map outlet=media.

Duplicates (exact, and near duplicates such as one story republished on two sites) are
kept once, also against articles stored by earlier ingests into the same store; the
report lists which copies were merged. Records that cannot be used (no
text, malformed JSON line, ...) are skipped and listed with file, line/row and reason.
Ingesting the same file again adds nothing.

One bad record never costs the good ones: a record that cannot be used (malformed or
too deeply nested JSON, no text, an unclosed CSV quote, ...) is skipped and listed with
file, line/row and reason; of several files, one that cannot be read is listed and the
others are stored. A text longer than --max-record-chars is truncated (a warning says so).

Exit codes: 0 = every record read; %d = finished with skips (records or files skipped,
each listed; the rest stored); 1 = error (the only input cannot be read, or the store
cannot be opened), nothing stored.
""" % EXIT_SKIPPED


def _parse_map(values: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in values:
        field, sep, column = item.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise ValueError(f"--map {item!r}: expected FIELD=COLUMN, e.g. --map text=content_original")
        mapping[field.strip()] = column.strip()
    return mapping


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _print_report(report, db: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    summary = Table(title="Ingest report", show_header=False, title_justify="left")
    summary.add_column("what")
    summary.add_column("value", justify="right")
    summary.add_row("files read", str(len(report.files_read)))
    summary.add_row("records read", str(report.records_read))
    summary.add_row("kept", str(report.kept))
    summary.add_row("  of which new in the store", str(report.kept - report.already_stored))
    summary.add_row("  already in the store", str(report.already_stored))
    summary.add_row("merged as duplicates", str(len(report.merged)))
    summary.add_row("skipped", str(len(report.skipped)))
    summary.add_row("files not read", str(len(report.files_skipped)))
    summary.add_row("warnings", str(len(report.warnings)))
    summary.add_row("store", escape(db))
    console.print(summary)
    if report.merged:
        table = Table(title=f"Merged duplicates ({len(report.merged)})", title_justify="left")
        table.add_column("kept article")
        table.add_column("duplicate: file:line \\[its id]", overflow="fold")
        table.add_column("kind")
        for kept, dup, kind in report.merged[:50]:
            table.add_row(escape(kept), escape(dup), escape(kind))
        console.print(table)
        if len(report.merged) > 50:
            console.print(f"... and {len(report.merged) - 50} more merged duplicates")
    if report.files_skipped:
        table = Table(title=f"Files not read ({len(report.files_skipped)})", title_justify="left")
        table.add_column("file", overflow="fold")
        table.add_column("where")
        table.add_column("reason", overflow="fold")
        for s in report.files_skipped[:50]:
            table.add_row(escape(s.file), escape(s.location), escape(s.reason))
        console.print(table)
    if report.skipped:
        table = Table(title=f"Skipped records ({len(report.skipped)})", title_justify="left")
        table.add_column("file", overflow="fold")
        table.add_column("where")
        table.add_column("reason", overflow="fold")
        for s in report.skipped[:50]:
            table.add_row(escape(s.file), escape(s.location), escape(s.reason))
        console.print(table)
        if len(report.skipped) > 50:
            console.print(f"... and {len(report.skipped) - 50} more skipped records")
    for warning in report.warnings[:50]:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
    if len(report.warnings) > 50:
        console.print(f"... and {len(report.warnings) - 50} more warnings")


@app.command("ingest", help=_INGEST_HELP)
def ingest_command(
    paths: List[Path] = typer.Argument(..., help="Files or folders to read.", show_default=False),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP),
    map_: List[str] = typer.Option(
        [], "--map", help="Column for an article field, FIELD=COLUMN (fields: id, text, title, outlet, "
        "published, url, section, author). Repeatable."
    ),
    boilerplate: Optional[Path] = typer.Option(
        None, "--boilerplate", help="File of extra boilerplate regexes to delete (one per line, or a YAML list)."
    ),
    threshold: float = typer.Option(
        0.9, "--near-duplicate-threshold", help="Estimated Jaccard similarity (word 3-grams) at which two "
        "articles count as the same story; above 1 turns near-duplicate detection off."
    ),
    max_record_chars: int = typer.Option(
        2_000_000, "--max-record-chars", help="Longest article text kept (characters); longer texts are cut at a "
        "word boundary and listed as warnings. 0 keeps every text whole."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON instead of tables."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or progress lines."),
) -> None:
    from framing.ingest import IngestError, ingest, load_patterns
    from framing.store import Store

    try:
        mapping = _parse_map(map_)
        patterns = load_patterns(boilerplate) if boilerplate else None
        store = Store(db)
    except (ValueError, OSError) as exc:
        _fail(str(exc))
    from framing.cli._progress import Progress

    bar = Progress(enabled=not quiet and not as_json)
    try:
        if max_record_chars < 0:
            raise ValueError(f"--max-record-chars {max_record_chars}: expected a number >= 0")
        report = ingest(paths, store, mapping=mapping, boilerplate=patterns,
                        near_duplicate_threshold=threshold, progress=bar.counter("read"),
                        max_record_chars=max_record_chars or None)
    except (IngestError, ValueError, OSError) as exc:
        _fail(str(exc))
    finally:
        bar.close()
        store.close()
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        if report.has_skips:
            raise typer.Exit(EXIT_SKIPPED)
    else:
        _print_report(report, store.path)
        finish_with_skips(report)


_ARTICLES_HELP = """List the articles in the store (newest ingest last).

--format table prints a short table; csv and jsonl print every field (including the
full text) for other tools, e.g. `framing articles --format jsonl > corpus.jsonl`.
"""


@app.command("articles", help=_ARTICLES_HELP)
def articles_command(
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP),
    format_: str = typer.Option("table", "--format", "-f", help="Output format: table, csv or jsonl."),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", help="Show at most N articles."),
    outlet: Optional[str] = typer.Option(None, "--outlet", help="Only articles of this outlet."),
) -> None:
    from framing.store import Store

    fmt = format_.lower()
    if fmt not in ("table", "csv", "jsonl"):
        _fail(f"--format {format_!r}: expected table, csv or jsonl")
    if limit is not None and limit < 0:
        _fail(f"--limit {limit}: expected a number >= 0")
    path = db
    if path is not None and not Path(path).exists():
        _fail(f"{path}: no such store (run `framing ingest PATH --db {path}` first)")
    try:
        store = Store(path, read_only=path is not None or _default_exists())
    except (ValueError, OSError) as exc:
        _fail(str(exc))
    try:
        frame = store.articles_frame()
    finally:
        store.close()
    if outlet:
        frame = frame[frame["outlet"] == outlet]
    if limit is not None:
        frame = frame.head(limit)
    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False, date_format="%Y-%m-%d")
    elif fmt == "jsonl":
        for row in frame.to_dict("records"):
            published = row.get("published")
            row["published"] = None if published is None or str(published) == "NaT" else str(published)[:10]
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        table = Table(title=f"{len(frame)} article(s)", title_justify="left")
        for col in ("article_id", "outlet", "published", "title", "words"):
            table.add_column(col, overflow="fold" if col == "title" else "ellipsis")
        for row in frame.itertuples(index=False):
            published = "" if str(row.published) == "NaT" else str(row.published)[:10]
            table.add_row(escape(row.article_id), escape(row.outlet), published, escape(row.title[:90]),
                          str(len(row.text.split())))
        Console().print(table)


def _default_exists() -> bool:
    from framing.paths import default_db_path

    return default_db_path().exists()
