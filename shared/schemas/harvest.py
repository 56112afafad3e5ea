"""The harvest boundary: raw records as received, before anything downstream may read them.

Only what the pipeline relies on is required; other fields may be null. A field the source adds
that the raw schema does not know is not an error here but a warning (see ``harvest.raw``).
"""

import pandera.polars as pa
import polars as pl
from pandera.engines.polars_engine import DateTime

PROVENANCE = {
    "source": "Which source served the record",
    "page": "The page (or cursor step) that served it",
    "harvested_at": (
        "When the harvest first received the record in its current form (UTC): a record unchanged "
        "since the previous snapshot keeps its previous harvested_at"
    ),
    "origin": (
        "Where the harvest read it: the source's location without credentials or query, or 'shipped sample'"
    ),
}


class _Provenance(pa.DataFrameModel):
    source: str = pa.Field(description=PROVENANCE["source"])
    page: pl.Int32 = pa.Field(ge=1, description=PROVENANCE["page"])
    harvested_at: DateTime = pa.Field(
        dtype_kwargs={"time_unit": "us", "time_zone": "UTC"}, description=PROVENANCE["harvested_at"]
    )
    origin: str = pa.Field(description=PROVENANCE["origin"])

    class Config:
        strict = False
