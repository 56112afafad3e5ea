"""The Linked Art and IIIF exports of a nightly run on the embedded default, against the official
schemas and contexts shipped in tests/standards/, and golden documents under tests/outputs/golden/."""

import json
from collections.abc import Mapping
from pathlib import Path

import dagster as dg
import pytest
from pyld import jsonld

from outputs.database import connect_read_only
from outputs.exchange import LINKED_ART_CONTEXT
from outputs.exchange_assets import IIIF_MANIFESTS, LINKED_ART_OBJECTS, LINKED_ART_PEOPLE
from outputs.vocabulary import AAT, PINNED_URIS, PRIMARY_NAME
from tests.outputs.standards import (
    errors,
    expand,
    frozen_loader,
    iiif_validator,
    key_count,
    keys,
    linked_art_validator,
)

pytestmark = pytest.mark.slow

BASE = "https://collection.example.org"
GOLDEN = Path(__file__).with_name("golden")
EXPANDED_SAMPLE = 25


def _documents(data_dir: Path, name: str) -> list[dict]:
    with (data_dir / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def _rows(data_dir: Path, sql: str) -> list[tuple]:
    with connect_read_only(data_dir / "analytics.duckdb") as con:
        return con.sql(sql).fetchall()


@pytest.fixture(scope="module")
def exports(nightly_run: tuple[Path, dg.ExecuteInProcessResult]) -> dict[str, list[dict]]:
    data_dir, result = nightly_run
    assert result.success
    return {
        name: _documents(data_dir, name) for name in (LINKED_ART_OBJECTS, LINKED_ART_PEOPLE, IIIF_MANIFESTS)
    }


def test_every_object_document_validates_and_one_per_object(
    nightly_run: tuple[Path, dg.ExecuteInProcessResult], exports: dict[str, list[dict]]
) -> None:
    data_dir, _ = nightly_run
    documents = exports[LINKED_ART_OBJECTS]
    validator = linked_art_validator("object")
    invalid = {d["id"]: errors(validator, d) for d in documents if errors(validator, d)}
    assert invalid == {}
    expected = {
        f"{BASE}/object/{source}/{source_id}"
        for source, source_id in _rows(data_dir, "SELECT source, source_id FROM objects")
    }
    assert {d["id"] for d in documents} == expected
    assert len(documents) == len(expected)  # each object once


def _instant(year: int | None, *, end: bool) -> str | None:
    """The table's historical year (1 BCE = -1) as xsd:dateTime, astronomical years (1 BCE = 0000)."""
    if year is None:
        return None
    astronomical = year + 1 if year < 0 else year
    sign = "-" if astronomical < 0 else ""
    return f"{sign}{abs(astronomical):04d}" + ("-12-31T23:59:59Z" if end else "-01-01T00:00:00Z")


def test_every_object_is_named_by_its_title_with_the_tables_years(
    nightly_run: tuple[Path, dg.ExecuteInProcessResult], exports: dict[str, list[dict]]
) -> None:
    data_dir, _ = nightly_run
    table = {
        f"{BASE}/object/{source}/{source_id}": (title, start, end, text)
        for source, source_id, title, start, end, text in _rows(
            data_dir,
            "SELECT source, source_id, title, date_start_year, date_end_year, date_text FROM objects",
        )
    }
    bce = 0
    for document in exports[LINKED_ART_OBJECTS]:
        title, start, end, text = table[document["id"]]
        primary = [
            n
            for n in document["identified_by"]
            if n.get("classified_as", [{}])[0].get("id") == PRIMARY_NAME.uri
        ]
        assert [(n["type"], n["content"]) for n in primary] == [("Name", title)], document["id"]
        assert document["_label"] == title
        span = document.get("produced_by", {}).get("timespan", {})
        assert (span.get("begin_of_the_begin"), span.get("end_of_the_end")) == (
            _instant(start, end=False),
            _instant(end, end=True),
        ), document["id"]
        if text is not None:
            assert span["identified_by"] == [{"type": "Name", "content": text}]
        bce += start is not None and start < 0
    # Every BCE object of the table is dated as one (the sample has them).
    assert bce == sum(start is not None and start < 0 for _, start, _, _ in table.values()) > 0


def test_every_person_and_group_validates(
    nightly_run: tuple[Path, dg.ExecuteInProcessResult], exports: dict[str, list[dict]]
) -> None:
    data_dir, _ = nightly_run
    documents = exports[LINKED_ART_PEOPLE]
    invalid = {
        d["id"]: errors(linked_art_validator(d["type"].lower()), d)
        for d in documents
        if errors(linked_art_validator(d["type"].lower()), d)
    }
    assert invalid == {}
    assert {d["type"] for d in documents} == {"Person", "Group"}
    # One document per identity (anonymous placeholders have none), named by its preferred name,
    # each museum's record of it as an equivalent.
    identities = {
        f"{BASE}/agent/{key.replace(':', '/', 1)}": (name, count)
        for key, name, count in _rows(
            data_dir,
            "SELECT identity_key, name, len(agent_keys) FROM agent_identities WHERE agent_type <> 'anonymous'",
        )
    }
    assert {d["id"]: (d["_label"], len(d["equivalent"])) for d in documents} == identities
    turner = [d for d in documents if d["_label"] == "Joseph Mallord William Turner"]
    assert len(turner) == 1 and len(turner[0]["equivalent"]) == 2
    # Every maker an object names is a document of its own, with the same type.
    typed = {d["id"]: d["type"] for d in documents}
    for obj in exports[LINKED_ART_OBJECTS]:
        production = obj.get("produced_by", {})
        for agent in production.get("carried_out_by", []) + [
            a for part in production.get("part", []) for a in part["carried_out_by"]
        ]:
            assert typed[agent["id"]] == agent["type"], agent


def test_every_manifest_validates_with_sized_canvases(
    nightly_run: tuple[Path, dg.ExecuteInProcessResult], exports: dict[str, list[dict]]
) -> None:
    data_dir, _ = nightly_run
    manifests = exports[IIIF_MANIFESTS]
    invalid = {m["id"]: errors(iiif_validator(), m) for m in manifests if errors(iiif_validator(), m)}
    assert invalid == {}
    sized = {
        f"{BASE}/iiif/{key.replace(':', '/', 1)}/manifest"
        for (key,) in _rows(
            data_dir,
            "SELECT DISTINCT object_key FROM images WHERE width > 0 AND height > 0 AND url IS NOT NULL",
        )
    }
    assert {m["id"] for m in manifests} == sized and sized
    for manifest in manifests:
        assert manifest["items"], manifest["id"]
        for canvas in manifest["items"]:
            assert type(canvas["width"]) is int and type(canvas["height"]) is int and canvas["width"] > 0
        assert manifest.get("rights", "http://creativecommons.org/").startswith("http://creativecommons.org/")
        (link,) = manifest["seeAlso"]
        assert link["id"] == manifest["id"].replace("/iiif/", "/object/").removesuffix("/manifest")
    # An object's Linked Art record points at its manifest exactly when there is one.
    pointed = {
        access["id"]
        for obj in exports[LINKED_ART_OBJECTS]
        for page in obj.get("subject_of", [])
        for carrier in page["digitally_carried_by"]
        if carrier.get("conforms_to")
        for access in carrier["access_point"]
    }
    assert pointed == sized


def test_every_aat_id_comes_from_the_pinned_table(exports: dict[str, list[dict]]) -> None:
    def ids(node: object) -> set[str]:
        if isinstance(node, dict):
            return {v for k, v in node.items() if k == "id" and isinstance(v, str)} | {
                i for v in node.values() for i in ids(v)
            }
        if isinstance(node, list):
            return {i for v in node for i in ids(v)}
        return set()

    used = {i for docs in exports.values() for d in docs for i in ids(d) if "vocab.getty.edu" in i}
    assert used and used <= PINNED_URIS
    assert all(i.startswith(AAT) for i in used)


@pytest.mark.parametrize("name", [LINKED_ART_OBJECTS, LINKED_ART_PEOPLE, IIIF_MANIFESTS])
def test_a_sample_expands_offline_without_dropping_a_term(exports: dict[str, list[dict]], name: str) -> None:
    documents = exports[name]
    step = max(1, len(documents) // EXPANDED_SAMPLE)
    for document in documents[::step]:
        expanded = expand(document)
        context = document["@context"]
        # Compacting the expansion with the same context gives back every key: none was dropped.
        # (A term with a type-scoped definition may come back under its prefixed name, and an
        # image service's @id/@type as more keys, so the count is a lower bound, not equality.)
        compacted = jsonld.compact(expanded, context, {"documentLoader": frozen_loader()})
        assert key_count(compacted) >= key_count(document), (document["id"], keys(document) - keys(compacted))
        if context == LINKED_ART_CONTEXT:  # no type-scoped terms here: every key comes back as it was
            assert keys(compacted) == keys(document), document["id"]
        assert expanded and expanded[0]["@id"] == document["id"]


@pytest.mark.parametrize(
    ("export", "golden"),
    [
        (LINKED_ART_OBJECTS, "walters-15376-several-creators.json"),
        (LINKED_ART_OBJECTS, "walters-7-bce.json"),
        (LINKED_ART_OBJECTS, "artic-11-iiif-service.json"),
        (IIIF_MANIFESTS, "artic-11-manifest.json"),
        # The Tate's text reads height x width ("support: 206 x 305 mm"), its structured fields the reverse.
        (LINKED_ART_OBJECTS, "tate-5931-dimensions-from-text.json"),
    ],
)
def test_golden_documents(exports: dict[str, list[dict]], export: str, golden: str) -> None:
    expected = json.loads((GOLDEN / golden).read_text(encoding="utf-8"))
    (document,) = [d for d in exports[export] if d["id"] == expected["id"]]
    assert document == expected


def test_export_metadata_counts_by_source_and_previews(
    nightly_run: tuple[Path, dg.ExecuteInProcessResult],
) -> None:
    data_dir, result = nightly_run
    materialized = {
        str(m.asset_key.to_user_string() if m.asset_key else ""): m.materialization.metadata
        for m in result.get_asset_materialization_events()
    }

    def number(metadata: Mapping[str, dg.MetadataValue], key: str) -> int:
        value = metadata[key]
        assert isinstance(value, dg.IntMetadataValue) and value.value is not None, key
        return value.value

    for asset, sources in (
        ("linked_art_objects", {"walters", "artic", "tate"}),
        ("linked_art_people", {"walters", "artic", "tate"}),
        ("iiif_manifests", {"artic"}),
    ):
        metadata = materialized[asset]
        counts = {
            key.split("/", 1)[1]: number(metadata, key) for key in metadata if key.startswith("documents/")
        }
        assert set(counts) == sources and all(counts.values()), asset
        assert number(metadata, "dagster/row_count") == sum(counts.values())
        preview = metadata["preview"]
        assert isinstance(preview, dg.MarkdownMetadataValue) and preview.value is not None
        assert preview.value.startswith("```json\n{")
        assert json.loads(preview.value.removeprefix("```json\n").removesuffix("\n```"))["id"].startswith(
            BASE
        )
    # Every Walters image and the Art Institute's alternates have no known size: counted, not shown.
    ((unsized,),) = _rows(
        data_dir,
        "SELECT count(*) FROM images WHERE url IS NOT NULL "
        "AND NOT (coalesce(width > 0, false) AND coalesce(height > 0, false))",
    )
    assert number(materialized["iiif_manifests"], "images_without_size") == unsized > 0
    checks = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
        and e.asset_check_evaluation_data.asset_key.to_user_string() in materialized
        and e.asset_check_evaluation_data.asset_key.to_user_string().startswith(("linked_art", "iiif"))
    ]
    assert {(c.asset_key.to_user_string(), c.check_name) for c in checks} == {
        ("linked_art_objects", "documents_read"),
        ("linked_art_people", "documents_read"),
        ("iiif_manifests", "documents_read"),
        ("linked_art_objects", "one_primary_name"),
        ("linked_art_objects", "aat_ids_pinned"),
        ("linked_art_people", "one_primary_name"),
        ("linked_art_people", "aat_ids_pinned"),
        ("iiif_manifests", "canvases_sized"),
        ("iiif_manifests", "rights_uris"),
        ("iiif_manifests", "aat_ids_pinned"),
    }
    assert all(c.passed for c in checks)
