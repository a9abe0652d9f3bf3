"""The aggregator listing format (the seed page ``latest-news-iskp.txt``).

A header line (``Latest news with #ISKP``), then one block per article::

    Express Tribune          <- outlet
    11-06-2025               <- date, DD-MM-YYYY
    - Politics               <- section
    - Express Tribune        <- outlet again
    India, ISKP and BLA: ... <- title
    The writer is ...        <- body (one or more lines, up to the next block)

Lines of page debris between blocks (e.g. ``&w=3840&q=100)``) end up in the body and
are removed by the boilerplate cleaner.
"""

from __future__ import annotations

import re
from typing import Iterator

from framing.ingest.base import FileContext, RawRecord

_DATE = re.compile(r"^\s*(\d{1,2})-(\d{1,2})-(\d{4})\s*$")


def _is_block_start(lines: list[str], i: int) -> bool:
    head = lines[i].strip()
    return (
        i + 2 < len(lines)
        and bool(head)
        and len(head) <= 120
        and not head.startswith("- ")
        and bool(_DATE.match(lines[i + 1]))
        and lines[i + 2].lstrip().startswith("- ")
    )


def parse_aggregator(text: str, ctx: FileContext) -> Iterator[RawRecord]:
    """Yield one record per article block of an aggregator listing page.

    A block is an outlet line, a ``DD-MM-YYYY`` date line, one or more ``- tag`` lines
    (the tag equal to the outlet line is the outlet, the first other one the section),
    a title line, then the body up to the next block.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    starts = [i for i in range(len(lines)) if _is_block_start(lines, i)]
    if not starts:
        ctx.warn("no article blocks found in the aggregator listing")
        return
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        outlet = lines[start].strip()
        date_text = lines[start + 1].strip()
        j = start + 2
        tags = []
        while j < end and lines[j].lstrip().startswith("- "):
            tags.append(lines[j].strip()[2:].strip())
            j += 1
        others = [t for t in tags if t and t.casefold() != outlet.casefold()]
        section = others[0] if others else ""
        if len(others) > 1:
            ctx.warn(f"line {start + 1}: several tags {others!r}; section taken as {section!r}")
        rest = [ln.strip() for ln in lines[j:end]]
        while rest and not rest[0]:
            rest.pop(0)
        title = rest.pop(0) if rest else ""
        body = "\n\n".join(ln for ln in rest if ln)
        ctx.bytes_done += sum(len(ln) + 1 for ln in lines[start:end])
        yield RawRecord(
            f"line {start + 1}",
            {"outlet": outlet, "published": date_text, "section": section, "title": title, "text": body},
        )
