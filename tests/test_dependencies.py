"""Every third-party package the code and the tests import is declared in pyproject.toml.

A package that is only installed because a declared one depends on it can vanish with that
package's next release: the import then fails on a fresh clone although nothing here changed.
"""

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _normalised(distribution: str) -> str:
    """A distribution's name as PyPI compares them (PEP 503): ``PyLD`` and ``pyld``, ``a_b`` and ``a-b``."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def _declared() -> set[str]:
    """The distributions pyproject.toml names: the dependencies and every dependency group."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    groups = project.get("dependency-groups", {}).values()
    requirements = [*project["project"]["dependencies"], *(r for group in groups for r in group)]
    # A requirement starts with its name ("pandera[polars]>=0.35"); group includes are tables, not names.
    names = (re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", r) for r in requirements if isinstance(r, str))
    return {_normalised(name.group()) for name in names if name}


def _imports(path: Path) -> set[str]:
    """The top-level modules ``path`` imports, wherever in the file (a function's own imports too)."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return modules


def _local(module: str) -> bool:
    """A module of this repository (``shared``, ``definitions``, ``tests`` ...)."""
    return (ROOT / module).is_dir() or (ROOT / f"{module}.py").is_file()


def _python_files() -> list[Path]:
    skipped = {".venv", ".git", "data"}
    return sorted(p for p in ROOT.rglob("*.py") if not skipped & set(p.relative_to(ROOT).parts))


def test_every_imported_package_is_declared() -> None:
    distributions = importlib.metadata.packages_distributions()
    declared = _declared()
    undeclared: dict[str, set[str]] = {}
    for path in _python_files():
        for module in _imports(path):
            if module in sys.stdlib_module_names or _local(module):
                continue
            names = distributions.get(module, [f"<no installed distribution provides {module!r}>"])
            if not declared & {_normalised(name) for name in names}:
                undeclared.setdefault(f"{module} ({', '.join(names)})", set()).add(
                    str(path.relative_to(ROOT))
                )
    assert not undeclared, "imported but not declared in pyproject.toml:\n" + "\n".join(
        f"  {module}, imported by {', '.join(sorted(paths))}" for module, paths in sorted(undeclared.items())
    )


def test_the_check_reads_names_as_pip_does() -> None:
    assert _normalised("PyLD") == _normalised("pyld")
    assert _normalised("universal_pathlib") == _normalised("universal-pathlib")
    # A requirement's extras and bounds are not part of its name.
    assert {"pandera", "moto", "psycopg2-binary"} <= _declared()
