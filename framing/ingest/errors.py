"""The one exception ingest raises for input it cannot read at all."""

from __future__ import annotations


class IngestError(ValueError):
    """A file (or folder) that cannot be read at all.

    The message always starts with the file name and says what is wrong, e.g.
    ``"dump.csv: no text column found; columns: id, name, when ..."``. Records that
    are merely bad (a malformed JSONL line, a record with no text) do not raise:
    they are skipped and listed in the :class:`~framing.corpus.IngestReport`.
    """
