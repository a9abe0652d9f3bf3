"""Files the app writes for the user, always under a sanitised name inside a folder it owns:
uploaded corpus files (``<data dir>/uploads/<folder>/``) and saved codebooks
(``<data dir>/codebooks/``). Nothing here writes to a path a client typed or sent."""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from framing.paths import codebooks_dir, uploads_dir, user_codebooks_dir

log = logging.getLogger(__name__)

#: Upload folders (and saved app state) untouched for this many days are removed.
MAX_AGE_DAYS = float(os.environ.get("FRAMING_APP_KEEP_DAYS", "14"))

CODEBOOK_SUFFIXES = (".yaml", ".yml")


def safe_name(name: str, used: set[str] | None = None) -> str:
    """A file name made of word characters, ``.`` and ``-`` only, with no folder part.

    ``../../etc/passwd.csv`` -> ``passwd.csv``; unique within ``used`` (updated) by a ``_1`` suffix.
    """
    base = re.sub(r"[^\w.\-]+", "_", Path(str(name).replace("\\", "/")).name).strip("._") or "upload"
    if used is None:
        return base
    stem, suffix = Path(base).stem, Path(base).suffix
    candidate, i = base, 1
    while candidate in used:
        candidate, i = f"{stem}_{i}{suffix}", i + 1
    used.add(candidate)
    return candidate


def plain_name(name: str) -> str:
    """``name`` stripped, if it is a plain file name: no folder part, not ``..``, not hidden.

    Raises
    ------
    ValueError
        Naming the bad value, for ``a/b``, ``..``, ``/etc/x``, ``C:\\x``, ``.hidden`` or ``''``.
    """
    text = str(name).strip()
    if not text or "/" in text or "\\" in text or "\0" in text or ":" in text or text.startswith("."):
        raise ValueError(f"file name {name!r}: expected a plain file name (no folder, no '..', not hidden)")
    return text


def inside(folder: Path, name: str) -> Path:
    """``folder / name`` for a plain file name, refusing anything that would land elsewhere.

    Raises
    ------
    ValueError
        If ``name`` has a folder part (``/``, ``\\``, ``..``), is absolute or hidden, or the
        target is a symbolic link or resolves outside ``folder``.
    """
    target = folder / plain_name(name)
    if target.is_symlink():
        raise ValueError(f"file name {name!r}: {target} is a symbolic link; refusing to write through it")
    root = folder.resolve()
    if target.resolve().parent != root:
        raise ValueError(f"file name {name!r}: resolves outside {root}")
    return target


def codebook_file_name(name: str) -> str:
    """The file name a codebook is saved under: ``name`` checked (see :func:`inside`), with
    characters other than word characters, ``.`` and ``-`` replaced, ending in ``.yaml``."""
    clean = safe_name(plain_name(name))
    if Path(clean).suffix.lower() not in CODEBOOK_SUFFIXES:
        clean += ".yaml"
    return clean


def save_codebook(codebook, name: str, folder: Path | None = None) -> Path:
    """Write ``codebook`` as YAML to ``folder`` (default: the user codebooks folder) under a
    sanitised file name; replaces an earlier file of the user's, never a built-in.

    Returns
    -------
    pathlib.Path
        Where the file went.

    Raises
    ------
    ValueError
        For a name that is not a plain file name, or a folder that is a built-in one.
    OSError
        When the file cannot be written.
    """
    folder = Path(folder) if folder is not None else user_codebooks_dir()
    builtin = codebooks_dir().resolve()
    if folder.resolve() == builtin or folder.resolve().is_relative_to(builtin):
        raise ValueError(f"codebook folder {folder}: that is the built-in codebooks folder")
    folder.mkdir(parents=True, exist_ok=True)
    target = inside(folder, codebook_file_name(name))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".codebook-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(codebook.to_yaml())
        os.replace(tmp, target)  # replaces a link, never writes through one
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def save_uploads(uploads, owner: str) -> list[Path]:
    """Write uploaded files (objects with ``.name`` and ``.getvalue()``) to a new folder
    ``<uploads dir>/<owner>-<random>/`` under sanitised, unique names; returns the files.

    The bytes are only ever read by ingest (never unpickled). The files, not the folder, are
    what ingest gets: a folder walk would take the folder's name as the outlet of records
    that name none.
    """
    owner = re.sub(r"[^0-9a-zA-Z]+", "", str(owner))[:32] or "anon"
    root = uploads_dir()
    root.mkdir(parents=True, exist_ok=True)
    folder = root / f"{owner}-{secrets.token_hex(4)}"
    folder.mkdir()
    used: set[str] = set()
    paths = []
    for upload in uploads:
        path = inside(folder, safe_name(upload.name, used))
        path.write_bytes(upload.getvalue())
        paths.append(path)
    return paths


def upload_folder(paths: list[str]) -> Path | None:
    """The upload folder holding these files, or ``None`` if they are not in one."""
    root = uploads_dir().resolve()
    folders = {Path(p).resolve().parent for p in paths}
    if len(folders) != 1:
        return None
    folder = folders.pop()
    return folder if folder.parent == root else None


def remove_upload(paths: list[str]) -> bool:
    """Remove the upload folder of these files (only a folder directly under the uploads dir)."""
    folder = upload_folder(paths)
    if folder is None or not folder.is_dir():
        return False
    shutil.rmtree(folder, ignore_errors=True)
    log.info("removed upload folder %s", folder)
    return True


def touch(paths: list[str]) -> None:
    """Mark an upload folder as in use (its age counts from now)."""
    folder = upload_folder(paths)
    if folder is not None and folder.is_dir():
        os.utime(folder)


def prune_uploads(max_age_days: float = MAX_AGE_DAYS, keep: tuple[Path, ...] = ()) -> list[Path]:
    """Remove upload folders untouched for more than ``max_age_days`` (except ``keep``)."""
    root = uploads_dir()
    if not root.is_dir():
        return []
    cutoff = time.time() - max_age_days * 86400
    kept = {Path(k).resolve() for k in keep}
    removed = []
    for folder in root.iterdir():
        try:
            if folder.is_dir() and not folder.is_symlink() and folder.resolve() not in kept \
                    and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        except OSError as exc:
            log.warning("could not prune upload folder %s: %s", folder, exc)
    return removed
