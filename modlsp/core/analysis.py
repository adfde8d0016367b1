"""The entry point the CLI and the server share: bytes in, model and problems out."""

from __future__ import annotations

from dataclasses import dataclass

from modlsp.core.checks import CheckOptions, run_checks
from modlsp.core.modfile import FileKind, ModFile
from modlsp.core.problems import Problem
from modlsp.core.reader import read

__all__ = ["Analysis", "CheckOptions", "FileKind", "analyze", "kind_for_name"]


@dataclass(frozen=True, slots=True)
class Analysis:
    model: ModFile
    problems: tuple[Problem, ...]


def kind_for_name(name: str) -> FileKind:
    """A file named go.work is a workspace file; anything else has go.mod syntax."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return FileKind.GOWORK if base.endswith(".work") else FileKind.GOMOD


def analyze(
    data: bytes, kind: FileKind, name: str | None = None, options: CheckOptions | None = None
) -> Analysis:
    """Parse and check one file; never raises on any input."""
    model = read(data, kind, name)
    problems = model.problems + run_checks(model, options or CheckOptions())
    problems.sort(key=lambda p: (p.span.start, p.severity, p.span.end))
    return Analysis(model, tuple(problems))
