"""The module-wide half of the command line: the requirement checks `modlsp check` adds for a
module's go.mod and Go files, and `modlsp tidy`."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from modlsp.core import modcache
from modlsp.core.edits import unified_diff
from modlsp.core.gowork import workspace_modules
from modlsp.core.index import ModuleIndex
from modlsp.core.loader import DirectoryReader
from modlsp.core.modcache import ModuleCache
from modlsp.core.project import Judgement, judge
from modlsp.core.tidycheck import tidied
from modlsp.core.workspace import Module, discover

EXIT_OK, EXIT_CHANGES, EXIT_USAGE = 0, 1, 2


@functools.cache
def module_cache() -> ModuleCache | None:
    """The user's module cache (asks `go env` once when GOMODCACHE is not set)."""
    root = modcache.locate()
    return ModuleCache(root) if root is not None and root.is_dir() else None


_READER = DirectoryReader()


def judge_module(module: Module, gomod_data: bytes, *, published: bool = False) -> Judgement:
    index = ModuleIndex.scan_disk(module)
    workspace = workspace_modules(module.dir)
    return judge(
        index, gomod_data, module_cache(), _READER, workspace=workspace, published=published
    )


def module_of_gomod(gomod: Path) -> Module | None:
    """The module a go.mod file roots, with its packages."""
    layout = discover(gomod.parent)
    return layout.modules[0] if layout.modules else None


def tidy_command(target: str, *, write: bool, diff: bool) -> int:
    path = Path(target)
    gomod = path if path.name == "go.mod" and not path.is_dir() else path / "go.mod"
    try:
        data = gomod.read_bytes()
    except OSError as err:
        print(
            f"modlsp: {gomod}: cannot read: {err.strerror or err} "
            "(modlsp tidy works on a module's root directory)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    module = module_of_gomod(gomod)
    if module is None:
        print(f"modlsp: {gomod.parent}: no module here", file=sys.stderr)
        return EXIT_USAGE
    judgement = judge_module(module, data)
    if judgement.plan is None:
        print(f"modlsp: {gomod}: fix the go.mod's errors first (modlsp check)", file=sys.stderr)
        return EXIT_CHANGES
    for problem in judgement.gomod_problems:
        if problem.code == "tidy-incomplete":
            print(f"modlsp: {gomod}: {problem.message}", file=sys.stderr)
    after = tidied(judgement.model, judgement.plan)
    return emit_gomod(gomod, data, after, write=write, diff=diff)


def emit_gomod(gomod: Path, before: bytes, after: bytes, *, write: bool, diff: bool) -> int:
    """A go.mod a command changed: a diff (exit 1 when not empty, like `go mod tidy -diff`),
    written in place, or printed."""
    if diff:
        sys.stdout.writelines(unified_diff(str(gomod), before, after))
        return EXIT_CHANGES if after != before else EXIT_OK
    if write:
        if after != before:
            try:
                gomod.write_bytes(after)
            except OSError as err:
                print(f"modlsp: {gomod}: cannot write: {err.strerror or err}", file=sys.stderr)
                return EXIT_USAGE
        return EXIT_OK
    sys.stdout.buffer.write(after)
    sys.stdout.flush()
    return EXIT_OK
