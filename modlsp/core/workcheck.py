"""Disk-aware checks of a go.work: the `use` directories, the modules in them, and how the
go.work's replaces meet theirs.

The go command's rules (go 1.27, cmd/go/internal/modload, init.go and modfile.go):

* every `use` directory must hold a go.mod (`cannot load module x listed in go.work file:
  open x/go.mod: no such file or directory`), and is one directory once (`path /abs/x appears
  multiple times in workspace`, LoadWorkFile, on the joined and cleaned directory);
* no module path twice (`module example.com/a appears multiple times in workspace`);
* a module whose go line is 1.21 or later must not be newer than the go.work's go line, 1.18
  when it has none (`module x listed in go.work file requires go >= 1.22, but go.work lists
  go 1.21`, or `... implicitly requires go 1.18`); `go work use` raises the go line and drops
  a toolchain line it makes useless (UpdateWorkGoVersion);
* loading: unless go.work replaces the path (at any version), two used modules may not
  replace the same module version with different targets (`conflicting replacements for x:
  ... use "go work edit -replace x=[override]" to resolve`); relative directories count from
  each go.mod's directory;
* looking up a version's replacement: go.work's replace of that version or of every version
  wins; else the used modules are asked in order, and a version-specific replace that differs
  from an earlier module's replacement fails (`conflicting replacements found for x@v1.0.0 in
  workspace modules defined by a/go.mod and b/go.mod`), while a differing replace of every
  version silently wins;
* a go.work may not replace a workspace module at all versions.
"""

from __future__ import annotations

import itertools
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from modlsp.core import gover, semver
from modlsp.core.goedits import (
    GoEdits,
    directory_path,
    resolve_directory,
    same_directory,
)
from modlsp.core.gostring import auto_quote
from modlsp.core.localmodules import absolute, read_gomod
from modlsp.core.modfile import FileKind, ModFile, PathStmt, Replace
from modlsp.core.problems import Edit, Fix, Problem, Severity
from modlsp.core.syntax import CommentBlock
from modlsp.core.text import Span

# cmd/go's gover.GoStrictVersion: from this go line on, the go.work must be as new.
_STRICT_GO = "1.21"
# The go line a go.work implies without one, and a go.mod without one.
_GOWORK_DEFAULT_GO = "1.18"
_GOMOD_DEFAULT_GO = "1.16"


@dataclass(frozen=True, slots=True)
class _Used:
    use: PathStmt
    directory: Path
    model: ModFile


def work_problems(model: ModFile, gowork: Path) -> list[Problem]:
    """Problems of a go.work at `gowork` that need the used modules from disk."""
    if model.kind is not FileKind.GOWORK:
        return []
    base = absolute(gowork).parent
    edits = GoEdits(model)
    out: list[Problem] = []
    used: list[_Used] = []
    texts: set[str] = set()
    roots: set[str] = set()
    for use in model.uses:
        text = posixpath.normpath(use.path.replace("\\", "/"))
        if text in texts:
            continue  # the same text twice: checks/directives.py's duplicate-use
        texts.add(text)
        directory = resolve_directory(base, use.path)
        root = use.path if Path(use.path).is_absolute() else str(directory)
        if root in roots:
            message = f"path {root} appears multiple times in workspace"
            fix = edits.remove_fix(use.line, "Remove this use")
            out.append(Problem(use.token.span, Severity.ERROR, "duplicate-use", message, (fix,)))
            continue
        roots.add(root)
        gomod = read_gomod(directory) if directory.is_dir() else None
        trouble = _use_trouble(use.path, directory, gomod)
        if gomod is None or trouble:
            message = f"cannot load module {use.path} listed in go.work file: {trouble}"
            fix = edits.remove_fix(use.line, "Remove this use")
            out.append(Problem(use.token.span, Severity.ERROR, "use-directory", message, (fix,)))
            continue
        used.append(_Used(use, directory, gomod))
    out.extend(_duplicate_modules(used, edits))
    out.extend(_go_too_old(model, used, edits))
    out.extend(_conflicting_replaces(model, base, used, edits))
    out.extend(_replaced_workspace_modules(model, used, edits))
    return out


def _use_trouble(path: str, directory: Path, gomod: ModFile | None) -> str:
    """Why the go command cannot load the module of a `use` ("" when it can)."""
    name = path.rstrip("/\\") + "/go.mod"
    if gomod is not None:
        if gomod.has_errors:
            return f"errors parsing {name}"
        if gomod.module is None:
            return f"error reading {name}: missing module declaration"
        return ""
    if not directory.exists():
        return f"directory {path} does not exist"
    if not directory.is_dir():
        return f"{path} is not a directory"
    return f"{path} has no go.mod file"


def _duplicate_modules(used: list[_Used], edits: GoEdits) -> Iterator[Problem]:
    by_path: dict[str, list[_Used]] = {}
    for u in used:
        if u.model.module is not None:
            by_path.setdefault(u.model.module.path, []).append(u)
    for path, group in by_path.items():
        if len(group) < 2:
            continue
        message = f"module {path} appears multiple times in workspace"
        for u in group:
            others = ", ".join(o.use.path for o in group if o is not u)
            fix = edits.remove_fix(u.use.line, "Remove this use")
            yield Problem(
                u.use.token.span,
                Severity.ERROR,
                "duplicate-workspace-module",
                f"{message} (also used as {others})",
                (fix,),
            )


def _go_too_old(model: ModFile, used: list[_Used], edits: GoEdits) -> Iterator[Problem]:
    if model.go is not None and not gover.is_valid(model.go.version):
        return
    work_go = model.go.version if model.go is not None else _GOWORK_DEFAULT_GO
    needs: list[tuple[_Used, str]] = []
    for u in used:
        module_go = u.model.go.version if u.model.go is not None else _GOMOD_DEFAULT_GO
        if gover.compare(module_go, work_go) > 0 and gover.compare(module_go, _STRICT_GO) >= 0:
            needs.append((u, module_go))
    if not needs:
        return
    highest = needs[0][1]
    for _, version in needs:
        if gover.compare(version, highest) > 0:
            highest = version
    if model.go is not None:
        title = f"Raise go.work to go {highest}"
        stated = f"go.work lists go {work_go}"
    else:
        title = f"Add go {highest} to go.work"
        stated = f"go.work implicitly requires go {work_go}"
    fix = Fix(title, _set_go_edits(model, edits, highest), preferred=True)
    for u, version in needs:
        message = (
            f"module {u.use.path} listed in go.work file requires go >= {version}, but {stated}"
        )
        span = model.go.token.span if model.go is not None else u.use.token.span
        yield Problem(span, Severity.ERROR, "work-go-too-old", message, (fix,))


def _set_go_edits(model: ModFile, edits: GoEdits, version: str) -> tuple[Edit, ...]:
    """`go work use`'s UpdateWorkGoVersion: set the go line (a new one goes before the first
    statement that is not a comment block) and drop a toolchain line it makes useless."""
    raw: list[Edit] = []
    if model.go is not None:
        raw.append(Edit(model.go.token.span, version))
    else:
        index = model.syntax.lines
        first = next((s for s in model.syntax.stmts if not isinstance(s, CommentBlock)), None)
        if first is None:
            at = len(model.syntax.data)
        else:
            before = first.comments.before
            at = index.line_start(index.line_of(before[0].start if before else first.start))
        raw.append(Edit(Span(at, at), f"go {version}\n\n"))
    toolchain = model.toolchain
    if toolchain is not None:
        tool_go = gover.from_toolchain(toolchain.name)
        if (
            toolchain.name == "go" + version
            or gover.compare(tool_go, version) < 0
            or gover.compare(tool_go, _STRICT_GO) < 0
        ):
            raw.extend(edits.removal([toolchain.line]))
    # A token changed and a top-level line removed keep a formatted file formatted.
    return edits.finish(raw, keeps_format=model.go is not None)


@dataclass(frozen=True, slots=True)
class _Target:
    """A go.mod replacement: as the go command compares it, and as go.work would write it."""

    key: tuple[str, str]  # absolute directory (or module path) and version: loading compares it
    raw: tuple[str, str]  # as written in the go.mod: the version lookup compares it
    path: str  # a relative directory made relative to the go.work's directory
    version: str
    gomod: str  # ./a/go.mod: where it is written

    @property
    def shown(self) -> str:
        return f"{self.path} {self.version}".strip()


def _target(rep: Replace, used: _Used, base: Path) -> _Target:
    gomod = directory_path(used.directory, base) + "/go.mod"
    raw = (rep.new_path, rep.new_version)
    if rep.is_directory and not Path(rep.new_path).is_absolute():
        directory = resolve_directory(used.directory, rep.new_path)
        return _Target((str(directory), ""), raw, directory_path(directory, base), "", gomod)
    return _Target(raw, raw, rep.new_path, rep.new_version, gomod)


def _conflicting_replaces(
    model: ModFile, base: Path, used: list[_Used], edits: GoEdits
) -> Iterator[Problem]:
    """Loading (modload's MainModules): no go.work replace of the path at any version, and two
    used modules replace one path@version with different targets (each relative directory
    joined to its go.mod's directory). Version lookup (modload.replacementFrom) for a required
    version that go.work does not replace: the modules are asked in `use` order, and one whose
    version-specific replace differs from an earlier module's replacement fails the lookup."""
    in_work = {rep.old_path for rep in model.replaces}
    found: dict[tuple[str, str], list[tuple[_Used, _Target]]] = {}
    for u in used:
        mine: dict[tuple[str, str], _Target] = {}
        for rep in u.model.replaces:
            if rep.old_path not in in_work:
                mine[(rep.old_path, rep.old_version)] = _target(rep, u, base)
        for key, target in mine.items():
            found.setdefault(key, []).append((u, target))
    failed: set[str] = set()
    for (path, version), entries in found.items():
        first = entries[0][1]
        clash = next((u for u, t in entries if t.key != first.key), None)
        if clash is None:
            continue
        failed.add(path)
        name = f"{path}@{version}" if version else path
        message = "\n".join(
            [
                f"conflicting replacements for {name}:",
                *(f"\t{t.shown} ({t.gomod})" for _, t in entries),
                f'use "go work edit -replace {name}=[override]" to resolve',
            ]
        )
        fixes = _pick_fixes(edits, path, version, [t for _, t in entries])
        yield Problem(
            clash.use.token.span, Severity.ERROR, "conflicting-workspace-replace", message, fixes
        )
    yield from _lookup_conflicts(model, base, used, edits, failed)


def _lookup_conflicts(
    model: ModFile, base: Path, used: list[_Used], edits: GoEdits, failed: set[str]
) -> Iterator[Problem]:
    work = {(rep.old_path, rep.old_version) for rep in model.replaces}
    modules = {u.model.module.path for u in used if u.model.module is not None}
    required: dict[str, str] = {}  # the highest version a used module requires
    for u in used:
        for req in u.model.requires:
            known = required.get(req.path)
            if req.valid and (known is None or semver.compare(req.version, known) > 0):
                required[req.path] = req.version
    for path, version in required.items():
        if path in failed or path in modules or {(path, version), (path, "")} & work:
            continue
        hits: list[tuple[_Used, str, _Target]] = []
        for u in used:
            hit = _replacement(u.model, path, version)
            if hit is not None:
                hits.append((u, hit.old_version, _target(hit, u, base)))
        for (_, _, before), (u, from_version, target) in itertools.pairwise(hits):
            # replacementFrom compares with the latest replacement found, and its
            # `foundFrom` stays "": only a version-specific replace can clash.
            if from_version and target.raw != before.raw:
                message = (
                    f"conflicting replacements found for {path}@{version} in workspace modules "
                    f"defined by {before.gomod} and {target.gomod}:\n"
                    f"\t{before.shown} ({before.gomod})\n\t{target.shown} ({target.gomod})"
                )
                fixes = _pick_fixes(edits, path, version, [before, target])
                yield Problem(
                    u.use.token.span,
                    Severity.ERROR,
                    "conflicting-workspace-replace",
                    message,
                    fixes,
                )
                break


def _replacement(model: ModFile, path: str, version: str) -> Replace | None:
    """modload.replacement: the replace of path@version, else of every version of path."""
    exact = wildcard = None
    for rep in model.replaces:
        if rep.old_path == path and rep.old_version == version:
            exact = rep
        elif rep.old_path == path and not rep.old_version:
            wildcard = rep
    return exact or wildcard


def _pick_fixes(edits: GoEdits, path: str, version: str, targets: list[_Target]) -> tuple[Fix, ...]:
    """One fix per distinct target: a go.work replace choosing it (`go work edit -replace`)."""
    name = f"{path}@{version}" if version else path
    old = auto_quote(path) + (f" {version}" if version else "")
    fixes: list[Fix] = []
    seen: set[tuple[str, str]] = set()
    for target in targets:
        if target.key in seen:
            continue
        seen.add(target.key)
        new = auto_quote(target.path) + (f" {target.version}" if target.version else "")
        raw = [edits.append_line(f"replace {old} => {new}")]
        title = f"Replace {name} with {target.shown} in go.work"
        fixes.append(Fix(title, edits.finish(raw)))
    return tuple(fixes)


def _replaced_workspace_modules(
    model: ModFile, used: list[_Used], edits: GoEdits
) -> Iterator[Problem]:
    modules = {u.model.module.path for u in used if u.model.module is not None}
    for rep in model.replaces:
        if rep.old_version or rep.old_path not in modules:
            continue
        message = (
            f"workspace module {rep.old_path} is replaced at all versions in the go.work file. "
            "To fix, remove the replacement from the go.work file or specify the version at "
            "which to replace the module."
        )
        fix = edits.remove_fix(rep.line, "Remove this replace")
        yield Problem(
            rep.old_path_token.span,
            Severity.ERROR,
            "work-replaces-workspace-module",
            message,
            (fix,),
        )


def overridden_replaces(
    model: ModFile, module_dir: Path, gowork_model: ModFile, gowork: Path
) -> list[Problem]:
    """The replaces of a go.mod that the go.work using its module overrides: for a module
    version, a go.work replace of that version or of every version wins over the go.mod's
    (modload.replacementFrom asks the go.work first)."""
    if not model.replaces or not gowork_model.replaces:
        return []
    base = absolute(gowork).parent
    if not any(
        same_directory(resolve_directory(base, use.path), module_dir) for use in gowork_model.uses
    ):
        return []
    work: dict[tuple[str, str], Replace] = {}
    for rep in gowork_model.replaces:
        work[(rep.old_path, rep.old_version)] = rep  # the last one wins, as in go
    out: list[Problem] = []
    for rep in model.replaces:
        winner = work.get((rep.old_path, "")) or work.get((rep.old_path, rep.old_version))
        if winner is not None:
            what = "this replace"
        elif not rep.old_version:
            versions = [w for (path, w) in work if path == rep.old_path]
            if not versions:
                continue
            winner = work[(rep.old_path, versions[0])]
            what = f"this replace for {rep.old_path} " + ", ".join(versions)
        else:
            continue
        old = f"{winner.old_path} {winner.old_version}".strip()
        new = f"{winner.new_path} {winner.new_version}".strip()
        message = f"go.work replaces {old} => {new}: in this workspace it wins over {what}"
        span = rep.old_path_token.span
        out.append(Problem(span, Severity.INFORMATION, "replace-overridden-by-work", message))
    return out
