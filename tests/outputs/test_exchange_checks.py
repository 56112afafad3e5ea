"""The export checks decode each written document (key order does not matter), read the file a batch
of documents at a time, judge all batches as one, and name every document they fail by line and id."""

import json
import random
from pathlib import Path

import polars as pl
import pytest

from outputs import exchange_checks as checks
from outputs.vocabulary import PRIMARY_NAME

BASE = "https://collection.example.org"
NAME = {"type": "Name", "content": "x", "classified_as": [{"id": PRIMARY_NAME.uri, "type": "Type"}]}
CANVAS = {"id": "c", "type": "Canvas", "width": 10, "height": 20, "items": []}


def _document(number: int, names: int, source: str = "walters", extra_aat: str | None = None) -> str:
    document = {
        "@context": "https://linked.art/ns/v1/linked-art.json",
        "id": f"{BASE}/object/{source}/{number}",
        "type": "HumanMadeObject",
        "identified_by": [NAME] * names,
    }
    if extra_aat:
        document["classified_as"] = [{"id": extra_aat, "type": "Type"}]
    return json.dumps(document, separators=(",", ":"))


def _manifest(number: int, **fields: object) -> dict:
    return {
        "@context": "http://iiif.io/api/presentation/3/context.json",
        "id": f"{BASE}/iiif/artic/{number}/manifest",
        "type": "Manifest",
        "items": [CANVAS],
        **fields,
    }


def _shuffled(value: object, rng: random.Random) -> object:
    """``value`` with the keys of every object in it in another order."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: _shuffled(value[key], rng) for key in keys}
    if isinstance(value, list):
        return [_shuffled(item, rng) for item in value]
    return value


def _export(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "objects.ndjson"
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def _examples(metadata: dict, what: str, key: str = "id") -> list:
    return [example[key] for example in metadata[f"{what}/examples"]]


def test_read_documents_yields_bounded_batches_of_whole_numbered_lines(tmp_path: Path) -> None:
    lines = [_document(n, 1) for n in range(5)]
    batches = list(checks.read_documents(_export(tmp_path, lines), batch=2))
    assert [batch.height for batch in batches] == [2, 2, 1]
    assert [d for batch in batches for d in batch["document"]] == lines
    assert [n for batch in batches for n in batch["line"]] == [1, 2, 3, 4, 5]
    assert [i for batch in batches for i in batch["id"]] == [f"{BASE}/object/walters/{n}" for n in range(5)]


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
    assert _examples(metadata, "documents_without_one_primary_name") == [
        f"{BASE}/object/walters/4",
        f"{BASE}/object/walters/5",
    ]
    assert _examples(metadata, "documents_without_one_primary_name", "line") == [4, 5]
    passed, metadata = results["aat_ids_pinned"]
    # The same unpinned id in two batches counts once, beside the pinned Primary Name.
    assert not passed and metadata["unpinned_aat_ids"] == 1 and metadata["aat_ids_used"] == 2
    assert results["documents_read"][0]


def _named(results: dict[str, tuple[bool, dict]]) -> dict[str, list[str]]:
    """The ids of the documents each check failed."""
    return {
        name: sorted(e["id"] for key, value in metadata.items() if key.endswith("/examples") for e in value)
        for name, (_, metadata) in results.items()
    }


def test_the_checks_read_fields_by_name_in_any_key_order(tmp_path: Path) -> None:
    rng = random.Random(19)
    objects = [json.loads(_document(1, 1)), json.loads(_document(2, 2))]
    manifests = [
        _manifest(3, rights="http://creativecommons.org/publicdomain/zero/1.0/", items=[CANVAS, CANVAS]),
        _manifest(4, rights="https://creativecommons.org/publicdomain/zero/1.0/"),
        _manifest(5, items=[CANVAS, {**CANVAS, "height": 0}]),
    ]
    for round_ in range(5):
        for documents, export_checks, failed in (
            (objects, checks.OBJECT_CHECKS, {"one_primary_name": [f"{BASE}/object/walters/2"]}),
            (
                manifests,
                checks.MANIFEST_CHECKS,
                {
                    "rights_uris": [f"{BASE}/iiif/artic/4/manifest"],
                    "canvases_sized": [f"{BASE}/iiif/artic/5/manifest"],
                },
            ),
        ):
            lines = [json.dumps(_shuffled(d, rng), separators=(",", ":")) for d in documents]
            results = checks.check_written(_export(tmp_path, lines), export_checks)
            assert _named(results) == {name: failed.get(name, []) for name in export_checks}, round_
            assert {name for name, (passed, _) in results.items() if not passed} == set(failed), round_


def test_a_mistyped_or_unreadable_document_fails_naming_its_line_and_id(tmp_path: Path) -> None:
    sized, mistyped = _manifest(1), _manifest(2, items=[{**CANVAS, "width": 10.5}])
    lines = [
        json.dumps(sized),
        json.dumps(mistyped),
        json.dumps(_manifest(3, items=[{**CANVAS, "height": "20"}])),
        json.dumps(_manifest(4, items={"type": "Canvas"})),  # an object where a list belongs
        '{"id": "cut off',
        "",
        json.dumps(sized),
    ]
    results = checks.check_written(_export(tmp_path, lines), checks.MANIFEST_CHECKS, batch=4)
    passed, metadata = results["documents_read"]
    assert not passed and metadata["unreadable_documents"] == 5
    examples = metadata["unreadable_documents/examples"]
    assert [(e["line"], e["id"]) for e in examples] == [
        (2, f"{BASE}/iiif/artic/2/manifest"),
        (3, f"{BASE}/iiif/artic/3/manifest"),
        (4, f"{BASE}/iiif/artic/4/manifest"),
        (5, None),
        (6, None),
    ]
    assert "10.5" in examples[0]["problem"] and examples[0]["start"].startswith('{"@context"')
    assert examples[4]["problem"] == "a blank line, no document"
    # The unreadable lines have no canvas the check could read; the readable ones are judged.
    passed, metadata = results["canvases_sized"]
    assert not passed and _examples(metadata, "manifests_with_unsized_or_no_canvas", "line") == [
        2,
        3,
        4,
        5,
        6,
    ]


def test_a_line_that_is_not_utf8_fails_naming_its_line_and_the_rest_are_read(tmp_path: Path) -> None:
    path = tmp_path / "objects.ndjson"
    lines = [_document(1, 1).encode(), b'{"id": "caf\xe9"}', _document(3, 2).encode()]
    path.write_bytes(b"\n".join(lines))  # the last line without its line end, as a file may end
    results = checks.check_written(path, checks.OBJECT_CHECKS, batch=2)
    passed, metadata = results["documents_read"]
    assert not passed and metadata["unreadable_documents"] == 1
    (example,) = metadata["unreadable_documents/examples"]
    assert example["line"] == 2 and example["start"] == '{"id": "caf\ufffd"}' and "Utf8" in example["problem"]
    # The line after it, in the next batch, is still judged: it has two Primary Names.
    assert _examples(results["one_primary_name"][1], "documents_without_one_primary_name", "line") == [2, 3]


def test_a_missing_field_fails_its_check_naming_the_document() -> None:
    no_items = {key: value for key, value in _manifest(7).items() if key != "items"}
    passed, metadata = checks.canvases_sized([json.dumps(no_items)])
    assert not passed and _examples(metadata, "manifests_with_unsized_or_no_canvas") == [
        f"{BASE}/iiif/artic/7/manifest"
    ]
    unnamed = {key: value for key, value in json.loads(_document(8, 1)).items() if key != "identified_by"}
    passed, metadata = checks.one_primary_name([json.dumps(unnamed)])
    assert not passed and _examples(metadata, "documents_without_one_primary_name") == [
        f"{BASE}/object/walters/8"
    ]


def test_an_empty_export_passes_and_counts_nothing(tmp_path: Path) -> None:
    path = _export(tmp_path, [])
    assert all(passed for passed, _ in checks.check_written(path, checks.MANIFEST_CHECKS).values())
    assert checks.counts_by_source(path).is_empty()


def test_counts_by_source_add_up_across_batches(tmp_path: Path) -> None:
    lines = [_document(n, 1, source) for n, source in enumerate(["walters", "tate", "walters", "artic"])]
    lines.append(json.dumps(_manifest(9)))
    counts = checks.counts_by_source(_export(tmp_path, lines), batch=3)
    assert counts.rows() == [("artic", 2), ("tate", 1), ("walters", 2)]


def test_two_checks_that_read_one_field_as_two_types_are_refused() -> None:
    rights_as_list = checks.Check(
        "Rights as a list.",
        find=lambda batch: batch,
        judge=checks._bad("x"),
        fields={"rights": pl.List(pl.String())},
    )
    with pytest.raises(ValueError, match="rights"):
        checks.schema({"rights_uris": checks.rights_uris, "other": rights_as_list})
