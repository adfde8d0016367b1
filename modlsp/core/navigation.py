"""Navigation between a module's Go files and its go.mod, answered from the tidy plan: what
provides an import (hover on the import string), which go.mod a requirement stands for (go to
definition on a `require` line), and which imports a requirement serves (references).

The plan knows where each package of the build comes from; what the go.mod says about a module
(its `require` lines, `// indirect`) is the caller's to pass, since the plan holds only what
`go mod tidy` would write.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from modlsp.core import semver
from modlsp.core.gosource import GoSource, Import
from modlsp.core.hover import HoverText
from modlsp.core.loader import Resolution, Resolved, is_module_import, is_std
from modlsp.core.modfile import Require
from modlsp.core.modgraph import ModVer, Replacement
from modlsp.core.modpath import check_import_path, escape_path, escape_version
from modlsp.core.text import Span
from modlsp.core.tidy import TidyPlan

_PKG_SITE = "https://pkg.go.dev/"


def import_hover(
    plan: TidyPlan, imported: Import, requires: Sequence[Require] | None = None
) -> HoverText | None:
    """What provides an import of one of the main module's Go files, for a hover on its string.

    `requires` are the go.mod's `require` lines, which say whether the main module requires the
    providing module directly, as `// indirect` or not at all; without them, the requirements
    `go mod tidy` would write stand in."""
    return HoverText(imported.span, "\n\n".join(_describe(plan, imported.path, requires)))


def _describe(plan: TidyPlan, path: str, requires: Sequence[Require] | None) -> list[str]:
    main = plan.main
    rel = main.package_dir(path)
    if rel is None and is_std(path):
        if path == "C":
            return ["`C` is cgo's pseudo-package: the C declarations of the comment above it"]
        if check_import_path(path) is None:
            link = f"[pkg.go.dev/{path}]({_PKG_SITE}{path})"
            return [f"`{path}` is a standard library package", link]
    if rel is None and not is_module_import(path):
        return [_invalid(path)]
    resolved = _resolution(plan, path)
    kind = resolved.kind
    if kind is Resolution.MAIN:
        rel = rel or "."
        directory = main.dir if rel == "." else main.dir / rel
        shown = "./" if rel == "." else f"./{rel}"
        return [
            f"`{path}` is a package of this module (`{main.path}`)",
            f"directory: [`{shown}`]({directory.absolute().as_uri()})",
        ]
    added = plan.added_for.get(path)
    if added is not None:
        return [
            f"`{path}`: no required module provides this package",
            f"`go mod tidy` would add module {_modver(added)} (found in the module cache)",
        ]
    if kind is Resolution.MODULE and resolved.module is not None:
        return _provided(plan, path, resolved.module, requires)
    if kind is Resolution.AMBIGUOUS:
        found = ", ".join(_modver(m) for m in resolved.candidates)
        return [f"`{path}`: ambiguous import: found in several modules: {found}"]
    if kind is Resolution.UNKNOWN:
        found = ", ".join(_modver(m) for m in resolved.candidates)
        return [
            f"`{path}`: unknown provider: the source of {found} is not in the module cache",
        ]
    lines = [f"`{path}`: no required module provides this package"]
    if rel is not None:
        lines.append(f"nor does this module (`{main.path}`): it has no package in `./{rel}`")
    else:
        lines.append("no module in the module cache provides it either")
    return lines


def _resolution(plan: TidyPlan, path: str) -> Resolved:
    package = plan.loaded.packages.get(path)
    return package.resolved if package is not None else plan.resolver.resolve(path)[0]


def _invalid(path: str) -> str:
    if path in (".", "..") or path.startswith(("./", "../")):
        return f"`{path}` is relative, but relative import paths are not supported in module mode"
    return f"`{path}`: {check_import_path(path) or 'not a package of the build'}"


def _provided(
    plan: TidyPlan, path: str, module: ModVer, requires: Sequence[Require] | None
) -> list[str]:
    head = f"`{path}` is provided by module {_modver(module)}"
    replacement = plan.resolver.summaries.replacement(module)
    if replacement is not None:
        head += f", replaced by {_replacement(plan, replacement)}"
    listed = _listed(plan, module.path, requires)
    if listed is None:
        status = "not required by the main module: selected through another requirement"
    else:
        version, indirect = listed
        status = (
            "required by the main module as `// indirect`"
            if indirect
            else "required directly by the main module"
        )
        if version != module.version:
            status += f" (go.mod says `{version}`; the build selects `{module.version}`)"
    return [head, status]


def _listed(
    plan: TidyPlan, module_path: str, requires: Sequence[Require] | None
) -> tuple[str, bool] | None:
    """(version, indirect) of the main module's requirement on a module, None without one."""
    if requires is None:
        planned = plan.requires.get(module_path)
        return (planned.version, planned.indirect) if planned is not None else None
    best: Require | None = None
    for r in requires:
        if not (r.valid and r.path == module_path):
            continue
        if best is None or semver.compare(r.version, best.version) > 0:
            best = r
    return (best.version, best.indirect) if best is not None else None


def _replacement(plan: TidyPlan, target: Replacement) -> str:
    if not target.is_directory:
        return f"`{target.path}` `{target.version}`"
    try:
        relative = os.path.relpath(target.path, plan.main.dir.resolve())
    except ValueError:  # another drive (Windows)
        return f"`{target.path}`"
    relative = Path(relative).as_posix()
    shown = relative if relative.startswith("..") or relative == "." else f"./{relative}"
    return f"`{shown}`"


def _modver(m: ModVer) -> str:
    return f"`{m.path}` `{m.version}`"


def require_definition(plan: TidyPlan, require: Require) -> Path | None:
    """The go.mod of a required module as the build reads it: a directory replacement's, else
    the one of the version the graph selects (or of its replacement) in the module cache: the
    extracted source's go.mod, else the downloaded `.mod` file. None when none is on disk."""
    version = require.version
    selected = plan.resolver.graph.selected_version(require.path)
    if selected != "none" and semver.compare(selected, version) > 0:
        version = selected
    summaries = plan.resolver.summaries
    target = summaries.replacement(ModVer(require.path, version))
    if target is not None and target.is_directory:
        gomod = Path(target.path, "go.mod")
        return gomod if gomod.is_file() else None
    path, version = (target.path, target.version) if target is not None else (require.path, version)
    cache = summaries.cache
    if cache is None:
        return None
    source = cache.source_dir(path, version)
    if source is not None and (source / "go.mod").is_file():
        return source / "go.mod"
    try:
        download = cache.root / "cache" / "download" / escape_path(path) / "@v"
        mod = download / f"{escape_version(version)}.mod"
    except ValueError:
        return None
    return mod if mod.is_file() else None


def require_references(
    plan: TidyPlan, files: Iterable[tuple[Path, GoSource]], module_path: str
) -> list[tuple[Path, Span]]:
    """The import strings of the main module's files (those in the build) whose package the
    plan resolves to `module_path` at any version: in the files' order, then in span order."""
    providers: dict[str, str | None] = {}
    out: list[tuple[Path, Span]] = []
    for file, source in files:
        if source.excluded:
            continue
        for imported in sorted(source.imports, key=lambda i: i.span):
            path = imported.path
            if path not in providers:
                providers[path] = _provider_path(plan, path)
            if providers[path] == module_path:
                out.append((file, imported.span))
    return out


def _provider_path(plan: TidyPlan, path: str) -> str | None:
    if not is_module_import(path) and plan.main.package_dir(path) is None:
        return None
    resolved = _resolution(plan, path)
    if resolved.kind is Resolution.MODULE and resolved.module is not None:
        return resolved.module.path
    return None
