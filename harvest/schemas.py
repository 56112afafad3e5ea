"""The provenance columns every raw record gets; each museum's own raw schemas are in its folder
(harvest/<museum>/schemas.py)."""

import polars as pl

from shared.issues import ISSUE, RECEIVED_ISSUES

# Provenance columns added to every raw record; everything else is as received. The record's own
# issues found by the harvest (``harvest.received``: a value of another type, a key sent twice)
# travel in ``harvest_issues`` to the clean record's ``issues``.
PROVENANCE_SCHEMA = pl.Schema(
    {
        "source": pl.String,
        "page": pl.Int32,
        "harvested_at": pl.Datetime("us", "UTC"),
        # Where the harvest read it (harvest.raw.origin_of): a snapshot of another origin is never
        # compared with, merged into or kept beside this one.
        "origin": pl.String,
        RECEIVED_ISSUES: pl.List(ISSUE),
    }
)
