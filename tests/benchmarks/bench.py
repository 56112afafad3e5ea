"""The transform graph and the database build at scale, measured against their floors.

    uv run python tests/benchmarks/bench.py --objects 1000000 --json results.json [--seed 0] [--repeat 3] [--nightly] [--s3]

Generates (or reuses, cached by N and seed) an inflated raw lake (tests/benchmarks/scale.py), then
runs each stage in a fresh subprocess so its peak RSS is its own (``os.wait4`` rusage):

- clean, enrich, reshape: the same pure functions the assets call (transforms.assets), inputs
  ``scan_parquet``, outputs ``shared.lake.sink_lake`` (as the IO manager writes);
- database: ``outputs.database.build_database`` with ``shared.schemas.output.TABLES``, reading local copies
  of the tables and publishing the file as the output asset does (``shared.storage``);
- exports: the Linked Art objects and people and the IIIF manifests (``outputs.linked_art``,
  ``outputs.iiif``) written and checked as their assets do (``outputs.exchange_checks``);
- floor_copy: a bare scan -> ``sink_lake`` copy of the raw Walters Parquet (the transform stages' floor);
- floor_duckdb: DuckDB ``CREATE TABLE AS SELECT * FROM read_parquet`` of the reshaped tables into a
  fresh file (the database build's floor).

``floor_ratio`` = (clean + enrich + reshape + database wall) / (floor_copy + floor_duckdb wall); the
exports stage is reported beside them (wall, peak, rows/s) but is not part of the ratio.
With ``--repeat N`` the stages and floors run N rounds and each one's fastest run counts (its
peak RSS: the largest of the N), so one slow spell of a shared machine does not decide the ratio.
The asset-only metadata (quirk counts, charts, Pandera checks) is not part of these stages.

With ``--s3`` the same four stages run once more with the lake on an S3-compatible server (moto,
started on 127.0.0.1 for the purpose; the raw lake uploaded first), and ``s3.ratio_to_local`` is
their wall time over the local run's. Loopback moto measures the code path and the transfer
overhead, not a real object store's latency or bandwidth.

With ``--nightly`` the ``nightly`` job itself runs over the N objects, as a deployment of the Walters
runs it: the generated records served on a loopback Walters v1 API (``scale.iter_records``,
``harvest.walters.replay.WaltersReplay``) and the shipped CSV exports, ``uv run dg launch --job nightly`` in a
temporary DATA_DIR and DAGSTER_HOME. ``nightly`` holds its wall time, the peak RSS of its process
tree (psutil, every ``SAMPLE_S``), each step's time and peak from the run's own events, and
``floor_ratio``: its wall time over floor_copy, floor_duckdb and floor_exports (the exports' bytes
written once more), measured right after on what it wrote.
"""

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Generator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars
    import psutil
    from upath import UPath

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# The last plausible year of a date, as the assets read it from the clock.
LATEST_YEAR = time.gmtime().tm_year
TRANSFORM_STAGES = ("clean", "enrich", "reshape")
# The stages floor_ratio measures; the exports stage is reported beside them.
RATIO_STAGES = (*TRANSFORM_STAGES, "database")
RESHAPED = (
    "objects", "agents", "object_agents", "places", "object_places", "images", "exhibitions",
    "object_exhibitions", "related_objects", "classifications", "departments",
)  # fmt: skip


# --- stages, each run in its own process ------------------------------------------------------


def _scan(lake: "UPath", name: str):
    # As the lake IO manager loads an input (from a whole copy when the lake is on object storage).
    import polars as pl

    from shared.storage import readable

    return pl.scan_parquet(readable(lake / f"{name}.parquet"))


def _sink(lf, lake: "UPath", name: str) -> None:
    # As the lake IO manager writes an asset (with its scan settings: bound_memory, in main).
    from shared.lake import sink_lake

    sink_lake(lf, str(lake / f"{name}.parquet"))


def stage_clean(lake: "UPath") -> None:
    # Every frame of every registered museum, as transforms.assets derives its clean assets.
    from harvest.museums import MUSEUMS

    for museum in MUSEUMS:
        for frame in museum.frames:
            _sink(
                frame.clean(_scan(lake, frame.raw(museum.name)), latest_year=LATEST_YEAR),
                lake,
                frame.cleaned(museum.name),
            )


def _union(lake: "UPath", names: list[str], schema: "polars.Schema"):
    from transforms import model

    return model.union_sources(*(_scan(lake, name) for name in names), schema=schema)


def _collection_objects(lake: "UPath"):
    # As transforms.assets reads them (not imported: it would load dagster into the measured
    # process): every museum's clean objects, unioned lazily.
    from harvest.museums import MUSEUMS
    from transforms.model import OBJECT_SCHEMA

    return _union(lake, [m.objects.cleaned(m.name) for m in MUSEUMS], OBJECT_SCHEMA)


def stage_enrich(lake: "UPath") -> None:
    from harvest.museums import MUSEUMS
    from transforms import model

    agents = _union(lake, [m.agents.cleaned(m.name) for m in MUSEUMS], model.AGENT_SCHEMA)
    _sink(
        model.complete_agents(agents, _collection_objects(lake), latest_year=LATEST_YEAR),
        lake,
        "collection_agents",
    )
    exhibitions = [m.exhibitions.cleaned(m.name) for m in MUSEUMS if m.exhibitions]
    _sink(_union(lake, exhibitions, model.EXHIBITION_SCHEMA), lake, "collection_exhibitions")


def stage_reshape(lake: "UPath") -> None:
    from harvest.museums import MUSEUMS
    from transforms import identities, model

    def objects():
        return _collection_objects(lake)

    exhibitions = _scan(lake, "collection_exhibitions")
    _sink(model.flatten_objects(objects()), lake, "objects")
    _sink(identities.match_agents(_scan(lake, "collection_agents")), lake, "agent_matches")
    _sink(
        model.flatten_agents(_scan(lake, "collection_agents"), _scan(lake, "agent_matches")), lake, "agents"
    )
    _sink(model.list_record_issues(objects(), _scan(lake, "collection_agents")), lake, "record_issues")
    _sink(model.link_object_agents(objects()), lake, "object_agents")
    _sink(
        identities.describe_identities(_scan(lake, "agents"), _scan(lake, "object_agents")),
        lake,
        "agent_identities",
    )
    _sink(model.extract_places(objects()), lake, "places")
    _sink(model.link_object_places(objects()), lake, "object_places")
    _sink(model.extract_images(objects()), lake, "images")
    _sink(model.extract_exhibitions(objects(), exhibitions), lake, "exhibitions")
    _sink(model.link_object_exhibitions(objects(), exhibitions), lake, "object_exhibitions")
    relationships = [m.relationships.cleaned(m.name) for m in MUSEUMS if m.relationships]
    _sink(
        model.link_related_objects(objects(), _union(lake, relationships, model.RELATIONSHIP_SCHEMA)),
        lake,
        "related_objects",
    )
    _sink(model.count_by(objects(), "classification"), lake, "classifications")
    _sink(model.count_by(objects(), "department"), lake, "departments")


def stage_database(lake: "UPath") -> dict[str, int]:
    from outputs.database import build_database
    from shared.schemas.output import TABLES
    from shared.storage import local_copies, publishing

    tables = {t.name: lake / f"{t.name}.parquet" for t in TABLES}
    with local_copies(tables) as parquet, publishing(lake.parent / "analytics.duckdb") as target:
        return build_database(target, TABLES, parquet)


def stage_exports(lake: "UPath") -> None:
    from harvest.museums import MUSEUMS
    from outputs import exchange_checks as checks
    from outputs.exchange_write import write_linked_art_objects
    from outputs.iiif import iiif_manifests
    from outputs.json_text import sink_documents
    from outputs.linked_art import linked_art_people

    base_url = "https://collection.example.org"  # PUBLIC_BASE_URL's default (read without dagster)
    titles = {museum.name: museum.title for museum in MUSEUMS}
    # Written beside a local lake only (--s3 runs the ratio stages, not this one); the assets
    # publish through Lakehouse.publishing wherever DATA_DIR is.
    target = Path(str(lake.parent)) / "exports"
    target.mkdir(exist_ok=True)
    object_agents, agents, images, objects = (
        _scan(lake, name) for name in ("object_agents", "agents", "images", "objects")
    )
    written = {
        "linked-art-objects": checks.OBJECT_CHECKS,
        "linked-art-people": checks.PEOPLE_CHECKS,
        "iiif-manifests": checks.MANIFEST_CHECKS,
    }
    # As the assets write them (outputs.exchange_assets).
    write_linked_art_objects(
        str(lake / "objects.parquet"),
        object_agents,
        agents,
        images,
        target / "linked-art-objects.ndjson",
        base_url=base_url,
        titles=titles,
    )
    sink_documents(
        linked_art_people(agents, _scan(lake, "agent_identities"), base_url=base_url, titles=titles).select(
            "document"
        ),
        str(target / "linked-art-people.ndjson"),
    )
    sink_documents(
        iiif_manifests(objects, images, base_url=base_url).select("document"),
        str(target / "iiif-manifests.ndjson"),
    )
    for name, export_checks in written.items():
        results = checks.check_written(target / f"{name}.ndjson", export_checks)
        failed = [check for check, (passed, _) in results.items() if not passed]
        if failed:
            raise SystemExit(f"export {name} failed its checks: {failed}")


def stage_floor_copy(lake: "UPath") -> None:
    _sink(_scan(lake, "walters_objects_raw"), lake.parent, "floor_copy")


def stage_floor_duckdb(lake: "UPath") -> None:
    import duckdb

    target = lake.parent / "floor.duckdb"
    target.unlink(missing_ok=True)
    con = duckdb.connect(str(target))
    try:
        con.execute("SET preserve_insertion_order = false")  # as the build does: the fastest plain load
        for name in RESHAPED:
            con.execute(
                f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet(?)', [str(lake / f"{name}.parquet")]
            )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    target.unlink(missing_ok=True)


def stage_floor_exports(lake: "UPath") -> None:
    # The exports' bytes written once more, in the chunks a plain copy uses (the exports' floor).
    exports = Path(str(lake.parent)) / "exports"
    target = Path(str(lake.parent)) / "floor-exports"
    target.mkdir(exist_ok=True)
    files = sorted(path for path in exports.rglob("*") if path.is_file())
    if not files:
        raise SystemExit(f"no exports under {exports} to measure their floor on")
    for source in files:
        copy = target / "-".join(source.relative_to(exports).parts)
        with source.open("rb") as read, copy.open("wb") as write:
            shutil.copyfileobj(read, write, 2**20)
    shutil.rmtree(target)


# Where floor_receive finds the loopback API (set by the nightly for its floors).
RECEIVE_URL = "BENCH_WALTERS_API_URL"


def stage_floor_receive(lake: "UPath") -> None:
    # The raw records received once, as any harvest of this API must: every page fetched (the
    # Walters resource's page size, as many pages at once as its concurrency) and its JSON decoded,
    # nothing more (the harvest's floor).
    import json as json_text
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from harvest.walters.api import WaltersApi

    api = WaltersApi()
    base, size = os.environ[RECEIVE_URL], api.page_size

    def page(client: httpx.Client, number: int) -> dict[str, Any]:
        query = {"apikey": "bench", "Page": number, "pageSize": size}
        response = client.get(f"{base}/v1/objects", params=query, timeout=60)
        response.raise_for_status()
        return json_text.loads(response.content)

    records, first = 0, 1
    with httpx.Client() as client, ThreadPoolExecutor(api.concurrency) as pool:
        while True:
            numbers = range(first, first + api.concurrency)
            bodies = list(pool.map(lambda number: page(client, number), numbers))
            records += sum(len(body["Items"]) for body in bodies)
            if not all(body["NextPage"] for body in bodies):
                break
            first += api.concurrency
    (Path(str(lake.parent)) / "floor_receive.records").write_text(str(records))


STAGES = {
    "clean": stage_clean,
    "enrich": stage_enrich,
    "reshape": stage_reshape,
    "database": stage_database,
    "exports": stage_exports,
    "floor_copy": stage_floor_copy,
    "floor_duckdb": stage_floor_duckdb,
    "floor_exports": stage_floor_exports,
    "floor_receive": stage_floor_receive,
}
# The nightly's floors, measured on the lake and exports the nightly has just written.
NIGHTLY_FLOORS = ("floor_copy", "floor_duckdb", "floor_exports")
# What the stage mode runs; the exports' and the receiving floors are measured for the nightly only.
STAGE_MODE = tuple(name for name in STAGES if name not in ("floor_exports", "floor_receive"))


# --- the driver -----------------------------------------------------------------------------------


def settle_writes() -> None:
    """Flush what earlier runs wrote (``os.sync``) before a run is timed, so that it does not pay for
    their writes: measured right after the 1M nightly (5.9 GB of exports), floor_exports took 30.1 s;
    after a sync, in the next run of the same code, 15.4 s."""
    os.sync()


def run_stage(name: str, lake: str, work: Path, env: dict[str, str] | None = None) -> dict[str, float]:
    """Run one stage in a fresh interpreter on ``lake`` (a folder or URL); its wall time and its own
    peak RSS (reported in ``work``)."""
    settle_writes()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--stage", name, "--lake", lake, "--work", str(work)],
        cwd=ROOT,
        env=env or os.environ.copy(),
    )
    _, status, _ = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"stage {name} failed with exit code {proc.returncode}")
    # ru_maxrss of a child counts the parent's RSS at fork; the child's own VmHWM does not.
    hwm_kb = int((work / f"{name}.hwm").read_text())
    return {"wall_s": round(wall, 3), "peak_rss_mb": round(hwm_kb / 1024, 1)}


def measure(
    lake: str, work: Path, repeat: int, names=STAGE_MODE, env: dict[str, str] | None = None
) -> dict[str, dict[str, float]]:
    """Every stage, then the floors, ``repeat`` rounds over: per name the fastest wall time and the
    largest peak RSS. Rounds, not a stage's runs back to back, so that a slow spell of a shared
    machine falls on stages and floors alike."""
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for round_ in range(1, repeat + 1):
        for name in names:
            runs[name].append(run_stage(name, lake, work, env))
            print(f"  {name:<13} {runs[name][-1]}" + (f" (round {round_})" if repeat > 1 else ""), flush=True)
    return {
        name: {
            "wall_s": min(r["wall_s"] for r in stage_runs),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in stage_runs),
        }
        for name, stage_runs in runs.items()
    }


def measure_on_s3(raw: Path, work: Path, repeat: int) -> dict[str, dict[str, float]]:
    """The transform stages and the database build with the lake on a loopback S3 server."""
    from tests.services import s3_server

    with s3_server() as server:
        bucket = server.create_bucket("bench-lake")
        for table in sorted(raw.glob("*.parquet")):
            server.upload(table, bucket, f"lake/{table.name}")
        env = {**os.environ, **server.env()}
        print("lake on loopback S3:", flush=True)
        return measure(f"s3://{bucket}/lake", work, repeat, RATIO_STAGES, env)


def machine() -> dict[str, object]:
    import duckdb
    import polars as pl
    import psutil

    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "polars": pl.__version__,
        "duckdb": duckdb.__version__,
        "env": {k: v for k, v in os.environ.items() if k.startswith("POLARS_")},
    }


def raw_lake(objects: int, seed: int, cache: Path) -> tuple[Path, dict[str, int], float | None]:
    from shared.lake import LAKE_ROW_GROUP_ROWS
    from tests.benchmarks import scale

    # Keyed by the row-group size and the generator's source too: a lake written with other row
    # groups, or by an older generator or raw schema, measures something else.
    sources = (Path(scale.__file__), ROOT / "harvest" / "schemas.py")
    generator = hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()[:8]
    raw = cache / f"raw-{objects}-seed{seed}-rg{LAKE_ROW_GROUP_ROWS}-{generator}"
    marker = raw / "rows.json"
    if marker.exists():
        return raw, json.loads(marker.read_text()), None
    start = time.perf_counter()
    rows = scale.write_raw_lake(raw, objects, seed)
    marker.write_text(json.dumps(rows))
    return raw, rows, round(time.perf_counter() - start, 2)


@contextmanager
def walters_api(objects: int, seed: int) -> Generator[str]:
    """The base URL of a loopback Walters v1 API serving ``objects`` generated records (the raw
    lake's generator, tests/benchmarks/scale.py), in a thread of this process: outside the tree
    whose memory is measured."""
    from harvest.walters.replay import WaltersReplay
    from tests.benchmarks import scale
    from tests.servers import serve

    with serve(WaltersReplay(scale.iter_records(objects, seed))) as server:
        yield server.url


def nightly_env(tmp: Path, api_url: str) -> dict[str, str]:
    """A deployment of the Walters alone (the only museum with its locations set), into ``tmp``."""
    from harvest.museums import MUSEUMS, declared_variables
    from harvest.walters.exports import SHIPPED_EXPORTS

    env = {**os.environ, "DATA_DIR": str(tmp / "data"), "DAGSTER_HOME": str(tmp / "home")}
    for name in (*declared_variables(MUSEUMS), "MUSEUMS"):
        env.pop(name, None)
    env |= {
        "WALTERS_API_URL": api_url,
        "WALTERS_API_KEY": "bench",
        "WALTERS_EXPORTS_URL": str(SHIPPED_EXPORTS),
    }
    Path(env["DAGSTER_HOME"]).mkdir(parents=True)
    return env


def tree_rss(process: "psutil.Process") -> int:
    """The resident bytes of ``process`` and all its descendants (shared pages counted in each)."""
    import psutil

    total = 0
    try:
        family = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for member in family:
        with suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += member.memory_info().rss
    return total


SAMPLE_S = 0.1  # how often the nightly's process tree is sampled


def launch_nightly(
    env: dict[str, str], log: Path, run_config: dict[str, Any] | None
) -> tuple[float, list[tuple[float, int]]]:
    """`uv run dg launch --job nightly` as a user runs it (with ``run_config``, if any): its wall
    time and the RSS of its process tree, sampled every ``SAMPLE_S`` as (clock time, bytes). Its log
    goes to ``log``; a failed run stops here."""
    import psutil

    command = ["uv", "run", "dg", "launch", "--job", "nightly"]
    if run_config is not None:
        command += ["--config-json", json.dumps(run_config)]
    settle_writes()
    start, samples = time.perf_counter(), []
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
        process = psutil.Process(proc.pid)
        while proc.poll() is None:
            samples.append((time.time(), tree_rss(process)))
            time.sleep(SAMPLE_S)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:])
        raise SystemExit(f"the nightly failed (exit code {proc.returncode}); its log ends:\n{tail}")
    return wall, samples


def step_figures(dagster_home: Path, samples: list[tuple[float, int]]) -> dict[str, dict[str, float]]:
    """Each step's wall time from the run's own events (STEP_START to STEP_SUCCESS, Dagster's step
    stats) in the instance at ``dagster_home``, and the tree's peak RSS while it ran (``samples``),
    slowest first; a step that did not succeed stops here."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        (run,) = instance.get_runs()
        stats = instance.get_run_step_stats(run.run_id)
    failed = [s.step_key for s in stats if s.status is None or s.status.value != "SUCCESS"]
    times = {s.step_key: (s.start_time, s.end_time) for s in stats}
    if failed or any(start is None or end is None for start, end in times.values()):
        raise SystemExit(f"nightly run {run.run_id}: steps without success: {failed or sorted(times)}")
    figures = {}
    for key, (start, end) in sorted(times.items(), key=lambda kv: (kv[1][0] or 0) - (kv[1][1] or 0)):
        start, end = start or 0, end or 0
        # Widened by a sampling interval, so a step shorter than it still meets a sample.
        during = [rss for at, rss in samples if start - SAMPLE_S <= at <= end + SAMPLE_S]
        figures[key] = {
            "wall_s": round(end - start, 3),
            "peak_rss_mb": round(max(during, default=0) / 2**20, 1),
        }
    return figures


def nightly_run(objects: int, seed: int, cache: Path, *, multiprocess: bool) -> dict[str, Any]:
    """The ``nightly`` job launched over ``objects`` generated Walters objects served on loopback
    (in one process, or with ``multiprocess`` a process per step as docs/deploy.md launches it);
    its wall time, peak RSS, step times and ratio to the floors measured on what it wrote, and to
    those and the records received once from the same server (``floor_receive``)."""
    import polars as pl

    from shared.jobs import A_PROCESS_PER_STEP

    with tempfile.TemporaryDirectory(prefix="bench-nightly-", dir=cache) as name:
        tmp = Path(name)
        lake = tmp / "data" / "lake"
        with walters_api(objects, seed) as url:
            env = nightly_env(tmp, url)
            run_config = A_PROCESS_PER_STEP if multiprocess else None
            wall, samples = launch_nightly(env, tmp / "nightly.log", run_config)
            raw_rows = pl.scan_parquet(lake / "walters_objects_raw.parquet").select(pl.len()).collect().item()
            if raw_rows != objects:
                raise SystemExit(f"the nightly harvested {raw_rows} Walters objects of the {objects} served")
            floors = measure(str(lake), tmp, 1, (*NIGHTLY_FLOORS, "floor_receive"), {**env, RECEIVE_URL: url})
        received = int((tmp / "data" / "floor_receive.records").read_text())
        if received != objects:
            raise SystemExit(f"floor_receive received {received} Walters objects of the {objects} served")
        steps = step_figures(tmp / "home", samples)
    floor_total = sum(floors[name]["wall_s"] for name in NIGHTLY_FLOORS)
    with_receive = floor_total + floors["floor_receive"]["wall_s"]
    return {
        "objects": objects,
        "executor": "multiprocess" if multiprocess else "in_process",
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(max(rss for _, rss in samples) / 2**20, 1),
        "floor_wall_s": round(floor_total, 3),
        "floor_ratio": round(wall / floor_total, 2),
        "floor_with_receive_s": round(with_receive, 3),
        "floor_ratio_with_receive": round(wall / with_receive, 2),
        "floors": floors,
        # What the steps do not account for: starting uv and Dagster, loading the definitions.
        "steps_total_s": round(sum(f["wall_s"] for f in steps.values()), 2),
        "steps": steps,
    }


def print_nightly(nightly: dict[str, Any]) -> None:
    print(
        f"nightly over {nightly['objects']:,} objects ({nightly['executor']}): {nightly['wall_s']} s, peak RSS {nightly['peak_rss_mb']} MB "
        f"(process tree), {nightly['floor_ratio']}x its floors ({nightly['floor_wall_s']} s), "
        f"{nightly['floor_ratio_with_receive']}x with the records received once ({nightly['floor_with_receive_s']} s)"
    )
    for step, figures in list(nightly["steps"].items())[:12]:
        print(f"  {step:<45} {figures['wall_s']:>8.2f} s {figures['peak_rss_mb']:>8.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "collection-lakehouse-bench"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each stage and floor; the fastest counts"
    )
    parser.add_argument(
        "--nightly", action="store_true", help="also launch the nightly job over N objects served on loopback"
    )
    parser.add_argument(
        "--multiprocess", action="store_true", help="with --nightly: a process per step (docs/deploy.md)"
    )
    parser.add_argument(
        "--s3", action="store_true", help="also run the stages with the lake on a loopback S3 server"
    )
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("--lake", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.nightly and shutil.which("uv") is None:  # fail now, not after the stages have run
        parser.error("--nightly times `uv run dg launch --job nightly`, and uv is not on PATH")

    if args.stage:  # a child: run one stage, then report its own peak (VmHWM: this process only)
        from shared.lake import bound_memory
        from shared.storage import storage_root

        bound_memory()  # as the IO manager runs each stage

        reported = STAGES[args.stage](storage_root(args.lake))
        if reported is not None:
            (args.work / f"{args.stage}.json").write_text(json.dumps(reported))
        hwm = next(
            line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM")
        )
        (args.work / f"{args.stage}.hwm").write_text(hwm.split()[1])
        return

    raw, raw_rows, generate_s = raw_lake(args.objects, args.seed, args.cache)
    work = Path(tempfile.mkdtemp(prefix=f"bench-{args.objects}-", dir=args.cache))
    lake = work / "lake"
    shutil.copytree(raw, lake)
    raw_bytes = (lake / "walters_objects_raw.parquet").stat().st_size
    print(f"raw lake: {raw_rows['walters_objects_raw']:,} rows, {raw_bytes / 2**20:.0f} MB"
          + (f" (generated in {generate_s} s)" if generate_s else " (cached)"), flush=True)  # fmt: skip
    try:
        measured = measure(str(lake), work, args.repeat)
        stages = {name: measured[name] for name in (*RATIO_STAGES, "exports")}
        floors = {name: measured[name] for name in ("floor_copy", "floor_duckdb")}
        db_rows = json.loads((work / "database.json").read_text())
        on_s3 = measure_on_s3(raw, work, args.repeat) if args.s3 else None
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rows = raw_rows["walters_objects_raw"]
    for figures in (*stages.values(), *floors.values()):
        figures["rows_per_s"] = round(rows / figures["wall_s"])
    for name in RATIO_STAGES:
        floor = floors["floor_duckdb" if name == "database" else "floor_copy"]["wall_s"]
        stages[name]["floor_ratio"] = round(stages[name]["wall_s"] / floor, 2)
    total = sum(stages[name]["wall_s"] for name in RATIO_STAGES)
    floor_total = sum(f["wall_s"] for f in floors.values())
    result = {
        "objects": args.objects,
        "seed": args.seed,
        "repeat": args.repeat,
        "raw_rows": rows,
        "raw_mb": round(raw_bytes / 2**20, 1),
        "generate_s": generate_s,
        "peak_rss_mb": max(s["peak_rss_mb"] for s in stages.values()),
        "wall_s": round(total, 3),
        "floor_wall_s": round(floor_total, 3),
        "floor_ratio": round(total / floor_total, 3),
        "stages": stages,
        "floors": floors,
        "database_rows": db_rows,
        "machine": machine(),
    }
    s3_total = s3_ratio = None
    if on_s3 is not None:
        s3_total = round(sum(s["wall_s"] for s in on_s3.values()), 3)
        s3_ratio = round(s3_total / total, 3)
        result["s3"] = {"stages": on_s3, "wall_s": s3_total, "ratio_to_local": s3_ratio}
    nightly = (
        nightly_run(args.objects, args.seed, args.cache, multiprocess=args.multiprocess)
        if args.nightly
        else None
    )
    if nightly is not None:
        result["nightly"] = nightly
    print(f"{'stage':<13} {'wall s':>8} {'peak MB':>9} {'rows/s':>10} {'x floor':>8}")
    for name, f in {**stages, **floors}.items():
        print(
            f"{name:<13} {f['wall_s']:>8.2f} {f['peak_rss_mb']:>9.0f} {f['rows_per_s']:>10,} {f.get('floor_ratio', ''):>8}"
        )
    print(f"peak RSS {result['peak_rss_mb']} MB, floor_ratio {result['floor_ratio']}")
    if on_s3 is not None:
        print(f"lake on loopback S3: {s3_total} s, {s3_ratio}x the local run")
    if nightly is not None:
        print_nightly(nightly)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
