"""The collection model every source conforms to, and the enrich and reshape stages.

Clean stage (per source, ``harvest/<museum>/clean.py``): one row per object with
its creators, places, images, exhibitions and related objects nested (``OBJECT_SCHEMA``), and one
row per agent (``AGENT_SCHEMA``).
Enrich stage: sources unioned (lazily, where read: ``union_sources``); creator references joined to
agents, and agents that objects name but no export holds built from the object records, flagged,
never dropped.
Reshape stage: the flat tables of the analytics database, one function per table. Tables of
objects and their links keep the collection's order, which is fixed by the input (rows in the
order they first appear): a sort would cost time at every size and hold wide tables whole in
memory, and the database keeps no row order anyway. Tables built by grouping (places,
exhibitions, vocabularies) are sorted by key. Either way the same input gives the same files.
"""

import polars as pl

from shared.issues import (
    BLANK_TITLE,
    ISSUE,
    ISSUES,
    PENDING_PREFIX,
    RECEIVED_ISSUES,
    REPLACED,
    collect_issues,
    describe_issues,
    issue,
    issue_rows,
    pending_issues,
)
from transforms.agent_types import name_cultures_of_objects, type_agents
from transforms.identities import assign_identities
from transforms.lists import distinct_elements
from transforms.people import parse_life_dates
from transforms.text import clean_text

_creator = pl.Struct({"agent_key": pl.String, "display_name": pl.String, "role": pl.String})
_place = pl.Struct(
    {
        "place_key": pl.String,
        "name": pl.String,
        "place_type": pl.String,
        "hierarchy": pl.String,
        "latitude": pl.Float64,
        "longitude": pl.Float64,
        "coordinates_sentinel": pl.Boolean,
    }
)
_image = pl.Struct(
    {
        "image_key": pl.String,
        "url": pl.String,
        "is_primary": pl.Boolean,
        "rank": pl.Int64,
        # Pixel size of the full image, where the source gives it (null: unknown, never guessed).
        "width": pl.Int64,
        "height": pl.Int64,
        # Base URI of the image's IIIF Image API 2 service, where the source serves one.
        "iiif_service": pl.String,
    }
)
_exhibition = pl.Struct(
    {"exhibition_key": pl.String, "title": pl.String, "begin_year": pl.Int32, "end_year": pl.Int32}
)
_related = pl.Struct({"related_object_key": pl.String, "relation": pl.String})

OBJECT_SCHEMA = pl.Schema(
    {
        "object_key": pl.String,
        "source": pl.String,
        "source_id": pl.String,
        "object_number": pl.String,
        "title": pl.String,
        "title_is_fallback": pl.Boolean,
        "object_name": pl.String,
        "classification": pl.String,
        "department": pl.String,
        "date_text": pl.String,
        "date_start_year": pl.Int32,
        "date_end_year": pl.Int32,
        "date_precision": pl.String,
        "date_uncertain": pl.Boolean,
        "date_source": pl.String,
        "date_sentinel": pl.Boolean,
        "date_bce": pl.Boolean,
        "date_hijri": pl.Boolean,
        "date_inverted": pl.Boolean,
        "date_inverted_resolved": pl.Boolean,
        "date_contradicted": pl.Boolean,
        "dimensions_text": pl.String,
        "height_cm": pl.Float64,
        "width_cm": pl.Float64,
        "depth_cm": pl.Float64,
        "diameter_cm": pl.Float64,
        "length_cm": pl.Float64,
        "medium": pl.String,
        "culture": pl.String,
        "period": pl.String,
        "dynasty": pl.String,
        "style": pl.String,
        "credit_line": pl.String,
        "description": pl.String,
        "provenance": pl.String,
        "inscriptions": pl.String,
        "keywords": pl.List(pl.String),
        "on_view": pl.Boolean,
        "location": pl.String,
        "url": pl.String,
        # The rights statement (a URI) the source makes about the object's images; null: none stated.
        "image_rights": pl.String,
        "creators": pl.List(_creator),
        "places": pl.List(_place),
        "images": pl.List(_image),
        "exhibitions": pl.List(_exhibition),
        "related": pl.List(_related),
        "harvested_at": pl.Datetime("us", "UTC"),
        # The record's problems the clean stage handled (shared.issues); empty when clean.
        ISSUES: pl.List(ISSUE),
    }
)

AGENT_SCHEMA = pl.Schema(
    {
        "agent_key": pl.String,
        "source": pl.String,
        "source_id": pl.String,
        "name": pl.String,
        "sort_name": pl.String,
        # person, group, culture or anonymous (transforms.agent_types)
        "agent_type": pl.String,
        "nationality": pl.String,
        "birth_year": pl.Int32,
        "death_year": pl.Int32,
        "active_start_year": pl.Int32,
        "active_end_year": pl.Int32,
        "gender": pl.String,
        "birth_place": pl.String,
        "death_place": pl.String,
        "biography": pl.String,
        "url": pl.String,
        "in_source_export": pl.Boolean,
        ISSUES: pl.List(ISSUE),
    }
)

# The exhibitions and related-object links a museum may send (``Museum.exhibitions``,
# ``Museum.relationships``), as their clean frames hold them.
EXHIBITION_SCHEMA = pl.Schema(
    {
        "exhibition_key": pl.String,
        "title": pl.String,
        "begin_year": pl.Int32,
        "end_year": pl.Int32,
        "citation": pl.String,
        "object_keys": pl.List(pl.String),
    }
)
RELATIONSHIP_SCHEMA = pl.Schema(
    {"object_key": pl.String, "related_object_key": pl.String, "relation": pl.String}
)


# The order of an object's images: the primary first, then by the museum's rank (images without one
# last), as one Int64 per image for transforms.lists.distinct_elements. Ranks beyond +-2**60 (none
# seen) count as +-2**60, so such images keep the order they came in.
_RANK_BOUND = 2**60
IMAGE_ORDER = (~pl.element().struct.field("is_primary").fill_null(False)).cast(pl.Int64) * 2**62 + (
    pl.element().struct.field("rank").clip(-_RANK_BOUND, _RANK_BOUND - 1).fill_null(_RANK_BOUND)
)


def source_key(source: str, expr: pl.Expr) -> pl.Expr:
    """``<source>:<id>``: the key of a source's record (object, agent, place, image...) across sources."""
    return pl.concat_str(pl.lit(f"{source}:"), expr.cast(pl.String))


def parsed_columns() -> pl.Expr:
    """What ``parse_dates`` and ``parse_dimensions`` added, and ``harvested_at``: passed through a
    clean function's final select (``conform_to`` keeps only the model's columns)."""
    return pl.col(
        r"^date_.*$", "height_cm", "width_cm", "depth_cm", "diameter_cm", "length_cm", "harvested_at"
    )


def identity(source: str, id_column: str, *, key: str) -> dict[str, pl.Expr]:
    """The columns that name a source's record: ``key`` (``object_key`` or ``agent_key``, from
    ``source_key``), ``source`` and ``source_id`` (the source's own id, ``id_column``, as text);
    and the issues the harvest found in the raw record (``RECEIVED_ISSUES``), as a pending list
    that ``conform_to`` puts first in ``issues``."""
    own_id = pl.col(id_column)
    return {
        key: source_key(source, own_id),
        "source": pl.lit(source),
        "source_id": own_id.cast(pl.String),
        # A regex: a raw frame without the column (a hand-built one in a test) selects nothing here.
        f"{PENDING_PREFIX}{RECEIVED_ISSUES}": pl.col(f"^{RECEIVED_ISSUES}$"),
    }


def untitled(key: pl.Expr) -> pl.Expr:
    """The last title fallback, when a record has no title, name or number: never empty."""
    return pl.concat_str(pl.lit("Untitled ("), key, pl.lit(")"))


def conform_to(lf: pl.LazyFrame, schema: pl.Schema) -> pl.LazyFrame:
    """Exactly ``schema``'s columns, in order and type; a column the source lacks is null. Where
    ``schema`` has ``issues``, the pending issues are listed there first (``collect_issues``)."""
    if ISSUES in schema:
        lf = collect_issues(lf)
    have = lf.collect_schema()
    return lf.select(
        (pl.col(name) if name in have else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in schema.items()
    )


def titled(title_field: str, *fallbacks: pl.Expr, key: pl.Expr) -> dict[str, pl.Expr]:
    """``title`` (the source's ``title_field`` cleaned, else the first of ``fallbacks``, else
    "Untitled (key)": never empty), ``title_is_fallback``, and a pending ``blank_title`` issue where
    the source sent a title of whitespace or markup only (it is replaced)."""
    raw = pl.col(title_field)
    title = clean_text(raw)
    blank = raw.is_not_null() & title.is_null()
    blank_title = issue(BLANK_TITLE, title_field, when=blank, raw_value=raw, action=REPLACED)
    return {
        "title": pl.coalesce(title, *fallbacks, untitled(key)),
        "title_is_fallback": title.is_null(),
        blank_title.meta.output_name(): blank_title,
    }


# --- enrich -------------------------------------------------------------------------------------


def union_sources(*frames: pl.LazyFrame, schema: pl.Schema) -> pl.LazyFrame:
    """All sources' frames of one shape (``schema``) as one, source after source; no frame at all
    (no museum sends this kind) is an empty frame of ``schema``. Not sorted: each source's frame has
    a fixed order already, and sorting wide nested rows would hold them all in memory."""
    if not frames:
        return pl.LazyFrame(schema=schema)
    return pl.concat(frames, how="vertical")


def creator_links(objects: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (object_key, agent_key, role): the creator references of every object."""
    return (
        objects.select("object_key", "creators")
        .explode("creators", empty_as_null=False)
        .unnest("creators")
        .drop_nulls("agent_key")
        .with_columns(role=pl.col("role").fill_null("Unknown"))
        .unique(["object_key", "agent_key", "role"], keep="first", maintain_order=True)
    )


def complete_agents(agents: pl.LazyFrame, objects: pl.LazyFrame, *, latest_year: int) -> pl.LazyFrame:
    """Every agent an object names: the sources' exports, plus one built from the object record
    (``in_source_export`` false) for each creator the export lacks, so no reference dangles.
    ``latest_year`` bounds the plausible life years (``transforms.people.parse_life_dates``)."""
    agents = agents.pipe(conform_to, AGENT_SCHEMA)
    missing = (
        creator_links(objects)
        .join(agents.select("agent_key"), on="agent_key", how="anti")
        .sort("agent_key", "object_key")
        .unique("agent_key", keep="first", maintain_order=True)
        .with_columns(
            source=pl.col("agent_key").str.extract(r"^([^:]+):", 1),
            source_id=pl.col("agent_key").str.extract(r"^[^:]+:(.*)$", 1),
        )
        .rename({"display_name": "display_text"})
        .pipe(parse_life_dates, display="display_text", latest_year=latest_year)
        .select(
            "agent_key",
            "source",
            "source_id",
            # The object record's display string is all there is; never leave the agent nameless.
            pl.coalesce("display_name", "display_text", "agent_key").alias("name"),
            pl.col("nationality", "birth_year", "death_year", "active_start_year", "active_end_year"),
            pending_issues(),
            in_source_export=pl.lit(False),
        )
        # Typed by the shared rules, with the nationalities every museum's agents name.
        .pipe(type_agents, vocabulary=agents.select("nationality"))
        .pipe(conform_to, AGENT_SCHEMA)
    )
    return name_cultures_of_objects(pl.concat([agents, missing]).sort("agent_key"), objects)


# --- reshape ------------------------------------------------------------------------------------

# Nested columns of the clean objects that the objects table leaves to tables of their own.
NESTED_OBJECT_COLUMNS = ("creators", "places", "images", "exhibitions", "related", ISSUES)


def flatten_objects(objects: pl.LazyFrame) -> pl.LazyFrame:
    """``objects``: one row per object, key ``object_key``; nested lists go to their own tables."""
    return objects.select(
        pl.exclude(*NESTED_OBJECT_COLUMNS),
        image_count=pl.col("images").list.len().fill_null(0).cast(pl.Int32),
        primary_image_url=pl.col("images").list.first().struct.field("url"),
    )  # Not sorted: the objects' order is fixed already, and sorting wide rows would hold them all.


def flatten_agents(agents: pl.LazyFrame, matches: pl.LazyFrame) -> pl.LazyFrame:
    """``agents``: one row per agent, key ``agent_key``, with its ``identity_key`` from the merged
    pairs of ``matches`` (``transforms.identities``); their issues go to ``record_issues``."""
    return assign_identities(agents.drop(ISSUES), matches)


def link_object_agents(objects: pl.LazyFrame) -> pl.LazyFrame:
    """``object_agents``: one row per (object_key, agent_key, role), key all three."""
    return creator_links(objects).select("object_key", "agent_key", "role")


def _explode_nested(objects: pl.LazyFrame, column: str) -> pl.LazyFrame:
    return (
        objects.select("object_key", column)
        .explode(column, empty_as_null=False)
        .drop_nulls(column)
        .unnest(column)
    )


def extract_places(objects: pl.LazyFrame) -> pl.LazyFrame:
    """``places``: one row per place (key ``place_key``); coordinates from any entry that has them."""
    return (
        _explode_nested(objects, "places")
        .group_by("place_key")
        .agg(
            pl.col("name", "hierarchy").drop_nulls().first(),
            pl.col("latitude", "longitude").drop_nulls().first(),
            object_count=pl.col("object_key").n_unique().cast(pl.Int32),
        )
        .sort("place_key")
    )


def link_object_places(objects: pl.LazyFrame) -> pl.LazyFrame:
    """``object_places``: one row per (object_key, place_key, place_type)."""
    return (
        _explode_nested(objects, "places")
        .select("object_key", "place_key", "place_type")
        .unique(maintain_order=True)
    )


def extract_images(objects: pl.LazyFrame) -> pl.LazyFrame:
    """``images``: one row per (object_key, image_key), primary first, then by rank, within an object.

    Ordered and deduplicated inside each object's list, not across the table: a table-wide sort or
    unique would hold every image in memory; rows follow the objects' order, which is fixed."""
    images = distinct_elements(
        pl.col("images"), order_by=IMAGE_ORDER, key=pl.element().struct.field("image_key")
    )
    return _explode_nested(objects.with_columns(images=images), "images")


def extract_exhibitions(objects: pl.LazyFrame, exhibitions: pl.LazyFrame) -> pl.LazyFrame:
    """``exhibitions``: one row per exhibition (key ``exhibition_key``): the exports' records plus
    any exhibition an object names that the export lacks (``in_source_export`` false)."""
    named = (
        _explode_nested(objects, "exhibitions")
        .drop("object_key")
        .unique("exhibition_key", keep="first", maintain_order=True)
    )
    missing = named.join(exhibitions, on="exhibition_key", how="anti").with_columns(
        in_source_export=pl.lit(False)
    )
    return (
        pl.concat([exhibitions.with_columns(in_source_export=pl.lit(True)), missing], how="diagonal_relaxed")
        .with_columns(source=pl.col("exhibition_key").str.extract(r"^([^:]+):", 1))
        .sort("exhibition_key")
    )


def link_object_exhibitions(objects: pl.LazyFrame, exhibitions: pl.LazyFrame) -> pl.LazyFrame:
    """``object_exhibitions``: one row per (object_key, exhibition_key), from object records and from
    the exports' artwork lists, restricted to objects in the collection."""
    from_objects = _explode_nested(objects, "exhibitions").select("object_key", "exhibition_key")
    from_exports = exhibitions.select("exhibition_key", object_key=pl.col("object_keys")).explode(
        "object_key", empty_as_null=False
    )
    return (
        pl.concat([from_objects, from_exports.select("object_key", "exhibition_key")])
        .drop_nulls()
        .join(objects.select("object_key"), on="object_key", how="semi", maintain_order="left")
        .unique(maintain_order=True)
    )


def link_related_objects(objects: pl.LazyFrame, relationships: pl.LazyFrame) -> pl.LazyFrame:
    """``related_objects``: one row per (object_key, related_object_key, relation), from object
    records and relationship exports, for objects in the collection; links to objects outside it
    are kept, with ``related_in_collection`` false."""
    known = objects.select(related_object_key=pl.col("object_key"), related_in_collection=pl.lit(True))
    return (
        pl.concat(
            [
                _explode_nested(objects, "related"),
                relationships.select("object_key", "related_object_key", "relation"),
            ]
        )
        .join(objects.select("object_key"), on="object_key", how="semi", maintain_order="left")
        .unique(maintain_order=True)
        .join(known, on="related_object_key", how="left", maintain_order="left")
        .with_columns(pl.col("related_in_collection").fill_null(False))
    )


def count_by(objects: pl.LazyFrame, column: str) -> pl.LazyFrame:
    """A vocabulary table (``classifications``, ``departments``): one row per (source, value)."""
    return (
        objects.drop_nulls(column)
        .group_by("source", column)
        .agg(object_count=pl.len().cast(pl.Int32))
        .sort("source", column)
    )


def list_record_issues(objects: pl.LazyFrame, agents: pl.LazyFrame) -> pl.LazyFrame:
    """``record_issues``: one row per (record_key, field, rule) the clean stage handled, objects
    then agents, in their order: ``source``, ``record_key`` (object_key or agent_key),
    ``object_number`` (the accession number; null for agents), ``field`` (the source's), ``rule``,
    ``raw_value`` (as received, text), ``action`` (nulled, replaced, kept, dropped) and ``message``, worded
    as a to-do for the collections-management team."""
    return describe_issues(
        pl.concat(
            [
                issue_rows(objects, key="object_key", number="object_number"),
                issue_rows(agents, key="agent_key"),
            ]
        )
    )
