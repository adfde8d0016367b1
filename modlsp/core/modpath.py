"""Module, import and file path rules of golang.org/x/mod/module, with its exact messages.

Diagnostics must read exactly like the go command's (users search for them, and tests
compare them with ``go`` itself), so every check returns x/mod's error text byte for byte,
including Go's ``%q`` quoting. Paths are ``str``; bytes that are not valid UTF-8 are
expected as lone surrogates, the way ``bytes.decode("utf-8", "surrogateescape")`` leaves
them; any lone surrogate counts as invalid UTF-8, as Go would see the raw bytes.

Checks run for every requirement line on every keystroke, so they use module-level
compiled patterns and tables and cache their results.

Unicode tables come from Python's :mod:`unicodedata`; where it is older than Go's (for
characters assigned after it), "is it a letter" and "is it printable" may differ.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import NamedTuple

from modlsp.core import semver
from modlsp.core.gostring import go_bytes as _go_bytes
from modlsp.core.gostring import go_quote, go_quote_rune
from modlsp.core.gostring import is_valid_utf8 as _is_valid_utf8

# --- Path checks ---

_MODULE, _IMPORT, _FILE = 0, 1, 2
_KIND_NAMES = ("module", "import", "file")
# First character that a path element of each kind may not contain (file paths
# additionally allow any non-ASCII letter, checked separately).
_BAD_CHAR_RE = (
    re.compile(r"[^-.0-9A-Z_a-z~]"),
    re.compile(r"[^-+.0-9A-Z_a-z~]"),
    re.compile(r"[^ !#$%&()+,\-.0-9=@A-Z\[\]^_a-z{}~]"),
)
# The first element is a domain name: lower-case LDH only, to avoid case ambiguity.
_FIRST_ELEM_BAD_RE = re.compile(r"[^-.0-9a-z]")
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)]
)


def _check_elem(elem: str, kind: int) -> str | None:
    """Why one slash-free element is not allowed, or None."""
    if not elem:
        return "empty path element"
    if elem.count(".") == len(elem):
        return f"invalid path element {go_quote(elem)}"
    if elem[0] == "." and kind == _MODULE:
        return "leading dot in path element"
    if elem[-1] == ".":
        return "trailing dot in path element"
    for m in _BAD_CHAR_RE[kind].finditer(elem):
        c = m.group()
        if kind == _FILE and c >= "\x80" and c.isalpha():
            continue
        return f"invalid char {go_quote_rune(c)}"
    # Windows reserves device names before any extension, in any case. Only ASCII can
    # case-fold onto these names, so non-ASCII elements need no Unicode folding.
    short = elem.partition(".")[0]
    if short.isascii() and short.upper() in _WINDOWS_RESERVED:
        return f"{go_quote(short)} disallowed as path element component on Windows"
    if kind == _FILE:
        return None
    # "name~1" looks like a Windows 8.3 short name and could alias another file.
    tilde = short.rfind("~")
    if 0 <= tilde < len(short) - 1:
        suffix = short[tilde + 1 :]
        if suffix.isascii() and suffix.isdigit():
            return "trailing tilde and digits in path element"
    return None


def _check_path(path: str, kind: int) -> str | None:
    """The rules' complaint about ``path``, or None."""
    if not _is_valid_utf8(path):
        return "invalid UTF-8"
    if not path:
        return "empty string"
    if path[0] == "-" and kind != _FILE:
        return "leading dash"
    if "//" in path:
        return "double slash"
    if path[-1] == "/":
        return "trailing slash"
    for elem in path.split("/"):
        err = _check_elem(elem, kind)
        if err is not None:
            return err
    return None


def _module_path_error(path: str) -> str | None:
    err = _check_path(path, _MODULE)
    if err is not None:
        return err
    # (x/mod's "leading slash" and "leading dash in first path element" cannot happen here:
    # _check_path already reported an empty element or a leading dash.)
    first = path.partition("/")[0]
    if "." not in first:
        return "missing dot in first path element"
    m = _FIRST_ELEM_BAD_RE.search(first)
    if m is not None:
        return f"invalid char {go_quote_rune(m.group())} in first path element"
    if not split_path_version(path).ok:
        return "invalid version"
    return None


@functools.lru_cache(maxsize=8192)
def _cached_check(path: str, kind: int) -> str | None:
    err = _module_path_error(path) if kind == _MODULE else _check_path(path, kind)
    if err is None:
        return None
    return f"malformed {_KIND_NAMES[kind]} path {go_quote(path)}: {err}"


def check_path(path: str) -> str | None:
    """Check a module path (stricter than an import path: domain first, sane ``/vN``)."""
    return _cached_check(path, _MODULE)


def check_import_path(path: str) -> str | None:
    """Check a package import path (allows ``+`` and needs no dot); error or None."""
    return _cached_check(path, _IMPORT)


def check_file_path(path: str) -> str | None:
    """Check a slash-separated file path inside a module zip; error or None."""
    return _cached_check(path, _FILE)


# --- Major version suffixes ---


class SplitPath(NamedTuple):
    """``prefix + path_major == path``; ``ok`` is False for a bad ``/v1``, ``/v0``, ``/v2.0``."""

    prefix: str
    path_major: str
    ok: bool


_MAJOR_SUFFIX_RE = re.compile(r"/v[0-9.]+\Z")
# gopkg.in paths always carry their major as ".vN" (v0 allowed, -unstable optional).
_GOPKG_SUFFIX_RE = re.compile(r"\.v[0-9]*(?:-unstable)?\Z")


def prefixes(path: str) -> Iterator[str]:
    """`path` and each of its parent paths, longest first: the module paths an import path
    could lie in (`a/b/c`, `a/b`, `a`)."""
    while True:
        yield path
        slash = path.rfind("/")
        if slash < 0:
            return
        path = path[:slash]


@functools.lru_cache(maxsize=8192)
def split_path_version(path: str) -> SplitPath:
    """Split off the major-version suffix: ``/vN`` (N >= 2, no leading 0) or gopkg.in's ``.vN``.

    A final element such as ``v1`` or ``v2.0`` gives ``ok`` False: not a module path.
    """
    if path.startswith("gopkg.in/"):
        m = _GOPKG_SUFFIX_RE.search(path)
        major = m.group() if m else ""
        if len(major) <= 2 or (major[2] == "0" and major != ".v0"):
            return SplitPath(path, "", False)
        return SplitPath(path[: len(path) - len(major)], major, True)
    m = _MAJOR_SUFFIX_RE.search(path)
    if m is None:
        return SplitPath(path, "", True)
    path_major = m.group()
    if "." in path_major or path_major[2] == "0" or path_major == "/v1":
        return SplitPath(path, "", False)
    return SplitPath(path[: m.start()], path_major, True)


@functools.lru_cache(maxsize=8192)
def check_path_major(version: str, path_major: str) -> str | None:
    """Why ``version`` does not fit a path ending in ``path_major``, or None.

    Returns x/mod's reason only (``"should be v0 or v1, not v2"``); wrap it with
    :func:`format_invalid_version` for the go command's full ``version "..." invalid: ...``.
    """
    if path_major.startswith(".v") and path_major.endswith("-unstable"):
        path_major = path_major[: -len("-unstable")]
    if version.startswith("v0.0.0-") and path_major == ".v1":
        # Old vgo wrote v0.0.0 pseudo-versions for gopkg.in/x.v1; go.mod files still have them.
        return None
    m = semver.major(version)
    if not path_major:
        if m in ("v0", "v1") or semver.build(version) == "+incompatible":
            return None
        path_major = "v0 or v1"
    elif path_major[0] in "/.":
        if m == path_major[1:]:
            return None
        path_major = path_major[1:]
    return f"should be {path_major}, not {m}"


def match_path_major(version: str, path_major: str) -> bool:
    """Report whether ``version`` fits a module path whose suffix is ``path_major``."""
    return check_path_major(version, path_major) is None


def format_invalid_version(version: str, reason: str, pseudo: bool = False) -> str:
    """x/mod's InvalidVersionError text: ``version "v2.0.0" invalid: <reason>``."""
    noun = "pseudo-version" if pseudo else "version"
    return f"{noun} {go_quote(version)} invalid: {reason}"


def path_major_prefix(path_major: str) -> str:
    """The tag prefix a suffix implies: ``"/v2"`` -> ``"v2"``, ``".v1-unstable"`` -> ``"v1"``.

    Raises ValueError where x/mod panics (no separator, or not a major version).
    """
    if not path_major:
        return ""
    if path_major[0] not in "/.":
        raise ValueError(f"pathMajor suffix {path_major} passed to PathMajorPrefix lacks separator")
    if path_major.startswith(".v") and path_major.endswith("-unstable"):
        path_major = path_major[: -len("-unstable")]
    m = path_major[1:]
    if m != semver.major(m):
        raise ValueError(
            f"pathMajor suffix {path_major} passed to PathMajorPrefix is not a valid major version"
        )
    return m


def check(path: str, version: str) -> str | None:
    """Check a module path and version together, with module.Check's wording, or None."""
    err = check_path(path)
    if err is not None:
        return err
    if not semver.is_valid(version):
        return f"{path}@{version}: invalid version: not a semantic version"
    reason = check_path_major(version, split_path_version(path).path_major)
    if reason is not None:
        return f"{path}@{version}: invalid version: {reason}"
    return None


@functools.lru_cache(maxsize=8192)
def canonical_version(v: str) -> str:
    """Like :func:`semver.canonical` but keeps ``+incompatible``, which is meaningful."""
    cv = semver.canonical(v)
    if semver.build(v) == "+incompatible":
        cv += "+incompatible"
    return cv


# --- Case escaping for proxies and the module cache ---

_ESCAPE_TABLE = str.maketrans({chr(c): "!" + chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})
# Escaped text: ASCII without '!' or upper case, except '!' + lower-case letter.
_ESCAPED_RE = re.compile(r"(?:[\x00-\x20\x22-\x40\x5b-\x7f]|![a-z])*")
_BANG_RE = re.compile(r"!([a-z])")


def _escape_string(s: str) -> str:
    if "!" in s or not s.isascii():
        raise ValueError("internal error: inconsistency in EscapePath")
    return s.translate(_ESCAPE_TABLE)


def _unescape_string(escaped: str) -> str | None:
    if _ESCAPED_RE.fullmatch(escaped) is None:
        return None
    return _BANG_RE.sub(lambda m: m.group(1).upper(), escaped)


def escape_path(path: str) -> str:
    """Escape upper case as ``!`` + lower case, so case-insensitive stores stay unambiguous.

    Raises ValueError with :func:`check_path`'s message for an invalid path.
    """
    err = check_path(path)
    if err is not None:
        raise ValueError(err)
    return _escape_string(path)


def escape_version(v: str) -> str:
    """Escape a version for proxy URLs; non-semver is fine but it must be a file name."""
    if "!" in v or _check_elem(v, _FILE) is not None:
        raise ValueError(format_invalid_version(v, "disallowed version string"))
    return _escape_string(v)


def unescape_path(escaped: str) -> str:
    """Invert :func:`escape_path`; raise ValueError for bad escapes or invalid paths."""
    path = _unescape_string(escaped)
    if path is None:
        raise ValueError(f"invalid escaped module path {go_quote(escaped)}")
    err = check_path(path)
    if err is not None:
        raise ValueError(f"invalid escaped module path {go_quote(escaped)}: {err}")
    return path


def unescape_version(escaped: str) -> str:
    """Invert :func:`escape_version`; raise ValueError with x/mod's message."""
    v = _unescape_string(escaped)
    if v is None:
        raise ValueError(f"invalid escaped version {go_quote(escaped)}")
    err = _check_elem(v, _FILE)
    if err is not None:
        raise ValueError(f"invalid escaped version {go_quote(v)}: {err}")
    return v


# --- GOPRIVATE-style glob matching (Go's path.Match, on bytes like Go) ---


class _BadPatternError(Exception):
    pass


_STAR, _QMARK, _LBRACK, _RBRACK, _BSLASH, _SLASH, _DASH = b"*?[]\\/-"


def _decode_rune(b: bytes) -> tuple[int, int]:
    """Go's utf8.DecodeRune: (rune, width), (U+FFFD, 1) on invalid input."""
    if b[0] < 0x80:
        return b[0], 1
    for n in (2, 3, 4):
        try:
            return ord(b[:n].decode("utf-8")), n
        except (UnicodeDecodeError, TypeError):
            continue
    return 0xFFFD, 1


def _scan_chunk(pattern: bytes) -> tuple[bool, bytes, bytes]:
    stripped = pattern.lstrip(b"*")
    star = len(stripped) != len(pattern)
    in_range = False
    i = 0
    while i < len(stripped):
        c = stripped[i]
        if c == _BSLASH:
            if i + 1 < len(stripped):
                i += 1
        elif c == _LBRACK:
            in_range = True
        elif c == _RBRACK:
            in_range = False
        elif c == _STAR and not in_range:
            return star, stripped[:i], stripped[i:]
        i += 1
    return star, stripped, b""


def _get_esc(chunk: bytes) -> tuple[int, bytes]:
    if not chunk or chunk[0] in (_DASH, _RBRACK):
        raise _BadPatternError
    if chunk[0] == _BSLASH:
        chunk = chunk[1:]
        if not chunk:
            raise _BadPatternError
    r, n = _decode_rune(chunk)
    if (r == 0xFFFD and n == 1) or len(chunk) == n:
        raise _BadPatternError
    return r, chunk[n:]


def _match_chunk(chunk: bytes, s: bytes) -> bytes | None:
    """Match a star-free chunk at the start of ``s``: the rest of ``s``, or None.

    Scanning goes on after a mismatch, as in Go, so a malformed pattern always raises.
    """
    failed = False
    while chunk:
        failed = failed or not s
        c = chunk[0]
        if c == _LBRACK:
            r = 0
            if not failed:
                r, n = _decode_rune(s)
                s = s[n:]
            negated = chunk[1:2] == b"^"
            chunk = chunk[1 + negated :]
            matched = False
            nrange = 0
            while not (chunk[:1] == b"]" and nrange > 0):
                lo, chunk = _get_esc(chunk)
                hi = lo
                if chunk[0] == _DASH:
                    hi, chunk = _get_esc(chunk[1:])
                matched = matched or lo <= r <= hi
                nrange += 1
            chunk = chunk[1:]
            failed = failed or matched == negated
        elif c == _QMARK:
            if not failed:
                failed = s[0] == _SLASH
                s = s[_decode_rune(s)[1] :]
            chunk = chunk[1:]
        else:
            if c == _BSLASH:
                chunk = chunk[1:]
                if not chunk:
                    raise _BadPatternError
            if not failed:
                failed = chunk[0] != s[0]
                s = s[1:]
            chunk = chunk[1:]
    return None if failed else s


def _go_match(pattern: bytes, name: bytes) -> bool:
    while pattern:
        star, chunk, pattern = _scan_chunk(pattern)
        if star and not chunk:
            return _SLASH not in name  # a trailing * matches the rest unless it has a /
        t = _match_chunk(chunk, name)
        if t is not None and (not t or pattern):
            name = t
            continue
        if star:  # retry after skipping 1, 2, ... bytes, but never a slash
            stop = len(name.split(b"/", 1)[0])
            rests = (_match_chunk(chunk, name[i + 1 :]) for i in range(stop))
            t = next((t for t in rests if t is not None and (pattern or not t)), None)
            if t is not None:
                name = t
                continue
        while pattern:  # a mismatch still has to validate the rest of the pattern
            _, chunk, pattern = _scan_chunk(pattern)
            _match_chunk(chunk, b"")
        return False
    return not name


def path_match(pattern: str, name: str) -> bool:
    """Go's ``path.Match`` (``*``, ``?``, ``[^a-z]``, ``\\x``; never across ``/``).

    Raises ValueError("syntax error in pattern") for a malformed pattern.
    """
    try:
        return _go_match(_go_bytes(pattern), _go_bytes(name))
    except _BadPatternError:
        raise ValueError("syntax error in pattern") from None


def match_prefix_patterns(globs: str, target: str) -> bool:
    """Report whether a path prefix of ``target`` matches one of the comma-separated globs.

    This is how GOPRIVATE, GONOPROXY and GONOSUMDB select modules: a glob with N slashes
    is matched against the first N+1 elements of the path. Empty and malformed globs are
    ignored, and trailing slashes on globs do not matter.
    """
    while globs:
        glob, _, globs = globs.partition(",")
        glob = glob.removesuffix("/")
        if not glob:
            continue
        n = glob.count("/")
        parts = target.split("/", n + 1)
        if len(parts) < n + 1:
            continue  # not enough path elements
        prefix = "/".join(parts[: n + 1]) if len(parts) > n + 1 else target
        try:
            if _go_match(_go_bytes(glob), _go_bytes(prefix)):
                return True
        except _BadPatternError:
            continue
    return False
