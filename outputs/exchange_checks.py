"""What the Linked Art and IIIF schemas do not check, checked on the written NDJSON.

The exports write one JSON document a line. The checks read the documents decoded by Polars' NDJSON
reader into the fields they name (``Check.fields``, a schema of the parts each reads: the other
parts are skipped, and key order does not matter), a batch of lines at a time, in two steps so that
an export of any size is read in bounded memory: ``find`` maps a batch to the few rows the rule
needs (the documents that break it, the ids it saw), ``judge`` turns all of them into
``(passed, metadata)``. Documents are named by their ``line`` in the file and their ``id``. The same
read counts the documents by source, for the export's metadata (``read_written``).

A line that is not a JSON document, or whose checked fields do not have their types (a width of
10.5 where a canvas needs an integer), fails ``documents_read``, naming the line and what is wrong.
The reader decodes a batch at once; a batch that does not decode is halved until the lines that do
not are alone, so a good export is decoded once.

One check reads the text as well: ``aat_ids_pinned`` looks for every AAT URI anywhere in a
document, under any key and at any depth, which no schema can name (the writers escape no ``/``, so
a URI is written as it is).
"""

import io
import itertools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import polars as pl

from outputs import vocabulary as aat

EXAMPLES_SHOWN = 10
# Documents per batch: ~3.5 kB each at most, so a batch holds ~35 MB of text; decoding it takes
# about ten times that (measured on the Linked Art objects: 0.4 GB at 10,000, 0.65 GB at 20,000).
BATCH_DOCUMENTS = 10_000
# Rights a manifest may state: http:// Creative Commons licences and public-domain tools, or
# RightsStatements.org statements (the IIIF specification's rule; its schema accepts any URI).
RIGHTS_PATTERN = (
    r"^http://(creativecommons\.org/(licenses|publicdomain)/|rightsstatements\.org/vocab/)[^\s]+/$"
)
# The source of a document, from its id: {base}/object|agent/{source}/{id}, {base}/iiif/{source}/{id}/manifest.
_SOURCE = r"/(?:object|agent|iiif)/([^/]+)/[^/]+(?:/manifest)?$"
# Every document is named by its id; the checks add the fields they read.
_ID = {"id": pl.String()}
# The columns of a batch besides the decoded fields.
_LINE, _DOCUMENT, _PROBLEM = "line", "document", "problem"


@dataclass(frozen=True)
class Check:
    """A rule over a written export (see the module docstring): the ``fields`` it reads (name ->
    Polars type), how it finds the rows it needs in a batch and judges them all. Called on a few
    documents (JSON text), it decodes, finds and judges at once."""

    description: str
    find: Callable[[pl.LazyFrame], pl.LazyFrame]
    judge: Callable[[pl.DataFrame], tuple[bool, dict[str, Any]]]
    fields: Mapping[str, pl.DataType] = field(default_factory=dict)

    def __call__(self, documents: Sequence[str]) -> tuple[bool, dict[str, Any]]:
        batch = _batch([f"{d}\n".encode() for d in documents], schema({"check": self}), first_line=1)
        return self.judge(self.find(batch.lazy()).collect())


def schema(checks: Mapping[str, Check]) -> pl.Schema:
    """The fields ``checks`` read, with ``id``: what each document is decoded into."""
    fields: dict[str, pl.DataType] = dict(_ID)
    for name, check in checks.items():
        for key, dtype in check.fields.items():
            if fields.setdefault(key, dtype) != dtype:
                raise ValueError(f"check {name} reads {key} as {dtype}, another check as {fields[key]}")
    return pl.Schema(fields)


def _read(lines: Sequence[bytes], fields: pl.Schema) -> tuple[pl.DataFrame, str | None]:
    """``lines`` (each ending in a line break) decoded into ``fields``, and null; or an empty frame
    and why they do not decode."""
    try:
        decoded = pl.read_ndjson(io.BytesIO(b"".join(lines)), schema=fields)
    except pl.exceptions.PolarsError as error:
        return fields.to_frame(), str(error).partition("\n")[0]
    # The reader skips a blank line: a batch with one has fewer rows than lines.
    return decoded, None if decoded.height == len(lines) else "a blank line, no document"


def _decoded(lines: Sequence[bytes], fields: pl.Schema) -> pl.DataFrame:
    """``lines`` (each ending in a line break) decoded into ``fields``, a row a line, and
    ``problem``: null, or why the line is not a document with those fields (its fields are then null)."""
    decoded, problem = _read(lines, fields)
    if problem is None:
        return decoded.with_columns(pl.lit(None, pl.String).alias(_PROBLEM))
    if len(lines) == 1:
        # Named by its id if that much of it reads.
        named, _ = _read(lines, pl.Schema(_ID))
        row = {_PROBLEM: problem, "id": named["id"].first() if named.height == 1 else None}
        return pl.DataFrame([row], schema={**fields, _PROBLEM: pl.String})
    half = len(lines) // 2
    return pl.concat([_decoded(lines[:half], fields), _decoded(lines[half:], fields)])


def _batch(lines: list[bytes], fields: pl.Schema, *, first_line: int) -> pl.DataFrame:
    """A batch of ``lines`` (as read: bytes, with their line ends), numbered from ``first_line``:
    ``line``, ``document`` (the text, without its line end), ``problem`` and the decoded ``fields``."""
    if lines and not lines[-1].endswith(b"\n"):  # a file's last line may have no line end
        lines = [*lines[:-1], lines[-1] + b"\n"]
    text = pl.DataFrame(
        {
            _LINE: pl.int_range(first_line, first_line + len(lines), dtype=pl.Int64, eager=True),
            _DOCUMENT: _text(lines).str.strip_suffix("\n"),
        }
    )
    return text.hstack(_decoded(lines, fields).get_columns())


def _text(lines: list[bytes]) -> pl.Series:
    """``lines`` as text, decoded by Polars; where one is not UTF-8 (no JSON document is, and the
    reader says so in its ``problem``), each decoded in Python, a byte it cannot read replaced."""
    try:
        return pl.Series(lines, dtype=pl.Binary).cast(pl.String)
    except pl.exceptions.ComputeError:
        return pl.Series([line.decode(errors="replace") for line in lines], dtype=pl.String)


def read_documents(
    path: Path | str, fields: pl.Schema | None = None, *, batch: int = BATCH_DOCUMENTS
) -> Iterator[pl.DataFrame]:
    """An NDJSON export as frames of ``batch`` lines: each line's number, text, ``problem`` and its
    ``fields`` (see :func:`schema`; by default the id alone)."""
    fields = fields or pl.Schema(_ID)
    # A line is what ends in "\n": JSON text holds no raw line break (a "\r" between tokens is
    # space). Read as bytes, which the reader decodes: a batch's text is never joined and encoded
    # again in Python (at 1M Linked Art objects, 3.5 GB, that took 13 s of the checks' 31 s).
    with open(path, "rb") as file:
        first_line = 1
        while lines := list(itertools.islice(file, batch)):
            yield _batch(lines, fields, first_line=first_line)
            first_line += len(lines)


def _bad(what: str) -> Callable[[pl.DataFrame], tuple[bool, dict[str, Any]]]:
    """A judge that passes when no document was found, and counts and shows the ones that were."""

    def judge(bad: pl.DataFrame) -> tuple[bool, dict[str, Any]]:
        return bad.is_empty(), {what: bad.height, f"{what}/examples": bad.head(EXAMPLES_SHOWN).to_dicts()}

    return judge


documents_read = Check(
    "Every line is a JSON document, and the fields the other checks read have their types.",
    find=lambda batch: batch.filter(pl.col(_PROBLEM).is_not_null()).select(
        _LINE, "id", _PROBLEM, start=pl.col(_DOCUMENT).str.slice(0, 200)
    ),
    judge=_bad("unreadable_documents"),
)

_CLASSIFIED = pl.List(pl.Struct({"id": pl.String}))
# A name classified as the Primary Name (its classified_as holds the term's id).
_IS_PRIMARY = (
    pl.element()
    .struct.field("classified_as")
    .list.eval(pl.element().struct.field("id") == aat.PRIMARY_NAME.uri)
).list.any()

one_primary_name = Check(
    "Every document names its subject by exactly one Primary Name.",
    fields={"identified_by": pl.List(pl.Struct({"classified_as": _CLASSIFIED}))},
    find=lambda batch: batch.select(
        _LINE, "id", names=pl.col("identified_by").list.eval(_IS_PRIMARY).list.sum().fill_null(0)
    ).filter(pl.col("names") != 1),
    judge=_bad("documents_without_one_primary_name"),
)


def _judge_aat_ids(found: pl.DataFrame) -> tuple[bool, dict[str, Any]]:
    used = found.unique().sort("aat_id")
    passed, metadata = _bad("unpinned_aat_ids")(used.filter(~pl.col("aat_id").is_in(sorted(aat.PINNED_URIS))))
    return passed, {**metadata, "aat_ids_used": used.height}


aat_ids_pinned = Check(
    "Every AAT id in every document is one of the pinned table's (``outputs.vocabulary``).",
    find=lambda batch: (
        batch.select(aat_id=pl.col(_DOCUMENT).str.extract_all(aat.AAT_URI_PATTERN))
        .explode("aat_id", empty_as_null=False)
        .drop_nulls()
        .unique()
    ),
    judge=_judge_aat_ids,
)

_CANVAS = pl.element().struct.field("type") == "Canvas"
_SIZED = (pl.element().struct.field("width") > 0) & (pl.element().struct.field("height") > 0)

canvases_sized = Check(
    "Every manifest has at least one canvas, and every canvas a positive integer width and height.",
    fields={"items": pl.List(pl.Struct({"type": pl.String, "width": pl.Int64, "height": pl.Int64}))},
    find=lambda batch: batch.select(
        _LINE,
        "id",
        canvases=pl.col("items").list.eval(_CANVAS).list.sum().fill_null(0),
        sized=pl.col("items").list.eval(_CANVAS & _SIZED.fill_null(False)).list.sum().fill_null(0),
    ).filter((pl.col("canvases") == 0) | (pl.col("canvases") != pl.col("sized"))),
    judge=_bad("manifests_with_unsized_or_no_canvas"),
)


def _judge_rights(rights: pl.DataFrame) -> tuple[bool, dict[str, Any]]:
    passed, metadata = _bad("invalid_rights")(rights.filter(~pl.col("valid")).drop("valid"))
    return passed, {**metadata, "manifests_with_rights": rights.height}


rights_uris = Check(
    "Every ``rights`` is an http:// Creative Commons or RightsStatements.org URI.",
    fields={"rights": pl.String()},
    # Every manifest with rights is a row (to count them): its line, id and URI.
    find=lambda batch: (
        batch.select(_LINE, "id", "rights")
        .drop_nulls("rights")
        .with_columns(valid=pl.col("rights").str.contains(RIGHTS_PATTERN))
    ),
    judge=_judge_rights,
)


def counts_by_source(path: Path | str, *, batch: int = BATCH_DOCUMENTS) -> pl.DataFrame:
    """Documents per source of the export ``path`` (from each document's id): ``source``, ``documents``."""
    return read_written(path, {}, batch=batch).by_source


def preview(path: Path | str) -> str:
    """The first document, pretty-printed in a markdown code fence (empty export: a note)."""
    with open(path, encoding="utf-8") as lines:
        first = lines.readline()
    if not first.strip():
        return "_No documents._"
    return "```json\n" + json.dumps(json.loads(first), indent=2, ensure_ascii=False) + "\n```"


OBJECT_CHECKS: dict[str, Check] = {
    "documents_read": documents_read,
    "one_primary_name": one_primary_name,
    "aat_ids_pinned": aat_ids_pinned,
}
PEOPLE_CHECKS: dict[str, Check] = {
    "documents_read": documents_read,
    "one_primary_name": one_primary_name,
    "aat_ids_pinned": aat_ids_pinned,
}
MANIFEST_CHECKS: dict[str, Check] = {
    "documents_read": documents_read,
    "canvases_sized": canvases_sized,
    "rights_uris": rights_uris,
    "aat_ids_pinned": aat_ids_pinned,
}


class Written(NamedTuple):
    """What one read of a written export found: each check's ``(passed, metadata)`` by name, and
    the documents per source (``source``, ``documents``)."""

    results: dict[str, tuple[bool, dict[str, Any]]]
    by_source: pl.DataFrame


def read_written(path: Path | str, checks: Mapping[str, Check], *, batch: int = BATCH_DOCUMENTS) -> Written:
    """Run ``checks`` on the written export ``path`` and count its documents by source, in one
    read of it, ``batch`` documents at a time (an export of 1M objects is gigabytes of text)."""
    fields = schema(checks)
    found: dict[str, list[pl.DataFrame]] = {name: [] for name in checks}
    counts = []
    for documents in read_documents(path, fields, batch=batch):
        for name, check in checks.items():
            found[name].append(check.find(documents.lazy()).collect())
        counts.append(documents.group_by(source=pl.col("id").str.extract(_SOURCE, 1)).agg(documents=pl.len()))
    empty = _batch([], fields, first_line=1).lazy()
    results = {
        name: check.judge(pl.concat(found[name]) if found[name] else check.find(empty).collect())
        for name, check in checks.items()
    }
    if not counts:
        return Written(results, pl.DataFrame(schema={"source": pl.String, "documents": pl.UInt32}))
    by_source = pl.concat(counts).group_by("source").agg(pl.col("documents").sum()).sort("source")
    return Written(results, by_source)


def check_written(
    path: Path | str, checks: dict[str, Check], *, batch: int = BATCH_DOCUMENTS
) -> dict[str, tuple[bool, dict[str, Any]]]:
    """Run ``checks`` on the written export ``path``, ``batch`` documents at a time: each check's
    ``(passed, metadata)`` by name."""
    return read_written(path, checks, batch=batch).results
