"""What the Linked Art and IIIF schemas do not check, checked on the written NDJSON.

Each check reads the documents as text lines (``scan_documents``: the exports write one JSON
document a line, and JSON text holds no raw control character, so a line is a document) and
returns ``(passed, metadata)``. The documents' key order is fixed by their builders
(``outputs.linked_art``, ``outputs.iiif``), which the patterns below rely on.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from outputs import vocabulary as aat

EXAMPLES_SHOWN = 10
# Rights a manifest may state: http:// Creative Commons licences and public-domain tools, or
# RightsStatements.org statements (the IIIF specification's rule; its schema accepts any URI).
RIGHTS_PATTERN = (
    r"^http://(creativecommons\.org/(licenses|publicdomain)/|rightsstatements\.org/vocab/)[^\s]+/$"
)
_CANVAS = '"type":"Canvas"'
_SIZED_CANVAS = r'"type":"Canvas","width":[1-9][0-9]*,"height":[1-9][0-9]*,'
# The source of a document, from its id ({base}/{kind}/{source}/...), the first id in every document.
_SOURCE = r'^\{"@context":"[^"]*","id":"[^"]*/(?:object|agent|iiif)/([^/"]+)/'


def scan_documents(path: Path | str) -> pl.LazyFrame:
    """An NDJSON export as one text column ``document``, one row per line."""
    return pl.scan_csv(
        str(path), has_header=False, separator="\x1f", quote_char=None, schema={"document": pl.String}
    )


def _result(bad: pl.DataFrame, what: str) -> tuple[bool, dict[str, Any]]:
    return bad.is_empty(), {
        what: bad.height,
        f"{what}/examples": bad.head(EXAMPLES_SHOWN).to_dicts(),
    }


def _id() -> pl.Expr:
    return pl.col("document").str.extract(r'^\{"@context":"[^"]*","id":"([^"]*)"', 1).alias("id")


def one_primary_name(documents: pl.LazyFrame) -> tuple[bool, dict[str, Any]]:
    """Every document names its subject by exactly one Primary Name."""
    bad = (
        documents.select(
            _id(), names=pl.col("document").str.count_matches(aat.PRIMARY_NAME.uri, literal=True)
        )
        .filter(pl.col("names") != 1)
        .collect()
    )
    return _result(bad, "documents_without_one_primary_name")


def aat_ids_pinned(documents: pl.LazyFrame) -> tuple[bool, dict[str, Any]]:
    """Every AAT id in every document is one of the pinned table's (``outputs.vocabulary``)."""
    found = (
        documents.select(aat_id=pl.col("document").str.extract_all(aat.AAT_URI_PATTERN))
        .explode("aat_id", empty_as_null=False)
        .drop_nulls()
        .unique()
        .sort("aat_id")
        .collect()
    )
    bad = found.filter(~pl.col("aat_id").is_in(sorted(aat.PINNED_URIS)))
    passed, metadata = _result(bad, "unpinned_aat_ids")
    return passed, {**metadata, "aat_ids_used": found.height}


def canvases_sized(documents: pl.LazyFrame) -> tuple[bool, dict[str, Any]]:
    """Every manifest has at least one canvas, and every canvas a positive integer width and height."""
    text = pl.col("document")
    bad = (
        documents.select(
            _id(),
            canvases=text.str.count_matches(_CANVAS, literal=True),
            sized=text.str.count_matches(_SIZED_CANVAS),
        )
        .filter((pl.col("canvases") == 0) | (pl.col("canvases") != pl.col("sized")))
        .collect()
    )
    return _result(bad, "manifests_with_unsized_or_no_canvas")


def rights_uris(documents: pl.LazyFrame) -> tuple[bool, dict[str, Any]]:
    """Every ``rights`` is an http:// Creative Commons or RightsStatements.org URI."""
    rights = (
        documents.select(_id(), rights=pl.col("document").str.extract(r'"rights":"([^"]*)"', 1))
        .drop_nulls("rights")
        .collect()
    )
    bad = rights.filter(~pl.col("rights").str.contains(RIGHTS_PATTERN))
    passed, metadata = _result(bad, "invalid_rights")
    return passed, {**metadata, "manifests_with_rights": rights.height}


def counts_by_source(documents: pl.LazyFrame) -> pl.DataFrame:
    """Documents per source (from each document's id): columns ``source``, ``documents``."""
    return (
        documents.select(source=pl.col("document").str.extract(_SOURCE, 1))
        .group_by("source")
        .agg(documents=pl.len())
        .sort("source")
        .collect()
    )


def preview(path: Path | str) -> str:
    """The first document, pretty-printed in a markdown code fence (empty export: a note)."""
    with open(path, encoding="utf-8") as lines:
        first = lines.readline()
    if not first.strip():
        return "_No documents._"
    return "```json\n" + json.dumps(json.loads(first), indent=2, ensure_ascii=False) + "\n```"


Check = Callable[[pl.LazyFrame], tuple[bool, dict[str, Any]]]

OBJECT_CHECKS: dict[str, Check] = {"one_primary_name": one_primary_name, "aat_ids_pinned": aat_ids_pinned}
PEOPLE_CHECKS: dict[str, Check] = {"one_primary_name": one_primary_name, "aat_ids_pinned": aat_ids_pinned}
MANIFEST_CHECKS: dict[str, Check] = {
    "canvases_sized": canvases_sized,
    "rights_uris": rights_uris,
    "aat_ids_pinned": aat_ids_pinned,
}


def check_written(path: Path | str, checks: dict[str, Check]) -> dict[str, tuple[bool, dict[str, Any]]]:
    """Run ``checks`` on the written export ``path``: each check's ``(passed, metadata)`` by name."""
    written = scan_documents(path)
    return {name: check(written) for name, check in checks.items()}
