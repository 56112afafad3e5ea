"""A function's code version counts the project code it reaches, by every route an asset reaches
its transforms, and nothing else (``shared.code_version``)."""

import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from shared import code_version

HELPERS = '''
"""Helpers, version {version}."""

def double(x):
    """Twice ``x``."""
    return x * {factor}


def unrelated(x):
    return x - {other}


class Tool:
    def run(self, x):
        return double(x)
'''
# Each route by which an asset's code reaches ``helpers.double``.
ROUTES = """
import functools
from pathlib import Path

QUERY = Path(__file__).with_name("query.sql")
STEPS = {"double": lambda x: helpers.double(x)}


def attribute(x):
    return helpers.double(x)


def in_a_lambda(x):
    return STEPS["double"](x)


def a_default(x, step=helpers.double):
    return step(x)


def a_parameters_method(x, tool: helpers.Tool):
    return tool.run(x)


def a_partial_in_a_closure():
    step = functools.partial(helpers.double)

    def compute(x):
        return step(x)

    return compute


def sql():
    return QUERY.read_text()
"""


@pytest.fixture
def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Loads helpers (formatted with ``version``, ``factor``, ``other``) and the routes from files in
    a folder of their own: each route's code version, by name."""

    def versions(folder: str, sql: str = "SELECT 1", **fields: object) -> dict[str, str]:
        monkeypatch.setattr(code_version, "ROOT", tmp_path / folder)  # the project's root
        monkeypatch.setattr(code_version, "_ROOT_PREFIX", f"{tmp_path / folder}/")
        root = tmp_path / folder / "transforms"
        root.mkdir(parents=True)
        (root / "query.sql").write_text(sql)
        helpers = _module("transforms.helpers", root / "helpers.py", HELPERS.format(**fields), monkeypatch)
        routes = _module("transforms.routes", root / "routes.py", ROUTES, monkeypatch, helpers=helpers)
        found = {name: getattr(routes, name) for name in ("attribute", "in_a_lambda", "a_default", "sql")}
        found["a_parameters_method"] = routes.a_parameters_method
        found["a_partial_in_a_closure"] = routes.a_partial_in_a_closure()
        return {name: code_version.code_version(fn) for name, fn in found.items()}

    return versions


def _module(
    name: str, path: Path, source: str, monkeypatch: pytest.MonkeyPatch, **names: object
) -> ModuleType:
    path.write_text(textwrap.dedent(source))
    module = ModuleType(name)
    module.__file__ = str(path)
    vars(module).update(names)
    monkeypatch.setitem(sys.modules, name, module)
    exec(compile(path.read_text(), str(path), "exec"), vars(module))
    return module


def test_a_change_to_a_function_reached_changes_the_version_by_every_route(load) -> None:
    before = load("before", version=1, factor=2, other=1)
    after = load("after", version=1, factor=3, other=1)
    assert {name for name in before if before[name] != after[name]} == set(before) - {"sql"}


def test_a_comment_a_docstring_or_an_unrelated_function_changes_nothing(load) -> None:
    before = load("before", version=1, factor=2, other=1)
    after = load("after", version="2, reworded", factor="2  # the same", other=5)
    assert after == before


def test_the_sql_a_function_runs_counts(load) -> None:
    before = load("before", version=1, factor=2, other=1)
    after = load("after", sql="SELECT 2", version=1, factor=2, other=1)
    assert {name for name in before if before[name] != after[name]} == {"sql"}
