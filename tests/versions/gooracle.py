"""The go command's answers about modules served by a module proxy (the oracle of modlsp's
version intelligence).

Every function runs the real go command (`go_command`, GOROOT pinned) with
`go_env`: the caller's GO*/CGO_* variables dropped, GOTOOLCHAIN=local, GOENV=off, GOWORK=off,
GOSUMDB=off, GOFLAGS=`-mod=mod -modcacherw`, GOPATH/GOMODCACHE/GOCACHE/HOME/TMPDIR inside
`home`, GOPROXY=`proxy_url` (an `http://` ProxyServer URL, a `file://` URI, or a list), and
GOPRIVATE/GONOPROXY as given.  HTTP_PROXY/HTTPS_PROXY point at a port where nothing listens
(NO_PROXY empty): the go command never proxies requests to 127.0.0.1, so a ProxyServer is
reached as usual, while any other fetch (a `direct` lookup such as
`https://private.corp/secret?go-get=1`) fails at once with "proxyconnect ... connection
refused" instead of going to the network.

Go telemetry is off: the go command otherwise writes counters below HOME/.config/go/telemetry,
partly from a background process that outlives the command (deleting a throwaway HOME right
after a go command then fails now and then with "Directory not empty: 'telemetry'"; this is
why the go binary is not resolved with `oracle.goproxy.go_binary`, whose throwaway HOME has
telemetry on).  `GOTELEMETRY=off` in the environment does not turn it off; the mode file
`$XDG_CONFIG_HOME/go/telemetry/mode` containing `off` does.

`home` is the caller's directory (a pytest tmp dir); the module cache lives in
`home/modcache`.  With a fresh `home` the go command asks the proxy for everything; with a
reused one it only asks again for what it never caches (`@v/list`, `@latest`).

Findings (go 1.27, see README.md for the outputs):

- `go list -m -versions -json PATH` works outside a module (no go.mod needed); it hides
  retracted versions unless `-retracted` is given.  Queries (`PATH@latest`, `PATH@v1.2`,
  `PATH@<v1.2.0`) work outside a module too; `@upgrade` and `@patch` need a main module
  (outside: `cannot match "PATH@patch": go.mod file not found ...`), relative to the version
  it requires.
- `go list -m -u -json all` reports `Update`, `Retracted` and `Deprecated`; `-retracted`
  is accepted with `-u` and adds nothing for `all` (the same JSON); `-retracted` without `-u`
  reports `Retracted` but not `Deprecated` nor `Update`.  go list -m does not rewrite go.mod.
- A query whose answer is a retracted version (`@patch` or `@upgrade` from a retracted
  version with no newer release) fails with `PATH@V: retracted by module author: RATIONALE`
  (in the JSON `Error.Err` with `-e`).
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from oracle.gocmd import offline_go_env
from oracle.goproxy import go_binary, json_objects, telemetry_off

from .proxyserver import refused_url

JSONObject = dict[str, Any]

MAIN_GO = "package main\n\nfunc main() {}\n"

TIMEOUT = 120.0


class GoError(RuntimeError):
    """The go command failed; `stderr` holds what it printed."""

    def __init__(self, args: Sequence[str], proc: subprocess.CompletedProcess[str]) -> None:
        super().__init__(f"go {' '.join(args)} failed (exit {proc.returncode}):\n{proc.stderr}")
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr


def go_command() -> tuple[str, str | None]:
    """The go binary and its GOROOT (oracle.goproxy.go_binary, asked once)."""
    return go_binary()


def go_env(
    proxy_url: str,
    home: Path,
    *,
    goprivate: str = "",
    gonoproxy: str | None = None,
    **extra: str,
) -> dict[str, str]:
    """The environment of a hermetic go command using the module proxy `proxy_url`.

    `gonoproxy` None leaves GONOPROXY unset, so that it defaults to GOPRIVATE (as for a
    user who only sets GOPRIVATE).  `extra` overrides anything (e.g. NETRC, GOAUTH)."""
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    refused = refused_url()
    env = offline_go_env(
        home,
        XDG_CONFIG_HOME=str(telemetry_off(home)),
        GOTELEMETRY="off",
        LC_ALL="C",
        GOPROXY=proxy_url,
        GOSUMDB="off",
        GONOSUMDB="",
        GOPRIVATE=goprivate,
        GOFLAGS="-mod=mod -modcacherw",
        TMPDIR=str(home / "tmp"),
        HTTP_PROXY=refused,
        HTTPS_PROXY=refused,
        http_proxy=refused,
        https_proxy=refused,
        NO_PROXY="",
        no_proxy="",
    )
    env.pop("GONOPROXY", None)
    if gonoproxy is not None:
        env["GONOPROXY"] = gonoproxy
    env.update(extra)
    _go, goroot = go_command()
    if goroot is not None:
        env["GOROOT"] = goroot
    return env


def _run(
    args: Sequence[str], cwd: Path, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [go_command()[0], *args],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def run_go(
    args: Sequence[str],
    proxy_url: str,
    home: Path,
    *,
    main_gomod: str | None = None,
    goprivate: str = "",
    gonoproxy: str | None = None,
    **extra: str,
) -> subprocess.CompletedProcess[str]:
    """Run `go ARGS` with `go_env` in a fresh directory below `home/work`: a main module
    (`main_gomod` as go.mod plus a main.go) when given, otherwise an empty directory (go runs
    outside any module).  Does not check the exit status."""
    env = go_env(proxy_url, home, goprivate=goprivate, gonoproxy=gonoproxy, **extra)
    (home / "work").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=home / "work") as work:
        cwd = Path(work)
        if main_gomod is not None:
            (cwd / "go.mod").write_text(main_gomod)
            (cwd / "main.go").write_text(MAIN_GO)
        return _run(args, cwd, env)


def _list_json(
    args: Sequence[str], proxy_url: str, home: Path, main_gomod: str | None, **kw: str
) -> list[JSONObject]:
    proc = run_go(args, proxy_url, home, main_gomod=main_gomod, **kw)
    if proc.returncode != 0:
        raise GoError(args, proc)
    return list(json_objects(proc.stdout))


def go_versions(
    proxy_url: str, path: str, home: Path, retracted: bool = False, **env: str
) -> list[str]:
    """`go list -m -versions [-retracted] -json PATH` outside any module: the versions the
    proxy lists, in semver order; retracted ones (per the latest release's go.mod) only with
    `retracted`.  Pseudo-versions are never listed.  Raises GoError when go fails."""
    args = ["list", "-m", "-versions", *(["-retracted"] if retracted else []), "-json", path]
    (obj,) = _list_json(args, proxy_url, home, None, **env)
    return [str(v) for v in obj.get("Versions") or []]


def go_versions_of(
    proxy_url: str, paths: Sequence[str], home: Path, retracted: bool = False, **env: str
) -> dict[str, list[str]]:
    """`go_versions` of several modules in one go command: path -> versions.  Raises GoError
    when any path fails (go then prints no JSON at all)."""
    args = ["list", "-m", "-versions", *(["-retracted"] if retracted else []), "-json", *paths]
    objs = _list_json(args, proxy_url, home, None, **env)
    return {str(obj["Path"]): [str(v) for v in obj.get("Versions") or []] for obj in objs}


def go_latest(proxy_url: str, path: str, home: Path, **env: str) -> JSONObject:
    """`go list -m -json PATH@latest` outside any module: Path, Version, Query, Time, GoMod,
    GoVersion.  For a module without tagged versions, the proxy's `@latest` answer."""
    (obj,) = _list_json(["list", "-m", "-json", f"{path}@latest"], proxy_url, home, None, **env)
    return obj


def go_list_updates(
    proxy_url: str, main_gomod: str, home: Path, **env: str
) -> dict[str, JSONObject]:
    """`go list -m -u -json all` in a main module with go.mod `main_gomod`: module path ->
    its JSON object (Path, Version, Time, Update {Path, Version, Time}, Retracted [rationale,
    ...], Deprecated, GoMod, GoVersion; Main and Dir for the main module).  Versions are the
    selected ones (MVS), not necessarily the required ones."""
    objs = _list_json(["list", "-m", "-u", "-json", "all"], proxy_url, home, main_gomod, **env)
    return {str(obj["Path"]): obj for obj in objs}


def go_list_retracted(
    proxy_url: str, main_gomod: str, home: Path, **env: str
) -> dict[str, JSONObject]:
    """`go list -m -retracted -u -json all` (both flags together are accepted; for `all` the
    output is the same as with `-u` alone, which already reports retractions)."""
    args = ["list", "-m", "-retracted", "-u", "-json", "all"]
    objs = _list_json(args, proxy_url, home, main_gomod, **env)
    return {str(obj["Path"]): obj for obj in objs}


def go_query(
    proxy_url: str, path: str, query: str, home: Path, main_gomod: str | None = None, **env: str
) -> JSONObject:
    """`go list -m -e -json PATH@QUERY` (`latest`, `upgrade`, `patch`, `v1.2`, `<v1.2.0`,
    ...), in a main module with go.mod `main_gomod` when given (needed for `upgrade` and
    `patch`, which are relative to the required version; without it go answers "go.mod file
    not found").  With `-e` a failed query is a JSON object with `Error.Err` (e.g.
    `example.com/alpha@v1.1.0: retracted by module author: Broken build on Windows.`);
    raises GoError only when go prints no object."""
    args = ["list", "-m", "-e", "-json", f"{path}@{query}"]
    proc = run_go(args, proxy_url, home, main_gomod=main_gomod, **env)
    objs = list(json_objects(proc.stdout))
    if not objs:
        raise GoError(args, proc)
    return objs[0]
