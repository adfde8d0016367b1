"""Problems (diagnostics) and the fixes that repair them, as plain values."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from modlsp.core.text import Span


class Severity(enum.IntEnum):
    """Same numbering as LSP's DiagnosticSeverity."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the bytes of `span` with `new_text` (UTF-8 encoded when applied)."""

    span: Span
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A quick fix: a titled set of non-overlapping edits to one file."""

    title: str
    edits: tuple[Edit, ...]
    preferred: bool = False
    # The file the edits apply to when it is not the one with the problem (an import's fix
    # that edits the module's go.mod).
    target: Path | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    span: Span
    severity: Severity
    code: str
    message: str
    fixes: tuple[Fix, ...] = ()


class Refusal(NamedTuple):
    """Why a refactoring cannot be planned, in words for the user."""

    message: str


def reading_order(problem: Problem) -> tuple[int, int, int]:
    """Sort key: by position, errors first among problems that start together."""
    return problem.span.start, problem.severity, problem.span.end


def apply_edits(data: bytes, edits: tuple[Edit, ...] | list[Edit]) -> bytes:
    """Apply non-overlapping edits to `data`; used by the CLI and by tests."""
    out: list[bytes] = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.span.start, e.span.end)):
        if edit.span.start < pos:
            raise ValueError(f"overlapping edits at byte {edit.span.start}")
        out.append(data[pos : edit.span.start])
        out.append(edit.new_text.encode("utf-8", "surrogateescape"))
        pos = edit.span.end
    out.append(data[pos:])
    return b"".join(out)
