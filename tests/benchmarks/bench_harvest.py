"""How close the Walters harvest comes to the ideal rate over a slow network.

    uv run python tests/benchmarks/bench_harvest.py --objects 20000 --latency-ms 50 --concurrency 8

Serves N Walters records (the shipped sample, copied under new ObjectIDs when N is larger) from
the loopback test server, which waits `--latency-ms` before every answer, harvests them through
the real HTTP core and prints records/s, requests/s and the ratio of requests/s to the ideal,
concurrency / latency: what `concurrency` workers achieve if nothing but the latency costs time.
Then times the records' way to the raw frame (`records_to_frame` and `resolve_duplicates`: every
value read as its field's type, each ObjectID once), which runs after the last page has come.
"""

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--objects", type=int, default=2107)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--page-size", type=int, default=100)
    args = parser.parse_args()

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
