"""Metadata every asset shows in the Dagster UI: row count, schema, preview, charts.

One helper for all assets, so that every table reads the same way. Previews are deterministic
(the first rows of the written data, which the pipeline writes in an order fixed by its input), so
two runs on the same input show the same preview.
"""

import base64
import time
from collections.abc import Generator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import dagster as dg
import polars as pl

if TYPE_CHECKING:
    import altair as alt

PREVIEW_ROWS = 5
PREVIEW_TEXT_CHARS = 60


def markdown_table(frame: pl.DataFrame) -> str:
    """``frame`` as a markdown table, every row and column shown, for metadata the UI renders.

    Written here rather than by ``pl.Config(tbl_formatting="MARKDOWN")``: that sets and restores
    environment variables, and a setenv while another thread of the process reads the environment
    (Polars' own threads do) can crash the process (seen: a segfault in ``restore_defaults``)."""
    header = [str(name) for name in frame.columns]
    rows = [[_cell(value) for value in row] for row in frame.iter_rows()]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    separator = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), separator, *(line(r) for r in rows)])


def _cell(value: Any) -> str:
    """A value as a markdown cell: null as ``null``, one line, pipes escaped."""
    text = "null" if value is None else str(value)
    return text.replace("\n", " ").replace("|", "\\|")


def _preview_markdown(frame: pl.DataFrame) -> str:
    """A markdown table of the first rows; long text cut and nested columns listed by name only,
    so the table stays readable."""
    nested = [name for name, dtype in frame.schema.items() if dtype.is_nested()]
    shown = frame.drop(nested).select(
        pl.all().cast(pl.String).str.slice(0, PREVIEW_TEXT_CHARS).str.replace_all(r"[|\n\r]", " ")
    )
    table = markdown_table(shown.head(PREVIEW_ROWS))
    if nested:
        table += "\n\nNested columns not shown: " + ", ".join(f"`{n}`" for n in nested)
    return table


def table_metadata(lf: pl.LazyFrame, *, descriptions: Mapping[str, str] | None = None) -> dict[str, object]:
    """Row count, column schema (with descriptions) and a markdown preview of a written table."""
    descriptions = descriptions or {}
    schema = lf.collect_schema()
    row_count = lf.select(pl.len()).collect().item()
    head = lf.head(PREVIEW_ROWS).collect()
    return {
        "dagster/row_count": dg.MetadataValue.int(row_count),
        "dagster/column_schema": dg.TableSchema(
            columns=[
                dg.TableColumn(name=name, type=str(dtype), description=descriptions.get(name))
                for name, dtype in schema.items()
            ]
        ),
        "preview": dg.MetadataValue.md(_preview_markdown(head)),
    }


def chart_markdown(chart: "alt.Chart | alt.LayerChart", *, title: str) -> dg.MetadataValue:
    """An Altair chart rendered offline to PNG and embedded in markdown, which the UI shows inline."""
    import vl_convert as vlc  # imported here: it is heavy and only charts need it

    png = vlc.vegalite_to_png(chart.to_json(), scale=1)
    encoded = base64.b64encode(png).decode("ascii")
    return dg.MetadataValue.md(f"**{title}**\n\n![{title}](data:image/png;base64,{encoded})")


def completeness(lf: pl.LazyFrame) -> pl.DataFrame:
    """Share of non-null values per column, one row per column (for the completeness chart)."""
    counts = lf.select(pl.len().alias("__rows"), pl.all().count()).collect()
    rows = counts["__rows"][0]
    return pl.DataFrame(
        {
            "column": [c for c in counts.columns if c != "__rows"],
            "complete": [(counts[c][0] / rows) if rows else 0.0 for c in counts.columns if c != "__rows"],
        }
    )


def completeness_chart(lf: pl.LazyFrame, *, title: str) -> dg.MetadataValue:
    # Altair imported here, as vl_convert is: it takes ~0.7 s, and with a process per step every
    # step would pay it at start, most of them for no chart.
    import altair as alt

    data = completeness(lf)
    chart = (
        alt.Chart(data.to_arrow())
        .mark_bar()
        .encode(  # ty: ignore[missing-attribute] (altair types mark_* loosely)
            x=alt.X("complete:Q", title="share of rows with a value", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("column:N", sort=None, title=None),
        )
        .properties(width=360, height=alt.Step(14))
    )
    return chart_markdown(chart, title=title)


@contextmanager
def timed(metadata: dict[str, object]) -> Generator[None]:
    """Record the wall time of the block as ``duration_s`` in ``metadata``."""
    start = time.perf_counter()
    yield
    metadata["duration_s"] = dg.MetadataValue.float(round(time.perf_counter() - start, 3))


def objects_per_century_chart(per_century: pl.DataFrame) -> dg.MetadataValue:
    """Bar chart of objects per century of their start year, one colour per source."""
    import altair as alt  # imported here: see completeness_chart

    chart = (
        alt.Chart(per_century.to_arrow())
        .mark_bar()
        .encode(  # ty: ignore[missing-attribute] (altair types mark_* loosely)
            x=alt.X("century:O", title="century (negative: BCE)"),
            y=alt.Y("objects:Q", title="objects"),
            color=alt.Color("source:N"),
            xOffset="source:N",
        )
        .properties(width=520, height=220)
    )
    return chart_markdown(chart, title="Objects per century")


def issue_metadata(counts: pl.DataFrame, first: pl.DataFrame) -> dict[str, Any]:
    """What the record-level rules handled: records per rule (``record_issues/<rule>``, or
    ``record_issues/<source>/<rule>`` when ``counts`` has a source column), the counts as a table
    (shares in percent against each rule's threshold where ``counts`` has them, as
    ``shared.issues.count_by_rule`` gives them), and the first issues found (``first``)."""
    labels = [c for c in ("source", "rule") if c in counts.columns]
    shown = counts.with_columns(
        (pl.col(c) * 100).round(3) for c in ("share", "max_share") if c in counts.columns
    )
    shown = shown.rename(
        {c: n for c, n in (("share", "share_%"), ("max_share", "blocks_above_%")) if c in counts.columns}
    )
    return {
        **{
            "record_issues/" + "/".join(row[c] for c in labels): dg.MetadataValue.int(row["records"])
            for row in counts.iter_rows(named=True)
        },
        "record_issues_by_rule": dg.MetadataValue.md(
            markdown_table(shown) if counts.height else "No issues."
        ),
        "record_issues_first": dg.MetadataValue.md(markdown_table(first) if first.height else "No issues."),
    }
