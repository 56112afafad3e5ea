"""The table dictionary, docs/tables.md, generated from the output models (one source of truth).

``uv run python -m shared.schemas.dictionary > docs/tables.md`` writes it: for each table of
``TABLES`` (the database's tables, in order), its grain (the model's docstring), key and the columns
its Pandera model declares, with type, whether it may be null and the description that is also the
column's comment in the database and its description in the Dagster UI. A table without a model is
listed with its key only. ``tests/shared/test_dictionary.py`` fails when the file is out of date.
"""

import inspect

import pandera.polars as pa

from shared.schemas.output import TABLES, Table

COMMAND = "uv run python -m shared.schemas.dictionary > docs/tables.md"

HEADER = f"""# The tables of the analytics database

Generated from the Pandera models in `shared/schemas/output.py` (`TABLES`); do not edit by hand.
After changing a model, regenerate it: `{COMMAND}`.

Each model's field descriptions are also the database's column comments and the column
descriptions in the Dagster UI. The models are not strict: a table may hold more columns than its
model declares. A table without a model has its key checked non-null and unique instead.
"""


def _cell(text: str) -> str:
    """``text`` fit for one cell of a Markdown table."""
    return " ".join(text.split()).replace("|", "\\|")


def _columns(model: type[pa.DataFrameModel]) -> list[str]:
    rows = ["| column | type | null | description |", "|---|---|---|---|"]
    for name, column in model.to_schema().columns.items():
        null = "yes" if column.nullable else "no"
        rows.append(f"| `{name}` | {column.dtype} | {null} | {_cell(column.description or '')} |")
    return rows


def table_section(table: Table) -> str:
    """The Markdown section of one table: grain, key, constraint and columns."""
    key = ", ".join(f"`{column}`" for column in table.primary_key)
    constraint = "a PRIMARY KEY in the database" if table.indexed else "checked, not indexed"
    lines = [f"## `{table.name}`", ""]
    if table.model is not None:
        lines += [_cell(inspect.getdoc(table.model) or ""), ""]
    lines += [f"Key: {key} ({constraint}).", ""]
    if table.model is None:
        lines.append("No model: only its key is checked.")
    else:
        lines += _columns(table.model)
    return "\n".join(lines)


def render() -> str:
    """The whole of docs/tables.md."""
    return "\n\n".join([HEADER.rstrip(), *(table_section(table) for table in TABLES)]) + "\n"


if __name__ == "__main__":
    print(render(), end="")
