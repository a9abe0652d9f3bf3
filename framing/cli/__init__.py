"""Command-line interface: ``framing --help``."""

from __future__ import annotations

import sys

from framing.cli._app import app
from framing.cli import app_cmd  # noqa: F401  (registers commands)
from framing.cli import ingest_cmd  # noqa: F401
from framing.cli import analyse_cmd  # noqa: F401
from framing.cli import events_cmd  # noqa: F401
from framing.cli import validate_cmd  # noqa: F401
from framing.cli import roles_cmd  # noqa: F401


def main() -> None:
    """Entry point of the ``framing`` script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
