"""The Art Institute clean stage on the shipped API records."""

import datetime as dt

import polars as pl
import pytest

from harvest.artic.clean import clean_artic_agents, clean_artic_artworks
from harvest.artic.replay import load_artic_records
from harvest.artic.schemas import ARTIC_AGENT_SCHEMA, ARTIC_ARTWORK_SCHEMA
from harvest.raw import records_to_frame
from tests.conftest import HARVESTED_AT, LATEST_YEAR

IIIF = "https://www.artic.edu/iiif/2"


def _raw(records: list[dict], schema: pl.Schema, harvested_at: dt.datetime = HARVESTED_AT) -> pl.DataFrame:
    return records_to_frame(records, [1] * len(records), schema, source="artic", harvested_at=harvested_at)


@pytest.fixture(scope="module")
def artworks() -> list[dict]:
    return load_artic_records("artworks")


def test_every_artwork_once_with_contract_keys_and_iiif_images(artworks: list[dict]) -> None:
    out = clean_artic_artworks(
        _raw(artworks, ARTIC_ARTWORK_SCHEMA).lazy(), iiif_url=IIIF, latest_year=LATEST_YEAR
    ).collect()
    assert out.height == len(artworks) == 10
    portrait = out.filter(pl.col("object_key") == "artic:11").row(0, named=True)
    assert (portrait["title"], portrait["date_start_year"], portrait["date_end_year"]) == (
        "Self-Portrait",
        1878,
        1878,
    )
    assert portrait["images"][0] == {
        "image_key": "artic:7b7a6f39-1cd8-ea2f-9811-18b0e23edac0",
        "url": f"{IIIF}/7b7a6f39-1cd8-ea2f-9811-18b0e23edac0/full/843,/0/default.jpg",
        "is_primary": True,
        "rank": 1,
        # The primary image's size is the record's thumbnail size; its service is the image's base.
        "width": 6125,
        "height": 8002,
        "iiif_service": f"{IIIF}/7b7a6f39-1cd8-ea2f-9811-18b0e23edac0",
    }
    # The alternates' sizes are unknown: left null, never guessed.
    assert [(i["width"], i["height"]) for i in portrait["images"][1:]] == [(None, None)] * (
        len(portrait["images"]) - 1
    )
    assert [i["is_primary"] for i in portrait["images"]] == [True] + [False] * (len(portrait["images"]) - 1)
    assert portrait["creators"] == [
        {"agent_key": "artic:36656", "display_name": "Walter Shirlaw", "role": "Artist"}
    ]
    assert portrait["height_cm"] == pytest.approx(70.2)


def test_artist_titles_align_with_ids_and_a_missing_title_is_null(artworks: list[dict]) -> None:
    record = {**artworks[0], "artist_ids": [1, 2, 3], "artist_titles": ["First", "Second"]}
    out = clean_artic_artworks(
        _raw([record], ARTIC_ARTWORK_SCHEMA).lazy(), iiif_url=IIIF, latest_year=LATEST_YEAR
    ).collect()
    assert [(c["agent_key"], c["display_name"]) for c in out["creators"][0]] == [
        ("artic:1", "First"),
        ("artic:2", "Second"),
        ("artic:3", None),
    ]


def test_zero_zero_coordinates_are_a_sentinel(artworks: list[dict]) -> None:
    record = {**artworks[0], "place_of_origin": "Chicago", "latitude": 0.0, "longitude": 0.0}
    place = clean_artic_artworks(
        _raw([record], ARTIC_ARTWORK_SCHEMA).lazy(), iiif_url=IIIF, latest_year=LATEST_YEAR
    ).collect()["places"][0][0]
    assert (place["name"], place["latitude"], place["longitude"], place["coordinates_sentinel"]) == (
        "Chicago",
        None,
        None,
        True,
    )


def test_agents_keyed_by_id_with_life_years() -> None:
    out = clean_artic_agents(
        _raw(load_artic_records("agents"), ARTIC_AGENT_SCHEMA).lazy(), latest_year=LATEST_YEAR
    ).collect()
    assert out.height == 10 and out["agent_key"].is_unique().all()
    aalto = out.filter(pl.col("agent_key") == "artic:102").row(0, named=True)
    assert aalto["name"] == "Alvar Aalto" and aalto["in_source_export"] is True
