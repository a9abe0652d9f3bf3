"""What every sentence encoder is, and what the back-ends share.

An encoder is anything with a ``model_id``, a ``dim`` and ``encode(list[str])``; the
back-ends in this package (transformer, ONNX, static, concatenation) also follow the
scikit-learn habit: the constructor only stores its settings, the weights load on
first use, and a pickled encoder carries its settings but no weights (so one object
can be sent to Dask workers, which load the model once per process).
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np


@runtime_checkable
class Encoder(Protocol):
    """A sentence encoder: sentences in, one unit-length vector per sentence out.

    Attributes
    ----------
    model_id : str
        Names the model *and* its weights: part of the embedding-cache key and of every
        manifest and calibration, so two encoders whose vectors differ never share an id.
    dim : int
        Length of the vectors.

    Methods
    -------
    encode(sentences) -> ndarray of shape (len(sentences), dim)
        float32, each row L2-normalised (an all-zero row is allowed for a sentence the
        model cannot represent). The same sentence gives the same row whatever the
        batch it comes in, up to floating-point noise.

    Examples
    --------
    A minimal encoder (tests use one like it)::

        class Hashing:
            model_id, dim = "hashing-8", 8

            def encode(self, sentences):
                out = np.zeros((len(sentences), 8), dtype=np.float32)
                for i, s in enumerate(sentences):
                    out[i, hash(s) % 8] = 1.0
                return out
    """

    model_id: str
    dim: int

    def encode(self, sentences: Sequence[str]) -> np.ndarray: ...


class LazyEncoder:
    """Base of the back-ends: settings in ``__init__``, weights on first use, none in a pickle.

    Subclasses name the attributes that hold loaded state in ``_loaded``; they default
    to ``None`` on the class and are dropped by :meth:`__getstate__`, so an unpickled
    copy loads them again where it is used (through a per-process cache of models).
    """

    _loaded: tuple[str, ...] = ()

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        for name in self._loaded:
            state.pop(name, None)
        return state

    def _resolve_dir(self, default, is_model_dir, what: str) -> Path:
        """The model folder (``self.model_dir``: a path, a callable giving one, or ``None`` for
        ``default()``), checked with ``is_model_dir`` once and kept in ``self._path``."""
        if self._path is None:
            if self.model_dir is None:
                path = Path(default())
            elif callable(self.model_dir):
                path = Path(self.model_dir())
            else:
                path = Path(self.model_dir).expanduser()
            if not is_model_dir(path):
                raise ValueError(f"{path}: not a {what}")
            self._path = path
        return self._path

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items()
                             if not k.startswith("_") and not k.endswith("_"))
        return f"{type(self).__name__}({settings})"


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def check_batch_size(batch_size) -> int:
    if int(batch_size) < 1:
        raise ValueError(f"batch_size={batch_size!r}: expected a positive integer")
    return int(batch_size)


def offline() -> None:
    """Never reach for a model hub; quiet tokenizer threads (set before loading a model)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def default_threads() -> int:
    """Threads an encoder may use in this process.

    ``FRAMING_NUM_THREADS`` when set (a Dask worker sets it to its own thread count),
    else the CPUs this process may run on (``os.sched_getaffinity``), else
    ``os.cpu_count()``.
    """
    env = os.environ.get("FRAMING_NUM_THREADS", "").strip()
    if env:
        try:
            n = int(env)
        except ValueError:
            raise ValueError(f"FRAMING_NUM_THREADS={env!r}: expected a positive integer") from None
        if n < 1:
            raise ValueError(f"FRAMING_NUM_THREADS={env!r}: expected a positive integer")
        return n
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def set_torch_threads(n: int | None = None) -> int:
    """Set torch's intra-op thread count (default: :func:`default_threads`); returns it.

    Imports torch, so call it only where a transformer encoder is used.
    """
    import torch

    n = default_threads() if n is None else int(n)
    if n < 1:
        raise ValueError(f"threads={n!r}: expected a positive integer")
    torch.set_num_threads(n)
    return n


def static_cache_dir() -> Path:
    """Per-user folder of assembled and distilled models (``$FRAMING_CACHE_DIR`` or
    ``$XDG_CACHE_HOME/framing``, default ``~/.cache/framing``)."""
    root = os.environ.get("FRAMING_CACHE_DIR")
    if root:
        return Path(root).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")).expanduser() / "framing"


def file_digest(path: Path, n: int = 12) -> str:
    """First ``n`` hex digits of the sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:n]


def _weight_files(path: Path) -> list[Path]:
    weights = sorted(p for p in path.rglob("*") if p.suffix in (".safetensors", ".bin", ".onnx", ".pt"))
    return weights or sorted(path.glob("*.json"))


def files_stamp(path: Path) -> tuple:
    """(name, size, mtime) of a model folder's weight files: changes when the weights do."""
    out = []
    for file in _weight_files(path):
        st = file.stat()
        out.append((file.relative_to(path).as_posix(), st.st_size, st.st_mtime_ns))
    return tuple(out)


def weights_digest(path: Path) -> str:
    """Short sha256 of a model directory's weight files, so that two different models in
    folders with the same name never share embedding-cache entries."""
    return _weights_digest(str(path), files_stamp(path))


@functools.lru_cache(maxsize=16)
def _weights_digest(path: str, stamp: tuple) -> str:
    root = Path(path)
    digest = hashlib.sha256()
    for file in _weight_files(root):
        digest.update(file.relative_to(root).as_posix().encode())
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:12]
