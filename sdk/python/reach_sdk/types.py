"""The runner's wire types, snake_case as they travel (docs/RUNNER.md), as TypedDicts."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict, Union

#: Any JSON value.
JsonValue = Union[None, bool, int, float, str, list["JsonValue"], dict[str, "JsonValue"]]
#: A JSON object.
JsonObject = dict[str, JsonValue]


class PackRef(TypedDict):
    """A pack's identity as the runner reports it."""

    name: str
    version: str
    digest: str


class SessionInfo(TypedDict):
    """What opening (or spawning) a session answers."""

    session_id: str
    tenant: str
    pack: PackRef
    tools: list[str]
    policy: NotRequired[str | None]
    parent_id: NotRequired[str | None]
    depth: NotRequired[int]


class Decision(TypedDict):
    """A gate's decision on one call; a denial is a value, not an error."""

    allowed: bool
    effect: Literal["permit", "deny"]
    rules: list[str]
    code: NotRequired[str]
    reason: NotRequired[str]
    gate: NotRequired[Literal["policy", "budget"]]


class ToolError(TypedDict):
    """A tool's error as recorded."""

    code: str
    message: str


class ToolCallResult(TypedDict):
    """What a tool call answers."""

    decision: Decision
    status: Literal["succeeded", "failed", "denied"]
    seq: int
    hash: str
    output: NotRequired[Any]
    error: NotRequired[ToolError]


class CloseResult(TypedDict):
    """What closing a session answers."""

    session_id: str
    status: str
    fingerprint: str
    events: int


class SessionStatus(TypedDict):
    """A session's state on the runner."""

    session_id: str
    tenant: str
    status: str
    pack: PackRef
    created: str
    events: int
    tools: NotRequired[list[str] | None]
    policy: NotRequired[str | None]
    parent_id: NotRequired[str | None]
    depth: NotRequired[int]
    closed: NotRequired[str | None]
    fingerprint: NotRequired[str | None]


class Run(TypedDict):
    """A run of a pack driven by the runner."""

    run_id: str
    status: str
    pack: PackRef
    created: str
    events: int
    tenant: NotRequired[str]
    policy: NotRequired[str | None]
    finished: NotRequired[str | None]
    fingerprint: NotRequired[str | None]


class RunEnd(TypedDict):
    """The last message of a run's event stream."""

    status: str
    fingerprint: str | None
    events: NotRequired[int]


class RunVerification(TypedDict):
    """What the runner's verification of a run answers."""

    ok: bool
    events: int
    fingerprint: str | None
    sealed: NotRequired[bool]
    code: NotRequired[str | None]
    message: NotRequired[str | None]
    line: NotRequired[int | None]


class Divergence(TypedDict):
    """Where a replay first diverged."""

    kind: str
    seq: int | None
    recorded: NotRequired[str | None]
    replayed: NotRequired[str | None]
    likely_cause: NotRequired[str]


class RunReplay(TypedDict):
    """What the runner's replay of a run answers."""

    ok: bool
    identical: bool
    events: NotRequired[int]
    recorded_fingerprint: NotRequired[str]
    fingerprint: NotRequired[str]
    divergence: NotRequired[Divergence | None]


class VersionInfo(TypedDict):
    """The runner's version, engine and transcript format."""

    version: str
    engine: str
    format: int
