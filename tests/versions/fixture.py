"""A fixture module tree in GOPROXY layout for version intelligence (updates, retractions,
deprecation, newer majors, `go` requirements of updates, private modules).

`build_fixture(root)` writes `MODULES` with `oracle.goproxy.write_proxy` (deterministic bytes:
fixed .info times, one hour apart in sorted path/version order, fixed zip entry times) and then
post-processes the one module without tagged versions (`DELTA`): its `list` is empty, its
pseudo-version's .info time is the pseudo-version's own timestamp and it has an `@latest` file.
No other module has an `@latest` file (a `file://` proxy over a module cache has none either);
a server can serve one by name only where the file exists.

What each module is for (README.md has the go command's answers):

- `ALPHA` v1.0.0 v1.1.0 v1.2.0 v1.2.1 v1.3.0-beta.1: the newest *release* v1.2.1 retracts
  v1.1.0 and [v1.0.0, v1.0.5] with rationales; the newer pre-release's go.mod retracts nothing
  (retractions come from the latest release, not from the pre-release).  Newer majors
  `ALPHA_V2` (v2.0.0 v2.1.0), `ALPHA_V3` (v3.0.0 v3.2.0) and `ALPHA_V4` (only v4.0.0-rc.1).
- `BETA` v0.1.0 v0.2.0 v0.3.0: v0.3.0's go.mod deprecates the module.
- `GAMMA` v1.3.0 (go 1.20) v1.4.0 (go 1.23) v1.4.1 (go 1.23) v1.5.0 (go 1.24).
- `DELTA`: only the pseudo-version `DELTA_PSEUDO`, known through `@latest` alone.
- `SELFRETRACT` v1.0.0 v1.0.1: v1.0.1 retracts itself.
- `GOPKG_V1` / `GOPKG_V2`: gopkg.in major convention (`.v1`, `.v2`).
- `UPPER` (example.com/Upper/Case) v1.0.0 v1.1.0: stored as `example.com/!upper/!case`.
- `INCOMPAT` v1.0.0 (no go.mod), v2.0.0+incompatible, v2.1.0+incompatible (no go.mod).
- `GRAPH_A` v1.0.0 requires `GRAPH_B` v1.1.0; `GRAPH_B` v1.0.0 v1.1.0: a main module requiring
  a v1.0.0 and b v1.0.0 selects b v1.1.0.
- `PRIVATE_SECRET` v1.0.0 v1.1.0 and `PRIVATE_OTHER` v0.1.0, matched by `PRIVATE_PATTERN`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from oracle.goproxy import split_module_version, write_proxy

from modlsp.core.modpath import escape_path, escape_version

ALPHA: Final = "example.com/alpha"
ALPHA_V2: Final = "example.com/alpha/v2"
ALPHA_V3: Final = "example.com/alpha/v3"
ALPHA_V4: Final = "example.com/alpha/v4"
BETA: Final = "example.com/beta"
GAMMA: Final = "example.com/gamma"
DELTA: Final = "example.com/delta"
SELFRETRACT: Final = "example.com/selfretract"
GOPKG_V1: Final = "gopkg.in/fix.v1"
GOPKG_V2: Final = "gopkg.in/fix.v2"
UPPER: Final = "example.com/Upper/Case"
INCOMPAT: Final = "example.com/incompat"
GRAPH_A: Final = "example.com/graph/a"
GRAPH_B: Final = "example.com/graph/b"
PRIVATE_SECRET: Final = "private.corp/secret"
PRIVATE_OTHER: Final = "private.corp/other"

PRIVATE_PATTERN: Final = "private.corp"
"""A GOPRIVATE / GONOPROXY pattern matching exactly the private modules."""

DELTA_PSEUDO: Final = "v0.0.0-20240102030405-abcdefabcdef"
DELTA_TIME: Final = "2024-01-02T03:04:05Z"
"""The time of `DELTA_PSEUDO` (its .info and @latest files), the pseudo-version's timestamp."""

DEFAULT_GO: Final = "1.21"
"""The `go` line of every fixture go.mod unless stated otherwise."""

ALPHA_RETRACT_RATIONALE: Final = "Broken build on Windows."
ALPHA_SECURITY_RATIONALE: Final = "Security issue CVE-0000-1."
SELFRETRACT_RATIONALE: Final = "Published by mistake."
BETA_DEPRECATION: Final = "use example.com/gamma instead."

RETRACTIONS: Final[Mapping[str, tuple[tuple[str, str, str], ...]]] = {
    ALPHA: (
        ("v1.1.0", "v1.1.0", ALPHA_RETRACT_RATIONALE),
        ("v1.0.0", "v1.0.5", ALPHA_SECURITY_RATIONALE),
    ),
    SELFRETRACT: (("v1.0.1", "v1.0.1", SELFRETRACT_RATIONALE),),
}
"""Module path -> (low, high, rationale) of each retract directive of its latest release."""

DEPRECATIONS: Final[Mapping[str, str]] = {BETA: BETA_DEPRECATION}
"""Module path -> the text after `Deprecated: ` in its latest release's module comment."""


def package_name(path: str) -> str:
    """The package name of a fixture module's root package."""
    elems = path.split("/")
    last = elems[-1]
    if re.fullmatch(r"v[0-9]+", last) and len(elems) > 1:
        last = elems[-2]
    last = re.sub(r"\.v[0-9]+$", "", last)
    return re.sub(r"[^A-Za-z0-9_]", "", last).lower() or "p"


def gomod_text(
    path: str,
    go: str | None = DEFAULT_GO,
    *,
    require: tuple[str, ...] = (),
    retract: tuple[str, ...] = (),
    comment: str = "",
) -> str:
    """A go.mod in go's canonical format: `comment` (without `//`) above the module line,
    a `require` line or block ("path version" items) and one `retract` line each
    ("v1.0.0 // rationale", "[v1.0.0, v1.0.5] // rationale")."""
    out = f"// {comment}\n" if comment else ""
    out += f"module {path}\n"
    if go is not None:
        out += f"\ngo {go}\n"
    if len(require) == 1:
        out += f"\nrequire {require[0]}\n"
    elif require:
        out += "\nrequire (\n" + "".join(f"\t{req}\n" for req in require) + ")\n"
    for ret in retract:
        out += f"\nretract {ret}\n"
    return out


def _module(
    key: str,
    *,
    go: str | None = DEFAULT_GO,
    require: tuple[str, ...] = (),
    retract: tuple[str, ...] = (),
    comment: str = "",
    has_gomod: bool = True,
) -> dict[str, dict[str, str]]:
    path, version = split_module_version(key)
    pkg = package_name(path)
    files = {
        f"{pkg}.go": f'package {pkg}\n\n// Version is the module version.\nconst Version = "{version}"\n'
    }
    if has_gomod:
        files["go.mod"] = gomod_text(path, go, require=require, retract=retract, comment=comment)
    return {key: files}


def _modules() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for version in ("v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0-beta.1"):
        out |= _module(f"{ALPHA}@{version}")
    out |= _module(
        f"{ALPHA}@v1.2.1",
        retract=(
            f"v1.1.0 // {ALPHA_RETRACT_RATIONALE}",
            f"[v1.0.0, v1.0.5] // {ALPHA_SECURITY_RATIONALE}",
        ),
    )
    for key in (
        f"{ALPHA_V2}@v2.0.0",
        f"{ALPHA_V2}@v2.1.0",
        f"{ALPHA_V3}@v3.0.0",
        f"{ALPHA_V3}@v3.2.0",
        f"{ALPHA_V4}@v4.0.0-rc.1",
        f"{BETA}@v0.1.0",
        f"{BETA}@v0.2.0",
    ):
        out |= _module(key)
    out |= _module(f"{BETA}@v0.3.0", comment=f"Deprecated: {BETA_DEPRECATION}")
    for version, go in (("v1.3.0", "1.20"), ("v1.4.0", "1.23"), ("v1.4.1", "1.23")):
        out |= _module(f"{GAMMA}@{version}", go=go)
    out |= _module(f"{GAMMA}@v1.5.0", go="1.24")
    out |= _module(f"{DELTA}@{DELTA_PSEUDO}")
    out |= _module(f"{SELFRETRACT}@v1.0.0")
    out |= _module(f"{SELFRETRACT}@v1.0.1", retract=(f"v1.0.1 // {SELFRETRACT_RATIONALE}",))
    out |= _module(f"{GOPKG_V1}@v1.0.0")
    out |= _module(f"{GOPKG_V2}@v2.0.0")
    out |= _module(f"{UPPER}@v1.0.0")
    out |= _module(f"{UPPER}@v1.1.0")
    for version in ("v1.0.0", "v2.0.0+incompatible", "v2.1.0+incompatible"):
        out |= _module(f"{INCOMPAT}@{version}", has_gomod=False)
    out |= _module(f"{GRAPH_A}@v1.0.0", require=(f"{GRAPH_B} v1.1.0",))
    out |= _module(f"{GRAPH_B}@v1.0.0")
    out |= _module(f"{GRAPH_B}@v1.1.0")
    out |= _module(f"{PRIVATE_SECRET}@v1.0.0")
    out |= _module(f"{PRIVATE_SECRET}@v1.1.0")
    out |= _module(f"{PRIVATE_OTHER}@v0.1.0")
    return out


MODULES: Final[Mapping[str, Mapping[str, str]]] = _modules()
"""Every module version of the fixture: "path@version" -> {file path in the zip: text}.  A
version without "go.mod" (`INCOMPAT`) gets the synthesized `module <path>` as its .mod."""

LISTED: Final[Mapping[str, tuple[str, ...]]] = {
    ALPHA: ("v1.0.0", "v1.1.0", "v1.2.0", "v1.2.1", "v1.3.0-beta.1"),
    ALPHA_V2: ("v2.0.0", "v2.1.0"),
    ALPHA_V3: ("v3.0.0", "v3.2.0"),
    ALPHA_V4: ("v4.0.0-rc.1",),
    BETA: ("v0.1.0", "v0.2.0", "v0.3.0"),
    GAMMA: ("v1.3.0", "v1.4.0", "v1.4.1", "v1.5.0"),
    DELTA: (),
    SELFRETRACT: ("v1.0.0", "v1.0.1"),
    GOPKG_V1: ("v1.0.0",),
    GOPKG_V2: ("v2.0.0",),
    UPPER: ("v1.0.0", "v1.1.0"),
    INCOMPAT: ("v1.0.0", "v2.0.0+incompatible", "v2.1.0+incompatible"),
    GRAPH_A: ("v1.0.0",),
    GRAPH_B: ("v1.0.0", "v1.1.0"),
    PRIVATE_SECRET: ("v1.0.0", "v1.1.0"),
    PRIVATE_OTHER: ("v0.1.0",),
}
"""Module path -> the versions of its `@v/list` file, in file order (semver order)."""

GO_LINES: Final[Mapping[str, str | None]] = {
    key: (m.group(1) if (m := re.search(r"^go (\S+)$", files.get("go.mod", ""), re.M)) else None)
    for key, files in MODULES.items()
}
""""path@version" -> the `go` line of its go.mod (None without go.mod)."""

MAIN_PATH: Final = "example.com/main"

MAIN_GOMOD: Final = gomod_text(
    MAIN_PATH,
    DEFAULT_GO,
    require=(
        f"{ALPHA} v1.1.0",
        f"{BETA} v0.2.0",
        f"{GAMMA} v1.4.0",
        f"{DELTA} {DELTA_PSEUDO}",
        f"{SELFRETRACT} v1.0.1",
        f"{UPPER} v1.0.0",
        f"{INCOMPAT} v1.0.0",
        f"{GRAPH_A} v1.0.0",
        f"{GRAPH_B} v1.0.0",
    ),
)
"""A main module requiring one version of most fixture modules (README.md shows what
`go list -m -u -json all` says about it)."""


def escaped_dir(root: Path, path: str) -> Path:
    """The `@v` directory of module `path` in the proxy at `root`."""
    return root.joinpath(*escape_path(path).split("/"), "@v")


def proxy_file(root: Path, path: str, version: str, ext: str) -> Path:
    """The `.info`/`.mod`/`.zip` file of `path@version` in the proxy at `root`."""
    return escaped_dir(root, path) / f"{escape_version(version)}.{ext.lstrip('.')}"


def build_fixture(root: Path) -> Path:
    """Write the fixture proxy directory under `root` (created if needed) and return `root`.
    Use it as `GOPROXY=root.as_uri()` or serve it with `proxyserver.ProxyServer(root)`."""
    write_proxy(root, MODULES)
    info = json.dumps({"Version": DELTA_PSEUDO, "Time": DELTA_TIME}) + "\n"
    vdir = escaped_dir(root, DELTA)
    (vdir / "list").write_text("")
    proxy_file(root, DELTA, DELTA_PSEUDO, "info").write_text(info)
    (vdir.parent / "@latest").write_text(info)
    return root
