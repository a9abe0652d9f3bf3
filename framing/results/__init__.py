"""The one results interface (:class:`Results`) over in-memory frames or a results folder."""

from framing.results.core import TABLES, TOP_OUTLETS, ArticleView, Results
from framing.results.sql import EVENT_COLUMNS, parquet_sql

__all__ = ["EVENT_COLUMNS", "TABLES", "TOP_OUTLETS", "ArticleView", "Results", "parquet_sql"]
