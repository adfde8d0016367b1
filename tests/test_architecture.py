"""The core is pure: it imports neither pygls nor lsprotocol (DESIGN.md, property 1)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "modlsp" / "core"
FORBIDDEN = ("pygls", "lsprotocol", "modlsp.lsp", "modlsp.cli")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_sources_import_no_lsp_code() -> None:
    files = sorted(CORE.rglob("*.py"))
    assert len(files) > 10
    offenders = {
        str(path.relative_to(CORE)): sorted(n for n in _imports(path) if n.startswith(FORBIDDEN))
        for path in files
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_loading_the_core_loads_no_lsp_library() -> None:
    code = (
        "import sys, modlsp.core.analysis, modlsp.core.formatter, modlsp.core.hover, "
        "modlsp.core.outline, modlsp.core.edits\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
