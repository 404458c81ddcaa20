"""RFC 8785 (JCS) canonical JSON as docs/EVENT_MODEL.md defines it."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def es_number(x: float) -> str:
    """A double as ECMAScript's Number.prototype.toString writes it."""
    if math.isnan(x) or math.isinf(x):
        raise ValueError("NaN and the infinities have no JSON form")
    if x == 0:
        return "0"
    sign, digits, exponent = Decimal(repr(abs(x))).normalize().as_tuple()
    assert isinstance(exponent, int)
    s = "".join(map(str, digits))
    k = len(digits)
    n = k + exponent  # |x| = 0.s * 10**n
    if k <= n <= 21:
        text = s + "0" * (n - k)
    elif 0 < n <= 21:
        text = s[:n] + "." + s[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + s
    else:
        text = s[0] + ("." + s[1:] if k > 1 else "") + "e" + ("+" if n > 0 else "-") + str(abs(n - 1))
    return ("-" if x < 0 else "") + text


def _string(value: str) -> str:
    out = ['"']
    for c in value:
        escaped = _ESCAPES.get(c)
        if escaped is not None:
            out.append(escaped)
        elif c < " ":
            out.append(f"\\u{ord(c):04x}")
        elif "\ud800" <= c <= "\udfff":
            raise ValueError("a string holds a lone surrogate, which has no canonical form")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def _utf16_key(member: tuple[str, Any]) -> bytes:
    return member[0].encode("utf-16-be", "surrogatepass")


def canonicalize(value: Any, max_depth: int = 64) -> str:
    """The RFC 8785 text of a parsed JSON value; containers nest at most max_depth deep (the value is level 1)."""
    return _write(value, 0, max_depth)


def _write(value: Any, depth: int, max_depth: int) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        # A JSON number is a double: an integer beyond 2**53 is written as the double it rounds to.
        return str(value) if abs(value) <= 2**53 else es_number(float(value))
    if isinstance(value, float):
        return es_number(value)
    if isinstance(value, str):
        return _string(value)
    if depth >= max_depth:
        raise ValueError(f"arrays and objects nest at most {max_depth} deep")
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_write(item, depth + 1, max_depth) for item in value) + "]"
    if isinstance(value, dict):
        members = sorted(value.items(), key=_utf16_key)
        return "{" + ",".join(_string(k) + ":" + _write(v, depth + 1, max_depth) for k, v in members) + "}"
    raise TypeError(f"a {type(value).__name__} has no JSON form")
