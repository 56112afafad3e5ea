"""The checks against real materializations: blocking checks in their asset, before the lake holds
the table (shared.stages.checked_asset), warnings as checks of their own (shared.checks.lake_check)."""

import hashlib
import logging
from pathlib import Path

import dagster as dg
import pandera.polars as pa
import polars as pl
import pytest

from shared.checks import TableCheck, issues_check, key_check, lake_check, model_check, references_check
from shared.io_manager import LakeIOManager
from shared.resources import Lakehouse
from shared.stages import checked_asset, lake_asset


class Things(pa.DataFrameModel):
    k: str = pa.Field(unique=True, description="key")
    year: int = pa.Field(ge=-10_000, le=2_100)


def _checked(name: str, frame: pl.DataFrame, checks: list[TableCheck]) -> dg.AssetsDefinition:
    @checked_asset(stage="reshape", name=name, checks=checks, description="A table checked before the lake")
    def _asset() -> pl.LazyFrame:
        return frame.lazy()

    return _asset


def _plain(name: str, frame: pl.DataFrame) -> dg.AssetsDefinition:
    @lake_asset(stage="reshape", name=name, description="A table written as it is")
    def _asset() -> pl.DataFrame:
        return frame

    return _asset


def _materialize(tmp_path: Path, assets: list, instance: dg.DagsterInstance | None = None):
    lakehouse = Lakehouse(data_dir=str(tmp_path))
    return dg.materialize(
        assets,
        resources={"io_manager": LakeIOManager(base_dir=str(lakehouse.lake_dir)), "lakehouse": lakehouse},
        raise_on_error=False,
        instance=instance,
    )


def _evaluations(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def _lake(tmp_path: Path) -> list[str]:
    """Every file in the lake (staging files are hidden: they would show here)."""
    return sorted(p.name for p in (tmp_path / "lake").iterdir()) if (tmp_path / "lake").exists() else []


def test_key_check_fails_on_duplicate_and_null_keys_names_them_and_writes_nothing(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": [1, 1, None, 2], "b": ["x", "x", "y", "y"]})
    result = _materialize(tmp_path, [_checked("things", frame, [key_check(("a", "b"))])])
    evaluation = _evaluations(result)["primary_key_unique"]
    assert not result.success and not evaluation.passed
    assert evaluation.metadata["bad_keys"].value == 2
    assert evaluation.metadata["bad_key_examples"].value == [[1, "x"], [None, "y"]]
    assert _lake(tmp_path) == []  # neither the table nor its staged file


def test_a_table_that_passes_is_put_in_place_with_its_metadata(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": [1, 2], "b": ["x", "x"]})
    result = _materialize(tmp_path, [_checked("things", frame, [key_check(("a", "b"))])])
    assert result.success and _evaluations(result)["primary_key_unique"].passed
    assert _lake(tmp_path) == ["things.parquet"]
    assert pl.read_parquet(tmp_path / "lake" / "things.parquet").equals(frame)
    (materialization,) = result.get_asset_materialization_events()
    assert materialization.materialization.metadata["dagster/row_count"].value == 2


def test_a_table_that_fails_leaves_the_lake_file_as_it_was(tmp_path: Path) -> None:
    good = pl.DataFrame({"k": ["a", "b"], "year": [1, 2]})
    assert _materialize(tmp_path, [_checked("things", good, [model_check(Things, description="d")])]).success
    lake_file = tmp_path / "lake" / "things.parquet"
    before = hashlib.sha256(lake_file.read_bytes()).hexdigest()

    bad = pl.DataFrame({"k": ["a", "b", "c"], "year": [1, 2, 99_999]})
    result = _materialize(tmp_path, [_checked("things", bad, [model_check(Things, description="d")])])

    assert not result.success
    assert hashlib.sha256(lake_file.read_bytes()).hexdigest() == before
    assert _lake(tmp_path) == ["things.parquet"]
    assert not result.get_asset_materialization_events()


def test_model_check_runs_data_checks_on_lazy_frames_with_failure_cases(tmp_path: Path) -> None:
    frame = pl.DataFrame({"k": ["a", "a", "b"], "year": [1, 2, 99_999]})
    result = _materialize(tmp_path, [_checked("things", frame, [model_check(Things, description="d")])])
    evaluation = _evaluations(result)["conforms_to_Things"]
    assert not evaluation.passed
    assert evaluation.metadata["failures"].value == 3
    assert "field_uniqueness" in str(evaluation.metadata["failures_by_check"].value)


def test_references_check_reads_its_target_from_the_lake_and_names_dangling_keys(tmp_path: Path) -> None:
    check = references_check("agent_key", target="agents", target_column="agent_key")
    links = _checked("links", pl.DataFrame({"agent_key": ["a", "b", "zz"]}), [check])
    assert dg.AssetKey("agents") in {dep.asset_key for dep in links.specs_by_key[dg.AssetKey("links")].deps}
    result = _materialize(tmp_path, [_plain("agents", pl.DataFrame({"agent_key": ["a", "b"]})), links])
    evaluation = _evaluations(result)["agent_key_references_agents"]
    assert not evaluation.passed
    assert evaluation.metadata["dangling_examples"].value == ["zz"]
    assert _lake(tmp_path) == ["agents.parquet"]


def test_a_failed_blocking_check_says_why_in_the_run_error_and_log(tmp_path: Path) -> None:
    frame = pl.DataFrame({"k": ["a", "b", "c"], "year": [1, 99_999, 2]})
    instance = dg.DagsterInstance.ephemeral()
    result = _materialize(
        tmp_path, [_checked("things", frame, [model_check(Things, description="d")])], instance=instance
    )
    assert not result.success
    errors = [
        e.step_failure_data.error.to_string()
        for e in result.all_events
        if e.is_step_failure and e.step_failure_data.error is not None
    ]
    # The run's log (what the UI shows) has the summary as an error of its own.
    logged = [
        entry.user_message
        for entry in instance.all_logs(result.run_id)
        if entry.level == logging.ERROR and not entry.is_dagster_event
    ]
    (error,) = errors
    # The check, the column and check that failed, how many, and the first failing value.
    for expected in (
        "conforms_to_Things",
        "things",
        "1 failure(s)",
        "year",
        "less_than_or_equal_to",
        "99999",
        "left as it was",
    ):
        assert expected in error, (expected, error)
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed and "99999" in (evaluation.description or "")
    assert any("conforms_to_Things" in m and "99999" in m for m in logged), logged


def test_a_failed_warning_check_does_not_fail_the_run(tmp_path: Path) -> None:
    frame = pl.DataFrame({"k": ["a"], "year": [99_999]})
    warning = model_check(Things, description="d", blocking=False)
    result = _materialize(tmp_path, [_plain("things", frame), lake_check("things", warning)])
    evaluation = _evaluations(result)["conforms_to_Things"]
    assert result.success
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN


def test_blocking_checks_cannot_run_apart_from_their_asset() -> None:
    with pytest.raises(ValueError, match="conforms_to_Things on things"):
        lake_check("things", model_check(Things, description="d"))
    assert not issues_check(key="object_key").blocking  # the one kind that runs apart
