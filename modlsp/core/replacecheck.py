"""Disk-aware checks of a go.mod's replace directives, and the edits of two replace actions.

What the go command does with a replace (go 1.27, cmd/go/internal/modload), and so what each
problem claims:

* A directory replacement is read when the replaced module is in the module graph: a missing
  directory, a file, or a directory without go.mod fails every command
  (`example.com/x@v1.0.0 (replaced by ../x): reading ../x/go.mod: open ...: no such file or
  directory`; `go build`: `replacement directory ../x does not exist`). A replace of a module
  this go.mod does not require fails only once the module is needed: a warning then.
* The module line of a replacement directory is not checked ("anything goes" in
  modload.goModSummary): the directory is built under the replaced path, so its packages'
  imports of its own declared path do not resolve to it. A warning, not an error.
* `replace x v1.2.0 => ...` applies to x@v1.2.0 only; another required version is not replaced.
* The main module is never replaced ("Don't replace the workspace version of the main
  module", modload.replacementFrom); a directory replacement may point back at the module's
  own directory, which then builds the same source under two module paths.
* Replacements apply only in the main module: a module that requires this one ignores them.

Fix edits follow the go command's own editing (`go mod edit`, x/mod's Cleanup): removing a line
drops the comments above it, removing a block's last line drops the block, a block left with
one line becomes a single line. On a file already formatted as `go mod edit -fmt` prints it,
the result is formatted the same way; on an unformatted file only the lines concerned change.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from modlsp.core import semver
from modlsp.core.goedits import GoEdits, directory_path, resolve_directory, same_directory
from modlsp.core.gostring import auto_quote
from modlsp.core.localmodules import absolute, module_path
from modlsp.core.modfile import FileKind, ModFile, Replace
from modlsp.core.problems import Edit, Fix, Problem, Severity
from modlsp.core.text import Span

# ---------------------------------------------------------------------------------------------
# Problems.


def replace_problems(
    model: ModFile,
    module_dir: Path,
    local: Mapping[str, Sequence[Path]],
    *,
    published: bool = False,
) -> list[Problem]:
    """Problems of the replace directives of a go.mod in `module_dir` that need the disk.
    `local`: module path -> directories holding that module (localmodules.modules_beside),
    offered as new targets. `published`: the module is required by others, where its
    replaces do not apply."""
    if model.kind is not FileKind.GOMOD or not model.replaces:
        return []
    checker = _Checker(model, absolute(module_dir), local)
    out: list[Problem] = []
    for rep in model.replaces:
        if published:
            out.append(checker.published(rep))
        out.extend(checker.check(rep))
    return out


class _Checker:
    def __init__(
        self, model: ModFile, module_dir: Path, local: Mapping[str, Sequence[Path]]
    ) -> None:
        self.model = model
        self.module_dir = module_dir
        self.local = local
        self.edits = GoEdits(model)
        self.main = model.module.path if model.module is not None else None
        self.required: dict[str, str] = {}
        for req in model.requires:
            if req.valid:
                known = self.required.get(req.path)
                if known is None or semver.compare(req.version, known) > 0:
                    self.required[req.path] = req.version
        self.replaced = {(r.old_path, r.old_version) for r in model.replaces}

    def published(self, rep: Replace) -> Problem:
        main = self.main or "this module"
        message = (
            f"replace directives apply only when {main} is the main module: "
            f"modules that require {main} ignore this replacement of {rep.old_path}"
        )
        return Problem(
            rep.old_path_token.span, Severity.INFORMATION, "replace-ignored-by-consumers", message
        )

    def check(self, rep: Replace) -> Iterator[Problem]:
        if rep.old_path == self.main and not rep.old_version:
            message = (
                f"{rep.old_path} is the main module, which the go command never replaces: "
                "this replace has no effect on it (it applies only to other versions of "
                f"{rep.old_path} that dependencies require)"
            )
            fix = self.edits.remove_fix(rep.line, "Remove this replace")
            yield Problem(
                rep.old_path_token.span, Severity.WARNING, "self-replace", message, (fix,)
            )
            return
        if rep.is_directory:
            yield from self.directory(rep)
        if rep.old_version:
            yield from self.version(rep)

    def applies(self, rep: Replace) -> bool:
        """The replace reaches a version this go.mod requires."""
        required = self.required.get(rep.old_path)
        return required is not None and rep.old_version in ("", required)

    def directory(self, rep: Replace) -> Iterator[Problem]:
        target = resolve_directory(self.module_dir, rep.new_path)
        trouble = _directory_trouble(target)
        if trouble:
            message = f"replacement directory {rep.new_path} {trouble}"
            severity = Severity.ERROR
            if not self.applies(rep):
                severity = Severity.WARNING
                message += f" (the go command fails once it needs {rep.old_path})"
            fixes = (*self.pointers(rep, target), self.remove(rep))
            yield Problem(rep.new_path_token.span, severity, "replace-directory", message, fixes)
            return
        if same_directory(target, self.module_dir):
            message = (
                f"replacement directory {rep.new_path} is this module's own directory: "
                f"the go command builds its packages a second time as {rep.old_path}"
            )
            fixes = (*self.pointers(rep, target), self.remove(rep))
            yield Problem(rep.new_path_token.span, Severity.WARNING, "self-replace", message, fixes)
            return
        declared = module_path(target)
        if declared is not None and declared != rep.old_path:
            message = (
                f"replacement directory {rep.new_path} declares its path as {declared}, "
                f"not {rep.old_path}: the go command builds it as {rep.old_path}, "
                f"and its imports of {declared} packages do not resolve to it"
            )
            fixes = (*self.pointers(rep, target), self.remove(rep))
            yield Problem(
                rep.new_path_token.span, Severity.WARNING, "replace-module-path", message, fixes
            )

    def pointers(self, rep: Replace, current: Path) -> list[Fix]:
        """ "Point the replace at ../x" for every local copy of the replaced module."""
        candidates = [
            directory
            for directory in self.local.get(rep.old_path, ())
            if not same_directory(directory, self.module_dir)
            and not same_directory(directory, current)
        ]
        fixes: list[Fix] = []
        for directory in candidates:
            rel = directory_path(directory, self.module_dir)
            change = {rep.new_path_token.start: auto_quote(rel)}
            title = f"Point the replace at {rel}"
            fixes.append(
                self.edits.token_fix(title, rep.line, change, preferred=len(candidates) == 1)
            )
        return fixes

    def remove(self, rep: Replace) -> Fix:
        return self.edits.remove_fix(rep.line, "Remove this replace")

    def version(self, rep: Replace) -> Iterator[Problem]:
        required = self.required.get(rep.old_path)
        token = rep.old_version_token
        if required is None or required == rep.old_version or token is None:
            return
        message = (
            f"this replace applies only to {rep.old_path} {rep.old_version}, "
            f"but {rep.old_path} {required} is required: it has no effect on the required version"
        )
        fixes: list[Fix] = []
        if (rep.old_path, required) not in self.replaced:
            title = f"Replace the required version {required} instead"
            fixes.append(self.edits.token_fix(title, rep.line, {token.start: required}))
        if (rep.old_path, "") not in self.replaced:
            fixes.append(
                self.edits.token_fix("Replace every version", rep.line, {token.start: None})
            )
        yield Problem(
            token.span, Severity.WARNING, "replace-version-mismatch", message, tuple(fixes)
        )


def _directory_trouble(target: Path) -> str:
    """What keeps the go command from reading target/go.mod, "" when nothing does."""
    try:
        if not target.exists():
            return "does not exist"
        if not target.is_dir():
            return "is not a directory"
        if not (target / "go.mod").is_file():
            return "has no go.mod file"
    except OSError as err:
        return f"cannot be read: {err.strerror or err}"
    return ""


# ---------------------------------------------------------------------------------------------
# Actions.


def use_local_copy(
    model: ModFile, module_dir: Path, require_path: str, directory: Path
) -> list[Edit]:
    """The edits of `go mod edit -replace=<require_path>=<directory relative to module_dir>`:
    the first replace of the path (any version) takes the new target and loses its version,
    the others of the path go; without one, a `replace` line is added at the end of the file.
    The result is the go command's output (formatted), as after `go mod edit`."""
    rel = directory_path(absolute(directory), absolute(module_dir))
    plan = GoEdits(model)
    same = [rep for rep in model.replaces if rep.old_path == require_path]
    if not same:
        line = f"replace {auto_quote(require_path)} => {auto_quote(rel)}"
        return list(plan.finish([plan.append_line(line)], reformat=True))
    first = same[0]
    end = (first.new_version_token or first.new_path_token).end
    update = Edit(
        Span(first.old_path_token.start, end),
        f"{auto_quote(require_path)} => {auto_quote(rel)}",
    )
    raw = [update, *plan.removal(rep.line for rep in same[1:] if rep.line is not first.line)]
    return list(plan.finish(raw, reformat=True))


def remove_local_replaces(model: ModFile) -> list[Edit]:
    """The edits of `go mod edit -dropreplace` for every directory replacement."""
    plan = GoEdits(model)
    raw = plan.removal(rep.line for rep in model.replaces if rep.is_directory)
    return list(plan.finish(raw, reformat=True))
