"""The exports of a whole inflated collection (the benchmark's generator, 5,000 objects with the
sample's quirks) validate document by document, as the exports stage of the benchmark writes them."""

import json
from pathlib import Path

import polars as pl
import pytest

from shared.storage import storage_root
from tests.benchmarks import bench, scale
from tests.outputs.standards import errors, iiif_validator, linked_art_validator

pytestmark = pytest.mark.slow

OBJECTS = 5_000


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """The exports folder, and the raw rows per raw table the generator wrote."""
    lake = tmp_path_factory.mktemp("scale") / "lake"
    rows = scale.write_raw_lake(lake, OBJECTS, seed=1)
    for stage in (bench.stage_clean, bench.stage_enrich, bench.stage_reshape, bench.stage_exports):
        stage(storage_root(str(lake)))
    return lake.parent / "exports", rows


def _documents(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def test_every_document_of_a_whole_collection_validates(lake: tuple[Path, dict[str, int]]) -> None:
    exports, rows = lake
    objects = _documents(exports / "linked-art-objects.ndjson")
    people = _documents(exports / "linked-art-people.ndjson")
    manifests = _documents(exports / "iiif-manifests.ndjson")
    # The generated Walters objects, the Art Institute's fixtures and the Tate sample, each once.
    assert rows["walters_objects_raw"] == OBJECTS
    assert len(objects) == sum(
        rows[f"{raw}_raw"] for raw in ("walters_objects", "artic_artworks", "tate_artworks")
    )
    assert len({d["id"] for d in objects}) == len(objects)
    invalid = [
        (d["id"], problem)
        for validator, documents in (
            (lambda d: linked_art_validator("object"), objects),
            (lambda d: linked_art_validator(d["type"].lower()), people),
            (lambda d: iiif_validator(), manifests),
        )
        for d in documents
        for problem in errors(validator(d), d)
    ]
    assert invalid == []
    # Every object dated before 1 BCE begins at a negative xsd year (1 BCE is the year 0000).
    bce = pl.read_parquet(exports.parent / "lake" / "objects.parquet").filter(pl.col("date_start_year") < -1)
    assert (
        sum(
            d.get("produced_by", {}).get("timespan", {}).get("begin_of_the_begin", "").startswith("-")
            for d in objects
        )
        == bce.height
        > 0
    )
    assert manifests and all(canvas["width"] > 0 for m in manifests for canvas in m["items"])
