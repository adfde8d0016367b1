"""Server settings: parsed once into a typed value; a bad value falls back to its default
and is reported, never trusted."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class Settings:
    # A change within this many ms of the previous one waits for a pause; bursts coalesce.
    debounce_ms: int = 20
    # Diagnostic codes not to report, e.g. ["retract-rationale"].
    disabled_codes: frozenset[str] = field(default_factory=frozenset)
    # The go command whose GODEBUG table and environment (GOPROXY, ...) are used.
    go_command: str = "go"
    # GOPROXY / GOPRIVATE for version facts; "" keeps the go command's.
    goproxy: str = ""
    goprivate: str = ""
    # Only local version sources: the module cache and file:// proxies.
    offline: bool = False
    # Show available upgrades as diagnostics without asking ("Check for upgrades").
    upgrades: bool = False
    # Seconds one request to a module proxy may take.
    proxy_timeout: float = 10.0
    # The modules are published for others: point out replace directives, which they ignore.
    published: bool = False


def _non_negative_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 10_000:
        raise ValueError("expected a whole number of milliseconds between 0 and 10000")
    return value


def _codes(value: Any) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of diagnostic codes (strings)")
    return frozenset(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value.strip()


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 600:
        raise ValueError("expected a number of seconds above 0 and at most 600")
    return float(value)


def _command(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a command name or path")
    return value


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """One server setting as clients see it: the README table, the VS Code extension's
    package.json and `modlsp settings` (which Neovim's health check reads) come from these."""

    name: str  # the JSON name
    field: str  # the Settings field it sets
    default: Any  # the JSON default
    description: str
    validate: Callable[[Any], Any]


SETTINGS = (
    SettingSpec(
        "debounceMs",
        "debounce_ms",
        20,
        "Milliseconds a change that follows another closely waits for typing to pause; "
        "a change after a pause is analysed at once (0 to 10000).",
        _non_negative_int,
    ),
    SettingSpec(
        "disabledCodes",
        "disabled_codes",
        [],
        'Diagnostic codes not to report, e.g. ["retract-rationale"].',
        _codes,
    ),
    SettingSpec(
        "goCommand",
        "go_command",
        "go",
        "The go command whose GODEBUG table and environment (GOPROXY, GOPRIVATE, GOMODCACHE) "
        "are used.",
        _command,
    ),
    SettingSpec(
        "goproxy",
        "goproxy",
        "",
        "GOPROXY for version facts, e.g. https://proxy.golang.org; empty: the go command's.",
        _text,
    ),
    SettingSpec(
        "goprivate",
        "goprivate",
        "",
        "GOPRIVATE patterns: modules never asked of a proxy and never linked to pkg.go.dev; "
        "empty: the go command's GOPRIVATE and GONOPROXY.",
        _text,
    ),
    SettingSpec(
        "offline",
        "offline",
        False,
        "Use only the module cache and file:// proxies for version facts.",
        _flag,
    ),
    SettingSpec(
        "upgrades",
        "upgrades",
        False,
        "Show available upgrades as diagnostics without pressing Check for upgrades.",
        _flag,
    ),
    SettingSpec(
        "proxyTimeout",
        "proxy_timeout",
        10,
        "Seconds one request to a module proxy may take (above 0, at most 600).",
        _seconds,
    ),
    SettingSpec(
        "published",
        "published",
        False,
        "The modules are published for others to require: point out each replace directive, "
        "which their builds ignore.",
        _flag,
    ),
)
_BY_NAME = {spec.name: spec for spec in SETTINGS}
assert {spec.field for spec in SETTINGS} == {f.name for f in fields(Settings)}

# Keys editors keep under the same "modlsp" section for themselves (VS Code's
# modlsp.server.path and modlsp.trace.server): accepted and ignored, never complained about.
CLIENT_SIDE_KEYS = frozenset({"server", "trace"})


def parse_settings(raw: object) -> tuple[Settings, list[str]]:
    """Settings from a client's JSON (flat, or under a "modlsp" key), plus a complaint per
    value that was ignored."""
    if raw is None or (isinstance(raw, list) and not raw):
        # Lua clients (Neovim) encode an empty table as [], not {}.
        return Settings(), []
    if isinstance(raw, Mapping) and isinstance(raw.get("modlsp"), Mapping):
        raw = raw["modlsp"]
    if not isinstance(raw, Mapping):
        return Settings(), [f"modlsp settings must be an object, not {type(raw).__name__}"]
    values: dict[str, Any] = {}
    complaints = []
    for key, value in raw.items():
        if key in CLIENT_SIDE_KEYS:
            continue
        spec = _BY_NAME.get(key)
        if spec is None:
            complaints.append(f"unknown modlsp setting {key!r} ignored")
            continue
        try:
            values[spec.field] = spec.validate(value)
        except ValueError as err:
            complaints.append(f"modlsp setting {key!r}: {err}; using the default")
    return Settings(**values), complaints
