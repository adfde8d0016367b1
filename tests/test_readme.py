"""The README stays true: its example output, its settings table and its test command."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from modlsp.lsp.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_example_output_is_what_modlsp_prints() -> None:
    block = re.search(
        r"checks the bundled example .*? It\nprints:\n\n```text\n(.*?)```", README, re.DOTALL
    )
    assert block is not None
    result = subprocess.run(
        [sys.executable, "-m", "modlsp", "check", "examples/"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert result.stdout == block.group(1)


def test_settings_table_matches_the_code() -> None:
    rows = re.findall(r"^\| `(\w+)` \| `([^`]*)` \| (.*) \|$", README, re.MULTILINE)
    assert rows == [(s.name, json.dumps(s.default), s.description) for s in SETTINGS]


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"^pip install .*&& python -m pytest$", README, re.MULTILINE)
    assert commands == ["pip install '.[test]' && tests/editors/install-tools && python -m pytest"]
    assert (
        "grep -m 1 -E '^pip install .*&& python -m pytest' README.md"
        in (ROOT / ".ci" / "run").read_text()
    )
