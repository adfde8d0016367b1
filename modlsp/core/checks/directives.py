"""Directive-level rules: godebug keys, toolchain vs go, duplicates, no-op and absolute replaces."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import PureWindowsPath

from modlsp.core import gover, semver
from modlsp.core.godebug import GodebugTable
from modlsp.core.modfile import FileKind, ModFile, Replace, delete_line_edit
from modlsp.core.problems import Fix, Problem, Severity
from modlsp.core.syntax import Line


def check(model: ModFile, godebugs: GodebugTable) -> Iterator[Problem]:
    for entry in model.godebugs:
        error = godebugs.check(entry.key, entry.value)
        if error is not None:
            yield Problem(entry.token.span, Severity.ERROR, "unknown-godebug", error)
    yield from _toolchain(model)
    yield from _duplicate_requires(model)
    yield from _duplicate_excludes(model)
    yield from _replaces(model)
    yield from _duplicate_uses(model)


def _remove(model: ModFile, line: Line, title: str = "Remove this line") -> tuple[Fix, ...]:
    return (Fix(title, (delete_line_edit(model.syntax, line),), preferred=True),)


def _toolchain(model: ModFile) -> Iterator[Problem]:
    if model.go is None or model.toolchain is None:
        return
    toolchain = gover.from_toolchain(model.toolchain.name)
    if toolchain and gover.compare(toolchain, model.go.version) < 0:
        message = (
            f"toolchain {model.toolchain.name} is older than go {model.go.version}: "
            "the go command ignores it and needs at least the go line's version"
        )
        token = model.toolchain.token
        yield Problem(
            token.span,
            Severity.WARNING,
            "toolchain-older",
            message,
            _remove(model, model.toolchain.line),
        )


def _duplicate_requires(model: ModFile) -> Iterator[Problem]:
    paths = [req.path for req in model.requires if req.valid]
    if len(set(paths)) == len(paths):
        return  # the usual case, decided without a Python loop
    by_path: dict[str, list[int]] = {}
    for i, req in enumerate(model.requires):
        if req.valid:
            by_path.setdefault(req.path, []).append(i)
    for path, indexes in by_path.items():
        if len(indexes) < 2:
            continue
        winner = indexes[0]
        for i in indexes[1:]:
            if semver.compare(model.requires[i].version, model.requires[winner].version) >= 0:
                winner = i
        highest = model.requires[winner].version
        for i in indexes:
            if i == winner:
                continue
            req = model.requires[i]
            message = (
                f"{path} is required more than once: "
                f"the go command uses the highest version, {highest}"
            )
            yield Problem(
                req.line.span,
                Severity.WARNING,
                "duplicate-require",
                message,
                _remove(model, req.line),
            )


def _duplicate_excludes(model: ModFile) -> Iterator[Problem]:
    if model.kind is not FileKind.GOMOD:
        return
    seen: set[tuple[str, str]] = set()
    for exc in model.excludes:
        key = (exc.path, exc.version)
        if exc.valid and key in seen:
            message = f"{exc.path} {exc.version} is already excluded"
            yield Problem(
                exc.line.span,
                Severity.WARNING,
                "duplicate-exclude",
                message,
                _remove(model, exc.line),
            )
        seen.add(key)


def _version_string(path: str, version: str) -> str:
    """Go's module.Version String: path@version, or just the path."""
    return f"{path}@{version}" if version else path


def _replaces(model: ModFile) -> Iterator[Problem]:
    later: dict[tuple[str, str], Replace] = {}
    for rep in reversed(model.replaces):
        key = (rep.old_path, rep.old_version)
        target = f"{rep.old_path} {rep.old_version}".strip()
        winner = later.get(key)
        new = (rep.new_path, rep.new_version)
        if winner is not None and (winner.new_path, winner.new_version) != new:
            kept = _version_string(winner.new_path, winner.new_version)
            message = (
                f"conflicting replacements for {_version_string(*key)}:\n"
                f"\t{_version_string(*new)}\n\t{kept}"
            )
            yield Problem(
                rep.line.span,
                Severity.ERROR,
                "conflicting-replace",
                message,
                _remove(model, rep.line, "Remove this replacement"),
            )
        elif winner is not None:
            message = (
                f"{target} is replaced again below: "
                "the later replace wins and the go command drops this one"
            )
            yield Problem(
                rep.line.span,
                Severity.WARNING,
                "duplicate-replace",
                message,
                _remove(model, rep.line),
            )
        later.setdefault(key, rep)
        if rep.old_path == rep.new_path and rep.old_version == rep.new_version:
            message = f"replace of {target} with itself has no effect"
            yield Problem(
                rep.line.span, Severity.WARNING, "noop-replace", message, _remove(model, rep.line)
            )
        if rep.is_directory and _is_absolute(rep.new_path):
            message = (
                f"replacement directory {rep.new_path} is an absolute path: "
                "the module will not build on another machine"
            )
            yield Problem(
                rep.new_path_token.span, Severity.INFORMATION, "absolute-replace", message
            )


def _duplicate_uses(model: ModFile) -> Iterator[Problem]:
    """The go command refuses a workspace that names one directory twice."""
    seen: set[str] = set()
    for use in model.uses:
        cleaned = posixpath.normpath(use.path.replace("\\", "/"))
        if cleaned in seen:
            message = f"path {cleaned} appears multiple times in workspace"
            fix = _remove(model, use.line)
            yield Problem(use.line.span, Severity.ERROR, "duplicate-use", message, fix)
        seen.add(cleaned)


def _is_absolute(path: str) -> bool:
    return path.startswith(("/", "\\")) or PureWindowsPath(path).is_absolute()
