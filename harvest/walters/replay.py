"""An in-process replay of the Walters v1 objects API: the offline default, and the tests' server.

A pure request handler, `httpx.Request -> httpx.Response` (harvest.replay), over a list of records
served exactly as given (the loader returns them exactly as the shipped dump holds them), in the
API's envelope. Routes match the end of the path, so any base URL works.

As the contract in the README says: `GET .../v1/objects?apikey=&Page=&pageSize=` in ObjectID order,
Page from 1, pageSize 25 by default (the museum's docs); `GET .../v1/objects/{id}` as
`{"Data": ...}`. Query names match case-insensitively, as on the museum's ASP.NET server. A missing
apikey is answered 401 in an error envelope: the replay's choice, the docs only say the key is
required.
"""

import gzip
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import httpx

from harvest.replay import JSON_HEADERS, Record, json_response

# The shipped sample: the museum's published dump, one record a line.
WALTERS_SAMPLE = Path(__file__).parent / "data" / "objects-sample.jsonl.gz"
# The base URL of harvesters running over the replay transport (the host is never resolved).
WALTERS_REPLAY_URL = "http://walters.replay"

_WALTERS_LIST = re.compile(r"/v1/objects/?$")
_WALTERS_DETAIL = re.compile(r"/v1/objects/(-?\d+)/?$")


def load_walters_objects(path: Path = WALTERS_SAMPLE) -> list[Record]:
    """The Walters object records of a JSON-lines dump (gzip), one record a line."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


class WaltersReplay:
    """The Walters v1 objects API over `objects`, served in ObjectID order."""

    def __init__(self, objects: Iterable[Record]) -> None:
        # Each record held only as its JSON text, encoded once: pages are joined, not re-serialised,
        # so the replay keeps up with benchmarks, and 1M records take their text's size (as dicts
        # too, they took 15 GB). Sorted stably: copies of an ObjectID keep the order they came in.
        encoded = sorted(
            ((record["ObjectID"], json.dumps(record, ensure_ascii=False)) for record in objects),
            key=lambda pair: pair[0],
        )
        self._encoded = [text for _, text in encoded]
        self._at = {object_id: at for at, (object_id, _) in enumerate(encoded)}  # the last copy

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = {name.lower(): value for name, value in request.url.params.items()}
        if not query.get("apikey"):
            return self._error(401, "Invalid or missing apikey.")
        if match := _WALTERS_DETAIL.search(request.url.path):
            at = self._at.get(int(match[1]))
            if at is None:
                return self._error(404, "Object not found.")
            return self._body(f'{{"Data":{self._encoded[at]},', self._ok())
        if _WALTERS_LIST.search(request.url.path):
            try:
                page, size = int(query.get("page", 1)), int(query.get("pagesize", 25))
            except ValueError:
                return self._error(400, "Page and pageSize must be integers.")
            if page < 1 or size < 1:
                return self._error(400, "Page and pageSize must be at least 1.")
            return self._page(page, size)
        return self._error(404, "No such resource.")

    def _page(self, page: int, size: int) -> httpx.Response:
        start = (page - 1) * size
        envelope = {
            "PageSize": size,
            "Page": page,
            "NextPage": start + size < len(self._encoded),
            "PrevPage": page > 1,
            **self._ok(),
        }
        items = ",".join(self._encoded[start : start + size])
        return self._body(f'{{"Items":[{items}],', envelope)

    @staticmethod
    def _body(encoded: str, envelope: Record) -> httpx.Response:
        """A 200 whose body is ``encoded`` (the start of a JSON object, records already as text)
        followed by the members of ``envelope``."""
        return httpx.Response(
            200, headers=JSON_HEADERS, content=f"{encoded}{json.dumps(envelope)[1:]}".encode()
        )

    @staticmethod
    def _ok() -> Record:
        return {"ReturnStatus": True, "ReturnCode": 200, "ReturnMessage": []}

    @staticmethod
    def _error(status: int, message: str) -> httpx.Response:
        return json_response(
            status, {"ReturnStatus": False, "ReturnCode": status, "ReturnMessage": [message]}
        )


def walters_replay_transport(objects: Sequence[Record] | None = None) -> httpx.MockTransport:
    """A transport answering like the Walters API, over `objects` (default: the shipped sample)."""
    return httpx.MockTransport(WaltersReplay(load_walters_objects() if objects is None else objects))
