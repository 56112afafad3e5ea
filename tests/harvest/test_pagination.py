"""Paging styles on recorded pages, de-duplication, and the AIC cursor against the replay."""

import copy
import json

import httpx
import pytest

from harvest.artic.api import artic_pages, harvest_artic
from harvest.artic.replay import ArticReplay, load_artic_records
from harvest.artic.schemas import ARTIC_ARTWORK_FIELDS
from harvest.http import HarvestError, HttpConfig, HttpHarvester
from harvest.pagination import Page, PageNumbers, collect, numbered_pages
from harvest.walters.api import walters_pages
from tests.servers import serve


def walters_page(page: int, ids: list[int], *, next_page: bool) -> dict:
    return {
        "Items": [{"ObjectID": i, "Title": f"object {i}"} for i in ids],
        "PageSize": 2,
        "Page": page,
        "NextPage": next_page,
        "PrevPage": page > 1,
        "ReturnStatus": True,
        "ReturnCode": 200,
        "ReturnMessage": [],
    }


def recorded(pages: dict[int, dict], asked: list[int]) -> httpx.MockTransport:
    """Serves `pages` by their Page parameter (an empty last page beyond them), noting what was asked."""

    def answer(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["Page"])
        asked.append(number)
        return httpx.Response(200, json=pages.get(number, walters_page(number, [], next_page=False)))

    return httpx.MockTransport(answer)


def walters_harvester(transport: httpx.BaseTransport, concurrency: int = 2) -> HttpHarvester:
    config = HttpConfig(
        "walters", "http://walters.test", params={"apikey": "k"}, page_size=2, concurrency=concurrency
    )
    return HttpHarvester(config, transport=transport)


def test_walters_paging_stops_at_the_first_page_without_a_next_one() -> None:
    pages = {
        1: walters_page(1, [7, 11], next_page=True),
        2: walters_page(2, [57, 108], next_page=True),
        3: walters_page(3, [127], next_page=False),
    }
    asked: list[int] = []
    with walters_harvester(recorded(pages, asked)) as http:
        served = list(walters_pages(http))
    assert [(page.number, [r["ObjectID"] for r in page.records]) for page in served] == [
        (1, [7, 11]),
        (2, [57, 108]),
        (3, [127]),
    ]
    assert sorted(asked)[:3] == [1, 2, 3] and len(asked) <= 3 + 1  # at most one page fetched ahead


def test_walters_paging_stops_at_an_empty_page_even_if_it_claims_a_next_one() -> None:
    pages = {1: walters_page(1, [7, 11], next_page=True), 2: walters_page(2, [], next_page=True)}
    with walters_harvester(recorded(pages, []), concurrency=1) as http:
        assert [page.number for page in walters_pages(http)] == [1]


def test_walters_error_envelope_is_an_error_not_the_end() -> None:
    failing = {1: {"ReturnStatus": False, "ReturnCode": 401, "ReturnMessage": ["Invalid apikey"]}}
    with (
        walters_harvester(recorded(failing, []), concurrency=1) as http,
        pytest.raises(HarvestError) as raised,
    ):
        list(walters_pages(http))
    assert raised.value.status == 401
    assert "apikey=***" in str(raised.value) and "Invalid apikey" in str(raised.value)


def test_collect_keeps_every_copy_in_page_order_and_counts_the_repeats() -> None:
    pages = [
        Page(1, [{"id": 1, "v": "old"}, {"id": 2, "v": "a"}]),
        Page(2, [{"id": 2, "v": "a"}, {"id": 3, "v": "b"}]),
        Page(3, [{"id": 1, "v": "new"}], {"iiif_url": "https://iiif.test"}),
    ]
    with walters_harvester(recorded({}, [])) as http:
        harvest = collect(http, pages, key="id")
    # Which copy to keep is decided on the frame (harvest.received), not in the order served.
    assert harvest.records == [record for page in pages for record in page.records]
    assert harvest.pages == [1, 1, 2, 2, 3]
    assert (harvest.stats.records, harvest.stats.pages, harvest.stats.duplicates_dropped) == (3, 3, 2)
    assert harvest.config == {"iiif_url": "https://iiif.test"}


@pytest.fixture(scope="module")
def artworks() -> list[dict]:
    return load_artic_records("artworks")


def artic_config(base_url: str, limit: int = 3) -> HttpConfig:
    return HttpConfig(
        "artic", base_url, headers={"AIC-User-Agent": "tests (ci@example.org)"}, page_size=limit
    )


def fields_of(record: dict) -> dict:
    return {name: value for name, value in record.items() if name in ARTIC_ARTWORK_FIELDS}


def test_artic_full_harvest_returns_every_artwork_once_through_a_cap_that_stops_page_paging(
    artworks: list[dict],
) -> None:
    # The replay refuses to page past 4 records; there are 10, served 3 a page.
    replay = ArticReplay({"artworks": artworks}, max_results=4)
    with serve(replay) as server, HttpHarvester(artic_config(f"{server.url}/api/v1")) as http:
        harvest = harvest_artic(http, "artworks", ARTIC_ARTWORK_FIELDS)
        with pytest.raises(HarvestError) as refused:
            http.get_json("/artworks/search", {"page": 2, "limit": 3})
    assert harvest.records == [fields_of(record) for record in artworks]  # raw, in id order
    assert harvest.pages == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4]
    assert server.requests["/api/v1/artworks/search"] == 4 + 1  # the cursor's 4, the refused one
    assert refused.value.status == 403
    assert harvest.config["iiif_url"] == "https://www.artic.edu/iiif/2"


def test_artic_incremental_harvest_fetches_only_what_changed_since_the_mark(artworks: list[dict]) -> None:
    changed = copy.deepcopy(artworks)
    mark = "2025-06-01T00:00:00-05:00"
    changed[2]["updated_at"] = "2025-06-02T09:00:00-05:00"
    changed[7]["updated_at"] = "2025-06-01T00:00:00-05:00"  # exactly at the mark: included
    with (
        serve(ArticReplay({"artworks": changed})) as server,
        HttpHarvester(artic_config(f"{server.url}/api/v1", limit=100)) as http,
    ):
        harvest = harvest_artic(http, "artworks", ARTIC_ARTWORK_FIELDS, updated_since=mark)
    assert server.requests == {"/api/v1/artworks/search": 1}
    assert harvest.records == [fields_of(changed[7]), fields_of(changed[2])]  # by updated_at, then id


def test_artic_cursor_crosses_pages_of_equal_timestamps_without_loss_or_repeat(artworks: list[dict]) -> None:
    same_time = [{**record, "updated_at": "2024-12-13T01:23:50-06:00"} for record in artworks]
    same_time[4]["updated_at"] = "2024-12-13T02:23:50-05:00"  # the same instant, under summer time
    transport = httpx.MockTransport(ArticReplay({"artworks": same_time}))
    with HttpHarvester(artic_config("http://artic.test/api/v1"), transport=transport) as http:
        harvest = harvest_artic(http, "artworks", ["id"], updated_since="2024-12-13T00:00:00-06:00")
    assert [record["id"] for record in harvest.records] == [record["id"] for record in artworks]
    assert harvest.stats.duplicates_dropped == 0 and harvest.stats.requests == 4


def test_artic_requests_carry_the_query_as_json_params() -> None:
    sent: list[dict] = []

    def capture(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.url.params["params"]))
        total = 2 if len(sent) == 1 else 1
        data = [{"_score": None, "id": 10 * len(sent), "updated_at": "2025-01-01T00:00:00-06:00"}]
        return httpx.Response(200, json={"pagination": {"total": total}, "data": data, "config": {}})

    with HttpHarvester(
        artic_config("http://artic.test/api/v1", limit=1), transport=httpx.MockTransport(capture)
    ) as http:
        pages = list(artic_pages(http, "agents", ["title"], updated_since="2024-12-01T00:00:00-06:00"))
    assert [page.records for page in pages] == [
        [{"id": 10, "updated_at": "2025-01-01T00:00:00-06:00"}],  # `_score` dropped
        [{"id": 20, "updated_at": "2025-01-01T00:00:00-06:00"}],
    ]
    first, second = sent
    assert first["sort"] == [{"updated_at": "asc"}, {"id": "asc"}]
    assert first["fields"] == ["title", "updated_at", "id"] and first["limit"] == 1
    assert first["query"] == {
        "bool": {"filter": [{"range": {"updated_at": {"gte": "2024-12-01T00:00:00-06:00"}}}]}
    }
    after = second["query"]["bool"]["filter"][1]["bool"]
    assert after["minimum_should_match"] == 1
    assert after["should"] == [
        {"bool": {"filter": [{"range": {"updated_at": {"gt": "2025-01-01T00:00:00-06:00"}}}]}},
        {
            "bool": {
                "filter": [
                    {"term": {"updated_at": "2025-01-01T00:00:00-06:00"}},
                    {"range": {"id": {"gt": 10}}},
                ]
            }
        },
    ]


def test_artic_refuses_a_page_size_the_api_would_refuse() -> None:
    with (
        HttpHarvester(artic_config("http://artic.test/api/v1", limit=101)) as http,
        pytest.raises(ValueError),
    ):
        next(artic_pages(http, "artworks", ["id"]))


def numbered(pages: dict[int, dict], asked: list[int]) -> httpx.MockTransport:
    """Serves `pages` by their `page` parameter (a 404 beyond them), noting what was asked."""

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(int(request.url.params["page"]))
        body = pages.get(asked[-1])
        return httpx.Response(200, json=body) if body else httpx.Response(404, json={})

    return httpx.MockTransport(answer)


def test_page_numbers_without_a_more_field_stop_at_the_first_short_page() -> None:
    pages = {1: {"data": [{"id": 1}, {"id": 2}]}, 2: {"data": [{"id": 3}]}}
    asked: list[int] = []
    paging = PageNumbers("/things")
    with HttpHarvester(
        HttpConfig("m", "http://m.test", page_size=2, concurrency=1), transport=numbered(pages, asked)
    ) as http:
        served = [(page.number, [r["id"] for r in page.records]) for page in numbered_pages(http, paging)]
    assert served == [(1, [1, 2]), (2, [3])]
    assert asked == [1, 2]  # one at a time: nothing asked past the short page


def test_page_numbers_fail_on_a_body_without_its_records_naming_the_field_and_page() -> None:
    pages = {1: {"results": {"items": [{"id": 1}]}, "next": True}, 2: {"results": {}, "next": False}}
    paging = PageNumbers("/things", records="results.items", more="next")
    with (
        HttpHarvester(HttpConfig("m", "http://m.test", page_size=1), transport=numbered(pages, [])) as http,
        pytest.raises(HarvestError) as raised,
    ):
        list(numbered_pages(http, paging))
    assert "page=2" in str(raised.value) and "no list of records at 'results.items'" in str(raised.value)
