"""The Linked Art and IIIF builders and the exports' checks on tiny frames, one rule at a time."""

import json
from pathlib import Path

import polars as pl
import pytest
from pyld.jsonld import JsonLdError

from harvest.museums import MUSEUMS
from outputs import exchange_checks as checks
from outputs.exchange_write import write_linked_art_objects
from outputs.iiif import iiif_manifests
from outputs.json_text import json_array, json_object, number, one_item, value
from outputs.linked_art import astronomical_instant, linked_art_objects, linked_art_people, with_agent_types
from outputs.vocabulary import PRIMARY_NAME
from tests.outputs.standards import errors, expand, iiif_validator, linked_art_validator
from tests.transforms.test_streaming import _fallback_nodes
from transforms.agent_types import type_agents
from transforms.identities import describe_identities
from transforms.model import AGENT_SCHEMA, OBJECT_SCHEMA

BASE = "https://ids.test"
# The museums by source, as the exports name them (the registry's titles: definitions.resources_for).
TITLES = {museum.name: museum.title for museum in MUSEUMS}


def _objects(**overrides: object) -> pl.LazyFrame:
    row = {
        "object_key": "walters:7",
        "source": "walters",
        "source_id": "7",
        "object_number": "54.2",
        "title": 'Zeus "the" god',
        "classification": "Bronzes",
        "department": "Ancient Art",
        "date_text": "late 5th century BC",
        "date_start_year": -425,
        "date_end_year": -401,
        "dimensions_text": "H: 35.3 cm",
        "height_cm": 35.3,
        "width_cm": None,
        "depth_cm": None,
        "diameter_cm": None,
        "medium": "bronze",
        "credit_line": None,
        "url": "https://art.thewalters.org/detail/7",
        "image_rights": None,
    }
    row.update(overrides)
    schema = {
        "date_start_year": pl.Int32,
        "date_end_year": pl.Int32,
        "width_cm": pl.Float64,
        "depth_cm": pl.Float64,
        "diameter_cm": pl.Float64,
        "credit_line": pl.String,
        "image_rights": pl.String,
        "date_text": pl.String,
    }
    return pl.DataFrame([row], schema_overrides=schema).lazy()


AGENT_COLUMNS = ("agent_key", "source", "source_id", "name", "nationality", "birth_year", "death_year", "url")
IMAGES = OBJECT_SCHEMA["images"]
assert isinstance(IMAGES, pl.List) and isinstance(IMAGES.inner, pl.Struct)
IMAGE = IMAGES.inner


def _agents(*rows: tuple[str, str | None, int | None]) -> pl.LazyFrame:
    return (
        pl.DataFrame(
            [
                {
                    "agent_key": f"walters:{i}",
                    "source": "walters",
                    "source_id": str(i),
                    "name": name,
                    "nationality": nationality,
                    "birth_year": birth,
                    "death_year": None,
                    "url": None,
                }
                for i, (name, nationality, birth) in enumerate(rows, start=1)
            ],
            schema={name: AGENT_SCHEMA[name] for name in AGENT_COLUMNS},
        )
        .lazy()
        .pipe(type_agents)
        .select(*AGENT_COLUMNS, "agent_type", identity_key="agent_key")
    )  # typed as the clean stage does, each agent its own identity


def _identities(agents: pl.LazyFrame, links: pl.LazyFrame | None = None) -> pl.LazyFrame:
    return describe_identities(agents, links if links is not None else _links())


def _links(*rows: tuple[str, str]) -> pl.LazyFrame:
    return pl.DataFrame(
        [{"object_key": "walters:7", "agent_key": key, "role": role} for key, role in rows],
        schema={"object_key": pl.String, "agent_key": pl.String, "role": pl.String},
    ).lazy()


def _images(*rows: tuple[str, int | None, int | None]) -> pl.LazyFrame:
    return pl.DataFrame(
        [
            {
                "object_key": "walters:7",
                "image_key": f"walters:{image}",
                "url": f"https://img.test/{image}.jpg",
                "is_primary": rank == 1,
                "rank": rank,
                "width": width,
                "height": height,
                "iiif_service": None,
            }
            for rank, (image, width, height) in enumerate(rows, start=1)
        ],
        # The images table's columns: the object's key and the model's image fields.
        schema={"object_key": pl.String, **IMAGE.to_schema()},
    ).lazy()


def _documents(frame: pl.LazyFrame) -> list[dict]:
    return [json.loads(text) for text in frame.collect()["document"]]


@pytest.mark.parametrize(
    ("year", "end", "instant"),
    [
        (-500, False, "-0499-01-01T00:00:00Z"),  # 500 BCE is astronomical -499
        (-2, True, "-0001-12-31T23:59:59Z"),
        (-1, False, "0000-01-01T00:00:00Z"),  # 1 BCE is year 0000
        (1, False, "0001-01-01T00:00:00Z"),
        (2024, True, "2024-12-31T23:59:59Z"),
        (None, False, None),
    ],
)
def test_historical_years_as_xsd_date_times(year: int | None, end: bool, instant: str | None) -> None:
    frame = pl.DataFrame({"year": [year]}, schema={"year": pl.Int32})
    assert frame.select(astronomical_instant(pl.col("year"), end=end)).item() == instant


def test_json_text_leaves_absent_parts_out_and_escapes_text() -> None:
    frame = pl.DataFrame({"a": ['say "hi"\n\u00e9', None], "b": [1, None]})
    out = frame.select(
        doc=json_object(
            {
                "type": "X",
                "a": value(pl.col("a")),
                "list": json_array([value(pl.col("a")), number(pl.col("b"))]),
                "one": one_item(number(pl.col("b"))),
            }
        )
    )["doc"].to_list()
    assert [json.loads(text) for text in out] == [
        {"type": "X", "a": 'say "hi"\n\u00e9', "list": ['say "hi"\n\u00e9', 1], "one": [1]},
        {"type": "X"},  # no null, no empty list: absent
    ]


def test_linked_art_class_follows_the_agent_type_and_an_anonymous_maker_is_no_actor() -> None:
    agents = _agents(
        ("Workshop of Guercino", None, None),
        ("Sèvres Porcelain Manufactory", "French", None),
        ("Tiffany & Co.", None, None),
        ("Etruscan", None, None),
        ("Follower of Pieter Snayers", None, None),
        ("Riza 'Abbasi", "Persian", 1565),
        ("Unknown", None, None),
    )
    typed = with_agent_types(agents).collect()
    assert typed["agent_type"].to_list() == [
        "group", "group", "group", "culture", "person", "person", "anonymous"
    ]  # fmt: skip
    assert typed["la_type"].to_list() == ["Group", "Group", "Group", "Group", "Person", "Person", None]
    links = _links(("walters:6", "Artist"), ("walters:7", "Artist"))
    (document,) = _documents(
        linked_art_objects(_objects(), links, agents, _images(), base_url=BASE, titles=TITLES)
    )
    assert [a["_label"] for a in document["produced_by"]["carried_out_by"]] == ["Riza 'Abbasi"]


def test_people_documents_validate_with_birth_nationality_and_no_nulls() -> None:
    agents = _agents(("Riza 'Abbasi", "Persian", -20), ("Etruscan", None, None), ("Unknown", None, None))
    documents = _documents(linked_art_people(agents, _identities(agents), base_url=BASE, titles=TITLES))
    person, group = documents  # no document for the anonymous placeholder
    assert errors(linked_art_validator("person"), person) == []
    assert errors(linked_art_validator("group"), group) == []
    assert person["id"] == f"{BASE}/agent/walters/1" and person["type"] == "Person"
    assert person["born"]["timespan"]["begin_of_the_begin"] == "-0019-01-01T00:00:00Z"
    assert person["referred_to_by"] == [
        {"type": "LinguisticObject", "_label": "Nationality", "content": "Persian"}
    ]
    assert group["type"] == "Group"
    assert set(group) == {"@context", "id", "type", "_label", "identified_by", "equivalent"}
    assert group["equivalent"] == [
        {"id": f"{BASE}/agent/walters/2", "type": "Group", "_label": "Etruscan (The Walters Art Museum)"}
    ]
    assert "null" not in json.dumps(documents)


def test_bce_object_with_several_creators_validates_and_keeps_roles_as_parts() -> None:
    agents = _agents(("Attavante", None, None), ("Naldo Naldi", None, None))
    links = _links(("walters:1", "Artist"), ("walters:2", "Author"))
    (document,) = _documents(
        linked_art_objects(_objects(), links, agents, _images(), base_url=BASE, titles=TITLES)
    )
    assert errors(linked_art_validator("object"), document) == []
    assert document["id"] == f"{BASE}/object/walters/7"
    production = document["produced_by"]
    assert production["timespan"]["begin_of_the_begin"] == "-0424-01-01T00:00:00Z"
    assert production["timespan"]["end_of_the_end"] == "-0400-12-31T23:59:59Z"
    assert [p["classified_as"][0]["_label"] for p in production["part"]] == ["Artist", "Author"]
    assert "carried_out_by" not in production
    assert "representation" not in document and "dimension" in document
    # No image of known size: no manifest named.
    assert all(
        "conforms_to" not in c for page in document["subject_of"] for c in page["digitally_carried_by"]
    )


def test_an_object_with_one_agent_and_no_date_has_no_timespan() -> None:
    objects = _objects(date_text=None, date_start_year=None, date_end_year=None)
    (document,) = _documents(
        linked_art_objects(
            objects,
            _links(("walters:1", "Artist")),
            _agents(("A B", None, None)),
            _images(),
            base_url=BASE,
            titles=TITLES,
        )
    )
    assert document["produced_by"] == {
        "type": "Production",
        "carried_out_by": [{"id": f"{BASE}/agent/walters/1", "type": "Person", "_label": "A B"}],
    }


def test_no_canvas_without_a_size_and_no_manifest_without_a_canvas() -> None:
    images = _images(("1", None, None), ("2", 600, 800), ("3", 600, None))
    (manifest,) = _documents(iiif_manifests(_objects(image_rights=None), images, base_url=BASE))
    assert errors(iiif_validator(), manifest) == []
    assert manifest["id"] == f"{BASE}/iiif/walters/7/manifest"
    assert [(c["id"].rsplit("/", 1)[1], c["width"], c["height"]) for c in manifest["items"]] == [
        ("2", 600, 800)
    ]
    assert "rights" not in manifest  # none stated, none claimed
    assert _documents(iiif_manifests(_objects(), _images(("1", None, None)), base_url=BASE)) == []
    # The Linked Art record names the manifest only when there is one.
    (document,) = _documents(
        linked_art_objects(_objects(), _links(), _agents(), images, base_url=BASE, titles=TITLES)
    )
    carriers = [c for page in document["subject_of"] for c in page["digitally_carried_by"]]
    assert [a["id"] for c in carriers if c.get("conforms_to") for a in c["access_point"]] == [manifest["id"]]


def _text(*documents: dict) -> list[str]:
    return [json.dumps(d, separators=(",", ":")) for d in documents]


def test_checks_catch_what_the_schemas_miss() -> None:
    name = {"type": "Name", "content": "x", "classified_as": [{"id": PRIMARY_NAME.uri, "type": "Type"}]}
    base = {"@context": "c", "id": f"{BASE}/object/walters/1"}
    assert checks.one_primary_name(_text({**base, "identified_by": [name]}))[0]
    assert not checks.one_primary_name(_text({**base, "identified_by": [name, name]}))[0]
    assert not checks.one_primary_name(_text(base))[0]
    assert checks.aat_ids_pinned(_text({**base, "x": {"id": PRIMARY_NAME.uri}}))[0]
    passed, metadata = checks.aat_ids_pinned(
        _text({**base, "x": {"id": "http://vocab.getty.edu/aat/300000000"}})
    )
    assert not passed and metadata["unpinned_aat_ids"] == 1
    canvas = {"id": "c", "type": "Canvas", "width": 10, "height": 20, "items": []}
    assert checks.canvases_sized(_text({**base, "items": [canvas]}))[0]
    assert not checks.canvases_sized(_text({**base, "items": [{**canvas, "width": 10.5}]}))[0]
    assert not checks.canvases_sized(_text({**base, "items": []}))[0]
    assert checks.rights_uris(_text({**base, "rights": "http://creativecommons.org/publicdomain/zero/1.0/"}))[
        0
    ]
    assert checks.rights_uris(_text({**base, "rights": "http://rightsstatements.org/vocab/InC/1.0/"}))[0]
    assert not checks.rights_uris(
        _text({**base, "rights": "https://creativecommons.org/publicdomain/zero/1.0/"})
    )[0]


def test_the_validators_are_not_vacuous() -> None:
    valid = {
        "@context": "https://linked.art/ns/v1/linked-art.json",
        "id": f"{BASE}/object/x/1",
        "type": "HumanMadeObject",
        "_label": "x",
    }
    assert errors(linked_art_validator("object"), valid) == []
    assert errors(linked_art_validator("object"), {k: v for k, v in valid.items() if k != "_label"})
    span = {
        "type": "Production",
        "timespan": {"type": "TimeSpan", "begin_of_the_begin": "-0499-01-01T00:00:00Z"},
    }
    assert errors(linked_art_validator("object"), {**valid, "produced_by": span}) == []
    bad = {"type": "Production", "timespan": {"type": "TimeSpan", "begin_of_the_begin": "499 BC"}}
    assert errors(linked_art_validator("object"), {**valid, "produced_by": bad})
    assert errors(iiif_validator(), {"id": "x", "type": "Manifest"})


def test_expansion_refuses_any_url_not_shipped() -> None:
    with pytest.raises(JsonLdError):
        expand({"@context": "https://example.org/not-shipped.json", "id": "x"})


def test_the_builders_stream_without_in_memory_fallbacks() -> None:
    images = _images(("1", 600, 800))
    links = _links(("walters:1", "Artist"))
    agents = _agents(("A B", None, None))
    for documents in (
        linked_art_objects(_objects(), links, agents, images, base_url=BASE, titles=TITLES),
        linked_art_people(agents, _identities(agents, links), base_url=BASE, titles=TITLES),
        iiif_manifests(_objects(), images, base_url=BASE),
    ):
        assert _fallback_nodes(documents) == []


def test_objects_written_in_slices_are_the_documents_in_order(tmp_path: Path) -> None:
    objects = pl.concat(
        [_objects(object_key=f"walters:{i}", source_id=str(i), title=f"T{i}") for i in range(5)]
    )
    objects.collect().write_parquet(tmp_path / "objects.parquet")
    links = _links(("walters:1", "Artist"))
    agents = _agents(("A B", None, None))
    images = _images(("1", 600, 800))
    target = tmp_path / "objects.ndjson"

    write_linked_art_objects(
        tmp_path / "objects.parquet",
        links,
        agents,
        images,
        target,
        base_url=BASE,
        titles=TITLES,
        slice_rows=2,
    )

    expected = (
        linked_art_objects(objects, links, agents, images, base_url=BASE, titles=TITLES)
        .collect()["document"]
        .to_list()
    )
    assert target.read_text(encoding="utf-8").splitlines() == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "objects.ndjson",
        "objects.parquet",
    ]  # no scratch left


def test_one_person_per_identity_with_each_museums_record_as_equivalent() -> None:
    agents = pl.concat(
        [
            _agents(("J. M. W. Turner", None, 1775)),
            _agents(("Joseph Mallord William Turner", None, 1775)).with_columns(
                agent_key=pl.lit("tate:558"),
                source=pl.lit("tate"),
                source_id=pl.lit("558"),
                url=pl.lit("https://t/558"),
            ),
        ]
    ).with_columns(identity_key=pl.lit("tate:558"))
    links = _links(("walters:1", "Artist"), ("tate:558", "Artist"))
    (person,) = _documents(
        linked_art_people(agents, _identities(agents, links), base_url=BASE, titles=TITLES)
    )
    assert errors(linked_art_validator("person"), person) == []
    assert person["id"] == f"{BASE}/agent/tate/558"
    assert person["equivalent"] == [
        {"id": "https://t/558", "type": "Person", "_label": "Joseph Mallord William Turner (Tate)"},
        {
            "id": f"{BASE}/agent/walters/1",
            "type": "Person",
            "_label": "J. M. W. Turner (The Walters Art Museum)",
        },
    ]
    # The object credits the identity, whichever museum's agent the object names.
    (document,) = _documents(
        linked_art_objects(_objects(), links.head(1), agents, _images(), base_url=BASE, titles=TITLES)
    )
    assert document["produced_by"]["carried_out_by"][0]["id"] == person["id"]
