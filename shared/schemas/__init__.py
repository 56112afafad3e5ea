"""Pandera models, one module per boundary: harvest, clean/enrich, output.

Each model is the single truth at its boundary: its checks run as asset checks
(``shared.checks.model_check``) and its field descriptions become the column descriptions shown in
the Dagster UI and written as column comments into the analytics database.
"""

import pandera.polars as pa


def column_descriptions(model: type[pa.DataFrameModel]) -> dict[str, str]:
    """Column name -> description, for metadata and database comments."""
    return {
        name: column.description for name, column in model.to_schema().columns.items() if column.description
    }
