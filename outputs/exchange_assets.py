"""The exchange-standard exports as output assets: Linked Art objects and people, IIIF manifests.

Each asset builds its documents from the lake's reshaped tables (``outputs.linked_art``,
``outputs.iiif``: pure, streaming), writes them through ``Lakehouse.publishing``, checks the written
file for what the schemas miss (``outputs.exchange_checks``) and only then lets it replace the
published one: a failed check fails the asset and leaves the last good export in place. They read
the tables after their blocking checks have passed and after the database is built, so a night's
exports are published with its database or not at all.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl

from outputs import exchange_checks as checks
from outputs.assets import NIGHTLY_FRESHNESS
from outputs.exchange import known_size
from outputs.exchange_write import write_linked_art_objects
from outputs.iiif import iiif_manifests
from outputs.json_text import sink_documents
from outputs.linked_art import linked_art_people, with_agent_types
from shared.metadata import markdown_table, timed
from shared.resources import Lakehouse, PublicIds
from shared.stages import OWNERS

LINKED_ART_OBJECTS = "exports/linked-art/objects.ndjson"
LINKED_ART_PEOPLE = "exports/linked-art/people.ndjson"
IIIF_MANIFESTS = "exports/iiif/manifests.ndjson"


class ExportCheckFailed(Exception):
    """An export broke a rule the schemas do not cover; the published file was left as it was."""


def publish_checked(
    lakehouse: Lakehouse, name: str, write: Callable[[Path], None], export_checks: dict[str, checks.Check]
) -> tuple[dict[str, Any], list[dg.AssetCheckResult]]:
    """``write`` the published file ``name`` (into a scratch path) and publish it if every check
    passes on the written text; the metadata (path, time, counts by source, a preview) and the
    check results."""
    metadata: dict[str, Any] = {"path": dg.MetadataValue.path(str(lakehouse.root / name))}
    results = []
    with timed(metadata), lakehouse.publishing(name) as scratch:
        failed = []
        write(scratch)
        for check_name, (passed, details) in checks.check_written(scratch, export_checks).items():
            results.append(
                dg.AssetCheckResult(check_name=check_name, passed=passed, metadata=_metadata(details))
            )
            if not passed:
                failed.append(f"{check_name}: {details}")
        if failed:
            raise ExportCheckFailed(f"{name} not published: " + "; ".join(failed))
        by_source = checks.counts_by_source(scratch)
        metadata["preview"] = dg.MetadataValue.md(checks.preview(scratch))
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


def _specs(asset: str, export_checks: dict[str, checks.Check]) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(name, asset=asset, description=check.description)
        for name, check in export_checks.items()
    ]


def _exchange_asset(name: str, export_checks: dict[str, checks.Check], deps: list[str]):
    return dg.asset(
        name=name,
        group_name="output",
        kinds={"polars", "json"},
        code_version="1",
        owners=OWNERS,
        # After the database too: the exports of a night are published with its database or not at all.
        deps=[*deps, "analytics_database"],
        freshness_policy=NIGHTLY_FRESHNESS,
        check_specs=_specs(name, export_checks),
    )


def _scan(lakehouse: Lakehouse, *tables: str) -> list[pl.LazyFrame]:
    return [pl.scan_parquet(str(lakehouse.table_path(table))) for table in tables]


@_exchange_asset("linked_art_objects", checks.OBJECT_CHECKS, ["objects", "object_agents", "agents", "images"])
def linked_art_objects_export(lakehouse: Lakehouse, public_ids: PublicIds) -> dg.MaterializeResult:
    """Linked Art ($DATA_DIR/exports/linked-art/objects.ndjson): one HumanMadeObject per object, id
    {PUBLIC_BASE_URL}/object/{source}/{source_id}: title, accession number, type of work, production
    (dates, agents), statements, dimensions, owner, department, images and web pages."""
    object_agents, agents, images = _scan(lakehouse, "object_agents", "agents", "images")

    def write(target: Path) -> None:
        write_linked_art_objects(
            str(lakehouse.table_path("objects")),
            object_agents,
            agents,
            images,
            target,
            base_url=public_ids.base_url,
        )

    metadata, results = publish_checked(lakehouse, LINKED_ART_OBJECTS, write, checks.OBJECT_CHECKS)
    return dg.MaterializeResult(metadata=metadata, check_results=results)


@_exchange_asset("linked_art_people", checks.PEOPLE_CHECKS, ["agents", "agent_identities"])
def linked_art_people_export(lakehouse: Lakehouse, public_ids: PublicIds) -> dg.MaterializeResult:
    """Linked Art ($DATA_DIR/exports/linked-art/people.ndjson): one Person or Group per identity (a
    maker across museums; anonymous placeholders have none), id {PUBLIC_BASE_URL}/agent/{source}/
    {source_id} of its identity_key: name, birth and death, nationality, each museum's record as
    equivalent."""
    agents, identities = _scan(lakehouse, "agents", "agent_identities")
    documents = linked_art_people(agents, identities, base_url=public_ids.base_url)
    metadata, results = publish_checked(lakehouse, LINKED_ART_PEOPLE, _sink(documents), checks.PEOPLE_CHECKS)
    groups = with_agent_types(identities).filter(pl.col("la_type") == "Group")
    metadata["groups"] = dg.MetadataValue.int(groups.select(pl.len()).collect().item())
    return dg.MaterializeResult(metadata=metadata, check_results=results)


@_exchange_asset("iiif_manifests", checks.MANIFEST_CHECKS, ["objects", "images"])
def iiif_manifests_export(lakehouse: Lakehouse, public_ids: PublicIds) -> dg.MaterializeResult:
    """IIIF Presentation 3 ($DATA_DIR/exports/iiif/manifests.ndjson): one Manifest per object with
    an image of known pixel size, id {PUBLIC_BASE_URL}/iiif/{source}/{source_id}/manifest; a canvas
    per sized image, with its IIIF Image API service. Images without a size are counted, not shown."""
    objects, images = _scan(lakehouse, "objects", "images")
    documents = iiif_manifests(objects, images, base_url=public_ids.base_url)
    metadata, results = publish_checked(lakehouse, IIIF_MANIFESTS, _sink(documents), checks.MANIFEST_CHECKS)
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
    return dg.MaterializeResult(metadata=metadata, check_results=results)


assets = [linked_art_objects_export, linked_art_people_export, iiif_manifests_export]
