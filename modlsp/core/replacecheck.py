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

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from modlsp.core import semver
from modlsp.core.edits import minimal_edits
from modlsp.core.formatter import format_model, format_source
from modlsp.core.gostring import auto_quote
from modlsp.core.lexer import Token
from modlsp.core.localmodules import absolute, module_path
from modlsp.core.modfile import FileKind, ModFile, Replace
from modlsp.core.problems import Edit, Fix, Problem, Severity, apply_edits
from modlsp.core.syntax import Block, Line
from modlsp.core.text import Span

# ---------------------------------------------------------------------------------------------
# Paths and edits shared with workcheck.


def resolve_directory(base: Path, path: str) -> Path:
    """A replacement or `use` directory as the go command finds it: filepath.Join(base, path)
    (cleaned, symbolic links kept); an absolute path stays as it is."""
    return Path(os.path.normpath(base / path))


def directory_path(target: Path, base: Path) -> str:
    """`target` written relative to `base` the way people write replace and use directories:
    forward slashes, a leading `./` or `../` (x/mod's IsDirectoryPath, Go's ToDirectoryPath)."""
    try:
        rel = os.path.relpath(target, base)
    except ValueError:  # another drive (Windows): only an absolute path reaches it
        return Path(target).as_posix()
    rel = rel.replace(os.sep, "/")
    if rel in (".", "..") or rel.startswith("../"):
        return rel
    return "./" + rel


def same_directory(a: Path, b: Path) -> bool:
    try:
        return Path(a).samefile(b)
    except OSError:
        return os.path.normcase(absolute(a)) == os.path.normcase(absolute(b))


class GoEdits:
    """Plans edits to one go.mod / go.work the way the go command's `edit` commands leave it.

    Formatting the whole file after an edit costs a few milliseconds for a large go.mod, and a
    judgement may carry dozens of fixes: edits known to keep a formatted file formatted (a
    token changed without moving its line in the block's order, lines removed without leaving
    a one-line block) skip it."""

    def __init__(self, model: ModFile) -> None:
        self.model = model
        self._canonical: bool | None = None
        self._blocks: dict[int, Block] | None = None

    @property
    def canonical(self) -> bool:
        """The file is byte for byte what `go mod edit -fmt` prints."""
        if self._canonical is None:
            self._canonical = format_model(self.model) == self.model.syntax.data
        return self._canonical

    def block_of(self, line: Line) -> Block | None:
        if self._blocks is None:
            self._blocks = {
                id(inner): stmt
                for stmt in self.model.syntax.stmts
                if isinstance(stmt, Block)
                for inner in stmt.lines
            }
        return self._blocks.get(id(line))

    def finish(
        self, raw: Sequence[Edit], *, reformat: bool = False, keeps_format: bool = False
    ) -> tuple[Edit, ...]:
        """The raw edits, completed as the go command would print the result (blocks sorted,
        one-line blocks collapsed, blank lines normalized) when the file was formatted before
        (unless the edits are known to keep it so) or `reformat` asks for the go command's
        output whatever the file looked like."""
        if not raw:
            return ()
        data = self.model.syntax.data
        if reformat or (not keeps_format and self.canonical):
            after = apply_edits(data, list(raw))
            formatted = format_source(after, self.model.kind, self.model.syntax.name)
            if formatted is not None:
                return tuple(minimal_edits(data, formatted))
        return tuple(raw)

    def token_fix(
        self, title: str, line: Line, changes: Mapping[int, str | None], *, preferred: bool = False
    ) -> Fix:
        """A fix changing tokens of one line (token start -> new text, None: delete it)."""
        raw: list[Edit] = []
        texts: list[str] = []
        for i, token in enumerate(line.tokens):
            if token.start not in changes:
                texts.append(token.text)
                continue
            new = changes[token.start]
            if new is None:
                start = line.tokens[i - 1].end if i else token.start
                raw.append(Edit(Span(start, token.end), ""))
            else:
                raw.append(Edit(token.span, new))
                texts.append(new)
        return Fix(title, self.finish(raw, keeps_format=self._in_order(line, texts)), preferred)

    def _in_order(self, line: Line, texts: list[str]) -> bool:
        """The line, with these tokens, keeps its place in its block's sorted order."""
        block = self.block_of(line)
        if block is None:
            return True
        if [t.text for t in block.verb] not in (["replace"], ["use"]):
            return False  # blocks with an order of their own (exclude, retract)
        key = _sort_key(texts)
        at = block.lines.index(line)
        before = block.lines[at - 1] if at else None
        after = block.lines[at + 1] if at + 1 < len(block.lines) else None
        return (before is None or _sort_key(before.texts) <= key) and (
            after is None or key <= _sort_key(after.texts)
        )

    def removal(self, lines: Iterable[Line]) -> list[Edit]:
        """Raw edits deleting directive lines like x/mod's markRemoved + Cleanup: each line
        with its comments (before and suffix); a block that loses every line goes whole."""
        wanted = {id(line) for line in lines}
        edits: list[Edit] = []
        for stmt in self.model.syntax.stmts:
            if isinstance(stmt, Line):
                if id(stmt) in wanted:
                    edits.append(self._delete(stmt.comments.before, stmt.start, _line_end(stmt)))
            elif isinstance(stmt, Block):
                gone = [line for line in stmt.lines if id(line) in wanted]
                if gone and len(gone) == len(stmt.lines) and stmt.rparen is not None:
                    suffix = stmt.rparen_comments.suffix
                    end = suffix[-1].end if suffix else stmt.rparen.end
                    edits.append(self._delete(stmt.comments.before, stmt.start, end))
                    continue
                for line in gone:
                    edits.append(self._delete(line.comments.before, line.start, _line_end(line)))
        return edits

    def remove_fix(self, line: Line, title: str, *, preferred: bool = False) -> Fix:
        """A fix removing one line: formatting is needed only when its block is left with one
        line, which the go command turns into a single line."""
        block = self.block_of(line)
        collapses = block is not None and len(block.lines) == 2 and not block.rparen_comments.before
        raw = self.removal([line])
        return Fix(title, self.finish(raw, keeps_format=not collapses), preferred)

    def append_line(self, text: str) -> Edit:
        """A raw edit adding a top-level line at the end of the file (x/mod's addLine when no
        statement of the kind is found: `go mod edit -replace` of a path not yet replaced)."""
        data = self.model.syntax.data
        prefix = "\n" if data and not data.endswith(b"\n") else ""
        if data.strip():
            prefix += "\n"
        return Edit(Span(len(data), len(data)), prefix + text + "\n")

    def _delete(self, before: list[Token], start: int, end: int) -> Edit:
        """Whole lines from the first comment before to the end; a blank line that would be
        left next to another blank line (or at the end of the file) goes too."""
        index = self.model.syntax.lines
        first = index.line_of(before[0].start if before else start)
        last = index.line_of(end)
        data = self.model.syntax.data
        count = index.line_count - data.endswith(b"\n")  # no line after a final newline

        def blank(line: int) -> bool:
            if line < 0 or line >= count:
                return False
            return not data[index.line_start(line) : index.line_end(line)].strip()

        def line_start(line: int) -> int:
            return index.line_start(line) if line < index.line_count else len(data)

        if blank(last + 1) and (first == 0 or blank(first - 1)):
            last += 1
        elif blank(first - 1) and all(blank(n) for n in range(last + 1, count)):
            first -= 1
        return Edit(Span(line_start(first), line_start(last + 1)), "")


def _sort_key(texts: list[str]) -> list[bytes]:
    """The formatter's order of block lines: token by token, as Go compares strings."""
    return [t.encode("utf-8", "surrogateescape") for t in texts]


def _line_end(line: Line) -> int:
    return line.comments.suffix[-1].end if line.comments.suffix else line.end


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
