"""Release tags read from real git repositories (made with the git CLI), and the module line's
problem when the module path's major version is behind the newest tag."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from modlsp.core import gittags
from modlsp.core.gittags import ReleaseTags, cache_clear, cache_info, release_tags, tag_problems
from modlsp.core.modfile import FileKind
from modlsp.core.problems import Severity
from modlsp.core.reader import read

# The user's configuration and any GIT_DIR of a surrounding hook must not reach the tests.
GIT_ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Tester",
    "GIT_AUTHOR_EMAIL": "tester@example.com",
    "GIT_COMMITTER_NAME": "Tester",
    "GIT_COMMITTER_EMAIL": "tester@example.com",
}
# An mtime far in the past: scans of files this old are trusted by the cache.
OLD_NS = 1_000_000_000 * 10**9


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=GIT_ENV, capture_output=True, text=True, check=True
    )
    return result.stdout


def tag(repo: Path, *names: str, annotated: bool = False) -> None:
    for name in names:
        if annotated:
            git(repo, "tag", "-a", "-m", f"release {name}", name)
        else:
            git(repo, "tag", name)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def age(repo: Path) -> None:
    """Backdate packed-refs and the refs/tags directories, as if written long ago."""
    common = repo / ".git"
    paths = [common / "packed-refs", common / "refs" / "tags"]
    paths += [p for p in (common / "refs" / "tags").rglob("*") if p.is_dir()]
    for path in paths:
        if path.exists():
            os.utime(path, ns=(OLD_NS, OLD_NS))


def versions(module_dir: Path, module_path: str = "example.com/m") -> tuple[str, ...]:
    tags = release_tags(module_dir, module_path)
    assert tags is not None
    return tags.versions


def loose_tag_files(repo: Path) -> list[str]:
    tags_dir = repo / ".git" / "refs" / "tags"
    return sorted(p.relative_to(tags_dir).as_posix() for p in tags_dir.rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache_clear()
    yield
    cache_clear()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "commit", "-q", "--allow-empty", "-m", "initial")
    return root


# --- Reading tags ---


def test_loose_tags_lightweight_and_annotated(repo: Path) -> None:
    tag(repo, "v1.0.0", "v2.0.0")
    tag(repo, "v2.1.0", annotated=True)
    assert loose_tag_files(repo) == ["v1.0.0", "v2.0.0", "v2.1.0"]
    tags = release_tags(repo, "example.com/m")
    assert tags == ReleaseTags(repo, "", ("v1.0.0", "v2.0.0", "v2.1.0"))
    assert release_tags(repo / "internal" / "x", "example.com/m") is not None


def test_packed_tags_with_peeled_lines(repo: Path) -> None:
    tag(repo, "v1.0.0")
    tag(repo, "v2.0.0", "v2.1.0", annotated=True)
    git(repo, "pack-refs", "--all")
    assert loose_tag_files(repo) == []
    assert "^" in (repo / ".git" / "packed-refs").read_text()
    assert versions(repo) == ("v1.0.0", "v2.0.0", "v2.1.0")


def test_loose_and_packed_tags_together(repo: Path) -> None:
    tag(repo, "v1.0.0", "v1.1.0")
    git(repo, "pack-refs", "--all")
    tag(repo, "v1.2.0")
    git(repo, "commit", "-q", "--allow-empty", "-m", "second")
    git(repo, "tag", "-f", "v1.1.0")  # now both loose and packed: counted once
    assert loose_tag_files(repo) == ["v1.1.0", "v1.2.0"]
    assert versions(repo) == ("v1.0.0", "v1.1.0", "v1.2.0")


def test_versions_ascend_in_semver_order(repo: Path) -> None:
    tag(repo, "v1.10.0", "v2.0.0", "v1.9.0", "v2.0.0-rc.1", "v2.0.0-alpha", "v0.1.0")
    assert versions(repo) == (
        "v0.1.0",
        "v1.9.0",
        "v1.10.0",
        "v2.0.0-alpha",
        "v2.0.0-rc.1",
        "v2.0.0",
    )


def test_only_canonical_versions_count(repo: Path) -> None:
    tag(repo, "v2.0", "v2", "v2.0.0+meta", "2.0.0", "v02.0.0", "release-1", "V2.0.0", "v1.0.0")
    assert versions(repo) == ("v1.0.0",)


def test_lock_files_are_not_tags(repo: Path) -> None:
    tag(repo, "v1.0.0")
    # git's lock file while it writes the tag v2.0.0-rc: a canonical name, but no tag yet.
    (repo / ".git" / "refs" / "tags" / "v2.0.0-rc.lock").write_text("")
    assert versions(repo) == ("v1.0.0",)


def test_subdirectory_modules_have_their_own_tags(repo: Path) -> None:
    tag(repo, "v2.0.0", "sub/v1.0.0", "sub/v2.0.0", "a/b/v0.3.0", "other/v3.0.0")
    git(repo, "pack-refs", "--all")
    tag(repo, "sub/v2.1.0")
    assert versions(repo) == ("v2.0.0",)
    sub = release_tags(repo / "sub", "example.com/m/sub")
    assert sub == ReleaseTags(repo, "sub/", ("v1.0.0", "v2.0.0", "v2.1.0"))
    assert versions(repo / "a" / "b", "example.com/m/a/b") == ("v0.3.0",)
    assert versions(repo / "a", "example.com/m/a") == ()


def test_major_subdirectory_uses_the_tags_of_the_directory_above(repo: Path) -> None:
    tag(repo, "v1.0.0", "v2.0.0", "sub/v2.1.0", "v2/v9.0.0")
    v2 = release_tags(repo / "v2", "example.com/m/v2")
    assert v2 is not None
    assert (v2.prefix, v2.versions) == ("", ("v1.0.0", "v2.0.0"))
    sub_v2 = release_tags(repo / "sub" / "v2", "example.com/m/sub/v2")
    assert sub_v2 is not None
    assert (sub_v2.prefix, sub_v2.versions) == ("sub/", ("v2.1.0",))
    # Only a matching /vN suffix strips the directory.
    plain = release_tags(repo / "v2", "example.com/m")
    assert plain is not None
    assert (plain.prefix, plain.versions) == ("v2/", ("v9.0.0",))
    other = release_tags(repo / "v2", "example.com/m/v3")
    assert other is not None
    assert other.prefix == "v2/"


def test_major_subdirectory_with_a_go_mod_owns_its_majors(repo: Path) -> None:
    tag(repo, "v1.0.0", "v2.0.0", "v3.0.0")
    write(repo / "v2" / "go.mod", "module example.com/m/v2\n")
    root = release_tags(repo, "example.com/m")
    assert root is not None
    assert root.subdir_majors == frozenset({2})
    v2 = release_tags(repo / "v2", "example.com/m/v2")
    assert v2 is not None
    assert v2.subdir_majors == frozenset()  # its own directory


def test_worktree_reads_the_common_tags(repo: Path) -> None:
    tag(repo, "v1.0.0")
    git(repo, "pack-refs", "--all")
    tag(repo, "v1.1.0")
    worktree = repo.parent / "wt"
    git(repo, "worktree", "add", "-q", str(worktree))
    assert (worktree / ".git").is_file()
    tags = release_tags(worktree / "sub", "example.com/m/sub")
    assert tags is not None
    assert (tags.repository, tags.prefix) == (worktree, "sub/")
    assert versions(worktree) == ("v1.0.0", "v1.1.0")
    tag(worktree, "v1.2.0")
    assert versions(repo) == ("v1.0.0", "v1.1.0", "v1.2.0")
    # Both work trees share one cached scan.
    age(repo)
    cache_clear()
    versions(repo)
    versions(worktree)
    assert (cache_info().misses, cache_info().hits) == (1, 1)


def test_relative_gitdir_file(repo: Path) -> None:
    tag(repo, "v1.0.0")
    (repo / ".git").rename(repo.parent / "store.git")
    (repo / ".git").write_text("gitdir: ../store.git\n")
    tags = release_tags(repo, "example.com/m")
    assert tags == ReleaseTags(repo, "", ("v1.0.0",))


def test_broken_gitfile_is_no_repository(tmp_path: Path) -> None:
    (tmp_path / ".git").write_text("not a pointer\n")
    assert release_tags(tmp_path / "m", "example.com/m") is None


def test_outside_any_repository(tmp_path: Path) -> None:
    assert release_tags(tmp_path / "m", "example.com/m") is None


def test_symlink_loops_under_refs_tags_are_not_followed(repo: Path) -> None:
    tag(repo, "v1.0.0", "sub/v2.0.0")
    tags_dir = repo / ".git" / "refs" / "tags"
    (tags_dir / "loop").symlink_to(".")
    (tags_dir / "sub" / "up").symlink_to("..")
    assert versions(repo) == ("v1.0.0",)
    assert versions(repo / "sub", "example.com/m/sub") == ("v2.0.0",)


def test_garbage_packed_refs(repo: Path) -> None:
    sha = git(repo, "rev-parse", "HEAD").strip()
    garbage = b"".join(
        [
            b"# pack-refs with: peeled fully-peeled sorted \n",
            b"\x00\xff\xfe binary \x89PNG\r\n",
            b"no-space-here\n",
            b"^" + sha.encode() + b"\n",
            b"refs/tags/v7.0.0\n",  # no sha: the ref is the first field
            sha.encode() + b" refs/heads/v8.0.0\n",
            sha.encode() + b" refs/tags/v1.2.3\r\n",
            sha.encode() + b" refs/tags/\xff\xfe/v1.0.0\n",
            b"x" * 10_000 + b" refs/tags/v1.3.0",  # a last line without a newline
        ]
    )
    (repo / ".git" / "packed-refs").write_bytes(garbage)
    assert versions(repo) == ("v1.2.3", "v1.3.0")


def test_packed_refs_are_read_up_to_a_cap(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sha = git(repo, "rev-parse", "HEAD").strip()
    lines = [f"{sha} refs/tags/v1.{i}.0\n" for i in range(10)]
    (repo / ".git" / "packed-refs").write_text("".join(lines))
    monkeypatch.setattr(gittags, "MAX_PACKED_REFS_BYTES", len(lines[0]) * 3 + 5)
    assert versions(repo) == ("v1.0.0", "v1.1.0", "v1.2.0")  # whole lines only


def test_loose_tags_are_read_up_to_a_cap(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tag(repo, *(f"v1.{i}.0" for i in range(10)))
    monkeypatch.setattr(gittags, "MAX_LOOSE_ENTRIES", 4)
    assert len(versions(repo)) == 4


def test_names_that_are_not_utf8(repo: Path) -> None:
    sha = git(repo, "rev-parse", "HEAD").strip()
    name = os.fsdecode(b"caf\xe9")
    tags_dir = repo / ".git" / "refs" / "tags"
    (tags_dir / name).mkdir()
    (tags_dir / name / "v2.0.0").write_text(sha + "\n")
    (repo / ".git" / "packed-refs").write_bytes(
        sha.encode() + b" refs/tags/caf\xe9/v2.1.0\n" + sha.encode() + b" refs/tags/v1.0.0\n"
    )
    tags = release_tags(repo / name, "example.com/m/cafe")
    assert tags is not None
    assert (tags.prefix, tags.versions) == (name + "/", ("v2.0.0", "v2.1.0"))
    assert versions(repo) == ("v1.0.0",)


# --- The cache ---


def test_warm_calls_reuse_the_scan(repo: Path) -> None:
    tag(repo, "v1.0.0")
    age(repo)
    assert versions(repo) == ("v1.0.0",)
    assert versions(repo / "sub", "example.com/m/sub") == ()
    assert versions(repo) == ("v1.0.0",)
    assert (cache_info().misses, cache_info().hits) == (1, 2)


def test_a_scan_of_recent_changes_is_repeated(repo: Path) -> None:
    tag(repo, "v1.0.0")  # refs/tags was just modified: its mtime may not move again
    versions(repo)
    versions(repo)
    assert (cache_info().misses, cache_info().hits) == (2, 0)
    age(repo)
    versions(repo)
    versions(repo)
    assert (cache_info().misses, cache_info().hits) == (3, 1)


def test_cache_notices_new_and_deleted_loose_tags(repo: Path) -> None:
    tag(repo, "v1.0.0")
    age(repo)
    assert versions(repo) == ("v1.0.0",)
    tag(repo, "v1.1.0")
    assert versions(repo) == ("v1.0.0", "v1.1.0")
    # A tag in a new subdirectory, then one in an existing subdirectory.
    age(repo)
    assert versions(repo) == ("v1.0.0", "v1.1.0")
    tag(repo, "sub/v1.0.0")
    assert versions(repo / "sub", "example.com/m/sub") == ("v1.0.0",)
    age(repo)
    assert versions(repo / "sub", "example.com/m/sub") == ("v1.0.0",)
    tag(repo, "sub/v1.1.0")
    assert versions(repo / "sub", "example.com/m/sub") == ("v1.0.0", "v1.1.0")
    age(repo)
    assert versions(repo) == ("v1.0.0", "v1.1.0")
    git(repo, "tag", "-d", "v1.1.0")
    assert versions(repo) == ("v1.0.0",)


def test_cache_notices_packed_refs_changes(repo: Path) -> None:
    tag(repo, "v1.0.0")
    git(repo, "pack-refs", "--all")
    age(repo)
    assert versions(repo) == ("v1.0.0",)
    assert versions(repo) == ("v1.0.0",)
    assert cache_info().hits == 1
    # Rewritten in place with its old mtime: the size still gives it away.
    packed = repo / ".git" / "packed-refs"
    sha = git(repo, "rev-parse", "HEAD").strip()
    with packed.open("a") as handle:
        handle.write(f"{sha} refs/tags/v1.1.0\n")
    os.utime(packed, ns=(OLD_NS, OLD_NS))
    assert versions(repo) == ("v1.0.0", "v1.1.0")
    # git's own rewrite: a new file.
    age(repo)
    versions(repo)
    tag(repo, "v1.2.0")
    git(repo, "pack-refs", "--all")
    age(repo)
    assert versions(repo) == ("v1.0.0", "v1.1.0", "v1.2.0")


def test_cache_notices_a_new_repository(tmp_path: Path) -> None:
    assert release_tags(tmp_path, "example.com/m") is None
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "commit", "-q", "--allow-empty", "-m", "initial")
    assert versions(tmp_path) == ()
    tag(tmp_path, "v1.0.0")
    assert versions(tmp_path) == ("v1.0.0",)
    shutil.rmtree(tmp_path / ".git")
    assert release_tags(tmp_path, "example.com/m") is None


# --- The problem ---


def judge(module_path: str | None, tags: ReleaseTags) -> list[str]:
    """The messages of tag_problems for a go.mod with this module line (none when None)."""
    module_line = "" if module_path is None else f"module {module_path}\n"
    data = f"{module_line}\ngo 1.24\n".encode()
    model = read(data, FileKind.GOMOD, "go.mod")
    problems = tag_problems(model, tags)
    for problem in problems:
        assert module_path is not None
        assert data[problem.span.start : problem.span.end].decode() == module_path
        assert (problem.severity, problem.code, problem.fixes) == (
            Severity.WARNING,
            "major-tag-mismatch",
            (),
        )
    return [p.message for p in problems]


def released(
    *versions: str, prefix: str = "", subdir_majors: frozenset[int] = frozenset()
) -> ReleaseTags:
    return ReleaseTags(Path("/repo"), prefix, versions, subdir_majors)


def test_no_suffix_with_v2_tags() -> None:
    assert judge("example.com/m", released("v1.0.0", "v2.0.0", "v2.3.1")) == [
        "release tag v2.3.1 (a v2 release) exists, but the module path example.com/m has no /v2 "
        "suffix: the go command rejects v2+ versions of a module that has a go.mod (the path "
        "should be example.com/m/v2)"
    ]


def test_suffix_behind_the_tags() -> None:
    assert judge("example.com/m/v2", released("v2.5.0", "v3.0.0", "v3.1.0-rc.1")) == [
        "release tag v3.1.0-rc.1 (a v3 prerelease) exists, but the module path example.com/m/v2 "
        "ends in /v2: the go command accepts only v2 versions of it (the path should be "
        "example.com/m/v3)"
    ]


def test_suffix_ahead_of_the_tags_is_development() -> None:
    assert judge("example.com/m/v3", released("v1.0.0", "v2.9.0")) == []
    assert judge("example.com/m/v2", released("v2.0.0")) == []


def test_gopkg_in() -> None:
    assert judge("gopkg.in/yaml.v2", released("v2.4.0", "v3.0.1")) == [
        "release tag v3.0.1 (a v3 release) exists, but the module path gopkg.in/yaml.v2 ends in "
        ".v2: the go command accepts only v2 versions of it (the path should be gopkg.in/yaml.v3)"
    ]
    assert judge("gopkg.in/yaml.v3", released("v2.4.0", "v3.0.1")) == []
    assert judge("gopkg.in/check.v1-unstable", released("v1.0.0")) == []
    assert judge("gopkg.in/x.v0", released("v0.1.0", "v1.0.0"))[0].endswith(
        "ends in .v0: the go command accepts only v0 versions of it (the path should be "
        "gopkg.in/x.v1)"
    )


def test_v0_and_v1_tags_are_fine_without_a_suffix() -> None:
    assert judge("example.com/m", released("v0.1.0", "v1.0.0", "v1.9.9-pre")) == []
    assert judge("example.com/m", released()) == []


def test_subdirectory_module_names_the_full_tag() -> None:
    assert judge("example.com/m/sub", released("v2.3.1", prefix="sub/")) == [
        "release tag sub/v2.3.1 (a v2 release) exists, but the module path example.com/m/sub "
        "has no /v2 suffix: the go command rejects v2+ versions of a module that has a go.mod "
        "(the path should be example.com/m/sub/v2)"
    ]


def test_majors_owned_by_a_major_subdirectory_are_skipped() -> None:
    tags = released("v1.0.0", "v2.1.0", "v3.0.0", subdir_majors=frozenset({3}))
    assert judge("example.com/m", tags)[0].startswith("release tag v2.1.0 (a v2 release)")
    assert judge("example.com/m/v2", tags) == []


def test_majors_of_a_major_subdirectory_module_are_not_the_roots(repo: Path) -> None:
    write(repo / "go.mod", "module example.com/m\n")
    write(repo / "v2" / "go.mod", "module example.com/m/v2\n")
    tag(repo, "v1.0.0", "v2.0.0", "v2.1.0")
    root = release_tags(repo, "example.com/m")
    assert root is not None
    assert judge("example.com/m", root) == []
    v2 = release_tags(repo / "v2", "example.com/m/v2")
    assert v2 is not None
    assert judge("example.com/m/v2", v2) == []
    tag(repo, "v3.0.0")
    root = release_tags(repo, "example.com/m")
    assert root is not None
    assert judge("example.com/m", root)[0].startswith("release tag v3.0.0 (a v3 release)")


def test_no_module_line_or_an_invalid_path() -> None:
    tags = released("v2.0.0")
    assert judge(None, tags) == []
    assert judge("example.com/m/v1", tags) == []  # not a module path with a major suffix
    assert judge('"example.com/a b"', tags) == []
