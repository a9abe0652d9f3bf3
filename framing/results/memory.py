"""The in-memory :class:`~framing.results.Results` that :func:`framing.analyse` returns."""

from __future__ import annotations

import pandas as pd

from framing.results.core import Results

SENTENCE_COLUMNS = ["article_id", "sentence_index", "start", "end", "text"]


class Analysis(Results):
    """The result of :func:`analyse`: a :class:`~framing.results.Results` over in-memory
    tables, with the corpus it scored.

    Attributes
    ----------
    corpus : Corpus
    codebook : Codebook
    settings : ScoringSettings
    encoder_id : str
    calibration : Calibration
    scores, evidence, components, events : DataFrame
        See :class:`~framing.results.Results`.
    sentences : DataFrame
        ``article_id, sentence_index, start, end, text``.
    doc_vectors : ndarray of shape (n_articles, dim)
    """

    def __init__(self, tables, *, corpus, **kw):
        super().__init__(tables, **kw)
        self.corpus = corpus

    @property
    def sentences(self) -> pd.DataFrame:
        """``article_id, sentence_index, start, end, text`` (the text sliced from the article)."""
        spans = self._table("sentences")
        texts = {a.article_id: a.text for a in self.corpus}
        text = [texts[a][s:e] for a, s, e in zip(spans["article_id"], spans["start"], spans["end"])]
        return spans.assign(text=pd.Series(text, index=spans.index, dtype=object))[SENTENCE_COLUMNS]

    def texts(self, article_ids) -> dict[str, str]:
        wanted = set(map(str, article_ids))
        return {a.article_id: a.text for a in self.corpus if a.article_id in wanted}

    def article(self, article_id):
        return self.corpus[article_id]
