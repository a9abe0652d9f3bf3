"""One progress reporter for the long commands: a bar on a terminal, log lines otherwise.

The library reports through ``progress(stage, done, total)`` callbacks
(:func:`framing.analyse`, the engines, :func:`framing.ingest.ingest` through
:meth:`Progress.counter`, the classifiers' ``fit`` and
:func:`framing.validate.supervised.cross_validate`). A :class:`Progress` is such a callback:

* on a terminal (stderr is a TTY) it draws one tqdm bar per stage on stderr;
* otherwise (a log file, CI, a pipe, ``CliRunner``) it writes a plain line per stage now and
  then — every ``interval`` seconds, at each ``step`` of the total (but at most one a second),
  and when the stage is complete::

      score: 120/256 partitions (47%), 1.2 min elapsed, ~1.4 min left
"""

from __future__ import annotations

import math
import sys
import time
from typing import Callable, TextIO

#: What a stage counts (shown in the log lines); stages not listed count "steps".
UNITS = {"read": "B", "embed": "sentences", "calibrate": "partitions", "score": "partitions",
         "events": "steps", "folds": "folds", "mentions": "articles"}


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _amount(n: float, unit: str) -> str:
    if unit == "B":
        return f"{n / 1e6:.1f}" if n >= 1e5 else f"{n / 1e6:.2f}"
    return str(int(n))


class Progress:
    """A ``progress(stage, done, total)`` callback for a command.

    Parameters
    ----------
    stream : text stream, default ``sys.stderr`` (looked up when used)
    enabled : bool, default True
        False: report nothing (``--quiet``, ``--json``).
    tty : bool, optional
        Draw bars (True) or write lines (False); default: whether ``stream`` is a terminal.
    interval : float, default 10.0
        Seconds between two log lines of a stage that is still running.
    step : float, default 0.1
        Also write a line each time a stage passes another ``step`` of its total.
    units : dict stage -> unit, optional
        Added to :data:`UNITS` (``"B"`` counts bytes and shows megabytes).
    clock : callable() -> float, default ``time.monotonic``

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> p = Progress(out, tty=False, clock=lambda: 0.0)
    >>> p("score", 1, 2); p("score", 2, 2)
    >>> print(out.getvalue().strip())
    score: 2/2 partitions (100%), 0 s elapsed
    """

    min_gap = 1.0  #: seconds: the step rule writes at most one line per this time

    def __init__(self, stream: TextIO | None = None, *, enabled: bool = True, tty: bool | None = None,
                 interval: float = 10.0, step: float = 0.1, units: dict[str, str] | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self._stream = stream
        self.enabled = enabled
        self._tty = tty
        self.interval = interval
        self.step = step
        self.units = {**UNITS, **(units or {})}
        self.clock = clock
        self.stage: str | None = None
        self.bar = None
        self._start = self._last = 0.0
        self._done = 0
        self._bucket = 0
        self._finished = False

    @property
    def stream(self) -> TextIO:
        return self._stream if self._stream is not None else sys.stderr

    @property
    def tty(self) -> bool:
        if self._tty is None:
            isatty = getattr(self.stream, "isatty", None)
            self._tty = bool(isatty and isatty())
        return self._tty

    # ------------------------------------------------------------------ callback
    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if stage != self.stage or done < self._done:  # a new stage (or the same one again)
            self.close()
            self.stage, self._start, self._last, self._bucket, self._finished = stage, now, now, 0, False
        self._done = done
        if self.tty:
            self._draw(stage, done, total)
            return
        complete = bool(total) and done >= total
        bucket = int(done / total / self.step) if total and self.step > 0 else 0
        due = (now - self._last >= self.interval
               or (bucket > self._bucket and now - self._last >= self.min_gap))
        if (complete and not self._finished) or (due and not complete):
            self._write(self.line(stage, done, total, now - self._start))
            self._last, self._bucket, self._finished = now, bucket, complete

    def counter(self, stage: str) -> Callable[[int, int | None], None]:
        """A two-argument ``progress(done, total)`` callback for one stage (ingest, embed)."""
        return lambda done, total: self(stage, done, total)

    def line(self, stage: str, done: int, total: int | None, elapsed: float) -> str:
        """The log line of a stage: ``stage: done/total unit (pct%), elapsed, ~left``."""
        unit = self.units.get(stage, "steps")
        shown = "MB" if unit == "B" else unit
        if not total:
            return f"{stage}: {_amount(done, unit)} {shown}, {_duration(elapsed)} elapsed"
        frac = min(1.0, done / total)
        text = f"{stage}: {_amount(done, unit)}/{_amount(total, unit)} {shown} ({math.floor(frac * 100):.0f}%), " \
               f"{_duration(elapsed)} elapsed"
        if 0 < done < total:
            text += f", ~{_duration(elapsed * (total - done) / done)} left"
        return text

    # ------------------------------------------------------------------ output
    def _write(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def _draw(self, stage: str, done: int, total: int | None) -> None:
        if self.bar is None:
            from tqdm import tqdm

            unit = self.units.get(stage, "steps")
            self.bar = tqdm(total=total or None, desc=stage, unit=unit, unit_scale=unit == "B", file=self.stream,
                            leave=False, disable=False, dynamic_ncols=True)
        if total and self.bar.total != total:
            self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        """End the current bar (a terminal); log lines need no closing."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        self.stage = None
        self._done = 0

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
