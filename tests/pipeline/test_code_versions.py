"""Every asset's code version follows the code that computes it (``shared.code_version``): a change
to one function's code changes the version of exactly the assets that run it, and nothing else
does. Measured on copies of the repository, edited, whose definitions one process loads in turn."""

import ast
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Set
from pathlib import Path

import pytest

from tests.conftest import OUTPUT_ASSETS, REPO

PACKAGES = ("harvest", "transforms", "outputs", "shared")
# Loads the definitions of each folder given, in turn, and prints every asset's code version.
LOAD = """
import json, sys
from pathlib import Path

PROJECT = {"definitions", "harvest", "transforms", "outputs", "shared"}
found = []
for folder in sys.argv[1:]:
    sys.path.insert(0, folder)
    from definitions import make_definitions
    from shared.resources import Settings

    defs = make_definitions(Settings(data_dir=str(Path(folder) / "data"), museum_env={}))
    found.append({s.key.to_user_string(): s.code_version for s in defs.resolve_all_asset_specs()})
    sys.path.remove(folder)
    for name in [m for m in sys.modules if m.split(".")[0] in PROJECT]:
        del sys.modules[name]
print(json.dumps(found))
"""


def _function(source: str, name: str) -> ast.FunctionDef:
    (found,) = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef) and n.name == name]
    return found


def _insert(name: str, line: str) -> Callable[[str], str]:
    """An edit that puts ``line`` at the top of the function ``name``'s body, after its docstring."""

    def edit(source: str) -> str:
        first = _function(source, name).body[1]  # body[0]: the docstring
        lines = source.splitlines(keepends=True)
        lines.insert(first.lineno - 1, " " * first.col_offset + line + "\n")
        return "".join(lines)

    return edit


def _redocument(name: str) -> Callable[[str], str]:
    """An edit that rewrites the docstring of the function ``name``."""

    def edit(source: str) -> str:
        docstring = _function(source, name).body[0]
        lines = source.splitlines(keepends=True)
        indent = " " * docstring.col_offset
        lines[docstring.lineno - 1 : docstring.end_lineno] = [f'{indent}"""Said another way."""\n']
        return "".join(lines)

    return edit


def _copy(folder: Path, edits: dict[str, Callable[[str], str]]) -> Path:
    """The repository's code copied into ``folder``, each file of ``edits`` edited."""
    for package in PACKAGES:
        shutil.copytree(REPO / package, folder / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "definitions.py", folder)
    for path, edit in edits.items():
        text = (folder / path).read_text()
        edited = edit(text)
        assert edited != text, path
        (folder / path).write_text(edited)
    return folder


# What is edited in each copy, and which assets run it.
CHANGES: dict[str, tuple[dict[str, Callable[[str], str]], Set[str]]] = {
    # Neither a comment nor a docstring is code.
    "unchanged": (
        {
            "transforms/model.py": _redocument("count_by"),
            "transforms/dimensions.py": _insert("parse_dimensions", "# a remark"),
        },
        set(),
    ),
    # A reshape transform, called through the module (``model.count_by``).
    "count_by": (
        {"transforms/model.py": _insert("count_by", "unused = 0")},
        {"classifications", "departments"},
    ),
    # A transform every museum's clean objects function calls (held by its Frame); the raw assets
    # run the clean function too, to refuse a harvest whose records break its rules too often.
    "parse_dimensions": (
        {"transforms/dimensions.py": _insert("parse_dimensions", "unused = 0")},
        {
            f"{m}_{kind}_{stage}"
            for m, kind in (("walters", "objects"), ("artic", "artworks"), ("tate", "artworks"))
            for stage in ("raw", "clean")
        },
    ),
    # A clean function the museum's declaration calls from a lambda.
    "lambda": (
        {"harvest/walters/clean.py": _insert("clean_walters_exhibitions", "unused = 0")},
        {"walters_exhibitions_clean"},
    ),
    # A helper of the enrich and reshape assets, reached through the collection they close over
    # (``transforms.assets.inputs.Collection``): every asset that unions the museums' tables.
    "union": (
        {"transforms/assets/inputs.py": _insert("union", "unused = 0")},
        {
            "collection_agents",
            "collection_exhibitions",
            "objects",
            "record_issues",
            "object_agents",
            "places",
            "object_places",
            "images",
            "exhibitions",
            "object_exhibitions",
            "related_objects",
            "classifications",
            "departments",
        },
    ),
    # SQL the database build runs: the one output step builds every output.
    "views.sql": (
        {"outputs/views.sql": lambda sql: sql + "\nCREATE VIEW probe AS SELECT 1;\n"},
        OUTPUT_ASSETS,
    ),
}


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Every asset's code version in each copy of ``CHANGES``, loaded in another process (its own
    hash seed) from another folder, and in this process from the repository (``"repository"``)."""
    from definitions import make_definitions
    from shared.resources import Settings

    folders = [_copy(tmp_path_factory.mktemp(name), edits) for name, (edits, _) in CHANGES.items()]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHASHSEED")}
    loaded = subprocess.run(
        [sys.executable, "-c", LOAD, *map(str, folders)],
        cwd=folders[0],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    here = make_definitions(Settings(data_dir=str(tmp_path_factory.mktemp("data")), museum_env={}))
    return {
        "repository": {s.key.to_user_string(): s.code_version or "" for s in here.resolve_all_asset_specs()},
        **dict(zip(CHANGES, json.loads(loaded.stdout), strict=True)),
    }


def test_every_asset_has_a_version_of_its_own_code(versions: dict[str, dict[str, str]]) -> None:
    repository = versions["repository"]
    assert all(len(v) == 12 and int(v, 16) >= 0 for v in repository.values()), repository
    # One step computes the outputs; every other asset is computed by code of its own.
    outputs = {repository[name] for name in OUTPUT_ASSETS}
    others = [v for name, v in repository.items() if name not in OUTPUT_ASSETS]
    assert len(outputs) == 1 and len(set(others)) == len(others) and not outputs & set(others)


def test_unchanged_code_keeps_every_version(versions: dict[str, dict[str, str]]) -> None:
    """The same code loaded elsewhere, by another process, with comments and docstrings edited."""
    assert versions["unchanged"] == versions["repository"]


@pytest.mark.parametrize("change", [c for c in CHANGES if c != "unchanged"])
def test_a_change_changes_the_version_of_exactly_the_assets_that_run_it(
    versions: dict[str, dict[str, str]], change: str
) -> None:
    before, after = versions["repository"], versions[change]
    assert after.keys() == before.keys()
    assert {name for name in before if after[name] != before[name]} == CHANGES[change][1]
