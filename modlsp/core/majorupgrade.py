"""Upgrading a dependency across major versions: `require example.com/x v1.9.0` becomes
`require example.com/x/v2 v2.3.0` and every import of `example.com/x/...` in the module moves
to `example.com/x/v2/...`, in one plan. A module without a go.mod at v2+ has no `/v2` path; its
new major is a `+incompatible` version of the same path and no import changes."""

from __future__ import annotations

from collections.abc import Collection

from modlsp.core import semver
from modlsp.core.goedits import GoEdits
from modlsp.core.modfile import ModFile, Require
from modlsp.core.modpath import check, split_path_version
from modlsp.core.problems import Edit, Refusal
from modlsp.core.rename import (
    ModuleSnapshot,
    Progress,
    Reader,
    RenamePlan,
    file_edits,
    mover,
    path_edit,
    rewrite_go_files,
    tool_edits,
)


def same_module(a: str, b: str) -> bool:
    """Two paths of one module at different majors (`x`, `x/v2`, `gopkg.in/y.v1`, `.v3`)."""
    return split_path_version(a).prefix == split_path_version(b).prefix


def plan_major_upgrade(
    main: ModuleSnapshot,
    old: str,
    new: str,
    version: str,
    claimed: Collection[str],
    read: Reader,
    progress: Progress | None = None,
) -> RenamePlan | Refusal:
    """Move the requirement on `old` to `new` at `version`, imports included."""
    model = main.model
    if model.has_errors:
        return Refusal(f"{main.gomod_path}: fix the go.mod's errors first")
    requires = [r for r in model.requires if r.valid and r.path == old]
    if not requires:
        return Refusal(f"{old} is not required by {main.gomod_path}")
    if not same_module(old, new):
        return Refusal(f"{new} is not another major version of {old}")
    error = check(new, version)
    if error is not None:
        return Refusal(error)
    current = requires[0].version
    for r in requires[1:]:
        current = semver.max_version(current, r.version)
    if new == old and semver.compare(version, current) <= 0:
        return Refusal(f"{old} is already at {current}")
    edits = _gomod_edits(model, requires, new, version)
    if new == old:
        formatted = list(GoEdits(model).finish(edits))
        return RenamePlan(old, new, tuple(file_edits(main.gomod_path, main.gomod, formatted)))
    claims = {*claimed, *(r.path for r in model.requires if r.path != old)}
    rename = mover(old, new, claims)
    edits += tool_edits(model, rename)
    go_files = rewrite_go_files(main.go_files, read, old, rename, progress)
    notes = tuple(
        f"replace {r.old_path} => {r.new_path} still names the old path: update or remove it"
        for r in model.replaces
        if r.old_path == old
    )
    files = file_edits(main.gomod_path, main.gomod, list(GoEdits(model).finish(edits)))
    return RenamePlan(old, new, (*files, *go_files), notes)


def _gomod_edits(model: ModFile, requires: list[Require], new: str, version: str) -> list[Edit]:
    """The first requirement line of `old` becomes the new one; further lines of `old` go. When
    the new path is already required, that line keeps the higher version instead."""
    old = requires[0].path
    existing = [r for r in model.requires if r.valid and r.path == new and r.path != old]
    edits: list[Edit] = []
    if existing:
        keep = existing[0]
        if semver.compare(version, keep.version) > 0:
            edits.append(Edit(keep.version_token.span, version))
        doomed = requires
    else:
        first = requires[0]
        if new != first.path:
            edits.append(path_edit(first.path_token.span, new))
        edits.append(Edit(first.version_token.span, version))
        doomed = requires[1:]
    edits += GoEdits(model).removal(r.line for r in doomed)
    return edits
