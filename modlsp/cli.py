"""The `modlsp` command: the language server, `check` and `fmt`, all on the same core."""

from __future__ import annotations

import argparse
import difflib
import functools
import gc
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from modlsp import __version__
from modlsp.core.analysis import Analysis, CheckOptions, analyze, kind_for_name
from modlsp.core.formatter import format_model
from modlsp.core.godebug import load_installed
from modlsp.core.problems import Severity
from modlsp.core.text import LineIndex

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
_SKIPPED_DIRS = frozenset({"vendor", "testdata"})
_MODULE_FILES = frozenset({"go.mod", "go.work"})


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(_with_default_command(list(sys.argv[1:] if argv is None else argv)))
    if args.command == "check":
        return _check(args.paths, args.format)
    if args.command == "fmt":
        return _fmt(args.files, write=args.write, diff=args.diff)
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
    check.add_argument("paths", nargs="+", metavar="PATH", help="files, or directories to search")

    fmt = commands.add_parser("fmt", help="format files like `go mod edit -fmt`")
    mode = fmt.add_mutually_exclusive_group()
    mode.add_argument("-w", "--write", action="store_true", help="rewrite the files in place")
    mode.add_argument("--diff", action="store_true", help="print a unified diff")
    fmt.add_argument("files", nargs="+", metavar="FILE")

    settings = commands.add_parser(
        "settings", help="list the server's settings, their defaults and what they change"
    )
    settings.add_argument("--format", choices=["text", "json"], default="text")
    return parser


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


def findings(path: str, data: bytes, analysis: Analysis) -> list[Finding]:
    index = LineIndex(data)
    out = []
    for problem in analysis.problems:
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


def discover(root: Path) -> Iterator[Path]:
    """Every go.mod / go.work below root, skipping vendor/, testdata/, and .hidden or _ dirs."""
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(
            d for d in subdirs if d not in _SKIPPED_DIRS and not d.startswith((".", "_"))
        )
        for name in sorted(files):
            if name in _MODULE_FILES:
                yield Path(directory, name)


def _check(paths: list[str], output: str) -> int:
    status = EXIT_OK
    results: list[Finding] = []
    for target in paths:
        root = Path(target)
        files = list(discover(root)) if root.is_dir() else [root]
        for file in files:
            try:
                data = file.read_bytes()
            except FileNotFoundError:
                print(f"modlsp: {file}: no such file or directory", file=sys.stderr)
                status = EXIT_USAGE
                continue
            except OSError as err:
                print(f"modlsp: {file}: cannot read: {err.strerror or err}", file=sys.stderr)
                status = EXIT_USAGE
                continue
            analysis = analyze(data, kind_for_name(file.name), file.name, _options_for(data))
            found = findings(str(file), data, analysis)
            if output == "text":
                for finding in found:
                    print(finding.text())
            results.extend(found)
            if status == EXIT_OK and any(f.severity == Severity.ERROR.label for f in found):
                status = EXIT_ERRORS
    if output == "json":
        json.dump([_as_json(f) for f in results], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    return status


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
            for finding in findings(name, data, analysis):
                if finding.severity == Severity.ERROR.label:
                    print(finding.text(), file=sys.stderr)
            print(f"modlsp: {name}: not formatted: fix the errors first", file=sys.stderr)
            status = max(status, EXIT_ERRORS)
            continue
        if diff:
            _print_diff(name, data, formatted)
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


def _print_diff(name: str, before: bytes, after: bytes) -> None:
    lines = difflib.unified_diff(
        before.decode("utf-8", "replace").splitlines(keepends=True),
        after.decode("utf-8", "replace").splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    sys.stdout.writelines(lines)


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
        server.start_io()
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
