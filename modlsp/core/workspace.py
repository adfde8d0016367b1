"""The modules of a directory tree and the Go files each one owns, found the way the go command
matches `./...` and `all`: a nested go.mod starts a module of its own; `testdata/`,
directories starting with `.` or `_`, symlinked directories, the module's `ignore` directories
and everything below a `vendor/` directory are skipped; so are Go files whose names start with
`.` or `_`.

Only names are read here (and each go.mod, for its module path and `ignore` lines); what the
Go files import is gosource's job.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from modlsp.core.files import read_head
from modlsp.core.modfile import FileKind
from modlsp.core.reader import read

_SKIPPED_DIRS = frozenset({"testdata"})


@dataclass(slots=True)
class Module:
    dir: Path
    path: str | None  # the module line's path; None when the go.mod has none
    # Package directory (relative to the module, "." for the root) -> its Go files' names.
    packages: dict[str, list[str]] = field(default_factory=dict)

    @property
    def gomod(self) -> Path:
        return self.dir / "go.mod"

    def import_path(self, package_dir: str) -> str | None:
        if self.path is None:
            return None
        return self.path if package_dir == "." else f"{self.path}/{package_dir}"

    def go_files(self) -> list[Path]:
        return [
            self.dir / package / name for package, names in self.packages.items() for name in names
        ]


@dataclass(slots=True)
class Layout:
    root: Path
    modules: list[Module]  # outermost first
    workspaces: list[Path]  # go.work files
    unowned: list[Path]  # Go files under no go.mod

    def module_of(self, file: Path) -> Module | None:
        """The module whose tree holds `file` (the innermost go.mod above it)."""
        best: Module | None = None
        for module in self.modules:
            if file.is_relative_to(module.dir) and (
                best is None or len(module.dir.parts) > len(best.dir.parts)
            ):
                best = module
        return best


def discover(root: Path) -> Layout:
    """Every module, go.work and Go file below `root` (which is itself never skipped)."""
    layout = Layout(root.resolve(), [], [], [])
    _walk(layout.root, None, (), layout)
    return layout


def _walk(
    directory: Path,
    module: Module | None,
    ignores: tuple[str, ...],
    out: Layout,
    descend: bool = True,
) -> None:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return  # unreadable: the go command would not see it either
    files = [entry.name for entry in entries if _is_file(entry)]  # sorted, as entries are
    if "go.mod" in files:  # a directory named go.mod is not a module
        module, ignores = _read_module(directory)
        out.modules.append(module)
    if "go.work" in files:
        out.workspaces.append(directory / "go.work")
    go_files = [n for n in files if n.endswith(".go") and not n.startswith((".", "_"))]
    if go_files:
        if module is None:
            out.unowned.extend(directory / name for name in go_files)
        else:
            relative = directory.relative_to(module.dir).as_posix()
            module.packages[relative] = go_files
    if not descend:
        return
    for entry in entries:
        if (
            entry.name in _SKIPPED_DIRS
            or entry.name.startswith((".", "_"))
            or not entry.is_dir(follow_symlinks=False)
        ):
            continue
        child = Path(entry.path)
        if module is not None and _ignored(child.relative_to(module.dir).as_posix(), ignores):
            continue
        # Like the go command's package walk: a vendor directory is a package itself when it
        # holds Go files, but nothing below it is.
        _walk(child, module, ignores, out, descend=entry.name != "vendor")


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _read_module(directory: Path) -> tuple[Module, tuple[str, ...]]:
    """The module rooted at `directory`, and its `ignore` directories."""
    data = read_head(directory / "go.mod")
    if data is None:
        return Module(directory, None), ()
    model = read(data, FileKind.GOMOD, "go.mod")
    path = model.module.path if model.module else None
    return Module(directory, path), tuple(stmt.path for stmt in model.ignores)


def _ignored(relative: str, rules: tuple[str, ...]) -> bool:
    """The `ignore` directive: `./dir` is relative to the module root; a bare `name` matches a
    directory of that path at any depth."""
    for rule in rules:
        if rule.startswith("./"):
            anchored = rule[2:].strip("/")
            if relative == anchored or relative.startswith(anchored + "/"):
                return True
            continue
        name = rule.strip("/")
        if name and (relative == name or relative.endswith("/" + name)):
            return True
    return False
