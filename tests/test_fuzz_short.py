"""The short run of the fuzz targets (fuzz/): a few thousand coverage-guided inputs each,
from the seed corpus, with a fixed seed, as a subprocess of atheris/libFuzzer.

A crash fails the test with the input's path and the Python traceback. The long run and the
rule for what a crash becomes (a regression test in tests/core/test_fuzz_regressions.py) are
in fuzz/README.md. libFuzzer writes new inputs to the first corpus directory and crashes to
-artifact_prefix, so both point into the test's tmp dir: the repository is never written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FUZZ = ROOT / "fuzz"

# (target, runs): about 14 s and 9 s, which take the coverage of the seed corpus from about
# 1,090 edges to 1,250 (modfile) and from 500 to 620 (gosource).
TARGETS = [("modfile", 4000), ("gosource", 20000)]
# A safety cap per target: libFuzzer stops (exit 0) once it has fuzzed this long.
MAX_TOTAL_TIME = 30


@pytest.mark.parametrize(("target", "runs"), TARGETS)
def test_fuzz_short(target: str, runs: int, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FUZZ / "corpus" / target, corpus)
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    scratch = tmp_path / "tmp"  # the modfile target's scratch files for the go command
    scratch.mkdir()
    proc = subprocess.run(
        [
            sys.executable,
            str(FUZZ / f"fuzz_{target}.py"),
            f"-runs={runs}",
            "-seed=1",
            "-reload=0",  # no rereading of the corpus directory every second: deterministic
            f"-max_total_time={MAX_TOTAL_TIME}",
            "-timeout=20",  # seconds one input may take before it counts as a hang
            "-print_final_stats=1",
            f"-artifact_prefix={artifacts}{os.sep}",
            str(corpus),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # atheris prints the traceback to stdout, libFuzzer to stderr
        text=True,
        errors="replace",
        cwd=tmp_path,
        # The same inputs every time: -seed fixes libFuzzer's choices, PYTHONHASHSEED the
        # iteration order of sets (and so the coverage an input yields).
        env={**os.environ, "TMPDIR": str(scratch), "PYTHONHASHSEED": "0"},
        timeout=MAX_TOTAL_TIME + 60,
        check=False,
    )
    found = sorted(artifacts.iterdir())
    if proc.returncode != 0 or found:
        pytest.fail(
            f"fuzz_{target}.py exited with {proc.returncode}; crash inputs: "
            f"{[str(p) for p in found]}\n"
            f"replay one with: python fuzz/fuzz_{target}.py <input>\n\n{_report(proc.stdout)}",
            pytrace=False,
        )
    assert "Done" in proc.stdout, proc.stdout[-2000:]


def _report(output: str) -> str:
    """The Python traceback and libFuzzer's summary, without the instrumentation chatter and
    the progress lines before them."""
    start = output.find("=== Uncaught Python exception")
    if start < 0:
        return output[-6000:]
    return output[start:][:12000]
