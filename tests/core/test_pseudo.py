"""modlsp.core.pseudo: x/mod's pseudo-version functions and the malformed-version diagnosis.

The x/mod tables themselves run in test_modpath_vectors.py; the exact error texts and
time verdicts below were checked against x/mod at the tables' commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from modlsp.core import pseudo, semver

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
REV = "daa7c04131f5"
TS = "20191109021931"

GOOD = [
    f"v0.0.0-{TS}-{REV}",  # form 1: no earlier tag
    f"v3.0.0-{TS}-{REV}",
    f"v1.2.4-0.{TS}-{REV}",  # form 2: after v1.2.3
    f"v1.2.10-0.{TS}-{REV}",
    f"v2.0.1-0.{TS}-{REV}+incompatible",
    f"v1.2.3-pre.0.{TS}-{REV}",  # form 3: after v1.2.3-pre
    f"v1.2.3-0.0.{TS}-{REV}",  # form 3 after the odd tag v1.2.3-0
    f"v2.3.0-pre.0.{TS}-{REV}+incompatible",
    f"v1.0.1-0.{TS}-{REV}+meta",  # x/mod keeps other build metadata on forms 2 and 3
    "v0.0.0-00010101000000-000000000000",  # the zero placeholder
    "v0.0.0-20200229000000-abcdefabcdef",  # leap day
    "v0.0.0-00000229000000-abcdefabcdef",  # year 0 is a (proleptic Gregorian) leap year
]

NOT_PSEUDO_LOOKING = [
    "v1.0.0",
    "v1.0.0-rc.1",
    "v1.0.0-2019-08-07",  # a date, not a time and a hash
    "v1.0.0-1-2",
    "v1.36.11-20260626152828-968bf0468096.1",  # buf.build generated SDK: a tag, not a pseudo
    "v1.2.3-beta.1-20",
    "v1.0.0-20191109",  # no revision
    f"v1.0.0-{TS}",
    f"1.0.0-{TS}-{REV}",  # not semver at all: reported elsewhere
    f"v01.2.3-{TS}-{REV}",  # invalid semver (leading zero)
    f"v1.2.3-0.{TS}-{REV}+",  # invalid semver (empty build)
]

DIGITS14 = "should be 14 digits (yyyymmddhhmmss)"
HEX12 = "should be 12 lowercase hex digits"
AFTER = "pseudo-version after"
MALFORMED = [
    (f"v0.0.0-2019110902193-{REV}", f'malformed time "2019110902193": {DIGITS14}'),
    (f"v0.0.0-201911090219310-{REV}", f'malformed time "201911090219310": {DIGITS14}'),
    (f"v0.0.0-201911-{REV}", f'malformed time "201911": {DIGITS14}'),
    (f"v1.2.3-0.0{TS}-{REV}", f'malformed time "020191109021931": {DIGITS14}'),
    (f"v0.0.0-20191309021931-{REV}", 'malformed time "20191309021931": month out of range'),
    (f"v0.0.0-20191100021931-{REV}", 'malformed time "20191100021931": day out of range'),
    (f"v0.0.0-20190229021931-{REV}", 'malformed time "20190229021931": day out of range'),
    (f"v0.0.0-21000229021931-{REV}", 'malformed time "21000229021931": day out of range'),
    (f"v0.0.0-20190431021931-{REV}", 'malformed time "20190431021931": day out of range'),
    (f"v0.0.0-20191109241931-{REV}", 'malformed time "20191109241931": hour out of range'),
    (f"v0.0.0-20191109026031-{REV}", 'malformed time "20191109026031": minute out of range'),
    (f"v0.0.0-20191109021960-{REV}", 'malformed time "20191109021960": second out of range'),
    (f"v0.0.0-{TS}-DAA7C04131F5", f'malformed revision "DAA7C04131F5": {HEX12}'),
    (f"v0.0.0-{TS}-daa7c04", f'malformed revision "daa7c04": {HEX12}'),
    (f"v0.0.0-{TS}-daa7c04131f5aa", f'malformed revision "daa7c04131f5aa": {HEX12}'),
    (f"v0.0.0-{TS}-hash", f'malformed revision "hash": {HEX12}'),
    (f"v1.2.3-{TS}-{REV}", f"{AFTER} v1.2.3 should be v1.2.4-0.{TS}-{REV}"),
    (f"v1.0.1-{TS}-{REV}", f"{AFTER} v1.0.1 should be v1.0.2-0.{TS}-{REV}"),
    (
        f"v2.1.0-{TS}-{REV}+incompatible",
        f"{AFTER} v2.1.0+incompatible should be v2.1.1-0.{TS}-{REV}+incompatible",
    ),
    (f"v1.2.3-pre-{TS}-{REV}", f"{AFTER} v1.2.3-pre should be v1.2.3-pre.0.{TS}-{REV}"),
    (f"v1.2.3-pre.{TS}-{REV}", f"{AFTER} v1.2.3-pre should be v1.2.3-pre.0.{TS}-{REV}"),
    (f"v1.0.0-alpha.1-{TS}-{REV}", f"{AFTER} v1.0.0-alpha.1 should be v1.0.0-alpha.1.0.{TS}-{REV}"),
    (f"v1.2.0-0.{TS}-{REV}", "version before v1.2.0 would have negative patch number"),
    (f"v1.0.0-0.{TS}-{REV}", "version before v1.0.0 would have negative patch number"),
    (
        f"v0.0.0-{TS}-{REV}+incompatible",
        'lacks base version, but has build metadata "+incompatible"',
    ),
    (f"v0.0.0-{TS}-{REV}+meta", 'lacks base version, but has build metadata "+meta"'),
    (
        f"v1.2.3-pre.-{TS}-{REV}",
        "malformed pseudo-version: want vX.0.0-, vX.Y.Z-0. or vX.Y.Z-pre.0. before the time",
    ),
]


@pytest.mark.parametrize("version", GOOD)
def test_good_pseudo_versions(version: str) -> None:
    assert pseudo.check_pseudo_version(version) is None
    assert pseudo.is_pseudo_version(version)
    pseudo.pseudo_version_base(version)  # x/mod agrees: no error
    assert pseudo.pseudo_version_rev(version) == version.split("+")[0].rsplit("-", 1)[1]


@pytest.mark.parametrize("version", NOT_PSEUDO_LOOKING)
def test_not_judged(version: str) -> None:
    assert pseudo.check_pseudo_version(version) is None


@pytest.mark.parametrize(("version", "message"), MALFORMED, ids=[v for v, _ in MALFORMED])
def test_malformed(version: str, message: str) -> None:
    assert semver.is_valid(version)  # the go command would accept all of these offline
    assert pseudo.check_pseudo_version(version) == message


SUGGESTIONS = [(v, m) for v, m in MALFORMED if m.startswith(AFTER)]


@pytest.mark.parametrize(("version", "message"), SUGGESTIONS, ids=[v for v, _ in SUGGESTIONS])
def test_suggestions_are_good(version: str, message: str) -> None:
    suggestion = message.rpartition(" should be ")[2]
    assert pseudo.check_pseudo_version(suggestion) is None
    assert pseudo.is_pseudo_version(suggestion)
    assert pseudo.pseudo_version_base(suggestion) == message.split()[2]  # the tag named


@pytest.mark.parametrize(
    ("version", "time_ok"),
    [
        ("v0.0.0-20190229000000-abcdefabcdef", False),
        ("v0.0.0-20200229000000-abcdefabcdef", True),
        ("v0.0.0-21000229000000-abcdefabcdef", False),
        ("v0.0.0-00000229000000-abcdefabcdef", True),
        ("v0.0.0-20001301000000-abcdefabcdef", False),
        ("v0.0.0-20000100000000-abcdefabcdef", False),
        ("v0.0.0-20000131240000-abcdefabcdef", False),
        ("v0.0.0-20000131236000-abcdefabcdef", False),
        ("v0.0.0-20000131235960-abcdefabcdef", False),
        ("v0.0.0-20000431000000-abcdefabcdef", False),
    ],
)
def test_pseudo_version_time(version: str, time_ok: bool) -> None:
    ts = version.split("-")[1]
    if time_ok:
        assert pseudo.pseudo_version_time(version) == ts
    else:
        with pytest.raises(ValueError) as info:
            pseudo.pseudo_version_time(version)
        assert str(info.value) == f'pseudo-version "{version}" invalid: malformed time "{ts}"'


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("v0.0.0", 'pseudo-version "v0.0.0" invalid: syntax error'),
        (
            "v0.1.0-0.20060102150405-hash",
            'pseudo-version "v0.1.0-0.20060102150405-hash" invalid: '
            "version before v0.1.0 would have negative patch number",
        ),
        (
            "v0.0.0-20060102150405-hash+incompatible",
            'pseudo-version "v0.0.0-20060102150405-hash+incompatible" invalid: '
            'lacks base version, but has build metadata "+incompatible"',
        ),
    ],
)
def test_pseudo_version_base_messages(version: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        pseudo.pseudo_version_base(version)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("version", "base"),
    [
        ("v1.2.1-0.20060102150405-hash", "v1.2.0"),
        ("v1.2.10-0.20060102150405-hash", "v1.2.9"),
        ("v1.2.100-0.20060102150405-hash", "v1.2.99"),
        ("v1.2.3-pre.0.20060102150405-hash+incompatible", "v1.2.3-pre+incompatible"),
    ],
)
def test_pseudo_version_base_decrements(version: str, base: str) -> None:
    assert pseudo.pseudo_version_base(version) == base


def test_zero_pseudo_version() -> None:
    assert pseudo.zero_pseudo_version("") == "v0.0.0-00010101000000-000000000000"
    assert pseudo.zero_pseudo_version("v5") == "v5.0.0-00010101000000-000000000000"
    assert pseudo.is_zero_pseudo_version("v5.0.0-00010101000000-000000000000")
    assert not pseudo.is_zero_pseudo_version(f"v5.0.0-{TS}-{REV}")


def test_pseudo_version_time_zone_and_naive() -> None:
    east = timezone(timedelta(hours=9))
    aware = datetime(2019, 11, 9, 11, 19, 31, tzinfo=east)
    naive = datetime(2019, 11, 9, 2, 19, 31)  # taken as UTC
    for t in (aware, naive):
        assert pseudo.pseudo_version("v2", "", t, REV) == f"v2.0.0-{TS}-{REV}"
