"""A Server-Sent Events parser (WHATWG HTML §9.2) over lines of bytes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator


@dataclass(frozen=True)
class SseMessage:
    """One message of an event stream."""

    event: str
    data: str
    id: str | None


def parse_sse(lines: Iterable[bytes]) -> Iterator[SseMessage]:
    """Parses an event stream given as lines of bytes (each with its line ending, as ``readline`` returns them).

    A message is dispatched at a blank line; one cut off by the end of the stream (no blank line after it) is
    dropped, as the standard says. Comments (``:``) and ``retry:`` are ignored.
    """
    event = ""
    data: list[str] = []
    ident: str | None = None
    saw_field = False
    for raw in lines:
        if not raw.endswith((b"\n", b"\r")):
            return  # a line cut off by the end of the stream
        text = raw.decode("utf-8", "replace")
        for line in text.rstrip("\r\n").split("\r") if text.rstrip("\r\n") else [""]:
            if line == "":
                if saw_field and data:
                    yield SseMessage(event or "message", "\n".join(data), ident)
                event, data, ident, saw_field = "", [], None, False
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
            saw_field = True
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
            elif name == "id" and "\0" not in value:
                ident = value
