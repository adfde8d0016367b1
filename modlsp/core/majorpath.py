"""Major versions in module paths: which major a path promises (`example.com/m` v0/v1,
`example.com/m/v3`, `gopkg.in/yaml.v2`) and the path of another major of the same module."""

from __future__ import annotations

import re

from modlsp.core.modpath import check_import_path, split_path_version
from modlsp.core.problems import Refusal

_GOPKG_MAJOR = re.compile(r"\.v([0-9]+)(?:-unstable)?\Z")


def current_major(path: str) -> int | None:
    """The major version a module path promises: 1 without a suffix (v0 and v1 share the
    unsuffixed path), N for `/vN` and gopkg.in's `.vN`; None for a path that is no module
    path. A useless `/v0` or `/v1` counts as no suffix: the bump replaces it."""
    base, number = _split(path)
    return None if base is None else number


def _split(path: str) -> tuple[str | None, int]:
    split = split_path_version(path)
    if path.startswith("gopkg.in/"):
        match = _GOPKG_MAJOR.search(path)
        if not split.ok or match is None:
            return None, 0
        return path[: match.start()], int(match.group(1))
    if split.ok:
        return split.prefix, int(split.path_major[2:]) if split.path_major else 1
    head, _, last = path.rpartition("/")
    if head and last in ("v0", "v1"):
        return head, 1
    return None, 0


def with_major(path: str, major: int) -> str | None:
    """The module path of another major version of the module at `path`."""
    base, _ = _split(path)
    if base is None:
        return None
    if path.startswith("gopkg.in/"):
        return f"{base}.v{major}"
    return base if major <= 1 else f"{base}/v{major}"


def bumped_path(path: str, to: int | None = None) -> str | Refusal:
    """The path of the next major version (or of `vN` when `to` is N)."""
    base, current = _split(path)
    if base is None or check_import_path(path) is not None:
        return Refusal(f"{path} is not a module path that can carry a major version")
    gopkg = path.startswith("gopkg.in/")
    target = current + 1 if to is None else to
    lowest = 0 if gopkg else 2
    if target < lowest:
        return Refusal(f"v{target} is not a major version a module path can carry (v2 or later)")
    if target <= current:
        return Refusal(f"{path} is already at v{current}: the new major must be above it")
    new = with_major(path, target)
    assert new is not None
    return new
