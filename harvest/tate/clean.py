"""Tate artworks and artists in the collection model (``transforms.model``), row for row; pure.

The shared parsers do the reading. The Tate's own choices: sizes come from its dimensions text, which
reads height x width ("support: 206 x 305 mm"; the structured ``width``/``height`` strings are mostly
the other way round, and garbled where a label has brackets); every contributor is a creator with the
Tate's role ("artist", "after", ...); keywords are the leaves of the ``subjects`` tree; an artist's
years are the structured ones, else read from the ``date`` text ("born 1935").
"""

import polars as pl

from shared.issues import pending_issues, plausible_or_null
from shared.museum import record_by_record
from transforms.agent_types import type_agents
from transforms.dates import parse_dates
from transforms.dimensions import parse_dimensions
from transforms.model import (
    AGENT_SCHEMA,
    OBJECT_SCHEMA,
    conform_to,
    identity,
    parsed_columns,
    source_key,
    titled,
)
from transforms.people import parse_life_dates
from transforms.text import clean_fields, clean_label, clean_text

SOURCE = "tate"


def _key(expr: pl.Expr) -> pl.Expr:
    return source_key(SOURCE, expr)


def _creators() -> pl.Expr:
    """Every contributor, in the Tate's display order, keyed by its artist id."""
    contributors = clean_fields(pl.col("contributors").fill_null([]), text=["fc", "role"])
    return contributors.list.eval(
        pl.struct(
            agent_key=_key(pl.element().struct.field("id")),
            display_name=pl.element().struct.field("fc"),
            role=pl.element().struct.field("role"),
        )
    )


def _subject_names() -> pl.Expr:
    """The leaves of the subjects tree (root, category, group, subject), each name once."""
    nodes = pl.col("subjects").struct.field("children")
    for _ in range(2):
        nodes = nodes.list.eval(pl.element().struct.field("children").explode(empty_as_null=False))
    return (
        nodes.list.eval(pl.element().struct.field("name")).list.drop_nulls().list.unique(maintain_order=True)
    )


def _images() -> pl.Expr:
    """The thumbnail, the one image the dump links to each artwork, keyed by its file name."""
    thumbnail = pl.col("thumbnailUrl")
    image = pl.struct(
        image_key=_key(thumbnail.str.extract(r"([^/]+?)(?:\.\w+)?$", 1)),
        url=thumbnail,
        is_primary=pl.lit(True),
        rank=pl.lit(1, pl.Int64),
    )
    return pl.when(thumbnail.is_not_null()).then(pl.concat_list(image)).otherwise(pl.lit([]))


@record_by_record
def clean_tate_artworks(raw: pl.LazyFrame, *, latest_year: int) -> pl.LazyFrame:
    """One row per artwork (key ``object_key``) in ``transforms.model.OBJECT_SCHEMA``, its problems
    in ``issues`` (``latest_year``: the last plausible year, see ``shared.issues``)."""
    begin, end = "dateRange.startYear", "dateRange.endYear"  # named as the issues name the fields
    artworks = (
        raw.with_columns(
            dateText=clean_text(pl.col("dateText")),
            **{begin: pl.col("dateRange").struct.field("startYear")},
            **{end: pl.col("dateRange").struct.field("endYear")},
        )
        .pipe(parse_dates, text="dateText", begin=begin, end=end, latest_year=latest_year)
        .pipe(parse_dimensions, text="dimensions")
    )
    return artworks.select(
        parsed_columns(),
        pending_issues(),
        **titled("title", clean_text(pl.col("acno")), key=_key(pl.col("id"))),
        **identity(SOURCE, "id", key="object_key"),
        object_number=clean_text(pl.col("acno")),
        date_text=pl.col("dateText"),
        classification=clean_label(pl.col("classification")),
        dimensions_text=clean_text(pl.col("dimensions")),
        medium=clean_text(pl.col("medium")),
        credit_line=clean_text(pl.col("creditLine")),
        inscriptions=clean_text(pl.col("inscription")),
        keywords=_subject_names(),
        url=pl.col("url"),
        creators=_creators(),
        images=_images(),
    ).pipe(conform_to, OBJECT_SCHEMA)


def clean_tate_artists(raw: pl.LazyFrame, *, latest_year: int) -> pl.LazyFrame:
    """One row per artist (key ``agent_key``) in ``transforms.model.AGENT_SCHEMA``; years beyond
    the plausible range (up to ``latest_year``) nulled and listed in ``issues``."""

    def event(name: str, field: str) -> pl.Expr:
        return pl.col(name).struct.field(field)

    born, born_issue = plausible_or_null(
        event("birth", "time").struct.field("startYear"), "birth.time.startYear", latest_year=latest_year
    )
    died, died_issue = plausible_or_null(
        event("death", "time").struct.field("startYear"), "death.time.startYear", latest_year=latest_year
    )
    # The life-dates parser reads a display string's bracketed bio: "(born 1935)".
    life = raw.with_columns(date=pl.format("({})", pl.col("date"))).pipe(
        parse_life_dates, display="date", latest_year=latest_year
    )
    return (
        life.select(
            pl.col("nationality", "active_start_year", "active_end_year"),
            pending_issues(),
            born_issue,
            died_issue,
            **identity(SOURCE, "id", key="agent_key"),
            name=clean_text(pl.col("fc")),
            sort_name=clean_text(pl.col("mda")),
            gender=clean_label(pl.col("gender")),
            birth_year=pl.coalesce(born, pl.col("birth_year")),
            death_year=pl.coalesce(died, pl.col("death_year")),
            birth_place=clean_text(event("birth", "place").struct.field("name")),
            death_place=clean_text(event("death", "place").struct.field("name")),
            url=pl.col("url"),
            in_source_export=pl.lit(True),
        )
        .pipe(type_agents)
        .pipe(conform_to, AGENT_SCHEMA)
    )
