"""Where framing finds its bundled files and keeps its per-user state.

Bundled files (built-in codebooks, the demo corpus, the app's entry point) are package
resources, found with :mod:`importlib.resources`, so an installed wheel has them too.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path


def package_file(*parts: str) -> Path:
    """A file or folder shipped inside the ``framing`` package, as a filesystem path.

    Parameters
    ----------
    *parts : str
        Path components below the package folder, e.g. ``("codebooks",)``.

    Returns
    -------
    pathlib.Path
        The resource's location on disk.

    Raises
    ------
    ValueError
        If the package is not installed as plain files (e.g. imported from a zip archive).
    """
    resource = resources.files("framing").joinpath(*parts)
    if not isinstance(resource, Path):
        raise ValueError(f"framing resource {'/'.join(parts)!r} is not on the filesystem ({resource!r}); "
                         "install framing as files, not as a zip archive")
    return resource


def codebooks_dir() -> Path:
    """The built-in codebooks: ``framing/codebooks/*.yaml`` inside the package."""
    return package_file("codebooks")


def app_script() -> Path:
    """The Streamlit entry point of ``framing app``: ``framing/app/main.py``."""
    return package_file("app", "main.py")


def models_dir() -> Path:
    """Where trained classifiers go: ``./models`` in the working directory (``FRAMING_MODELS_DIR`` overrides)."""
    return Path(os.environ.get("FRAMING_MODELS_DIR", "models")).absolute()


def demo_corpus_path() -> Path:
    """The bundled demo corpus: the seed aggregator page about ISKP (five articles)."""
    return package_file("data", "demo", "latest-news-iskp.txt")


def app_icon_path() -> Path:
    """The app's page icon (a local file: the browser fetches nothing from outside the server)."""
    return package_file("data", "icon.png")


#: Folders the app may read corpora from when a path is typed into it (``os.pathsep``-separated;
#: set by ``framing app --root DIR``). Default: the working directory and :func:`data_dir`.
APP_ROOTS_ENV = "FRAMING_APP_ROOTS"


def app_roots() -> list[Path]:
    """The folders a path typed into the app must lie in (resolved, symlinks followed)."""
    env = os.environ.get(APP_ROOTS_ENV, "")
    roots = [Path(p) for p in env.split(os.pathsep) if p.strip()] or [Path.cwd(), data_dir()]
    return [r.expanduser().resolve() for r in roots]


def confined_path(typed: str, roots: list[Path] | None = None) -> Path:
    """The resolved path of ``typed`` when it lies inside one of ``roots`` (default
    :func:`app_roots`); relative paths are taken from the first root.

    Raises
    ------
    ValueError
        When the path (after ``..`` and symlinks are resolved) is outside every root, or
        does not exist.
    """
    roots = app_roots() if roots is None else [Path(r).resolve() for r in roots]
    raw = Path(str(typed).strip()).expanduser()
    path = (raw if raw.is_absolute() else roots[0] / raw).resolve()
    if not any(path == root or path.is_relative_to(root) for root in roots):
        raise ValueError(f"{typed}: outside the folders this app may read ({', '.join(map(str, roots))}); "
                         f"start it with `framing app --root DIR` to allow another folder")
    if not path.exists():
        raise ValueError(f"{typed}: no such file or folder")
    return path


def default_db_path() -> Path:
    """Per-user default DuckDB store (``FRAMING_DB`` overrides)."""
    env = os.environ.get("FRAMING_DB")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "framing" / "framing.duckdb"


def data_dir() -> Path:
    """Where framing keeps per-user state: the folder of the default store.

    ``FRAMING_DATA_DIR`` overrides; else the folder of ``FRAMING_DB`` when that is a file,
    else ``$XDG_DATA_HOME/framing`` (``~/.local/share/framing``).
    """
    env = os.environ.get("FRAMING_DATA_DIR")
    if env:
        return Path(env).expanduser()
    db = os.environ.get("FRAMING_DB")
    if db and db != ":memory:":
        return Path(db).expanduser().absolute().parent
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "framing"


def user_codebooks_dir() -> Path:
    """Where the app saves the user's codebooks: ``<data dir>/codebooks`` (never the built-ins)."""
    return data_dir() / "codebooks"


def uploads_dir() -> Path:
    """Where the app keeps uploaded corpus files: ``<data dir>/uploads``, one folder per upload."""
    return data_dir() / "uploads"


def app_state_dir() -> Path:
    """Where the app keeps each browser's choices and codebook drafts: ``<data dir>/app-state``."""
    return data_dir() / "app-state"
