"""The benchmark runs end to end at a small N and reports its figures (not how fast they are)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harvest.artic.replay import load_artic_records

BENCH = Path(__file__).with_name("bench.py")
N = 3_000
TATE_SAMPLE_ARTWORKS = 2_500  # the shipped Tate sample, read as it is beside the inflated Walters


def _bench(tmp_path: Path, objects: int, *options: str) -> dict:
    """What ``bench.py --objects objects *options`` writes to its JSON (its cache in ``tmp_path``)."""
    out = tmp_path / "bench.json"
    command = [sys.executable, str(BENCH), "--objects", str(objects), *options]
    subprocess.run(
        [*command, "--json", str(out), "--cache", str(tmp_path / "cache")], check=True, timeout=600
    )
    return json.loads(out.read_text())


@pytest.mark.slow
def test_bench_reports_figures(tmp_path: Path) -> None:
    result = _bench(tmp_path, N, "--repeat", "2", "--s3")

    assert result["objects"] == N
    assert result["repeat"] == 2
    assert result["peak_rss_mb"] > 0
    assert result["floor_ratio"] > 0
    assert set(result["stages"]) == {"clean", "enrich", "reshape", "database", "exports"}
    assert set(result["floors"]) == {"floor_copy", "floor_duckdb"}
    for figures in (*result["stages"].values(), *result["floors"].values()):
        for key in ("wall_s", "peak_rss_mb", "rows_per_s"):
            assert figures[key] > 0, (key, figures)
    assert result["peak_rss_mb"] == max(s["peak_rss_mb"] for s in result["stages"].values())
    # floor_ratio is the transform stages and the database build over the floors; exports beside it.
    ratio = sum(result["stages"][s]["wall_s"] for s in ("clean", "enrich", "reshape", "database"))
    assert result["floor_ratio"] == pytest.approx(ratio / result["floor_wall_s"], abs=1e-3)
    assert "floor_ratio" not in result["stages"]["exports"]
    for key in ("cpu", "cores", "ram_gb", "polars", "duckdb"):
        assert result["machine"][key]
    # The same stages with the lake on the loopback S3 server, and their ratio to the local run.
    on_s3 = result["s3"]
    assert set(on_s3["stages"]) == {"clean", "enrich", "reshape", "database"}
    assert on_s3["wall_s"] == pytest.approx(sum(s["wall_s"] for s in on_s3["stages"].values()), abs=0.01)
    assert on_s3["ratio_to_local"] == pytest.approx(on_s3["wall_s"] / result["wall_s"], rel=0.01)
    # Every generated object lands in the database once, beside the AIC fixtures and the Tate sample.
    assert result["raw_rows"] == N
    assert (
        result["database_rows"]["objects"] == N + len(load_artic_records("artworks")) + TATE_SAMPLE_ARTWORKS
    )


NIGHTLY_N = 300


@pytest.mark.slow
@pytest.mark.parametrize("executor", ["in_process", "multiprocess"])
def test_bench_nightly_reports_the_run(tmp_path: Path, executor: str) -> None:
    options = ["--nightly", "--multiprocess"] if executor == "multiprocess" else ["--nightly"]
    result = _bench(tmp_path, NIGHTLY_N, *options)
    nightly = result["nightly"]

    # The stage mode's figures are still there, beside the nightly's.
    assert set(result["stages"]) == {"clean", "enrich", "reshape", "database", "exports"}
    assert nightly["objects"] == NIGHTLY_N
    assert nightly["executor"] == executor
    assert nightly["wall_s"] > 0
    assert nightly["peak_rss_mb"] > 0
    floors = nightly["floors"]
    assert set(floors) == {"floor_copy", "floor_duckdb", "floor_exports", "floor_receive"}
    assert nightly["floor_wall_s"] == pytest.approx(
        sum(floors[name]["wall_s"] for name in ("floor_copy", "floor_duckdb", "floor_exports")), abs=1e-3
    )
    assert nightly["floor_ratio"] == pytest.approx(nightly["wall_s"] / nightly["floor_wall_s"], abs=0.01)
    # The records received once from the same server (the harvest's floor; it stops unless it
    # received every object), then added to the floors in the second ratio.
    assert floors["floor_receive"]["wall_s"] > 0
    with_receive = nightly["floor_wall_s"] + floors["floor_receive"]["wall_s"]
    assert nightly["floor_with_receive_s"] == pytest.approx(with_receive, abs=1e-3)
    assert nightly["floor_ratio_with_receive"] == pytest.approx(nightly["wall_s"] / with_receive, abs=0.01)
    # Every step of the job, from the run's own events: the Walters harvest through the exports.
    steps = nightly["steps"]
    for step in ("walters_objects_raw", "walters_objects_clean", "objects", "published_outputs"):
        assert step in steps, sorted(steps)
    for figures in steps.values():
        assert figures["wall_s"] >= 0
        # The tree's peak while the step ran: some memory, never more than the run's peak.
        assert 0 < figures["peak_rss_mb"] <= nightly["peak_rss_mb"]
    assert list(steps) == sorted(steps, key=lambda s: -steps[s]["wall_s"])  # slowest first
    # Steps run inside the job one at a time, so together they take less than the launch that ran
    # them; a process per step runs two or more at once.
    assert nightly["steps_total_s"] > 0
    if executor == "in_process":
        assert nightly["steps_total_s"] < nightly["wall_s"]


@pytest.mark.slow
def test_the_harvest_benchmark_reports_the_assets_peak_over_more_records_than_the_sample() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH.with_name("bench_harvest.py")), "--objects", "2500", "--peak"],
        check=True,
        timeout=600,
        capture_output=True,
        text=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # It checks itself that the table holds every object served; here, that it says so.
    assert result["objects"] == 2500 and result["peak_rss_mb"] > 0 and result["wall_s"] > 0
