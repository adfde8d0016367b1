"""In-process speed of parse + all single-file checks, and of formatting.

    python -m benchmarks.bench_core [--runs N]

Reports the median and p95 over N runs on the 600-line benchmark file (benchmarks/corpus.py),
and the first run in a fresh process (cold caches). The long-lived heap is frozen first, as
the server does at start-up. On a shared VM wall-clock medians drift by 30% from run to run,
so the runs are split into 5 batches and the best batch median is reported too.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

from benchmarks.corpus import big_go_mod
from modlsp.core.analysis import FileKind, analyze
from modlsp.core.formatter import format_model


def _times(fn: object, runs: int) -> list[float]:
    assert callable(fn)
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    data = big_go_mod()
    print(f"input: {len(data.splitlines())} lines, {len(data)} bytes")

    start = time.perf_counter()
    analysis = analyze(data, FileKind.GOMOD)
    print(f"first analysis in a fresh process: {(time.perf_counter() - start) * 1000:.2f} ms")
    assert not [p for p in analysis.problems if p.severity == 1]

    gc.collect()
    gc.freeze()
    for name, fn in [
        ("parse + checks", lambda: analyze(data, FileKind.GOMOD)),
        ("format", lambda: format_model(analysis.model)),
    ]:
        batches = [_times(fn, args.runs // 5) for _ in range(5)]
        best = min(statistics.median(batch) for batch in batches)
        times = sorted(t for batch in batches for t in batch)
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"{name}: median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, "
            f"best batch median {best:.2f} ms ({len(times)} runs)"
        )


if __name__ == "__main__":
    main()
