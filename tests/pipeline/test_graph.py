"""The shape of the asset graph: what a newcomer and the UI rely on."""

import dagster as dg

from definitions import defs
from shared.stages import STAGES
from tests.conftest import OUTPUT_ASSETS


def _graph():
    return defs.resolve_asset_graph()


def test_every_asset_is_in_a_stage_group_with_description_owner_and_kinds() -> None:
    """(Their code versions follow their code: tests/pipeline/test_code_versions.py.)"""
    for spec in defs.resolve_all_asset_specs():
        name = spec.key.to_user_string()
        assert spec.group_name in STAGES, name
        assert spec.description and len(spec.description) > 20, name
        assert spec.owners, name
        assert spec.kinds, name


def test_harvest_assets_are_roots_and_outputs_are_leaves() -> None:
    graph = _graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.group_name == "harvest":
            assert not node.parent_keys, key
        if node.group_name == "output" and key.to_user_string() != "analytics_database":
            assert not node.child_keys, key
    database = graph.get(dg.AssetKey("analytics_database"))
    assert {c.to_user_string() for c in database.child_keys} == OUTPUT_ASSETS - {"analytics_database"}


def test_stages_flow_forward_only() -> None:
    graph = _graph()
    order = {stage: i for i, stage in enumerate(STAGES)}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        for parent in node.parent_keys:
            assert order[graph.get(parent).group_name] <= order[node.group_name], (parent, key)


def test_every_stage_has_assets_and_the_job_and_schedule_exist() -> None:
    groups = {spec.group_name for spec in defs.resolve_all_asset_specs()}
    assert groups == set(STAGES)
    # The nightly job runs every asset (get_job_def raises for a job that is not defined).
    nightly = defs.get_job_def("nightly")
    assert nightly.asset_layer.selected_asset_keys == _graph().get_all_asset_keys()
    schedule = defs.get_schedule_def("nightly_schedule")
    assert schedule.job_name == "nightly"


def test_transform_modules_are_pure() -> None:
    """Pure transforms import no dagster and do no IO: only transforms/assets/ wires them."""
    import ast
    from pathlib import Path

    forbidden_imports = {"dagster", "duckdb", "httpx", "os", "pathlib", "datetime", "time"}
    forbidden_calls = {
        "collect",
        "map_elements",
        "map_batches",
        "apply",
        "read_parquet",
        "scan_parquet",
        "sink_parquet",
        "write_parquet",
        "now",
    }
    # Held to the same rules: a museum's own clean functions (harvest/<museum>/clean.py), and the
    # record-level rules the parsers apply (shared/issues.py) with their lookup helper.
    pure = [
        *Path("transforms").glob("*.py"),
        *Path("harvest").glob("*/clean.py"),
        Path("shared/issues.py"),
        Path("shared/lookup.py"),
    ]
    for path in sorted(pure):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not any(n.split(".")[0] in forbidden_imports for n in names), (path, names)
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                assert node.attr not in forbidden_calls, (path, node.lineno, node.attr)


def test_the_readme_lists_every_registered_museum_and_its_assets_exist() -> None:
    from pathlib import Path

    from harvest.museums import MUSEUMS

    readme = Path("README.md").read_text()
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    for museum in MUSEUMS:
        assert f"| {museum.title} | `harvest/{museum.name}/` |" in readme, museum.name
        for frame in museum.frames:
            assert {frame.raw(museum.name), frame.cleaned(museum.name)} <= keys, (museum.name, frame.kind)


def test_shared_is_the_ground_floor() -> None:
    """shared/ imports nothing from the stages above it (harvest/, transforms/, outputs/)."""
    import ast
    from pathlib import Path

    above = {"harvest", "transforms", "outputs", "definitions"}
    for path in sorted(Path("shared").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not any(n.split(".")[0] in above for n in names), (path, node.lineno, names)


def _package_imports() -> dict[str, set[str]]:
    """Which of the project's packages each package imports, anywhere in its modules (an import
    inside a function, made late to spare Dagster, counts too)."""
    import ast
    from pathlib import Path

    packages = ("shared", "transforms", "harvest", "outputs")
    imports: dict[str, set[str]] = {package: set() for package in packages}
    for package in packages:
        for path in sorted(Path(package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    names = (
                        [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                    )
                    imports[package] |= {n.split(".")[0] for n in names} & (set(packages) - {package})
    return imports


def test_no_package_cycle() -> None:
    """The packages stand in layers: each imports only packages below it (the museums' declaration
    type, shared.museum, is below both the harvest that declares museums and the transforms that
    derive assets from them)."""
    imports = _package_imports()
    placed: list[str] = []
    while len(placed) < len(imports):
        ready = sorted(p for p in imports if p not in placed and imports[p] <= set(placed))
        assert ready, f"a cycle among {sorted(set(imports) - set(placed))}: {imports}"
        placed.extend(ready)


def test_blocking_checks_run_in_their_assets_and_every_table_of_the_database_has_one() -> None:
    """A blocking check runs in its asset, before the lake holds the table (shared.stages): a check
    of its own would run after the table was written. Every table of the database is checked
    against its model or its key, and every museum's clean objects and agents against the model."""
    from harvest.museums import MUSEUMS
    from shared.schemas.output import TABLES

    assets = [a for a in defs.assets or [] if isinstance(a, dg.AssetsDefinition)]
    apart = [spec for c in defs.asset_checks or [] for spec in c.check_specs]
    assert apart and not [spec.key for spec in apart if spec.blocking]
    blocking = {
        (spec.asset_key.to_user_string(), spec.name)
        for a in assets
        for spec in a.check_specs
        if spec.blocking
    }
    for table in TABLES:
        check = f"conforms_to_{table.model.__name__}" if table.model else "primary_key_unique"
        assert (table.name, check) in blocking, table.name
    for museum in MUSEUMS:
        assert (museum.objects.cleaned(museum.name), "conforms_to_CleanObjects") in blocking
        assert (museum.agents.cleaned(museum.name), "conforms_to_CleanAgents") in blocking
    assert ("object_agents", "agent_key_references_agents") in blocking
    assert ("walters_creators_raw", "conforms_to_WaltersCreatorsRaw") in blocking


def test_the_database_and_the_exports_are_one_step_that_cannot_be_split() -> None:
    (step,) = [
        a
        for a in defs.assets or []
        if isinstance(a, dg.AssetsDefinition) and dg.AssetKey("analytics_database") in a.keys
    ]
    assert {key.to_user_string() for key in step.keys} == OUTPUT_ASSETS
    assert not step.can_subset


# Functions longer than ``MAX_FUNCTION_LINES`` that are declarative tables, not logic: none so far.
# An entry names the file and function (``"outputs/x.py:TERMS"``) and says why in a comment.
LONG_TABLES: frozenset[str] = frozenset()
MAX_FUNCTION_LINES = 60


def test_every_function_fits_on_a_screen() -> None:
    """No function of the pipeline's packages is longer than ``MAX_FUNCTION_LINES`` lines, from
    its ``def`` to its last line (docstring included, decorators not): a longer one has seams to
    split along."""
    import ast
    from pathlib import Path

    long = []
    for package in ("harvest", "transforms", "outputs", "shared"):
        for path in sorted(Path(package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines = (node.end_lineno or node.lineno) - node.lineno + 1
                    if lines > MAX_FUNCTION_LINES and f"{path}:{node.name}" not in LONG_TABLES:
                        long.append(f"{path}:{node.lineno} {node.name} ({lines} lines)")
    assert not long, long
