"""The replays answer like the real APIs, serve the shipped records untouched, and do so alike
in-process and over a socket."""

import gzip
import json
from collections.abc import Iterator

import httpx
import pytest

from harvest.artic.api import harvest_artic
from harvest.artic.replay import (
    ARTIC_DIR,
    ARTIC_REPLAY_URL,
    ArticReplay,
    artic_replay_transport,
    load_artic_records,
)
from harvest.artic.schemas import ARTIC_AGENT_FIELDS
from harvest.http import HttpConfig, HttpHarvester
from harvest.pagination import PageNumbers
from harvest.replay import PagedReplay
from harvest.walters.api import harvest_walters
from harvest.walters.replay import (
    WALTERS_REPLAY_URL,
    WALTERS_SAMPLE,
    WaltersReplay,
    load_walters_objects,
    walters_replay_transport,
)
from tests.servers import serve


@pytest.fixture(scope="module")
def walters() -> Iterator[httpx.Client]:
    with httpx.Client(transport=walters_replay_transport(), base_url=WALTERS_REPLAY_URL) as client:
        yield client


@pytest.fixture(scope="module")
def artic() -> Iterator[httpx.Client]:
    with httpx.Client(transport=artic_replay_transport(), base_url=ARTIC_REPLAY_URL) as client:
        yield client


def test_walters_records_are_loaded_exactly_as_shipped() -> None:
    with gzip.open(WALTERS_SAMPLE, "rt", encoding="utf-8") as lines:
        shipped = [json.loads(line) for line in lines]
    assert shipped and load_walters_objects() == shipped


def test_walters_list_envelope_is_the_contracts(walters: httpx.Client) -> None:
    body = walters.get("/v1/objects", params={"apikey": "k", "Page": 2, "pageSize": 3}).json()
    assert list(body) == [
        "Items",
        "PageSize",
        "Page",
        "NextPage",
        "PrevPage",
        "ReturnStatus",
        "ReturnCode",
        "ReturnMessage",
    ]
    assert body["Items"] == load_walters_objects()[3:6]  # ObjectID order, records untouched
    assert {k: v for k, v in body.items() if k != "Items"} == {
        "PageSize": 3,
        "Page": 2,
        "NextPage": True,
        "PrevPage": True,
        "ReturnStatus": True,
        "ReturnCode": 200,
        "ReturnMessage": [],
    }


def test_walters_pages_end_and_names_match_in_any_case(walters: httpx.Client) -> None:
    pages, short = divmod(len(load_walters_objects()), 25)
    assert short, "the sample fills its last page of 25: pick another page size"
    last = walters.get("/v1/objects", params={"APIKEY": "k", "page": pages + 1, "PAGESIZE": 25}).json()
    assert (len(last["Items"]), last["NextPage"], last["PageSize"]) == (short, False, 25)
    beyond = walters.get("/v1/objects", params={"apikey": "k", "Page": pages + 2}).json()
    assert (beyond["Items"], beyond["NextPage"], beyond["PrevPage"]) == ([], False, True)
    first = walters.get("/v1/objects", params={"apikey": "k"}).json()
    assert (first["Page"], first["PageSize"], first["PrevPage"]) == (1, 25, False)


def test_walters_requires_an_apikey(walters: httpx.Client) -> None:
    response = walters.get("/v1/objects", params={"Page": 1})
    assert response.status_code == 401
    assert response.json()["ReturnStatus"] is False


def test_walters_detail_is_the_record_under_data(walters: httpx.Client) -> None:
    body = walters.get("/v1/objects/11", params={"apikey": "k"}).json()
    assert body == {
        "Data": load_walters_objects()[1],
        "ReturnStatus": True,
        "ReturnCode": 200,
        "ReturnMessage": [],
    }
    assert walters.get("/v1/objects/1", params={"apikey": "k"}).status_code == 404


def test_walters_serves_any_records_given() -> None:
    records = [{"ObjectID": 9, "Title": "b"}, {"ObjectID": 3, "Title": "a"}]
    response = WaltersReplay(records)(httpx.Request("GET", "http://x/v1/objects?apikey=k"))
    assert response.json()["Items"] == [records[1], records[0]]


def test_artic_search_serves_only_the_fields_asked_in_the_apis_envelope(artic: httpx.Client) -> None:
    params = {"sort": [{"id": "desc"}], "fields": ["id", "title"], "limit": 2}
    body = artic.get("/agents/search", params={"params": json.dumps(params)}).json()
    assert list(body) == ["preference", "pagination", "data", "info", "config"]
    assert body["pagination"] == {"total": 10, "limit": 2, "offset": 0, "total_pages": 5, "current_page": 1}
    assert body["data"] == [
        {"_score": None, "id": 173, "title": "Max Ackermann"},
        {"_score": None, "id": 162, "title": "Maurice-Victor Achener"},
    ]
    info = json.loads((ARTIC_DIR / "info.json").read_text())
    assert body["info"] == info["agents"]
    assert body["config"] == json.loads((ARTIC_DIR / "config.json").read_text())


def test_artic_search_filters_with_elasticsearch_queries(artic: httpx.Client) -> None:
    query = {
        "bool": {
            "filter": [{"range": {"id": {"gte": 100, "lt": 150}}}],
            "must_not": {"term": {"id": 103}},
        }
    }
    params = {"query": query, "sort": "id", "fields": "id"}
    body = artic.get("/agents/search", params={"params": json.dumps(params)}).json()
    assert [record["id"] for record in body["data"]] == [102, 106, 130, 135, 148]
    unsupported = artic.get("/agents/search", params={"params": json.dumps({"query": {"fuzzy": {}}})})
    assert unsupported.status_code == 400


def test_artic_refuses_big_pages_and_deep_paging(artic: httpx.Client) -> None:
    assert artic.get("/artworks/search", params={"limit": 101}).status_code == 403
    deep = artic.get("/artworks/search", params={"page": 11, "limit": 100})
    assert deep.status_code == 403
    assert set(deep.json()) == {"status", "error", "detail"}


def test_artic_listing_is_newest_first_and_detail_is_the_shipped_record(artic: httpx.Client) -> None:
    listing = artic.get("/artworks", params={"limit": 4, "page": 1, "fields": "id,updated_at"}).json()
    stamps = [record["updated_at"] for record in listing["data"]]
    assert stamps[0] == "2024-12-15T23:28:14-06:00" and stamps == sorted(stamps, reverse=True)
    assert listing["pagination"]["next_url"].endswith("/artworks?page=2&limit=4")
    detail = artic.get("/artworks/4").json()
    assert detail["data"] == json.loads((ARTIC_DIR / "artworks" / "4.json").read_text())
    assert artic.get("/artworks/5").status_code == 404
    assert artic.get("/galleries").status_code == 404


def test_the_replays_answer_alike_in_process_and_over_a_socket() -> None:
    walters_config = HttpConfig("walters", WALTERS_REPLAY_URL, params={"apikey": "k"}, page_size=100)
    with HttpHarvester(walters_config, transport=walters_replay_transport()) as http:
        in_process = harvest_walters(http)
    with serve(WaltersReplay(load_walters_objects())) as server:
        socket_config = HttpConfig("walters", server.url, params={"apikey": "k"}, page_size=100)
        with HttpHarvester(socket_config) as http:
            over_socket = harvest_walters(http)
    assert in_process.records == over_socket.records == load_walters_objects()
    assert in_process.pages == over_socket.pages

    agents = load_artic_records("agents")
    artic_config = HttpConfig("artic", ARTIC_REPLAY_URL, page_size=4, concurrency=1)
    with HttpHarvester(artic_config, transport=artic_replay_transport()) as http:
        in_process = harvest_artic(http, "agents", ARTIC_AGENT_FIELDS)
    with serve(ArticReplay({"agents": agents})) as server:
        socket_config = HttpConfig("artic", f"{server.url}/api/v1", page_size=4, concurrency=1)
        with HttpHarvester(socket_config) as http:
            over_socket = harvest_artic(http, "agents", ARTIC_AGENT_FIELDS)
    assert in_process.records == over_socket.records
    assert [record["id"] for record in over_socket.records] == [record["id"] for record in agents]


def test_a_paged_replay_nests_records_and_more_under_one_object() -> None:
    paging = PageNumbers("/items", records="result.items", more="result.more")
    replay = PagedReplay([(paging, [{"id": 1}, {"id": 2}, {"id": 3}])])
    first = replay(httpx.Request("GET", "http://museum.replay/items?page=1&limit=2")).json()
    last = replay(httpx.Request("GET", "http://museum.replay/items?page=2&limit=2")).json()
    assert first == {"result": {"items": [{"id": 1}, {"id": 2}], "more": True}}
    assert last == {"result": {"items": [{"id": 3}], "more": False}}
