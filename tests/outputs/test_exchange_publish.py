"""An export that fails a check is not published: yesterday's file stays, nothing is left beside it."""

import json
from pathlib import Path

import pytest

from outputs import exchange_checks as checks
from outputs.exchange_assets import LINKED_ART_OBJECTS, ExportCheckFailed, publish_checked
from outputs.vocabulary import PRIMARY_NAME
from shared.resources import Lakehouse

NAME = {"type": "Name", "content": "x", "classified_as": [{"id": PRIMARY_NAME.uri, "type": "Type"}]}


def _writer(*documents: dict):
    def write(target: Path) -> None:
        target.write_text("".join(json.dumps(d, separators=(",", ":")) + "\n" for d in documents))

    return write


def test_a_failed_check_keeps_the_published_export(tmp_path: Path) -> None:
    lakehouse = Lakehouse(data_dir=str(tmp_path))
    published = tmp_path / LINKED_ART_OBJECTS
    good = {"@context": "c", "id": "https://ids.test/object/walters/1", "identified_by": [NAME]}

    metadata, results = publish_checked(lakehouse, LINKED_ART_OBJECTS, _writer(good), checks.OBJECT_CHECKS)
    assert all(result.passed for result in results)
    assert metadata["documents/walters"].value == 1
    yesterday = published.read_bytes()

    twice_named = {**good, "identified_by": [NAME, NAME]}
    with pytest.raises(ExportCheckFailed, match="one_primary_name"):
        publish_checked(lakehouse, LINKED_ART_OBJECTS, _writer(twice_named), checks.OBJECT_CHECKS)
    assert published.read_bytes() == yesterday
    assert sorted(p.name for p in published.parent.iterdir()) == ["objects.ndjson"]
