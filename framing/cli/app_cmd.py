"""``framing app``: start the Streamlit app (loopback only unless ``--host``; a token then)."""

from __future__ import annotations

import ipaddress
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import List, Optional

import typer

from framing.cli._app import app

TOKEN_ENV = "FRAMING_APP_TOKEN"  # read by framing.app.auth in the server process
MIN_TOKEN_LENGTH = 8
STOP_TIMEOUT_S = 15.0


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (``127.0.0.0/8``, ``::1``)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def streamlit_command(script: Path, host: str, port: int, headless: bool) -> list[str]:
    """The ``streamlit run`` command line; every security-relevant setting is given explicitly.

    Command-line flags win over any ``.streamlit/config.toml`` in the working directory, so
    the bind address, XSRF protection and usage statistics cannot be switched by a stray file.
    CORS protection is left at Streamlit's default (on).
    """
    return [sys.executable, "-m", "streamlit", "run", str(script),
            "--server.address", host, "--server.port", str(port),
            "--server.headless", "true" if headless else "false",
            "--server.enableXsrfProtection", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none", "--server.maxUploadSize", "300",
            "--client.toolbarMode", "minimal"]


def _parent_death_signal() -> None:
    """In the child (Linux): get SIGTERM when the launcher dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def serve(cmd: list[str], env: dict[str, str]) -> int:
    """Run the server as a child; SIGTERM, SIGINT and SIGHUP to this process stop it too.

    Returns the child's exit status (a signal that stopped the launcher gives ``128 + signum``).
    """
    preexec = _parent_death_signal if sys.platform.startswith("linux") else None
    child = subprocess.Popen(cmd, env=env, preexec_fn=preexec)  # noqa: PLW1509 (no threads yet)
    received: list[int] = []

    def forward(signum, _frame):
        received.append(signum)
        if child.poll() is None:
            # Ctrl-C reaches the whole process group; send SIGTERM once so Streamlit stops cleanly
            child.send_signal(signal.SIGTERM)

    handled = [s for s in (signal.SIGTERM, signal.SIGINT, getattr(signal, "SIGHUP", None)) if s is not None]
    previous = {s: signal.signal(s, forward) for s in handled}
    deadline = None
    try:
        while True:
            try:
                code = child.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if received and deadline is None:
                    deadline = time.monotonic() + STOP_TIMEOUT_S
                if deadline is not None and time.monotonic() > deadline:
                    child.kill()  # did not stop on SIGTERM
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if child.poll() is None:
            child.kill()
            child.wait()
    return 128 + received[0] if received else code


@app.command("app")
def run_app(
    paths: Optional[List[Path]] = typer.Argument(None, help="Files or folders to open (default: the bundled demo corpus)."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on. Anything but loopback (e.g. 0.0.0.0) "
                             f"needs a token: ${TOKEN_ENV} or --token."),
    port: int = typer.Option(8501, help="Port to serve on."),
    token: Optional[str] = typer.Option(None, help=f"Access token the app asks for (default ${TOKEN_ENV}; "
                                        "prefer the variable: options show in the process list)."),
    headless: bool = typer.Option(True, help="Do not try to open a browser window."),
    results: Optional[Path] = typer.Option(
        None, "--results", help="Open a results folder written by `framing analyse PATH... --results DIR` "
        "(large corpora: pages query it with DuckDB instead of scoring in the app)."),
    root: Optional[List[Path]] = typer.Option(
        None, "--root", help="A folder the app may read corpora from when a path is typed into it (repeat for "
        "more; default: the working directory and the framing data folder)."),
) -> None:
    """Open the Streamlit app (on the bundled demo corpus unless PATHs or --results are given)."""
    from framing.paths import APP_ROOTS_ENV, app_script

    script = app_script()
    if not script.is_file():
        raise typer.BadParameter(f"{script}: the app entry point is missing")
    env = dict(os.environ)
    token = token if token is not None else env.get(TOKEN_ENV, "")
    if token and len(token) < MIN_TOKEN_LENGTH:
        raise typer.BadParameter(f"the token is {len(token)} characters long; use at least {MIN_TOKEN_LENGTH} "
                                 "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(24))')",
                                 param_hint="--token")
    if not is_loopback(host) and not token:
        raise typer.BadParameter(
            f"{host!r} is not a loopback address: anyone who can reach this machine could open the app and "
            f"read its files. Set a token ({TOKEN_ENV}=... or --token ...) or leave --host at 127.0.0.1.",
            param_hint="--host")
    if token:
        env[TOKEN_ENV] = token
    else:
        env.pop(TOKEN_ENV, None)
    if paths and results is not None:
        raise typer.BadParameter("give PATHs to score in the app, or --results DIR, not both")
    if results is not None:
        if not (results / "result.json").is_file():
            raise typer.BadParameter(f"--results {results}: not a framing results folder (no result.json); "
                                     "write one with `framing analyse PATH... --results DIR`")
        env["FRAMING_APP_RESULTS"] = str(results.resolve())
    if paths:
        env["FRAMING_APP_PATHS"] = os.pathsep.join(str(p.resolve()) for p in paths)
    if root:
        missing = [str(r) for r in root if not r.is_dir()]
        if missing:
            raise typer.BadParameter(f"not a folder: {', '.join(missing)}", param_hint="--root")
        env[APP_ROOTS_ENV] = os.pathsep.join(str(r.resolve()) for r in root)
    raise typer.Exit(serve(streamlit_command(script, host, port, headless), env))
