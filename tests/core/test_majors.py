"""The major-version planners as tables: path arithmetic, which imports move, and the go.mod
edits of both refactorings (the go command judges whole fixtures in tests/majors)."""

from __future__ import annotations

from pathlib import Path

import pytest

from modlsp.core.majorbump import plan_bump
from modlsp.core.majorpath import bumped_path, current_major, with_major
from modlsp.core.majorupgrade import plan_major_upgrade
from modlsp.core.modfile import FileKind
from modlsp.core.problems import Refusal, apply_edits
from modlsp.core.reader import read
from modlsp.core.rename import ModuleSnapshot, RenamePlan, mover


@pytest.mark.parametrize(
    ("path", "to", "expected"),
    [
        ("example.com/m", None, "example.com/m/v2"),
        ("example.com/m/v2", None, "example.com/m/v3"),
        ("example.com/m/v9", None, "example.com/m/v10"),
        ("example.com/m", 5, "example.com/m/v5"),
        ("example.com/m/v1", None, "example.com/m/v2"),  # a useless /v1 is replaced
        ("example.com/m/v0", None, "example.com/m/v2"),
        ("gopkg.in/yaml.v2", None, "gopkg.in/yaml.v3"),
        ("gopkg.in/yaml.v0", None, "gopkg.in/yaml.v1"),
        ("gopkg.in/user/pkg.v1-unstable", None, "gopkg.in/user/pkg.v2"),
        (
            "example.com/m/v3",
            3,
            Refusal("example.com/m/v3 is already at v3: the new major must be above it"),
        ),
        (
            "example.com/m/v3",
            2,
            Refusal("example.com/m/v3 is already at v3: the new major must be above it"),
        ),
        (
            "example.com/m",
            1,
            Refusal("v1 is not a major version a module path can carry (v2 or later)"),
        ),
        (
            "gopkg.in/yaml",
            None,
            Refusal("gopkg.in/yaml is not a module path that can carry a major version"),
        ),
        (
            "example.com/m/v2.0",
            None,
            Refusal("example.com/m/v2.0 is not a module path that can carry a major version"),
        ),
        ("-bad/m", None, Refusal("-bad/m is not a module path that can carry a major version")),
    ],
)
def test_bumped_path(path: str, to: int | None, expected: object) -> None:
    assert bumped_path(path, to) == expected


@pytest.mark.parametrize(
    ("path", "major", "other"),
    [
        ("example.com/m", 1, "example.com/m/v3"),
        ("example.com/m/v4", 4, "example.com/m/v3"),
        ("gopkg.in/yaml.v2", 2, "gopkg.in/yaml.v3"),
    ],
)
def test_current_and_other_majors(path: str, major: int, other: str) -> None:
    assert current_major(path) == major
    assert with_major(path, 3) == other


def test_with_major_one_drops_the_suffix() -> None:
    assert with_major("example.com/m/v3", 1) == "example.com/m"


def test_an_import_belongs_to_the_longest_module_path() -> None:
    rename = mover("example.com/m", "example.com/m/v2", {"example.com/m/tools", "example.com/m/v3"})
    assert rename("example.com/m") == "example.com/m/v2"
    assert rename("example.com/m/a/b") == "example.com/m/v2/a/b"
    assert rename("example.com/m/tools/x") is None  # a nested module's package
    assert rename("example.com/m/v3/x") is None  # another major of the module, required
    assert rename("example.com/mx") is None
    assert rename("example.com/other") is None


def snapshot(directory: Path, gomod: str, files: dict[str, str]) -> ModuleSnapshot:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "go.mod").write_text(gomod)
    go_files = []
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        go_files.append(path)
    model = read(gomod.encode(), FileKind.GOMOD, "go.mod")
    return ModuleSnapshot(directory, gomod.encode(), model, go_files)


def read_file(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def applied(plan: RenamePlan) -> dict[str, str]:
    return {
        f"{f.path.parent.name}/{f.path.name}": apply_edits(f.before, f.edits).decode()
        for f in plan.files
    }


def test_bump_rewrites_tool_lines_and_leaves_other_modules_imports(tmp_path: Path) -> None:
    main = snapshot(
        tmp_path / "m",
        "module example.com/m\n\ngo 1.24\n\nrequire example.com/m/v3 v3.0.0\n\n"
        "tool example.com/m/cmd/x\n",
        {
            "cmd/x/main.go": 'package main\n\nimport (\n\t"example.com/m/lib"\n\t"example.com/m/v3/old"\n)\n',
        },
    )
    plan = plan_bump(main, [], set(), read_file)
    assert isinstance(plan, RenamePlan)
    after = applied(plan)
    assert after["m/go.mod"].endswith("tool example.com/m/v2/cmd/x\n")
    assert after["m/go.mod"].startswith("module example.com/m/v2\n")
    assert '"example.com/m/v3/old"' in after["x/main.go"]
    assert '"example.com/m/v2/lib"' in after["x/main.go"]


def test_bump_updates_requirements_replaces_and_go_work(tmp_path: Path) -> None:
    main = snapshot(tmp_path / "m", "module example.com/m\n\ngo 1.21\n", {})
    user = snapshot(
        tmp_path / "u",
        "module example.com/u\n\ngo 1.21\n\nrequire example.com/m v1.4.0 // indirect\n\n"
        "replace example.com/m v1.4.0 => ../m\n",
        {"u.go": 'package u\n\nimport _ "example.com/m"\n'},
    )
    bystander = snapshot(tmp_path / "b", "module example.com/b\n\ngo 1.21\n", {})
    work = b"go 1.21\n\nuse (\n\t./m\n\t./u\n)\n\nreplace example.com/m => ./m\n"
    gowork = (tmp_path / "go.work", work, read(work, FileKind.GOWORK, "go.work"))
    plan = plan_bump(
        main, [user, bystander], {"example.com/u", "example.com/b"}, read_file, gowork=gowork
    )
    assert isinstance(plan, RenamePlan)
    after = applied(plan)
    assert set(after) == {"m/go.mod", "u/go.mod", "u/u.go", f"{tmp_path.name}/go.work"}
    assert "require example.com/m/v2 v2.0.0 // indirect\n" in after["u/go.mod"]
    assert "replace example.com/m/v2 => ../m\n" in after["u/go.mod"]
    assert after["u/u.go"] == 'package u\n\nimport _ "example.com/m/v2"\n'
    assert after[f"{tmp_path.name}/go.work"].endswith("replace example.com/m/v2 => ./m\n")


def test_bump_refuses_a_broken_gomod_and_a_missing_module_line(tmp_path: Path) -> None:
    broken = snapshot(tmp_path / "a", "module example.com/a\n\nrequire x.com/y 1.0\n", {})
    assert plan_bump(broken, [], set(), read_file) == Refusal(
        f"{tmp_path / 'a' / 'go.mod'}: fix the go.mod's errors first"
    )
    bare = snapshot(tmp_path / "b", "go 1.21\n", {})
    assert plan_bump(bare, [], set(), read_file) == Refusal(
        f"{tmp_path / 'b' / 'go.mod'}: no module line to bump"
    )


UPGRADE_GOMOD = (
    "module example.com/app\n\ngo 1.21\n\nrequire (\n\texample.com/x v1.9.0\n"
    "\texample.com/y v1.0.0\n)\n"
)


def test_upgrade_rewrites_the_requirement_and_the_imports(tmp_path: Path) -> None:
    main = snapshot(
        tmp_path / "app",
        UPGRADE_GOMOD,
        {
            "a.go": 'package a\n\nimport (\n\t"example.com/x"\n\t"example.com/x/sub"\n\t"example.com/y"\n)\n'
        },
    )
    plan = plan_major_upgrade(main, "example.com/x", "example.com/x/v2", "v2.3.0", set(), read_file)
    assert isinstance(plan, RenamePlan)
    after = applied(plan)
    assert "\texample.com/x/v2 v2.3.0\n" in after["app/go.mod"]
    assert after["app/a.go"] == (
        'package a\n\nimport (\n\t"example.com/x/v2"\n\t"example.com/x/v2/sub"\n\t"example.com/y"\n)\n'
    )
    assert plan.import_count == 2


def test_upgrade_when_the_new_path_is_already_required_keeps_one_line(tmp_path: Path) -> None:
    gomod = UPGRADE_GOMOD.replace("\texample.com/y v1.0.0\n", "\texample.com/x/v2 v2.1.0\n")
    main = snapshot(tmp_path / "app", gomod, {})
    plan = plan_major_upgrade(main, "example.com/x", "example.com/x/v2", "v2.3.0", set(), read_file)
    assert isinstance(plan, RenamePlan)
    assert applied(plan)["app/go.mod"] == (
        "module example.com/app\n\ngo 1.21\n\nrequire example.com/x/v2 v2.3.0\n"
    )


def test_upgrade_to_incompatible_changes_the_version_only(tmp_path: Path) -> None:
    main = snapshot(
        tmp_path / "app", UPGRADE_GOMOD, {"a.go": 'package a\n\nimport "example.com/x"\n'}
    )
    plan = plan_major_upgrade(
        main, "example.com/x", "example.com/x", "v2.0.0+incompatible", set(), read_file
    )
    assert isinstance(plan, RenamePlan)
    assert set(applied(plan)) == {"app/go.mod"}
    assert "\texample.com/x v2.0.0+incompatible\n" in applied(plan)["app/go.mod"]


@pytest.mark.parametrize(
    ("old", "new", "version", "message"),
    [
        ("example.com/z", "example.com/z/v2", "v2.0.0", "example.com/z is not required by"),
        (
            "example.com/x",
            "example.com/y/v2",
            "v2.0.0",
            "example.com/y/v2 is not another major version of example.com/x",
        ),
        ("example.com/x", "example.com/x/v2", "v3.0.0", "invalid version: should be v2, not v3"),
        ("example.com/x", "example.com/x", "v1.9.0", "example.com/x is already at v1.9.0"),
    ],
)
def test_upgrade_refusals(tmp_path: Path, old: str, new: str, version: str, message: str) -> None:
    main = snapshot(tmp_path / "app", UPGRADE_GOMOD, {})
    plan = plan_major_upgrade(main, old, new, version, set(), read_file)
    assert isinstance(plan, Refusal)
    assert message in plan.message


def test_upgrade_notes_a_replace_left_on_the_old_path(tmp_path: Path) -> None:
    main = snapshot(tmp_path / "app", UPGRADE_GOMOD + "\nreplace example.com/x => ../x\n", {})
    plan = plan_major_upgrade(main, "example.com/x", "example.com/x/v2", "v2.3.0", set(), read_file)
    assert isinstance(plan, RenamePlan)
    assert plan.notes == (
        "replace example.com/x => ../x still names the old path: update or remove it",
    )


def test_upgrade_keeps_the_require_block_sorted_as_go_mod_edit_fmt_would(tmp_path: Path) -> None:
    gomod = UPGRADE_GOMOD.replace("\texample.com/y v1.0.0\n", "\texample.com/x-tra v1.0.0\n")
    main = snapshot(tmp_path / "app", gomod, {})
    plan = plan_major_upgrade(main, "example.com/x", "example.com/x/v2", "v2.3.0", set(), read_file)
    assert isinstance(plan, RenamePlan)
    assert applied(plan)["app/go.mod"].endswith(
        "require (\n\texample.com/x-tra v1.0.0\n\texample.com/x/v2 v2.3.0\n)\n"
    )


def test_doc_links_in_comments_follow_the_bump(tmp_path: Path) -> None:
    text = (
        "// Package m: see [example.com/m/sub], [example.com/m/sub.F] and [example.com/m.T.M],\n"
        "// not [example.com/m/tools/x] (another module) or [example.com/mx].\n"
        "package m\n\n"
        'import _ "example.com/m/sub"\n\n'
        'const s = "[example.com/m/sub]"\n\n'
        "/* a block: [example.com/m/sub.G] */\n"
    )
    main = snapshot(tmp_path / "m", "module example.com/m\n\ngo 1.21\n", {"m.go": text})
    plan = plan_bump(main, [], {"example.com/m/tools"}, read_file)
    assert isinstance(plan, RenamePlan)
    assert applied(plan)["m/m.go"] == (
        "// Package m: see [example.com/m/v2/sub], [example.com/m/v2/sub.F] and"
        " [example.com/m/v2.T.M],\n"
        "// not [example.com/m/tools/x] (another module) or [example.com/mx].\n"
        "package m\n\n"
        'import _ "example.com/m/v2/sub"\n\n'
        'const s = "[example.com/m/sub]"\n\n'
        "/* a block: [example.com/m/v2/sub.G] */\n"
    )
    assert plan.import_count == 1
