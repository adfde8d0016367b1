"""The GODEBUG settings the go command knows, for `godebug` directives.

The go command checks keys against the table compiled into it (internal/godebugs). modlsp reads
that table from the installed Go's source tree when `go` is on PATH, so it agrees with the
user's toolchain; otherwise it uses the table of Go 1.27.3 below.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from modlsp.core.goenv import go_env

log = logging.getLogger(__name__)

_BUILTIN_KNOWN = frozenset(
    {
        "allowmultiplevcs",
        "containermaxprocs",
        "cryptocustomrand",
        "dataindependenttiming",
        "decoratemappings",
        "embedfollowsymlinks",
        "execerrdot",
        "fips140",
        "fips140ems",
        "gocachehash",
        "gocachetest",
        "gocacheverify",
        "gotestjsonbuildtext",
        "htmlmetacontenturlescape",
        "http2client",
        "http2debug",
        "http2server",
        "httpcookiemaxnum",
        "httplaxcontentlength",
        "httpmuxgo121",
        "httpservecontentkeepheaders",
        "httpservecontentmaxranges",
        "installgoroot",
        "jstmpllitinterp",
        "multipartfiles",
        "multipartmaxheaders",
        "multipartmaxparts",
        "multipathtcp",
        "netdns",
        "netedns0",
        "panicnil",
        "randautoseed",
        "randseednop",
        "rsa1024min",
        "tarinsecurepath",
        "tlsmaxrsasize",
        "tlsmlkem",
        "tlssecpmlkem",
        "tlssha1",
        "tracebacklabels",
        "updatemaxprocs",
        "urlmaxqueryparams",
        "urlstrictcolons",
        "winreadlinkvolume",
        "winsymlink",
        "x509negativeserial",
        "x509rsacrt",
        "x509sha256skid",
        "x509sslcertoverrideplatform",
        "x509usefallbackroots",
        "x509usepolicies",
        "zipinsecurepath",
    }
)
# Removed settings: (minor release that removed it, the values that are no longer allowed).
_BUILTIN_REMOVED = {
    "x509sha1": (24, frozenset({"1"})),
    "tlskyber": (24, frozenset({"0"})),
    "gotypesalias": (27, frozenset({"0"})),
    "tlsunsafeekm": (27, frozenset({"1"})),
    "tlsrsakex": (27, frozenset({"1"})),
    "tls3des": (27, frozenset({"1"})),
    "tls10server": (27, frozenset({"1"})),
    "x509keypairleaf": (27, frozenset({"0"})),
    "asynctimerchan": (27, frozenset({"1", "2"})),
}


@dataclass(frozen=True, slots=True)
class GodebugTable:
    known: frozenset[str]
    removed: dict[str, tuple[int, frozenset[str]]]
    source: str  # where the table came from, for logs and `modlsp --version`

    def check(self, key: str, value: str) -> str | None:
        """cmd/go's CheckGodebug for a key that parsed: None, or its error text."""
        for text, what in ((key, "key"), (value, "value")):
            if " " in text or "\t" in text:
                return f"{what} contains space"
        for text, what in ((key, "key"), (value, "value")):
            if "," in text:
                return f"{what} contains comma"
        if key == "default":
            from modlsp.core import gover

            if not value.startswith("go") or not gover.is_valid(value[2:]):
                return "value for default= must be goVERSION"
            return None
        if key in self.known:
            return None
        if key in self.removed:
            release, old = self.removed[key]
            if value in old:
                return (
                    f'removed GODEBUG "{key}" set to old value "{value}" '
                    f"(https://go.dev/doc/godebug#go-1{release})"
                )
            return None
        return f'unknown godebug "{key}"'


BUILTIN = GodebugTable(_BUILTIN_KNOWN, _BUILTIN_REMOVED, "built-in (Go 1.27.3)")


def parse_table(source: str, origin: str) -> GodebugTable | None:
    """Read internal/godebugs/table.go; None if it does not look like one."""
    start = source.find("var All = []Info{")
    if start < 0:
        return None
    end = source.find("\n}\n", start)
    known = frozenset(re.findall(r'\{Name: "([^"]+)"', source[start:end]))
    if not known:
        return None
    removed: dict[str, tuple[int, frozenset[str]]] = {}
    rstart = source.find("var Removed = []RemovedInfo{")
    if rstart >= 0:
        rend = source.find("\n}\n", rstart)
        for m in re.finditer(
            r'\{Name: "([^"]+)", Removed: (\d+)[^\n]*?(?://\s*Old: ([^\n]*))?\n',
            source[rstart : rend + 1],
        ):
            old = frozenset(re.findall(r'"([^"]*)"', m.group(3) or ""))
            removed[m.group(1)] = (int(m.group(2)), old)
    return GodebugTable(known, removed, origin)


def load_installed(go: str | None = None, timeout: float = 10.0) -> GodebugTable:
    """The installed Go's table (runs `go env GOROOT` once); the built-in one if unavailable."""
    goroot = go_env("GOROOT", go, timeout)
    if not goroot:
        return BUILTIN
    try:
        path = Path(goroot, "src", "internal", "godebugs", "table.go")
        table = parse_table(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as err:
        log.info("using the built-in GODEBUG table: %s", err)
        return BUILTIN
    return table or BUILTIN
