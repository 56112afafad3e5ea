"""Enrich and reshape: unions, creator links, agents completed, flat tables."""

import polars as pl

from tests.conftest import LATEST_YEAR
from transforms.model import (
    AGENT_SCHEMA,
    EXHIBITION_SCHEMA,
    OBJECT_SCHEMA,
    complete_agents,
    conform_to,
    count_by,
    extract_images,
    extract_places,
    flatten_objects,
    link_object_agents,
    link_related_objects,
    union_sources,
)


def _objects(rows: list[dict]) -> pl.LazyFrame:
    return conform_to(pl.LazyFrame(rows, infer_schema_length=None), OBJECT_SCHEMA)


def _creator(agent_key: str, display: str, role: str = "Artist") -> dict:
    return {"agent_key": agent_key, "display_name": display, "role": role}


OBJECTS = [
    {
        "object_key": "walters:7",
        "source": "walters",
        "source_id": "7",
        "title": "Zeus",
        "classification": "Metal",
        "creators": [_creator("walters:6291", "Etruscan (?)"), _creator("walters:3705", "Italic (?)")],
        "related": [{"related_object_key": "walters:99999999", "relation": "See also"}],
    },
    {
        "object_key": "walters:37361",
        "source": "walters",
        "source_id": "37361",
        "title": "Young Man",
        "classification": "Miniatures",
        "creators": [
            _creator("walters:6741", "Riza 'Abbasi (Persian, ca. 1565-1635)", "Painter"),
            _creator("walters:6741", "Riza 'Abbasi (Persian, ca. 1565-1635)", "Painter"),
        ],
        "related": [{"related_object_key": "walters:7", "relation": "See also"}],
    },
    {
        "object_key": "artic:11",
        "source": "artic",
        "source_id": "11",
        "title": "Self-Portrait",
        "creators": [],
    },
]
AGENTS = conform_to(
    pl.LazyFrame(
        {
            "agent_key": ["walters:6291"],
            "source": ["walters"],
            "source_id": ["6291"],
            "name": ["Etruscan"],
            "in_source_export": [True],
        }
    ),
    AGENT_SCHEMA,
)


def test_union_sources_keeps_every_row_source_after_source() -> None:
    a = _objects(OBJECTS[2:])
    b = _objects(OBJECTS[:2])
    out = union_sources(b, a, schema=OBJECT_SCHEMA).collect()
    assert out["object_key"].to_list() == ["walters:7", "walters:37361", "artic:11"]


def test_a_union_of_no_source_is_an_empty_frame_of_the_schema() -> None:
    out = union_sources(schema=EXHIBITION_SCHEMA).collect()
    assert out.is_empty() and out.schema == EXHIBITION_SCHEMA


def test_object_agents_one_row_per_object_agent_role_in_collection_order() -> None:
    out = link_object_agents(_objects(OBJECTS)).collect()
    assert out.rows() == [
        ("walters:7", "walters:6291", "Artist"),
        ("walters:7", "walters:3705", "Artist"),
        ("walters:37361", "walters:6741", "Painter"),
    ]


def test_creators_missing_from_the_export_become_flagged_agents_with_parsed_names() -> None:
    out = complete_agents(AGENTS, _objects(OBJECTS), latest_year=LATEST_YEAR).collect()
    assert out["agent_key"].to_list() == ["walters:3705", "walters:6291", "walters:6741"]
    built = {r["agent_key"]: r for r in out.filter(~pl.col("in_source_export")).iter_rows(named=True)}
    assert set(built) == {"walters:3705", "walters:6741"}
    riza = built["walters:6741"]
    assert (riza["name"], riza["nationality"], riza["birth_year"], riza["death_year"]) == (
        "Riza 'Abbasi",
        "Persian",
        1565,
        1635,
    )
    assert riza["source"] == "walters" and riza["source_id"] == "6741"
    assert built["walters:3705"]["name"] == "Italic (?)"
    assert out.filter(pl.col("agent_key") == "walters:6291")["in_source_export"].item() is True


def test_related_objects_keep_links_outside_the_collection_flagged() -> None:
    relationships = pl.LazyFrame(
        {
            "object_key": ["walters:7", "walters:404"],
            "related_object_key": ["walters:37361", "walters:7"],
            "relation": ["Pair", "Pair"],
        }
    )
    out = link_related_objects(_objects(OBJECTS), relationships).collect()
    # The object records' links first, in the collection's order, then the export's.
    assert out.rows() == [
        ("walters:7", "walters:99999999", "See also", False),
        ("walters:37361", "walters:7", "See also", True),
        ("walters:7", "walters:37361", "Pair", True),
    ]


def test_places_take_coordinates_from_any_entry_and_count_objects() -> None:
    place = {
        "place_key": "walters:1",
        "name": "Etruria",
        "place_type": "Place of origin",
        "hierarchy": None,
        "coordinates_sentinel": False,
    }
    rows = [
        {
            "object_key": "walters:1",
            "source": "walters",
            "places": [{**place, "latitude": None, "longitude": None}],
        },
        {
            "object_key": "walters:2",
            "source": "walters",
            "places": [{**place, "latitude": 42.5, "longitude": 11.5}],
        },
    ]
    out = extract_places(_objects(rows)).collect()
    assert out.select("place_key", "latitude", "longitude", "object_count").rows() == [
        ("walters:1", 42.5, 11.5, 2)
    ]


def test_images_primary_first_and_flat_objects_count_them() -> None:
    images = [
        {"image_key": "walters:2", "url": "b", "is_primary": False, "rank": 2},
        {"image_key": "walters:1", "url": "a", "is_primary": True, "rank": 1},
    ]
    objects = _objects([{"object_key": "walters:1", "source": "walters", "title": "x", "images": images}])
    assert extract_images(objects).collect()["image_key"].to_list() == ["walters:1", "walters:2"]
    flat = flatten_objects(objects).collect()
    assert flat["image_count"].item() == 2
    assert "images" not in flat.columns and "creators" not in flat.columns


def test_vocabularies_count_objects_per_source() -> None:
    out = count_by(_objects(OBJECTS), "classification").collect()
    assert out.rows() == [("walters", "Metal", 1), ("walters", "Miniatures", 1)]
