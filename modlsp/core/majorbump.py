"""Moving a module to a new major version, as the Go docs on publishing a v2+ module ask: the
`module` line gains (or changes) its `/vN` suffix (`.vN` for gopkg.in), every import of the
module's own packages in its Go files follows, `// import` comments and `tool` lines too, and
the other modules of the workspace that require, replace or import it get the matching change.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from modlsp.core.goedits import GoEdits
from modlsp.core.majorpath import bumped_path, current_major
from modlsp.core.modfile import ModFile
from modlsp.core.problems import Edit, Refusal
from modlsp.core.rename import (
    FileEdits,
    ModuleSnapshot,
    Progress,
    Reader,
    RenamePlan,
    file_edits,
    mover,
    path_edit,
    replace_edits,
    rewrite_go_files,
    tool_edits,
)


def plan_bump(
    main: ModuleSnapshot,
    others: Sequence[ModuleSnapshot],
    claimed: Collection[str],
    read: Reader,
    to: int | None = None,
    gowork: tuple[Path, bytes, ModFile] | None = None,
    progress: Progress | None = None,
) -> RenamePlan | Refusal:
    """The edits of a major-version bump of `main`. `others` are the workspace's other modules
    (those that use `main` get the matching change); `claimed` are module paths whose packages
    are not `main`'s even when they share its prefix (nested and workspace modules)."""
    model = main.model
    if model.module is None:
        return Refusal(f"{main.gomod_path}: no module line to bump")
    if model.has_errors:
        return Refusal(f"{main.gomod_path}: fix the go.mod's errors first")
    old = model.module.path
    new = bumped_path(old, to)
    if isinstance(new, Refusal):
        return new
    taken = [o for o in others if o.model.module is not None and o.model.module.path == new]
    if taken:
        return Refusal(f"module {new} already exists in {taken[0].dir}")
    major = current_major(new)
    own_claims = {*claimed, *(r.path for r in model.requires)}
    rename = mover(old, new, own_claims)
    gomod = [path_edit(model.module.token.span, new), *tool_edits(model, rename)]
    files = file_edits(main.gomod_path, main.gomod, list(GoEdits(model).finish(gomod)))
    go_files = rewrite_go_files(main.go_files, read, old, rename, progress)
    for other in others:
        files += _dependent(other, old, new, f"v{major}.0.0", claimed, read)
    if gowork is not None:
        path, data, work = gowork
        work_edits = GoEdits(work).finish(replace_edits(work.replaces, old, new))
        files += file_edits(path, data, list(work_edits))
    return RenamePlan(old, new, (*files, *go_files))


def _dependent(
    other: ModuleSnapshot, old: str, new: str, version: str, claimed: Collection[str], read: Reader
) -> list[FileEdits]:
    """The matching change in a module that uses the bumped one: its requirement, replace,
    tool lines and imports move to the new path; the version is the new major's first
    release, the one the author is about to tag."""
    model = other.model
    if model.module is None or model.has_errors:
        return []
    claims = {*claimed, *(r.path for r in model.requires if r.path != old)}
    rename = mover(old, new, claims)
    edits: list[Edit] = []
    for require in model.requires:
        if require.path == old:
            edits.append(path_edit(require.path_token.span, new))
            edits.append(path_edit(require.version_token.span, version))
    edits += replace_edits(model.replaces, old, new)
    edits += tool_edits(model, rename)
    out = file_edits(other.gomod_path, other.gomod, list(GoEdits(model).finish(edits)))
    return out + rewrite_go_files(other.go_files, read, old, rename)
