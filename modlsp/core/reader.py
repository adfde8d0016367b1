"""Reading a go.mod / go.work syntax tree into the model, the way the go command does.

Each directive is interpreted with x/mod's rules and wording (modfile.Parse, strict), but every
line is read even after errors, and each entry keeps the tokens it came from.
"""

from __future__ import annotations

import re

from modlsp.core import gostring, modpath
from modlsp.core.fixes import (
    closest_verb,
    delete_line_fix,
    major_mismatch_fixes,
    version_fixes,
)
from modlsp.core.lexer import Kind, Token
from modlsp.core.modfile import (
    GOMOD_VERBS,
    GOWORK_VERBS,
    Exclude,
    FileKind,
    Godebug,
    GoStmt,
    ModFile,
    ModuleStmt,
    PathStmt,
    Replace,
    Require,
    Retract,
    ToolchainStmt,
    directive_comment,
    is_directory_path,
    is_indirect,
)
from modlsp.core.problems import Edit, Fix, Problem, Severity
from modlsp.core.syntax import Block, Line, parse
from modlsp.core.text import Span

_GOMOD_BLOCKS = GOMOD_VERBS - {"go", "toolchain"}
_GOWORK_BLOCKS = frozenset({"godebug", "use", "replace"})

GO_VERSION_RE = re.compile(r"^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?\Z")
_LAX_GO_VERSION_RE = re.compile(r"^v?(([1-9][0-9]*)\.(0|[1-9][0-9]*))([^0-9].*)\Z")
TOOLCHAIN_RE = re.compile(r"^default\Z|^go1(\Z|\.)")
# (path token, version token) of require/exclude lines that read cleanly -> (path, version).
# A go.mod is re-read on every keystroke with all but one line unchanged.
_CLEAN_PAIRS: dict[tuple[str, str], tuple[str, str]] = {}
_CLEAN_PAIRS_SIZE = 50_000
_QUOTE_CHARS = re.compile("[\"'`]")
_DEPRECATED_RE = re.compile(r"(?:^|\n\n)Deprecated: *(.*?)(?:$|\n\n)", re.DOTALL)


def read(data: bytes, kind: FileKind, name: str | None = None) -> ModFile:
    """Parse and interpret a file; never raises."""
    verbs = GOMOD_VERBS if kind is FileKind.GOMOD else GOWORK_VERBS
    syntax = parse(data, name or kind.value, verbs)
    model = ModFile(kind, syntax)
    _Reader(model).read()
    model.problems[:0] = syntax.problems
    model.problems.sort(key=lambda p: p.span.start)
    return model


class _ArgError(Exception):
    """A directive line the go command rejects: stops reading that line."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


class _Reader:
    def __init__(self, model: ModFile) -> None:
        self.model = model
        self.work = model.kind is FileKind.GOWORK
        self.verbs = GOWORK_VERBS if self.work else GOMOD_VERBS
        self.block_verbs = _GOWORK_BLOCKS if self.work else _GOMOD_BLOCKS
        self.module_line: Line | None = None

    def read(self) -> None:
        syntax = self.model.syntax
        lexical = [p.span for p in syntax.problems]
        for stmt in syntax.stmts:
            if isinstance(stmt, Block):
                self.read_block(stmt, lexical)
            elif isinstance(stmt, Line) and not (lexical and _touches(stmt.span, lexical)):
                self.read_line(None, stmt, stmt.tokens[0], stmt.tokens[1:])

    def read_block(self, block: Block, lexical: list[Span]) -> None:
        verb = block.verb[0]
        if len(block.verb) > 1 or verb.text not in self.block_verbs:
            text = " ".join(t.text for t in block.verb)
            fixes = self.verb_fixes(verb, self.block_verbs) if len(block.verb) == 1 else ()
            self.problem(
                block.header_span, "unknown-directive", f"unknown block type: {text}", *fixes
            )
            return
        if verb.text in ("require", "exclude") and not lexical:
            # The bulk of a big go.mod: straight to the reader, with its usage errors and
            # rewrites, skipping the per-line dispatch.
            read_pair = self.read_require_or_exclude
            problems = self.model.problems
            for line in block.lines:
                try:
                    read_pair(verb.text, line, line.tokens)
                except _ArgError as err:
                    problems.append(err.problem)
            return
        for line in block.lines:
            if not (lexical and _touches(line.span, lexical)):
                self.read_line(block, line, verb, line.tokens)

    def read_line(self, block: Block | None, line: Line, verb: Token, args: list[Token]) -> None:
        name = verb.text
        if verb.kind is not Kind.IDENT or name not in self.verbs:
            self.unknown_directive(line, verb)
            return
        try:
            getattr(self, "read_" + name)(block, line, verb, args)
        except _ArgError as err:
            self.model.problems.append(err.problem)

    # --- helpers --------------------------------------------------------------------------

    def problem(
        self, span: Span, code: str, message: str, *fixes: Fix, severity: Severity = Severity.ERROR
    ) -> None:
        self.model.problems.append(Problem(span, severity, code, message, fixes))

    def fail(self, span: Span, code: str, message: str, *fixes: Fix) -> _ArgError:
        return _ArgError(Problem(span, Severity.ERROR, code, message, fixes))

    def unknown_directive(self, line: Line, verb: Token) -> None:
        message = f"unknown directive: {verb.text}"
        other = GOMOD_VERBS if self.work else GOWORK_VERBS
        if verb.text in other:
            where = "go.work" if self.work else "go.mod"
            message += f" ({verb.text} is not allowed in a {where} file)"
            code = "work-directive" if self.work else "mod-directive"
            self.problem(line.span, code, message, delete_line_fix(self.model.syntax, line))
            return
        self.problem(verb.span, "unknown-directive", message, *self.verb_fixes(verb, self.verbs))

    def verb_fixes(self, verb: Token, known: frozenset[str]) -> tuple[Fix, ...]:
        """A block needs a verb that can open one: `go (` is no typo of `go`."""
        guess = closest_verb(verb.text, known)
        if guess is None or guess == verb.text:
            return ()
        return (Fix(f"Change to '{guess}'", (Edit(verb.span, guess),), preferred=True),)

    def string(self, token: Token) -> str:
        """x/mod's parseString: unquote, reject stray quotes, record the normalized token."""
        text = token.text
        if text.startswith('"'):
            value = gostring.unquote(text)
            if value is None:
                raise self.fail(token.span, "syntax", "invalid quoted string: invalid syntax")
        elif _QUOTE_CHARS.search(text):
            raise self.fail(
                token.span, "syntax", "invalid quoted string: unquoted string cannot contain quote"
            )
        else:
            value = text
        quoted = gostring.auto_quote(value)
        if quoted != text:
            self.model.normalized[token.start] = quoted
        return value

    def normalize(self, token: Token, text: str) -> None:
        if text != token.text:
            self.model.normalized[token.start] = text

    def version(self, verb: str, path: str, token: Token, canonicalize: bool = True) -> str:
        """x/mod's parseVersion with no fixer: the version must have a canonical form."""
        try:
            text = self.string(token)
        except _ArgError as err:
            prefix = f"{verb} {path}: " if path else f"{verb}: "
            quoted = gostring.go_quote(token.text)
            detail = err.problem.message.removeprefix("invalid quoted string: ")
            raise self.fail(
                token.span, "invalid-version", f"{prefix}version {quoted} invalid: {detail}"
            ) from None
        if not canonicalize:
            return text
        canonical = modpath.canonical_version(text)
        if not canonical:
            prefix = f"{verb} {path}: " if path else f"{verb}: "
            message = (
                f"{prefix}version {gostring.go_quote(text)} invalid: must be of the form v1.2.3"
            )
            raise self.fail(token.span, "invalid-version", message, *version_fixes(token, text))
        self.normalize(token, canonical)
        return canonical

    def path_major(
        self, verb: str, path: str, token: Token, version: str, version_token: Token
    ) -> None:
        prefix, major, ok = modpath.split_path_version(path)
        if not ok:
            message = (
                f"{verb} {path}: invalid module path"
                if verb == "replace"
                else "invalid module path"
            )
            raise self.fail(token.span, "malformed-module-path", message)
        err = modpath.check_path_major(version, major)
        if err is not None:
            fixes = major_mismatch_fixes(path, prefix, major, version, token, version_token)
            message = f"{verb} {path}: {modpath.format_invalid_version(version, err)}"
            raise self.fail(version_token.span, "major-mismatch", message, *fixes)

    def single(self, line: Line, args: list[Token], message: str) -> Token:
        if len(args) != 1:
            raise self.fail(line.span, "usage", message)
        return args[0]

    def repeated(self, existing: object, line: Line, verb: str) -> None:
        if existing is not None:
            fix = delete_line_fix(self.model.syntax, line)
            raise self.fail(line.span, "repeated-directive", f"repeated {verb} statement", fix)

    # --- directives -----------------------------------------------------------------------

    def read_module(self, block: Block | None, line: Line, verb: Token, args: list[Token]) -> None:
        self.repeated(self.module_line, line, "module")
        # x/mod records the module before it checks the arguments: a later module line is a
        # repeated one even when this one is broken.
        self.module_line = line
        token = self.single(line, args, "usage: module module/path")
        path = self.string(token)
        deprecated = ""
        match = _DEPRECATED_RE.search(directive_comment(block, line))
        if match:
            deprecated = match.group(1)
        self.model.module = ModuleStmt(path, token, line, deprecated)

    def read_go(self, block: Block | None, line: Line, verb: Token, args: list[Token]) -> None:
        self.repeated(self.model.go, line, "go")
        token = self.single(line, args, "go directive expects exactly one argument")
        if not GO_VERSION_RE.match(token.text):
            fixes: tuple[Fix, ...] = ()
            lax = _LAX_GO_VERSION_RE.match(token.text.removeprefix("go"))
            if lax:
                fixes = (Fix(f"Change to {lax.group(1)}", (Edit(token.span, lax.group(1)),), True),)
            elif GO_VERSION_RE.match(token.text.removeprefix("go")):
                fixed = token.text.removeprefix("go")
                fixes = (Fix(f"Change to {fixed}", (Edit(token.span, fixed),), True),)
            message = f"invalid go version '{token.text}': must match format 1.23.0"
            raise self.fail(token.span, "invalid-go-version", message, *fixes)
        self.model.go = GoStmt(token.text, token, line)

    def read_toolchain(
        self, block: Block | None, line: Line, verb: Token, args: list[Token]
    ) -> None:
        self.repeated(self.model.toolchain, line, "toolchain")
        token = self.single(line, args, "toolchain directive expects exactly one argument")
        if not TOOLCHAIN_RE.match(token.text):
            fixes: tuple[Fix, ...] = ()
            if GO_VERSION_RE.match(token.text):
                fixed = "go" + token.text
                fixes = (Fix(f"Change to {fixed}", (Edit(token.span, fixed),), True),)
            message = (
                f"invalid toolchain version '{token.text}': must match format go1.23.0 or default"
            )
            raise self.fail(token.span, "invalid-toolchain", message, *fixes)
        self.model.toolchain = ToolchainStmt(token.text, token, line)

    def read_godebug(self, block: Block | None, line: Line, verb: Token, args: list[Token]) -> None:
        if len(args) != 1 or any(q in args[0].text for q in "\"`',") or "=" not in args[0].text:
            raise self.fail(line.span, "godebug-usage", "usage: godebug key=value")
        key, _, value = args[0].text.partition("=")
        self.model.godebugs.append(Godebug(key, value, args[0], line))

    def read_require(self, block: Block | None, line: Line, verb: Token, args: list[Token]) -> None:
        self.read_require_or_exclude("require", line, args)

    def read_exclude(self, block: Block | None, line: Line, verb: Token, args: list[Token]) -> None:
        self.read_require_or_exclude("exclude", line, args)

    def read_require_or_exclude(self, verb: str, line: Line, args: list[Token]) -> None:
        if len(args) != 2:
            raise self.fail(line.span, "usage", f"usage: {verb} module/path v1.2.3")
        path_token, version_token = args
        key = (path_token.text, version_token.text)
        clean = _CLEAN_PAIRS.get(key)
        if clean is not None:  # read before without a problem: same result, same rewrites
            path, version = clean
            valid = True
            quoted = gostring.auto_quote(path)
            if path_token.text != quoted:  # as self.string would record it
                self.model.normalized[path_token.start] = quoted
            if version_token.text != version:
                self.model.normalized[version_token.start] = version
        else:
            path = self.string(path_token)
            valid = False
            try:
                version = self.version(verb, path, version_token)
                self.path_major(verb, path, path_token, version, version_token)
                valid = True
                if len(_CLEAN_PAIRS) >= _CLEAN_PAIRS_SIZE:
                    _CLEAN_PAIRS.clear()
                _CLEAN_PAIRS[key] = (path, version)
            except _ArgError as err:
                self.model.problems.append(err.problem)
                version = version_token.text
        if verb == "require":
            indirect = is_indirect(line)
            self.model.requires.append(
                Require(path, version, path_token, version_token, line, indirect, valid)
            )
        else:
            self.model.excludes.append(
                Exclude(path, version, path_token, version_token, line, valid)
            )

    def read_replace(self, block: Block | None, line: Line, verb: Token, args: list[Token]) -> None:
        arrow = 1 if len(args) >= 2 and args[1].text == "=>" else 2
        if len(args) < arrow + 2 or len(args) > arrow + 3 or args[arrow].text != "=>":
            message = (
                "usage: replace module/path [v1.2.3] => other/module v1.4\n"
                "\t or replace module/path [v1.2.3] => ../local/directory"
            )
            raise self.fail(line.span, "usage", message)
        old_token = args[0]
        old_path = self.string(old_token)
        if not modpath.split_path_version(old_path).ok:
            raise self.fail(
                old_token.span, "malformed-module-path", f"replace {old_path}: invalid module path"
            )
        old_version = ""
        old_version_token = None
        if arrow == 2:
            old_version_token = args[1]
            old_version = self.version("replace", old_path, old_version_token)
            self.path_major("replace", old_path, old_token, old_version, old_version_token)
        new_token = args[arrow + 1]
        new_path = self.string(new_token)
        new_version = ""
        new_version_token = None
        if len(args) == arrow + 2:
            self.check_replacement_directory(new_token, new_path)
        else:
            new_version_token = args[arrow + 2]
            new_version = self.version("replace", new_path, new_version_token)
            if is_directory_path(new_path):
                fix = Fix(
                    "Remove the version",
                    (Edit(Span(new_token.end, new_version_token.end), ""),),
                    preferred=True,
                )
                quoted = gostring.go_quote(new_path)
                message = f"replacement module directory path {quoted} cannot have version"
                raise self.fail(new_version_token.span, "replace-dir-version", message, fix)
        self.model.replaces.append(
            Replace(
                old_path,
                old_version,
                new_path,
                new_version,
                old_token,
                old_version_token,
                new_token,
                new_version_token,
                line,
            )
        )

    def check_replacement_directory(self, token: Token, path: str) -> None:
        if not is_directory_path(path):
            if "@" in path:
                target, _, version = path.partition("@")
                fix = Fix(
                    f"Change to '{target} {version}'",
                    (Edit(token.span, f"{target} {version}"),),
                    True,
                )
                message = "replacement module must match format 'path version', not 'path@version'"
                raise self.fail(token.span, "replace-target", message, fix)
            fix = Fix(f"Change to ./{path}", (Edit(token.span, gostring.auto_quote("./" + path)),))
            message = (
                "replacement module without version must be directory path "
                "(rooted or starting with . or ..)"
            )
            raise self.fail(token.span, "replace-target", message, fix)
        if "\\" in path:
            message = "replacement directory appears to be Windows path (on a non-windows system)"
            raise self.fail(token.span, "replace-target", message)

    def read_retract(self, block: Block | None, line: Line, verb: Token, args: list[Token]) -> None:
        rationale = directive_comment(block, line)
        texts = [a.text for a in args]
        if not args or texts[0] == "(":
            raise self.fail(line.span, "retract-interval", "expected '[' or version")
        if texts[0] != "[":
            low = high = self.version("retract", "", args[0], canonicalize=False)
            tokens: tuple[Token, ...] = (args[0],)
            rest = args[1:]
        else:
            low, high, tokens, rest = self.retract_interval(line, args)
        if rest:
            message = f"unexpected token after version: {gostring.go_quote(rest[0].text)}"
            raise self.fail(Span(rest[0].start, rest[-1].end), "retract-interval", message)
        self.model.retracts.append(Retract(low, high, tokens, line, rationale))

    def retract_interval(
        self, line: Line, args: list[Token]
    ) -> tuple[str, str, tuple[Token, ...], list[Token]]:
        def expect(i: int, what: str, after: str) -> Token:
            if i >= len(args) or (what and args[i].text != what):
                where = args[i].span if i < len(args) else Span(args[-1].end, args[-1].end)
                wanted = f"'{what}'" if what else "version"
                raise self.fail(where, "retract-interval", f"expected {wanted} after {after}")
            return args[i]

        low_token = expect(1, "", "'['")
        low = self.version("retract", "", low_token, canonicalize=False)
        expect(2, ",", "version")
        high_token = expect(3, "", "','")
        high = self.version("retract", "", high_token, canonicalize=False)
        expect(4, "]", "version")
        return low, high, (low_token, high_token), args[5:]

    def read_tool(self, block: Block | None, line: Line, verb: Token, args: list[Token]) -> None:
        token = self.single(line, args, "tool directive expects exactly one argument")
        self.model.tools.append(PathStmt("tool", self.string(token), token, line))

    def read_ignore(self, block: Block | None, line: Line, verb: Token, args: list[Token]) -> None:
        token = self.single(line, args, "ignore directive expects exactly one argument")
        self.model.ignores.append(PathStmt("ignore", self.string(token), token, line))

    def read_use(self, block: Block | None, line: Line, verb: Token, args: list[Token]) -> None:
        token = self.single(line, args, "usage: use local/dir")
        self.model.uses.append(PathStmt("use", self.string(token), token, line))


def _touches(span: Span, problems: list[Span]) -> bool:
    return (
        any(p.start < span.end + 1 and span.start <= p.end for p in problems) if problems else False
    )
