"""An export is checked on the written file; one that fails a check says why and is not published."""

import json
from pathlib import Path

from outputs import exchange_checks as checks
from outputs.exchange_assets import write_checked
from outputs.vocabulary import PRIMARY_NAME

NAME = {"type": "Name", "content": "x", "classified_as": [{"id": PRIMARY_NAME.uri, "type": "Type"}]}


def _writer(*documents: dict):
    def write(target: Path) -> None:
        target.write_text("".join(json.dumps(d, separators=(",", ":")) + "\n" for d in documents))

    return write


def test_the_written_export_is_checked_and_a_failure_says_which_documents(tmp_path: Path) -> None:
    good = {"@context": "c", "id": "https://ids.test/object/walters/1", "identified_by": [NAME]}

    metadata, results = write_checked(
        "linked_art_objects", tmp_path / "good", _writer(good), checks.OBJECT_CHECKS
    )
    assert [(r.check_name, r.passed) for r in results] == [
        ("documents_read", True),
        ("one_primary_name", True),
        ("aat_ids_pinned", True),
    ]
    assert metadata["documents/walters"].value == 1

    twice_named = {**good, "identified_by": [NAME, NAME]}
    metadata, results = write_checked(
        "linked_art_objects", tmp_path / "bad", _writer(twice_named), checks.OBJECT_CHECKS
    )
    failed = [r for r in results if not r.passed]
    assert [r.check_name for r in failed] == ["one_primary_name"]
    assert failed[0].asset_key is not None and failed[0].asset_key.to_user_string() == "linked_art_objects"
    assert "https://ids.test/object/walters/1" in (failed[0].description or "")
    assert "preview" not in metadata  # nothing is described as published
