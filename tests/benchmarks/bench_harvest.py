"""How close the Walters harvest comes to the ideal rate over a slow network.

    uv run python tests/benchmarks/bench_harvest.py --objects 20000 --latency-ms 50 --concurrency 8

Serves N Walters records (the shipped sample, copied under new ObjectIDs when N is larger) from
the loopback test server, which waits `--latency-ms` before every answer, harvests them through
the real HTTP core and prints records/s, requests/s and the ratio of requests/s to the ideal,
concurrency / latency: what `concurrency` workers achieve if nothing but the latency costs time.
Then times the records' way to the raw frame (`records_to_frame` and `resolve_duplicates`: every
value read as its field's type, each ObjectID once), which runs after the last page has come.

    uv run python tests/benchmarks/bench_harvest.py --objects 1000000 --peak

With `--peak`, the asset itself instead: `walters_objects_raw` materialized in a child process
(Dagster's in-process executor, a temporary DATA_DIR) against the loopback server, which runs in
this process and encodes each page when asked (only the sample is held), so the child's peak RSS
(`os.wait4`) is the harvest's alone: the pages, the part files, the sorted runs, the checks, the
clean function for the record issues and the snapshot written. Prints the wall time, the peak and
the rows of the written table (which must be N).
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

# Run as a script, the repository root is not on the path: put it there for `harvest` and `tests`.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from harvest.http import HttpConfig, HttpHarvester
from harvest.raw import records_to_frame
from harvest.received import resolve_duplicates
from harvest.walters.api import harvest_walters
from harvest.walters.replay import WaltersReplay, load_walters_objects
from harvest.walters.schemas import WALTERS_OBJECT_SCHEMA
from tests.servers import Faults, serve


def inflated(n: int) -> list[dict]:
    """`n` records: the sample, then copies of it whose ObjectIDs lie above every real one."""
    sample = load_walters_objects()
    step = max(record["ObjectID"] for record in sample) + 1
    return [
        {
            **sample[i % len(sample)],
            "ObjectID": sample[i % len(sample)]["ObjectID"] + (i // len(sample)) * step,
        }
        for i in range(n)
    ]


class InflatedWalters:
    """The Walters v1 list API over `inflated(n)`, each page encoded when asked (the server holds
    the sample only), in ObjectID order as `WaltersReplay` serves."""

    def __init__(self, n: int) -> None:
        self.sample = sorted(load_walters_objects(), key=lambda record: record["ObjectID"])
        self.step = self.sample[-1]["ObjectID"] + 1
        self.n = n

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = {name.lower(): value for name, value in request.url.params.items()}
        page, size = int(query.get("page", 1)), int(query.get("pagesize", 25))
        first, count = (page - 1) * size, len(self.sample)
        items = [
            {
                **self.sample[i % count],
                "ObjectID": self.sample[i % count]["ObjectID"] + (i // count) * self.step,
            }
            for i in range(first, min(first + size, self.n))
        ]
        body = {"Items": items, "PageSize": size, "Page": page, "NextPage": first + size < self.n}
        return httpx.Response(
            200, json={**body, "PrevPage": page > 1, "ReturnStatus": True, "ReturnCode": 200}
        )


# The child: the asset as a deployment runs it, against the server's URL, into a DATA_DIR.
_CHILD = """
import sys, dagster as dg, polars as pl
from definitions import resources_for
from harvest.walters.harvest import walters_objects_raw
from shared.resources import Settings
url, data_dir = sys.argv[1], sys.argv[2]
resources = resources_for(Settings(data_dir=data_dir, museum_env={"WALTERS_API_URL": url}))
result = dg.materialize([walters_objects_raw], resources=resources, instance=dg.DagsterInstance.ephemeral())
rows = pl.scan_parquet(f"{data_dir}/lake/walters_objects_raw.parquet").select(pl.len()).collect().item()
print(rows)
"""


def harvest_peak(objects: int) -> dict[str, float]:
    """Wall time and peak RSS of the asset harvesting `objects` records in a child process."""
    root = Path(__file__).resolve().parents[2]
    with serve(InflatedWalters(objects)) as server, tempfile.TemporaryDirectory() as data_dir:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, server.url, data_dir], cwd=root, stdout=subprocess.PIPE, text=True
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        rows = int(child.stdout.read().strip().splitlines()[-1]) if status == 0 and child.stdout else -1
    if rows != objects:
        raise SystemExit(f"the raw table holds {rows} rows, expected {objects} (exit status {status})")
    return {"objects": objects, "wall_s": round(wall, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--objects", type=int, default=2107)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--peak", action="store_true", help="the asset's peak RSS (see above)")
    args = parser.parse_args()
    if args.peak:
        print(json.dumps(harvest_peak(args.objects)))
        return

    records = inflated(args.objects)
    faults = Faults(latency_s=args.latency_ms / 1000)
    with serve(WaltersReplay(records), faults) as server:
        config = HttpConfig(
            "walters",
            server.url,
            params={"apikey": "bench"},
            page_size=args.page_size,
            concurrency=args.concurrency,
        )
        with HttpHarvester(config) as http:
            start = time.perf_counter()
            harvest = harvest_walters(http)
            wall = time.perf_counter() - start
    if len(harvest.records) != args.objects:
        raise SystemExit(f"harvested {len(harvest.records)} records, expected {args.objects}")

    start = time.perf_counter()
    frame = records_to_frame(
        harvest.records,
        harvest.pages,
        WALTERS_OBJECT_SCHEMA,
        source="walters",
        harvested_at=dt.datetime.now(dt.UTC),
    )
    frame, _ = resolve_duplicates(frame, key="ObjectID")
    to_frame = time.perf_counter() - start

    ideal = args.concurrency / (args.latency_ms / 1000)
    requests_per_s = harvest.stats.requests / wall
    print(f"objects          {args.objects}")
    print(f"pages            {harvest.stats.pages} of {args.page_size} ({harvest.stats.requests} requests)")
    print(f"latency          {args.latency_ms:g} ms, concurrency {args.concurrency}")
    print(f"wall             {wall:.2f} s")
    print(f"records/s        {len(harvest.records) / wall:,.0f}")
    print(f"requests/s       {requests_per_s:.1f} (ideal {ideal:.1f})")
    print(f"ratio to ideal   {requests_per_s / ideal:.2f}")
    print(f"to raw frame     {to_frame:.2f} s ({frame.height / to_frame:,.0f} records/s)")


if __name__ == "__main__":
    main()
