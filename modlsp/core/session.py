"""The workspace as the server sees it: every module under the workspace folders with its
scanned Go files, the editor's open documents layered over the disk, and each module's
judgement computed on demand and kept until something it depends on changes.

Scanning a folder (`scan_folder`) touches only new objects, so the server runs it off the
event loop and installs the result (`install`) on it; everything else is called from the
loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from modlsp.core.files import read_head
from modlsp.core.gowork import workspace_modules
from modlsp.core.index import ModuleIndex
from modlsp.core.loader import DirectoryReader
from modlsp.core.modcache import ModuleCache
from modlsp.core.project import Judgement, judge
from modlsp.core.workspace import discover

_SKIPPED_DIRS = frozenset({"testdata", "vendor"})


@dataclass(slots=True, eq=False)
class ModuleState:
    index: ModuleIndex
    judgement: Judgement | None = None  # None: to be computed
    # The modules of the go.work governing this one (read at each scan of its folder).
    workspace: dict[str, Path] = field(default_factory=dict)

    @property
    def dir(self) -> Path:
        return self.index.module.dir

    @property
    def gomod(self) -> Path:
        return self.index.module.gomod


@dataclass(slots=True)
class Scan:
    """A folder's modules, scanned from disk."""

    folder: Path
    indexes: list[ModuleIndex]
    workspaces: dict[Path, dict[str, Path]]  # module dir -> its go.work's modules


def scan_folder(folder: Path) -> Scan:
    layout = discover(folder)
    indexes = [ModuleIndex.scan_disk(m) for m in layout.modules]
    workspaces = {m.dir: workspace_modules(m.dir) for m in layout.modules}
    return Scan(layout.root, indexes, workspaces)


def rescan_module(directory: Path) -> ModuleIndex | None:
    """The module rooted at `directory` read from disk again (new and deleted files too)."""
    layout = discover(directory)
    found = [m for m in layout.modules if m.dir == layout.root]
    return ModuleIndex.scan_disk(found[0]) if found else None


@dataclass(slots=True)
class Session:
    cache: ModuleCache | None
    reader: DirectoryReader = field(default_factory=DirectoryReader)
    folders: list[Path] = field(default_factory=list)
    modules: dict[Path, ModuleState] = field(default_factory=dict)  # by module directory
    open_go: dict[Path, bytes] = field(default_factory=dict)
    open_gomod: dict[Path, bytes] = field(default_factory=dict)
    published: bool = False  # the modules are meant for others (the `published` setting)

    def covers(self, path: Path) -> bool:
        return any(path.is_relative_to(folder) for folder in self.folders)

    def claim(self, folder: Path) -> None:
        """A folder about to be scanned: documents in it wait for that scan, none of their
        own."""
        if folder not in self.folders:
            self.folders.append(folder)

    def install(self, scan: Scan) -> list[ModuleState]:
        """Adopt a folder's scan; open documents win over what was read from disk."""
        self.claim(scan.folder)
        for directory in [d for d in self.modules if d.is_relative_to(scan.folder)]:
            del self.modules[directory]
        installed = []
        for index in scan.indexes:
            state = ModuleState(index, workspace=scan.workspaces.get(index.module.dir, {}))
            self.modules[index.module.dir] = state
            installed.append(state)
        for path, data in self.open_go.items():
            owner = self.module_of(path)
            if owner is not None and owner in installed and _is_package_file(owner, path):
                owner.index.update(path, data)
        return installed

    def reindex(self, state: ModuleState, index: ModuleIndex) -> None:
        """A module's files read from disk again; open documents win."""
        state.index = index
        for path, data in self.open_go.items():
            if self.module_of(path) is state and _is_package_file(state, path):
                index.update(path, data)
        state.judgement = None

    def remove_folder(self, folder: Path) -> None:
        if folder in self.folders:
            self.folders.remove(folder)
        for directory in [d for d in self.modules if d.is_relative_to(folder)]:
            if not self.covers(directory):
                del self.modules[directory]

    def module_of(self, path: Path) -> ModuleState | None:
        """The innermost module whose tree holds `path`."""
        for directory in (path.parent, *path.parent.parents):
            state = self.modules.get(directory)
            if state is not None:
                return state
        return None

    def set_go_file(self, path: Path, data: bytes | None, is_open: bool) -> ModuleState | None:
        """A Go file's content changed: `data` from the editor (open), or None to re-read it
        from disk (closed, saved, or changed on disk). Returns the module it belongs to."""
        if is_open and data is not None:
            self.open_go[path] = data
        else:
            self.open_go.pop(path, None)
            if data is None:
                data = read_head(path) if path.is_file() else None
        state = self.module_of(path)
        if state is None or not _is_package_file(state, path):
            return None
        state.index.update(path, data)
        state.judgement = None
        return state

    def set_gomod(self, path: Path, data: bytes | None) -> ModuleState | None:
        """The editor's content of a go.mod (None: closed, the disk's counts again)."""
        if data is None:
            self.open_gomod.pop(path, None)
        else:
            self.open_gomod[path] = data
        state = self.modules.get(path.parent)
        if state is not None:
            state.judgement = None
        return state

    def invalidate_all(self) -> None:
        """Something every judgement may depend on changed (the module cache, a replacement
        directory)."""
        self.reader = DirectoryReader()
        for state in self.modules.values():
            state.judgement = None

    def judge(self, state: ModuleState) -> Judgement | None:
        if state.judgement is None:
            data = self.open_gomod.get(state.gomod)
            if data is None:
                data = read_head(state.gomod)
            if data is None:
                return None
            state.judgement = judge(
                state.index,
                data,
                self.cache,
                self.reader,
                workspace=state.workspace,
                published=self.published,
            )
        return state.judgement


def _is_package_file(state: ModuleState, path: Path) -> bool:
    """A Go file the go command would build as part of this module (not in testdata/,
    vendor/, or a directory or file starting with `.` or `_`)."""
    if path.suffix != ".go":
        return False
    try:
        parts = path.relative_to(state.dir).parts
    except ValueError:
        return False
    return not any(p.startswith((".", "_")) or p in _SKIPPED_DIRS for p in parts)
