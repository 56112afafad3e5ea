"""The export checks read a written file a batch of documents at a time and judge all batches as one."""

import json
from pathlib import Path

from outputs import exchange_checks as checks
from outputs.vocabulary import PRIMARY_NAME

BASE = "https://collection.example.org"


def _document(number: int, names: int, source: str = "walters", extra_aat: str | None = None) -> str:
    name = {"type": "Name", "content": "x", "classified_as": [{"id": PRIMARY_NAME.uri, "type": "Type"}]}
    document = {
        "@context": "https://linked.art/ns/v1/linked-art.json",
        "id": f"{BASE}/object/{source}/{number}",
        "type": "HumanMadeObject",
        "identified_by": [name] * names,
    }
    if extra_aat:
        document["classified_as"] = [{"id": extra_aat, "type": "Type"}]
    return json.dumps(document, separators=(",", ":"))


def _export(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "objects.ndjson"
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def test_read_documents_yields_bounded_batches_of_whole_lines(tmp_path: Path) -> None:
    lines = [_document(n, 1) for n in range(5)]
    batches = list(checks.read_documents(_export(tmp_path, lines), batch=2))
    assert [batch.height for batch in batches] == [2, 2, 1]
    assert [d for batch in batches for d in batch["document"]] == lines


def test_problems_in_any_batch_are_found_and_judged_together(tmp_path: Path) -> None:
    unpinned = "http://vocab.getty.edu/aat/300000000"
    lines = [
        _document(1, 1),
        _document(2, 1, extra_aat=unpinned),
        _document(3, 1),
        _document(4, 2),  # the third batch
        _document(5, 0),
        _document(6, 1, extra_aat=unpinned),
    ]
    results = checks.check_written(_export(tmp_path, lines), checks.OBJECT_CHECKS, batch=3)

    passed, metadata = results["one_primary_name"]
    assert not passed and metadata["documents_without_one_primary_name"] == 2
    assert [e["id"] for e in metadata["documents_without_one_primary_name/examples"]] == [
        f"{BASE}/object/walters/4",
        f"{BASE}/object/walters/5",
    ]
    passed, metadata = results["aat_ids_pinned"]
    # The same unpinned id in two batches counts once, beside the pinned Primary Name.
    assert not passed and metadata["unpinned_aat_ids"] == 1 and metadata["aat_ids_used"] == 2


def test_an_empty_export_passes_and_counts_nothing(tmp_path: Path) -> None:
    path = _export(tmp_path, [])
    assert all(passed for passed, _ in checks.check_written(path, checks.OBJECT_CHECKS).values())
    assert checks.counts_by_source(path).is_empty()


def test_counts_by_source_add_up_across_batches(tmp_path: Path) -> None:
    lines = [_document(n, 1, source) for n, source in enumerate(["walters", "tate", "walters", "artic"])]
    counts = checks.counts_by_source(_export(tmp_path, lines), batch=3)
    assert counts.rows() == [("artic", 1), ("tate", 1), ("walters", 2)]
