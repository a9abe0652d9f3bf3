"""Core data: articles, sentences, the ingest report and the corpus that holds them.

Every other stage exchanges these plain objects (or DataFrames built from them),
never UI objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Iterable, Iterator, Mapping

import pandas as pd

ARTICLE_COLUMNS = [
    "article_id",
    "outlet",
    "published",
    "title",
    "text",
    "url",
    "section",
    "author",
    "source",
]


@dataclass(frozen=True)
class Article:
    """One news article.

    ``article_id`` is the input's own id when it has one (so users can join results
    back); otherwise a stable hash of outlet + title + date + text.
    ``source`` says where it came from, e.g. ``"dump.jsonl:17"``. ``extra`` holds the
    input's other columns (user metadata such as a bias rating or a gold cluster id; see
    :mod:`framing.metadata`), column name -> plain value.
    """

    article_id: str
    outlet: str
    published: dt.date | None
    title: str
    text: str
    url: str = ""
    section: str = ""
    author: str = ""
    source: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False, repr=False)

    def to_dict(self) -> dict:
        """The fields as a dict (``extra`` as a plain dict)."""
        out = asdict(self)
        out["extra"] = dict(self.extra)
        return out


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article, pointing into ``Article.text`` by character span."""

    article_id: str
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Skipped:
    """A record that did not make it into the corpus, and why."""

    file: str
    location: str  # "line 17", "row 4", "" for a whole file
    reason: str


@dataclass
class IngestReport:
    """What an ingest did: nothing is lost silently.

    ``merged`` holds one entry per duplicate that was folded into a kept article:
    ``(kept_article_id, duplicate_source, kind)`` with kind ``"exact"`` or ``"near"``.
    ``warnings`` holds file-level notes that did not lose data (encoding fallback,
    unparseable date kept with an empty date, a text truncated to the record cap, ...).
    ``files_skipped`` holds the files (of several) that could not be read, or not to the
    end, with the reason (location ``"whole file"`` or ``"from row N"``); the records read
    from them before the failure are counted and kept as usual.
    """

    files_read: list[str] = field(default_factory=list)
    records_read: int = 0
    kept: int = 0
    merged: list[tuple[str, str, str]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    already_stored: int = 0
    files_skipped: list[Skipped] = field(default_factory=list)

    @property
    def has_skips(self) -> bool:
        """Whether any record or file was skipped (the CLI then exits with "finished with skips")."""
        return bool(self.skipped or self.files_skipped)

    def merge_from(self, other: "IngestReport") -> None:
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            setattr(self, f.name, mine + theirs)

    def summary(self) -> str:
        return (
            f"{len(self.files_read)} file(s), {self.records_read} record(s) read: "
            f"{self.kept} kept, {len(self.merged)} merged as duplicates, "
            f"{len(self.skipped)} skipped, {len(self.warnings)} warning(s)"
            + (f", {len(self.files_skipped)} file(s) not read" if self.files_skipped else "")
        )

    def to_dict(self) -> dict:
        return {
            "files_read": list(self.files_read),
            "records_read": self.records_read,
            "kept": self.kept,
            "already_stored": self.already_stored,
            "merged": [
                {"kept": k, "duplicate": d, "kind": kind} for k, d, kind in self.merged
            ],
            "skipped": [asdict(s) for s in self.skipped],
            "files_skipped": [asdict(s) for s in self.files_skipped],
            "warnings": list(self.warnings),
        }


class Corpus:
    """An ordered collection of articles, plus the report of how it was read.

    Examples
    --------
    >>> import framing
    >>> corpus = framing.load()          # the bundled demo corpus
    >>> len(corpus)
    5
    >>> list(corpus.to_frame().columns)[:3]
    ['article_id', 'outlet', 'published']
    """

    def __init__(self, articles: Iterable[Article], report: IngestReport | None = None):
        self.articles: list[Article] = list(articles)
        self.report = report if report is not None else IngestReport()
        self._by_id = {a.article_id: a for a in self.articles}
        if len(self._by_id) != len(self.articles):
            raise ValueError("Corpus: article_id values must be unique")

    def __len__(self) -> int:
        return len(self.articles)

    def __iter__(self) -> Iterator[Article]:
        return iter(self.articles)

    def __getitem__(self, article_id: str) -> Article:
        return self._by_id[article_id]

    def __repr__(self) -> str:
        outlets = sorted({a.outlet for a in self.articles})
        return f"Corpus({len(self)} articles, {len(outlets)} outlets)"

    @property
    def ids(self) -> list[str]:
        return [a.article_id for a in self.articles]

    def texts(self, article_ids: Iterable[str]) -> dict[str, str]:
        """article_id -> text for those of ``article_ids`` in the corpus."""
        return {a: self._by_id[a].text for a in map(str, article_ids) if a in self._by_id}

    def to_frame(self) -> pd.DataFrame:
        """One row per article with the columns of DESIGN.md's Article, then the user's own
        columns (typed, see :func:`framing.metadata.extra_frame`)."""
        from framing.metadata import extra_frame

        rows = [a.to_dict() for a in self.articles]
        frame = pd.DataFrame(rows, columns=ARTICLE_COLUMNS)
        frame["published"] = pd.to_datetime(frame["published"], errors="coerce")
        extras = extra_frame([a.extra for a in self.articles])
        if len(extras.columns):
            frame = pd.concat([frame, extras.drop(columns=[c for c in extras.columns if c in frame.columns])],
                              axis=1)
        return frame

    @property
    def extra_columns(self) -> list[str]:
        """The user's own columns kept at ingest, in first-seen order."""
        from framing.metadata import extra_columns

        return extra_columns(a.extra for a in self.articles)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, report: IngestReport | None = None) -> "Corpus":
        """Rebuild a corpus from a frame with (at least) article_id and text columns; any
        other column (not ``ingested_at``) is the article's user metadata (``extra``)."""
        from framing.metadata import extra_value

        articles = []
        others = [c for c in frame.columns if c not in ARTICLE_COLUMNS and c != "ingested_at"]
        for row in frame.to_dict("records"):
            extra = {}
            for c in others:
                value = extra_value(row[c])[0]
                if value is not None:
                    extra[str(c)] = value
            published = row.get("published")
            if published is None or (isinstance(published, float) and pd.isna(published)) or published is pd.NaT:
                published = None
            elif isinstance(published, (pd.Timestamp, dt.datetime)):
                published = published.date()
            articles.append(
                Article(
                    article_id=str(row["article_id"]),
                    outlet=str(row.get("outlet") or ""),
                    published=published,
                    title=str(row.get("title") or ""),
                    text=str(row["text"]),
                    url=str(row.get("url") or ""),
                    section=str(row.get("section") or ""),
                    author=str(row.get("author") or ""),
                    source=str(row.get("source") or ""),
                    extra=extra,
                )
            )
        return cls(articles, report)

    def subset(self, article_ids: Iterable[str]) -> "Corpus":
        keep = set(article_ids)
        return Corpus([a for a in self.articles if a.article_id in keep], self.report)
