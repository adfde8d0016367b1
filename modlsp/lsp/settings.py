"""Server settings: parsed once into a typed value; a bad value falls back to its default
and is reported, never trusted."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class Settings:
    # Milliseconds to wait after a change before analysing; typing bursts coalesce.
    debounce_ms: int = 20
    # Diagnostic codes not to report, e.g. ["retract-rationale"].
    disabled_codes: frozenset[str] = field(default_factory=frozenset)
    # The go command whose GODEBUG table is used ("go" finds it on PATH).
    go_command: str = "go"


def _non_negative_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 10_000:
        raise ValueError("expected a whole number of milliseconds between 0 and 10000")
    return value


def _codes(value: Any) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of diagnostic codes (strings)")
    return frozenset(value)


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
        "Milliseconds to wait after a change before analysing (0 to 10000).",
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
        "The go command whose table of GODEBUG settings is used.",
        _command,
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
