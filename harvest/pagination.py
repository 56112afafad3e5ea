"""Paging styles every API museum may use, and collecting what they serve, over `HttpHarvester`.

A museum names its own API's specifics (paths, field names, its error envelope) in its folder
(harvest/<museum>/api.py) and pages it with a style here, or with its own where the API asks for one
(the Art Institute's search cursor: harvest/artic/api.py).

`numbered_pages` pages a list by page number (`PageNumbers`: `GET {path}?page=N&limit=S`): without a
total to go by, pages are fetched ahead `concurrency` at a time, and the harvest stops at the first
page that says no other follows, or has no records.

`PageStream` keeps every copy of a record it is served, counting the copies of a key already seen:
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


class PageStream:
    """The records of ``pages`` in batches of whole pages, every copy the source served in page
    order, with the stats of this harvest once drained (``stats``) and the last ``config`` block
    the source sent. The copies of a ``key`` already seen are counted as ``duplicates_dropped``;
    which copy to keep is decided on the frame (``harvest.received``)."""

    def __init__(self, harvester: HttpHarvester, pages: Iterable[Page], *, key: str) -> None:
        self.harvester, self.pages, self.key = harvester, pages, key
        self.config: Mapping[str, Any] = {}
        self._seen: set[Any] = set()
        self._records = self._pages = 0
        self._before, self._start = harvester.counts(), time.perf_counter()
        self._duration = 0.0

    def batches(self, records: int | None = None) -> Iterator[tuple[list[dict[str, Any]], list[int]]]:
        """(records, their page numbers), at least ``records`` a batch (None: one batch of all),
        cut at page boundaries; the last may be smaller."""
        batch: list[dict[str, Any]] = []
        numbers: list[int] = []
        for page in self.pages:
            self._pages += 1
            self.config = page.config or self.config
            for record in page.records:
                # A missing or malformed key is named later (harvest.raw.check_keys).
                value = record.get(self.key)
                self._seen.add(value if isinstance(value, int | str | None) else repr(value))
            batch.extend(page.records)
            numbers.extend([page.number] * len(page.records))
            self._records += len(page.records)
            if records is not None and len(batch) >= records:
                yield batch, numbers
                batch, numbers = [], []
        self._duration = time.perf_counter() - self._start
        if batch or records is None:
            yield batch, numbers

    @property
    def stats(self) -> HarvestStats:
        """What the harvest took so far: for run metadata. Requests include retries."""
        sent, duration = self.harvester.counts() - self._before, self._duration
        return HarvestStats(
            records=len(self._seen),
            pages=self._pages,
            requests=sent.requests,
            retries=sent.retries,
            duplicates_dropped=self._records - len(self._seen),
            duration_s=round(duration, 3),
            requests_per_s=round(sent.requests / duration, 1) if duration else 0.0,
            bytes_received=sent.bytes_received,
            statuses=sent.statuses,
        )


def collect(harvester: HttpHarvester, pages: Iterable[Page], *, key: str) -> Harvest:
    """Drain ``pages`` into one ``Harvest`` (``PageStream``, in one batch): for tests and tools that
    want the records in memory; the harvest assets write them a batch at a time (``harvest.parts``)."""
    stream = PageStream(harvester, pages, key=key)
    ((records, numbers),) = stream.batches()
    return Harvest(records, numbers, stream.stats, stream.config)
