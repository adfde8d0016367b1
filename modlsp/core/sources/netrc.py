"""Credentials for private proxies from the user's .netrc, read as the go command reads it
(cmd/go/internal/auth/netrc.go): `$NETRC`, else `~/.netrc` (`~/_netrc` on Windows).

Passwords stay in this module's values: their repr hides them and nothing here logs them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

MAX_NETRC_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Credentials:
    login: str
    password: str = field(repr=False)


def parse_netrc(text: str) -> dict[str, Credentials]:
    """machine -> credentials; the first entry for a machine wins, `default` ends the file
    (it must come last), `macdef` bodies are skipped, as cmd/go does."""
    found: dict[str, Credentials] = {}
    machine = login = password = ""
    in_macro = False
    for line in text.split("\n"):
        if in_macro:
            in_macro = line.strip() != ""
            continue
        words = line.split()
        i = 0
        while i < len(words) - 1:
            key, value = words[i], words[i + 1]
            if key == "machine":
                machine, login, password = value, "", ""
            elif key == "login":
                login = value
            elif key == "password":
                password = value
            elif key == "macdef":
                in_macro = True
            if machine and login and password:
                found.setdefault(machine, Credentials(login, password))
                machine = login = password = ""
            i += 2
        if i < len(words) and words[i] == "default":
            break
    return found


def netrc_path(environ: Mapping[str, str]) -> Path | None:
    configured = environ.get("NETRC")
    if configured:
        return Path(configured)
    try:
        home = Path.home()
    except RuntimeError:
        return None
    return home / ("_netrc" if os.name == "nt" else ".netrc")


def load_credentials(environ: Mapping[str, str], goauth: str) -> dict[str, Credentials]:
    """The netrc credentials, unless GOAUTH says not to use netrc."""
    commands = [c.strip() for c in goauth.split(";") if c.strip()]
    if commands and "netrc" not in commands:
        # GOAUTH=off, or only git / command helpers: modlsp runs no credential helpers.
        return {}
    path = netrc_path(environ)
    if path is None:
        return {}
    try:
        if path.stat().st_size > MAX_NETRC_BYTES:
            log.warning("ignoring %s: larger than %d bytes", path, MAX_NETRC_BYTES)
            return {}
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    return parse_netrc(text)


def credentials_for(found: Mapping[str, Credentials], url: str) -> Credentials | None:
    """The credentials for the proxy `url`: those of a machine named like the go command
    (1.24+) names them, `host[:port]` or `host[:port]/path`, the longest that is a prefix of
    the URL at a "/"; else those of the bare host name (older go commands, curl)."""
    machines: dict[str, Credentials] = {}
    for machine, credentials in found.items():  # stored as cmd/go's storeCredential does
        machines.setdefault(machine.removeprefix("https://").rstrip("/"), credentials)
    parts = urlsplit(url)
    prefix = parts.netloc.rpartition("@")[2] + parts.path.rstrip("/")
    while prefix:
        if prefix in machines:
            return machines[prefix]
        prefix = prefix.rpartition("/")[0]
    return found.get(parts.hostname or "")
