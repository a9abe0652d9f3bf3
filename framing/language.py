"""The language of an article: taken from the input's ``language`` field or detected offline.

Detection uses ``py3langid`` (the langid.py model of Lui & Baldwin 2012, shipped inside the
package, 97 languages, nothing downloads) on the title and the first 2,000 characters of the
text; the normalised probability is kept as ``language_confidence``. Both are user columns
(:attr:`framing.corpus.Article.extra`), so the store, the score table and every export carry
them and ``compare(by="language")`` groups by them.

:func:`choose_encoder` is the automatic encoder choice: a corpus that is not all English gets
the ``multilingual`` encoder unless the user chose one (then a warning when it is English-only).

References
----------
Lui, M. & Baldwin, T. (2012). langid.py: An Off-the-shelf Language Identification Tool. ACL demos.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections import Counter
from typing import Any, Iterable, Mapping

log = logging.getLogger(__name__)

__all__ = ["ENGLISH_ONLY_ENCODERS", "LANGUAGE_COLUMNS", "MULTILINGUAL_ENCODER", "WORD_MARKS", "article_language", "choose_encoder",
           "detect_language", "filter_languages", "language_counts", "normalise_language", "surface_forms", "with_language"]

#: User columns this module fills at ingest.
LANGUAGE_COLUMNS = ("language", "language_confidence")
#: The encoder setting picked for a corpus that is not all English.
MULTILINGUAL_ENCODER = "multilingual"
#: Settings that name an encoder trained on English only.
ENGLISH_ONLY_ENCODERS = frozenset({"sentence-transformers", "minilm", "mpnet", "onnx", "static"})
#: Combining marks that Python's ``\w`` leaves out but that belong to a word (a regex class body):
#: Devanagari vowel signs and virama, Arabic-script harakat, zero-width (non-)joiners; so
#: "पाकिस्तानी" is one word for a word boundary.
WORD_MARKS = "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963\u064b-\u065f\u0670\u200c\u200d"
#: Code of text in which no language could be detected (no letters).
UNDETERMINED = "und"

_DETECT_CHARS = 2000
# Arabic-script letters that keyboards write two ways (Arabic vs Persian/Urdu yeh and kaf).
_LETTER_VARIANTS = {"ی": "ي", "ي": "ی", "ک": "ك", "ك": "ک"}
_MAX_SPELLINGS = 16
# Russian case endings of a one-word proper name, by its ending in the nominative
# (genitive, dative, accusative, instrumental, prepositional, duplicates dropped).
_RU_HARD = ("а", "у", "ом", "е")
_RU_SOFT_I = ("я", "ю", "ем", "е")                 # Китай -> Китая
_RU_IYA = ("ии", "ию", "ией")                       # Индия -> Индии
_RU_YA = ("и", "е", "ю", "ей")                      # Чечня -> Чечни
_RU_A = ("ы", "е", "у", "ой")                       # Москва -> Москвы
_RU_A_VELAR = ("и", "е", "у", "ой")                 # after г к х ж ч ш щ: Мекка -> Мекки
_NAMES = {
    "english": "en", "eng": "en", "urdu": "ur", "urd": "ur", "hindi": "hi", "hin": "hi", "russian": "ru",
    "rus": "ru", "persian": "fa", "farsi": "fa", "fas": "fa", "per": "fa", "pashto": "ps", "pushto": "ps",
    "pus": "ps", "arabic": "ar", "ara": "ar", "bengali": "bn", "ben": "bn", "french": "fr", "fra": "fr",
    "german": "de", "deu": "de", "spanish": "es", "spa": "es", "portuguese": "pt", "por": "pt", "bulgarian": "bg",
    "bul": "bg", "chinese": "zh", "zho": "zh", "punjabi": "pa", "pan": "pa", "dari": "fa", "prs": "fa",
}


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def normalise_language(value: Any) -> str:
    """A language given in an input field as a lower-case code: ``"Urdu"`` -> ``"ur"``,
    ``"en-GB"`` -> ``"en"``, ``"hin"`` -> ``"hi"``; ``""`` for a missing value.

    >>> normalise_language("Urdu"), normalise_language("en_GB"), normalise_language(" HI ")
    ('ur', 'en', 'hi')
    """
    if value is None:
        return ""
    text = str(value).strip().lower().replace("_", "-")
    if not text or text in ("nan", "none", "null"):
        return ""
    text = text.split("-")[0].strip()
    return _NAMES.get(text, text)


def detect_language(text: str) -> tuple[str, float]:
    """The language of a text and the detector's probability.

    Parameters
    ----------
    text : str

    Returns
    -------
    (code, confidence) : (str, float)
        ISO 639-1 code (``"und"`` with confidence 0 for text without letters) and the
        normalised probability in [0, 1].

    >>> detect_language("عسکریت پسندوں نے کوئٹہ میں پولیس چوکی پر حملہ کیا۔")[0]
    'ur'
    """
    sample = (text or "")[:_DETECT_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return UNDETERMINED, 0.0
    code, prob = _identifier().classify(sample)
    return str(code), round(float(prob), 4)


def surface_forms(name: str) -> list[str]:
    """The spellings in which a gazetteer name is looked for: as written; in Arabic script also
    with the other yeh and kaf (ي/ی, ك/ک); a one-word Russian proper name also in its case forms
    (``Пакистан`` -> ``Пакистана``, ``Пакистану``, ``Пакистаном``, ``Пакистане``), with ё also written е.

    Names of several words and lower-case words are kept as written (list their forms as
    aliases); acronyms (``США``, ``ТТП``) and names ending in ``о``, ``и``, ``у``, ``е``, ``ь``
    are not declined.

    >>> surface_forms("Индия")
    ['Индия', 'Индии', 'Индию', 'Индией']
    >>> surface_forms("کابل")
    ['کابل', 'كابل']
    """
    forms = [name]
    if " " not in name and name[:1].isupper() and not name.isupper() and all(
            "\u0400" <= ch <= "\u04ff" or ch == "-" for ch in name):
        forms += [_ru_stem(name) + ending for ending in _ru_endings(name)]
    out: list[str] = []
    for form in forms + [f.replace("ё", "е") for f in forms if "ё" in f]:
        slots = [(ch, _LETTER_VARIANTS[ch]) if ch in _LETTER_VARIANTS else (ch,) for ch in form]
        for spelling in itertools.islice(itertools.product(*slots), _MAX_SPELLINGS):
            spelled = "".join(spelling)
            if spelled not in out:
                out.append(spelled)
    return out


def _ru_endings(name: str) -> tuple[str, ...]:
    last = name[-1]
    if last == "й":
        return _RU_SOFT_I
    if name.endswith("ия"):
        return _RU_IYA
    if last == "я":
        return _RU_YA
    if last == "а":
        return _RU_A_VELAR if name[-2:-1] in "гкхжчшщ" else _RU_A
    if last.lower() in "аеёиоуыэюяь":
        return ()
    return _RU_HARD


def _ru_stem(name: str) -> str:
    if name.endswith("ия"):
        return name[:-2]
    return name[:-1] if name[-1] in "йяа" else name


def article_language(article) -> str:
    """An article's language: its ``language`` column when present, else detected."""
    given = normalise_language((getattr(article, "extra", None) or {}).get("language"))
    if given:
        return given
    return detect_language(_sample(article))[0]


def _sample(article) -> str:
    title = getattr(article, "title", "") or ""
    return (title + "\n" if title else "") + (getattr(article, "text", "") or "")


def with_language(extra: Mapping[str, Any], title: str, text: str) -> dict:
    """``extra`` (an article's user columns) with ``language`` (normalised when given, detected
    otherwise) and ``language_confidence`` (1.0 when given, the detector's probability otherwise)."""
    out = dict(extra)
    given = normalise_language(out.get("language") or out.get("lang"))
    if given:
        out["language"] = given
        out.setdefault("language_confidence", 1.0)
        return out
    code, prob = detect_language((title + "\n" if title else "") + (text or ""))
    out["language"], out["language_confidence"] = code, prob
    return out


def language_counts(articles: Iterable) -> Counter:
    """Articles per language code (:func:`article_language`)."""
    return Counter(article_language(a) for a in articles)


def choose_encoder(encoder, counts: Mapping[str, int] | None) -> tuple[Any, str]:
    """The encoder setting for a corpus with these language counts, and a note for the user.

    ``encoder`` is what the user chose (``None`` = no choice). No choice and a corpus that is not
    all English -> ``"multilingual"`` with a note saying why; an English-only encoder chosen for such
    a corpus -> that encoder with a warning; otherwise ``encoder`` and ``""``.

    >>> choose_encoder(None, {"en": 3, "ur": 2})[0]
    'multilingual'
    >>> choose_encoder(None, {"en": 5})
    (None, '')
    """
    other = {k: v for k, v in (counts or {}).items() if k not in ("en", UNDETERMINED) and v}
    if not other:
        return encoder, ""
    listed = ", ".join(f"{k} {v}" for k, v in sorted(other.items(), key=lambda kv: -kv[1]))
    if encoder is None:
        return MULTILINGUAL_ENCODER, (f"the corpus is not all English ({listed} article(s)): using the "
                                      f"'{MULTILINGUAL_ENCODER}' encoder (choose another with --encoder or in the app's sidebar)")
    name = encoder if isinstance(encoder, str) else getattr(encoder, "model_id", "")
    if name in ENGLISH_ONLY_ENCODERS or "minilm" in str(name).lower() or "mpnet" in str(name).lower():
        return encoder, (f"warning: encoder {name!r} was trained on English only, but the corpus has {listed} "
                         f"article(s); '--encoder {MULTILINGUAL_ENCODER}' scores them in one vector space")
    return encoder, ""


def filter_languages(corpus, languages):
    """The articles of ``corpus`` in one of ``languages`` (codes or names, :func:`normalise_language`);
    ``None`` or empty keeps all.

    Raises
    ------
    ValueError
        When no article is in those languages (the message lists the languages present).
    """
    wanted = {normalise_language(x) for x in (languages or []) if normalise_language(x)}
    if not wanted:
        return corpus
    keep = [a.article_id for a in corpus if article_language(a) in wanted]
    if not keep:
        present = ", ".join(f"{k} ({v})" for k, v in language_counts(corpus).most_common())
        raise ValueError(f"no article in language(s) {', '.join(sorted(wanted))}; the corpus has: {present or 'none'}")
    return corpus.subset(keep)
