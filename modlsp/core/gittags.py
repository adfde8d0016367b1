"""A module's release tags, read from its git repository, and the module line's disagreement
with them.

The go command maps a module to tags the way cmd/go/internal/modfetch/coderepo.go does: a
module whose path ends in ``/vN`` or gopkg.in's ``.vN`` (N >= 2) owns the ``vN.x.y`` tags, a
module without a suffix owns ``v0`` and ``v1`` only (``v2+`` would need ``+incompatible``,
which a module with a go.mod cannot use), and a module in the repository's ``sub/`` directory
is tagged ``sub/vX.Y.Z``. In the "major subdirectory" layout the module ``example.com/m/v2``
lives in ``v2/`` and uses the tags of the directory above it, so that final ``vN`` directory
is not part of the tag prefix. Only tags whose version is canonical semver count.

This is pure reading: the repository files are parsed directly (``.git`` directories and
``gitdir:`` files, ``commondir``, loose refs under ``refs/tags`` and ``packed-refs``) and git
itself is never run. Judgements of a go.mod run after every edit, so the parsed tags are
cached per repository and revalidated with a few ``stat`` calls; see :func:`release_tags`.
Not read: the reftable ref backend, ``core.worktree``, ``GIT_DIR`` and ceiling directories.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from modlsp.core import modpath, semver
from modlsp.core.modfile import ModFile
from modlsp.core.problems import Problem, Severity

CODE = "major-tag-mismatch"

# Caps that keep a damaged or hostile repository from stalling the server; real repositories
# stay far below them (Kubernetes has about 60,000 tags).
MAX_PACKED_REFS_BYTES = 32 << 20
MAX_LOOSE_ENTRIES = 100_000
_MAX_POINTER_BYTES = 4096  # a `.git` file or `commondir`: one path
# A file changed within this long before a scan may change again without its mtime moving
# (coarse filesystem clocks), so such a scan is redone on the next call ("racy git").
_RACY_NS = 2_000_000_000
_CACHE_SIZE = 32
_TAGS_REF = b"refs/tags/"


@dataclass(frozen=True, slots=True)
class ReleaseTags:
    """The tags of one module: ``prefix + version`` for each of ``versions``."""

    repository: Path  # the work tree root
    prefix: str  # "" or "sub/dir/"
    versions: tuple[str, ...]  # canonical semver, ascending, no duplicates
    # Majors (>= 2) whose tags belong to another module: one in the major subdirectory
    # `prefix + "vN/"` that has a go.mod (example.com/m/v2 next to example.com/m).
    subdir_majors: frozenset[int] = frozenset()

    def tag(self, version: str) -> str:
        """The tag name of a version of this module (``sub/v2.3.1``)."""
        return self.prefix + version


@dataclass(frozen=True, slots=True)
class _Repository:
    work_tree: Path
    common_dir: Path  # where refs/ and packed-refs live (shared by all worktrees)


# A file's identity for change detection: mtime_ns, size, inode; None when it is missing.
_Stamp = tuple[int, int, int] | None


@dataclass(frozen=True, slots=True)
class _Versions:
    """The versions tagged with one prefix, and their majors (computed once per scan)."""

    versions: tuple[str, ...]
    majors: frozenset[int]


_NO_VERSIONS = _Versions((), frozenset())


@dataclass(frozen=True, slots=True)
class _Scan:
    packed_stamp: _Stamp
    dirs: tuple[tuple[Path, _Stamp], ...]  # refs/tags and every directory below it
    by_prefix: Mapping[str, _Versions]
    trusted: bool  # no stamp was within the racy window when the scan started


@dataclass(frozen=True, slots=True)
class CacheInfo:
    hits: int
    misses: int


@dataclass(slots=True)
class _Counters:
    hits: int = 0
    misses: int = 0


_cache: OrderedDict[Path, _Scan] = OrderedDict()
_cache_lock = threading.Lock()
_info = _Counters()


def cache_info() -> CacheInfo:
    """How many calls reused a scan and how many read the tags again (for tests, benchmarks)."""
    with _cache_lock:
        return CacheInfo(_info.hits, _info.misses)


def cache_clear() -> None:
    with _cache_lock:
        _cache.clear()
        _info.hits = _info.misses = 0


def release_tags(module_dir: Path, module_path: str) -> ReleaseTags | None:
    """The release tags of the module in ``module_dir``; None when it is in no git work tree.

    A warm call costs a ``stat`` per directory up to the work tree root, one for
    ``packed-refs``, one per directory under ``refs/tags`` and one per tagged major >= 2.
    """
    # Lexical, not resolved: the tag prefix is the path the user sees below the work tree.
    start = Path(os.path.normpath(Path(module_dir).absolute()))
    repo = _find_repository(start)
    if repo is None:
        return None
    relative = start.relative_to(repo.work_tree).parts
    prefix = _tag_prefix(relative, module_path)
    tagged = _scan(repo.common_dir).by_prefix.get(prefix, _NO_VERSIONS)
    base = repo.work_tree.joinpath(*prefix.split("/"))
    subdir_majors = _subdir_majors(base, start, tagged.majors)
    return ReleaseTags(repo.work_tree, prefix, tagged.versions, subdir_majors)


def _tag_prefix(relative: tuple[str, ...], module_path: str) -> str:
    """The tag prefix of a module directory: ``sub/v2`` holding ``.../sub/v2`` -> ``sub/``."""
    parts = list(relative)
    split = modpath.split_path_version(module_path)
    if split.ok and split.path_major.startswith("/") and parts[-1:] == [split.path_major[1:]]:
        parts.pop()
    return "".join(part + "/" for part in parts)


def _subdir_majors(base: Path, module_dir: Path, majors: Iterable[int]) -> frozenset[int]:
    """The majors whose tags another module owns: the one in `base/vN` with a go.mod."""
    owned: set[int] = set()
    for major in majors:
        if major < 2:
            continue
        directory = base / f"v{major}"
        if directory != module_dir and _is_file(directory / "go.mod"):
            owned.add(major)
    return frozenset(owned)


def _is_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


# --- Finding the repository ---


def _find_repository(start: Path) -> _Repository | None:
    """The first `.git` going up, like git's discovery; a broken one ends the search."""
    for directory in (start, *start.parents):
        dot_git = directory / ".git"
        try:
            mode = dot_git.stat().st_mode
        except OSError:
            continue
        git_dir = dot_git if stat.S_ISDIR(mode) else _read_gitfile(dot_git)
        if git_dir is None:
            return None
        return _Repository(directory, _common_dir(git_dir))
    return None


def _read_pointer(path: Path) -> str | None:
    """The first line of a small file naming a path, or None when it cannot be read."""
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_POINTER_BYTES)
    except OSError:
        return None
    line = data.split(b"\n", 1)[0].rstrip(b"\r\t ")
    return os.fsdecode(line) if line else None


def _read_gitfile(dot_git: Path) -> Path | None:
    """`gitdir: <path>` (worktrees, submodules); relative to the file's directory."""
    line = _read_pointer(dot_git)
    if line is None or not line.startswith("gitdir: "):
        return None
    return _join(dot_git.parent, line[len("gitdir: ") :])


def _common_dir(git_dir: Path) -> Path:
    """A worktree's git dir names the shared one in `commondir`; others are their own."""
    line = _read_pointer(git_dir / "commondir")
    return git_dir if line is None else _join(git_dir, line)


def _join(base: Path, target: str) -> Path:
    # Normalized so that every worktree of a repository shares one cache entry.
    return Path(os.path.normpath(base / target))


# --- Reading and caching the tags ---


def _scan(common_dir: Path) -> _Scan:
    packed = common_dir / "packed-refs"
    with _cache_lock:
        cached = _cache.get(common_dir)
    if cached is not None and cached.trusted and _unchanged(cached, packed):
        with _cache_lock:
            _info.hits += 1
            if common_dir in _cache:
                _cache.move_to_end(common_dir)
        return cached
    fresh = _read_tags(common_dir, packed)
    with _cache_lock:
        _info.misses += 1
        _cache[common_dir] = fresh
        _cache.move_to_end(common_dir)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return fresh


def _stamp(path: Path) -> _Stamp:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def _unchanged(scan: _Scan, packed: Path) -> bool:
    # Any loose tag added or removed changes its directory's mtime (git writes a lock file and
    # renames it), and a new subdirectory changes its parent's, so these stats cover it all.
    if _stamp(packed) != scan.packed_stamp:
        return False
    return all(_stamp(directory) == stamp for directory, stamp in scan.dirs)


def _read_tags(common_dir: Path, packed: Path) -> _Scan:
    # Stamps are taken before reading, so a change during the scan shows up next time.
    started = time.time_ns()
    packed_stamp, packed_names = _read_packed_refs(packed)
    dirs, loose_names = _read_loose_tags(common_dir / "refs" / "tags")
    stamps = [packed_stamp, *(s for _, s in dirs)]
    trusted = all(s is None or s[0] < started - _RACY_NS for s in stamps)
    return _Scan(packed_stamp, tuple(dirs), _group(packed_names + loose_names), trusted)


def _read_packed_refs(path: Path) -> tuple[_Stamp, list[str]]:
    """The tag names of `packed-refs` (`<sha> refs/tags/<name>` lines) and the file's stamp."""
    try:
        with path.open("rb") as handle:
            st = os.fstat(handle.fileno())
            data = handle.read(MAX_PACKED_REFS_BYTES + 1)
    except OSError:
        return None, []
    if len(data) > MAX_PACKED_REFS_BYTES:
        data = data[: data.rfind(b"\n", 0, MAX_PACKED_REFS_BYTES) + 1]  # whole lines only
    names: list[str] = []
    for line in data.split(b"\n"):
        # Comments (`# pack-refs with: ...`) and peeled lines (`^<sha>`) have no space+ref.
        _, space, ref = line.partition(b" ")
        if space and ref.startswith(_TAGS_REF):
            names.append(os.fsdecode(ref[len(_TAGS_REF) :].rstrip(b"\r")))
    return (st.st_mtime_ns, st.st_size, st.st_ino), names


def _read_loose_tags(tags_dir: Path) -> tuple[list[tuple[Path, _Stamp]], list[str]]:
    """Every file below `refs/tags` as a tag name, and every directory with its stamp.

    Symlinked directories are not entered (no loops), lock files are skipped and the walk
    stops after MAX_LOOSE_ENTRIES entries.
    """
    dirs: list[tuple[Path, _Stamp]] = []
    names: list[str] = []
    budget = MAX_LOOSE_ENTRIES
    pending: list[tuple[Path, str]] = [(tags_dir, "")]
    while pending and budget > 0:
        directory, prefix = pending.pop()
        dirs.append((directory, _stamp(directory)))
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    budget -= 1
                    if budget < 0:
                        break
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((Path(entry.path), f"{prefix}{entry.name}/"))
                    elif not entry.name.endswith(".lock"):  # git's in-flight update
                        names.append(prefix + entry.name)
        except OSError:
            continue
    return dirs, names


def _group(names: Iterable[str]) -> dict[str, _Versions]:
    """Tag names by prefix, keeping those whose last element is a canonical version."""
    found: dict[str, set[str]] = {}
    majors: dict[str, set[int]] = {}
    for name in names:
        head, slash, version = name.rpartition("/")
        # Parsed once here: thousands of tags would churn semver's bounded parse cache.
        parsed = semver.parse(version)
        if parsed is None or parsed.short or parsed.build:  # not canonical
            continue
        found.setdefault(head + slash, set()).add(version)
        majors.setdefault(head + slash, set()).add(int(parsed.major))
    return {
        prefix: _Versions(tuple(semver.sort_versions(vs)), frozenset(majors[prefix]))
        for prefix, vs in found.items()
    }


# --- The problem ---


def tag_problems(model: ModFile, tags: ReleaseTags) -> list[Problem]:
    """The module line's problem when the newest tagged major is above the path's major.

    A path whose major is above every tag is fine: that major is still being developed.
    """
    module = model.module
    if module is None or modpath.check_import_path(module.path) is not None:
        return []
    split = modpath.split_path_version(module.path)
    if not split.ok:
        return []
    newest = newest_mismatched(tags, module.path)
    if newest is None:
        return []
    message = _message(module.path, split, tags.tag(newest), newest)
    return [Problem(module.token.span, Severity.WARNING, CODE, message)]


def newest_mismatched(tags: ReleaseTags, module_path: str) -> str | None:
    """The newest tagged version of a major above the path's (None: the path is not behind
    its tags); the bump that fixes the mismatch moves the path to its major."""
    split = modpath.split_path_version(module_path)
    if not split.ok:
        return None
    return _newest_above(tags, _path_major(split.path_major))


def _path_major(suffix: str) -> int:
    # No suffix means v0 or v1; gopkg.in's `.v0` really is major 0.
    return int(modpath.path_major_prefix(suffix)[1:]) if suffix else 1


def _tag_major(version: str) -> int:
    return int(semver.major(version)[1:])


def _newest_above(tags: ReleaseTags, path_major: int) -> str | None:
    for version in reversed(tags.versions):
        major = _tag_major(version)
        if major <= path_major:
            return None  # ascending order: nothing newer is left
        if major not in tags.subdir_majors:
            return version
    return None


def _message(path: str, split: modpath.SplitPath, tag: str, version: str) -> str:
    major = _tag_major(version)
    kind = "prerelease" if semver.prerelease(version) else "release"
    separator = "." if split.path_major.startswith(".") else "/"
    expected = f"{split.prefix}{separator}v{major}"
    head = f"release tag {tag} (a v{major} {kind}) exists, but the module path {path}"
    if not split.path_major:
        return (
            f"{head} has no /v{major} suffix: the go command rejects v2+ versions of a module "
            f"that has a go.mod (the path should be {expected})"
        )
    return (
        f"{head} ends in {split.path_major}: the go command accepts only "
        f"{modpath.path_major_prefix(split.path_major)} versions of it "
        f"(the path should be {expected})"
    )
