"""The Art Institute of Chicago's API: the resource (where it is, how hard to push it) and its
search cursor.

From api.artic.edu/docs ("Pagination" and "Search") and the search request code of
art-institute-of-chicago/data-aggregator: `limit` cannot exceed 100, and a search cannot reach past
a fixed depth through any combination of `page` and `limit` (the docs say 10,000 records; the
server's guest setting `max_resources_guest` is 1,000). So instead of `page`, every request asks for
page 1 of `/{resource}/search` *after* the last record seen: a keyset cursor, an Elasticsearch
`range` on the sort keys with `sort` on the same keys, sent the way the docs recommend for
production, as JSON in the `params` query parameter (with `fields` and `limit`). A full harvest
sorts by `id`; an incremental one keeps `updated_at >=` a high-water mark and sorts by
(`updated_at`, `id`), so records sharing a timestamp across a page boundary are neither skipped nor
repeated. The cursor needs one request after another, which is also what the docs ask of scrapers
(a single thread, self-throttled; anonymous clients are throttled to 60 requests a minute).
`pagination.total` (records still matching) tells when the last page has come. The docs ask every
client to name itself and a contact in an `AIC-User-Agent` header (older versions said
`User-Agent`). A record changed during a run is served again after the cursor with its new
`updated_at`; that newer copy is the one kept (`harvest.received`).
"""

import json
from collections.abc import Iterator, Sequence
from itertools import count
from typing import Any

from harvest.artic.replay import ARTIC_REPLAY_URL, artic_replay_transport
from harvest.http import HttpConfig, HttpHarvester
from harvest.pagination import Harvest, Page, collect
from harvest.sources import ApiSource

ARTIC_MAX_LIMIT = 100
# The Art Institute asks API clients to identify themselves with this header (api.artic.edu/docs).
ARTIC_USER_AGENT = "collection-lakehouse (museum analytics pipeline; nightly harvest)"


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


def harvest_artic(
    harvester: HttpHarvester, resource: str, fields: Sequence[str], *, updated_since: str | None = None
) -> Harvest:
    """Every AIC record of `resource` (or those updated since the mark), keyed by id (a record
    served again after a change as often as served)."""
    pages = artic_pages(harvester, resource, fields, updated_since=updated_since)
    return collect(harvester, pages, key="id")


class ArticApi(ApiSource):
    """The Art Institute of Chicago API (e.g. https://api.artic.edu/api/v1); unset: the shipped
    fixtures. The docs ask for a single, self-throttled client: one request at a time, 1/s."""

    page_size: int = 100
    concurrency: int = 1
    requests_per_second: float | None = 1.0

    def harvester(self) -> HttpHarvester:
        config = HttpConfig(
            source="artic",
            base_url=self.base_url or ARTIC_REPLAY_URL,
            headers={"AIC-User-Agent": ARTIC_USER_AGENT},
            timeout_s=self.timeout_s,
            page_size=self.page_size,
            concurrency=self.concurrency,
            # The replay answers in-process: no server to be polite to.
            requests_per_second=None if self.is_replay else self.requests_per_second,
            **self._retry_settings(),
        )
        return self._harvester(config, artic_replay_transport())
