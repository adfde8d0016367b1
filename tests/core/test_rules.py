"""Every rule on a small file: exact token, code, severity, wording, and that its fix works.

Each case is a go.mod body (a module line is prepended when the case needs one) and the one
problem expected in it; applying the problem's first fix must make that problem go away
without adding an error.
"""

from __future__ import annotations

import pytest

from modlsp.core.analysis import FileKind, analyze
from modlsp.core.problems import Problem, Severity, apply_edits

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFORMATION
MODULE = "module example.com/m\n"

# (id, file text, kind, expected: (severity, code, the offending text, message), fix title or None)
CASES = [
    (
        "unknown-directive",
        MODULE + "requre a.com/x v1.0.0\n",
        FileKind.GOMOD,
        (E, "unknown-directive", "requre", "unknown directive: requre"),
        "Change to 'require'",
    ),
    (
        "unknown-block",
        MODULE + "requires (\n\ta.com/x v1.0.0\n)\n",
        FileKind.GOMOD,
        (E, "unknown-directive", "requires (", "unknown block type: requires"),
        "Change to 'require'",
    ),
    (
        "repeated-go",
        MODULE + "go 1.21\ngo 1.22\n",
        FileKind.GOMOD,
        (E, "repeated-directive", "go 1.22", "repeated go statement"),
        "Remove this line",
    ),
    (
        "repeated-module",
        MODULE + "module example.com/n\n",
        FileKind.GOMOD,
        (E, "repeated-directive", "module example.com/n", "repeated module statement"),
        "Remove this line",
    ),
    (
        "go-version",
        MODULE + "go 1.22.x\n",
        FileKind.GOMOD,
        (
            E,
            "invalid-go-version",
            "1.22.x",
            "invalid go version '1.22.x': must match format 1.23.0",
        ),
        "Change to 1.22",
    ),
    (
        "go-prefix",
        MODULE + "go go1.22\n",
        FileKind.GOMOD,
        (
            E,
            "invalid-go-version",
            "go1.22",
            "invalid go version 'go1.22': must match format 1.23.0",
        ),
        "Change to 1.22",
    ),
    (
        "toolchain",
        MODULE + "toolchain 1.22.1\n",
        FileKind.GOMOD,
        (
            E,
            "invalid-toolchain",
            "1.22.1",
            "invalid toolchain version '1.22.1': must match format go1.23.0 or default",
        ),
        "Change to go1.22.1",
    ),
    (
        "toolchain-older",
        MODULE + "go 1.22.0\ntoolchain go1.21.3\n",
        FileKind.GOMOD,
        (
            W,
            "toolchain-older",
            "go1.21.3",
            "toolchain go1.21.3 is older than go 1.22.0: the go command ignores it and needs at least "
            "the go line's version",
        ),
        "Remove this line",
    ),
    (
        "godebug-usage",
        MODULE + "godebug panicnil\n",
        FileKind.GOMOD,
        (E, "godebug-usage", "godebug panicnil", "usage: godebug key=value"),
        None,
    ),
    (
        "godebug-unknown",
        MODULE + "godebug nosuchkey=1\n",
        FileKind.GOMOD,
        (E, "unknown-godebug", "nosuchkey=1", 'unknown godebug "nosuchkey"'),
        None,
    ),
    (
        "require-usage",
        MODULE + "require a.com/x\n",
        FileKind.GOMOD,
        (E, "usage", "require a.com/x", "usage: require module/path v1.2.3"),
        None,
    ),
    (
        "not-semver",
        MODULE + "require a.com/x 1.2.3\n",
        FileKind.GOMOD,
        (
            E,
            "invalid-version",
            "1.2.3",
            'require a.com/x: version "1.2.3" invalid: must be of the form v1.2.3',
        ),
        "Change to v1.2.3",
    ),
    (
        "uppercase-v",
        MODULE + "require a.com/x V1.2.3\n",
        FileKind.GOMOD,
        (
            E,
            "invalid-version",
            "V1.2.3",
            'require a.com/x: version "V1.2.3" invalid: must be of the form v1.2.3',
        ),
        "Change to v1.2.3",
    ),
    (
        "noncanonical",
        MODULE + "require a.com/x v1.2\n",
        FileKind.GOMOD,
        (
            W,
            "noncanonical-version",
            "v1.2",
            'version "v1.2" is not canonical: the go command will rewrite it to v1.2.0',
        ),
        "Change to v1.2.0",
    ),
    (
        "major-needs-suffix",
        MODULE + "require a.com/x v2.3.4\n",
        FileKind.GOMOD,
        (
            E,
            "major-mismatch",
            "v2.3.4",
            'require a.com/x: version "v2.3.4" invalid: should be v0 or v1, not v2',
        ),
        "Change the path to a.com/x/v2",
    ),
    (
        "major-suffix-mismatch",
        MODULE + "require a.com/x/v3 v2.0.0\n",
        FileKind.GOMOD,
        (
            E,
            "major-mismatch",
            "v2.0.0",
            'require a.com/x/v3: version "v2.0.0" invalid: should be v3, not v2',
        ),
        "Change the path to a.com/x/v2",
    ),
    (
        "gopkg-in",
        MODULE + "require gopkg.in/yaml.v2 v3.0.1\n",
        FileKind.GOMOD,
        (
            E,
            "major-mismatch",
            "v3.0.1",
            'require gopkg.in/yaml.v2: version "v3.0.1" invalid: should be v2, not v3',
        ),
        None,
    ),
    (
        "invalid-path-major",
        MODULE + "require a.com/x/v1 v1.0.0\n",
        FileKind.GOMOD,
        (E, "malformed-module-path", "a.com/x/v1", "invalid module path"),
        None,
    ),
    (
        "malformed-path",
        MODULE + "require Foo.com/x v1.0.0\n",
        FileKind.GOMOD,
        (
            E,
            "malformed-module-path",
            "Foo.com/x",
            "malformed module path \"Foo.com/x\": invalid char 'F' in first path element",
        ),
        "Change to foo.com/x",
    ),
    (
        "missing-dot",
        MODULE + "require foo/x v1.0.0\n",
        FileKind.GOMOD,
        (
            E,
            "malformed-module-path",
            "foo/x",
            'malformed module path "foo/x": missing dot in first path element',
        ),
        None,
    ),
    (
        "incompatible-on-suffix",
        MODULE + "require a.com/x/v2 v2.0.0+incompatible\n",
        FileKind.GOMOD,
        (
            W,
            "incompatible-suffix",
            "v2.0.0+incompatible",
            "a.com/x/v2@v2.0.0+incompatible: invalid version: +incompatible suffix not allowed: "
            "module path includes a major version suffix, so major version must match",
        ),
        "Change to v2.0.0",
    ),
    (
        "bad-pseudo",
        MODULE + "require a.com/x v0.0.0-2019110902193-daa7c04131f5\n",
        FileKind.GOMOD,
        (
            W,
            "pseudo-version",
            "v0.0.0-2019110902193-daa7c04131f5",
            'malformed pseudo-version "v0.0.0-2019110902193-daa7c04131f5": malformed time '
            '"2019110902193": should be 14 digits (yyyymmddhhmmss)',
        ),
        None,
    ),
    (
        "duplicate-require",
        MODULE + "require a.com/x v1.0.0\nrequire a.com/x v1.1.0\n",
        FileKind.GOMOD,
        (
            W,
            "duplicate-require",
            "require a.com/x v1.0.0",
            "a.com/x is required more than once: the go command uses the highest version, v1.1.0",
        ),
        "Remove this line",
    ),
    (
        "replace-not-dir",
        MODULE + "replace a.com/x => b.com/y\n",
        FileKind.GOMOD,
        (
            E,
            "replace-target",
            "b.com/y",
            "replacement module without version must be directory path (rooted or starting with . or ..)",
        ),
        "Change to ./b.com/y",
    ),
    (
        "replace-at",
        MODULE + "replace a.com/x => b.com/y@v1.0.0\n",
        FileKind.GOMOD,
        (
            E,
            "replace-target",
            "b.com/y@v1.0.0",
            "replacement module must match format 'path version', not 'path@version'",
        ),
        "Change to 'b.com/y v1.0.0'",
    ),
    (
        "replace-dir-version",
        MODULE + "replace a.com/x => ../x v1.0.0\n",
        FileKind.GOMOD,
        (
            E,
            "replace-dir-version",
            "v1.0.0",
            'replacement module directory path "../x" cannot have version',
        ),
        "Remove the version",
    ),
    (
        "duplicate-replace",
        MODULE + "replace a.com/x => ../x\nreplace a.com/x => ../x\n",
        FileKind.GOMOD,
        (
            W,
            "duplicate-replace",
            "replace a.com/x => ../x",
            "a.com/x is replaced again below: the later replace wins and the go command drops this one",
        ),
        "Remove this line",
    ),
    (
        "noop-replace",
        MODULE + "replace a.com/x v1.0.0 => a.com/x v1.0.0\n",
        FileKind.GOMOD,
        (
            W,
            "noop-replace",
            "replace a.com/x v1.0.0 => a.com/x v1.0.0",
            "replace of a.com/x v1.0.0 with itself has no effect",
        ),
        "Remove this line",
    ),
    (
        "absolute-replace",
        MODULE + "replace a.com/x => /src/x\n",
        FileKind.GOMOD,
        (
            INFO,
            "absolute-replace",
            "/src/x",
            "replacement directory /src/x is an absolute path: the module will not build on another "
            "machine",
        ),
        None,
    ),
    (
        "duplicate-exclude",
        MODULE + "exclude a.com/x v1.0.0\nexclude a.com/x v1.0.0\n",
        FileKind.GOMOD,
        (W, "duplicate-exclude", "exclude a.com/x v1.0.0", "a.com/x v1.0.0 is already excluded"),
        "Remove this line",
    ),
    (
        "retract-interval",
        MODULE + "// why\nretract [v1.0.0 v1.1.0]\n",
        FileKind.GOMOD,
        (E, "retract-interval", "v1.1.0", "expected ',' after version"),
        None,
    ),
    (
        "retract-empty",
        MODULE + "// why\nretract [v1.2.0, v1.1.0]\n",
        FileKind.GOMOD,
        (
            E,
            "retract-interval",
            "v1.2.0, v1.1.0",
            "retract interval [v1.2.0, v1.1.0] is empty: its low end is above its high end",
        ),
        "Swap the versions",
    ),
    (
        "retract-bad-version",
        MODULE + "// why\nretract master\n",
        FileKind.GOMOD,
        (
            E,
            "invalid-version",
            "master",
            'retract: version "master" invalid: must be of the form v1.2.3',
        ),
        None,
    ),
    (
        "retract-no-rationale",
        MODULE + "retract v1.0.0\n",
        FileKind.GOMOD,
        (
            INFO,
            "retract-rationale",
            "retract v1.0.0",
            "retract has no rationale: add a comment saying why (go list -m -retracted shows it)",
        ),
        None,
    ),
    (
        "tool-usage",
        MODULE + "tool a b\n",
        FileKind.GOMOD,
        (E, "usage", "tool a b", "tool directive expects exactly one argument"),
        None,
    ),
    (
        "main-module-upper",
        "module Example.com/m\n",
        FileKind.GOMOD,
        (
            W,
            "module-path",
            "Example.com/m",
            "malformed module path \"Example.com/m\": invalid char 'E' in first path element (the go "
            "command accepts it for the main module, but no other module can require it)",
        ),
        "Change to example.com/m",
    ),
    (
        "main-module-dash",
        "module -example.com/m\n",
        FileKind.GOMOD,
        (
            E,
            "module-path",
            "-example.com/m",
            'malformed module path "-example.com/m": leading dash',
        ),
        None,
    ),
    (
        "main-module-v1",
        "module example.com/m/v1\n",
        FileKind.GOMOD,
        (
            W,
            "major-suffix",
            "example.com/m/v1",
            'module path "example.com/m/v1" ends in /v1: a major version suffix is only allowed for '
            "v2 or later",
        ),
        "Change to example.com/m",
    ),
    (
        "missing-module",
        "go 1.22\n",
        FileKind.GOMOD,
        (
            E,
            "missing-module",
            "go 1.22",
            "missing module declaration. To specify the module path:\n\tgo mod edit -module=example.com/mod",
        ),
        None,
    ),
    (
        "missing-module-comments-only",
        "// just a comment\n",
        FileKind.GOMOD,
        (
            E,
            "missing-module",
            "// just a comment",
            "missing module declaration. To specify the module path:\n\tgo mod edit -module=example.com/mod",
        ),
        None,
    ),
    (
        "missing-module-empty-file",
        "",
        FileKind.GOMOD,
        (
            E,
            "missing-module",
            "",
            "missing module declaration. To specify the module path:\n\tgo mod edit -module=example.com/mod",
        ),
        None,
    ),
    (
        "block-comment",
        MODULE + "go 1.22 /* note */\n",
        FileKind.GOMOD,
        (E, "block-comment", "/* note */", "mod files must use // comments (not /* */ comments)"),
        "Use a // comment",
    ),
    (
        "bom",
        "\ufeff" + MODULE,
        FileKind.GOMOD,
        (E, "bad-character", "\ufeff", "unexpected input character '\\ufeff'"),
        "Delete the character",
    ),
    (
        "unterminated",
        MODULE + "require (\n\ta.com/x v1.0.0\n",
        FileKind.GOMOD,
        (E, "syntax", "require (", "syntax error (unterminated block started at go.mod:2:1)"),
        "Add the missing ')'",
    ),
    (
        "work-disallows-require",
        "go 1.22\nrequire a.com/x v1.0.0\n",
        FileKind.GOWORK,
        (
            E,
            "work-directive",
            "require a.com/x v1.0.0",
            "unknown directive: require (require is not allowed in a go.work file)",
        ),
        "Remove this line",
    ),
    (
        "mod-disallows-use",
        MODULE + "use ./x\n",
        FileKind.GOMOD,
        (
            E,
            "mod-directive",
            "use ./x",
            "unknown directive: use (use is not allowed in a go.mod file)",
        ),
        "Remove this line",
    ),
    (
        "work-use-usage",
        "go 1.22\nuse\n",
        FileKind.GOWORK,
        (E, "usage", "use", "usage: use local/dir"),
        None,
    ),
    (
        "conflicting-replace",
        MODULE + "replace a.com/x => ../x\nreplace a.com/x => ../y\n",
        FileKind.GOMOD,
        (
            E,
            "conflicting-replace",
            "replace a.com/x => ../x",
            "conflicting replacements for a.com/x:\n\t../x\n\t../y",
        ),
        "Remove this replacement",
    ),
    (
        "self-require",
        MODULE + "require example.com/m v1.0.0\n",
        FileKind.GOMOD,
        (
            W,
            "self-require",
            "example.com/m",
            "a module cannot require itself: the go command ignores this requirement",
        ),
        "Remove this line",
    ),
    (
        "exclude-malformed",
        MODULE + "exclude Foo.com/x v1.0.0\n",
        FileKind.GOMOD,
        (
            W,
            "malformed-module-path",
            "Foo.com/x",
            "malformed module path \"Foo.com/x\": invalid char 'F' in first path element (it can "
            "never match a module, so the go command ignores it)",
        ),
        "Change to foo.com/x",
    ),
    (
        "replacement-malformed-unused",
        MODULE + "replace a.com/x => Foo.com/y v1.0.0\n",
        FileKind.GOMOD,
        (
            W,
            "malformed-module-path",
            "Foo.com/y",
            "malformed module path \"Foo.com/y\": invalid char 'F' in first path element (an "
            "error as soon as a build needs a.com/x)",
        ),
        "Change to foo.com/y",
    ),
    (
        "duplicate-use",
        "go 1.22\nuse ./a\nuse a/\n",
        FileKind.GOWORK,
        (E, "duplicate-use", "use a/", "path a appears multiple times in workspace"),
        "Remove this line",
    ),
]


def _describe(data: bytes, problem: Problem) -> tuple[Severity, str, str, str]:
    text = data[problem.span.start : problem.span.end].decode()
    return problem.severity, problem.code, text, problem.message


@pytest.mark.parametrize(
    ("text", "kind", "expected", "fix"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule(
    text: str, kind: FileKind, expected: tuple[Severity, str, str, str], fix: str | None
) -> None:
    data = text.encode()
    problems = analyze(data, kind, kind.value).problems
    assert [_describe(data, p) for p in problems] == [expected]
    (problem,) = problems
    if fix is None:
        assert problem.fixes == ()
        return
    assert problem.fixes[0].title == fix
    fixed = apply_edits(data, problem.fixes[0].edits)
    after = analyze(fixed, kind, kind.value).problems
    assert [p for p in after if p.code == problem.code] == []
    assert [p.message for p in after if p.severity is Severity.ERROR] == []


def test_major_mismatch_offers_incompatible_too() -> None:
    data = (MODULE + "require a.com/x v2.3.4\n").encode()
    (problem,) = analyze(data, FileKind.GOMOD).problems
    assert [f.title for f in problem.fixes] == [
        "Change the path to a.com/x/v2",
        "Change to v2.3.4+incompatible",
    ]
    fixed = apply_edits(data, problem.fixes[1].edits)
    assert fixed.endswith(b"require a.com/x v2.3.4+incompatible\n")
    assert analyze(fixed, FileKind.GOMOD).problems == ()


def test_grouped_retract_comment_counts_as_rationale() -> None:
    data = (MODULE + "retract (\n\t// broken builds\n\tv1.0.1\n\tv1.0.0\n\n\tv0.9.0\n)\n").encode()
    problems = analyze(data, FileKind.GOMOD).problems
    assert [_describe(data, p)[1:3] for p in problems] == [("retract-rationale", "v0.9.0")]


def test_retract_without_module_blames_the_retract_line() -> None:
    data = b"go 1.22\n// why\nretract v1.0.0\n"
    problems = analyze(data, FileKind.GOMOD).problems
    assert [_describe(data, p)[1:3] for p in problems] == [
        ("missing-module", "go 1.22"),
        ("retract-no-module", "retract v1.0.0"),
    ]


def test_malformed_replacement_of_a_required_module_is_an_error() -> None:
    data = (MODULE + "require a.com/x v1.0.0\nreplace a.com/x => Foo.com/y v1.0.0\n").encode()
    (problem,) = analyze(data, FileKind.GOMOD).problems
    assert (problem.severity, problem.code) == (E, "malformed-module-path")


# --- found by the property tests (tests/core/test_properties.py) ------------------------------


def test_a_broken_module_line_still_counts_for_repeated_module() -> None:
    """x/mod records the module before it checks the line's arguments (go: `go.mod:1: usage:
    module module/path`, `go.mod:2: repeated module statement`)."""
    data = b"module\nmodule example.com/n\n"
    problems = analyze(data, FileKind.GOMOD).problems
    assert [_describe(data, p)[1:] for p in problems] == [
        ("usage", "module", "usage: module module/path"),
        ("repeated-directive", "module example.com/n", "repeated module statement"),
    ]


def test_a_block_verb_is_not_suggested_for_itself() -> None:
    """`go (` is no typo of `go`: "Change to 'go'" would change nothing."""
    data = (MODULE + "go (\n)\n").encode()
    (problem,) = analyze(data, FileKind.GOMOD).problems
    assert (problem.code, problem.message, problem.fixes) == (
        "unknown-directive",
        "unknown block type: go",
        (),
    )


def test_closing_a_string_keeps_the_crlf_line_break() -> None:
    data = b'module "example.com/a\r\ngo 1.22\r\n'
    (problem,) = analyze(data, FileKind.GOMOD).problems
    assert problem.message == "unexpected newline in string"
    fixed = apply_edits(data, problem.fixes[0].edits)
    assert fixed == b'module "example.com/a"\r\ngo 1.22\r\n'
    assert analyze(fixed, FileKind.GOMOD).problems == ()


def test_closing_a_later_unterminated_block_closes_the_earlier_one_too() -> None:
    """To the go command the first unterminated block runs to the end of the file, the second
    one inside it: a ')' at the end alone would close the first block there."""
    data = (MODULE + "require (\n\ta.com/x v1.0.0\nrequre\nexclude (\n").encode()
    problems = [p for p in analyze(data, FileKind.GOMOD).problems if p.code == "syntax"]
    assert [p.fixes[0].title for p in problems] == [
        "Add the missing ')'",
        "Add the 2 missing ')'",
    ]
    fixed = apply_edits(data, problems[1].fixes[0].edits)
    assert fixed == (MODULE + "require (\n\ta.com/x v1.0.0\nrequre\n)\nexclude (\n)\n").encode()
    # Left: the line the first block's recovery ended before, now a bad line of the block.
    after = analyze(fixed, FileKind.GOMOD).problems
    assert [(p.code, p.message) for p in after] == [("usage", "usage: require module/path v1.2.3")]


def test_lowercasing_the_module_path_renames_its_self_requirement() -> None:
    """A self-requirement of the old path would become a requirement of a path no module can
    have (an error) if only the module line changed."""
    data = b"module Example.com/M\n\nrequire Example.com/M v1.0.0\n"
    problem = next(p for p in analyze(data, FileKind.GOMOD).problems if p.code == "module-path")
    fixed = apply_edits(data, problem.fixes[0].edits)
    assert fixed == b"module example.com/m\n\nrequire example.com/m v1.0.0\n"
    after = analyze(fixed, FileKind.GOMOD).problems
    assert [(p.severity, p.code) for p in after] == [(W, "self-require")]
