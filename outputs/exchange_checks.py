"""What the Linked Art and IIIF schemas do not check, checked on the written NDJSON.

The exports write one JSON document a line (JSON text holds no raw control character, so a line is
a document). Each check works on the documents as text, in two steps so that an export of any size
is read a batch of lines at a time (``read_documents``): ``find`` maps a batch to the few rows the
rule needs (the documents that break it, the ids it saw), ``judge`` turns all of them into
``(passed, metadata)``. Reading the whole file as one frame instead (``pl.scan_csv``) peaked at
about three times the file's size (measured on a 1 GB export: 2.8 GB; in batches: 0.4 GB). The
documents' key order is fixed by their builders (``outputs.linked_art``, ``outputs.iiif``), which the
patterns below rely on.
"""

import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from outputs import vocabulary as aat

EXAMPLES_SHOWN = 10
# Documents per batch: ~3.5 kB each at most, so a batch holds ~70 MB of text.
BATCH_DOCUMENTS = 20_000
# Rights a manifest may state: http:// Creative Commons licences and public-domain tools, or
# RightsStatements.org statements (the IIIF specification's rule; its schema accepts any URI).
RIGHTS_PATTERN = (
    r"^http://(creativecommons\.org/(licenses|publicdomain)/|rightsstatements\.org/vocab/)[^\s]+/$"
)
_CANVAS = '"type":"Canvas"'
_SIZED_CANVAS = r'"type":"Canvas","width":[1-9][0-9]*,"height":[1-9][0-9]*,'
# The source of a document, from its id ({base}/{kind}/{source}/...), the first id in every document.
_SOURCE = r'^\{"@context":"[^"]*","id":"[^"]*/(?:object|agent|iiif)/([^/"]+)/'


def read_documents(path: Path | str, *, batch: int = BATCH_DOCUMENTS) -> Iterator[pl.DataFrame]:
    """An NDJSON export as frames of one text column ``document``, ``batch`` lines at a time."""
    with open(path, encoding="utf-8") as lines:
        while chunk := list(itertools.islice(lines, batch)):
            yield pl.DataFrame({"document": chunk}).with_columns(pl.col("document").str.strip_chars_end("\n"))


@dataclass(frozen=True)
class Check:
    """A rule over a written export (see the module docstring); called on a frame of documents, it
    finds and judges at once."""

    description: str
    find: Callable[[pl.LazyFrame], pl.LazyFrame]
    judge: Callable[[pl.DataFrame], tuple[bool, dict[str, Any]]]

    def __call__(self, documents: pl.LazyFrame) -> tuple[bool, dict[str, Any]]:
        return self.judge(self.find(documents).collect())


def _bad(what: str) -> Callable[[pl.DataFrame], tuple[bool, dict[str, Any]]]:
    """A judge that passes when no document was found, and counts and shows the ones that were."""

    def judge(bad: pl.DataFrame) -> tuple[bool, dict[str, Any]]:
        return bad.is_empty(), {what: bad.height, f"{what}/examples": bad.head(EXAMPLES_SHOWN).to_dicts()}

    return judge


def _id() -> pl.Expr:
    return pl.col("document").str.extract(r'^\{"@context":"[^"]*","id":"([^"]*)"', 1).alias("id")


one_primary_name = Check(
    "Every document names its subject by exactly one Primary Name.",
    find=lambda documents: documents.select(
        _id(), names=pl.col("document").str.count_matches(aat.PRIMARY_NAME.uri, literal=True)
    ).filter(pl.col("names") != 1),
    judge=_bad("documents_without_one_primary_name"),
)


def _judge_aat_ids(found: pl.DataFrame) -> tuple[bool, dict[str, Any]]:
    used = found.unique().sort("aat_id")
    passed, metadata = _bad("unpinned_aat_ids")(used.filter(~pl.col("aat_id").is_in(sorted(aat.PINNED_URIS))))
    return passed, {**metadata, "aat_ids_used": used.height}


aat_ids_pinned = Check(
    "Every AAT id in every document is one of the pinned table's (``outputs.vocabulary``).",
    find=lambda documents: (
        documents.select(aat_id=pl.col("document").str.extract_all(aat.AAT_URI_PATTERN))
        .explode("aat_id", empty_as_null=False)
        .drop_nulls()
        .unique()
    ),
    judge=_judge_aat_ids,
)

canvases_sized = Check(
    "Every manifest has at least one canvas, and every canvas a positive integer width and height.",
    find=lambda documents: documents.select(
        _id(),
        canvases=pl.col("document").str.count_matches(_CANVAS, literal=True),
        sized=pl.col("document").str.count_matches(_SIZED_CANVAS),
    ).filter((pl.col("canvases") == 0) | (pl.col("canvases") != pl.col("sized"))),
    judge=_bad("manifests_with_unsized_or_no_canvas"),
)


def _judge_rights(rights: pl.DataFrame) -> tuple[bool, dict[str, Any]]:
    passed, metadata = _bad("invalid_rights")(rights.filter(~pl.col("valid")).drop("valid"))
    return passed, {**metadata, "manifests_with_rights": rights.height}


rights_uris = Check(
    "Every ``rights`` is an http:// Creative Commons or RightsStatements.org URI.",
    # Every manifest with rights is a row (to count them): an id and a URI, small beside a document.
    find=lambda documents: (
        documents.select(_id(), rights=pl.col("document").str.extract(r'"rights":"([^"]*)"', 1))
        .drop_nulls("rights")
        .with_columns(valid=pl.col("rights").str.contains(RIGHTS_PATTERN))
    ),
    judge=_judge_rights,
)


def counts_by_source(path: Path | str, *, batch: int = BATCH_DOCUMENTS) -> pl.DataFrame:
    """Documents per source of the export ``path`` (from each document's id): ``source``, ``documents``."""
    counts = [
        documents.group_by(source=pl.col("document").str.extract(_SOURCE, 1)).agg(documents=pl.len())
        for documents in read_documents(path, batch=batch)
    ]
    if not counts:
        return pl.DataFrame(schema={"source": pl.String, "documents": pl.UInt32})
    return pl.concat(counts).group_by("source").agg(pl.col("documents").sum()).sort("source")


def preview(path: Path | str) -> str:
    """The first document, pretty-printed in a markdown code fence (empty export: a note)."""
    with open(path, encoding="utf-8") as lines:
        first = lines.readline()
    if not first.strip():
        return "_No documents._"
    return "```json\n" + json.dumps(json.loads(first), indent=2, ensure_ascii=False) + "\n```"


OBJECT_CHECKS: dict[str, Check] = {"one_primary_name": one_primary_name, "aat_ids_pinned": aat_ids_pinned}
PEOPLE_CHECKS: dict[str, Check] = {"one_primary_name": one_primary_name, "aat_ids_pinned": aat_ids_pinned}
MANIFEST_CHECKS: dict[str, Check] = {
    "canvases_sized": canvases_sized,
    "rights_uris": rights_uris,
    "aat_ids_pinned": aat_ids_pinned,
}


def check_written(
    path: Path | str, checks: dict[str, Check], *, batch: int = BATCH_DOCUMENTS
) -> dict[str, tuple[bool, dict[str, Any]]]:
    """Run ``checks`` on the written export ``path``, ``batch`` documents at a time: each check's
    ``(passed, metadata)`` by name."""
    found: dict[str, list[pl.DataFrame]] = {name: [] for name in checks}
    for documents in read_documents(path, batch=batch):
        for name, check in checks.items():
            found[name].append(check.find(documents.lazy()).collect())
    return {
        name: check.judge(pl.concat(found[name]) if found[name] else check.find(_NO_DOCUMENTS).collect())
        for name, check in checks.items()
    }


_NO_DOCUMENTS = pl.LazyFrame(schema={"document": pl.String})
