"""Pseudo-versions (golang.org/x/mod/module's pseudo.go), plus a diagnosis of broken ones.

A pseudo-version names an untagged commit while still sorting sensibly among tags:

1. ``vX.0.0-yyyymmddhhmmss-abcdefabcdef`` when there is no earlier tag for major X;
2. ``vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdefabcdef`` after the tag ``vX.Y.Z``;
3. ``vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef`` after the tag ``vX.Y.Z-pre``;

forms 2 and 3 may end in ``+incompatible``. The functions mirror x/mod exactly (errors
are ValueError carrying x/mod's message). :func:`check_pseudo_version` goes further:
a hand-edited pseudo-version is still a valid semver, so the go command accepts it
offline and only fails later, far from the typo; the language server reports it early.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime, timezone

from modlsp.core import semver
from modlsp.core.gostring import go_quote
from modlsp.core.modpath import format_invalid_version

_PSEUDO_RE = re.compile(
    r"v[0-9]+\.(?:0\.0-|[0-9]+\.[0-9]+-(?:[^+]*\.)?0\.)[0-9]{14}-[A-Za-z0-9]+"
    r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
)
_REV_RE = re.compile(r"[0-9a-f]{12}")
_DIGITS_RE = re.compile(r"[0-9]+")
_HEX_RE = re.compile(r"[0-9A-Fa-f]+")
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _invalid(v: str, reason: str) -> ValueError:
    return ValueError(format_invalid_version(v, reason, pseudo=True))


def _inc_decimal(decimal: str) -> str:
    # On strings, like x/mod: patch numbers may exceed any fixed-width integer.
    head = decimal.rstrip("9")
    zeros = "0" * (len(decimal) - len(head))
    if not head:
        return "1" + zeros
    return head[:-1] + chr(ord(head[-1]) + 1) + zeros


def _dec_decimal(decimal: str) -> str:
    """The decimal minus one, or ``""`` when it is zero."""
    head = decimal.rstrip("0")
    nines = "9" * (len(decimal) - len(head))
    if not head:
        return ""
    if head == "1" and len(decimal) > 1:
        return nines
    return head[:-1] + chr(ord(head[-1]) - 1) + nines


def _timestamp(t: datetime) -> str:
    # strftime("%Y") does not zero-pad years before 1000 on every platform, and the
    # zero pseudo-version uses year 1, so format by hand. Naive datetimes are UTC.
    if t.tzinfo is not None:
        t = t.astimezone(timezone.utc)
    return f"{t.year:04d}{t.month:02d}{t.day:02d}{t.hour:02d}{t.minute:02d}{t.second:02d}"


def _time_error(ts: str) -> str | None:
    """Why a 14-digit timestamp is not a real UTC time (Go's time.Parse wording), or None."""
    year, month, day = int(ts[0:4]), int(ts[4:6]), int(ts[6:8])
    if not 1 <= month <= 12:
        return "month out of range"
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= day <= _DAYS_IN_MONTH[month - 1] + (month == 2 and leap):
        return "day out of range"
    if int(ts[8:10]) > 23:
        return "hour out of range"
    if int(ts[10:12]) > 59:
        return "minute out of range"
    if int(ts[12:14]) > 59:
        return "second out of range"
    return None


def _assemble(major: str, older: str, segment: str) -> str:
    build = semver.build(older)
    older = semver.canonical(older)
    if not older:
        return f"{major or 'v0'}.0.0-{segment}"
    if semver.prerelease(older):
        return f"{older}.0.{segment}{build}"
    i = older.rfind(".") + 1
    return f"{older[:i]}{_inc_decimal(older[i:])}-0.{segment}{build}"


def pseudo_version(major: str, older: str, t: datetime, rev: str) -> str:
    """Build the pseudo-version for commit ``rev`` made at ``t`` after tag ``older``.

    ``major`` (default ``"v0"``) is only used when there is no ``older`` tag.
    """
    return _assemble(major, older, f"{_timestamp(t)}-{rev}")


def zero_pseudo_version(major: str) -> str:
    """The placeholder ``vX.0.0-00010101000000-000000000000`` used for replaced modules."""
    return pseudo_version(major, "", datetime(1, 1, 1, tzinfo=timezone.utc), "000000000000")


def is_zero_pseudo_version(v: str) -> bool:
    """Report whether ``v`` is the placeholder pseudo-version for its major version."""
    return v == zero_pseudo_version(semver.major(v))


def is_pseudo_version(v: str) -> bool:
    """Report whether ``v`` has one of the three pseudo-version forms."""
    return v.count("-") >= 2 and semver.is_valid(v) and _PSEUDO_RE.fullmatch(v) is not None


def _parse(v: str) -> tuple[str, str, str, str]:
    """Split into (base, timestamp, rev, build); base is ``vX.0.0`` or ends in ``-0``/``.0``."""
    if not is_pseudo_version(v):
        raise _invalid(v, "syntax error")
    build = semver.build(v)
    core = v[: len(v) - len(build)]
    core, _, rev = core.rpartition("-")
    dash = core.rfind("-")
    dot = core.rfind(".")
    cut = dot if dot > dash else dash
    return core[:cut], core[cut + 1 :], rev, build


def pseudo_version_base(v: str) -> str:
    """Return the tag the pseudo-version ``v`` builds on (``""`` for form 1).

    Raises ValueError with x/mod's message when ``v`` is not a pseudo-version or its
    base is impossible (``vX.Y.0-0.…`` would follow a negative patch number).
    """
    base, _, _, build = _parse(v)
    pre = semver.prerelease(base)
    if not pre:
        if build:
            # "vX.0.0-" says there is no tag, "+incompatible" that there is one.
            reason = f"lacks base version, but has build metadata {go_quote(build)}"
            raise _invalid(v, reason)
        return ""
    if pre == "-0":
        base = base[: -len(pre)]
        i = base.rfind(".")
        patch = _dec_decimal(base[i + 1 :])
        if not patch:
            raise _invalid(v, f"version before {base} would have negative patch number")
        return base[: i + 1] + patch + build
    return base[: -len(".0")] + build


def pseudo_version_rev(v: str) -> str:
    """Return the revision (commit hash prefix) of ``v``; ValueError if not pseudo."""
    return _parse(v)[2]


def pseudo_version_time(v: str) -> str:
    """Return the 14-digit UTC ``yyyymmddhhmmss`` timestamp of ``v``.

    Raises ValueError (x/mod's message) when ``v`` is not a pseudo-version or the
    timestamp is not a real date and time.
    """
    ts = _parse(v)[1]
    if _time_error(ts) is not None:
        raise _invalid(v, f"malformed time {go_quote(ts)}")
    return ts


def _base_form_error(head: str, sep: str, tail: str, build: str) -> str | None:
    """Check what precedes the timestamp (``head``, then ``sep``) against the forms."""
    parsed = semver.parse(head)
    if parsed is None:
        return "malformed pseudo-version: want vX.0.0-, vX.Y.Z-0. or vX.Y.Z-pre.0. before the time"
    if sep == "-" and not parsed.prerelease:
        if (parsed.minor, parsed.patch) != ("0", "0"):
            older = head + build
            return f"pseudo-version after {older} should be {_assemble('', older, tail)}"
        if build:
            return f"lacks base version, but has build metadata {go_quote(build)}"
        return None
    if sep == "." and parsed.prerelease == "-0":
        if parsed.patch == "0":
            return f"version before {head[:-2]} would have negative patch number"
        return None
    if sep == "." and parsed.prerelease.endswith(".0"):
        return None
    # vX.Y.Z-pre-TIME-REV or vX.Y.Z-pre.TIME-REV: the ".0." of form 3 is missing.
    return f"pseudo-version after {head}{build} should be {head}.0.{tail}{build}"


@functools.lru_cache(maxsize=8192)
def check_pseudo_version(v: str) -> str | None:
    """Explain why a version that looks like a pseudo-version is malformed, else None.

    "Looks like" means a valid semver whose prerelease ends in ``<digits>-<alnum>``
    with either at least 8 digits or a hex part of at least 7 characters. Versions that
    are not valid semver, or do not look like pseudo-versions, are not judged here.
    The checks go timestamp length, real date and time, 12 lowercase hex digits of
    revision, then the base form (``vX.0.0-``, ``-0.`` or ``.0.`` before the time).
    """
    p = semver.parse(v)
    if p is None or not p.prerelease:
        return None
    core = v[: len(v) - len(p.build)]
    pre_start = len(core) - len(p.prerelease)
    dash = core.rfind("-")
    if dash <= pre_start:
        return None
    rest, rev = core[:dash], core[dash + 1 :]
    cut = max(rest.rfind("-"), rest.rfind("."))
    head, sep, ts = rest[:cut], rest[cut], rest[cut + 1 :]
    if _DIGITS_RE.fullmatch(ts) is None or "." in rev:
        # A dot after the revision makes it a tag of another scheme, such as buf.build's
        # generated SDK versions (v1.36.11-20260626152828-968bf0468096.1), not a pseudo-version.
        return None
    if len(ts) < 8 and not (len(rev) >= 7 and _HEX_RE.fullmatch(rev)):
        return None

    if len(ts) != 14:
        return f"malformed time {go_quote(ts)}: should be 14 digits (yyyymmddhhmmss)"
    time_err = _time_error(ts)
    if time_err is not None:
        return f"malformed time {go_quote(ts)}: {time_err}"
    if _REV_RE.fullmatch(rev) is None:
        return f"malformed revision {go_quote(rev)}: should be 12 lowercase hex digits"
    form_err = _base_form_error(head, sep, f"{ts}-{rev}", p.build)
    if form_err is not None:
        return form_err
    try:  # the checks above should cover x/mod's; keep its verdict authoritative
        pseudo_version_base(v)
    except ValueError as err:
        return str(err)
    return None
