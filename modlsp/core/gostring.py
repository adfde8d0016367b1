"""Go string literals as the go command reads and writes them in go.mod files.

Text is handled as `str` decoded with surrogateescape: an invalid UTF-8 byte is a lone
surrogate U+DC80..U+DCFF, which Go would see as a byte that is not valid UTF-8.
"""

from __future__ import annotations

import re

_SIMPLE_ESCAPES = {
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
_QUOTE_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}
_HEX = "0123456789abcdefABCDEF"


def is_invalid_byte(ch: str) -> bool:
    return 0xDC80 <= ord(ch) <= 0xDCFF


def is_print(ch: str) -> bool:
    """Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space."""
    return ch == " " or (ch.isprintable() and not is_invalid_byte(ch))


def quote(s: str) -> str:
    """Go's strconv.Quote."""
    out = ['"']
    for ch in s:
        escaped = _QUOTE_ESCAPES.get(ch)
        if escaped is not None:
            out.append(escaped)
        elif is_invalid_byte(ch):
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif is_print(ch):
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def unquote(s: str) -> str | None:
    """Go's strconv.Unquote for a double-quoted literal; None where Go says "invalid syntax"."""
    if len(s) < 2 or s[0] != '"' or s[-1] != '"':
        return None
    body = s[1:-1]
    if "\\" not in body:
        return None if '"' in body or "\n" in body else body
    out: list[str] = []
    i = 0
    n = len(body)
    while i < n:
        ch = body[i]
        if ch == '"' or ch == "\n":
            return None
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        if i + 1 >= n:
            return None
        esc = body[i + 1]
        i += 2
        if esc in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[esc])
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


def auto_quote(s: str) -> str:
    return quote(s) if must_quote(s) else s
