"""`modlsp fmt`: stdout, -w, --diff, and files with errors left alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MESSY = (
    b'module "example.com/m"\n\nrequire (\n    z.com/a v1.2\n    a.com/b v1.0.0 // indirect\n)\n'
)
FORMATTED = (
    b"module example.com/m\n\nrequire (\n\ta.com/b v1.0.0 // indirect\n\tz.com/a v1.2.0\n)\n"
)


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "modlsp", *args], capture_output=True)


def test_prints_the_formatted_file(tmp_path: Path) -> None:
    path = tmp_path / "go.mod"
    path.write_bytes(MESSY)
    result = run("fmt", str(path))
    assert (result.returncode, result.stdout) == (0, FORMATTED)
    assert path.read_bytes() == MESSY


def test_write_in_place(tmp_path: Path) -> None:
    path = tmp_path / "go.mod"
    path.write_bytes(MESSY)
    assert run("fmt", "-w", str(path)).returncode == 0
    assert path.read_bytes() == FORMATTED


def test_diff(tmp_path: Path) -> None:
    path = tmp_path / "go.mod"
    path.write_bytes(MESSY)
    result = run("fmt", "--diff", str(path))
    assert result.returncode == 0
    text = result.stdout.decode()
    assert f"--- a/{path}" in text
    assert '-module "example.com/m"\n+module example.com/m\n' in text
    assert path.read_bytes() == MESSY


def test_file_with_errors_is_untouched(tmp_path: Path) -> None:
    path = tmp_path / "go.mod"
    broken = MESSY.replace(b"v1.0.0", b"1.0.0")
    path.write_bytes(broken)
    result = run("fmt", "-w", str(path))
    assert result.returncode == 1
    assert path.read_bytes() == broken
    assert b'version "1.0.0" invalid' in result.stderr
    assert b"not formatted" in result.stderr
