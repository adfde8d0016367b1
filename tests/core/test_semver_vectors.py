"""modlsp.core.semver against golang.org/x/mod/semver's own test table (semver.json)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from modlsp.core import semver

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
TABLE: dict[str, Any] = json.loads((DATA_DIR / "xmod" / "semver.json").read_text("utf-8"))
VERSIONS: list[dict[str, Any]] = TABLE["versions"]
INPUTS: list[str] = [entry["version"] for entry in VERSIONS]
PAIRS = [(i, j) for i in range(len(VERSIONS)) for j in range(len(VERSIONS))]


def _pair_id(pair: tuple[int, int]) -> str:
    i, j = pair
    return f"{INPUTS[i]}~{INPUTS[j]}"


def test_table_shape() -> None:
    # Guard the indexing below: the table is in ascending order, one row per input.
    assert [entry["index"] for entry in VERSIONS] == list(range(len(VERSIONS)))
    assert len(TABLE["compare_matrix"]) == len(TABLE["max_matrix"]) == len(VERSIONS)
    assert sorted(TABLE["sort_golden"]) == sorted(INPUTS)


@pytest.mark.parametrize("entry", VERSIONS, ids=INPUTS)
def test_parts(entry: dict[str, Any]) -> None:
    v = entry["version"]
    assert semver.is_valid(v) is entry["valid"]
    assert semver.canonical(v) == entry["canonical"]
    assert semver.major(v) == entry["major"]
    assert semver.major_minor(v) == entry["majorMinor"]
    assert semver.prerelease(v) == entry["prerelease"]
    assert semver.build(v) == entry["build"]
    assert (semver.parse(v) is not None) is entry["valid"]


@pytest.mark.parametrize("pair", PAIRS, ids=_pair_id)
def test_compare_matrix(pair: tuple[int, int]) -> None:
    i, j = pair
    v, w = INPUTS[i], INPUTS[j]
    want = TABLE["compare_matrix"][i][j]
    # The rule the matrix was generated from (see compare_rule in the json).
    out_i, out_j = VERSIONS[i]["canonical"], VERSIONS[j]["canonical"]
    assert want == (0 if out_i == out_j else (-1 if i < j else 1))
    assert semver.compare(v, w) == want
    kv, kw = semver.precedence_key(v), semver.precedence_key(w)
    assert (kv > kw) - (kv < kw) == want  # the sort key agrees with compare


@pytest.mark.parametrize("pair", PAIRS, ids=_pair_id)
def test_max_matrix(pair: tuple[int, int]) -> None:
    i, j = pair
    want = TABLE["max_matrix"][i][j]
    assert want == (VERSIONS[j]["canonical"] if i < j else VERSIONS[i]["canonical"])
    assert semver.max_version(INPUTS[i], INPUTS[j]) == want


def test_sort_golden_is_in_order() -> None:
    assert semver.sort_versions(TABLE["sort_golden"]) == TABLE["sort_golden"]


@pytest.mark.parametrize("seed", range(8), ids=lambda seed: f"shuffle-seed-{seed}")
def test_sort_golden_shuffled(seed: int) -> None:
    shuffled = list(TABLE["sort_golden"])
    random.Random(seed).shuffle(shuffled)
    assert semver.sort_versions(shuffled) == TABLE["sort_golden"]


def test_sort_accepts_any_iterable() -> None:
    assert semver.sort_versions(iter(["v1.10.0", "v1.9.0", "v1.9.0-rc.1"])) == [
        "v1.9.0-rc.1",
        "v1.9.0",
        "v1.10.0",
    ]


@pytest.mark.parametrize(
    ("v", "valid"),
    [
        ("v01.2.3", False),  # leading zero
        ("v1.02.3", False),
        ("v1.2.03", False),
        ("v1.2.3-01", False),  # numeric prerelease identifier with a leading zero
        ("v1.2.3-0a", True),  # not numeric, so the zero is fine
        ("v1.2.3-", False),
        ("v1.2.3-a..b", False),
        ("v1.2.3+", False),
        ("v1.2.3+a..b", False),
        ("v1.2.3+001", True),  # build identifiers may have leading zeros
        ("V1.2.3", False),
        ("1.2.3", False),
        ("v1.2.3\n", False),  # no trailing newline sneaking through a regex `$`
        ("v1.2.3.4", False),
        ("v1.٣.3", False),  # non-ASCII digits are not digits to Go
        ("v99999999999999999999.0.0", True),
    ],
)
def test_validity_edge_cases(v: str, valid: bool) -> None:
    assert semver.is_valid(v) is valid


@pytest.mark.parametrize(
    ("v", "w", "want"),
    [
        ("v1.2.3-alpha.10", "v1.2.3-alpha.9", 1),  # numeric identifiers compare as numbers
        ("v1.2.3-alpha.9", "v1.2.3-alpha.a", -1),  # numeric sorts below alphanumeric
        ("v1.2.3-alpha", "v1.2.3-alpha.0", -1),  # a longer identifier list wins
        ("v1.2.3-A", "v1.2.3-a", -1),  # ASCII order
        ("v10.0.0", "v9.0.0", 1),
        ("v99999999999999999999.0.0", "v99999999999999999998.0.0", 1),
        ("v1.2.3+a", "v1.2.3+b", 0),  # build metadata is ignored
        ("bad", "worse", 0),
        ("bad", "v0.0.0", -1),
    ],
)
def test_compare_edge_cases(v: str, w: str, want: int) -> None:
    assert semver.compare(v, w) == want
    assert semver.compare(w, v) == -want
