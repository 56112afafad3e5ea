"""docs/tables.md, the table dictionary, is generated from the output models and kept up to date."""

from pathlib import Path

import pandera.polars as pa

from shared.schemas.dictionary import COMMAND, render, table_section
from shared.schemas.output import TABLES, Table


def test_docs_tables_md_is_up_to_date_with_the_models() -> None:
    written = Path("docs/tables.md").read_text() if Path("docs/tables.md").exists() else ""
    assert written == render(), (
        f"docs/tables.md is out of date with shared/schemas/output.py: run `{COMMAND}`"
    )


def test_every_table_and_every_described_column_is_in_the_dictionary() -> None:
    text = render()
    for table in TABLES:
        assert f"## `{table.name}`" in text
        if table.model is not None:
            for name in table.model.to_schema().columns:
                assert f"| `{name}` |" in text, (table.name, name)


def test_a_section_names_the_key_and_keeps_a_description_within_its_cell() -> None:
    class Things(pa.DataFrameModel):
        """One row per thing."""

        thing_key: str = pa.Field(unique=True, description="The thing | its key")
        note: str = pa.Field(nullable=True, description="A note\n  over two lines")

    section = table_section(Table("things", ("thing_key",), Things, indexed=False))
    assert "One row per thing." in section
    assert "Key: `thing_key` (checked, not indexed)." in section
    assert "| `thing_key` | String | no | The thing \\| its key |" in section
    assert "| `note` | String | yes | A note over two lines |" in section
    assert "No model" in table_section(Table("links", ("a", "b")))
