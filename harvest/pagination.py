"""Paging styles every API museum may use, and collecting what they serve, over `HttpHarvester`.

A museum names its own API's specifics (paths, field names, its error envelope) in its folder
(harvest/<museum>/api.py) and pages it with a style here, or with its own where the API asks for one
(the Art Institute's search cursor: harvest/artic/api.py).

`numbered_pages` pages a list by page number (`PageNumbers`: `GET {path}?page=N&limit=S`): without a
total to go by, pages are fetched ahead `concurrency` at a time, and the harvest stops at the first
page that says no other follows, or has no records.

`collect` keeps every copy of a record it is served, counting the copies of a key already seen:
which copy to keep is decided on the frame, by one rule for every source (`harvest.received`).
"""

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from harvest.http import HarvestError, HttpHarvester

# A source's error envelope: the reason and status with which a body served as 200 says the request
# failed; None when it did not.
Refusal = Callable[[Mapping[str, Any]], tuple[str, int | None] | None]


@dataclass(frozen=True)
class Page:
    """Records as one response served them; `number` is the page number or cursor index (1-based).

    `config` is the response's `config` block where the source sends one (the Art Institute's: iiif_url, website_url).
    """

    number: int
    records: list[dict[str, Any]]
    config: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HarvestStats:
    """What one harvest took: for run metadata. Requests include retries."""

    records: int
    pages: int
    requests: int
    retries: int
    duplicates_dropped: int
    duration_s: float
    requests_per_s: float
    bytes_received: int
    statuses: Mapping[str, int]


@dataclass(frozen=True)
class Harvest:
    """Records as received, every copy the source served in page order, each with the page it came
    from (`pages[i]` is for `records[i]`), and the last `config` block the source sent (empty when
    it sends none)."""

    records: list[dict[str, Any]]
    pages: list[int]
    stats: HarvestStats
    config: Mapping[str, Any]


@dataclass(frozen=True)
class PageNumbers:
    """A list paged by page number: `GET {path}?{page}=N&{size}=S` from page `first`, the page's
    records a list at the body's field `records`. Another page follows while the field `more` is
    true or non-empty (a flag, a next page's URL); without one, while a page is full. `refused`: the
    API's error envelope, if it has one. Fields are dotted paths into the body (`meta.next`)."""

    path: str
    records: str = "data"
    page: str = "page"
    size: str = "limit"
    first: int = 1
    more: str | None = None
    refused: Refusal | None = None


def field_at(body: Mapping[str, Any], path: str) -> Any:
    """The value at the dotted `path` of a JSON body; None where it is missing."""
    value: Any = body
    for name in path.split("."):
        value = value.get(name) if isinstance(value, Mapping) else None
    return value


def numbered_pages(harvester: HttpHarvester, paging: PageNumbers) -> Iterator[Page]:
    """The pages of `paging` until one says no other follows or has no records, each numbered as
    asked; a body without its list of records, or that the API's envelope refuses, fails the
    harvest naming the page's URL (its secrets redacted)."""
    size = harvester.config.page_size

    def params(number: int) -> dict[str, int]:
        return {paging.page: number, paging.size: size}

    calls = ((paging.path, params(n)) for n in count(paging.first))
    for number, body in enumerate(harvester.get_json_many(calls), start=paging.first):
        records = field_at(body, paging.records)
        refused = paging.refused(body) if paging.refused else None
        if refused or not isinstance(records, list):
            reason, status = refused or (f"no list of records at {paging.records!r}", None)
            url = harvester.redact(harvester.url(paging.path, params(number)))
            raise HarvestError(harvester.config.source, url, reason, status=status)
        if records:
            yield Page(number, records)
        more = bool(field_at(body, paging.more)) if paging.more else len(records) >= size
        if not records or not more:
            return


def collect(harvester: HttpHarvester, pages: Iterable[Page], *, key: str) -> Harvest:
    """Drain `pages`, keeping every copy of each record in page order (which to keep is decided on
    the frame: `harvest.received.resolve_duplicates`) and counting the copies of a `key` already
    seen as `duplicates_dropped`; stats for this harvest only."""
    before, start = harvester.counts(), time.perf_counter()
    records: list[dict[str, Any]] = []
    numbers: list[int] = []
    seen: set[Any] = set()
    config: Mapping[str, Any] = {}
    n_pages = 0
    for page in pages:
        n_pages += 1
        config = page.config or config
        for record in page.records:
            value = record.get(key)  # a missing or malformed key is named later (harvest.raw.check_keys)
            seen.add(value if isinstance(value, int | str | None) else repr(value))
            records.append(record)
            numbers.append(page.number)
    duration = time.perf_counter() - start
    sent = harvester.counts() - before
    stats = HarvestStats(
        records=len(seen),
        pages=n_pages,
        requests=sent.requests,
        retries=sent.retries,
        duplicates_dropped=len(records) - len(seen),
        duration_s=round(duration, 3),
        requests_per_s=round(sent.requests / duration, 1) if duration else 0.0,
        bytes_received=sent.bytes_received,
        statuses=sent.statuses,
    )
    return Harvest(records, numbers, stats, config)
