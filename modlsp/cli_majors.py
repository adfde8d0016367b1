"""The major-version refactorings on the command line: `modlsp bump-major` (the module's own
`/vN`) and `modlsp upgrade --major` (a dependency's), printing a summary, a diff, or writing the
files."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from modlsp.cli_versions import VersionChecker
from modlsp.core import semver
from modlsp.core.edits import unified_diff
from modlsp.core.gowork import find_gowork
from modlsp.core.majorbump import plan_bump
from modlsp.core.majorpath import current_major, with_major
from modlsp.core.majorupgrade import plan_major_upgrade
from modlsp.core.modfile import FileKind, ModFile
from modlsp.core.problems import Refusal, apply_edits
from modlsp.core.reader import read
from modlsp.core.rename import ModuleSnapshot, RenamePlan
from modlsp.core.versionfacts import NotFound, Unknown
from modlsp.core.versionquery import Catalog
from modlsp.core.workspace import Module, discover

EXIT_OK, EXIT_CHANGES, EXIT_USAGE = 0, 1, 2


def _say(message: str) -> None:
    print(f"modlsp: {message}", file=sys.stderr)


def read_file(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def snapshot(module: Module) -> ModuleSnapshot | None:
    data = read_file(module.gomod)
    if data is None:
        return None
    model = read(data, FileKind.GOMOD, str(module.gomod))
    return ModuleSnapshot(module.dir, data, model, sorted(module.go_files()))


class Neighbourhood:
    """A module, the modules nested in its tree and those of the go.work that governs it."""

    def __init__(self, directory: Path) -> None:
        self.main: ModuleSnapshot | None = None
        self.others: list[ModuleSnapshot] = []
        self.gowork: tuple[Path, bytes, ModFile] | None = None
        layout = discover(directory)
        modules = {m.dir: m for m in layout.modules}
        root = modules.get(layout.root)
        if root is None:
            return
        self.main = snapshot(root)
        gowork = find_gowork(layout.root)
        if gowork is not None:
            data = read_file(gowork)
            if data is not None:
                work = read(data, FileKind.GOWORK, str(gowork))
                self.gowork = (gowork, data, work)
                for use in work.uses:
                    used = (gowork.parent / use.path).resolve()
                    if used not in modules:
                        found = [m for m in discover(used).modules if m.dir == used]
                        modules.update({m.dir: m for m in found})
        for module_dir, module in sorted(modules.items()):
            if module_dir != layout.root:
                each = snapshot(module)
                if each is not None:
                    self.others.append(each)

    def claimed(self) -> set[str]:
        return {o.model.module.path for o in self.others if o.model.module is not None}


def bump_command(directory: str, to: int | None, *, write: bool, diff: bool) -> int:
    place = Neighbourhood(Path(directory))
    if place.main is None:
        _say(f"{directory}: no go.mod here (bump-major works on a module's root directory)")
        return EXIT_USAGE
    plan = plan_bump(place.main, place.others, place.claimed(), read_file, to, gowork=place.gowork)
    return emit_plan(plan, write=write, diff=diff)


def emit_plan(plan: RenamePlan | Refusal, *, write: bool, diff: bool) -> int:
    """A refactoring's outcome: a refusal (exit 2), a diff (exit 1 when not empty), the files
    written, or a summary of what -w would write."""
    if isinstance(plan, Refusal):
        _say(plan.message)
        return EXIT_USAGE
    for note in plan.notes:
        _say(f"note: {note}")
    if diff:
        for change in plan.files:
            after = apply_edits(change.before, change.edits)
            sys.stdout.writelines(unified_diff(_shown(change.path), change.before, after))
        return EXIT_CHANGES if plan.files else EXIT_OK
    if write:
        failed = write_plan(plan)
        for message in failed:
            _say(message)
        _say(f"{plan.summary()} ({plan.imports_phrase('rewritten')})")
        return EXIT_USAGE if failed else EXIT_OK
    print(f"{plan.summary()} ({plan.imports_phrase('to rewrite')})")
    for change in plan.files:
        print(f"  {_shown(change.path)}: {len(change.edits)} edit{'s' * (len(change.edits) != 1)}")
    print("Run again with -w to write these files, or --diff to see the changes.")
    return EXIT_OK


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def write_plan(plan: RenamePlan) -> list[str]:
    """Write each file atomically, only if it still holds what the plan was made from: a file
    changed meanwhile is left alone and named."""
    failed = []
    for change in plan.files:
        if read_file(change.path) != change.before:
            failed.append(f"{change.path}: changed while planning; not written (run again)")
            continue
        try:
            _replace_atomically(change.path, apply_edits(change.before, change.edits))
        except OSError as err:
            failed.append(f"{change.path}: cannot write: {err.strerror or err}")
    return failed


def _replace_atomically(path: Path, data: bytes) -> None:
    mode = path.stat().st_mode
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        temporary.chmod(mode & 0o7777)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# --- upgrade --major --------------------------------------------------------------------------


def upgrade_major_command(
    directory: str, targets: Sequence[str], *, write: bool, diff: bool
) -> int:
    if len(targets) != 1:
        _say("upgrade --major takes one module: PATH or PATH@VERSION")
        return EXIT_USAGE
    place = Neighbourhood(Path(directory))
    if place.main is None:
        _say(f"{directory}: no go.mod here (use -C DIR for another module)")
        return EXIT_USAGE
    old, _, version = targets[0].partition("@")
    if not any(r.valid and r.path == old for r in place.main.model.requires):
        _say(f"{old} is not required by {place.main.gomod_path}")
        return EXIT_USAGE
    checker = VersionChecker()
    try:
        target = _major_target(old, version, checker)
    finally:
        checker.close()
    if isinstance(target, Refusal):
        _say(target.message)
        return EXIT_USAGE
    new, chosen = target
    plan = plan_major_upgrade(place.main, old, new, chosen, place.claimed(), read_file)
    return emit_plan(plan, write=write, diff=diff)


def _major_target(old: str, version: str, checker: VersionChecker) -> tuple[str, str] | Refusal:
    """(new path, version): the explicit version's path, else the newest release of the highest
    newer major, else (for a module without go.mod at v2+) its newest `+incompatible`
    version, as the go command offers."""
    if version:
        if not semver.is_valid(version) or semver.canonical(version) != version.removesuffix(
            "+incompatible"
        ):
            return Refusal(f"{old}@{version}: not a canonical version (like v2.3.0)")
        major = int(semver.major(version)[1:])
        new = old if version.endswith("+incompatible") else with_major(old, major)
        if new is None:
            return Refusal(f"{old} is not a module path that can carry a major version")
        problem = checker.exists(new, version)
        if problem is not None:
            return Refusal(f"{new}@{version}: {problem.message}")
        return new, version
    newer = checker.newer_major(old)
    if newer is not None:
        chosen = newer.newest()
        if chosen is not None:
            return newer.path, chosen
    incompatible = _newest_incompatible(old, checker.catalogs([old])[old])
    if incompatible is not None:
        return old, incompatible
    return Refusal(f"no newer major version of {old} is known to the module proxies")


def _newest_incompatible(path: str, catalog: Catalog | Unknown | NotFound) -> str | None:
    """For a module without go.mod at v2+: its newest +incompatible release above the path's
    major."""
    if not isinstance(catalog, Catalog):
        return None
    current = current_major(path) or 1
    found = [
        v
        for v in catalog.versions
        if v.endswith("+incompatible")
        and int(semver.major(v)[1:]) > current
        and catalog.allowed(v)
        and not semver.prerelease(v)
    ]
    return found[-1] if found else None
