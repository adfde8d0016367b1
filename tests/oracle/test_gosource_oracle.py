"""modlsp's import scanner against go/parser, the go command's own parser: every `.go` file of
the installed Go's source tree (about 8,000 files, many of them odd test inputs) and the edge
cases below must give the same package name, import paths, aliases and literal byte spans."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from modlsp.core.gosource import scan

from .gocmd import GO_MISSING_MESSAGE, find_go, offline_go_env

ORACLE_SOURCE = Path(__file__).resolve().parents[1] / "core" / "gosource_oracle" / "main.go"

EDGE_CASES = {
    "aliases.go": (
        'package p\n\nimport (\n\tf "flag"\n\t_ "embed"\n\t. "strings"\n\t`raw/path`\n)\n'
    ),
    "escapes.go": 'package p\n\nimport "example.com/\\u00e9t\\x65"\nimport "\\x66mt"\n',
    "cgo.go": 'package p\n\n/*\n#include <stdio.h>\n*/\nimport "C"\nimport "unsafe"\n',
    "comment_func.go": (
        'package p\n\n/*\nfunc notReally() {}\n*/\nimport (\n\t"fmt"\n)\n\nfunc f() {}\n'
    ),
    "many_decls.go": (
        'package p\n\nimport "a.com/x"\nimport ("b.com/y"; "c.com/z")\n\n'
        'var v = 1\n\nimport "after/decl"\n'
    ),
    "unicode.go": '// Ünïcødé\npackage pé\n\nimport é "example.com/é"\n',
    "crlf.go": 'package p\r\n\r\nimport (\r\n\t"fmt"\r\n\t"os"\r\n)\r\n',
    "doc.go": '// Package p.\n//\n// func in a doc comment\npackage p // import "example.com/p"\n',
    "semicolons.go": 'package p; import "fmt"; import x "os"; func f() {}\n',
    "no_imports.go": "package p\n\nfunc f() {}\n",
    "bom.go": '\ufeffpackage p\n\nimport "fmt"\n',
    "indented_decl.go": 'package p\n\nimport "fmt"\n\n  func f() {}\nimport "late"\n',
    "test_package.go": 'package p_test\n\nimport (\n\t"testing"\n\n\tp "example.com/p"\n)\n',
}


@pytest.fixture(scope="module")
def parse_with_go(tmp_path_factory: pytest.TempPathFactory):
    try:
        go = find_go()
    except RuntimeError:
        pytest.fail(GO_MISSING_MESSAGE, pytrace=False)
    root = tmp_path_factory.mktemp("gosource-oracle")
    (root / "src").mkdir()
    shutil.copy(ORACLE_SOURCE, root / "src" / "main.go")
    (root / "src" / "go.mod").write_text("module oracle\n\ngo 1.22\n")
    env = offline_go_env(root)
    binary = root / "oracle"
    subprocess.run(
        [go, "build", "-o", str(binary), "."], cwd=root / "src", env=env, check=True, timeout=300
    )
    goroot = subprocess.run(
        [go, "env", "GOROOT"], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()

    def run(files: list[Path]) -> list[dict]:
        result = subprocess.run(
            [str(binary)],
            input="".join(f"{f}\n" for f in files),
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        return [json.loads(line) for line in result.stdout.splitlines()]

    run.goroot = Path(goroot)  # type: ignore[attr-defined]
    return run


def _as_go_json(text: str) -> str:
    """A path as Go's JSON encoder prints it: bytes that are not UTF-8 (kept by modlsp as
    surrogate escapes, e.g. from "\\xff") become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _ours(path: Path) -> dict:
    source = scan(path.read_bytes())
    return {
        "package": source.package,
        "imports": [
            {"path": _as_go_json(i.path), "start": i.span.start, "end": i.span.end, "name": i.name}
            for i in source.imports
        ],
    }


def _compare(verdicts: list[dict]) -> tuple[int, list[str]]:
    compared, differences = 0, []
    for verdict in verdicts:
        path = Path(verdict["file"])
        ours = _ours(path)  # must not raise, whatever the file holds
        if verdict.get("error"):
            continue  # go/parser's recovery from syntax errors is its own business
        compared += 1
        theirs = {"package": verdict["package"], "imports": verdict["imports"]}
        if ours != theirs:
            differences.append(f"{path}:\n  go:     {theirs}\n  modlsp: {ours}")
    return compared, differences


def test_edge_cases_agree_with_go_parser(parse_with_go, tmp_path: Path) -> None:
    files = []
    for name, text in EDGE_CASES.items():
        path = tmp_path / name
        path.write_bytes(text.encode())
        files.append(path)
    compared, differences = _compare(parse_with_go(files))
    assert differences == []
    assert compared == len(EDGE_CASES)


def test_every_file_of_the_go_source_tree_agrees_with_go_parser(parse_with_go) -> None:
    files = sorted(p for p in (parse_with_go.goroot / "src").rglob("*.go") if p.is_file())
    compared, differences = _compare(parse_with_go(files))
    assert differences[:5] == [], f"{len(differences)} of {compared} files differ"
    assert compared > 7000
