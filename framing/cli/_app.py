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


@app.callback()
def _root(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details.")) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


DB_HELP = "DuckDB store file (default: per-user store, or $FRAMING_DB)."
