"""Planning upgrades of requirements within their major version: the edits behind the
"Upgrade all" code lens and source action and `modlsp upgrade`."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from modlsp.core.modfile import ModFile, Require
from modlsp.core.problems import Edit
from modlsp.core.versioncheck import checked_requires, excluded_versions
from modlsp.core.versionquery import Catalog, Level


@dataclass(frozen=True, slots=True)
class Change:
    path: str
    old: str
    new: str
    edit: Edit

    def __str__(self) -> str:
        return f"{self.path} {self.old} => {self.new}"


def set_version(require: Require, version: str) -> Change:
    return Change(require.path, require.version, version, Edit(require.version_token.span, version))


def plan_upgrades(
    model: ModFile,
    catalog: Callable[[str], Catalog | None],
    level: Level,
    paths: Collection[str] | None = None,
) -> list[Change]:
    """Each requirement (the direct ones, or those in `paths`) raised to what `level`'s query
    names; requirements already there, replaced ones and unknown modules are left alone."""
    changes: list[Change] = []
    for require in checked_requires(model):
        wanted = not require.indirect if paths is None else require.path in paths
        if not wanted:
            continue
        found = catalog(require.path)
        if found is None:
            continue
        target = found.query(level, require.version, excluded_versions(model, require.path))
        if target is not None:
            changes.append(set_version(require, target))
    return changes
