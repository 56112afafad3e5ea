"""Published artefacts: the DuckDB analytics database and the search export."""
