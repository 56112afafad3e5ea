"""The provenance columns every raw record gets; each museum's own raw schemas are in its folder
(harvest/<museum>/schemas.py)."""

import polars as pl

# Provenance columns added to every raw record; everything else is as received.
PROVENANCE_SCHEMA = pl.Schema(
    {
        "source": pl.String,
        "page": pl.Int32,
        "harvested_at": pl.Datetime("us", "UTC"),
        # Where the harvest read it (harvest.raw.origin_of): a snapshot of another origin is never
        # compared with, merged into or kept beside this one.
        "origin": pl.String,
    }
)
