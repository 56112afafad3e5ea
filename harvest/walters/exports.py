"""The Walters CSV exports, read as received: every column a string, nothing guessed; and the
resource that says where they are.

``location`` is a directory (the shipped copy by default) or an http(s) base URL; a file is
``<name>.csv`` there, or ``<name>.csv.gz`` in a directory.

Each export's key (``EXPORT_KEYS``) is held once, as the API's records are (``harvest.received``):
identical rows collapse, and of rows that differ the most complete is kept, the others listed in
the kept row's ``harvest_issues`` (``duplicate_key``, ``dropped``; the creators' reach
``record_issues`` through their clean records); too many such keys fail the read, as a changed
source (``harvest.raw.refuse_changed_source``).
"""

import io
from pathlib import Path

import dagster as dg
import polars as pl

from harvest.http import HttpConfig, HttpHarvester
from harvest.raw import refuse_changed_source
from harvest.received import resolve_duplicates
from shared.issues import ISSUES, RECEIVED_ISSUES, issue_rows
from shared.redaction import public_url

EXPORT_NAMES = ("creators", "relationships", "exhibitions", "collections")
# The column that names a row of each export.
EXPORT_KEYS = {
    "creators": "id",
    "relationships": "id",
    "exhibitions": "ExhibitionID",
    "collections": "CollectionID",
}
SHIPPED_EXPORTS = Path(__file__).parent / "data"


class WaltersExports(dg.ConfigurableResource):
    """Where the Walters CSV exports are: a directory or base URL; unset: the shipped copies."""

    location: str | None = None

    @property
    def resolved(self) -> str:
        return self.location or str(SHIPPED_EXPORTS)


def read_export(location: str, name: str) -> pl.DataFrame:
    """One export as a frame of strings; an error names the file when it is missing or unreadable."""
    if location.startswith(("http://", "https://")):
        with HttpHarvester(HttpConfig(source=f"walters exports ({name})", base_url=location)) as http:
            body = http.get_bytes(f"{name}.csv")
        source: object = io.BytesIO(body)
        where = f"{public_url(location).rstrip('/')}/{name}.csv"
    else:
        folder = Path(location)
        candidates = [folder / f"{name}.csv", folder / f"{name}.csv.gz"]
        found = next((p for p in candidates if p.exists()), None)
        if found is None:
            raise FileNotFoundError(
                f"Walters export {name!r} not found: looked for {', '.join(map(str, candidates))}"
            )
        source, where = found, str(found)
    try:
        frame = pl.read_csv(source, infer_schema=False, empty_string_is_null=True)
    except pl.exceptions.PolarsError as error:
        raise ValueError(f"Walters export {name!r} at {where} could not be read as CSV: {error}") from error
    return each_key_once(frame, name)


def each_key_once(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """The export ``name`` with its key (``EXPORT_KEYS``) once (``harvest.received.resolve_duplicates``,
    rows in their order, plus ``harvest_issues``); fails when ``duplicate_key`` fires on more than
    its share of the rows."""
    key = EXPORT_KEYS[name]
    if key not in frame.columns:  # the export's model names the missing column
        return frame
    frame, _ = resolve_duplicates(frame, key=key)
    issues = frame.lazy().select(
        source=pl.lit("walters"),
        record_key=pl.concat_str(pl.lit("walters:"), pl.col(key)),
        **{ISSUES: pl.col(RECEIVED_ISSUES)},
    )
    refuse_changed_source(f"walters_{name}_raw", issue_rows(issues, key="record_key"), records=frame.height)
    return frame
