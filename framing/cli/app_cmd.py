"""``framing app``: start the Streamlit app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

import typer

from framing.cli._app import app
from framing.paths import REPO_DIR


@app.command("app")
def run_app(
    paths: Optional[List[Path]] = typer.Argument(None, help="Files or folders to open (default: the bundled demo corpus)."),
    port: int = typer.Option(8501, help="Port to serve on."),
    headless: bool = typer.Option(True, help="Do not try to open a browser window."),
    results: Optional[Path] = typer.Option(
        None, "--results", help="Open a results folder written by `framing analyse PATH... --results DIR` "
        "(large corpora: pages query it with DuckDB instead of scoring in the app)."),
) -> None:
    """Open the Streamlit app (on the bundled demo corpus unless PATHs or --results are given)."""
    script = REPO_DIR / "app.py"
    if not script.exists():
        raise typer.BadParameter(f"{script}: the app entry point is missing")
    env = dict(os.environ)
    if paths and results is not None:
        raise typer.BadParameter("give PATHs to score in the app, or --results DIR, not both")
    if results is not None:
        if not (results / "result.json").is_file():
            raise typer.BadParameter(f"--results {results}: not a framing results folder (no result.json); "
                                     "write one with `framing analyse PATH... --results DIR`")
        env["FRAMING_APP_RESULTS"] = str(results.resolve())
    if paths:
        env["FRAMING_APP_PATHS"] = os.pathsep.join(str(p.resolve()) for p in paths)
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
           "--server.headless", "true" if headless else "false", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal"]
    raise typer.Exit(subprocess.call(cmd, env=env))
