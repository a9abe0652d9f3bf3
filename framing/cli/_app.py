"""The Typer application that every command module registers on."""

import logging

import typer

app = typer.Typer(
    name="framing",
    help="Compare how news outlets frame the same events: ingest articles, score frames with "
    "evidence, group events across outlets, compare outlets, and open the app.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def package_version() -> str:
    """The installed distribution's version, else ``framing.__version__`` (a source checkout on the path)."""
    from importlib import metadata

    try:
        return metadata.version("framing")
    except metadata.PackageNotFoundError:
        import framing

        return framing.__version__


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"framing {package_version()}")
        raise typer.Exit()


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details."),
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


DB_HELP = "DuckDB store file (default: per-user store, or $FRAMING_DB)."
