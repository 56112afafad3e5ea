"""The Walters clean stage on real records from the shipped sample, one quirk per test."""

import polars as pl
import pytest

from harvest.raw import records_to_frame
from harvest.walters.clean import (
    clean_walters_creators,
    clean_walters_exhibitions,
    clean_walters_objects,
    clean_walters_relationships,
)
from harvest.walters.replay import load_walters_objects
from harvest.walters.schemas import WALTERS_OBJECT_SCHEMA
from tests.conftest import HARVESTED_AT, LATEST_YEAR
from transforms.model import EXHIBITION_SCHEMA, RELATIONSHIP_SCHEMA

# Real records picked for their quirks (ObjectID: what it shows).
PICKED = {
    7: "two creators, a Geography repeated with 0.0/0.0 coordinates, four images",
    5562: "DateBeginYear -500 > DateEndYear -520, text 'ca. 550-520 BC'",
    33139: "DateBeginYear 1725 > DateEndYear 1299, text 'mid 13th century'",
    92619: "null Title",
    11380: "HTML link in the description",
    7560: "no images",
}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [r for r in load_walters_objects() if r["ObjectID"] in PICKED]


def _clean(records: list[dict]) -> pl.DataFrame:
    raw = records_to_frame(
        records, [1] * len(records), WALTERS_OBJECT_SCHEMA, source="walters", harvested_at=HARVESTED_AT
    )
    return clean_walters_objects(raw.lazy(), latest_year=LATEST_YEAR).collect()


def _row(frame: pl.DataFrame, object_id: int) -> dict:
    return frame.filter(pl.col("object_key") == f"walters:{object_id}").row(0, named=True)


def test_one_row_per_object_with_contract_keys(records: list[dict]) -> None:
    out = _clean(records)
    assert out.height == len(PICKED)
    assert sorted(out["object_key"]) == sorted(f"walters:{i}" for i in PICKED)
    assert set(out["source"]) == {"walters"}
    assert _row(out, 7)["source_id"] == "7"


def test_begin_after_end_is_resolved_from_the_text_and_flagged(records: list[dict]) -> None:
    out = _clean(records)
    kouros = _row(out, 5562)
    assert (kouros["date_start_year"], kouros["date_end_year"]) == (-550, -520)
    assert kouros["date_inverted"] and kouros["date_inverted_resolved"] and kouros["date_bce"]
    reliquary = _row(out, 33139)
    assert reliquary["date_inverted"] and reliquary["date_source"] == "text"
    assert 1200 < reliquary["date_start_year"] <= reliquary["date_end_year"] < 1300


def test_missing_title_falls_back_to_object_name_and_is_flagged(records: list[dict]) -> None:
    row = _row(_clean(records), 92619)
    assert row["title"] == "illuminated manuscripts; folios (leaves)"
    assert row["title_is_fallback"] is True
    assert _row(_clean(records), 7)["title_is_fallback"] is False


def test_repeated_geography_collapses_and_zero_coordinates_become_null(records: list[dict]) -> None:
    places = _row(_clean(records), 7)["places"]
    assert len(places) == 1
    assert places[0]["name"] == "Etruria"
    assert places[0]["latitude"] is None and places[0]["longitude"] is None
    assert places[0]["coordinates_sentinel"] is True


def test_images_primary_first_and_objects_without_images_keep_none(records: list[dict]) -> None:
    out = _clean(records)
    images = _row(out, 7)["images"]
    assert [i["is_primary"] for i in images] == [True, False, False, False]
    assert images[0]["url"] == "http://static.thewalters.org/images/PS1_54.975_Fnt_DD_T08.jpg"
    assert not _row(out, 7560)["images"]


def test_html_is_stripped_from_descriptions(records: list[dict]) -> None:
    description = _row(_clean(records), 11380)["description"]
    assert "<a" not in description and "</a>" not in description
    assert description.startswith("Wrestling matches between scantily clad women")


def test_creators_keep_their_ids_names_and_roles(records: list[dict]) -> None:
    creators = _row(_clean(records), 7)["creators"]
    assert creators == [
        {"agent_key": "walters:6291", "display_name": "Etruscan (?)", "role": "Artist"},
        {"agent_key": "walters:3705", "display_name": "Italic (?)", "role": "Artist"},
    ]


def test_location_spellings_fold_together() -> None:
    def located(spelling: str) -> list[dict]:
        return [
            r for r in load_walters_objects() if r["MuseumLocation"]["DisplayCurrentLocation"] == spelling
        ][:3]

    records = located("Not On View") + located("Not on View")
    assert len(records) == 6
    assert set(_clean(records)["location"]) == {"Not on view"}


def test_creators_export_keyed_by_creator_id_with_life_dates() -> None:
    raw = pl.LazyFrame(
        {
            "id": ["6741", "4237", " 6741 "],
            "sort_name": ["'Abbasi, Riza", "'Abbasi, Shaykh", "'Abbasi, Riza"],
            "name": ["Riza 'Abbasi", "Shaykh 'Abbasi", "Riza 'Abbasi"],
            "CreatorURL": ["https://art.thewalters.org/browse/creator/riza-abbasi", None, None],
            "gender": [None, None, None],
            "biography": [None, None, None],
            "date": [
                " (Persian, ca. 1565-1635)",
                " (Persian, active 1650-1684)",
                " (Persian, ca. 1565-1635)",
            ],
            "CreatorArt": ["37361|34627", "33104", "37361"],
        }
    )
    out = clean_walters_creators(raw, latest_year=LATEST_YEAR).collect().sort("agent_key")
    assert out["agent_key"].to_list() == ["walters:4237", "walters:6741"]
    riza = out.row(1, named=True)
    assert (riza["name"], riza["nationality"], riza["birth_year"], riza["death_year"]) == (
        "Riza 'Abbasi",
        "Persian",
        1565,
        1635,
    )
    assert out.row(0, named=True)["active_start_year"] == 1650


def test_exhibitions_export_lists_its_objects() -> None:
    raw = pl.LazyFrame(
        {
            "ExhibitionID": ["3827"],
            "ExhTitle": ["If Books Could Kill"],
            "ExhibEndDate": ["3/8/2025"],
            "ExhibBeginYear": [" 2024"],
            "ExhibEndYear": ["2025"],
            "Textblock": ["If Books Could Kill. The Walters Art Museum, Baltimore. 2024-2025."],
            "WaltersArtworks": ["2983|7525|8162"],
        }
    )
    out = clean_walters_exhibitions(raw).collect()
    # The shape a museum without exhibitions gets empty (transforms.model.union_sources).
    assert out.schema == EXHIBITION_SCHEMA
    row = out.row(0, named=True)
    assert row["exhibition_key"] == "walters:3827"
    assert (row["begin_year"], row["end_year"]) == (2024, 2025)
    assert row["object_keys"] == ["walters:2983", "walters:7525", "walters:8162"]


def test_relationships_become_links_in_both_directions() -> None:
    raw = pl.LazyFrame(
        {
            "id": ["68411"],
            "art1": ["13576"],
            "art2": ["90997"],
            "relationship1": ["Book"],
            "relationship2": ["Part of a Book"],
        }
    )
    out = clean_walters_relationships(raw).collect()
    assert out.schema == RELATIONSHIP_SCHEMA
    assert out.rows() == [
        ("walters:13576", "walters:90997", "Book"),
        ("walters:90997", "walters:13576", "Part of a book"),
    ]
