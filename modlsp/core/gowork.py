"""The go.work that governs a module (the nearest one in its directory or above, as the go
command finds it when GOWORK is unset) and the modules it uses: in workspace mode their
packages build without any requirement."""

from __future__ import annotations

from pathlib import Path

from modlsp.core.files import read_head
from modlsp.core.modfile import FileKind
from modlsp.core.reader import read


def find_gowork(module_dir: Path) -> Path | None:
    for directory in (module_dir, *module_dir.parents):
        candidate = directory / "go.work"
        if candidate.is_file():
            return candidate
    return None


def used_modules(gowork: Path) -> dict[str, Path]:
    """Module path -> directory of every `use` whose directory holds a go.mod."""
    data = read_head(gowork)
    if data is None:
        return {}
    out: dict[str, Path] = {}
    for use in read(data, FileKind.GOWORK, str(gowork)).uses:
        directory = (gowork.parent / use.path).resolve()
        gomod = read_head(directory / "go.mod")
        if gomod is None:
            continue
        model = read(gomod, FileKind.GOMOD, str(directory / "go.mod"))
        if model.module is not None:
            out[model.module.path] = directory
    return out


def workspace_modules(module_dir: Path) -> dict[str, Path]:
    """The modules of the go.work governing `module_dir` (none outside a workspace)."""
    gowork = find_gowork(module_dir)
    return used_modules(gowork) if gowork is not None else {}
