"""Problems on the import strings of a Go file, judged against its module's tidy plan:
imports no required module provides (with the requirement to add when the module cache knows
one), imports of another major version than the one required, and imports of the module's own
packages under a stale path (an old major suffix, or the path the module had before a move).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from modlsp.core.gosource import GoSource, Import
from modlsp.core.loader import Resolution, is_module_import
from modlsp.core.modfile import ModFile, Require
from modlsp.core.modpath import prefixes, split_path_version
from modlsp.core.problems import Edit, Fix, Problem, Severity
from modlsp.core.tidy import TidyPlan
from modlsp.core.tidycheck import Change, ChangeKind, change_edits


def import_problems(
    source: GoSource,
    plan: TidyPlan,
    model: ModFile,
    gomod: Path,
    workspace: Mapping[str, Path] | None = None,
) -> list[Problem]:
    """Problems for one Go file of the plan's main module; none for a file outside the build
    (`//go:build ignore`), whose imports the go command does not resolve."""
    if source.excluded or model.has_errors:
        return []
    out: list[Problem] = []
    for imported in source.imports:
        problem = _judge(imported, plan, model, gomod, workspace or {})
        if problem is not None:
            out.append(problem)
    return out


def _judge(
    imported: Import, plan: TidyPlan, model: ModFile, gomod: Path, workspace: Mapping[str, Path]
) -> Problem | None:
    path = imported.path
    main = plan.main
    if not is_module_import(path) and main.package_dir(path) is None:
        return None
    package = plan.loaded.packages.get(path)
    kind = package.resolved.kind if package is not None else plan.resolver.resolve(path)[0].kind
    if path in plan.added_for or path in plan.unresolved:
        # The plan's last load already has the modules tidy would add; the file is judged
        # against the go.mod as it is.
        kind = Resolution.MISSING
    if kind is Resolution.AMBIGUOUS and package is not None:
        found = ", ".join(f"{m.path} {m.version}" for m in package.resolved.candidates)
        return Problem(
            imported.span,
            Severity.ERROR,
            "ambiguous-import",
            f"ambiguous import: found package {path} in multiple modules: {found}",
        )
    if kind is not Resolution.MISSING or _in_workspace(path, workspace):
        return None
    own = _own_package_path(path, plan)
    if own is not None:
        return Problem(
            imported.span,
            Severity.ERROR,
            "stale-import-path",
            f"{path} is this module's package {own}: the module path is now {main.path}",
            (Fix(f"Change the import to {own}", (_rewrite(imported, own),), preferred=True),),
        )
    fixes: list[Fix] = []
    message = f"no required module provides package {path}"
    code = "missing-module-import"
    other = _other_major(path, plan, model)
    if other is not None:
        required, rewritten = other
        code = "wrong-major-import"
        message += f"; go.mod requires {required.path} {required.version}"
        fixes.append(Fix(f"Change the import to {rewritten}", (_rewrite(imported, rewritten),)))
    provider = plan.added_for.get(path)
    if provider is not None:
        change = Change(ChangeKind.ADD, provider.path, provider.version, False, None)
        edits = tuple(change_edits(model, [change]))
        title = f"Add requirement {provider.path} {provider.version}"
        fixes.insert(0, Fix(title, edits, preferred=True, target=gomod))
    return Problem(imported.span, Severity.ERROR, code, message, tuple(fixes))


def _in_workspace(path: str, workspace: Mapping[str, Path]) -> bool:
    """A package of a module the governing go.work uses: the build finds it there (go mod
    tidy still wants a requirement, which the go.mod's own diagnostics say)."""
    for prefix in prefixes(path):
        directory = workspace.get(prefix)
        if directory is not None:
            rest = path[len(prefix) + 1 :]
            package = directory / rest if rest else directory
            return package.is_dir() and any(package.glob("*.go"))
    return False


def _rewrite(imported: Import, path: str) -> Edit:
    return Edit(imported.span, f'"{path}"')


def _own_package_path(path: str, plan: TidyPlan) -> str | None:
    """The path of the main module's package that `path` names under an old module path:
    the same path before the major suffix (another suffix, or none), or a module path with
    the same last element (a moved repository), followed by a package of this module."""
    main = plan.main
    base = split_path_version(main.path)
    last = base.prefix.rsplit("/", 1)[-1]
    for prefix in prefixes(path):
        split = split_path_version(prefix)
        if split.ok and split.prefix.rsplit("/", 1)[-1] == last and prefix != main.path:
            rest = path[len(prefix) :]
            rel = rest.lstrip("/") or "."
            same_module = split.prefix == base.prefix
            moved = "." in prefix.partition("/")[0] and rel != "."
            if (same_module or moved) and rel in main.packages:
                return main.path + rest
    return None


def _other_major(path: str, plan: TidyPlan, model: ModFile) -> tuple[Require, str] | None:
    """A required module that is another major version of a module path `path` lies in and
    provides the same package, with that package's import path in it."""
    for prefix in prefixes(path):
        split = split_path_version(prefix)
        if not split.ok:
            continue
        for r in model.requires:
            other = split_path_version(r.path)
            if r.path == prefix or other.prefix != split.prefix or not other.ok:
                continue
            rewritten = r.path + path[len(prefix) :]
            if plan.resolver.resolve(rewritten)[0].kind is Resolution.MODULE:
                return r, rewritten
    return None
