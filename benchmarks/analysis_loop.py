"""Run N warm analyses of the benchmark file: the workload for counting instructions.

bash benchmarks/instructions.sh   # runs this under callgrind with N=0 and N=10
"""

from __future__ import annotations

import gc
import sys

from benchmarks.corpus import big_go_mod
from modlsp.core.analysis import FileKind, analyze


def main() -> None:
    runs = int(sys.argv[1])
    data = big_go_mod()
    analyze(data, FileKind.GOMOD)  # warm the caches, as typing does
    gc.collect()
    gc.freeze()
    for _ in range(runs):
        analyze(data, FileKind.GOMOD)


if __name__ == "__main__":
    main()
