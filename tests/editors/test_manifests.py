"""The editor packages stay true to the server: every server setting, with its default and
description, in the VS Code manifest and its README; language ids the server knows; command
ids that cannot collide with the server's own."""

from __future__ import annotations

import json
import re
from pathlib import Path

from modlsp.core.analysis import FileKind, kind_for_document
from modlsp.lsp.settings import CLIENT_SIDE_KEYS, SETTINGS

ROOT = Path(__file__).resolve().parents[2]
VSCODE = ROOT / "editors" / "vscode"
MANIFEST = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
PROPERTIES = MANIFEST["contributes"]["configuration"]["properties"]
# The extension's own settings; they share the "modlsp" section, which the server accepts.
CLIENT_SETTINGS = {"modlsp.server.path", "modlsp.server.python", "modlsp.trace.server"}
JSON_TYPES = {bool: "boolean", int: "integer", str: "string", list: "array", dict: "object"}


def test_every_server_setting_is_a_vscode_setting() -> None:
    server = {f"modlsp.{spec.name}": spec for spec in SETTINGS}
    assert set(PROPERTIES) == set(server) | CLIENT_SETTINGS
    for name, spec in server.items():
        prop = PROPERTIES[name]
        assert prop["default"] == spec.default, name
        assert prop["description"] == spec.description, name
        assert prop["type"] == JSON_TYPES[type(spec.default)], name
    assert {name.split(".")[1] for name in CLIENT_SETTINGS} == CLIENT_SIDE_KEYS


def test_vscode_readme_settings_table_matches() -> None:
    readme = (VSCODE / "README.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| `(modlsp\.[\w.]+)` \| `([^`]*)` \| (.*) \|$", readme, re.MULTILINE)
    rows = {name: (default, description) for name, default, description in table}
    assert set(rows) == set(PROPERTIES)
    for spec in SETTINGS:
        default, description = rows[f"modlsp.{spec.name}"]
        assert json.loads(default) == spec.default
        assert description.replace("`", "") == spec.description


def test_languages_are_the_go_extensions_and_the_server_reads_them() -> None:
    languages = {lang["id"]: lang for lang in MANIFEST["contributes"]["languages"]}
    assert set(languages) == {"go.mod", "go.work", "go"}
    assert languages["go.mod"]["filenames"] == ["go.mod"]
    assert languages["go.work"]["filenames"] == ["go.work"]
    # The server analyses the module files and leaves Go sources alone.
    assert kind_for_document("anything", "go.mod") is FileKind.GOMOD
    assert kind_for_document("anything", "go.work") is FileKind.GOWORK
    assert kind_for_document("main.go", "go") is None
    events = set(MANIFEST["activationEvents"])
    assert {f"onLanguage:{lang}" for lang in languages} <= events
    assert "workspaceContains:**/go.mod" in events


def test_extension_commands_do_not_collide_with_server_commands() -> None:
    commands = {c["command"] for c in MANIFEST["contributes"]["commands"]}
    assert commands == {
        "modlsp.restartServer",
        "modlsp.checkUpgrades",
        "modlsp.bumpMajor",
        "modlsp.showOutput",
    }
    # vscode-languageclient registers each command the server advertises under its own id.
    assert not any(c.startswith("modlsp.server.") for c in commands)
    assert MANIFEST["engines"]["vscode"].startswith("^")


def test_untrusted_workspaces_cannot_choose_programs_or_proxies() -> None:
    """A cloned repository's .vscode/settings.json must not make modlsp run its own binary or
    send module paths (private ones included) to a proxy of its choosing."""
    untrusted = MANIFEST["capabilities"]["untrustedWorkspaces"]
    assert untrusted["supported"] == "limited"
    assert set(untrusted["restrictedConfigurations"]) == {
        "modlsp.server.path",
        "modlsp.server.python",
        "modlsp.goCommand",
        "modlsp.goproxy",
        "modlsp.goprivate",
    }
    assert set(untrusted["restrictedConfigurations"]) <= set(PROPERTIES)
