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
    return (
        i + 3 < len(lines)
        and bool(lines[i].strip())
        and not lines[i].lstrip().startswith("- ")
        and bool(_DATE.match(lines[i + 1]))
        and lines[i + 2].lstrip().startswith("- ")
        and lines[i + 3].lstrip().startswith("- ")
    )


def parse_aggregator(text: str, ctx: FileContext) -> Iterator[RawRecord]:
    """Yield one record per article block of an aggregator listing page."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    starts = [i for i in range(len(lines)) if _is_block_start(lines, i)]
    if not starts:
        ctx.warn("no article blocks found in the aggregator listing")
        return
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        outlet_line = lines[start].strip()
        date_text = lines[start + 1].strip()
        tags = [lines[start + 2].strip()[2:].strip(), lines[start + 3].strip()[2:].strip()]
        # The tag equal to the outlet line is the outlet; the other is the section.
        if tags[0].casefold() == outlet_line.casefold() and tags[1].casefold() != outlet_line.casefold():
            section, outlet = tags[1], tags[0]
        else:
            section, outlet = tags[0], tags[1] if tags[1] else outlet_line
        if outlet.casefold() != outlet_line.casefold():
            ctx.warn(f"line {start + 1}: outlet line {outlet_line!r} differs from tag {outlet!r}; using the outlet line")
            outlet = outlet_line
        rest = [ln.strip() for ln in lines[start + 4: end]]
        while rest and not rest[0]:
            rest.pop(0)
        title = rest.pop(0) if rest else ""
        body = "\n\n".join(ln for ln in rest if ln)
        ctx.bytes_done += sum(len(ln) + 1 for ln in lines[start:end])
        yield RawRecord(
            f"line {start + 1}",
            {"outlet": outlet, "published": date_text, "section": section, "title": title, "text": body},
        )
