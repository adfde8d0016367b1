"""`modlsp settings`: the reference editors and people read, true to what the server parses."""

from __future__ import annotations

import json
import subprocess
import sys

from modlsp.lsp.settings import SETTINGS, Settings, parse_settings


def _run(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "modlsp", "settings", *args], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_json_lists_every_setting_with_its_default() -> None:
    reference = json.loads(_run("--format", "json"))
    assert [entry["name"] for entry in reference] == [
        "debounceMs",
        "disabledCodes",
        "goCommand",
        "goproxy",
        "goprivate",
        "offline",
        "upgrades",
        "proxyTimeout",
        "published",
    ]
    # Sending every documented default changes nothing and draws no complaint.
    settings, complaints = parse_settings({e["name"]: e["default"] for e in reference})
    assert (settings, complaints) == (Settings(), [])
    assert all(entry["description"].endswith(".") for entry in reference)


def test_text_is_one_aligned_line_per_setting() -> None:
    lines = _run().splitlines()
    assert lines == [
        "debounceMs     20     Milliseconds a change that follows another closely waits for typing to pause; a change after a pause is analysed at once (0 to 10000).",
        'disabledCodes  []     Diagnostic codes not to report, e.g. ["retract-rationale"].',
        'goCommand      "go"   The go command whose GODEBUG table and environment (GOPROXY, GOPRIVATE, GOMODCACHE) are used.',
        'goproxy        ""     GOPROXY for version facts, e.g. https://proxy.golang.org; empty: the go command\'s.',
        'goprivate      ""     GOPRIVATE patterns: modules never asked of a proxy and never linked to pkg.go.dev; empty: the go command\'s GOPRIVATE and GONOPROXY.',
        "offline        false  Use only the module cache and file:// proxies for version facts.",
        "upgrades       false  Show available upgrades as diagnostics without pressing Check for upgrades.",
        "proxyTimeout   10     Seconds one request to a module proxy may take (above 0, at most 600).",
        "published      false  The modules are published for others to require: point out each replace directive, which their builds ignore.",
    ]
    assert len(lines) == len(SETTINGS)


def test_empty_settings_in_any_shape_mean_the_defaults() -> None:
    # null (no initializationOptions), {} and [] (how Lua clients encode an empty table).
    for raw in (None, {}, [], {"modlsp": {}}):
        assert parse_settings(raw) == (Settings(), []), raw
    assert parse_settings([1]) == (Settings(), ["modlsp settings must be an object, not list"])
