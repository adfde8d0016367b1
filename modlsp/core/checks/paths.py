"""Module paths: the main module's own path and the paths of required/replaced modules."""

from __future__ import annotations

from collections.abc import Iterator

from modlsp.core import gostring, modpath
from modlsp.core.lexer import Token
from modlsp.core.modfile import FileKind, ModFile, delete_line_edit
from modlsp.core.problems import Edit, Fix, Problem, Severity
from modlsp.core.syntax import Line
from modlsp.core.text import Span

_RESERVED = frozenset({"go", "toolchain"})


def check(model: ModFile) -> Iterator[Problem]:
    if model.kind is FileKind.GOMOD:
        yield from _main_module(model)
    main = model.module.path if model.module is not None else None
    required = {req.path for req in model.requires}
    for req in model.requires:
        if req.path == main:
            yield _self_requirement(model, req.line, req.path_token)
        elif modpath.check_path(req.path) is not None:
            yield from _dependency_path(req.path, req.path_token, Severity.ERROR)
    # The go command checks the paths of modules it loads; an exclude or the left side of a
    # replace that names a malformed path can never match one, so it is dead, not fatal.
    for exc in model.excludes:
        yield from _dependency_path(exc.path, exc.path_token, Severity.WARNING, _NEVER_MATCHES)
    for rep in model.replaces:
        yield from _dependency_path(
            rep.old_path, rep.old_path_token, Severity.WARNING, _NEVER_MATCHES
        )
        if not rep.is_directory:
            used = model.kind is FileKind.GOMOD and rep.old_path in required
            severity = Severity.ERROR if used else Severity.WARNING
            note = "" if used else f" (an error as soon as a build needs {rep.old_path})"
            yield from _dependency_path(rep.new_path, rep.new_path_token, severity, note)
    for tool in model.tools:
        error = modpath.check_import_path(tool.path)
        if error is not None:
            message = error.replace("malformed import path", "malformed tool path", 1)
            yield Problem(tool.token.span, Severity.ERROR, "malformed-tool-path", message)


def _lowercase_fix(path: str, token: Token, also: tuple[Token, ...] = ()) -> tuple[Fix, ...]:
    """Lowercase `token`'s path, and the `also` tokens that name the same path."""
    lowered = path.lower()
    if lowered == path or modpath.check_path(lowered) is not None:
        return ()
    new = gostring.auto_quote(lowered)
    edits = tuple(Edit(t.span, new) for t in sorted({token, *also}, key=lambda t: t.start))
    return (Fix(f"Change to {lowered}", edits, True),)


def _mentions_of_module(model: ModFile, path: str) -> tuple[Token, ...]:
    """The file's requirements, exclusions and replacements of its own module path: renaming
    the module renames them too, or a self-requirement the go command ignores would become a
    requirement of a path no module can have."""
    tokens = [r.path_token for r in model.requires if r.path == path]
    tokens += [e.path_token for e in model.excludes if e.path == path]
    tokens += [r.old_path_token for r in model.replaces if r.old_path == path]
    return tuple(tokens)


_NEVER_MATCHES = " (it can never match a module, so the go command ignores it)"


def _dependency_path(
    path: str, token: Token, severity: Severity, note: str = ""
) -> Iterator[Problem]:
    if not modpath.split_path_version(path).ok:
        return  # the go command's parser already said "invalid module path"
    error = modpath.check_path(path)
    if error is not None:
        fixes = _lowercase_fix(path, token)
        yield Problem(token.span, severity, "malformed-module-path", error + note, fixes)


def _self_requirement(model: ModFile, line: Line, token: Token) -> Problem:
    fix = Fix("Remove this line", (delete_line_edit(model.syntax, line),), preferred=True)
    message = "a module cannot require itself: the go command ignores this requirement"
    return Problem(token.span, Severity.WARNING, "self-require", message, (fix,))


def _main_module(model: ModFile) -> Iterator[Problem]:
    module = model.module
    if module is None:
        if not model.problems:
            # The go command loads nothing without it (an empty file included); a broken file
            # says more itself.
            first = model.syntax.stmts[0] if model.syntax.stmts else None
            if isinstance(first, Line):
                span = first.span
            else:  # nothing but comments, or nothing at all: the first line
                end = model.syntax.data.find(b"\n")
                span = Span(0, len(model.syntax.data) if end < 0 else end)
            message = (
                "missing module declaration. To specify the module path:\n"
                "\tgo mod edit -module=example.com/mod"
            )
            yield Problem(span, Severity.ERROR, "missing-module", message)
        return
    path, token = module.path, module.token
    if path in _RESERVED:
        message = f"invalid module path: {gostring.go_quote(path)}"
        yield Problem(token.span, Severity.ERROR, "module-path", message)
        return
    error = modpath.check_import_path(path)
    if error is not None:
        message = error.replace("malformed import path", "malformed module path", 1)
        fixes = _lowercase_fix(path, token, _mentions_of_module(model, path))
        yield Problem(token.span, Severity.ERROR, "module-path", message, fixes)
        return
    suffix = list(_useless_suffix(path, token))
    strict = None if suffix else modpath.check_path(path)
    if strict is not None:
        message = (
            f"{strict} (the go command accepts it for the main module, "
            "but no other module can require it)"
        )
        fixes = _lowercase_fix(path, token, _mentions_of_module(model, path))
        yield Problem(token.span, Severity.WARNING, "module-path", message, fixes)
    yield from suffix


def _useless_suffix(path: str, token: Token) -> Iterator[Problem]:
    """`/v0` and `/v1` look like major version suffixes but are not (gorelease rejects them)."""
    head, _, element = path.rpartition("/")
    if not head or element not in ("v0", "v1"):
        return
    fix = Fix(f"Change to {head}", (Edit(token.span, gostring.auto_quote(head)),), True)
    message = (
        f"module path {gostring.go_quote(path)} ends in /{element}: a major version suffix is only "
        "allowed for v2 or later"
    )
    yield Problem(token.span, Severity.WARNING, "major-suffix", message, (fix,))
