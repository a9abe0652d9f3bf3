"""Ingest: the messy files researchers have -> a clean, de-duplicated :class:`~framing.corpus.Corpus`.

One parser per format, chosen by content and extension:

- aggregator listing pages (outlet, ``DD-MM-YYYY`` date, ``- Section``, ``- Outlet``,
  title, body; the bundled demo corpus),
- JSON lines / JSON arrays, CSV/TSV, Parquet, XLSX with the usual column names or an
  explicit ``mapping``,
- HTML pages (main text via trafilatura) and plain-text files; folders are walked
  recursively.

Then boilerplate removal (:data:`DEFAULT_BOILERPLATE`, extensible), stable ids, and
exact + near-duplicate detection across the whole load. Nothing is lost silently:
the :class:`~framing.corpus.IngestReport` lists every skipped record with its file,
line/row and reason. A file that cannot be read at all raises :class:`IngestError`.

>>> import framing
>>> corpus = framing.load()   # the bundled demo corpus
>>> len(corpus), corpus.report.kept
(5, 5)
"""

from framing.ingest.boilerplate import DEFAULT_BOILERPLATE, BoilerplateCleaner, load_patterns
from framing.ingest.dedup import Deduplicator
from framing.ingest.errors import IngestError
from framing.ingest.fields import FIELD_ALIASES, parse_date
from framing.ingest.pipeline import ingest, iter_articles, load

__all__ = [
    "load",
    "ingest",
    "iter_articles",
    "IngestError",
    "DEFAULT_BOILERPLATE",
    "BoilerplateCleaner",
    "load_patterns",
    "Deduplicator",
    "FIELD_ALIASES",
    "parse_date",
]
