"""The `modlsp` command: the language server, `check` and `fmt`, all on the same core."""

from __future__ import annotations

import argparse
import functools
import gc
import json
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from modlsp import __version__
from modlsp.cli_majors import bump_command, upgrade_major_command
from modlsp.cli_modules import judge_module, module_of_gomod, tidy_command
from modlsp.cli_versions import VersionChecker, upgrade_command
from modlsp.core.analysis import CheckOptions, analyze, kind_for_name
from modlsp.core.edits import unified_diff
from modlsp.core.formatter import format_model
from modlsp.core.godebug import load_installed
from modlsp.core.modfile import FileKind
from modlsp.core.problems import Problem, Severity, reading_order
from modlsp.core.text import LineIndex
from modlsp.core.versionquery import Level
from modlsp.core.workcheck import work_problems
from modlsp.core.workspace import Module, discover

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(_with_default_command(list(sys.argv[1:] if argv is None else argv)))
    if args.command == "check":
        return _check(
            args.paths,
            args.format,
            upgrades=args.upgrades,
            offline=args.offline,
            published=args.published,
        )
    if args.command == "fmt":
        return _fmt(args.files, write=args.write, diff=args.diff)
    if args.command == "tidy":
        return tidy_command(args.dir, write=args.write, diff=args.diff)
    if args.command == "bump-major":
        return bump_command(args.dir, args.to, write=args.write, diff=args.diff)
    if args.command == "upgrade" and args.major:
        return upgrade_major_command(args.directory, args.modules, write=args.write, diff=args.diff)
    if args.command == "upgrade":
        return upgrade_command(
            args.directory, args.modules, args.level, write=args.write, diff=args.diff
        )
    if args.command == "settings":
        return _settings(args.format)
    return _serve(args)


def _with_default_command(argv: list[str]) -> list[str]:
    """`modlsp` and `modlsp --stdio` (what VS Code runs) mean `modlsp serve`."""
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        return ["serve", *argv]
    return argv


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="modlsp",
        description="A language server and checker for Go's go.mod and go.work files.",
    )
    parser.add_argument("--version", action="version", version=f"modlsp {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the language server (the default)")
    serve.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP address, for debugging")
    serve.add_argument("--log-file", metavar="FILE", help="write logs to FILE instead of stderr")
    serve.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"], type=str.upper
    )

    check = commands.add_parser("check", help="report problems in go.mod / go.work files")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument(
        "--upgrades",
        action="store_true",
        help="also ask the module proxies (GOPROXY) about retracted, deprecated and missing "
        "versions, available upgrades and newer major versions",
    )
    check.add_argument(
        "--offline",
        action="store_true",
        help="with --upgrades: use only the module cache and file:// proxies",
    )
    check.add_argument(
        "--published",
        action="store_true",
        help="the modules are published for others: point out replace directives, which "
        "their builds ignore",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="files, or directories to search")

    fmt = commands.add_parser("fmt", help="format files like `go mod edit -fmt`")
    mode = fmt.add_mutually_exclusive_group()
    mode.add_argument("-w", "--write", action="store_true", help="rewrite the files in place")
    mode.add_argument("--diff", action="store_true", help="print a unified diff")
    fmt.add_argument("files", nargs="+", metavar="FILE")

    tidy = commands.add_parser(
        "tidy",
        help="add missing and drop unused requirements like `go mod tidy`, offline",
        description="Compute what `go mod tidy` would change in a module's go.mod from its Go "
        "files and the module cache, without the network. Prints the tidied go.mod.",
    )
    mode = tidy.add_mutually_exclusive_group()
    mode.add_argument("-w", "--write", action="store_true", help="rewrite go.mod in place")
    mode.add_argument(
        "--diff", action="store_true", help="print a unified diff; exit 1 when it is not empty"
    )
    tidy.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the module's root")

    upgrade = commands.add_parser(
        "upgrade",
        help="raise requirements within their major version (prints go.mod; -w writes it)",
        description="Without MODULE arguments, every direct requirement is raised. "
        "MODULE is a module path, or PATH@VERSION, PATH@latest, PATH@upgrade, PATH@patch.",
    )
    levels = upgrade.add_mutually_exclusive_group()
    levels.add_argument(
        "--patch",
        dest="level",
        action="store_const",
        const=Level.PATCH,
        help="the newest patch release of the current minor version",
    )
    levels.add_argument(
        "--minor",
        dest="level",
        action="store_const",
        const=Level.MINOR,
        help="the newest release of the same major version (the default, like go get -u)",
    )
    levels.add_argument(
        "--latest",
        dest="level",
        action="store_const",
        const=Level.LATEST,
        help="what @latest names (a pre-release or pseudo-version when there is no release)",
    )
    levels.add_argument(
        "--major",
        action="store_true",
        help="move one MODULE to a newer major version (its newest, or MODULE@vN.x.y), "
        "rewriting the imports of its packages (a module without go.mod gets +incompatible)",
    )
    upgrade.set_defaults(level=Level.MINOR)
    mode = upgrade.add_mutually_exclusive_group()
    mode.add_argument("-w", "--write", action="store_true", help="rewrite go.mod in place")
    mode.add_argument(
        "--diff", action="store_true", help="print a unified diff; exit 1 when it is not empty"
    )
    upgrade.add_argument(
        "-C", dest="directory", default=".", metavar="DIR", help="the module's root (default .)"
    )
    upgrade.add_argument("modules", nargs="*", metavar="MODULE")

    bump = commands.add_parser(
        "bump-major",
        help="move a module to its next major version: /vN on the module line and in every "
        "import of its packages (prints a summary; -w writes)",
        description="Add or raise the module path's major-version suffix (example.com/m -> "
        "example.com/m/v2, /v2 -> /v3, gopkg.in/x.v1 -> .v2) and rewrite every import of the "
        "module's packages, its // import comments and tool lines; modules of the same go.work "
        "(and nested ones) that require, replace or import it get the matching change.",
    )
    bump.add_argument("--to", type=_major_number, metavar="N", help="the new major (default: next)")
    mode = bump.add_mutually_exclusive_group()
    mode.add_argument("-w", "--write", action="store_true", help="write the files")
    mode.add_argument(
        "--diff", action="store_true", help="print a unified diff; exit 1 when it is not empty"
    )
    bump.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the module's root")

    settings = commands.add_parser(
        "settings", help="list the server's settings, their defaults and what they change"
    )
    settings.add_argument("--format", choices=["text", "json"], default="text")
    return parser


def _major_number(text: str) -> int:
    try:
        number = int(text.removeprefix("v").removeprefix("V"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a major version (a whole number, e.g. 3 or v3)"
        ) from None
    return number


# --- settings --------------------------------------------------------------------------------


def _settings(output: str) -> int:
    """The settings reference, for people and for editor packages (Neovim's health check
    validates a user's settings against the JSON form)."""
    from modlsp.lsp.settings import SETTINGS

    if output == "json":
        reference = [
            {"name": s.name, "default": s.default, "description": s.description} for s in SETTINGS
        ]
        print(json.dumps(reference, indent=2))
        return 0
    rows = [(s.name, json.dumps(s.default), s.description) for s in SETTINGS]
    width = max(len(name) for name, _, _ in rows)
    default_width = max(len(default) for _, default, _ in rows)
    for name, default, description in rows:
        print(f"{name:<{width}}  {default:<{default_width}}  {description}")
    return 0


# --- check -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int  # 1-based
    column: int  # 1-based, in characters
    end_line: int
    end_column: int
    severity: str
    code: str
    message: str
    source: str = "modlsp"

    def text(self) -> str:
        return (
            f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message} [{self.code}]"
        )


def findings(path: str, data: bytes, problems: Iterable[Problem]) -> list[Finding]:
    index = LineIndex(data)
    out = []
    for problem in problems:
        line, column = index.char_position(problem.span.start)
        end_line, end_column = index.char_position(problem.span.end)
        out.append(
            Finding(
                path,
                line + 1,
                column + 1,
                end_line + 1,
                end_column + 1,
                problem.severity.label,
                problem.code,
                problem.message,
            )
        )
    return out


def _check(paths: list[str], output: str, *, upgrades: bool, offline: bool, published: bool) -> int:
    status = EXIT_OK
    results: list[Finding] = []
    checker = VersionChecker(offline=offline) if upgrades else None
    try:
        for target in paths:
            status = _check_one(Path(target), output, checker, results, status, published)
    finally:
        if checker is not None:
            checker.close()
    if output == "json":
        json.dump([_as_json(f) for f in results], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    return status


def _check_one(
    root: Path,
    output: str,
    checker: VersionChecker | None,
    results: list[Finding],
    status: int,
    published: bool,
) -> int:
    for _file, found in _check_target(root, checker, published):
        if found is None:
            status = EXIT_USAGE
            continue
        if output == "text":
            for finding in found:
                print(finding.text())
        results.extend(found)
        if status == EXIT_OK and any(f.severity == Severity.ERROR.label for f in found):
            status = EXIT_ERRORS
    return status


def _check_target(
    root: Path, checker: VersionChecker | None, published: bool
) -> Iterator[tuple[Path, list[Finding] | None]]:
    """Findings per file: each go.mod and go.work (below a directory, or the file given), and
    the Go files of each module whose imports have problems."""
    modules: dict[Path, Module] = {}  # by the go.mod's name as printed
    if root.is_dir():
        layout = discover(root)
        for each in layout.modules:
            modules[root / each.gomod.relative_to(layout.root)] = each
        relative = [f.relative_to(layout.root) for f in layout.workspaces]
        relative += [f.relative_to(root) for f in modules]
        # Named as the user named the directory; a go.mod among vendored code belongs to no
        # module anyone builds.
        files = [root / f for f in sorted(relative, key=_walk_order) if "vendor" not in f.parts]
    else:
        files = [root]
    for file in files:
        data = _read(file)
        if data is None:
            yield file, None
            continue
        analysis = analyze(data, kind_for_name(file.name), file.name, _options_for(data))
        problems = list(analysis.problems)
        judgement = None
        if file.name == "go.mod":
            module = modules.get(file) or module_of_gomod(file)
            if module is not None:
                judgement = judge_module(module, data, published=published)
                problems += judgement.gomod_problems
            if checker is not None:
                problems += checker.problems(analysis.model)
        elif analysis.model.kind is FileKind.GOWORK:
            problems += work_problems(analysis.model, file.absolute())
        problems.sort(key=reading_order)
        yield file, findings(str(file), data, problems)
        if judgement is None:
            continue
        for go_file, file_problems in sorted(judgement.file_problems().items()):
            source = _read(go_file)
            if source is not None:
                yield go_file, findings(_relative_to(go_file, root, file), source, file_problems)


def _walk_order(file: Path) -> list[tuple[int, str]]:
    """A directory's own files before its subdirectories', as os.walk goes."""
    return [(1, part) for part in file.parent.parts] + [(0, file.name)]


def _relative_to(go_file: Path, root: Path, gomod: Path) -> str:
    """Go files are named like the go.mod they belong to was (relative stays relative)."""
    base = root if root.is_dir() else gomod.parent
    try:
        return str(base / go_file.relative_to(base.resolve()))
    except ValueError:
        return str(go_file)


def _read(file: Path) -> bytes | None:
    try:
        return file.read_bytes()
    except FileNotFoundError:
        print(f"modlsp: {file}: no such file or directory", file=sys.stderr)
    except OSError as err:
        print(f"modlsp: {file}: cannot read: {err.strerror or err}", file=sys.stderr)
    return None


def _options_for(data: bytes) -> CheckOptions:
    """Asking the installed Go for its GODEBUG table runs `go env` (about 0.1 s): only files
    with a godebug directive need it."""
    return _installed_godebugs() if b"godebug" in data else CheckOptions()


@functools.cache
def _installed_godebugs() -> CheckOptions:
    return CheckOptions(godebug=load_installed())


def _as_json(finding: Finding) -> dict[str, object]:
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "severity": finding.severity,
        "code": finding.code,
        "message": finding.message,
        "source": finding.source,
    }


# --- fmt -------------------------------------------------------------------------------------


def _fmt(files: list[str], *, write: bool, diff: bool) -> int:
    status = EXIT_OK
    for name in files:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as err:
            print(f"modlsp: {name}: cannot read: {err.strerror or err}", file=sys.stderr)
            status = EXIT_USAGE
            continue
        analysis = analyze(data, kind_for_name(path.name), path.name)
        formatted = format_model(analysis.model)
        if formatted is None:
            for finding in findings(name, data, analysis.problems):
                if finding.severity == Severity.ERROR.label:
                    print(finding.text(), file=sys.stderr)
            why = "too large" if analysis.model.too_large else "fix the errors first"
            print(f"modlsp: {name}: not formatted: {why}", file=sys.stderr)
            status = max(status, EXIT_ERRORS)
            continue
        if diff:
            print_diff(name, data, formatted)
        elif write:
            if formatted != data:
                try:
                    path.write_bytes(formatted)
                except OSError as err:
                    print(f"modlsp: {name}: cannot write: {err.strerror or err}", file=sys.stderr)
                    status = EXIT_USAGE
        else:
            sys.stdout.buffer.write(formatted)
            sys.stdout.flush()
    return status


def print_diff(name: str, before: bytes, after: bytes) -> None:
    sys.stdout.writelines(unified_diff(name, before, after))


# --- serve -----------------------------------------------------------------------------------


def _serve(args: argparse.Namespace) -> int:
    handler: logging.Handler = (
        logging.FileHandler(args.log_file, encoding="utf-8")
        if args.log_file
        else logging.StreamHandler(sys.stderr)
    )
    # pygls logs every message it sends at INFO: keep that for --log-level DEBUG only.
    logging.getLogger("pygls").setLevel(
        logging.DEBUG if args.log_level == "DEBUG" else logging.WARNING
    )
    logging.basicConfig(
        level=args.log_level,
        handlers=[handler],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from modlsp.lsp.server import create_server

    server = create_server()
    # Everything imported so far (pygls, lsprotocol's thousand classes, the core) lives as long
    # as the process: keep it out of the collector's full passes, which otherwise add tens of
    # milliseconds to a keystroke now and then.
    gc.freeze()
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not port.isdigit():
            print(f"modlsp: --tcp wants HOST:PORT, not {args.tcp!r}", file=sys.stderr)
            return EXIT_USAGE
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        from modlsp.lsp.transport import serve_stdio

        serve_stdio(server)
    # LSP: exit after shutdown is a clean end (0); exit without it, or a client that vanished
    # (end of input), is not (1). pygls swallows the status it computes itself.
    return EXIT_OK if server.protocol._shutdown else EXIT_ERRORS


if __name__ == "__main__":
    sys.exit(main())
