"""python -m bench [--quick] [--only NAME ...]: run the benchmarks and print their figures.

Needs KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL (`make bench` starts both on loopback).
Figures go to stdout and, as JSON, to --out; a missed target is reported, not an error.
"""

import argparse
import asyncio
import importlib
import os
import sys
from pathlib import Path

from bench.harness import Bench, Benchmark, Result, machine, write

# name -> module whose `run(bench)` measures it; run in this order.
BENCHMARKS = {
    "replay": "bench.replay",
    "scaling": "bench.scaling",
    "freshness": "bench.freshness",
    "ingest": "bench.ingest",
    "kafka-ingest": "bench.kafka_ingest",
    "import": "bench.file_import",
    "footprint": "bench.footprint",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), help="run only these")
    parser.add_argument("--out", type=Path, default=Path(".run/bench"), help="JSON output folder")
    parser.add_argument("--events", type=int, help="events replayed (default 5,000,000)")
    parser.add_argument(
        "--scale-events", type=int, help="scaling: events replayed per count (default 300,000)"
    )
    parser.add_argument("--rate", type=float, help="freshness: events/s (default 1,000)")
    parser.add_argument("--seconds", type=float, help="freshness: duration (default 60)")
    return parser.parse_args(argv)


def bench_from(args: argparse.Namespace) -> Bench:
    missing = [v for v in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL") if not os.environ.get(v)]
    if missing:
        sys.exit(f"set {' and '.join(missing)} (or run `make bench`, which starts both)")
    return Bench(
        kafka=os.environ["KAFKA_BOOTSTRAP_SERVERS"],
        database_url=os.environ["DATABASE_URL"],
        quick=args.quick,
        out=args.out,
        events=args.events or (20_000 if args.quick else 5_000_000),
        scale_events=args.scale_events or (5_000 if args.quick else 300_000),
        rate=args.rate or (200.0 if args.quick else 1000.0),
        seconds=args.seconds or (3.0 if args.quick else 60.0),
    )


async def run_all(bench: Bench, names: list[str]) -> list[Result]:
    results = []
    for name in names:
        module = importlib.import_module(BENCHMARKS[name])
        measure: Benchmark = module.run
        print(f"-- {name} ...", flush=True)
        result = await measure(bench)
        print(result.render(), flush=True)
        results.append(result)
    return results


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    bench = bench_from(args)
    print("machine:", ", ".join(f"{k}={v}" for k, v in machine().items()), flush=True)
    results = asyncio.run(run_all(bench, args.only or list(BENCHMARKS)))
    print(f"figures written to {write(results, bench)}")


if __name__ == "__main__":
    main()
