"""Go string literals as the go command reads and writes them in go.mod files.

Text is handled as `str` decoded with surrogateescape: an invalid UTF-8 byte is a lone
surrogate U+DC80..U+DCFF, which Go would see as a byte that is not valid UTF-8.
"""

from __future__ import annotations

import functools
import re

_UNESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    '"': '"',
}
_HEX = "0123456789abcdefABCDEF"


_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
_OTHER_SURROGATE_RE = re.compile(r"[\ud800-\udc7f\udd00-\udfff]")
# Printable ASCII other than the quote and backslash: quoted verbatim.
_PLAIN_RE = re.compile(r"[ !#-\[\]-~]*")
_SIMPLE_ESCAPES = {7: r"\a", 8: r"\b", 12: r"\f", 10: r"\n", 13: r"\r", 9: r"\t", 11: r"\v"}


def go_bytes(s: str) -> bytes:
    """The bytes Go would hold for ``s``: surrogateescape'd chars become raw bytes."""
    try:
        return s.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # other lone surrogates (say from JSON): invalid bytes too
        return _OTHER_SURROGATE_RE.sub(_as_escaped_bytes, s).encode("utf-8", "surrogateescape")


def _as_escaped_bytes(m: re.Match[str]) -> str:
    return m.group().encode("utf-8", "surrogatepass").decode("utf-8", "surrogateescape")


def is_valid_utf8(s: str) -> bool:
    return s.isascii() or _SURROGATE_RE.search(s) is None


def _escape_rune(r: int, quote: int) -> str:
    if r == quote or r == 0x5C:
        return "\\" + chr(r)
    c = chr(r)
    if c.isprintable():  # Unicode L, M, N, P, S and ASCII space: Go's unicode.IsPrint
        return c
    simple = _SIMPLE_ESCAPES.get(r)
    if simple is not None:
        return simple
    if r < 0x20 or r == 0x7F:
        return f"\\x{r:02x}"
    return f"\\u{r:04x}" if r < 0x10000 else f"\\U{r:08x}"


def go_quote(s: str) -> str:
    """Quote ``s`` exactly like Go's ``strconv.Quote`` (and so ``fmt``'s ``%q``).

    Printable runes stay as they are, control characters use ``\\n``, ``\\x00``,
    ``\\u00a0``-style escapes, and each byte of invalid UTF-8 becomes ``\\xff``.
    """
    if _PLAIN_RE.fullmatch(s):
        return '"' + s + '"'
    out = ['"']
    for c in s:
        if "\ud800" <= c <= "\udfff":
            out.extend(f"\\x{b:02x}" for b in go_bytes(c))
        else:
            out.append(_escape_rune(ord(c), 0x22))
    out.append('"')
    return "".join(out)


def go_quote_rune(c: str) -> str:
    """Quote one character like Go's ``strconv.QuoteRune`` (``'x'``, ``'\\''``).

    A surrogate is not a valid rune, so like Go it is shown as U+FFFD.
    """
    r = ord(c)
    if 0xD800 <= r <= 0xDFFF:
        r = 0xFFFD
    return "'" + _escape_rune(r, 0x27) + "'"


def is_invalid_byte(ch: str) -> bool:
    return 0xDC80 <= ord(ch) <= 0xDCFF


def is_print(ch: str) -> bool:
    """Go's unicode.IsPrint over a string's runes: letters, marks, numbers, punctuation,
    symbols and ASCII space. Ranging over a string, Go reads an invalid byte as U+FFFD, a
    symbol, so it counts as printable."""
    return ch == " " or ch.isprintable() or "\ud800" <= ch <= "\udfff"


def unquote(s: str) -> str | None:
    """Go's strconv.Unquote for a double-quoted literal; None where Go says "invalid syntax"."""
    if len(s) < 2 or s[0] != '"' or s[-1] != '"':
        return None
    body = s[1:-1]
    if "\\" not in body:
        if '"' in body or "\n" in body:
            return None
        return body if is_valid_utf8(body) else _SURROGATE_RE.sub(_replacement, body)
    out: list[str] = []
    i = 0
    n = len(body)
    while i < n:
        ch = body[i]
        if ch == '"' or ch == "\n":
            return None
        if ch != "\\":
            out.append(_replacement_for(ch) if "\ud800" <= ch <= "\udfff" else ch)
            i += 1
            continue
        if i + 1 >= n:
            return None
        esc = body[i + 1]
        i += 2
        if esc in _UNESCAPES:
            out.append(_UNESCAPES[esc])
        elif esc in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[esc]
            digits = body[i : i + width]
            if len(digits) != width or any(c not in _HEX for c in digits):
                return None
            value = int(digits, 16)
            i += width
            if esc == "x":
                # A \x escape is a raw byte, possibly not valid UTF-8 on its own.
                out.append(chr(value) if value < 0x80 else chr(0xDC00 + value))
            elif value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                return None
            else:
                out.append(chr(value))
        elif esc in "01234567":
            digits = body[i - 1 : i + 2]
            if len(digits) != 3 or any(c not in "01234567" for c in digits):
                return None
            value = int(digits, 8)
            if value > 255:
                return None
            i += 2
            out.append(chr(value) if value < 0x80 else chr(0xDC00 + value))
        else:
            return None
    return _rejoin_bytes("".join(out))


def _replacement(m: re.Match[str]) -> str:
    return _replacement_for(m.group())


def _replacement_for(ch: str) -> str:
    """strconv.Unquote reads each invalid byte between the quotes (unlike one written as an
    escape) as the rune U+FFFD."""
    return "\ufffd" * len(go_bytes(ch))


def _rejoin_bytes(s: str) -> str:
    """Escaped bytes that together form valid UTF-8 become the runes they spell."""
    if not any(is_invalid_byte(c) for c in s):
        return s
    return s.encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape")


_ASCII_NEEDS_QUOTES = re.compile(r"[ \"'`\x00-\x1f\x7f]|//|/\*")
_PUNCTUATION = re.compile(r"[()\[\]{},]")


def must_quote(s: str) -> bool:
    """x/mod's MustQuote: whether a token needs quotes to stay one token in a go.mod line."""
    if s.isascii():  # the common case, without a loop in Python
        if not s or _ASCII_NEEDS_QUOTES.search(s):
            return True
        return len(s) > 1 and _PUNCTUATION.search(s) is not None
    if "//" in s or "/*" in s:
        return True
    for ch in s:
        if ch in " \"'`":
            return True
        if ch in "()[]{},":
            if len(s) > 1:
                return True
        elif not is_print(ch):
            return True
    return False


@functools.lru_cache(maxsize=8192)
def auto_quote(s: str) -> str:
    return go_quote(s) if must_quote(s) else s
