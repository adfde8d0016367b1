"""Versions the go command reads but rewrites, rejects later, or that are simply wrong."""

from __future__ import annotations

from collections.abc import Iterator

from modlsp.core import gostring, modpath, pseudo, semver
from modlsp.core.lexer import Token
from modlsp.core.modfile import FileKind, ModFile
from modlsp.core.problems import Edit, Fix, Problem, Severity
from modlsp.core.syntax import BLANK, Block
from modlsp.core.text import Span


def check(model: ModFile) -> Iterator[Problem]:
    for req in model.requires:
        # Most versions are canonical releases: skip them without making a generator.
        if req.valid and (
            req.version_token.text != req.version or "-" in req.version or "+" in req.version
        ):
            yield from _version(req.path, req.version, req.version_token)
    for exc in model.excludes:
        if exc.valid:
            yield from _version(exc.path, exc.version, exc.version_token)
    for rep in model.replaces:
        if rep.old_version_token is not None:
            yield from _version(rep.old_path, rep.old_version, rep.old_version_token)
        if rep.new_version_token is not None:
            yield from _version(rep.new_path, rep.new_version, rep.new_version_token)
    if model.kind is FileKind.GOMOD:
        yield from _retractions(model)


def _written(token: Token) -> str:
    return gostring.unquote(token.text) or token.text if token.text.startswith('"') else token.text


def _version(path: str, version: str, token: Token) -> Iterator[Problem]:
    written = _written(token)
    if written != version:
        fix = Fix(f"Change to {version}", (Edit(token.span, version),), preferred=True)
        message = (
            f"version {gostring.go_quote(written)} is not canonical: "
            f"the go command will rewrite it to {version}"
        )
        yield Problem(token.span, Severity.WARNING, "noncanonical-version", message, (fix,))
    if version.endswith("+incompatible"):
        yield from _incompatible(path, version, token)
    reason = pseudo.check_pseudo_version(version)
    if reason is not None:
        message = f"malformed pseudo-version {gostring.go_quote(version)}: {reason}"
        yield Problem(token.span, Severity.WARNING, "pseudo-version", message)


def _incompatible(path: str, version: str, token: Token) -> Iterator[Problem]:
    _, major, _ = modpath.split_path_version(path)
    base = version.removesuffix("+incompatible")
    if major:
        reason = "module path includes a major version suffix, so major version must match"
    elif semver.major(version) in ("v0", "v1"):
        reason = f"major version {semver.major(version)} is compatible"
    else:
        return
    fix = Fix(f"Change to {base}", (Edit(token.span, base),), preferred=True)
    message = f"{path}@{version}: invalid version: +incompatible suffix not allowed: {reason}"
    yield Problem(token.span, Severity.WARNING, "incompatible-suffix", message, (fix,))


def _retractions(model: ModFile) -> Iterator[Problem]:
    if model.retracts and model.module is None:
        line = model.retracts[0].line
        message = "no module directive found, so retract cannot be used"
        yield Problem(line.span, Severity.ERROR, "retract-no-module", message)
    explained = _explained_lines(model)
    for retract in model.retracts:
        bad = False
        for token in retract.tokens:
            written = _written(token)
            canonical = modpath.canonical_version(written)
            if not canonical:
                bad = True
                quoted = gostring.go_quote(written)
                message = f"retract: version {quoted} invalid: must be of the form v1.2.3"
                yield Problem(token.span, Severity.ERROR, "invalid-version", message)
            elif canonical != written:
                fix = Fix(f"Change to {canonical}", (Edit(token.span, canonical),), preferred=True)
                message = (
                    f"version {gostring.go_quote(written)} is not canonical: write {canonical}"
                )
                yield Problem(token.span, Severity.WARNING, "noncanonical-version", message, (fix,))
        if not bad and semver.compare(retract.low, retract.high) > 0:
            low, high = retract.tokens[0], retract.tokens[-1]
            message = (
                f"retract interval [{retract.low}, {retract.high}] is empty: "
                "its low end is above its high end"
            )
            swap = Fix(
                "Swap the versions", (Edit(low.span, high.text), Edit(high.span, low.text)), True
            )
            yield Problem(
                Span(low.start, high.end), Severity.ERROR, "retract-interval", message, (swap,)
            )
        if not retract.rationale and id(retract.line) not in explained:
            message = (
                "retract has no rationale: add a comment saying why "
                "(go list -m -retracted shows it)"
            )
            yield Problem(retract.line.span, Severity.INFORMATION, "retract-rationale", message)


def _explained_lines(model: ModFile) -> set[int]:
    """Retract lines in a block that follow a commented line with no blank line between.

    The go command attaches a comment only to the next line, but authors write one comment
    for a group of versions; such lines are not reported as lacking a rationale.
    """
    explained: set[int] = set()
    for stmt in model.syntax.stmts:
        if not isinstance(stmt, Block) or stmt.verb[0].text != "retract":
            continue
        covered = False
        for line in stmt.lines:
            before = line.comments.before
            if before:
                # A blank line (an empty comment) after the last real comment ends the group.
                covered = before[-1].text != BLANK
            elif covered:
                explained.add(id(line))
            if line.comments.suffix:
                covered = True
    return explained
