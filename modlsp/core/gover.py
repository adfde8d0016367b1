"""Go toolchain/language versions (`1.21`, `1.21rc1`, `1.21.3`), ordered as cmd/go's gover does.

A language version such as `1.21` sorts before its release candidates and releases:
1.21 < 1.21rc1 < 1.21.0 < 1.21.1.
"""

from __future__ import annotations

import re

_VERSION_RE = re.compile(
    r"^([1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?(?:\.(0|[1-9][0-9]*))?(?:([a-z]+)([0-9]+))?\Z"
)


def parse(v: str) -> tuple[int, int, int, int, str, int] | None:
    """A sort key (major, minor, has-patch-or-pre, patch, kind, pre-number), None if invalid."""
    m = _VERSION_RE.match(v)
    if not m:
        return None
    major, minor, patch, kind, pre = m.groups()
    if patch is not None and kind is not None:
        return None  # "1.21.0rc1" is not a Go version
    if minor is None and (patch is not None or kind is not None):
        return None
    if patch is not None:
        return int(major), int(minor), 2, int(patch), "", 0
    if kind is not None:
        return int(major), int(minor), 1, 0, kind, int(pre)
    return int(major), int(minor or 0), 0, 0, "", 0


def is_valid(v: str) -> bool:
    return parse(v) is not None


def compare(a: str, b: str) -> int:
    """-1, 0 or 1; invalid versions sort first."""
    ka, kb = parse(a), parse(b)
    if ka is None or kb is None:
        return (ka is not None) - (kb is not None)
    return (ka > kb) - (ka < kb)


def from_toolchain(name: str) -> str:
    """`go1.21.3` or `go1.21.3-custom` -> `1.21.3`; "" for `default` and unreadable names."""
    if not name.startswith("go"):
        return ""
    version = name[2:].split("-", 1)[0]
    return version if is_valid(version) else ""
