"""Errors and retries, against a scripted server on loopback."""

from __future__ import annotations

import json
import socket
from typing import Callable

import pytest

from conftest import Fake, json_answer, silent, text_answer
from reach_sdk import SDK_BAD_RESPONSE, SDK_BAD_TOOL_CALL, SDK_TIMEOUT, SDK_UNREACHABLE, ReachClient, ReachError

PROBLEM = {
    "type": "urn:reach:error:REACH-4001",
    "title": "The request body is malformed",
    "status": 400,
    "detail": "The field 'pack' must be a non-empty string.",
    "code": "REACH-4001",
    "fix": "Send the JSON object the endpoint expects.",
    "field": "pack",
}
VERSION = {"version": "0.1.0", "engine": "reach/1", "format": 1}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_a_problem_answer_is_a_reach_error_with_code_status_field_and_fix_and_is_not_retried(fake: Callable[..., Fake]) -> None:
    server = fake(json_answer(400, PROBLEM))
    with pytest.raises(ReachError) as caught:
        ReachClient(server.url, backoff=0.001).open_session("")
    error = caught.value
    assert (error.code, error.status, error.field, error.fix) == ("REACH-4001", 400, "pack", PROBLEM["fix"])
    assert error.problem == PROBLEM
    assert len(server.requests) == 1


def test_a_runner_that_is_down_is_unreachable_with_a_fix_after_the_retries() -> None:
    client = ReachClient(f"http://127.0.0.1:{free_port()}", retries=2, backoff=0.001)
    with pytest.raises(ReachError) as caught:
        client.open_session("p")
    assert caught.value.code == SDK_UNREACHABLE
    assert caught.value.status == 0
    assert "reach serve" in caught.value.fix
    assert "3 attempts" in caught.value.message


def test_a_runner_that_does_not_answer_times_out_after_the_retries_of_a_safe_request(fake: Callable[..., Fake]) -> None:
    server = fake(silent(fake.stop))  # type: ignore[attr-defined]
    with pytest.raises(ReachError) as caught:
        ReachClient(server.url, timeout=0.5, retries=1, backoff=0.001).version()
    assert caught.value.code == SDK_TIMEOUT
    assert "timeout" in caught.value.fix
    assert len(server.requests) == 2


def test_a_post_without_idempotency_key_is_not_retried_after_a_timeout(fake: Callable[..., Fake]) -> None:
    server = fake(silent(fake.stop))  # type: ignore[attr-defined]
    with pytest.raises(ReachError) as caught:
        ReachClient(server.url, timeout=0.5, retries=3, backoff=0.001).open_session("p")
    assert caught.value.code == SDK_TIMEOUT
    assert len(server.requests) == 1


def test_an_answer_that_is_not_json_is_bad_response(fake: Callable[..., Fake]) -> None:
    server = fake(text_answer(200, "<html>hello</html>"))
    with pytest.raises(ReachError) as caught:
        ReachClient(server.url).version()
    assert caught.value.code == SDK_BAD_RESPONSE
    assert caught.value.status == 200
    assert "not JSON" in caught.value.message


def test_an_error_without_problem_details_is_bad_response_with_the_status(fake: Callable[..., Fake]) -> None:
    server = fake(text_answer(404, ""))
    with pytest.raises(ReachError) as caught:
        ReachClient(server.url).version()
    assert (caught.value.code, caught.value.status) == (SDK_BAD_RESPONSE, 404)


def test_429_is_retried_after_retry_after_then_succeeds(fake: Callable[..., Fake]) -> None:
    server = fake(json_answer(429, {**PROBLEM, "status": 429, "code": "REACH-4010"}, {"Retry-After": "0"}), json_answer(200, VERSION))
    assert ReachClient(server.url, backoff=0.001).version() == VERSION
    assert len(server.requests) == 2


def test_429_past_the_retries_surfaces_as_the_runners_problem(fake: Callable[..., Fake]) -> None:
    server = fake(json_answer(429, {**PROBLEM, "status": 429, "code": "REACH-4010"}, {"Retry-After": "0"}))
    with pytest.raises(ReachError) as caught:
        ReachClient(server.url, retries=2, backoff=0.001).version()
    assert (caught.value.status, caught.value.code) == (429, "REACH-4010")
    assert len(server.requests) == 3


def test_a_4xx_answer_is_never_retried(fake: Callable[..., Fake]) -> None:
    server = fake(json_answer(409, {**PROBLEM, "status": 409, "code": "REACH-4003"}), json_answer(200, VERSION))
    with pytest.raises(ReachError) as caught:
        ReachClient(server.url, backoff=0.001).version()
    assert caught.value.code == "REACH-4003"
    assert len(server.requests) == 1


def test_tenant_token_and_an_idempotency_key_on_every_tool_call_the_same_on_its_retry(fake: Callable[..., Fake]) -> None:
    session = {"session_id": "s1", "tenant": "acme", "pack": {"name": "p", "version": "1", "digest": "sha256:x"}, "tools": ["echo"]}
    answer = {"decision": {"allowed": True, "effect": "permit", "rules": []}, "status": "succeeded", "output": 1, "seq": 4, "hash": "sha256:y"}
    server = fake(
        json_answer(201, session),
        json_answer(503, {**PROBLEM, "status": 503, "code": "REACH-4009"}, {"Retry-After": "0"}),
        json_answer(200, answer),
        json_answer(200, answer),
    )
    client = ReachClient(server.url, tenant="acme", token="t0k", backoff=0.001)
    s = client.open_session("p")
    s.call("echo", {"a": 1})
    s.call("echo", {"a": 1})
    opened, first, retry, second = (r["headers"] for r in server.requests)
    assert isinstance(opened, dict) and isinstance(first, dict) and isinstance(retry, dict) and isinstance(second, dict)
    assert opened["X-Tenant-ID"] == "acme"
    assert opened["Authorization"] == "Bearer t0k"
    assert first["Idempotency-Key"]
    assert retry["Idempotency-Key"] == first["Idempotency-Key"]
    assert second["Idempotency-Key"] != first["Idempotency-Key"]
    assert server.requests[1]["path"] == "/v1/sessions/s1/tool-calls"


SESSION = {"session_id": "s1", "tenant": "default", "pack": {"name": "p", "version": "1", "digest": "sha256:x"}, "tools": ["fs.write"]}
PERMIT = {"decision": {"allowed": True, "effect": "permit", "rules": []}}


def test_a_raised_error_that_cannot_be_recorded_surfaces_as_a_reach_error_caused_by_it(fake: Callable[..., Fake]) -> None:
    broken = {"type": "urn:reach:error:REACH-9070", "title": "Internal error", "status": 500, "code": "REACH-9070", "fix": "Report it."}
    server = fake(json_answer(201, SESSION), json_answer(200, PERMIT), json_answer(500, broken))
    session = ReachClient(server.url, backoff=0.001).open_session("p")
    thrown = OSError("disk full")

    def fail(_input: object) -> None:
        raise thrown

    with pytest.raises(ReachError) as caught:
        session.record("fs.write", {"path": "a"}, fail)
    assert caught.value.code == "REACH-9070"
    assert caught.value.__cause__ is thrown
    assert json.loads(server.requests[2]["body"])["result"] == {"error": {"message": "disk full"}}  # type: ignore[arg-type]


def test_an_error_carrying_a_reach_code_is_recorded_with_it(fake: Callable[..., Fake]) -> None:
    answer = {"decision": PERMIT["decision"], "status": "failed", "error": {"code": "REACH-2221", "message": "outside"}, "seq": 5, "hash": "sha256:y"}
    server = fake(json_answer(201, SESSION), json_answer(200, PERMIT), json_answer(200, answer))
    session = ReachClient(server.url, backoff=0.001).open_session("p")

    class Outside(Exception):
        code = "REACH-2221"

    thrown = Outside("outside")

    def fail(_input: object) -> None:
        raise thrown

    with pytest.raises(Outside) as caught:
        session.record("fs.write", {"path": "../x"}, fail)
    assert caught.value is thrown
    assert json.loads(server.requests[2]["body"])["result"] == {"error": {"message": "outside", "code": "REACH-2221"}}  # type: ignore[arg-type]


def test_a_return_value_that_is_not_json_is_bad_tool_call(fake: Callable[..., Fake]) -> None:
    server = fake(json_answer(201, SESSION), json_answer(200, PERMIT))
    session = ReachClient(server.url, backoff=0.001).open_session("p")
    with pytest.raises(ReachError) as caught:
        session.record("fs.write", {"path": "a"}, lambda _input: {"where": object()})
    assert caught.value.code == SDK_BAD_TOOL_CALL
    assert len(server.requests) == 2
