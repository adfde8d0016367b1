#!/usr/bin/env bash
# CPU instructions per warm analysis of the 600-line benchmark file, counted by callgrind:
# unlike wall-clock time on a shared VM, the count does not drift between runs.
# Needs valgrind (apt-get install valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(python3 -c "import sys; print(sys.executable)")  # not a shim: valgrind must see it
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$python" -m benchmarks.analysis_loop "$1" 2>&1 |
    sed -n 's/.*I *refs: *//p' | tr -d ,
}
base=$(count 0)
ten=$(count 10)
echo "instructions per analysis: $(( (ten - base) / 10 ))"
