"""modlsp.core.modpath (and pseudo) against golang.org/x/mod/module's own test tables.

module_paths.json holds x/mod's checkPathTests with the library's exact results;
module_other_tables.json holds the remaining tables of module_test.go and pseudo_test.go.
The hand-written cases at the end were checked against x/mod at the same commit.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from modlsp.core import gostring, modpath, pseudo

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
PATHS: list[dict[str, Any]] = json.loads(
    (DATA_DIR / "xmod" / "module_paths.json").read_text("utf-8")
)
OTHER: dict[str, Any] = json.loads(
    (DATA_DIR / "xmod" / "module_other_tables.json").read_text("utf-8")
)
USED_TABLES = {
    "Check_tests",
    "EscapePath_tests",
    "MatchPathMajor_tests",
    "MatchPrefixPatterns_tests",
    "PseudoVersionBase_invalid",
    "PseudoVersion_tests",
    "SplitPathVersion_tests",
    "UnescapePath_bad",
}
PSEUDO_TIME = datetime(2006, 1, 2, 15, 4, 5, tzinfo=timezone.utc)


def table(name: str) -> list[Any]:
    """A table of module_other_tables.json by its leading name (keys carry a description)."""
    (key,) = [k for k in OTHER if k.split(" ", 1)[0] == name]
    rows: list[Any] = OTHER[key]
    return rows


def go_str(hex_or_text: str | dict[str, str]) -> str:
    """Text as modlsp sees Go bytes: invalid UTF-8 as surrogateescape'd lone surrogates."""
    if isinstance(hex_or_text, dict):
        return bytes.fromhex(hex_or_text["invalid_utf8_hex"]).decode("utf-8", "surrogateescape")
    return hex_or_text


def entry_path(entry: dict[str, Any]) -> str:
    return bytes.fromhex(entry["path_hex"]).decode("utf-8", "surrogateescape")


def path_id(entry: dict[str, Any]) -> str:
    return f"{entry['index']:03d}-{entry['go_literal']}"


def test_every_table_is_used() -> None:
    assert {k.split(" ", 1)[0] for k in OTHER if not k.startswith("_")} - {"source"} == USED_TABLES


# --- module_paths.json: checkPathTests -------------------------------------------------


@pytest.mark.parametrize("entry", PATHS, ids=path_id)
def test_path_encoding(entry: dict[str, Any]) -> None:
    path = entry_path(entry)
    if entry["path"] is not None:
        assert path == entry["path"]
    assert gostring.go_quote(path) == entry["go_literal"]


@pytest.mark.parametrize("entry", PATHS, ids=path_id)
def test_check_path(entry: dict[str, Any]) -> None:
    err = modpath.check_path(entry_path(entry))
    assert err == entry["lib_CheckPath_err"]
    assert (err is None) is entry["checkPath_ok"]


@pytest.mark.parametrize("entry", PATHS, ids=path_id)
def test_check_import_path(entry: dict[str, Any]) -> None:
    err = modpath.check_import_path(entry_path(entry))
    assert err == entry["lib_CheckImportPath_err"]
    assert (err is None) is entry["checkImportPath_ok"]


@pytest.mark.parametrize("entry", PATHS, ids=path_id)
def test_check_file_path(entry: dict[str, Any]) -> None:
    err = modpath.check_file_path(entry_path(entry))
    assert err == entry["lib_CheckFilePath_err"]
    assert (err is None) is entry["checkFilePath_ok"]


@pytest.mark.parametrize("entry", PATHS, ids=path_id)
def test_split_path_version_of_check_paths(entry: dict[str, Any]) -> None:
    path = entry_path(entry)
    want = entry["lib_SplitPathVersion"]
    got = modpath.split_path_version(path)
    assert got == modpath.SplitPath(go_str(want["prefix"]), want["pathMajor"], want["ok"])
    assert got.prefix + got.path_major == path


@pytest.mark.parametrize("entry", PATHS, ids=path_id)
def test_escape_path_of_check_paths(entry: dict[str, Any]) -> None:
    path = entry_path(entry)
    want = entry["lib_EscapePath"]
    if want["err"] is None:
        assert modpath.escape_path(path) == want["result"]
    else:
        with pytest.raises(ValueError) as info:
            modpath.escape_path(path)
        assert str(info.value) == want["err"]


@pytest.mark.parametrize("entry", [e for e in PATHS if not e["checkPath_ok"]], ids=path_id)
def test_unescape_rejects_invalid_paths(entry: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"^invalid escaped module path "):
        modpath.unescape_path(entry_path(entry))


# --- module_other_tables.json -----------------------------------------------------------


@pytest.mark.parametrize("row", table("Check_tests"), ids=lambda r: f"{r['path']}@{r['version']}")
def test_check(row: dict[str, Any]) -> None:
    err = modpath.check(row["path"], row["version"])
    assert err == row["lib_err"]
    assert (err is None) is row["ok"]


@pytest.mark.parametrize("row", table("SplitPathVersion_tests"), ids=lambda r: r["input"])
def test_split_path_version(row: dict[str, Any]) -> None:
    got = modpath.split_path_version(row["input"])
    assert got == modpath.SplitPath(row["pathPrefix"], row["pathMajor"], row["ok"])


@pytest.mark.parametrize("row", table("EscapePath_tests"), ids=lambda r: r["path"])
def test_escape_round_trip(row: dict[str, Any]) -> None:
    assert modpath.escape_path(row["path"]) == row["escaped"]
    assert modpath.unescape_path(row["escaped"]) == row["path"]


@pytest.mark.parametrize("row", table("UnescapePath_bad"), ids=lambda r: r["escaped"] or "empty")
def test_unescape_bad(row: dict[str, Any]) -> None:
    with pytest.raises(ValueError) as info:
        modpath.unescape_path(row["escaped"])
    assert str(info.value) == row["lib_err"]


@pytest.mark.parametrize(
    "row", table("MatchPathMajor_tests"), ids=lambda r: f"{r['v']}~{r['pathMajor'] or 'none'}"
)
def test_match_path_major(row: dict[str, Any]) -> None:
    assert modpath.match_path_major(row["v"], row["pathMajor"]) is row["want"]
    assert (modpath.check_path_major(row["v"], row["pathMajor"]) is None) is row["want"]


@pytest.mark.parametrize(
    "row",
    table("MatchPrefixPatterns_tests"),
    ids=lambda r: f"{r['globs'] or 'empty'}~{r['target']}",
)
def test_match_prefix_patterns(row: dict[str, Any]) -> None:
    assert modpath.match_prefix_patterns(row["globs"], row["target"]) is row["want"]


@pytest.mark.parametrize("row", table("PseudoVersion_tests"), ids=lambda r: r["version"])
def test_pseudo_version(row: dict[str, Any]) -> None:
    version, older = row["version"], row["older"]
    assert pseudo.pseudo_version(row["major"], older, PSEUDO_TIME, "hash") == version
    assert pseudo.is_pseudo_version(version)
    assert not pseudo.is_pseudo_version(older)
    assert pseudo.pseudo_version_base(version) == older
    assert pseudo.pseudo_version_rev(version) == "hash"
    assert pseudo.pseudo_version_time(version) == "20060102150405"
    with pytest.raises(ValueError, match="syntax error"):
        pseudo.pseudo_version_rev(older)
    with pytest.raises(ValueError, match="syntax error"):
        pseudo.pseudo_version_time(older)


@pytest.mark.parametrize("version", table("PseudoVersionBase_invalid"))
def test_pseudo_version_base_invalid(version: str) -> None:
    with pytest.raises(ValueError, match=r'^pseudo-version ".*" invalid: '):
        pseudo.pseudo_version_base(version)


# --- hand-written cases, results taken from x/mod at the same commit ---------------------


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("", '""'),
        ('q"b\\s', r'"q\"b\\s"'),
        ("bell\a\b\f\r\v\t\n", r'"bell\a\b\f\r\v\t\n"'),
        ("nul\x00del\x7f", r'"nul\x00del\x7f"'),
        ("nbsp\u00a0zwsp\u200bbom\ufeff", r'"nbsp\u00a0zwsp\u200bbom\ufeff"'),
        ("\U000e0001", r'"\U000e0001"'),
        ("line\u2028", r'"line\u2028"'),
        ("emoji\U0001f600é☺\ufffd", '"emoji\U0001f600é☺\ufffd"'),
        ("bad\udcff\udcc3", r'"bad\xff\xc3"'),
    ],
)
def test_go_quote(text: str, quoted: str) -> None:
    assert gostring.go_quote(text) == quoted


@pytest.mark.parametrize(
    ("char", "quoted"),
    [("a", "'a'"), ("'", r"'\''"), ('"', "'\"'"), ("\\", r"'\\'"), ("\x00", r"'\x00'"),
     ("\u00a0", r"'\u00a0'"), ("\udcff", "'\ufffd'")],
)  # fmt: skip
def test_go_quote_rune(char: str, quoted: str) -> None:
    assert gostring.go_quote_rune(char) == quoted


@pytest.mark.parametrize(
    ("version", "path_major", "reason"),
    [
        ("v2.0.0", "", "should be v0 or v1, not v2"),
        ("v2.0.0", "/v3", "should be v3, not v2"),
        ("v1.0.0", ".v2-unstable", "should be v2, not v1"),
        ("v2.0.0", "v2", "should be v2, not v2"),  # no separator: x/mod never matches
        ("bad", "", "should be v0 or v1, not "),
        ("v0.0.0-2019", ".v1-unstable", None),  # old gopkg.in v0 pseudo-versions
        ("v3.0.0+incompatible", "", None),
        ("v3.0.0+incompatible", "/v2", "should be v2, not v3"),
    ],
)
def test_check_path_major(version: str, path_major: str, reason: str | None) -> None:
    assert modpath.check_path_major(version, path_major) == reason
    if reason is not None:
        full = modpath.format_invalid_version(version, reason)
        assert full == f'version "{version}" invalid: {reason}'


@pytest.mark.parametrize(
    ("version", "escaped", "escape_err"),
    [
        ("v1.0.0", "v1.0.0", None),
        ("v1.0.0-RC", "v1.0.0-!r!c", None),
        ("v1.0.0+Meta", "v1.0.0+!meta", None),
        ("v1.0.0 x", "v1.0.0 x", None),
        ("v1.0.0!", None, 'version "v1.0.0!" invalid: disallowed version string'),
        ("v1.0.0/x", None, 'version "v1.0.0/x" invalid: disallowed version string'),
        ("con", None, 'version "con" invalid: disallowed version string'),
        ("é", None, "internal error: inconsistency in EscapePath"),
    ],
)
def test_escape_version(version: str, escaped: str | None, escape_err: str | None) -> None:
    if escaped is not None:
        assert modpath.escape_version(version) == escaped
        assert modpath.unescape_version(escaped) == version
    else:
        with pytest.raises(ValueError) as info:
            modpath.escape_version(version)
        assert str(info.value) == escape_err


@pytest.mark.parametrize(
    ("escaped", "err"),
    [
        ("V1.0.0", 'invalid escaped version "V1.0.0"'),
        ("v1.0.0-!", 'invalid escaped version "v1.0.0-!"'),
        ("", 'invalid escaped version "": empty path element'),
        ("..", 'invalid escaped version "..": invalid path element ".."'),
        ("v1.0.0/x", "invalid escaped version \"v1.0.0/x\": invalid char '/'"),
        (
            "con",
            'invalid escaped version "con": "con" disallowed as path element component on Windows',
        ),
    ],
)
def test_unescape_version_bad(escaped: str, err: str) -> None:
    with pytest.raises(ValueError) as info:
        modpath.unescape_version(escaped)
    assert str(info.value) == err


@pytest.mark.parametrize(
    ("pattern", "name", "want"),
    [
        ("a*", "abc", True),
        ("a*", "a/b", False),
        ("a?c", "a/c", False),
        ("a[^b]c", "a/c", True),  # a character class may match a slash
        ("[a-c]x", "bx", True),
        (r"\*", "*", True),
        ("*", "", True),
        ("[b-a]", "a", False),  # an empty range matches nothing and is no error
        ("[é-☺]", "ö", True),
        ("[", "a", None),
        ("a[", "b", None),
        ("\\", "a", None),
        ("[a-]", "a", None),
        ("[]a]", "a", None),
        ("x*[", "y", None),  # malformed even though "x" already failed to match
    ],
)
def test_path_match(pattern: str, name: str, want: bool | None) -> None:
    if want is None:
        with pytest.raises(ValueError, match="syntax error in pattern"):
            modpath.path_match(pattern, name)
        assert not modpath.match_prefix_patterns(pattern, name)
    else:
        assert modpath.path_match(pattern, name) is want


@pytest.mark.parametrize(
    ("path_major", "prefix"),
    [("", ""), ("/v2", "v2"), (".v1", "v1"), (".v1-unstable", "v1"), (".v0", "v0")],
)
def test_path_major_prefix(path_major: str, prefix: str) -> None:
    assert modpath.path_major_prefix(path_major) == prefix


@pytest.mark.parametrize("path_major", ["v2", "/v2.1", "/x"])
def test_path_major_prefix_rejects(path_major: str) -> None:
    with pytest.raises(ValueError, match=r"^pathMajor suffix "):
        modpath.path_major_prefix(path_major)


@pytest.mark.parametrize(
    ("version", "want"),
    [
        ("v2.0.0+incompatible", "v2.0.0+incompatible"),
        ("v2+incompatible", ""),
        ("v1.2", "v1.2.0"),
        ("v1.2.3+meta", "v1.2.3"),
        ("bad", ""),
    ],
)
def test_canonical_version(version: str, want: str) -> None:
    assert modpath.canonical_version(version) == want
