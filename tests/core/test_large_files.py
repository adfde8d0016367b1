"""A module file beyond the size modlsp reads (a 10 MB go.mod took the best part of a minute to
parse, with the server stuck meanwhile) gets one warning and is never formatted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from modlsp.core.analysis import FileKind, analyze
from modlsp.core.files import MAX_HEAD_BYTES
from modlsp.core.formatter import format_model


def huge_go_mod() -> bytes:
    line = b"\texample.com/dependency/with/a/long/path v1.0.0\n"
    body = line * (MAX_HEAD_BYTES // len(line) + 10)
    return b"module example.com/huge\n\nrequire (\n" + body + b")\n"


def test_a_file_beyond_the_cap_gets_one_warning_and_no_formatting() -> None:
    data = huge_go_mod()
    analysis = analyze(data, FileKind.GOMOD, "go.mod")
    (problem,) = analysis.problems
    assert problem.code == "file-too-large"
    assert problem.message == (
        "go.mod file of 1.0 MiB: modlsp reads module files up to 1 MiB and has not analysed this one"
    )
    assert (problem.span.start, problem.span.end) == (0, len(b"module example.com/huge"))
    assert format_model(analysis.model) is None


def test_a_file_at_the_cap_is_analysed() -> None:
    data = huge_go_mod()[: MAX_HEAD_BYTES - 100]
    data = data[: data.rfind(b"\n") + 1] + b")\n"
    analysis = analyze(data, FileKind.GOMOD, "go.mod")
    assert all(p.code != "file-too-large" for p in analysis.problems)
    assert len(analysis.model.requires) > 20_000


def test_fmt_leaves_a_huge_file_alone(tmp_path: Path) -> None:
    gomod = tmp_path / "go.mod"
    gomod.write_bytes(huge_go_mod())
    result = subprocess.run(
        [sys.executable, "-m", "modlsp", "fmt", "-w", str(gomod)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert f"modlsp: {gomod}: not formatted: too large" in result.stderr
    assert gomod.read_bytes() == huge_go_mod()
