"""What every parser gets (a :class:`FileContext`) and yields (:class:`RawRecord`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from framing.corpus import Skipped
from framing.ingest.sources import InputFile


@dataclass
class RawRecord:
    """One input record: canonical fields (``id, text, title, outlet, published, url,
    section, author``; any may be missing), where it was found (``"line 17"``) and the
    input's other columns (``extra``: user metadata, column name -> raw value)."""

    location: str
    fields: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class FileContext:
    """Per-file state handed to a parser: options in, warnings / skips / progress out."""

    file: InputFile
    mapping: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    bytes_done: int = 0
    #: user columns seen / kept / not kept (over the cap) in this file
    extra_seen: set = field(default_factory=set)
    extra_kept: set = field(default_factory=set)
    extra_dropped: set = field(default_factory=set)
    extra_cut: bool = False

    @property
    def name(self) -> str:
        return self.file.name

    def warn(self, message: str) -> None:
        self.warnings.append(message if message.startswith(self.name) else f"{self.name}: {message}")

    #: records a parser skipped before yielding them (malformed lines...): still records read
    unyielded: int = 0

    def skip(self, location: str, reason: str, *, yielded: bool = False) -> None:
        """Report a skipped record; parsers leave ``yielded`` False so it still counts as read."""
        self.skipped.append(Skipped(self.name, location, reason))
        if not yielded:
            self.unyielded += 1
