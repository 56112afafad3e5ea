"""The check factories against real materializations through the lake IO manager."""

import logging
from pathlib import Path

import dagster as dg
import pandera.polars as pa
import polars as pl

from shared.checks import key_check, model_check, references_check
from shared.io_manager import LakeIOManager


class Things(pa.DataFrameModel):
    k: str = pa.Field(unique=True, description="key")
    year: int = pa.Field(ge=-10_000, le=2_100)


def _run(tmp_path: Path, frames: dict[str, pl.DataFrame], checks: list) -> dict[str, dg.AssetCheckEvaluation]:
    def make(name: str, frame: pl.DataFrame) -> dg.AssetsDefinition:
        @dg.asset(name=name)
        def _asset() -> pl.DataFrame:
            return frame

        return _asset

    result = dg.materialize(
        [make(name, frame) for name, frame in frames.items()] + checks,
        resources={"io_manager": LakeIOManager(base_dir=str(tmp_path))},
        raise_on_error=False,
    )
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def test_key_check_fails_on_duplicate_and_null_keys_and_names_them(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": [1, 1, None, 2], "b": ["x", "x", "y", "y"]})
    evaluation = _run(tmp_path, {"things": frame}, [key_check("things", ("a", "b"))])["primary_key_unique"]
    assert not evaluation.passed
    assert evaluation.metadata["bad_keys"].value == 2
    assert evaluation.metadata["bad_key_examples"].value == [[1, "x"], [None, "y"]]


def test_key_check_passes_on_unique_keys(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": [1, 2], "b": ["x", "x"]})
    assert _run(tmp_path, {"things": frame}, [key_check("things", ("a", "b"))])["primary_key_unique"].passed


def test_model_check_runs_data_checks_on_lazy_frames_with_failure_cases(tmp_path: Path) -> None:
    frame = pl.DataFrame({"k": ["a", "a", "b"], "year": [1, 2, 99_999]})
    evaluation = _run(
        tmp_path, {"things": frame}, [model_check("things", Things, blocking=True, description="d")]
    )["conforms_to_Things"]
    assert not evaluation.passed
    assert evaluation.metadata["failures"].value == 3
    assert "field_uniqueness" in str(evaluation.metadata["failures_by_check"].value)


def test_references_check_names_dangling_keys(tmp_path: Path) -> None:
    frames = {
        "links": pl.DataFrame({"agent_key": ["a", "b", "zz"]}),
        "agents": pl.DataFrame({"agent_key": ["a", "b"]}),
    }
    check = references_check("links", "agent_key", target="agents", target_column="agent_key")
    evaluation = _run(tmp_path, frames, [check])["agent_key_references_agents"]
    assert not evaluation.passed
    assert evaluation.metadata["dangling_examples"].value == ["zz"]


def test_a_failed_blocking_check_says_why_in_the_run_error_and_log(tmp_path: Path) -> None:
    frame = pl.DataFrame({"k": ["a", "b", "c"], "year": [1, 99_999, 2]})
    assets = [model_check("things", Things, blocking=True, description="d")]

    @dg.asset(name="things")
    def things() -> pl.DataFrame:
        return frame

    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        [things, *assets],
        resources={"io_manager": LakeIOManager(base_dir=str(tmp_path))},
        raise_on_error=False,
        instance=instance,
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
    ):
        assert expected in error, (expected, error)
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed and "99999" in (evaluation.description or "")
    assert any("conforms_to_Things" in m and "99999" in m for m in logged), logged


def test_a_failed_warning_check_does_not_fail_the_run(tmp_path: Path) -> None:
    frame = pl.DataFrame({"k": ["a"], "year": [99_999]})
    evaluation = _run(
        tmp_path, {"things": frame}, [model_check("things", Things, blocking=False, description="d")]
    )["conforms_to_Things"]
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
