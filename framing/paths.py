"""Where framing finds its bundled files and keeps its per-user state."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def models_dir() -> Path:
    """The ``models/`` folder: codebooks and trained artefacts (``FRAMING_MODELS_DIR`` overrides)."""
    return Path(os.environ.get("FRAMING_MODELS_DIR", REPO_DIR / "models"))


def codebooks_dir() -> Path:
    return models_dir() / "codebooks"


def demo_corpus_path() -> Path:
    """The bundled demo corpus: the seed aggregator page about ISKP (five articles)."""
    return PACKAGE_DIR / "data" / "demo" / "latest-news-iskp.txt"


def default_db_path() -> Path:
    """Per-user default DuckDB store (``FRAMING_DB`` overrides)."""
    env = os.environ.get("FRAMING_DB")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "framing" / "framing.duckdb"
