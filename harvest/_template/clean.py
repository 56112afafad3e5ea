"""The raw records in the collection model (``transforms.model``), row for row; pure."""

import polars as pl

from shared.issues import pending_issues, plausible_or_null
from transforms.agent_types import type_agents
from transforms.dates import parse_dates
from transforms.model import AGENT_SCHEMA, OBJECT_SCHEMA, conform_to, identity, source_key, titled
from transforms.text import clean_label, clean_text


def _key(source: str, expr: pl.Expr) -> pl.Expr:
    return source_key(source, expr)


def clean_objects(raw: pl.LazyFrame, *, source: str, latest_year: int) -> pl.LazyFrame:
    """One row per object (key ``object_key``), its problems in ``issues``."""
    makers = pl.col("makers").fill_null([])
    creators = makers.list.eval(
        pl.struct(
            agent_key=_key(source, pl.element().struct.field("id")),
            display_name=pl.lit(None, pl.String),  # the agents' records name them
            role=clean_label(pl.element().struct.field("role")),
        )
    )
    dated = raw.with_columns(date=clean_text(pl.col("date"))).pipe(
        parse_dates, text="date", begin="year_from", end="year_to", latest_year=latest_year
    )
    return dated.select(
        pl.col(r"^date_.*$", "harvested_at"),
        pending_issues(),
        **titled("title", clean_text(pl.col("number")), key=_key(source, pl.col("id"))),
        **identity(source, "id", key="object_key"),
        object_number=clean_text(pl.col("number")),
        date_text=pl.col("date"),
        creators=creators,
    ).pipe(conform_to, OBJECT_SCHEMA)


def clean_agents(raw: pl.LazyFrame, *, source: str, latest_year: int) -> pl.LazyFrame:
    """One row per agent (key ``agent_key``); years beyond the plausible range nulled, in ``issues``."""
    born, born_issue = plausible_or_null(pl.col("born"), "born", latest_year=latest_year)
    died, died_issue = plausible_or_null(pl.col("died"), "died", latest_year=latest_year)
    return (
        raw.select(
            pending_issues(),
            born_issue,
            died_issue,
            **identity(source, "id", key="agent_key"),
            name=clean_text(pl.col("name")),
            birth_year=born,
            death_year=died,
            in_source_export=pl.lit(True),
        )
        .pipe(type_agents)
        .pipe(conform_to, AGENT_SCHEMA)
    )
