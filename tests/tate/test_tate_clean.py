"""The Tate's clean functions: one small inline frame per rule, then the whole shipped sample."""

import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from harvest.raw import records_to_frame
from harvest.tate import clean
from harvest.tate.clean import clean_tate_artists, clean_tate_artworks
from harvest.tate.schemas import TATE_ARTIST_SCHEMA, TATE_ARTWORK_SCHEMA
from shared.checks import validate_frame
from shared.issues import EARLIEST_YEAR
from shared.schemas.clean import CleanAgents, CleanObjects
from tests.conftest import HARVESTED_AT, LATEST_YEAR
from tests.transforms.test_streaming import _fallback_nodes
from transforms.model import AGENT_SCHEMA, OBJECT_SCHEMA, complete_agents


def _frame(records: list[dict[str, Any]], schema: pl.Schema) -> pl.LazyFrame:
    pages = list(range(1, len(records) + 1))
    return records_to_frame(records, pages, schema, source="tate", harvested_at=HARVESTED_AT).lazy()


def artworks(*records: dict[str, Any]) -> pl.DataFrame:
    filled = [{"id": i + 1, "acno": f"T{i + 1:05}", "title": "A title", **r} for i, r in enumerate(records)]
    return clean_tate_artworks(_frame(filled, TATE_ARTWORK_SCHEMA), latest_year=LATEST_YEAR).collect()


def artists(*records: dict[str, Any]) -> pl.DataFrame:
    filled = [{"id": i + 1, "fc": f"Artist {i + 1}", **r} for i, r in enumerate(records)]
    return clean_tate_artists(_frame(filled, TATE_ARTIST_SCHEMA), latest_year=LATEST_YEAR).collect()


def test_dates_come_from_the_range_and_the_text() -> None:
    rows = artworks(
        {"dateText": "c.1777\u20138", "dateRange": {"startYear": 1777, "endYear": 1778, "text": "c.1777-8"}},
        {"dateText": "date not known", "dateRange": None},
        {"dateText": "c.1830\u201341", "dateRange": None},  # no structured range: the text is read
        {"dateText": "1902", "dateRange": {"startYear": 1902, "endYear": 1902, "text": "1902"}},
    )
    assert rows.select("date_start_year", "date_end_year", "date_uncertain", "date_source").rows() == [
        (1777, 1778, True, "structured"),
        (None, None, False, None),
        (1830, 1841, True, "text"),
        (1902, 1902, False, "structured"),
    ]
    assert rows["date_text"].to_list() == ["c.1777\u20138", "date not known", "c.1830\u201341", "1902"]


def test_sizes_are_read_from_the_text_height_first_not_from_the_swapped_structured_fields() -> None:
    rows = artworks(
        # The Tate's structured strings give this sheet's 206 mm as its width; the text, as its height.
        {"dimensions": "support: 206 x 305 mm", "height": "305", "width": "206", "units": "mm"},
        {"dimensions": "object: 2864 x 1480 x 1016 mm 225 kg"},
        {"dimensions": "support: 514 x 365 mm\r\nframe: 582 x 431 x 38 mm"},
        {"dimensions": None},
    )
    assert rows["height_cm"].to_list() == pytest.approx([20.6, 286.4, 51.4, None])
    assert rows["width_cm"].to_list() == pytest.approx([30.5, 148.0, 36.5, None])
    assert rows["depth_cm"].to_list() == pytest.approx([None, 101.6, None, None])


def test_every_contributor_is_a_creator_with_its_role() -> None:
    rows = artworks(
        {
            "contributors": [
                {"id": 38, "fc": "Joseph Mallord William Turner", "role": "artist"},
                {"id": 1643, "fc": " Sir  Joshua Reynolds ", "role": "after"},
            ]
        },
        {"contributors": [{"id": 5, "fc": "Someone", "role": "attributed to"}]},
        {"contributors": []},
        {},
    )
    assert rows["creators"].to_list() == [
        [
            {"agent_key": "tate:38", "display_name": "Joseph Mallord William Turner", "role": "artist"},
            {"agent_key": "tate:1643", "display_name": "Sir Joshua Reynolds", "role": "after"},
        ],
        [{"agent_key": "tate:5", "display_name": "Someone", "role": "attributed to"}],
        [],
        [],
    ]


def test_the_thumbnail_is_the_primary_image_keyed_by_its_file_name() -> None:
    url = "http://www.tate.org.uk/art/images/work/T/T00/T00999_8.jpg"
    rows = artworks({"thumbnailUrl": url}, {"thumbnailUrl": None})
    assert rows["images"].to_list() == [
        [
            {
                "image_key": "tate:T00999_8",
                "url": url,
                "is_primary": True,
                "rank": 1,
                # The dump states no pixel size and no image service.
                "width": None,
                "height": None,
                "iiif_service": None,
            }
        ],
        [],
    ]


def test_title_falls_back_to_the_accession_number_then_to_untitled() -> None:
    rows = artworks({"title": "Derwentwater"}, {"title": "  "}, {"title": None, "acno": None})
    assert rows.select("title", "title_is_fallback").rows() == [
        ("Derwentwater", False),
        ("T00002", True),
        ("Untitled (tate:3)", True),
    ]


def _branch(category: str, group: str, names: list[str]) -> dict[str, Any]:
    leaves = [{"id": len(name), "name": name} for name in names]
    return {"id": 1, "name": category, "children": [{"id": 2, "name": group, "children": leaves}]}


def test_keywords_are_the_leaves_of_the_subjects_tree_and_the_rest_is_carried_over() -> None:
    subjects = {
        "id": 1,
        "name": "subject",
        "children": [
            _branch("people", "adults", ["man", "woman"]),
            _branch("nature", "landscape", ["mountain", "man"]),
            _branch("objects", "empty", []),
        ],
    }
    (row,) = artworks(
        {
            "acno": "T00999",
            "subjects": subjects,
            "classification": "on paper, unique",
            "creditLine": "Presented by the Art Fund 1967",
            "medium": "Watercolour and graphite on paper",
            "url": "http://www.tate.org.uk/art/artworks/hearne-derwentwater-t00999",
        }
    ).iter_rows(named=True)
    assert row["keywords"] == ["man", "woman", "mountain"]
    assert (row["object_key"], row["source"], row["source_id"], row["object_number"]) == (
        "tate:1",
        "tate",
        "1",
        "T00999",
    )
    assert row["classification"] == "On paper, unique"
    assert row["credit_line"] == "Presented by the Art Fund 1967"
    assert row["medium"] == "Watercolour and graphite on paper"
    assert row["url"].endswith("-t00999")


def test_artists_take_structured_years_else_the_date_text_and_their_places() -> None:
    wigan = {"name": "Wigan, United Kingdom", "placeName": "Wigan", "placeType": "inhabited_place"}
    rows = artists(
        {"date": "born 1935", "birth": {"time": {"startYear": 1935}, "place": wigan}, "gender": "Male"},
        {"date": "1852\u20131911", "birth": None, "death": None, "mda": "Abbey, Edwin Austin"},
        {
            "date": "1817 or 8\u20131880",
            "birth": {"time": {"startYear": 1818}},
            "death": {"time": {"startYear": 1880}},
        },
        {"date": "active 1820\u20131840"},
        {"date": None, "gender": None},
    )
    assert rows.select("birth_year", "death_year", "active_start_year", "active_end_year").rows() == [
        (1935, None, None, None),
        (1852, 1911, None, None),
        (1818, 1880, None, None),  # the structured year wins over the text's first alternative
        (None, None, 1820, 1840),
        (None, None, None, None),
    ]
    assert rows["birth_place"].to_list() == ["Wigan, United Kingdom", None, None, None, None]
    assert rows["sort_name"][1] == "Abbey, Edwin Austin"
    assert rows["gender"].to_list() == ["Male", None, None, None, None]
    assert rows["agent_key"].to_list() == [f"tate:{i}" for i in range(1, 6)]
    assert rows["in_source_export"].all()


# --- the shipped sample ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clean_sample(tate_artworks_raw: pl.DataFrame) -> pl.DataFrame:
    return clean_tate_artworks(tate_artworks_raw.lazy(), latest_year=LATEST_YEAR).collect()


def _size_from_text(text: str | None) -> tuple[float | None, float | None]:
    """Height and width in cm as the Tate's text states them, read here independently of the parser:
    the first line with a number, "H x W [x D] mm"."""
    line = next((part for part in re.split(r"[\r\n]+", text or "") if re.search(r"\d", part)), "")
    match = re.search(r"(\d+(?:\.\d+)?)\s*x\s*(\d+(?:\.\d+)?)(?:\s*x\s*\d+(?:\.\d+)?)?\s*mm", line)
    if match:
        return float(match[1]) / 10, float(match[2]) / 10
    single = re.search(r":\s*(\d+(?:\.\d+)?)\s*mm", line)
    return (float(single[1]) / 10 if single else None), None


def test_every_shipped_artworks_height_and_width_agree_with_its_own_dimension_text(
    tate_artworks_raw: pl.DataFrame, clean_sample: pl.DataFrame
) -> None:
    # The clean stage is row for row: the raw text (line breaks kept) lines up with the parsed sizes.
    stated = [_size_from_text(text) for text in tate_artworks_raw["dimensions"]]
    parsed = list(clean_sample.select("height_cm", "width_cm").iter_rows())
    assert any(h is not None for h, _ in stated)
    disagree = [
        (key, text, got, want)
        for key, text, got, want in zip(
            clean_sample["object_key"], clean_sample["dimensions_text"], parsed, stated, strict=True
        )
        if got != pytest.approx(want)
    ]
    assert disagree == []


def test_the_shipped_sample_conforms_to_the_model_one_row_per_artwork(
    tate_artworks_raw: pl.DataFrame, tate_artists_raw: pl.DataFrame, clean_sample: pl.DataFrame
) -> None:
    assert clean_sample.schema == OBJECT_SCHEMA
    assert clean_sample.height == clean_sample["object_key"].n_unique() == tate_artworks_raw.height
    assert validate_frame(CleanObjects, clean_sample) is None
    people = clean_tate_artists(tate_artists_raw.lazy(), latest_year=LATEST_YEAR).collect()
    assert people.schema == AGENT_SCHEMA
    assert people.height == tate_artists_raw.height
    assert validate_frame(CleanAgents, people) is None
    # The Tate's own birth year and place, where it gives them, row for row.
    birth = tate_artists_raw["birth"]
    born = birth.struct.field("time").struct.field("startYear")
    given = born.is_between(EARLIEST_YEAR, LATEST_YEAR).fill_null(False)
    assert given.any()
    assert people["birth_year"].filter(given).equals(born.filter(given).cast(pl.Int32), check_names=False)
    place = birth.struct.field("place").struct.field("name").str.strip_chars()
    assert people["birth_place"].is_not_null().equals((place != "").fill_null(False), check_names=False)


def test_every_shipped_contributor_is_a_creator(
    tate_artworks_raw: pl.DataFrame, clean_sample: pl.DataFrame
) -> None:
    contributors = tate_artworks_raw.select(
        pl.concat_str(pl.lit("tate:"), pl.col("id")).alias("object_key"), "contributors"
    ).explode("contributors", empty_as_null=False)
    expected = {(key, f"tate:{c['id']}", c["role"]) for key, c in contributors.iter_rows() if c is not None}
    creators = clean_sample.select("object_key", "creators").explode("creators", empty_as_null=False)
    linked = {(key, c["agent_key"], c["role"]) for key, c in creators.iter_rows()}
    assert linked == expected
    assert {role for _, _, role in linked} >= {"artist", "after", "attributed to"}


def test_clean_tate_artworks_and_artists_stream_without_fallbacks(
    tate_artworks_raw: pl.DataFrame,
    tate_artists_raw: pl.DataFrame,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As for the other sources: the date parser is left out (Polars cannot draw its plan).
    monkeypatch.setattr(clean, "parse_dates", lambda lf, **_: lf)
    tate_artworks_raw.write_parquet(tmp_path / "artworks.parquet")
    tate_artists_raw.write_parquet(tmp_path / "artists.parquet")
    assert (
        _fallback_nodes(
            clean.clean_tate_artworks(pl.scan_parquet(tmp_path / "artworks.parquet"), latest_year=LATEST_YEAR)
        )
        == []
    )
    assert (
        _fallback_nodes(
            clean.clean_tate_artists(pl.scan_parquet(tmp_path / "artists.parquet"), latest_year=LATEST_YEAR)
        )
        == []
    )


def test_a_contributor_missing_from_the_artists_becomes_a_flagged_agent() -> None:
    objects = artworks(
        {
            "contributors": [
                {"id": 1, "fc": "Artist 1", "role": "artist"},
                {"id": 99, "fc": "Unknown Hand", "role": "after"},
            ]
        }
    )
    agents = complete_agents(
        artists({"date": "1800\u20131850"}).lazy(), objects.lazy(), latest_year=LATEST_YEAR
    ).collect()
    assert agents.select("agent_key", "name", "in_source_export").rows() == [
        ("tate:1", "Artist 1", True),
        ("tate:99", "Unknown Hand", False),
    ]
