"""Build constraints the way `go mod tidy` reads them: every build tag counts as satisfied
except `ignore`, so only files that can never build (`//go:build ignore`) leave the module.

cmd/go (internal/imports) evaluates constraints with all tags "both present and not": a tag
evaluates to the preferred truth value, which flips under `!`, so `linux && !linux` holds while
`ignore`, `ignore && x` and `!(!ignore)` do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TAG = re.compile(r"[A-Za-z0-9_.]+")
_TOKEN = re.compile(r"\s*(\|\||&&|!|\(|\)|[A-Za-z0-9_.]+)")


@dataclass(frozen=True, slots=True)
class Tag:
    name: str


@dataclass(frozen=True, slots=True)
class Not:
    x: Expr


@dataclass(frozen=True, slots=True)
class And:
    x: Expr
    y: Expr


@dataclass(frozen=True, slots=True)
class Or:
    x: Expr
    y: Expr


Expr = Tag | Not | And | Or


class ConstraintError(ValueError):
    pass


def parse_go_build(expression: str) -> Expr:
    """The expression of a `//go:build` line (without the prefix)."""
    tokens = _tokens(expression)
    expr, rest = _parse_or(tokens)
    if rest:
        raise ConstraintError(f"unexpected {rest[0]!r}")
    return expr


def _tokens(text: str) -> list[str]:
    tokens = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ConstraintError(f"invalid syntax at {text[pos:].strip()!r}")
        tokens.append(match.group(1))
        pos = match.end()
    if not tokens:
        raise ConstraintError("empty expression")
    return tokens


def _parse_or(tokens: list[str]) -> tuple[Expr, list[str]]:
    left, tokens = _parse_and(tokens)
    while tokens and tokens[0] == "||":
        right, tokens = _parse_and(tokens[1:])
        left = Or(left, right)
    return left, tokens


def _parse_and(tokens: list[str]) -> tuple[Expr, list[str]]:
    left, tokens = _parse_not(tokens)
    while tokens and tokens[0] == "&&":
        right, tokens = _parse_not(tokens[1:])
        left = And(left, right)
    return left, tokens


def _parse_not(tokens: list[str]) -> tuple[Expr, list[str]]:
    if not tokens:
        raise ConstraintError("unexpected end of expression")
    head = tokens[0]
    if head == "!":
        inner, rest = _parse_not(tokens[1:])
        return Not(inner), rest
    if head == "(":
        inner, rest = _parse_or(tokens[1:])
        if not rest or rest[0] != ")":
            raise ConstraintError("missing )")
        return inner, rest[1:]
    if _TAG.fullmatch(head):
        return Tag(head), tokens[1:]
    raise ConstraintError(f"unexpected {head!r}")


def parse_plus_build(line: str) -> Expr | None:
    """A `// +build` line (without the prefix): space-separated options ORed, each a
    comma-separated AND of possibly negated tags. None when it has no options."""
    options: Expr | None = None
    for option in line.split():
        terms: Expr | None = None
        for term in option.split(","):
            negated = term.startswith("!")
            name = term[1:] if negated else term
            if not _TAG.fullmatch(name):
                raise ConstraintError(f"invalid tag {term!r}")
            tag: Expr = Not(Tag(name)) if negated else Tag(name)
            terms = tag if terms is None else And(terms, tag)
        if terms is not None:
            options = terms if options is None else Or(options, terms)
    return options


def satisfiable(expr: Expr, prefer: bool = True) -> bool:
    """Whether the constraint holds with every tag but `ignore` considered present and not."""
    if isinstance(expr, Tag):
        return False if expr.name == "ignore" else prefer
    if isinstance(expr, Not):
        return not satisfiable(expr.x, not prefer)
    if isinstance(expr, And):
        return satisfiable(expr.x, prefer) and satisfiable(expr.y, prefer)
    return satisfiable(expr.x, prefer) or satisfiable(expr.y, prefer)


def header_constraints(data: bytes) -> tuple[str | None, list[str]]:
    """The `//go:build` expression and the `// +build` lines of a Go file's header, as
    go/build finds them: `//go:build` anywhere in the leading comments, `// +build` only above
    the last blank line before the package clause (below it, it is package documentation)."""
    go_build: str | None = None
    plus_lines: list[tuple[int, str]] = []
    last_blank = 0
    in_block = False
    for number, raw in enumerate(data.split(b"\n")):
        line = raw.strip()
        if in_block:
            if b"*/" in line:
                in_block = False
                line = line[line.index(b"*/") + 2 :].strip()
                if not line:
                    continue
            else:
                continue
        if not line:
            last_blank = number
            continue
        if line.startswith(b"/*"):
            end = line.find(b"*/", 2)
            if end < 0:
                in_block = True
                continue
            if line[end + 2 :].strip():
                break
            continue
        if not line.startswith(b"//"):
            break
        text = line.decode("utf-8", "replace")
        if text.startswith("//go:build") and (len(text) == 10 or text[10] in " \t"):
            go_build = text[10:].strip() if go_build is None else go_build
        elif text.startswith(("// +build", "//+build")):
            plus_lines.append((number, text.split("+build", 1)[1]))
    return go_build, [text for number, text in plus_lines if number < last_blank]


def excluded_by_constraints(data: bytes) -> bool:
    """True for files `go mod tidy` leaves out of every build (`//go:build ignore`). A
    malformed constraint never excludes: the go command reports it instead."""
    go_build, plus_lines = header_constraints(data)
    try:
        if go_build is not None:
            return not satisfiable(parse_go_build(go_build))
        for line in plus_lines:
            expr = parse_plus_build(line)
            if expr is not None and not satisfiable(expr):
                return True
    except ConstraintError:
        return False
    return False
