"""In-process replays of the museums' APIs: the offline default, and the tests' servers.

A replay is a pure request handler, `httpx.Request -> httpx.Response`, over records served exactly
as given, in the API's envelope, so `httpx.MockTransport(handler)` runs the real harvesting code
offline and tests/servers.py serves the same handler over a loopback socket. Routes match the end
of the path, so any base URL works. A museum with an API of its own replays it in its folder
(harvest/walters/replay.py, harvest/artic/replay.py); `PagedReplay` answers for any API paged by
page number (`harvest.pagination.PageNumbers`), as the scaffolded API museum's is.
"""

import json
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from harvest.pagination import PageNumbers

Record = dict[str, Any]

JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}
# The base URL of harvesters running over a replay transport (the host is never resolved).
REPLAY_URL = "http://museum.replay"


def json_response(status: int, body: object) -> httpx.Response:
    return httpx.Response(status, headers=JSON_HEADERS, content=json.dumps(body, ensure_ascii=False).encode())


def _put(body: Record, path: str, value: object) -> None:
    """Set the dotted ``path`` of ``body`` (``a.b``: ``body["a"]["b"]``), making the objects on the
    way, so two paths under one object ("meta.items", "meta.next") share it."""
    *parents, last = path.split(".")
    for name in parents:
        body = body.setdefault(name, {})
    body[last] = value


class PagedReplay:
    """An API paged by page number over ``lists``: each list's records, in the order given, at its
    paging's path; the page's records and whether another follows in the paging's fields (`more`
    written as a flag). Page and size default to the first page and 25; a page or size that is
    not a number of at least 1 is a 400, another path a 404."""

    def __init__(self, lists: Sequence[tuple[PageNumbers, Sequence[Record]]]) -> None:
        self._lists = [(paging, list(records)) for paging, records in lists]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.rstrip("/")
        for paging, records in self._lists:
            if path.endswith(paging.path.rstrip("/")):
                return self._page(paging, records, request.url.params)
        return json_response(404, {"error": f"no list at {request.url.path}"})

    @staticmethod
    def _page(paging: PageNumbers, records: list[Record], params: Mapping[str, str]) -> httpx.Response:
        try:
            page, size = int(params.get(paging.page, paging.first)), int(params.get(paging.size, 25))
        except ValueError:
            return json_response(400, {"error": f"{paging.page} and {paging.size} must be integers"})
        if page < paging.first or size < 1:
            return json_response(
                400, {"error": f"{paging.page} starts at {paging.first}, {paging.size} at 1"}
            )
        start = (page - paging.first) * size
        body: Record = {}
        _put(body, paging.records, records[start : start + size])
        if paging.more:
            _put(body, paging.more, start + size < len(records))
        return json_response(200, body)
