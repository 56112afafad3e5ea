"""The clean, enrich and reshape stages as assets: each one wires a pure transform to the lake.

LazyFrames in and out: the IO manager scans inputs lazily and outputs are sunk with Polars'
streaming engine, so no stage holds a whole table in memory. Each table with a blocking check is
checked before the lake holds it (``shared.stages.checked_asset``, ``table_asset``).
"""

import datetime as dt
from collections.abc import Sequence

import dagster as dg
import pandera.polars as pa
import polars as pl

from shared.checks import issues_check, lake_check, model_check, references_check
from shared.io_manager import SCANNED
from shared.metadata import completeness_chart, issue_metadata, markdown_table, objects_per_century_chart
from shared.museum import Frame, Museum
from shared.schemas.clean import CleanAgents, CleanObjects, CollectionAgents
from shared.schemas.common import of_source
from shared.stages import checked_asset, lake_asset, table_asset
from transforms import identities, model
from transforms.quirks import count_by_century, count_quirks


def _latest_year() -> int:
    """The last plausible year of a date (shared.issues): this one. Read here, where the clock
    may be read; the transforms take it as an argument."""
    return dt.datetime.now(dt.UTC).year


# --- clean: each museum conformed to the collection model ---------------------------------------


def _clean_asset(
    museum: Museum, frame: Frame, model: type[pa.DataFrameModel] | None, check: str = ""
) -> dg.AssetsDefinition:
    """The clean asset of ``frame``; with a ``model``, checked against it (``check``: what that
    asserts) before the lake holds it."""
    name, ins = frame.cleaned(museum.name), {"raw": dg.AssetIn(frame.raw(museum.name), dagster_type=SCANNED)}
    decorate = (
        checked_asset(
            checks=[model_check(model, description=check)],
            stage="clean",
            model=model,
            name=name,
            description=frame.description,
            ins=ins,
        )
        if model
        else lake_asset(stage="clean", name=name, description=frame.description, ins=ins)
    )

    @decorate
    def _asset(raw: pl.LazyFrame) -> pl.LazyFrame:
        return frame.clean(raw, latest_year=_latest_year())

    return _asset


def clean_assets(museum: Museum) -> tuple[list[dg.AssetsDefinition], list[dg.AssetChecksDefinition]]:
    """The museum's clean assets, one per frame it declares, and their checks: objects and agents
    conform to the model narrowed to the museum (blocking, in the asset) and stay within the
    record-level rules' thresholds (warning)."""
    objects, agents = museum.objects.cleaned(museum.name), museum.agents.cleaned(museum.name)
    object_model, agent_model = of_source(CleanObjects, museum.name), of_source(CleanAgents, museum.name)
    assets = [
        _clean_asset(museum, museum.objects, object_model, f"{museum.title}: objects conform to the model"),
        _clean_asset(museum, museum.agents, agent_model, f"{museum.title}: agents conform to the model"),
        *(_clean_asset(museum, f, None) for f in (museum.exhibitions, museum.relationships) if f),
    ]
    checks = [
        lake_check(objects, issues_check(key="object_key", number="object_number")),
        lake_check(agents, issues_check(key="agent_key")),
    ]
    return assets, checks


def _inputs(names: list[str]) -> dict[str, dg.AssetIn]:
    return {name: dg.AssetIn(name, dagster_type=SCANNED) for name in names}


def _pick(frames: dict[str, pl.LazyFrame], names: list[str], schema: pl.Schema) -> pl.LazyFrame:
    """The frames ``names`` (in that order) in one table of ``schema``, source after source."""
    return model.union_sources(*(frames[name] for name in names), schema=schema)


def collection_assets(
    museums: Sequence[Museum],
) -> tuple[list[dg.AssetsDefinition], list[dg.AssetChecksDefinition]]:
    """The enrich and reshape assets over ``museums``, and their checks apart (none: each checked
    table's checks are its asset's own)."""
    object_sources = [m.objects.cleaned(m.name) for m in museums]
    agent_sources = [m.agents.cleaned(m.name) for m in museums]
    exhibition_sources = [m.exhibitions.cleaned(m.name) for m in museums if m.exhibitions]
    relationship_sources = [m.relationships.cleaned(m.name) for m in museums if m.relationships]
    # The collection's objects are not a table of their own: each asset that reads them gets the
    # clean assets and unions them lazily. A written union would copy the whole collection once
    # more (at a million objects, as long as the clean stage's floor) for a union its readers get
    # for free.
    collection_objects = _inputs(object_sources)

    def _collection(sources: dict[str, pl.LazyFrame]) -> pl.LazyFrame:
        """The objects of every source in one table, source after source."""
        return _pick(sources, object_sources, model.OBJECT_SCHEMA)

    # --- enrich: references resolved across sources ---------------------------------------------------

    @checked_asset(
        stage="enrich",
        model=CollectionAgents,
        checks=[model_check(CollectionAgents, description="Agent keys unique, every agent named")],
        ins={**collection_objects, **_inputs(agent_sources)},
    )
    def collection_agents(**frames: pl.LazyFrame) -> pl.LazyFrame:
        """Agents of every source, plus an agent built from the object record (flagged) for every
        creator an object names that its source's agent list lacks: no creator is dropped."""
        agents = _pick(frames, agent_sources, model.AGENT_SCHEMA)
        return model.complete_agents(agents, _collection(frames), latest_year=_latest_year())

    @lake_asset(stage="enrich", ins=_inputs(exhibition_sources))
    def collection_exhibitions(**exhibitions: pl.LazyFrame) -> pl.LazyFrame:
        """Exhibitions of every museum that sends them (the Walters' exports; the Art Institute's API
        has none to harvest yet)."""
        return _pick(exhibitions, exhibition_sources, model.EXHIBITION_SCHEMA)

    # --- reshape: the flat tables of the analytics database ------------------------------------------

    @table_asset(
        "objects",
        check="The objects table as the database expects it, keys unique across sources",
        ins=collection_objects,
    )
    def objects(**sources: pl.LazyFrame) -> dg.Output[pl.LazyFrame]:
        """One row per object across sources (key object_key). Metadata: the quirks each source's
        records showed and how they were handled, completeness per column, objects per century."""
        collection = _collection(sources)
        quirks = count_quirks(collection).collect()
        return dg.Output(
            model.flatten_objects(collection),
            metadata={
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
            },
        )

    @table_asset("agent_matches", check="One row per candidate pair of agents, each decided with a reason")
    def agent_matches(collection_agents: pl.LazyFrame) -> dg.Output[pl.LazyFrame]:
        """One row per candidate pair of agents of different museums (key agent_key, other_agent_key):
        both names and types, the blocking key, decision (merged, kept_apart) and reason. Metadata:
        pairs per decision."""
        matches = identities.match_agents(collection_agents).collect()
        decided = matches.group_by("decision").agg(pairs=pl.len()).sort("decision")
        return dg.Output(
            matches.lazy(), metadata={"pairs_by_decision": dg.MetadataValue.md(markdown_table(decided))}
        )

    @table_asset("agents")
    def agents(collection_agents: pl.LazyFrame, agent_matches: pl.LazyFrame) -> pl.LazyFrame:
        """One row per agent across sources (key agent_key) with its identity_key; their issues go
        to record_issues."""
        return model.flatten_agents(collection_agents, agent_matches)

    @table_asset("agent_identities", check="One row per identity, key identity_key")
    def agent_identities(agents: pl.LazyFrame, object_agents: pl.LazyFrame) -> pl.LazyFrame:
        """One row per maker across museums (key identity_key): preferred name, type, years, the
        museums and agents it gathers and its object count."""
        return identities.describe_identities(agents, object_agents)

    @table_asset("record_issues", check="One row per record, field and rule handled", ins=collection_objects)
    def record_issues(collection_agents: pl.LazyFrame, **objects: pl.LazyFrame) -> dg.Output[pl.LazyFrame]:
        """One row per (record_key, field, rule) the clean stage handled: source, record_key (object or
        agent key), object_number, field (the source's), rule, raw_value (as received), action (nulled,
        replaced, kept, dropped) and message, a to-do for the collections-management team. Metadata: records per
        source and rule, and the first issues."""
        issues = model.list_record_issues(_collection(objects), collection_agents)
        by_source = (
            issues.group_by("source", "rule")
            .agg(records=pl.col("record_key").n_unique())
            .sort("source", "rule")
        )
        return dg.Output(
            issues, metadata=issue_metadata(by_source.collect(), issues.drop("message").head(10).collect())
        )

    @table_asset(
        "object_agents",
        check="One row per object, agent and role",
        # Checked against the objects and agents as the lake holds them, which are built first.
        checks=[
            references_check("object_key", target="objects", target_column="object_key"),
            references_check("agent_key", target="agents", target_column="agent_key"),
        ],
        ins=collection_objects,
    )
    def object_agents(**objects: pl.LazyFrame) -> pl.LazyFrame:
        """One row per (object_key, agent_key, role)."""
        return model.link_object_agents(_collection(objects))

    @table_asset("places", ins=collection_objects)
    def places(**objects: pl.LazyFrame) -> pl.LazyFrame:
        """One row per place (key place_key), with real coordinates only."""
        return model.extract_places(_collection(objects))

    @table_asset("object_places", ins=collection_objects)
    def object_places(**objects: pl.LazyFrame) -> pl.LazyFrame:
        """One row per (object_key, place_key, place_type)."""
        return model.link_object_places(_collection(objects))

    @table_asset("images", ins=collection_objects)
    def images(**objects: pl.LazyFrame) -> pl.LazyFrame:
        """One row per (object_key, image_key), the primary image first."""
        return model.extract_images(_collection(objects))

    @table_asset("exhibitions", ins=collection_objects)
    def exhibitions(collection_exhibitions: pl.LazyFrame, **objects: pl.LazyFrame) -> pl.LazyFrame:
        """One row per exhibition; those objects name but the export lacks are kept, flagged."""
        return model.extract_exhibitions(_collection(objects), collection_exhibitions)

    @table_asset("object_exhibitions", ins=collection_objects)
    def object_exhibitions(collection_exhibitions: pl.LazyFrame, **objects: pl.LazyFrame) -> pl.LazyFrame:
        """One row per (object_key, exhibition_key)."""
        return model.link_object_exhibitions(_collection(objects), collection_exhibitions)

    @table_asset("related_objects", ins={**collection_objects, **_inputs(relationship_sources)})
    def related_objects(**frames: pl.LazyFrame) -> pl.LazyFrame:
        """One row per (object_key, related_object_key, relation)."""
        relationships = _pick(frames, relationship_sources, model.RELATIONSHIP_SCHEMA)
        return model.link_related_objects(_collection(frames), relationships)

    @table_asset("classifications", ins=collection_objects)
    def classifications(**objects: pl.LazyFrame) -> pl.LazyFrame:
        """One row per (source, classification) with its object count."""
        return model.count_by(_collection(objects), "classification")

    @table_asset("departments", ins=collection_objects)
    def departments(**objects: pl.LazyFrame) -> pl.LazyFrame:
        """One row per (source, department) with its object count."""
        return model.count_by(_collection(objects), "department")

    assets = [
        collection_agents,
        collection_exhibitions,
        objects,
        agent_matches,
        agents,
        agent_identities,
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

    return assets, []
