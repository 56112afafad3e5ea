"""An in-process replay of the Art Institute of Chicago's API: the offline default, and the tests'
server.

A pure request handler, `httpx.Request -> httpx.Response` (harvest.replay), over lists of records
served exactly as given (the loader returns them exactly as the shipped files hold them), in the
API's envelopes. Routes match the end of the path, so any base URL works.

From api.artic.edu/docs and the search request and response code of data-aggregator:
`GET .../{resource}` lists `page`/`limit` (default 12) sorted by updated_at, newest first;
`GET .../{resource}/{id}` is one record; `GET .../{resource}/search` takes `query`, `sort`,
`from`/`size` or `page`/`limit` (default 10), `fields` (a list or comma-separated), each as a
query parameter or inside the JSON `params` parameter. Every response closes with the shipped
`info` (per resource) and `config` blocks; `data` holds only the fields asked for, and search
hits carry `_score` (null under an explicit sort, as in Elasticsearch). `limit` over 100, or a
search reaching past `max_results` (the server's guest setting is 1,000; the docs say 10,000),
is refused with 403 in AIC's error shape {status, error, detail}; the real status is unverified.
Search queries and sorts are evaluated by replay_search.py; what it cannot evaluate is a 400.
"""

import json
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from harvest.artic.replay_search import matches, sort_records
from harvest.replay import Record, json_response

# The shipped fixtures: each a detail response's `data`, in data/<resource>/<id>.json.
ARTIC_DIR = Path(__file__).parent / "data"
# The base URL of harvesters running over the replay transport (the host is never resolved).
ARTIC_REPLAY_URL = "http://artic.replay/api/v1"

_ARTIC_ROUTE = re.compile(r"/(?P<resource>[a-z-]+)(?:/(?P<id>-?\d+)|/(?P<search>search))?/?$")
_ARTIC_SEARCH_FIELDS = ("id", "api_model", "api_link", "is_boosted", "title", "thumbnail", "timestamp")


def load_artic_records(resource: str, directory: Path = ARTIC_DIR) -> list[Record]:
    """The AIC records of `directory/resource/*.json` (each a detail response's `data`), by id."""
    records = (json.loads(path.read_text(encoding="utf-8")) for path in (directory / resource).glob("*.json"))
    return sorted(records, key=lambda record: record["id"])


class ArticReplay:
    """The AIC API over `resources` (e.g. {"artworks": [...], "agents": [...]})."""

    def __init__(
        self,
        resources: Mapping[str, Sequence[Record]],
        *,
        info: Mapping[str, Any] | None = None,
        config: Mapping[str, Any] | None = None,
        max_results: int = 1000,
    ) -> None:
        self._records = {name: list(records) for name, records in resources.items()}
        self._info = info if info is not None else _read_json(ARTIC_DIR / "info.json")
        self._config = config if config is not None else _read_json(ARTIC_DIR / "config.json")
        self._max_results = max_results

    def __call__(self, request: httpx.Request) -> httpx.Response:
        route = _ARTIC_ROUTE.search(request.url.path)
        if route is None or route["resource"] not in self._records:
            return _artic_error(404, "Not found", "The requested resource does not exist.")
        resource, records = route["resource"], self._records[route["resource"]]
        params: dict[str, Any] = dict(request.url.params.items())
        try:
            params |= json.loads(params.pop("params", "{}"))  # the `params` JSON wins, as on AIC
        except (TypeError, ValueError):
            return _artic_error(400, "Invalid params", "`params` must be a JSON object.")
        if route["id"] is not None:
            found = [record for record in records if str(record["id"]) == route["id"]]
            if not found:
                return _artic_error(404, "Not found", "The item you requested cannot be found.")
            return self._respond(resource, {"data": _select(found[0], params.get("fields"))})
        try:
            if route["search"]:
                return self._search(resource, records, params)
            return self._listing(resource, records, params)
        except (KeyError, TypeError, ValueError) as exc:
            return _artic_error(400, "Unsupported request", f"The replay cannot answer this: {exc!r}")

    def _listing(self, resource: str, records: list[Record], params: Mapping[str, Any]) -> httpx.Response:
        page, limit = int(params.get("page", 1)), int(params.get("limit", 12))
        if refused := self._refuse(limit, None):
            return refused
        newest_first = sort_records(records, [{"updated_at": "desc"}])
        offset = (page - 1) * limit
        data = [_select(record, params.get("fields")) for record in newest_first[offset : offset + limit]]
        pagination = _pagination(len(records), limit, offset)
        if page > 1:
            pagination["prev_url"] = f"{ARTIC_REPLAY_URL}/{resource}?page={page - 1}&limit={limit}"
        if offset + limit < len(records):
            pagination["next_url"] = f"{ARTIC_REPLAY_URL}/{resource}?page={page + 1}&limit={limit}"
        return self._respond(resource, {"pagination": pagination, "data": data})

    def _search(self, resource: str, records: list[Record], params: Mapping[str, Any]) -> httpx.Response:
        size = int(params.get("size", params.get("limit", 10)))
        offset = int(params["from"]) if "from" in params else (int(params.get("page", 1)) - 1) * size
        if refused := self._refuse(size, offset):
            return refused
        query, sort = params.get("query"), params.get("sort")
        hits = [record for record in records if query is None or matches(query, record)]
        if sort is not None:
            hits = sort_records(hits, sort)
        fields = params.get("fields") or _ARTIC_SEARCH_FIELDS
        score = None if sort is not None else 1.0
        data = [{"_score": score, **_select(record, fields)} for record in hits[offset : offset + size]]
        body = {"preference": None, "pagination": _pagination(len(hits), size, offset), "data": data}
        return self._respond(resource, body)

    def _refuse(self, limit: int, offset: int | None) -> httpx.Response | None:
        if limit > 100:
            return _artic_error(403, "Invalid limit", "You have requested too many resources per page.")
        if offset is not None and offset + limit > self._max_results:
            return _artic_error(403, "Invalid number of results", "You have requested too many results.")
        return None

    def _respond(self, resource: str, body: Record) -> httpx.Response:
        return json_response(200, {**body, "info": self._info[resource], "config": self._config})


def artic_replay_transport(resources: Mapping[str, Sequence[Record]] | None = None) -> httpx.MockTransport:
    """A transport answering like the AIC API, over `resources` (default: the shipped fixtures)."""
    if resources is None:
        resources = {name: load_artic_records(name) for name in ("artworks", "agents")}
    return httpx.MockTransport(ArticReplay(resources))


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _artic_error(status: int, error: str, detail: str) -> httpx.Response:
    return json_response(status, {"status": status, "error": error, "detail": detail})


def _pagination(total: int, limit: int, offset: int) -> Record:
    pages = math.ceil(total / limit) if limit else None
    current = offset // limit + 1 if limit else None
    return {"total": total, "limit": limit, "offset": offset, "total_pages": pages, "current_page": current}


def _select(record: Record, fields: str | Sequence[str] | None) -> Record:
    """The record restricted to `fields` (in the record's own order); all of it when None."""
    if fields is None:
        return record
    wanted = {name.strip() for name in fields.split(",")} if isinstance(fields, str) else set(fields)
    return {name: value for name, value in record.items() if name in wanted}
