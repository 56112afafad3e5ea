"""The clean, enrich and reshape stages as assets: each one wires a pure transform to the lake.

LazyFrames in and out: the IO manager scans inputs lazily and sinks outputs with Polars'
streaming engine, so no stage holds a whole table in memory.
"""

import datetime as dt

import dagster as dg
import polars as pl

from harvest.tate import clean as tate
from shared.checks import issues_check, model_check, references_check
from shared.metadata import completeness_chart, issue_metadata, markdown_table, objects_per_century_chart
from shared.schemas.clean import CleanAgents, CleanObjects, CollectionAgents
from shared.schemas.output import Agents, ObjectAgents, Objects, RecordIssues
from shared.stages import lake_asset
from transforms import artic, model, walters
from transforms.quirks import count_by_century, count_quirks


def _latest_year() -> int:
    """The last plausible year of a date (transforms.issues): this one. Read here, where the clock
    may be read; the transforms take it as an argument."""
    return dt.datetime.now(dt.UTC).year


# --- clean: each source conformed to the collection model ----------------------------------------


@lake_asset(stage="clean", model=CleanObjects)
def walters_objects_clean(walters_objects_raw: pl.LazyFrame) -> pl.LazyFrame:
    """Walters objects in the collection model: one row per object, text cleaned, dates and
    dimensions parsed, creators, places and images nested."""
    return walters.clean_walters_objects(walters_objects_raw, latest_year=_latest_year())


@lake_asset(stage="clean", model=CleanAgents)
def walters_creators_clean(walters_creators_raw: pl.LazyFrame) -> pl.LazyFrame:
    """Walters creators export in the collection model: one row per CreatorID, life dates parsed."""
    return walters.clean_walters_creators(walters_creators_raw, latest_year=_latest_year())


@lake_asset(stage="clean")
def walters_exhibitions_clean(walters_exhibitions_raw: pl.LazyFrame) -> pl.LazyFrame:
    """Walters exhibitions export: one row per exhibition with the objects it showed."""
    return walters.clean_walters_exhibitions(walters_exhibitions_raw)


@lake_asset(stage="clean")
def walters_relationships_clean(walters_relationships_raw: pl.LazyFrame) -> pl.LazyFrame:
    """Walters relationships export as directed links between objects."""
    return walters.clean_walters_relationships(walters_relationships_raw)


@lake_asset(stage="clean", model=CleanObjects)
def artic_artworks_clean(artic_artworks_raw: pl.LazyFrame) -> pl.LazyFrame:
    """Art Institute artworks in the collection model, images as IIIF URLs."""
    iiif_url = artic_artworks_raw.select(pl.col("iiif_url").drop_nulls().first()).collect().item()
    return artic.clean_artic_artworks(
        artic_artworks_raw, iiif_url=iiif_url or artic.DEFAULT_IIIF_URL, latest_year=_latest_year()
    )


@lake_asset(stage="clean", model=CleanAgents)
def artic_agents_clean(artic_agents_raw: pl.LazyFrame) -> pl.LazyFrame:
    """Art Institute agents in the collection model."""
    return artic.clean_artic_agents(artic_agents_raw, latest_year=_latest_year())


@lake_asset(stage="clean", model=CleanObjects)
def tate_artworks_clean(tate_artworks_raw: pl.LazyFrame) -> pl.LazyFrame:
    """Tate artworks in the collection model: every contributor a creator with its role, sizes from
    the dimensions text, the thumbnail as image."""
    return tate.clean_tate_artworks(tate_artworks_raw, latest_year=_latest_year())


@lake_asset(stage="clean", model=CleanAgents)
def tate_artists_clean(tate_artists_raw: pl.LazyFrame) -> pl.LazyFrame:
    """Tate artists in the collection model, with birth and death years and places."""
    return tate.clean_tate_artists(tate_artists_raw, latest_year=_latest_year())


# --- the collection's objects: every source's clean objects as one --------------------------------
# Not a table of its own: each asset that reads them gets the clean assets and unions them lazily.
# A written union would copy the whole collection once more (at a million objects, as long as
# the clean stage's floor) for a union its readers get for free.

OBJECT_SOURCES = ("walters_objects_clean", "artic_artworks_clean", "tate_artworks_clean")
# The inputs of an asset that takes them as ``**kwargs``; their type makes the IO manager scan them.
_SCANNED = dg.PythonObjectDagsterType(pl.LazyFrame, name="ScannedLakeTable")
COLLECTION_OBJECTS = {name: dg.AssetIn(name, dagster_type=_SCANNED) for name in OBJECT_SOURCES}


def _collection(sources: dict[str, pl.LazyFrame]) -> pl.LazyFrame:
    """The objects of every source in one table, source after source."""
    return model.union_sources(*(sources[name] for name in OBJECT_SOURCES))


# --- enrich: references resolved across sources ---------------------------------------------------


@lake_asset(stage="enrich", model=CollectionAgents, ins=COLLECTION_OBJECTS)
def collection_agents(
    walters_creators_clean: pl.LazyFrame,
    artic_agents_clean: pl.LazyFrame,
    tate_artists_clean: pl.LazyFrame,
    **objects: pl.LazyFrame,
) -> pl.LazyFrame:
    """Agents of every source, plus an agent built from the object record (flagged) for every
    creator an object names that its source's agent list lacks: no creator is dropped."""
    agents = model.union_sources(walters_creators_clean, artic_agents_clean, tate_artists_clean)
    return model.complete_agents(agents, _collection(objects), latest_year=_latest_year())


@lake_asset(stage="enrich")
def collection_exhibitions(walters_exhibitions_clean: pl.LazyFrame) -> pl.LazyFrame:
    """Exhibitions from the exports (the Art Institute's API has none to harvest yet)."""
    return walters_exhibitions_clean


# --- reshape: the flat tables of the analytics database ------------------------------------------


@lake_asset(stage="reshape", model=Objects, ins=COLLECTION_OBJECTS)
def objects(context: dg.AssetExecutionContext, **sources: pl.LazyFrame) -> pl.LazyFrame:
    """One row per object across sources (key object_key). Metadata: the quirks each source's
    records showed and how they were handled, completeness per column, objects per century."""
    collection = _collection(sources)
    quirks = count_quirks(collection).collect()
    context.add_output_metadata(
        {
            "quirks_by_source": dg.MetadataValue.md(markdown_table(quirks)),
            **{
                f"quirks/{row['source']}/{name}": dg.MetadataValue.int(value)
                for row in quirks.iter_rows(named=True)
                for name, value in row.items()
                if name != "source"
            },
            "completeness": completeness_chart(
                collection.drop(model.NESTED_OBJECT_COLUMNS), title="Completeness per column"
            ),
            "objects_per_century": objects_per_century_chart(count_by_century(collection).collect()),
        }
    )
    return model.flatten_objects(collection)


@lake_asset(stage="reshape", model=Agents)
def agents(collection_agents: pl.LazyFrame) -> pl.LazyFrame:
    """One row per agent across sources (key agent_key); their issues go to record_issues."""
    return model.flatten_agents(collection_agents)


@lake_asset(stage="reshape", model=RecordIssues, ins=COLLECTION_OBJECTS)
def record_issues(
    context: dg.AssetExecutionContext, collection_agents: pl.LazyFrame, **objects: pl.LazyFrame
) -> pl.LazyFrame:
    """One row per (record_key, field, rule) the clean stage handled: source, record_key (object or
    agent key), object_number, field (the source's), rule, raw_value (as received), action (nulled,
    replaced, kept) and message, a to-do for the collections-management team. Metadata: records per
    source and rule, and the first issues."""
    issues = model.list_record_issues(_collection(objects), collection_agents)
    by_source = (
        issues.group_by("source", "rule").agg(records=pl.col("record_key").n_unique()).sort("source", "rule")
    )
    context.add_output_metadata(
        issue_metadata(by_source.collect(), issues.drop("message").head(10).collect())
    )
    return issues


@lake_asset(stage="reshape", model=ObjectAgents, ins=COLLECTION_OBJECTS)
def object_agents(**objects: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (object_key, agent_key, role)."""
    return model.link_object_agents(_collection(objects))


@lake_asset(stage="reshape", ins=COLLECTION_OBJECTS)
def places(**objects: pl.LazyFrame) -> pl.LazyFrame:
    """One row per place (key place_key), with real coordinates only."""
    return model.extract_places(_collection(objects))


@lake_asset(stage="reshape", ins=COLLECTION_OBJECTS)
def object_places(**objects: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (object_key, place_key, place_type)."""
    return model.link_object_places(_collection(objects))


@lake_asset(stage="reshape", ins=COLLECTION_OBJECTS)
def images(**objects: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (object_key, image_key), the primary image first."""
    return model.extract_images(_collection(objects))


@lake_asset(stage="reshape", ins=COLLECTION_OBJECTS)
def exhibitions(collection_exhibitions: pl.LazyFrame, **objects: pl.LazyFrame) -> pl.LazyFrame:
    """One row per exhibition; those objects name but the export lacks are kept, flagged."""
    return model.extract_exhibitions(_collection(objects), collection_exhibitions)


@lake_asset(stage="reshape", ins=COLLECTION_OBJECTS)
def object_exhibitions(collection_exhibitions: pl.LazyFrame, **objects: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (object_key, exhibition_key)."""
    return model.link_object_exhibitions(_collection(objects), collection_exhibitions)


@lake_asset(stage="reshape", ins=COLLECTION_OBJECTS)
def related_objects(walters_relationships_clean: pl.LazyFrame, **objects: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (object_key, related_object_key, relation)."""
    return model.link_related_objects(_collection(objects), walters_relationships_clean)


@lake_asset(stage="reshape", ins=COLLECTION_OBJECTS)
def classifications(**objects: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (source, classification) with its object count."""
    return model.count_by(_collection(objects), "classification")


@lake_asset(stage="reshape", ins=COLLECTION_OBJECTS)
def departments(**objects: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (source, department) with its object count."""
    return model.count_by(_collection(objects), "department")


assets = [
    walters_objects_clean,
    walters_creators_clean,
    walters_exhibitions_clean,
    walters_relationships_clean,
    artic_artworks_clean,
    artic_agents_clean,
    tate_artworks_clean,
    tate_artists_clean,
    collection_agents,
    collection_exhibitions,
    objects,
    agents,
    record_issues,
    object_agents,
    places,
    object_places,
    images,
    exhibitions,
    object_exhibitions,
    related_objects,
    classifications,
    departments,
]

asset_checks = [
    issues_check("walters_objects_clean", key="object_key", number="object_number"),
    issues_check("artic_artworks_clean", key="object_key", number="object_number"),
    issues_check("walters_creators_clean", key="agent_key"),
    issues_check("artic_agents_clean", key="agent_key"),
    model_check(
        "walters_objects_clean",
        CleanObjects,
        blocking=True,
        description="Walters objects conform to the model",
    ),
    model_check(
        "artic_artworks_clean",
        CleanObjects,
        blocking=True,
        description="Art Institute artworks conform to the model",
    ),
    model_check(
        "walters_creators_clean",
        CleanAgents,
        blocking=True,
        description="Walters creators conform to the model",
    ),
    model_check(
        "artic_agents_clean",
        CleanAgents,
        blocking=True,
        description="Art Institute agents conform to the model",
    ),
    model_check(
        "tate_artworks_clean", CleanObjects, blocking=True, description="Tate artworks conform to the model"
    ),
    model_check(
        "tate_artists_clean", CleanAgents, blocking=True, description="Tate artists conform to the model"
    ),
    model_check(
        "collection_agents",
        CollectionAgents,
        blocking=True,
        description="Agent keys unique, every agent named",
    ),
    model_check(
        "objects",
        Objects,
        blocking=True,
        description="The objects table as the database expects it, keys unique across sources",
    ),
    model_check("agents", Agents, blocking=True, description="The agents table as the database expects it"),
    model_check(
        "object_agents", ObjectAgents, blocking=True, description="One row per object, agent and role"
    ),
    model_check(
        "record_issues", RecordIssues, blocking=True, description="One row per record, field and rule handled"
    ),
    references_check("object_agents", "object_key", target="objects", target_column="object_key"),
    references_check("object_agents", "agent_key", target="agents", target_column="agent_key"),
]
