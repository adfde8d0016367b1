"""Go's flavour of semantic versions, with the exact rules of golang.org/x/mod/semver.

The go command, not semver.org, decides what a version in go.mod means, and the two
disagree: Go requires a leading ``v``, accepts the shorthands ``v1`` and ``v1.2`` (but
not ``v1-pre`` or ``v1.2+meta``), treats every invalid string as equal to every other and
lower than any valid version, and ignores build metadata when comparing. The PyPI
``semver`` package follows semver.org, so it would give different answers; this module is
a small hand-written equivalent instead.

Everything here is a pure function of its string arguments. Parsing is one compiled
regular expression plus a bounded cache, because the language server re-checks every
requirement line of a go.mod on each keystroke.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

# Decimal numbers without extra leading zeros. Python's [0-9] is ASCII-only, like Go's.
_NUM = r"(?:0|[1-9][0-9]*)"
# A prerelease identifier: numeric without a leading zero, or alphanumeric/hyphen.
_PRE_IDENT = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_BUILD_IDENT = r"[0-9A-Za-z-]+"
# Prerelease and build are only allowed after a full MAJOR.MINOR.PATCH.
_SEMVER_RE = re.compile(
    rf"v(?P<major>{_NUM})"
    rf"(?:\.(?P<minor>{_NUM})"
    rf"(?:\.(?P<patch>{_NUM})"
    rf"(?P<pre>-{_PRE_IDENT}(?:\.{_PRE_IDENT})*)?"
    rf"(?P<build>\+{_BUILD_IDENT}(?:\.{_BUILD_IDENT})*)?"
    r")?)?"
)


class ParsedVersion(NamedTuple):
    """The pieces of a valid version, as substrings of the original text.

    ``short`` is what :func:`canonical` appends to complete a shorthand
    (``".0.0"`` for ``v1``, ``".0"`` for ``v1.2``); ``prerelease`` keeps its ``-``
    and ``build`` its ``+`` so that callers can slice them off the original string.
    """

    major: str
    minor: str
    patch: str
    short: str
    prerelease: str
    build: str


@functools.lru_cache(maxsize=4096)
def _parse_cached(v: str) -> ParsedVersion | None:
    m = _SEMVER_RE.fullmatch(v)
    if m is None:
        return None
    major_, minor_, patch_, pre, build_ = m.group("major", "minor", "patch", "pre", "build")
    if minor_ is None:
        return ParsedVersion(major_, "0", "0", ".0.0", "", "")
    if patch_ is None:
        return ParsedVersion(major_, minor_, "0", ".0", "", "")
    return ParsedVersion(major_, minor_, patch_, "", pre or "", build_ or "")


def parse(v: str) -> ParsedVersion | None:
    """Split ``v`` into its parts, or return None when it is not a valid Go semver."""
    return _parse_cached(v)


def is_valid(v: str) -> bool:
    """Report whether ``v`` is a valid Go semantic version (``v1``, ``v1.2.3-pre+b``...)."""
    return _parse_cached(v) is not None


def canonical(v: str) -> str:
    """Return ``v`` with missing ``.MINOR``/``.PATCH`` filled in and build metadata dropped.

    Two versions compare equal exactly when their canonical forms are identical; an
    invalid version's canonical form is ``""``.
    """
    p = _parse_cached(v)
    if p is None:
        return ""
    if p.build:
        return v[: len(v) - len(p.build)]
    return v + p.short


def major(v: str) -> str:
    """Return the ``vMAJOR`` prefix of ``v`` (``"v2"`` for ``"v2.1.0"``), ``""`` if invalid."""
    p = _parse_cached(v)
    if p is None:
        return ""
    return v[: 1 + len(p.major)]


def major_minor(v: str) -> str:
    """Return the ``vMAJOR.MINOR`` prefix of ``v`` (``"v1.0"`` for ``"v1"``), ``""`` if invalid."""
    p = _parse_cached(v)
    if p is None:
        return ""
    i = 1 + len(p.major)
    if p.short == ".0.0":
        return v[:i] + "." + p.minor
    return v[: i + 1 + len(p.minor)]


def prerelease(v: str) -> str:
    """Return the prerelease suffix including its ``-`` (``"-pre"``), ``""`` if none/invalid."""
    p = _parse_cached(v)
    return "" if p is None else p.prerelease


def build(v: str) -> str:
    """Return the build suffix including its ``+`` (``"+meta"``), ``""`` if none/invalid."""
    p = _parse_cached(v)
    return "" if p is None else p.build


def _compare_int(x: str, y: str) -> int:
    # Numbers have no leading zeros, so the longer one is larger; same length: lexical.
    if x == y:
        return 0
    if (len(x), x) < (len(y), y):
        return -1
    return 1


def _is_num(ident: str) -> bool:
    return ident.isascii() and ident.isdigit()


def _compare_prerelease(x: str, y: str) -> int:
    # A release sorts above any of its prereleases; identifiers compare numerically when
    # both are numeric, numeric ones sort below alphanumeric ones, and a longer list of
    # identifiers wins when one is a prefix of the other (semver.org section 11).
    if x == y:
        return 0
    if not x:
        return 1
    if not y:
        return -1
    xs = x[1:].split(".")
    ys = y[1:].split(".")
    for dx, dy in zip(xs, ys, strict=False):
        if dx == dy:
            continue
        nx, ny = _is_num(dx), _is_num(dy)
        if nx != ny:
            return -1 if nx else 1
        if nx:
            return _compare_int(dx, dy)
        return -1 if dx < dy else 1
    return -1 if len(xs) < len(ys) else 1


def compare(v: str, w: str) -> int:
    """Compare two versions by Go's precedence: -1, 0 or +1.

    Invalid versions are all equal to each other and less than any valid one; build
    metadata is ignored, so ``v1.2.3`` and ``v1.2.3+meta`` compare equal.
    """
    pv = _parse_cached(v)
    pw = _parse_cached(w)
    if pv is None:
        return 0 if pw is None else -1
    if pw is None:
        return 1
    return (
        _compare_int(pv.major, pw.major)
        or _compare_int(pv.minor, pw.minor)
        or _compare_int(pv.patch, pw.patch)
        or _compare_prerelease(pv.prerelease, pw.prerelease)
    )


def max_version(v: str, w: str) -> str:
    """Canonicalize both versions and return the greater (``w`` on a tie).

    This mirrors x/mod's deprecated ``semver.Max``, including its canonicalizing result.
    """
    cv = canonical(v)
    cw = canonical(w)
    return cv if compare(cv, cw) > 0 else cw


_PreKey = tuple[tuple[int, int, str], ...]
PrecedenceKey = tuple[int, int, str, int, str, int, str, int, _PreKey]


def precedence_key(v: str) -> PrecedenceKey:
    """Return a sort key whose ordering agrees exactly with :func:`compare`.

    Sorting with a key is much faster than ``functools.cmp_to_key(compare)`` for the long
    version lists a module proxy returns.
    """
    p = _parse_cached(v)
    if p is None:
        return (0, 0, "", 0, "", 0, "", 0, ())
    pre_key: _PreKey = ()
    if not p.prerelease:
        pre_rank = 1
    else:
        pre_rank = 0
        pre_key = tuple(
            (0, len(ident), ident) if _is_num(ident) else (1, 0, ident)
            for ident in p.prerelease[1:].split(".")
        )
    return (
        1,
        len(p.major),
        p.major,
        len(p.minor),
        p.minor,
        len(p.patch),
        p.patch,
        pre_rank,
        pre_key,
    )


def _sort_key(v: str) -> tuple[PrecedenceKey, str]:
    return (precedence_key(v), v)


def sort_versions(versions: Iterable[str]) -> list[str]:
    """Return the versions sorted like Go's ``semver.Sort``.

    Order is by :func:`compare`, ties (``v1`` vs ``v1.0.0``, or two invalid strings)
    broken by plain string order so the result does not depend on the input order.
    """
    return sorted(versions, key=_sort_key)
