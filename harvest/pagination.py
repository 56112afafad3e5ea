"""Paging styles of the sources, and de-duplication of what they serve, over `HttpHarvester`.

Walters (the contract in the README): `GET {base}/v1/objects?apikey=&Page=N&pageSize=S` from page 1; the
envelope has no total, only `NextPage`, so pages are fetched ahead `concurrency` at a time and
the harvest stops at the first page with `NextPage` false or no `Items`.

Art Institute of Chicago (api.artic.edu/docs, "Pagination" and "Search"; the search request
code of art-institute-of-chicago/data-aggregator): `limit` cannot exceed 100, and a search
cannot reach past a fixed depth through any combination of `page` and `limit` (the docs say
10,000 records; the server's guest setting `max_resources_guest` is 1,000). So instead of
`page`, every request asks for page 1 of `/{resource}/search` *after* the last record seen:
a keyset cursor, an Elasticsearch `range` on the sort keys with `sort` on the same keys, sent
the way the docs recommend for production, as JSON in the `params` query parameter (with
`fields` and `limit`). A full harvest sorts by `id`; an incremental one keeps `updated_at >=`
a high-water mark and sorts by (`updated_at`, `id`), so records sharing a timestamp across a
page boundary are neither skipped nor repeated. The cursor needs one request after another,
which is also what the docs ask of scrapers (a single thread, self-throttled; anonymous
clients are throttled to 60 requests a minute). `pagination.total` (records still matching)
tells when the last page has come. The docs ask every client to name itself and a contact in an
`AIC-User-Agent` header (older versions said `User-Agent`): put it in `HttpConfig.headers`.

`PageStream` keeps every copy of a record it is served, counting the copies of a key already seen:
which copy to keep is decided on the frame, by one rule for every source (`harvest.received`). A
Walters page that repeats a record repeats an identical copy; an AIC record changed during a run
is served again after the cursor with its new `updated_at`, and that newer copy is the one kept.
"""

import json
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from harvest.http import HarvestError, HttpHarvester

ARTIC_MAX_LIMIT = 100
WALTERS_PATH = "/v1/objects"


@dataclass(frozen=True)
class Page:
    """Records as one response served them; `number` is the page number or cursor index (1-based).

    `config` is the response's `config` block where the source sends one (AIC: iiif_url, website_url).
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


def walters_pages(harvester: HttpHarvester) -> Iterator[Page]:
    """Walters list pages from page 1 until `NextPage` is false or a page has no Items."""
    size = harvester.config.page_size
    calls = ((WALTERS_PATH, {"Page": n, "pageSize": size}) for n in count(1))
    for number, body in enumerate(harvester.get_json_many(calls), start=1):
        items = body.get("Items")
        if body.get("ReturnStatus") is False or not isinstance(items, list):
            url = harvester.redact(harvester.url(WALTERS_PATH, {"Page": number, "pageSize": size}))
            reason = f"error envelope: ReturnMessage {body.get('ReturnMessage')!r}"
            raise HarvestError(harvester.config.source, url, reason, status=body.get("ReturnCode"))
        if items:
            yield Page(number, items)
        if not items or not body.get("NextPage"):
            return


def artic_pages(
    harvester: HttpHarvester, resource: str, fields: Sequence[str], *, updated_since: str | None = None
) -> Iterator[Page]:
    """All records of an AIC resource (e.g. "artworks"), or those with updated_at >= updated_since.

    `updated_since` is an ISO 8601 timestamp with offset, as AIC writes them. The search
    endpoint adds `_score` to every record; it is dropped (null under an explicit sort, and not
    part of the record the detail endpoint serves).
    """
    limit = harvester.config.page_size
    if limit > ARTIC_MAX_LIMIT:
        raise ValueError(f"AIC serves at most {ARTIC_MAX_LIMIT} records a page, not {limit}")
    keys = ("updated_at", "id") if updated_since else ("id",)
    wanted = list(dict.fromkeys([*fields, *keys]))  # the cursor reads the sort keys
    after: tuple[Any, ...] | None = None
    for index in count(1):
        params = {
            "sort": [{key: "asc"} for key in keys],
            "fields": wanted,
            "limit": limit,
            **_artic_query(keys, after, updated_since),
        }
        body = harvester.get_json(
            f"/{resource}/search", {"params": json.dumps(params, separators=(",", ":"))}
        )
        records = [{k: v for k, v in record.items() if k != "_score"} for record in body["data"]]
        if records:
            yield Page(index, records, body.get("config", {}))
        if not records or body["pagination"]["total"] <= len(records):
            return
        after = tuple(records[-1][key] for key in keys)


def _artic_query(keys: Sequence[str], after: Sequence[Any] | None, since: str | None) -> dict[str, Any]:
    """The Elasticsearch query for records at or after `since` and strictly after `after`.

    "After (k1, k2)" in sort order is: k1 > a1, or k1 == a1 and k2 > a2.
    """
    clauses: list[dict[str, Any]] = []
    if since:
        clauses.append({"range": {"updated_at": {"gte": since}}})
    if after is not None:
        branches = [
            {
                "bool": {
                    "filter": [
                        *({"term": {key: value}} for key, value in zip(keys[:i], after[:i], strict=True)),
                        {"range": {keys[i]: {"gt": after[i]}}},
                    ]
                }
            }
            for i in range(len(keys))
        ]
        clauses.append({"bool": {"should": branches, "minimum_should_match": 1}})
    return {"query": {"bool": {"filter": clauses}}} if clauses else {}


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
                value = record.get(
                    self.key
                )  # a missing or malformed key is named later (harvest.raw.check_keys)
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


def harvest_walters(harvester: HttpHarvester) -> Harvest:
    """Every Walters object the API serves (a repeated one as often as served), keyed by ObjectID."""
    return collect(harvester, walters_pages(harvester), key="ObjectID")


def harvest_artic(
    harvester: HttpHarvester, resource: str, fields: Sequence[str], *, updated_since: str | None = None
) -> Harvest:
    """Every AIC record of `resource` (or those updated since the mark), keyed by id (a record
    served again after a change as often as served)."""
    pages = artic_pages(harvester, resource, fields, updated_since=updated_since)
    return collect(harvester, pages, key="id")
