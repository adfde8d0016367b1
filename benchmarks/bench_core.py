"""In-process speed of parse + all single-file checks, and of formatting.

    python -m benchmarks.bench_core [--runs N]

Reports the median and p95 over N runs on the 600-line benchmark file (benchmarks/corpus.py),
and the first run in a fresh process (cold caches).
"""

from __future__ import annotations

import argparse
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

    for name, fn in [
        ("parse + checks", lambda: analyze(data, FileKind.GOMOD)),
        ("format", lambda: format_model(analysis.model)),
    ]:
        times = sorted(_times(fn, args.runs))
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"{name}: median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms ({args.runs} runs)"
        )


if __name__ == "__main__":
    main()
