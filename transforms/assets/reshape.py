"""The reshape stage: the flat tables of the analytics database, one asset a table
(``shared.stages.table_asset``), grouped here by what they describe."""

import dagster as dg
import polars as pl

from shared.checks import references_check
from shared.metadata import completeness_chart, issue_metadata, markdown_table, objects_per_century_chart
from shared.stages import table_asset
from transforms import identities, model
from transforms.assets.inputs import Collection, inputs, union
from transforms.quirks import count_by_century, count_quirks


def reshape_assets(collection: Collection) -> list[dg.AssetsDefinition]:
    """Every table of the database but its views, over the museums of ``collection``."""
    return [
        _objects(collection),
        *_agent_tables(),
        _record_issues(collection),
        *_object_links(collection),
        *_exhibitions_and_relations(collection),
        *_vocabularies(collection),
    ]


def _objects(collection: Collection) -> dg.AssetsDefinition:
    @table_asset(
        "objects",
        check="The objects table as the database expects it, keys unique across sources",
        ins=collection.objects_in,
    )
    def objects(**sources: pl.LazyFrame) -> dg.Output[pl.LazyFrame]:
        """One row per object across sources (key object_key). Metadata: the quirks each source's
        records showed and how they were handled, completeness per column, objects per century."""
        every_object = collection.objects_of(sources)
        quirks = count_quirks(every_object).collect()
        return dg.Output(
            model.flatten_objects(every_object),
            metadata={
                "quirks_by_source": dg.MetadataValue.md(markdown_table(quirks)),
                **{
                    f"quirks/{row['source']}/{name}": dg.MetadataValue.int(value)
                    for row in quirks.iter_rows(named=True)
                    for name, value in row.items()
                    if name != "source"
                },
                "completeness": completeness_chart(
                    every_object.drop(model.NESTED_OBJECT_COLUMNS), title="Completeness per column"
                ),
                "objects_per_century": objects_per_century_chart(count_by_century(every_object).collect()),
            },
        )

    return objects


def _agent_tables() -> list[dg.AssetsDefinition]:
    @table_asset("agent_matches", check="One row per candidate pair of agents, each decided with a reason")
    def agent_matches(collection_agents: pl.LazyFrame) -> dg.Output[pl.LazyFrame]:
        """One row per candidate pair of agents (of one museum or two; key agent_key, other_agent_key):
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

    return [agent_matches, agents, agent_identities]


def _record_issues(collection: Collection) -> dg.AssetsDefinition:
    @table_asset(
        "record_issues", check="One row per record, field and rule handled", ins=collection.objects_in
    )
    def record_issues(collection_agents: pl.LazyFrame, **objects: pl.LazyFrame) -> dg.Output[pl.LazyFrame]:
        """One row per (record_key, field, rule) the clean stage handled: source, record_key (object or
        agent key), object_number, field (the source's), rule, raw_value (as received), action (nulled,
        replaced, kept, dropped) and message, a to-do for the collections-management team. Metadata: records per
        source and rule, and the first issues."""
        issues = model.list_record_issues(collection.objects_of(objects), collection_agents)
        by_source = (
            issues.group_by("source", "rule")
            .agg(records=pl.col("record_key").n_unique())
            .sort("source", "rule")
        )
        return dg.Output(
            issues, metadata=issue_metadata(by_source.collect(), issues.drop("message").head(10).collect())
        )

    return record_issues


def _object_links(collection: Collection) -> list[dg.AssetsDefinition]:
    @table_asset(
        "object_agents",
        check="One row per object, agent and role",
        # Checked against the objects and agents as the lake holds them, which are built first.
        checks=[
            references_check("object_key", target="objects", target_column="object_key"),
            references_check("agent_key", target="agents", target_column="agent_key"),
        ],
        ins=collection.objects_in,
    )
    def object_agents(**objects: pl.LazyFrame) -> pl.LazyFrame:
        """One row per (object_key, agent_key, role)."""
        return model.link_object_agents(collection.objects_of(objects))

    @table_asset("places", ins=collection.objects_in)
    def places(**objects: pl.LazyFrame) -> pl.LazyFrame:
        """One row per place (key place_key), with real coordinates only."""
        return model.extract_places(collection.objects_of(objects))

    @table_asset("object_places", ins=collection.objects_in)
    def object_places(**objects: pl.LazyFrame) -> pl.LazyFrame:
        """One row per (object_key, place_key, place_type)."""
        return model.link_object_places(collection.objects_of(objects))

    @table_asset("images", ins=collection.objects_in)
    def images(**objects: pl.LazyFrame) -> pl.LazyFrame:
        """One row per (object_key, image_key), the primary image first."""
        return model.extract_images(collection.objects_of(objects))

    return [object_agents, places, object_places, images]


def _exhibitions_and_relations(collection: Collection) -> list[dg.AssetsDefinition]:
    @table_asset("exhibitions", ins=collection.objects_in)
    def exhibitions(collection_exhibitions: pl.LazyFrame, **objects: pl.LazyFrame) -> pl.LazyFrame:
        """One row per exhibition; those objects name but the export lacks are kept, flagged."""
        return model.extract_exhibitions(collection.objects_of(objects), collection_exhibitions)

    @table_asset("object_exhibitions", ins=collection.objects_in)
    def object_exhibitions(collection_exhibitions: pl.LazyFrame, **objects: pl.LazyFrame) -> pl.LazyFrame:
        """One row per (object_key, exhibition_key)."""
        return model.link_object_exhibitions(collection.objects_of(objects), collection_exhibitions)

    @table_asset("related_objects", ins={**collection.objects_in, **inputs(collection.relationships)})
    def related_objects(**frames: pl.LazyFrame) -> pl.LazyFrame:
        """One row per (object_key, related_object_key, relation)."""
        relationships = union(frames, collection.relationships, model.RELATIONSHIP_SCHEMA)
        return model.link_related_objects(collection.objects_of(frames), relationships)

    return [exhibitions, object_exhibitions, related_objects]


def _vocabularies(collection: Collection) -> list[dg.AssetsDefinition]:
    @table_asset("classifications", ins=collection.objects_in)
    def classifications(**objects: pl.LazyFrame) -> pl.LazyFrame:
        """One row per (source, classification) with its object count."""
        return model.count_by(collection.objects_of(objects), "classification")

    @table_asset("departments", ins=collection.objects_in)
    def departments(**objects: pl.LazyFrame) -> pl.LazyFrame:
        """One row per (source, department) with its object count."""
        return model.count_by(collection.objects_of(objects), "department")

    return [classifications, departments]
