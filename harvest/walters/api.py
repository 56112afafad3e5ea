"""The Walters v1 API (the contract in the README): the resource (where it is, its key, how hard to
push it) and its paging.

`GET {base}/v1/objects?apikey=&Page=N&pageSize=S` from page 1; the envelope has no total, only
`NextPage`, so pages are fetched ahead `concurrency` at a time and the harvest stops at the first
page with `NextPage` false or no `Items`. A 200 whose envelope says `ReturnStatus: false` is an
error, not the end. A page that repeats a record repeats an identical copy (`harvest.received`
keeps one).
"""

from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg

from harvest.http import HttpConfig, HttpHarvester
from harvest.pagination import Harvest, Page, PageNumbers, collect, numbered_pages
from harvest.sources import ApiSource
from harvest.walters.replay import WALTERS_REPLAY_URL, walters_replay_transport


def _error_envelope(body: Mapping[str, Any]) -> tuple[str, int | None] | None:
    """Why a 200 body is an error: the API's envelope says so (`ReturnStatus` false)."""
    if body.get("ReturnStatus") is False:
        return f"error envelope: ReturnMessage {body.get('ReturnMessage')!r}", body.get("ReturnCode")
    return None


OBJECTS = PageNumbers(
    "/v1/objects", records="Items", page="Page", size="pageSize", more="NextPage", refused=_error_envelope
)


def walters_pages(harvester: HttpHarvester) -> Iterator[Page]:
    """Walters list pages from page 1 until `NextPage` is false or a page has no Items."""
    return numbered_pages(harvester, OBJECTS)


def harvest_walters(harvester: HttpHarvester) -> Harvest:
    """Every Walters object the API serves (a repeated one as often as served), keyed by ObjectID."""
    return collect(harvester, walters_pages(harvester), key="ObjectID")


class WaltersApi(ApiSource):
    """The Walters v1 API (`GET {base}/v1/objects`); unset base URL: the shipped 2,107-object sample.

    The key is a secret. A resource's configured values are written into the job snapshot that
    Dagster stores with every run, so `shared.resources` binds a key from `WALTERS_API_KEY` as
    `dg.EnvVar`: the snapshot then records only the variable's name, and `key()` reads the value
    when the harvest starts.
    """

    api_key: str = "offline"
    page_size: int = 100

    def key(self) -> str:
        """The key's value (read from the environment when it was bound as `dg.EnvVar`)."""
        key = self.api_key
        return (key.get_value() or "") if isinstance(key, dg.EnvVar) else key

    def harvester(self) -> HttpHarvester:
        config = HttpConfig(
            source="walters",
            base_url=self.base_url or WALTERS_REPLAY_URL,
            params={"apikey": self.key()},
            secret_params=frozenset({"apikey"}),
            timeout_s=self.timeout_s,
            page_size=self.page_size,
            concurrency=self.concurrency,
            requests_per_second=self.requests_per_second,
            **self._retry_settings(),
        )
        return self._harvester(config, walters_replay_transport())
