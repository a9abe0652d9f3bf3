"""Options and exit codes shared by several commands."""

#: Exit code of ``framing ingest`` / ``analyse`` / ``events`` / ``compare`` when the run finished
#: but some records or files were skipped (listed in the report). 0 = everything read, 1 = error.
EXIT_SKIPPED = 3

RAW_CELLS_HELP = ("Write text cells as they are in CSV/XLSX. By default a cell starting with = + - @ "
                  "(or tab / CR), which a spreadsheet would run as a formula, gets a leading ' ; the "
                  "manifest records which (\"cells\": \"neutralised\" or \"raw\").")

SKIPS_EPILOG = (f"Exit codes: 0 = every record read; {EXIT_SKIPPED} = finished, but some records or files "
                "were skipped (each is listed with file, line and reason); 1 = error, nothing written.")


def finish_with_skips(report) -> None:
    """After a command's output: if ``report`` (an IngestReport or None) skipped anything, list the
    first few on stderr (plain text, no markup) and exit with :data:`EXIT_SKIPPED`."""
    import typer

    if report is None or not report.has_skips:
        return
    items = list(report.files_skipped) + list(report.skipped)
    for s in items[:10]:
        where = f":{s.location}" if s.location else ""
        typer.echo(f"skipped {s.file}{where}: {s.reason}", err=True)
    if len(items) > 10:
        typer.echo(f"... and {len(items) - 10} more (see `framing ingest --json`)", err=True)
    typer.echo(f"finished with skips: {len(report.skipped)} record(s) skipped, {len(report.files_skipped)} "
               f"file(s) not read; the rest was used (exit code {EXIT_SKIPPED})", err=True)
    raise typer.Exit(EXIT_SKIPPED)


def language_inputs(inputs, languages, store):
    """What ``analyse`` gets for ``--language``: the paths as they are without it, else the corpus read
    from them (into ``store``, as ``analyse`` would) cut to those languages."""
    if not languages:
        return inputs
    from framing.ingest import load
    from framing.language import filter_languages

    return filter_languages(load(inputs, store=store), languages)
