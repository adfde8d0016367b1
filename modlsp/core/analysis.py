"""The entry point the CLI and the server share: bytes in, model and problems out."""

from __future__ import annotations

from dataclasses import dataclass

from modlsp.core.checks import CheckOptions, run_checks
from modlsp.core.files import MAX_HEAD_BYTES
from modlsp.core.modfile import FileKind, ModFile
from modlsp.core.problems import Problem, Severity, reading_order
from modlsp.core.reader import read
from modlsp.core.text import Span

__all__ = [
    "Analysis",
    "CheckOptions",
    "FileKind",
    "analyze",
    "kind_for_document",
    "kind_for_name",
]


@dataclass(frozen=True, slots=True)
class Analysis:
    model: ModFile
    problems: tuple[Problem, ...]


def kind_for_name(name: str) -> FileKind:
    """A file named go.work is a workspace file; anything else has go.mod syntax."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return FileKind.GOWORK if base.endswith(".work") else FileKind.GOMOD


# Language ids editors give module files: VS Code's Go extension, Neovim's filetypes.
_GOMOD_IDS = frozenset({"go.mod", "gomod"})
_GOWORK_IDS = frozenset({"go.work", "gowork"})


def kind_for_document(name: str, language_id: str = "") -> FileKind | None:
    """The kind of an editor document, or None for Go sources (and anything else that is not
    a module file): the language id wins, the file name decides when the id says nothing."""
    if language_id in _GOMOD_IDS:
        return FileKind.GOMOD
    if language_id in _GOWORK_IDS:
        return FileKind.GOWORK
    if language_id == "go" or name.endswith(".go"):
        return None
    return kind_for_name(name)


def analyze(
    data: bytes, kind: FileKind, name: str | None = None, options: CheckOptions | None = None
) -> Analysis:
    """Parse and check one file; never raises on any input."""
    if len(data) > MAX_HEAD_BYTES:
        return _too_large(data, kind, name)
    model = read(data, kind, name)
    problems = model.problems + run_checks(model, options or CheckOptions())
    problems.sort(key=reading_order)
    return Analysis(model, tuple(problems))


def _too_large(data: bytes, kind: FileKind, name: str | None) -> Analysis:
    """No go.mod anyone writes is a mebibyte (the largest real ones are ~100 KB); parsing 10 MB
    takes the best part of a minute. Such a file gets one warning, no features, and never a
    formatting edit (the empty model stands for a file modlsp has not read)."""
    model = read(b"", kind, name)
    model.too_large = True
    end = data.find(b"\n")
    span = Span(0, end if end > 0 else min(len(data), 1))
    size = len(data) / (1 << 20)
    message = (
        f"{kind.value} file of {size:.1f} MiB: modlsp reads module files up to "
        f"{MAX_HEAD_BYTES >> 20} MiB and has not analysed this one"
    )
    problem = Problem(span, Severity.WARNING, "file-too-large", message)
    model.problems.append(problem)
    return Analysis(model, (problem,))
