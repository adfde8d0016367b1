"""Build constraints as `go mod tidy` reads them: only `ignore` keeps a file out."""

from __future__ import annotations

import pytest

from modlsp.core.buildtags import (
    ConstraintError,
    excluded_by_constraints,
    header_constraints,
    parse_go_build,
    parse_plus_build,
    satisfiable,
)


@pytest.mark.parametrize(
    ("expression", "holds"),
    [
        ("ignore", False),
        ("!ignore", True),
        ("linux", True),
        ("!linux", True),
        ("linux && !linux", True),  # every tag is "present and not"
        ("ignore && linux", False),
        ("ignore || linux", True),
        ("!(!ignore)", False),
        ("!(linux || ignore)", True),  # !linux holds, and !ignore holds
        ("(ignore)", False),
        ("go1.21 && (amd64 || arm64)", True),
    ],
)
def test_go_build_expressions(expression: str, holds: bool) -> None:
    assert satisfiable(parse_go_build(expression)) is holds


@pytest.mark.parametrize("expression", ["", "linux &&", "(linux", "linux)", "a b", "lin-ux"])
def test_malformed_go_build_expressions(expression: str) -> None:
    with pytest.raises(ConstraintError):
        parse_go_build(expression)


@pytest.mark.parametrize(
    ("line", "holds"),
    [
        (" ignore", False),
        (" linux,ignore", False),
        (" linux ignore", True),  # OR of options
        (" !ignore", True),
        (" ", None),
    ],
)
def test_plus_build_lines(line: str, holds: bool | None) -> None:
    expr = parse_plus_build(line)
    assert (None if expr is None else satisfiable(expr)) is holds


@pytest.mark.parametrize(
    ("head", "excluded"),
    [
        ("//go:build ignore\n\npackage main\n", True),
        ("// Copyright\n\n//go:build ignore\n\npackage main\n", True),
        ("//go:build ignore\npackage main\n", True),  # go:build needs no blank line after
        ("//go:build !ignore\n\npackage main\n", False),
        ("//go:build linux\n// +build ignore\n\npackage main\n", False),  # go:build wins
        ("// +build ignore\n\npackage main\n", True),
        ("// +build ignore\npackage main\n", False),  # part of the package doc comment
        ("//+build ignore\n\npackage main\n", True),
        ("/* a\nb */\n//go:build ignore\n\npackage main\n", True),
        ("package main\n\n//go:build ignore\n", False),  # after the package clause
        ("//go:build ignore &&\n\npackage main\n", False),  # malformed: go reports it
        ("//go:buildignore\n\npackage main\n", False),
        ("package main\n", False),
    ],
)
def test_files_left_out_of_every_build(head: str, excluded: bool) -> None:
    assert excluded_by_constraints(head.encode()) is excluded


def test_header_constraints_reports_both_kinds() -> None:
    head = b"// +build a b\n// +build !c\n//go:build (a || b) && !c\n\npackage p\n"
    assert header_constraints(head) == ("(a || b) && !c", [" a b", " !c"])
