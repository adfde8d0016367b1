"""The modules on disk next to a module: where a `replace` could point instead.

A module's siblings (`module_dir.parent/*/go.mod`, one level) plus the modules the caller
knows of (the go.work's, the workspace folder's). It runs on each re-judgement, so every
go.mod read is cached by its stat signature and the sibling listing by its directory's:
an unchanged tree costs one stat per sibling.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TypeVar

from modlsp.core.files import read_head
from modlsp.core.modfile import FileKind, ModFile
from modlsp.core.reader import read

# Directory entries looked at in one parent directory (a home directory can hold thousands).
MAX_ENTRIES = 1000
# go.mod files and directory listings kept; the oldest half is dropped when full.
_CACHE_SIZE = 4096

# A change within the file system's timestamp granularity of the last read keeps the
# signature; like git's "racy" entries, anything modified this recently is read again.
_RACY_NS = 2_000_000_000

_Signature = tuple[int, int, int]  # (mtime_ns, size, inode)
_V = TypeVar("_V")

_lock = threading.Lock()
_gomods: dict[Path, tuple[_Signature, ModFile | None]] = {}
_listings: dict[Path, tuple[_Signature, tuple[str, ...]]] = {}


def modules_beside(
    module_dir: Path, extra: Mapping[str, Path] | None = None
) -> dict[str, list[Path]]:
    """Module path -> the directories holding a go.mod with that module line, among
    `module_dir`'s siblings (module_dir included) and the `extra` modules, each sorted."""
    found: dict[str, list[Path]] = {}
    seen: set[Path] = set()

    def add(path: str, directory: Path) -> None:
        directory = absolute(directory)
        if directory not in seen:
            seen.add(directory)
            found.setdefault(path, []).append(directory)

    parent = absolute(module_dir).parent
    for name in _sibling_names(parent):
        path = module_path(parent / name)
        if path:
            add(path, parent / name)
    for path, directory in (extra or {}).items():
        add(path, directory)
    return {path: sorted(dirs) for path, dirs in found.items()}


def read_gomod(directory: Path) -> ModFile | None:
    """The model of `directory/go.mod`, None when it has none; cached by stat signature.
    The model is shared between callers: read it, never change it."""
    gomod = absolute(directory) / "go.mod"
    signature = _signature(gomod, want_dir=False)
    if signature is None:
        return None
    cached = _gomods.get(gomod)
    if cached is not None and cached[0] == signature:
        return cached[1]
    data = read_head(gomod)
    model = None if data is None else read(data, FileKind.GOMOD, str(gomod))
    _store(_gomods, gomod, (signature, model))
    return model


def module_path(directory: Path) -> str | None:
    """The module path `directory/go.mod` declares (None without a go.mod or module line)."""
    model = read_gomod(directory)
    if model is None or model.module is None:
        return None
    return model.module.path


def absolute(path: Path) -> Path:
    """An absolute, cleaned path, symbolic links kept (Go's filepath.Abs)."""
    return Path(os.path.normpath(Path(path).absolute()))


def _sibling_names(parent: Path) -> tuple[str, ...]:
    signature = _signature(parent, want_dir=True)
    if signature is None:
        return ()
    cached = _listings.get(parent)
    if cached is not None and cached[0] == signature:
        return cached[1]
    names: list[str] = []
    try:
        with os.scandir(parent) as entries:
            for count, entry in enumerate(entries):
                if count >= MAX_ENTRIES:
                    break
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir():
                        names.append(entry.name)
                except OSError:
                    continue
    except OSError:
        return ()
    listing = tuple(sorted(names))
    _store(_listings, parent, (signature, listing))
    return listing


def _signature(path: Path, *, want_dir: bool) -> _Signature | None:
    try:
        st = path.stat()
    except (OSError, ValueError):
        return None
    if stat.S_ISDIR(st.st_mode) != want_dir:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def _store(
    cache: dict[Path, tuple[_Signature, _V]], key: Path, value: tuple[_Signature, _V]
) -> None:
    if time.time_ns() - value[0][0] < _RACY_NS:
        return
    with _lock:
        if len(cache) >= _CACHE_SIZE:
            for old in list(cache)[: _CACHE_SIZE // 2]:
                del cache[old]
        cache[key] = value
