"""Completion in go.mod: versions in require, replace, exclude and retract lines, and module
paths in require lines.

The context comes from the syntax tree (a line's tokens and its block's verb), not from the
model: the line being typed is usually one the reader rejects (`require example.com/x ` or a
half-typed `v1.`), and completion matters most exactly there.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from modlsp.core import semver
from modlsp.core.gostring import auto_quote, unquote
from modlsp.core.lexer import Kind, Token
from modlsp.core.modfile import FileKind, ModFile, is_directory_path
from modlsp.core.modpath import check_path
from modlsp.core.pseudo import is_pseudo_version
from modlsp.core.syntax import Block, Line
from modlsp.core.text import Span
from modlsp.core.versionfacts import Info, VersionFacts
from modlsp.core.versionhover import utc_day
from modlsp.core.versionquery import Catalog

# How many of the newest versions get their publish date looked up for completion details.
INFO_LIMIT = 30

_WORDS = (Kind.IDENT, Kind.STRING)


@dataclass(frozen=True, slots=True)
class VersionContext:
    """The cursor is where a version of `path` goes."""

    path: str
    span: Span  # what an item replaces: the version token being typed, or empty at the cursor
    current: str  # the text of that version token ("" when there is none yet)
    verb: str  # require, replace, exclude or retract


@dataclass(frozen=True, slots=True)
class PathContext:
    """The cursor is where a require line's module path goes."""

    span: Span  # the path token being typed, or empty at the cursor
    prefix: str  # what is typed of it before the cursor
    has_version: bool  # a version already follows on the line: insert the path alone


@dataclass(frozen=True, slots=True)
class VersionItem:
    label: str
    sort_text: str  # keeps the order below: newest first, pre-releases after releases
    detail: str  # e.g. "2024-03-01 · latest", "retracted: rationale", "excluded"
    retracted: bool
    prerelease: bool
    excluded: bool = False


@dataclass(frozen=True, slots=True)
class PathItem:
    label: str  # the module path
    insert_text: str  # "path version" when a version is known and none follows, else "path"
    detail: str
    sort_text: str


def completion_context(model: ModFile, offset: int) -> VersionContext | PathContext | None:
    """What may be completed at byte `offset` of a go.mod (or of a go.work's replace
    lines), None when nothing is."""
    syntax = model.syntax
    index = syntax.lines
    row = index.line_of(offset)
    stmts = syntax.stmts
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, Line):
            if index.line_of(stmt.start) == row:
                verb = stmt.tokens[0]
                if offset <= verb.end:
                    return None
                return _line_context(model, verb.text, stmt, stmt.tokens[1:], offset)
        elif isinstance(stmt, Block):
            if index.line_of(stmt.start) > row:
                return None
            following = stmts[i + 1].start if i + 1 < len(stmts) else None
            found = _block_context(model, stmt, following, row, offset)
            if found is not None:
                return found
    return None


def _block_context(
    model: ModFile, block: Block, following: int | None, row: int, offset: int
) -> VersionContext | PathContext | None:
    index = model.syntax.lines
    first = index.line_of(block.lparen.end) + 1
    if block.rparen is not None:
        last = index.line_of(block.rparen.start) - 1
    elif following is not None:
        last = index.line_of(following) - 1
    else:
        last = index.line_count - 1
    if not first <= row <= last:
        return None
    if len(block.verb) != 1:
        return None
    verb = block.verb[0].text
    for line in block.lines:
        if index.line_of(line.start) == row:
            return _line_context(model, verb, line, line.tokens, offset)
    # A line with no tokens yet: the start of a requirement.
    before = model.syntax.data[index.line_start(row) : offset]
    if verb == "require" and model.kind is FileKind.GOMOD and not before.strip():
        return PathContext(Span(offset, offset), "", has_version=False)
    return None


def _line_context(
    model: ModFile, verb: str, line: Line, args: list[Token], offset: int
) -> VersionContext | PathContext | None:
    if model.kind is FileKind.GOWORK and verb != "replace":
        return None  # go.work has no require, exclude or retract
    if any(c.start < offset for c in line.comments.suffix):
        return None  # in a comment
    # The word under the cursor (touching it counts: that is where typing goes), else an
    # empty slot after the tokens that end before the cursor.
    token = next((t for t in args if t.start <= offset <= t.end and t.kind in _WORDS), None)
    if token is not None:
        at = args.index(token)
        span = token.span
    else:
        at = sum(1 for t in args if t.end <= offset)
        span = Span(offset, offset)
        if at < len(args) and not _slot_before(verb, args[at]):
            return None  # between words: inserting would shift the line's arguments
    current = _value(token) if token is not None else ""
    if verb in ("require", "exclude"):
        if at == 0:
            if verb != "require":
                return None
            typed = token.text[: offset - token.start] if token is not None else ""
            return PathContext(span, typed, has_version=len(args) > 1)
        if at == 1:
            return _version_of(args[0], span, current, verb)
        return None
    if verb == "replace":
        return _replace_context(args, at, token, span, current)
    if verb == "retract":
        previous = args[at - 1] if at > 0 else None
        if previous is not None and previous.kind not in (Kind.LBRACK, Kind.COMMA):
            return None
        if model.module is None or check_path(model.module.path) is not None:
            return None
        return VersionContext(model.module.path, span, current, verb)
    return None


def _slot_before(verb: str, following: Token) -> bool:
    """An empty slot before `following` may still take a version: `replace a | => b` and
    `retract [v1.0.0, | ]`."""
    if verb == "replace":
        return following.text == "=>"
    return verb == "retract" and following.kind in (Kind.COMMA, Kind.RBRACK)


def _replace_context(
    args: list[Token], at: int, token: Token | None, span: Span, current: str
) -> VersionContext | None:
    if token is not None and token.text == "=>":
        return None
    arrow = next((i for i, t in enumerate(args) if t.text == "=>"), None)
    if at == 1 and (arrow is None or arrow >= 1):
        return _version_of(args[0], span, current, "replace")
    if arrow is not None and at == arrow + 2:
        new_path = args[arrow + 1]
        if is_directory_path(_value(new_path)):
            return None
        return _version_of(new_path, span, current, "replace")
    return None


def _version_of(path_token: Token, span: Span, current: str, verb: str) -> VersionContext | None:
    path = _value(path_token)
    if path_token.kind not in _WORDS or check_path(path) is not None:
        return None
    return VersionContext(path, span, current, verb)


def _value(token: Token) -> str:
    if token.kind is Kind.STRING:
        value = unquote(token.text)
        return value if value is not None else token.text.strip('"`')
    return token.text


def version_items(
    catalog: Catalog, infos: Mapping[str, Info], excluded: frozenset[str] = frozenset()
) -> list[VersionItem]:
    """Every listed version, newest first with pre-releases after releases; the pseudo-version
    `@latest` names when the module has no tags."""
    releases = [v for v in catalog.versions if not semver.prerelease(v)]
    prereleases = [v for v in catalog.versions if semver.prerelease(v)]
    ordered = [*reversed(releases), *reversed(prereleases)]
    if not ordered and catalog.pseudo_latest:
        ordered = [catalog.pseudo_latest]
    newest = catalog.newest(excluded)
    items: list[VersionItem] = []
    for i, version in enumerate(ordered):
        retraction = catalog.retraction(version)
        notes: list[str] = []
        info = infos.get(version)
        if info is not None and info.time is not None:
            notes.append(utc_day(info.time))
        if version == newest:
            notes.append("latest")
        if is_pseudo_version(version):
            notes.append("pseudo-version")
        if retraction is not None:
            notes.append(f"retracted: {retraction.message}")
        if version in excluded:
            notes.append("excluded")
        items.append(
            VersionItem(
                label=version,
                sort_text=f"{i:05d}",
                detail=" · ".join(notes),
                retracted=retraction is not None,
                prerelease=bool(semver.prerelease(version)),
                excluded=version in excluded,
            )
        )
    return items


async def version_infos(
    facts: VersionFacts, catalog: Catalog, limit: int = INFO_LIMIT
) -> dict[str, Info]:
    """Publish times of the newest `limit` versions (completion shows their dates)."""
    versions = [*reversed(catalog.versions)][:limit]
    if not versions and catalog.pseudo_latest:
        versions = [catalog.pseudo_latest]
    found = await asyncio.gather(*(facts.info(catalog.path, v) for v in versions))
    return {v: info for v, info in zip(versions, found, strict=True) if info is not None}


def path_items(
    context: PathContext, candidates: Iterable[tuple[str, str | None]]
) -> list[PathItem]:
    """Module paths the caller proposes (imported, not yet required), with the version to
    require when it knows one, that start with what is typed."""
    items: list[PathItem] = []
    seen: set[str] = set()
    for path, version in sorted(candidates):
        if path in seen or not path.startswith(context.prefix):
            continue
        seen.add(path)
        insert = auto_quote(path)
        if version and not context.has_version:
            insert += f" {version}"
        detail = f"imported, not required · {version}" if version else "imported, not required"
        items.append(PathItem(path, insert, detail, f"{len(items):05d}"))
    return items
