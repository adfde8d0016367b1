"""Small, realistic workspaces and module proxies on which the real `go mod tidy` is the oracle
of modlsp's own tidy computation (see goproxy.py for how they are written and run, and
test_tidy_fixtures.py for what go does with each).

Every fixture tidies offline: each module version tidy needs is in `proxy`.  Library modules
are written with `lib(...)`; the main module's files are spelled out.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class TidyFixture:
    name: str
    proxy: dict[str, dict[str, str]]
    """"path@version" -> that module version's files (relative path -> text)."""
    files: dict[str, str]
    """The user's workspace: relative path -> text."""
    module_dir: str = "."
    """The directory (relative to the workspace) of the module to tidy."""
    cached: tuple[str, ...] | None = None
    """The "path@version"s in the module cache before tidy; None: every version of `proxy`."""


def go_file(package: str, *imports: str, build: str | None = None) -> str:
    """A Go file of `package` importing `imports` (each a path, or `name "path"`)."""
    head = f"//go:build {build}\n\n" if build else ""
    specs = [spec if '"' in spec else f'"{spec}"' for spec in imports]
    if not specs:
        return f"{head}package {package}\n"
    body = "".join(f"\t{spec}\n" for spec in specs)
    return f"{head}package {package}\n\nimport (\n{body})\n"


def package_name(import_path: str) -> str:
    """The conventional package name for an import path: its last element, without a /vN
    major suffix and with characters that are not allowed in identifiers removed."""
    elems = import_path.split("/")
    last = elems[-1]
    if re.fullmatch(r"v[0-9]+", last) and len(elems) > 1:
        last = elems[-2]
    return re.sub(r"[^A-Za-z0-9_]", "", last) or "p"


def gomod(
    path: str, go: str | None = "1.22", *, require: Sequence[str] = (), extra: str = ""
) -> str:
    """A go.mod as go mod tidy formats it: `require` items are "path version", optionally
    followed by "// indirect"; direct and indirect requirements go into separate blocks."""
    out = f"module {path}\n"
    if go is not None:
        out += f"\ngo {go}\n"
    direct = [r for r in require if not r.endswith("// indirect")]
    indirect = [r for r in require if r.endswith("// indirect")]
    for group in (direct, indirect):
        if len(group) == 1:
            out += f"\nrequire {group[0]}\n"
        elif group:
            out += "\nrequire (\n" + "".join(f"\t{r}\n" for r in group) + ")\n"
    if extra:
        out += f"\n{extra}"
    return out


def lib(
    key: str,
    *imports: str,
    go: str | None = "1.22",
    require: Sequence[str] = (),
    extra_mod: str = "",
    files: Mapping[str, str] | None = None,
    has_gomod: bool = True,
) -> dict[str, dict[str, str]]:
    """One proxy entry: module version `key` ("path@version") whose root package imports
    `imports`, plus `files`; `has_gomod=False` models a module without go.mod."""
    path = key.rpartition("@")[0]
    contents: dict[str, str] = {}
    if has_gomod:
        contents["go.mod"] = gomod(path, go, require=require, extra=extra_mod)
    contents[f"{package_name(path)}.go"] = go_file(package_name(path), *imports)
    contents.update(files or {})
    return {key: contents}


def merge(*entries: Mapping[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for entry in entries:
        out.update(entry)
    return out


def _hash1(files: Mapping[str, str]) -> str:
    """x/mod's dirhash.Hash1 over `files` (name -> text)."""
    summary = "".join(
        f"{hashlib.sha256(files[name].encode()).hexdigest()}  {name}\n" for name in sorted(files)
    )
    return "h1:" + base64.b64encode(hashlib.sha256(summary.encode()).digest()).decode()


def gosum(proxy: Mapping[str, Mapping[str, str]], keys: Iterable[str]) -> str:
    """The go.sum lines (module tree hash and go.mod hash) of the "path@version"s `keys`,
    computed as the go command does from the proxy's files."""
    lines: list[str] = []
    for key in keys:
        path, _, version = key.rpartition("@")
        files = proxy[key]
        tree = {f"{key}/{rel}": text for rel, text in files.items()}
        mod = files.get("go.mod", f"module {path}\n")
        lines.append(f"{path} {version} {_hash1(tree)}\n")
        lines.append(f"{path} {version}/go.mod {_hash1({'go.mod': mod})}\n")
    return "".join(sorted(lines))


MAIN = "example.com/main"


_TIDY_PROXY = merge(
    lib("example.com/a@v1.0.0", "example.com/b", require=["example.com/b v1.0.0"]),
    lib("example.com/b@v1.0.0"),
)

FIXTURES: list[TidyFixture] = [
    TidyFixture(
        # With its go.sum (computed by `gosum`), `go mod tidy -diff` exits 0.
        "already-tidy",
        proxy=_TIDY_PROXY,
        files={
            "go.mod": gomod(
                MAIN, require=["example.com/a v1.0.0", "example.com/b v1.0.0 // indirect"]
            ),
            "go.sum": gosum(_TIDY_PROXY, _TIDY_PROXY),
            "main.go": go_file("main", "example.com/a"),
        },
    ),
    TidyFixture(
        "unused-requirement",
        proxy=merge(lib("example.com/a@v1.0.0"), lib("example.com/unused@v1.0.0")),
        files={
            "go.mod": gomod(MAIN, require=["example.com/a v1.0.0", "example.com/unused v1.0.0"]),
            "main.go": go_file("main", "example.com/a"),
        },
    ),
    TidyFixture(
        # @latest: the highest release (pre-releases only when there is no release), minus
        # what the highest release's go.mod (v1.2.1) retracts; the retract in the
        # pre-release's go.mod is not read.  Tidy adds v1.1.0.
        "missing-requirement-latest",
        proxy=merge(
            lib("example.com/c@v1.0.0"),
            lib("example.com/c@v1.1.0"),
            lib("example.com/c@v1.2.0"),
            lib("example.com/c@v1.2.1", extra_mod="retract [v1.2.0, v1.2.1]\n"),
            lib("example.com/c@v1.3.0-beta.1", extra_mod="retract v1.1.0\n"),
        ),
        files={
            "go.mod": gomod(MAIN),
            "main.go": go_file("main", "example.com/c"),
        },
    ),
    TidyFixture(
        "direct-marked-indirect",
        proxy=merge(lib("example.com/a@v1.0.0")),
        files={
            "go.mod": gomod(MAIN, require=["example.com/a v1.0.0 // indirect"]),
            "main.go": go_file("main", "example.com/a"),
        },
    ),
    TidyFixture(
        "indirect-not-marked",
        proxy=merge(
            lib("example.com/a@v1.0.0", "example.com/b", require=["example.com/b v1.0.0"]),
            lib("example.com/b@v1.0.0"),
        ),
        files={
            "go.mod": (
                f"module {MAIN}\n\ngo 1.22\n\n"
                "require (\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0\n)\n"
            ),
            "main.go": go_file("main", "example.com/a"),
        },
    ),
    TidyFixture(
        # a needs b v1.1.0; go.mod lists b v1.0.0 (as an indirect requirement).
        "raise-transitive",
        proxy=merge(
            lib("example.com/a@v1.0.0", "example.com/b", require=["example.com/b v1.1.0"]),
            lib("example.com/b@v1.0.0"),
            lib("example.com/b@v1.1.0"),
        ),
        files={
            "go.mod": gomod(
                MAIN, require=["example.com/a v1.0.0", "example.com/b v1.0.0 // indirect"]
            ),
            "main.go": go_file("main", "example.com/a"),
        },
    ),
    TidyFixture(
        # a (go 1.16, unpruned) imports w without requiring it: before go 1.17 the
        # requirement was implied through v.  All of an unpruned module's transitive
        # requirements are in the graph, so w is found at v1.0.0 (no lookup).
        "unpruned-dependency",
        proxy=merge(
            lib(
                "example.com/a@v1.0.0", "example.com/w", go="1.16", require=["example.com/v v1.0.0"]
            ),
            lib("example.com/v@v1.0.0", go="1.16", require=["example.com/w v1.0.0"]),
            lib("example.com/w@v1.0.0"),
            lib("example.com/w@v1.2.0"),
        ),
        files={
            "go.mod": gomod(MAIN, require=["example.com/a v1.0.0"]),
            "main.go": go_file("main", "example.com/a"),
        },
    ),
    TidyFixture(
        # The same graph with a and v at go 1.17 (pruned): v provides no package, so its
        # requirements are pruned out; w is not in the graph and tidy looks up its latest.
        "pruned-dependency",
        proxy=merge(
            lib(
                "example.com/a@v1.0.0", "example.com/w", go="1.17", require=["example.com/v v1.0.0"]
            ),
            lib("example.com/v@v1.0.0", go="1.17", require=["example.com/w v1.0.0"]),
            lib("example.com/w@v1.0.0"),
            lib("example.com/w@v1.2.0"),
        ),
        files={
            "go.mod": gomod(MAIN, require=["example.com/a v1.0.0"]),
            "main.go": go_file("main", "example.com/a"),
        },
    ),
    TidyFixture(
        # a is go 1.16 (unpruned): through v, the graph requires x v1.1.0, and `go list -m
        # all` selects x v1.1.0 -- yet tidy keeps the main module's x v1.0.0 (packages are
        # loaded from the root version), and afterwards `go list -m all` (-mod=readonly)
        # says "updates to go.mod needed".  Starting from x v1.1.0, tidy keeps v1.1.0.
        "unpruned-dependency-version-kept",
        proxy=merge(
            lib("example.com/a@v1.0.0", go="1.16", require=["example.com/v v1.0.0"]),
            lib("example.com/v@v1.0.0", go="1.16", require=["example.com/x v1.1.0"]),
            lib("example.com/x@v1.0.0"),
            lib("example.com/x@v1.1.0"),
        ),
        files={
            "go.mod": gomod(MAIN, require=["example.com/a v1.0.0", "example.com/x v1.0.0"]),
            "main.go": go_file("main", "example.com/a", "example.com/x"),
        },
    ),
    TidyFixture(
        # A dependency's go line above the main module's raises the main module's go line.
        "go-line-raised-by-dependency",
        proxy=merge(lib("example.com/a@v1.0.0", go="1.23.4")),
        files={
            "go.mod": gomod(MAIN, "1.21", require=["example.com/a v1.0.0"]),
            "main.go": go_file("main", "example.com/a"),
        },
    ),
    TidyFixture(
        # Only the versions in go.mod are cached: tidy fixes the markings and drops u without
        # fetching anything (u's go.mod is still read: it is in the graph until tidy drops it).
        "partial-cache",
        proxy=merge(
            lib("example.com/a@v1.0.0"),
            lib("example.com/a@v1.1.0"),
            lib("example.com/a@v1.2.0"),
            lib("example.com/u@v1.0.0"),
            lib("example.com/u@v1.1.0"),
        ),
        files={
            "go.mod": gomod(
                MAIN, require=["example.com/a v1.1.0 // indirect", "example.com/u v1.0.0"]
            ),
            "main.go": go_file("main", "example.com/a"),
        },
        cached=("example.com/a@v1.1.0", "example.com/u@v1.0.0"),
    ),
    TidyFixture(
        # go 1.16 main module (unpruned): b is implied by a's requirement, so tidy drops it
        # (at go >= 1.17 it would be kept as `// indirect`: see main-no-go-line).
        "main-go-1.16",
        proxy=merge(
            lib(
                "example.com/a@v1.0.0", "example.com/b", go="1.16", require=["example.com/b v1.0.0"]
            ),
            lib("example.com/b@v1.0.0", go="1.16"),
        ),
        files={
            "go.mod": gomod(
                MAIN, "1.16", require=["example.com/a v1.0.0", "example.com/b v1.0.0 // indirect"]
            ),
            "main.go": go_file("main", "example.com/a"),
        },
    ),
    TidyFixture(
        # No go line: tidy writes `go <running toolchain>` (go 1.27.3 here, patch included)
        # and tidies as that version (pruned), keeping b `// indirect` unlike main-go-1.16.
        # `go mod tidy -diff` does not show the added go line (only the go.sum part).
        "main-no-go-line",
        proxy=merge(
            lib(
                "example.com/a@v1.0.0", "example.com/b", go="1.16", require=["example.com/b v1.0.0"]
            ),
            lib("example.com/b@v1.0.0", go="1.16"),
        ),
        files={
            "go.mod": gomod(
                MAIN, None, require=["example.com/a v1.0.0", "example.com/b v1.0.0 // indirect"]
            ),
            "main.go": go_file("main", "example.com/a"),
        },
    ),
    TidyFixture(
        "test-imports-in-package",
        proxy=merge(lib("example.com/a@v1.0.0"), lib("example.com/assert@v1.0.0")),
        files={
            "go.mod": gomod(MAIN, require=["example.com/a v1.0.0"]),
            "main.go": go_file("main", "example.com/a"),
            "main_test.go": go_file("main", "testing", "example.com/assert"),
        },
    ),
    TidyFixture(
        "test-imports-external-package",
        proxy=merge(lib("example.com/assert@v1.0.0")),
        files={
            "go.mod": gomod(MAIN),
            "lib/lib.go": go_file("lib", "strings"),
            "lib/lib_test.go": go_file("lib_test", "testing", "example.com/assert", f"{MAIN}/lib"),
        },
    ),
    TidyFixture(
        # a's go.mod lists what its test imports (at) and at's test imports (att).  Tidy
        # loads a's tests (tests of dependencies, one level) but at is already in the graph
        # through a's go.mod, and packages imported only by tests of dependencies are not in
        # "all" (go >= 1.16): nothing is added.
        "dependency-test-imports",
        proxy=merge(
            lib(
                "example.com/a@v1.0.0",
                require=["example.com/at v1.0.0"],
                files={"a_test.go": go_file("a", "testing", "example.com/at")},
            ),
            lib(
                "example.com/at@v1.0.0",
                require=["example.com/att v1.0.0"],
                files={"at_test.go": go_file("at_test", "testing", "example.com/att")},
            ),
            lib("example.com/att@v1.0.0"),
        ),
        files={
            "go.mod": gomod(MAIN, require=["example.com/a v1.0.0"]),
            "main.go": go_file("main", "example.com/a"),
        },
    ),
    TidyFixture(
        # a's test imports at, which a's go.mod does not list: tidy looks it up and adds it
        # as `// indirect`.  at's own test imports att (not listed anywhere): tests of at
        # are not loaded (one level only), so att is not added.
        "dependency-test-imports-unlisted",
        proxy=merge(
            lib(
                "example.com/a@v1.0.0",
                files={"a_test.go": go_file("a_test", "testing", "example.com/at")},
            ),
            lib(
                "example.com/at@v1.0.0",
                files={"at_test.go": go_file("at", "testing", "example.com/att")},
            ),
            lib("example.com/att@v1.0.0"),
        ),
        files={
            "go.mod": gomod(MAIN, require=["example.com/a v1.0.0"]),
            "main.go": go_file("main", "example.com/a"),
        },
    ),
    TidyFixture(
        # `//go:build ignore` files are never loaded (the one tag tidy does not assume).
        "build-ignore-tag",
        proxy=merge(lib("example.com/a@v1.0.0"), lib("example.com/gen@v1.0.0")),
        files={
            "go.mod": gomod(MAIN, require=["example.com/a v1.0.0", "example.com/gen v1.0.0"]),
            "main.go": go_file("main", "example.com/a"),
            "gen.go": go_file("main", "example.com/gen", build="ignore"),
        },
    ),
    TidyFixture(
        # Tidy assumes every tag (except ignore) is both set and unset: each of these files
        # counts, whatever GOOS/GOARCH, cgo or negation they ask for.
        "build-constraints-all-tags",
        proxy=merge(
            lib("example.com/win@v1.0.0"),
            lib("example.com/lin@v1.0.0"),
            lib("example.com/darm@v1.0.0"),
            lib("example.com/plan@v1.0.0"),
            lib("example.com/neg@v1.0.0"),
        ),
        files={
            "go.mod": gomod(MAIN),
            "main.go": go_file("main"),
            "w.go": go_file("main", "example.com/win", build="windows"),
            "x_linux.go": go_file("main", "example.com/lin"),
            "x_darwin_arm64.go": go_file("main", "example.com/darm"),
            "x_plan9_test.go": go_file("main", "testing", "example.com/plan"),
            "neg.go": go_file("main", "example.com/neg", build="!linux && !windows && cgo"),
        },
    ),
    TidyFixture(
        # Named, dot and blank imports all count; std imports and cgo's "C" are not modules.
        # The cgo file counts even with CGO_ENABLED=0.
        "import-forms",
        proxy=merge(
            lib("example.com/alias@v1.0.0"),
            lib("example.com/dot@v1.0.0"),
            lib("example.com/blank@v1.0.0"),
            lib("example.com/cgo@v1.0.0"),
        ),
        files={
            "go.mod": gomod(MAIN),
            "main.go": go_file(
                "main",
                'al "example.com/alias"',
                '. "example.com/dot"',
                '_ "example.com/blank"',
                "fmt",
                "net/http",
                "unsafe",
            ),
            "c.go": (
                'package main\n\n/*\n#include <stdlib.h>\n*/\nimport "C"\n\n'
                'import "example.com/cgo"\n'
            ),
        },
    ),
    TidyFixture(
        # sub/ is a module of its own: its imports do not count for the outer module.
        "nested-module-ignored",
        proxy=merge(lib("example.com/a@v1.0.0"), lib("example.com/n@v1.0.0")),
        files={
            "go.mod": gomod(MAIN, require=["example.com/n v1.0.0"]),
            "main.go": go_file("main", "example.com/a"),
            "sub/go.mod": gomod(f"{MAIN}/sub", require=["example.com/n v1.0.0"]),
            "sub/sub.go": go_file("sub", "example.com/n"),
        },
    ),
    TidyFixture(
        # The outer module imports a package of the nested module: it needs a requirement,
        # resolved from the proxy, not from the directory.
        "nested-module-imported",
        proxy=merge(lib(f"{MAIN}/sub@v1.0.0"), lib(f"{MAIN}/sub@v1.1.0")),
        files={
            "go.mod": gomod(MAIN),
            "main.go": go_file("main", f"{MAIN}/sub"),
            "sub/go.mod": gomod(f"{MAIN}/sub"),
            "sub/sub.go": go_file("sub"),
        },
    ),
    TidyFixture(
        # testdata (at any depth), _x and .x directories hold no packages.
        "ignored-directories",
        proxy=merge(
            lib("example.com/a@v1.0.0"),
            lib("example.com/td@v1.0.0"),
            lib("example.com/under@v1.0.0"),
            lib("example.com/dot@v1.0.0"),
        ),
        files={
            "go.mod": gomod(MAIN),
            "main.go": go_file("main", "example.com/a"),
            "testdata/t.go": go_file("t", "example.com/td"),
            "pkg/testdata/t.go": go_file("t", "example.com/td"),
            "_x/x.go": go_file("x", "example.com/under"),
            ".x/x.go": go_file("x", "example.com/dot"),
        },
    ),
    TidyFixture(
        # go 1.25's ignore directive: ./gen (rooted: only the top gen/) and tmp (any
        # directory named tmp, at any depth); x/gen is still loaded.
        "ignore-directive",
        proxy=merge(
            lib("example.com/a@v1.0.0"),
            lib("example.com/gen@v1.0.0"),
            lib("example.com/tmp@v1.0.0"),
            lib("example.com/kept@v1.0.0"),
        ),
        files={
            "go.mod": gomod(MAIN, "1.25", extra="ignore (\n\t./gen\n\ttmp\n)\n"),
            "main.go": go_file("main", "example.com/a"),
            "gen/gen.go": go_file("gen", "example.com/gen"),
            "x/tmp/t.go": go_file("t", "example.com/tmp"),
            "x/gen/g.go": go_file("g", "example.com/kept"),
        },
    ),
    TidyFixture(
        # Both example.com/a (directory b/) and example.com/a/b provide example.com/a/b;
        # tidy's lookup picks the longest module path that has the package.  (Requiring both
        # is an "ambiguous import" error.)
        "package-in-two-modules-lookup",
        proxy=merge(
            lib("example.com/a@v1.0.0", files={"b/b.go": go_file("b")}),
            lib("example.com/a/b@v1.0.0"),
        ),
        files={
            "go.mod": gomod(MAIN),
            "main.go": go_file("main", "example.com/a/b"),
        },
    ),
    TidyFixture(
        # The same proxy, but example.com/a is already required: it provides the package,
        # no lookup happens.
        "package-in-two-modules-required",
        proxy=merge(
            lib("example.com/a@v1.0.0", files={"b/b.go": go_file("b")}),
            lib("example.com/a/b@v1.0.0"),
        ),
        files={
            "go.mod": gomod(MAIN, require=["example.com/a v1.0.0"]),
            "main.go": go_file("main", "example.com/a/b"),
        },
    ),
    TidyFixture(
        # example.com/m/v2/pkg is only in module example.com/m/v2, resolved to its latest.
        "major-version-v2",
        proxy=merge(
            lib("example.com/m@v1.5.0"),
            lib("example.com/m/v2@v2.0.0"),
            lib("example.com/m/v2@v2.1.0", files={"pkg/pkg.go": go_file("pkg")}),
        ),
        files={
            "go.mod": gomod(MAIN, require=["example.com/m v1.5.0"]),
            "main.go": go_file("main", "example.com/m", "example.com/m/v2/pkg"),
        },
    ),
    TidyFixture(
        # Modules without go.mod: old is required at v2.0.0+incompatible; legacy's latest is
        # its +incompatible v2 (its v1 has no go.mod either); modern's v1.0.0 has a go.mod,
        # so its v2.0.0+incompatible is not a candidate for latest.
        "incompatible-version",
        proxy=merge(
            lib("example.com/old@v1.0.0", has_gomod=False),
            lib("example.com/old@v2.0.0+incompatible", has_gomod=False),
            lib("example.com/legacy@v1.0.0", has_gomod=False),
            lib("example.com/legacy@v2.1.0+incompatible", has_gomod=False),
            lib("example.com/modern@v1.0.0"),
            lib("example.com/modern@v2.0.0+incompatible", has_gomod=False),
        ),
        files={
            "go.mod": gomod(MAIN, require=["example.com/old v2.0.0+incompatible"]),
            "main.go": go_file(
                "main", "example.com/old", "example.com/legacy", "example.com/modern"
            ),
        },
    ),
    TidyFixture(
        # The replacement directory's go.mod counts (its requirement on c), and its package
        # imports c: c is added as `// indirect`.
        "replace-local-directory",
        proxy=merge(lib("example.com/c@v1.0.0")),
        files={
            "go.mod": gomod(
                MAIN,
                require=["example.com/b v1.0.0"],
                extra="replace example.com/b => ./local/b\n",
            ),
            "main.go": go_file("main", "example.com/b"),
            "local/b/go.mod": gomod("example.com/b", require=["example.com/c v1.0.0"]),
            "local/b/b.go": go_file("b", "example.com/c"),
        },
    ),
    TidyFixture(
        # b is replaced (all versions) by ../b but not required: tidy resolves the import to
        # the replacement and requires b at the zero pseudo-version
        # v0.0.0-00010101000000-000000000000.
        "replace-parent-directory-unrequired",
        proxy=merge(lib("example.com/c@v1.0.0")),
        files={
            "main/go.mod": gomod(MAIN, extra="replace example.com/b => ../b\n"),
            "main/main.go": go_file("main", "example.com/b"),
            "b/go.mod": gomod("example.com/b"),
            "b/b.go": go_file("b", "example.com/c"),
        },
        module_dir="main",
    ),
    TidyFixture(
        # a v1.0.0 is replaced by a fork (whose go.mod says `module example.com/a`, as go
        # requires): the fork's requirements (d) replace a's (old); d is added indirect.
        "replace-module-version",
        proxy=merge(
            lib("example.com/a@v1.0.0", require=["example.com/old v1.0.0"]),
            lib("example.com/old@v1.0.0"),
            {
                "example.com/fork@v1.1.0": {
                    "go.mod": gomod("example.com/a", require=["example.com/d v1.0.0"]),
                    "a.go": go_file("a", "example.com/d"),
                }
            },
            lib("example.com/d@v1.0.0"),
        ),
        files={
            "go.mod": gomod(
                MAIN,
                require=["example.com/a v1.0.0"],
                extra="replace example.com/a v1.0.0 => example.com/fork v1.1.0\n",
            ),
            "main.go": go_file("main", "example.com/a"),
        },
    ),
    TidyFixture(
        # The required version is excluded: "go: dropping requirement on excluded version
        # example.com/a v1.1.0", then the import is looked up: v1.2.0 (latest).
        "exclude-required-version",
        proxy=merge(
            lib("example.com/a@v1.0.0"), lib("example.com/a@v1.1.0"), lib("example.com/a@v1.2.0")
        ),
        files={
            "go.mod": gomod(
                MAIN,
                require=["example.com/a v1.1.0"],
                extra="exclude example.com/a v1.1.0\n",
            ),
            "main.go": go_file("main", "example.com/a"),
        },
    ),
    TidyFixture(
        # The latest version is excluded; the package is not required yet: the lookup skips
        # excluded versions and picks v1.1.0.
        "exclude-latest-version",
        proxy=merge(
            lib("example.com/a@v1.0.0"), lib("example.com/a@v1.1.0"), lib("example.com/a@v1.2.0")
        ),
        files={
            "go.mod": gomod(MAIN, extra="exclude example.com/a v1.2.0\n"),
            "main.go": go_file("main", "example.com/a"),
        },
    ),
    TidyFixture(
        # A dependency requires an excluded version: that requirement is ignored (go >= 1.16;
        # not replaced by the next higher version), b stays at v1.0.0 and go.mod is unchanged.
        "exclude-transitive-version",
        proxy=merge(
            lib("example.com/a@v1.0.0", "example.com/b", require=["example.com/b v1.1.0"]),
            lib("example.com/b@v1.0.0"),
            lib("example.com/b@v1.1.0"),
            lib("example.com/b@v1.2.0"),
        ),
        files={
            "go.mod": gomod(
                MAIN,
                require=["example.com/a v1.0.0", "example.com/b v1.0.0 // indirect"],
                extra="exclude example.com/b v1.1.0\n",
            ),
            "main.go": go_file("main", "example.com/a"),
        },
    ),
    TidyFixture(
        # Tidy runs with GOWORK=<ws>/go.work but ignores the workspace: the import of
        # example.com/b (a workspace module in ./b, which imports c) is resolved from the
        # proxy, b v1.0.0 (which imports nothing), so c is not added.  (Other commands in
        # workspace mode refuse GOFLAGS=-mod=mod; tidy does not even check.)
        "workspace-go-work",
        proxy=merge(lib("example.com/b@v1.0.0"), lib("example.com/c@v1.0.0")),
        files={
            "go.work": "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n",
            "a/go.mod": gomod("example.com/a"),
            "a/a.go": go_file("a", "example.com/b"),
            "b/go.mod": gomod("example.com/b", require=["example.com/c v1.0.0"]),
            "b/b.go": go_file("b", "example.com/c"),
        },
        module_dir="a",
    ),
    TidyFixture(
        # A tool's module is required `// indirect` when no package of the main module
        # imports it (tidy adds the marker here), and the tool's own dependencies are
        # added, also indirect.  The tool line stays.
        "tool-directive",
        proxy=merge(
            lib(
                "example.com/tl@v1.0.0",
                require=["example.com/tldep v1.0.0"],
                files={"cmd/tl/main.go": go_file("main", "example.com/tldep")},
            ),
            lib("example.com/tldep@v1.0.0"),
            lib("example.com/tldep@v1.1.0"),
        ),
        files={
            "go.mod": gomod(
                MAIN,
                "1.24",
                require=["example.com/tl v1.0.0"],
                extra="tool example.com/tl/cmd/tl\n",
            ),
            "main.go": go_file("main"),
        },
    ),
    TidyFixture(
        # A tool whose module is not required: tidy looks the tool package up (latest,
        # v1.1.0) and requires it `// indirect`.
        "tool-directive-unrequired",
        proxy=merge(
            lib("example.com/tl@v1.0.0", files={"cmd/tl/main.go": go_file("main")}),
            lib("example.com/tl@v1.1.0", files={"cmd/tl/main.go": go_file("main")}),
        ),
        files={
            "go.mod": gomod(MAIN, "1.24", extra="tool example.com/tl/cmd/tl\n"),
            "main.go": go_file("main"),
        },
    ),
    TidyFixture(
        # a imports z but a's go.mod does not require it: tidy finds z's latest version.
        "dependency-imports-unlisted-module",
        proxy=merge(
            lib("example.com/a@v1.0.0", "example.com/z"),
            lib("example.com/z@v1.0.0"),
            lib("example.com/z@v1.4.0"),
        ),
        files={
            "go.mod": gomod(MAIN, require=["example.com/a v1.0.0"]),
            "main.go": go_file("main", "example.com/a"),
        },
    ),
]
