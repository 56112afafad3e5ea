"""The exchange-standard exports: Linked Art objects and people, IIIF manifests.

Each export is built from the lake's reshaped tables (``outputs.linked_art``, ``outputs.iiif``:
pure, streaming) into a scratch file, and checked there for what the schemas miss
(``outputs.exchange_checks``). ``outputs.assets`` publishes them with the database and the search
export, all together, and only when every check of every one of them passed: a failed check leaves
last night's database and exports in place.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl

from outputs import exchange_checks as checks
from outputs.exchange import known_size
from outputs.exchange_write import write_linked_art_objects
from outputs.iiif import iiif_manifests
from outputs.json_text import sink_documents
from outputs.linked_art import linked_art_people, with_agent_types
from shared.metadata import markdown_table, timed
from shared.resources import Lakehouse, PublicIds

LINKED_ART_OBJECTS = "exports/linked-art/objects.ndjson"
LINKED_ART_PEOPLE = "exports/linked-art/people.ndjson"
IIIF_MANIFESTS = "exports/iiif/manifests.ndjson"

# What building an export gives: its metadata and its checks' results.
Built = tuple[dict[str, Any], list[dg.AssetCheckResult]]


def write_checked(
    asset: str, target: Path, write: Callable[[Path], None], export_checks: dict[str, checks.Check]
) -> Built:
    """``write`` the export of ``asset`` into the scratch file ``target`` and run ``export_checks``
    on the written text; the metadata (time; when every check passed, counts by source and a
    preview) and the check results (a failed one says why in its description)."""
    metadata: dict[str, Any] = {}
    results = []
    with timed(metadata):
        write(target)
        written = checks.read_written(target, export_checks)
        for check_name, (passed, details) in written.results.items():
            results.append(
                dg.AssetCheckResult(
                    asset_key=asset,
                    check_name=check_name,
                    passed=passed,
                    metadata=_metadata(details),
                    description=None if passed else f"{check_name}: {details}",
                )
            )
    if not all(result.passed for result in results):
        return metadata, results
    by_source = written.by_source
    metadata["preview"] = dg.MetadataValue.md(checks.preview(target))
    metadata["dagster/row_count"] = dg.MetadataValue.int(int(by_source["documents"].sum()))
    metadata["documents_by_source"] = dg.MetadataValue.md(markdown_table(by_source))
    for row in by_source.iter_rows(named=True):
        metadata[f"documents/{row['source']}"] = dg.MetadataValue.int(row["documents"])
    return metadata, results


def _sink(documents: pl.LazyFrame) -> Callable[[Path], None]:
    return lambda target: sink_documents(documents.select("document"), str(target))


def _metadata(details: dict[str, Any]) -> dict[str, Any]:
    return {
        key: dg.MetadataValue.int(value) if isinstance(value, int) else dg.MetadataValue.json(value)
        for key, value in details.items()
    }


def _scan(lakehouse: Lakehouse, *tables: str) -> list[pl.LazyFrame]:
    return [lakehouse.scan(table) for table in tables]


def linked_art_objects_export(lakehouse: Lakehouse, public_ids: PublicIds, target: Path) -> Built:
    """Linked Art ($DATA_DIR/exports/linked-art/objects.ndjson): one HumanMadeObject per object, id
    {PUBLIC_BASE_URL}/object/{source}/{source_id}: title, accession number, type of work, production
    (dates, agents), statements, dimensions, owner, department, images and web pages."""
    object_agents, agents, images = _scan(lakehouse, "object_agents", "agents", "images")

    def write(scratch: Path) -> None:
        write_linked_art_objects(
            str(lakehouse.table_path("objects")),
            object_agents,
            agents,
            images,
            scratch,
            base_url=public_ids.base_url,
            titles=public_ids.museum_titles,
        )

    return write_checked("linked_art_objects", target, write, checks.OBJECT_CHECKS)


def linked_art_people_export(lakehouse: Lakehouse, public_ids: PublicIds, target: Path) -> Built:
    """Linked Art ($DATA_DIR/exports/linked-art/people.ndjson): one Person or Group per identity (a
    maker across museums; anonymous placeholders have none), id {PUBLIC_BASE_URL}/agent/{source}/
    {source_id} of its identity_key: name, birth and death, nationality, each museum's record as
    equivalent."""
    agents, identities = _scan(lakehouse, "agents", "agent_identities")
    documents = linked_art_people(
        agents, identities, base_url=public_ids.base_url, titles=public_ids.museum_titles
    )
    metadata, results = write_checked("linked_art_people", target, _sink(documents), checks.PEOPLE_CHECKS)
    groups = with_agent_types(identities).filter(pl.col("la_type") == "Group")
    metadata["groups"] = dg.MetadataValue.int(groups.select(pl.len()).collect().item())
    return metadata, results


def iiif_manifests_export(lakehouse: Lakehouse, public_ids: PublicIds, target: Path) -> Built:
    """IIIF Presentation 3 ($DATA_DIR/exports/iiif/manifests.ndjson): one Manifest per object with
    an image of known pixel size, id {PUBLIC_BASE_URL}/iiif/{source}/{source_id}/manifest; a canvas
    per sized image, with its IIIF Image API service. Images without a size are counted, not shown."""
    objects, images = _scan(lakehouse, "objects", "images")
    documents = iiif_manifests(objects, images, base_url=public_ids.base_url)
    metadata, results = write_checked("iiif_manifests", target, _sink(documents), checks.MANIFEST_CHECKS)
    unsized = (
        images.filter(pl.col("url").is_not_null() & ~known_size())
        .select(source=pl.col("object_key").str.extract(r"^([^:]+):", 1))
        .group_by("source")
        .agg(images=pl.len())
        .sort("source")
        .collect()
    )
    metadata["images_without_size"] = dg.MetadataValue.int(int(unsized["images"].sum()))
    metadata["images_without_size_by_source"] = dg.MetadataValue.md(markdown_table(unsized))
    return metadata, results


@dataclass(frozen=True)
class Export:
    """An exchange export: the asset ``asset``, the file ``path`` (under DATA_DIR), the lake tables
    it ``reads``, its ``export_checks`` and ``build`` (lake, ids, scratch file -> metadata, check results),
    whose docstring describes it."""

    asset: str
    path: str
    reads: tuple[str, ...]
    export_checks: dict[str, checks.Check]
    build: Callable[[Lakehouse, PublicIds, Path], Built]


EXPORTS = (
    Export(
        "linked_art_objects",
        LINKED_ART_OBJECTS,
        ("objects", "object_agents", "agents", "images"),
        checks.OBJECT_CHECKS,
        linked_art_objects_export,
    ),
    Export(
        "linked_art_people",
        LINKED_ART_PEOPLE,
        ("agents", "agent_identities"),
        checks.PEOPLE_CHECKS,
        linked_art_people_export,
    ),
    Export(
        "iiif_manifests", IIIF_MANIFESTS, ("objects", "images"), checks.MANIFEST_CHECKS, iiif_manifests_export
    ),
)
