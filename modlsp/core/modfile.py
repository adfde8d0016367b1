"""The typed model of a go.mod / go.work file: its directives as values that keep their tokens.

reader.py fills it from the syntax tree with the go command's rules.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field
from typing import NamedTuple

from modlsp.core.lexer import Token
from modlsp.core.problems import Edit, Problem, Severity
from modlsp.core.syntax import Block, FileSyntax, Line
from modlsp.core.text import Span


class FileKind(enum.Enum):
    GOMOD = "go.mod"
    GOWORK = "go.work"


GOMOD_VERBS = frozenset(
    {
        "module",
        "go",
        "toolchain",
        "godebug",
        "require",
        "exclude",
        "replace",
        "retract",
        "tool",
        "ignore",
    }
)
GOWORK_VERBS = frozenset({"go", "toolchain", "godebug", "use", "replace"})

# The entries are NamedTuples: immutable values, built for every directive on every keystroke,
# four times faster than frozen dataclasses.


class ModuleStmt(NamedTuple):
    path: str
    token: Token
    line: Line
    deprecated: str


class GoStmt(NamedTuple):
    version: str
    token: Token
    line: Line


class ToolchainStmt(NamedTuple):
    name: str
    token: Token
    line: Line


class Godebug(NamedTuple):
    key: str
    value: str
    token: Token
    line: Line


class Require(NamedTuple):
    path: str
    version: str  # canonical when the version is valid, else as written
    path_token: Token
    version_token: Token
    line: Line
    indirect: bool
    valid: bool  # the go command reads the line without error


class Exclude(NamedTuple):
    path: str
    version: str
    path_token: Token
    version_token: Token
    line: Line
    valid: bool


class Replace(NamedTuple):
    old_path: str
    old_version: str  # "" when the replacement applies to every version
    new_path: str
    new_version: str  # "" for a directory replacement
    old_path_token: Token
    old_version_token: Token | None
    new_path_token: Token
    new_version_token: Token | None
    line: Line

    @property
    def is_directory(self) -> bool:
        return is_directory_path(self.new_path)


class Retract(NamedTuple):
    low: str
    high: str
    tokens: tuple[Token, ...]  # the version tokens: one, or low and high
    line: Line
    rationale: str


class PathStmt(NamedTuple):
    """tool, ignore and use: one path argument."""

    verb: str
    path: str
    token: Token
    line: Line


@dataclass(slots=True, eq=False)
class ModFile:
    kind: FileKind
    syntax: FileSyntax
    module: ModuleStmt | None = None
    go: GoStmt | None = None
    toolchain: ToolchainStmt | None = None
    godebugs: list[Godebug] = field(default_factory=list)
    requires: list[Require] = field(default_factory=list)
    excludes: list[Exclude] = field(default_factory=list)
    replaces: list[Replace] = field(default_factory=list)
    retracts: list[Retract] = field(default_factory=list)
    tools: list[PathStmt] = field(default_factory=list)
    ignores: list[PathStmt] = field(default_factory=list)
    uses: list[PathStmt] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Token start offset -> the text the go command rewrites it to (unquoted, canonical).
    normalized: dict[int, str] = field(default_factory=dict)
    # A file too large to analyse: this model is empty and stands for text never read.
    too_large: bool = False

    @property
    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)


def is_directory_path(path: str) -> bool:
    """x/mod's IsDirectoryPath: rooted or ./ ../ paths, in Unix or Windows syntax."""
    return (
        path in (".", "..")
        or path.startswith(("./", ".\\", "../", "..\\", "/", "\\"))
        or (len(path) >= 2 and path[0].isascii() and path[0].isalpha() and path[1] == ":")
    )


def is_indirect(line: Line) -> bool:
    """x/mod's rule: the first suffix comment is `indirect` or starts with `indirect;`."""
    suffix = line.comments.suffix
    return bool(suffix) and _says_indirect(suffix[0].text)


@functools.lru_cache(maxsize=1024)
def _says_indirect(comment: str) -> bool:
    fields = comment.removeprefix("//").split()
    return (len(fields) == 1 and fields[0] == "indirect") or (
        len(fields) > 1 and fields[0] == "indirect;"
    )


def directive_comment(block: Block | None, line: Line) -> str:
    """x/mod's parseDirectiveComment: the line's comments, else its block's."""
    comments = line.comments
    if block is not None and not comments.before and not comments.suffix:
        comments = block.comments
    texts = [
        c.text.removeprefix("//").strip()
        for c in (*comments.before, *comments.suffix)
        if c.text.startswith("//")
    ]
    return "\n".join(texts)


def delete_line_edit(syntax: FileSyntax, line: Line) -> Edit:
    """Delete a directive line with its suffix comment and newline."""
    index = syntax.lines
    first = index.line_of(line.start)
    last = index.line_of(line.comments.suffix[-1].end if line.comments.suffix else line.end)
    start = index.line_start(first)
    end = index.line_start(last + 1) if last + 1 < index.line_count else len(syntax.data)
    return Edit(Span(start, end), "")
