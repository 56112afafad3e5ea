"""The Walters CSV exports, read as received: every column a string, nothing guessed.

``location`` is a directory (the shipped copy by default) or an http(s) base URL; a file is
``<name>.csv`` there, or ``<name>.csv.gz`` in a directory.
"""

import io
from pathlib import Path

import polars as pl

from harvest.http import HttpConfig, HttpHarvester

EXPORT_NAMES = ("creators", "relationships", "exhibitions", "collections")
SHIPPED_EXPORTS = Path(__file__).parent / "walters" / "data"


def read_export(location: str, name: str) -> pl.DataFrame:
    """One export as a frame of strings; an error names the file when it is missing or unreadable."""
    if location.startswith(("http://", "https://")):
        with HttpHarvester(HttpConfig(source=f"walters exports ({name})", base_url=location)) as http:
            body = http.get_bytes(f"{name}.csv")
        source: object = io.BytesIO(body)
        where = f"{location.rstrip('/')}/{name}.csv"
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
        return pl.read_csv(source, infer_schema=False, empty_string_is_null=True)
    except pl.exceptions.PolarsError as error:
        raise ValueError(f"Walters export {name!r} at {where} could not be read as CSV: {error}") from error
