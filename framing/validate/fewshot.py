"""Few-shot frames: contrastive fine-tuning of the sentence encoder, then a classifier head.

SetFit-style (Tunstall et al. 2022): pairs of labelled units are drawn with a target
similarity (1 for the same label, 0 for different ones; for multi-label data the
Jaccard overlap of the two label sets) and the sentence-transformer is fine-tuned for
one epoch with sentence-transformers' ``CosineSimilarityLoss``. The frame classifier
(:class:`framing.validate.supervised.FrameClassifier`) is then trained on embeddings
from the fine-tuned encoder. Long articles are cut into chunks of a few sentences for
the pairs, so one epoch over a few hundred units stays feasible on two CPU cores.

The fine-tuned model is written to a local sentence-transformers directory (safetensors,
with its ``model_id`` in ``framing_encoder.json``) and used through the ordinary
:class:`~framing.encoders.SentenceTransformerEncoder` on that folder; a saved few-shot
model keeps it in ``<model>/encoder``, with the head and manifest beside it.

References
----------
Tunstall, L., Reimers, N., Jo, U. E. S., Bates, L., Korat, D., Wasserblat, M., & Pereg, O.
(2022). Efficient Few-Shot Learning Without Prompts. arXiv:2209.11055.
Reimers, N., & Gurevych, I. (2019). Sentence-BERT. EMNLP.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import time
import weakref
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from framing.encoders import SentenceTransformerEncoder
from framing.encoders.base import offline
from framing.encoders.transformer import MODEL_ID_FILE
from framing.segment import segment_texts
from framing.validate.supervised import FrameClassifier

log = logging.getLogger(__name__)


def _weights_id(model) -> str:
    h = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(tensor.detach().cpu().numpy().tobytes())
    return h.hexdigest()[:16]


def make_pairs(labels: list[frozenset], n_pairs: int, rng: np.random.Generator) -> list[tuple[int, int, float]]:
    """Sample (i, j, similarity) pairs: half sharing a label, half at random.

    Parameters
    ----------
    labels : list of frozenset, the label set of each unit
    n_pairs : int
    rng : numpy Generator

    Returns
    -------
    list of (i, j, target) with target = |A & B| / |A | B| (1 for identical single labels).
    """
    n = len(labels)
    by_label: dict[str, list[int]] = {}
    for i, s in enumerate(labels):
        for lab in s:
            by_label.setdefault(lab, []).append(i)
    keys = sorted(by_label)
    pairs = []
    for k in range(n_pairs):
        i = int(rng.integers(n))
        if k % 2 == 0 and labels[i]:
            lab = sorted(labels[i])[int(rng.integers(len(labels[i])))]
            j = int(rng.choice(by_label[lab]))
        elif k % 2 == 0 and keys:
            j = int(rng.integers(n))
        else:
            j = int(rng.integers(n))
        a, b = labels[i], labels[j]
        union = a | b
        target = len(a & b) / len(union) if union else 1.0
        pairs.append((i, j, float(target)))
    return pairs


def _base_model_dir(base_model) -> Path:
    """The sentence-transformers folder to fine-tune: ``None``/"minilm"/"sentence-transformers"
    (the default all-MiniLM-L6-v2), "mpnet" (all-mpnet-base-v2 from its PyPI parts) or a folder."""
    from framing.encoders import default_model_dir, mpnet_model_dir

    if base_model in (None, "", "minilm", "sentence-transformers"):
        return default_model_dir()
    if base_model == "mpnet":
        return mpnet_model_dir()
    path = Path(base_model)
    if not (path / "config.json").exists() and not (path / "modules.json").exists():
        raise ValueError(f"base model {base_model!r}: expected 'minilm', 'mpnet' or a sentence-transformers folder")
    return path


def fine_tune(texts, label_sets, *, base_model=None, n_pairs: int | None = None, epochs: int = 1, batch_size: int = 16,
              learning_rate: float = 2e-5, chunk_sentences: int = 3, max_seq_length: int = 128,
              max_steps: int | None = None, random_state: int = 0,
              out_dir: str | Path | None = None) -> SentenceTransformerEncoder:
    """Fine-tune a sentence-transformer contrastively on labelled units (SetFit step 1).

    Parameters
    ----------
    texts : sequence of str or of list of str
    label_sets : sequence of iterable of str
    base_model : str or Path, optional
        "minilm" (default: the bundled all-MiniLM-L6-v2), "mpnet" (all-mpnet-base-v2, optional
        extra ``framing[mpnet]``) or a local sentence-transformers directory.
    n_pairs : int, optional
        Pairs per epoch (default ``min(2000, 2 * n_units)``: one epoch stays CPU-feasible).
    epochs : int, default 1
    batch_size : int, default 16
    learning_rate : float, default 2e-5
    chunk_sentences : int, default 3
        Units longer than this many sentences are represented in each pair by a random
        chunk of that many consecutive sentences.
    max_seq_length : int, default 128
    max_steps : int, optional
        Stop after this many optimiser steps (for quick tests).
    random_state : int, default 0
    out_dir : str or Path, optional
        Folder the fine-tuned model is written to. Default: a new temporary folder,
        removed when the returned encoder is garbage-collected (``FewShotClassifier.save``
        copies it into the saved model).

    Returns
    -------
    SentenceTransformerEncoder
        On the fine-tuned folder (``model_id`` ``"st-finetuned:<sha256[:16] of the weights>"``),
        with the training record in ``training_``.
    """
    offline()
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import CosineSimilarityLoss

    t0 = time.perf_counter()
    torch.manual_seed(random_state)
    rng = np.random.default_rng(random_state)
    docs = segment_texts(texts)
    sets = [frozenset(str(v) for v in s) for s in label_sets]
    if len(docs) != len(sets):
        raise ValueError(f"{len(docs)} texts but {len(sets)} label sets")
    path = _base_model_dir(base_model)
    model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    model.max_seq_length = max_seq_length
    loss_fn = CosineSimilarityLoss(model)
    prepare = getattr(model, "preprocess", None) or model.tokenize  # `tokenize` is deprecated in ST >= 6
    n_pairs = n_pairs or min(2000, 2 * len(docs))

    def piece(i):
        d = docs[i]
        if len(d) <= chunk_sentences:
            return " ".join(d)
        start = int(rng.integers(len(d) - chunk_sentences + 1))
        return " ".join(d[start:start + chunk_sentences])

    total_steps = epochs * int(np.ceil(n_pairs / batch_size))
    if max_steps is not None:
        total_steps = min(total_steps, max_steps)
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate)
    warmup = max(1, int(0.1 * total_steps))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (total_steps - s) / max(1, total_steps - warmup)))
    model.train()
    step = 0
    losses = []
    for _ in range(epochs):
        pairs = make_pairs(sets, n_pairs, rng)
        for b in range(0, len(pairs), batch_size):
            if step >= total_steps:
                break
            batch = pairs[b:b + batch_size]
            fa = prepare([piece(i) for i, _, _ in batch])
            fb = prepare([piece(j) for _, j, _ in batch])
            target = torch.tensor([t for _, _, t in batch], dtype=torch.float32)
            loss = loss_fn([fa, fb], target)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            losses.append(float(loss.detach()))
            step += 1
    model.eval()
    model_id = f"st-finetuned:{_weights_id(model)}"
    if out_dir is None:
        folder = Path(tempfile.mkdtemp(prefix="framing-finetuned-"))
    else:
        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
    model.save(str(folder), safe_serialization=True)
    (folder / MODEL_ID_FILE).write_text(json.dumps({"model_id": model_id}))
    enc = SentenceTransformerEncoder(folder, device="cpu", model_id=model_id)
    if out_dir is None:
        weakref.finalize(enc, shutil.rmtree, str(folder), True)
    enc.training_ = {"steps": step, "pairs": min(n_pairs * epochs, step * batch_size), "epochs": epochs,
                     "batch_size": batch_size, "learning_rate": learning_rate, "loss": "CosineSimilarityLoss",
                     "first_loss": losses[0] if losses else None, "last_loss": float(np.mean(losses[-10:])) if losses else None,
                     "seconds": time.perf_counter() - t0, "base_model": str(path)}
    log.info("fine-tuned %d steps in %.1f s (loss %.4f -> %.4f)", step, enc.training_["seconds"],
             enc.training_["first_loss"] or 0, enc.training_["last_loss"] or 0)
    return enc


class FewShotClassifier(ClassifierMixin, BaseEstimator):
    """SetFit-style few-shot frame classifier: fine-tuned encoder + :class:`FrameClassifier` head.

    Parameters
    ----------
    base_model : str or Path, optional
        What to fine-tune: "minilm" (default all-MiniLM-L6-v2), "mpnet" or a local
        sentence-transformers directory.
    codebook, labels, multi_label, tfidf, store, random_state
        As for :class:`FrameClassifier` (the head).
    n_pairs, epochs, batch_size, learning_rate, chunk_sentences, max_seq_length, max_steps
        Fine-tuning settings, see :func:`fine_tune`.
    head_params : dict, optional
        Further parameters of the head.

    Attributes
    ----------
    encoder_ : SentenceTransformerEncoder
        On the fine-tuned model's folder.
    head_ : FrameClassifier
    labels_ : list of str
    """

    def __init__(self, base_model=None, codebook=None, labels=None, multi_label=True, tfidf=True, n_pairs=None,
                 epochs=1, batch_size=16, learning_rate=2e-5, chunk_sentences=3, max_seq_length=128, max_steps=None,
                 head_params=None, store=None, random_state=0):
        self.base_model = base_model
        self.codebook = codebook
        self.labels = labels
        self.multi_label = multi_label
        self.tfidf = tfidf
        self.n_pairs = n_pairs
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.chunk_sentences = chunk_sentences
        self.max_seq_length = max_seq_length
        self.max_steps = max_steps
        self.head_params = head_params
        self.store = store
        self.random_state = random_state

    def fit(self, X, y):
        """Fine-tune the encoder on (X, y), then fit the head; returns self."""
        X = list(X)
        if self.multi_label:
            sets = [list(v) if isinstance(v, (list, tuple, set)) else [v] for v in y]
        else:
            sets = [[str(v)] for v in y]
        self.encoder_ = fine_tune(X, sets, base_model=self.base_model, n_pairs=self.n_pairs, epochs=self.epochs,
                                  batch_size=self.batch_size, learning_rate=self.learning_rate,
                                  chunk_sentences=self.chunk_sentences, max_seq_length=self.max_seq_length,
                                  max_steps=self.max_steps, random_state=self.random_state)
        self.head_ = FrameClassifier(encoder=self.encoder_, codebook=self.codebook, labels=self.labels,
                                     multi_label=self.multi_label, tfidf=self.tfidf, store=self.store,
                                     random_state=self.random_state, **(self.head_params or {}))
        self.head_.fit(X, y)
        self.labels_ = self.head_.labels_
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Per-frame probabilities, ndarray of shape (n_units, n_labels)."""
        check_is_fitted(self, "head_")
        return self.head_.predict_proba(X)

    def predict(self, X):
        check_is_fitted(self, "head_")
        return self.head_.predict(X)

    def save(self, path, *, name: str | None = None) -> Path:
        """Write ``encoder/`` (sentence-transformers, safetensors) and the head + manifest."""
        check_is_fitted(self, "head_")
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        enc_dir = out / "encoder"
        if enc_dir.resolve() != self.encoder_.path_.resolve():  # fine-tuned into out/encoder already
            if enc_dir.exists():
                shutil.rmtree(enc_dir)
            shutil.copytree(self.encoder_.path_, enc_dir)
        (enc_dir / MODEL_ID_FILE).write_text(json.dumps({"model_id": self.encoder_.model_id}))
        extra = {"mode": "fewshot", "fine_tuning": getattr(self.encoder_, "training_", {}),
                 "encoder_dir": "encoder"}
        self.head_.save(out, name=name, extra_meta=extra)
        return out
