"""Hover text: what a directive means, and what a version or requirement says."""

from __future__ import annotations

from dataclasses import dataclass

from modlsp.core import pseudo, semver
from modlsp.core.lexer import Kind, Token
from modlsp.core.modfile import ModFile
from modlsp.core.syntax import Block, Line
from modlsp.core.text import Span

DIRECTIVES: dict[str, str] = {
    "module": "Declares the module's path, the prefix of every package path in the module. "
    "A `// Deprecated: message` comment on it marks the module deprecated.",
    "go": "The Go language version the module's code is written for. Since Go 1.21 it is also "
    "the minimum Go version needed to build the module.",
    "toolchain": "The Go toolchain the go command should use for this module (Go 1.21+), "
    "e.g. `go1.23.4`; `default` means the local toolchain. It never lowers the `go` line.",
    "godebug": "A GODEBUG default for the main module's programs (Go 1.23+), as `key=value`.",
    "require": "A minimum version of a dependency. The go command selects the highest minimum "
    "required anywhere in the build (minimal version selection). `// indirect` marks a "
    "requirement no package of the main module imports directly.",
    "exclude": "Prevents a module version from being loaded; used only in the main module.",
    "replace": "Replaces a module (or one version of it) with another module version or a local "
    "directory; used only in the main module (or go.work).",
    "retract": "Marks versions of this module as not to be used, with the comment as the "
    "reason. Published in a newer version; `go get` and `go list -m -u` honour it.",
    "tool": "A package built and run with `go tool` (Go 1.24+), tracked as a dependency.",
    "ignore": "A directory the go command ignores when matching package patterns (Go 1.25+).",
    "use": "A module directory that is part of the workspace (go.work).",
}


@dataclass(frozen=True, slots=True)
class HoverText:
    span: Span
    markdown: str


def _token_at(tokens: list[Token], offset: int) -> Token | None:
    for token in tokens:
        if token.start <= offset <= token.end and token.kind in (Kind.IDENT, Kind.STRING):
            return token
    return None


def _verb_hover(token: Token) -> HoverText | None:
    doc = DIRECTIVES.get(token.text)
    if doc is None:
        return None
    return HoverText(token.span, f"**{token.text}** directive\n\n{doc}")


def _version_hover(token: Token) -> HoverText | None:
    version = token.text.strip('"')
    if not semver.is_valid(version):
        return None
    lines = [f"**{version}**"]
    canonical = semver.canonical(version)
    if canonical and canonical != version and not version.endswith("+incompatible"):
        lines.append(f"canonical form: `{canonical}`")
    if pseudo.is_pseudo_version(version):
        try:
            base = pseudo.pseudo_version_base(version) or "no earlier tag"
            when = pseudo.pseudo_version_time(version)
            rev = pseudo.pseudo_version_rev(version)
        except ValueError:
            return HoverText(token.span, "\n\n".join(lines))
        stamp = f"{when[0:4]}-{when[4:6]}-{when[6:8]} {when[8:10]}:{when[10:12]}:{when[12:14]} UTC"
        lines.append(f"pseudo-version of commit `{rev}` from {stamp}, after {base}")
    if version.endswith("+incompatible"):
        lines.append("`+incompatible`: a v2+ version of a module without a go.mod file")
    return HoverText(token.span, "\n\n".join(lines))


def hover(model: ModFile, offset: int) -> HoverText | None:
    for stmt in model.syntax.stmts:
        if isinstance(stmt, Line):
            if stmt.start <= offset <= stmt.end:
                return _line_hover(stmt, stmt.tokens[0].text, 1, offset)
        elif isinstance(stmt, Block):
            token = _token_at(stmt.verb, offset)
            if token is not None:
                return _verb_hover(token) if token is stmt.verb[0] else None
            for line in stmt.lines:
                if line.start <= offset <= line.end:
                    return _line_hover(line, stmt.verb[0].text, 0, offset)
    return None


def _line_hover(line: Line, verb: str, first_arg: int, offset: int) -> HoverText | None:
    token = _token_at(line.tokens, offset)
    if token is None:
        return None
    if first_arg and token is line.tokens[0]:
        return _verb_hover(token)
    if verb in ("require", "exclude", "replace", "retract"):
        return _version_hover(token)
    return None
