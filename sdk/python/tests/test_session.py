"""Sessions against a real runner: call, decide, record, the tool decorator, close, idempotency, spawn, list."""

from __future__ import annotations

import http.client
import uuid
from typing import Any

import pytest

from conftest import AGENT_PACK, TIGHT_PACK, Runner
from reach_sdk import ReachClient, ReachError, verify_transcript


@pytest.fixture
def client(runner: Runner) -> ReachClient:
    return ReachClient(runner.url, backoff=0.01)


def test_opens_on_a_pack_and_reports_its_tools(client: ReachClient) -> None:
    session = client.open_session(AGENT_PACK)
    assert len(session.id) == 32
    assert session.info["pack"]["name"] == "sdk-agent"
    assert "echo" in session.tools


def test_call_runs_a_built_in_and_returns_its_output(client: ReachClient) -> None:
    outcome = client.open_session(AGENT_PACK).call("echo", {"hello": "world"})
    assert outcome.allowed and outcome.status == "succeeded"
    assert outcome.output == {"hello": "world"}
    assert outcome.hash.startswith("sha256:") and not outcome.replayed


def test_a_denial_is_a_value_with_code_reason_and_rules(client: ReachClient) -> None:
    outcome = client.open_session(AGENT_PACK).call("proc.exec", {"command": "ls"})
    assert not outcome.allowed and outcome.status == "denied"
    assert outcome.decision.get("code") == "REACH-2201"
    assert outcome.decision.get("gate") == "policy"
    assert "reach.declared-tool" in outcome.decision["rules"]


def test_a_budget_denial_names_the_budget_gate(client: ReachClient) -> None:
    session = client.open_session(TIGHT_PACK)
    session.call("echo", {"n": 1})
    session.call("echo", {"n": 2})
    third = session.call("echo", {"n": 3})
    assert not third.allowed and third.decision.get("gate") == "budget"


def test_decide_evaluates_without_recording(client: ReachClient) -> None:
    session = client.open_session(AGENT_PACK)
    before = session.status()["events"]
    assert session.decide("echo", {})["allowed"] is True
    assert session.decide("proc.exec", {})["allowed"] is False
    assert session.status()["events"] == before


def test_record_runs_a_permitted_function_and_records_its_value(client: ReachClient) -> None:
    session = client.open_session(AGENT_PACK)
    ran: list[Any] = []

    def write(args: dict[str, str]) -> dict[str, Any]:
        ran.append(args)
        return {"bytes": len(args["content"]), "path": args["path"]}

    outcome = session.record("fs.write", {"path": "note.txt", "content": "hi"}, write)
    assert len(ran) == 1
    assert outcome.status == "succeeded"
    assert outcome.value == {"bytes": 2, "path": "note.txt"} == outcome.output


def test_record_never_calls_the_function_of_a_denied_call(client: ReachClient) -> None:
    session = client.open_session(AGENT_PACK)
    ran: list[Any] = []
    outcome = session.record("proc.exec", {"command": "rm"}, ran.append)
    assert ran == [] and outcome.status == "denied" and outcome.value is None
    assert any(e["type"] == "policy.decision" and e["data"]["effect"] == "deny" for e in session.events())


def test_a_decorated_tool_that_raises_has_its_error_recorded_and_reraised_unchanged(client: ReachClient) -> None:
    session = client.open_session(AGENT_PACK)

    class DiskFull(Exception):
        pass

    thrown = DiskFull("no space left on device")

    @session.tool("fs.write")
    def write(path: str, content: str) -> int:
        raise thrown

    with pytest.raises(DiskFull) as caught:
        write("a", content="b")
    assert caught.value is thrown
    errors = [e for e in session.events() if e["type"] == "tool.error"]
    assert errors[0]["data"]["message"] == "no space left on device"


def test_a_decorated_tool_keeps_its_signature_and_value_and_a_denied_one_raises_with_the_decision(client: ReachClient) -> None:
    session = client.open_session(AGENT_PACK)

    @session.tool("fs.write")
    def write(path: str, content: str = "") -> int:
        return len(content)

    assert write("x", content="abc") == 3
    assert write.__name__ == "write"
    recorded = [e for e in session.events() if e["type"] == "step.started"]
    assert recorded[-1]["data"]["input"] == {"path": "x", "content": "abc"}

    @session.tool("proc.exec")
    def run(command: str) -> str:
        return "never"

    with pytest.raises(ReachError) as caught:
        run("ls")
    assert caught.value.code == "REACH-2201"
    assert caught.value.decision is not None and caught.value.decision["allowed"] is False


def test_the_context_manager_closes_and_the_transcript_verifies_to_the_fingerprint(client: ReachClient) -> None:
    with client.open_session(AGENT_PACK) as session:
        session.call("echo", {"a": 1})
        session.call("proc.exec", {"command": "ls"})
    assert session.closed is not None and session.closed["status"] == "succeeded"
    report = verify_transcript(session.transcript())
    assert report.ok, report.error
    assert report.fingerprint == session.closed["fingerprint"]
    assert report.events == session.closed["events"]
    with pytest.raises(ReachError) as caught:
        session.call("echo", {})
    assert (caught.value.code, caught.value.status) == ("REACH-4003", 409)


def test_a_handle_on_an_existing_session_by_id_calls_through_it(client: ReachClient) -> None:
    opened = client.open_session(AGENT_PACK)
    handle = client.session(opened.id)
    assert handle.call("echo", {"again": True}).status == "succeeded"
    assert opened.status()["status"] == "open"


def test_another_tenant_cannot_see_the_session(client: ReachClient, runner: Runner) -> None:
    session = client.open_session(AGENT_PACK)
    with pytest.raises(ReachError) as caught:
        ReachClient(runner.url, tenant="other").get_session(session.id)
    assert (caught.value.code, caught.value.status) == ("REACH-4002", 404)


def test_a_pack_that_does_not_load_is_a_reach_error_with_code_and_fix(client: ReachClient) -> None:
    with pytest.raises(ReachError) as caught:
        client.open_session("sdk-missing")
    assert caught.value.status == 400 and caught.value.code.startswith("REACH-") and caught.value.fix


def test_a_repeat_with_the_same_key_and_body_returns_the_first_answer(client: ReachClient) -> None:
    session = client.open_session(AGENT_PACK)
    key = uuid.uuid4().hex
    first = session.call("echo", {"n": 1}, idempotency_key=key)
    events = session.status()["events"]
    again = session.call("echo", {"n": 1}, idempotency_key=key)
    assert again.replayed and (again.seq, again.hash) == (first.seq, first.hash)
    assert session.status()["events"] == events


def test_the_same_key_with_another_body_is_reach_4011(client: ReachClient) -> None:
    session = client.open_session(AGENT_PACK)
    key = uuid.uuid4().hex
    session.call("echo", {"n": 1}, idempotency_key=key)
    with pytest.raises(ReachError) as caught:
        session.call("echo", {"n": 2}, idempotency_key=key)
    assert (caught.value.code, caught.value.status) == ("REACH-4011", 422)


def test_a_call_retried_after_a_dropped_connection_is_recorded_once(client: ReachClient, monkeypatch: pytest.MonkeyPatch) -> None:
    session = client.open_session(AGENT_PACK)
    original = http.client.HTTPConnection.getresponse
    dropped: list[int] = []

    def lossy(self: http.client.HTTPConnection) -> http.client.HTTPResponse:
        response = original(self)
        if not dropped and self._method == "POST":  # type: ignore[attr-defined]
            # The runner got the call and answered; the answer is lost as with a reset connection.
            dropped.append(1)
            response.read()
            raise ConnectionResetError("connection reset by peer")
        return response

    monkeypatch.setattr(http.client.HTTPConnection, "getresponse", lossy)
    outcome = session.call("echo", {"once": True})
    monkeypatch.undo()
    assert dropped == [1]
    assert outcome.replayed
    assert sum(1 for e in session.events() if e["type"] == "step.started") == 1


def test_spawn_opens_a_child_with_a_subset_of_the_tools(client: ReachClient) -> None:
    parent = client.open_session(AGENT_PACK)
    child = parent.spawn(tools=["echo"], budget={"max_tool_calls": 1})
    assert child.info.get("parent_id") == parent.id
    assert child.info.get("depth") == parent.info.get("depth", 0) + 1
    assert child.tools == ["echo"]
    assert child.call("echo", {"x": 1}).status == "succeeded"
    assert not child.call("fs.read", {"path": "x"}).allowed


def test_list_sessions_pages_through_the_tenants_sessions(runner: Runner) -> None:
    tenant = ReachClient(runner.url, tenant=f"t-{uuid.uuid4().hex[:8]}")
    ids = {tenant.open_session(AGENT_PACK).id for _ in range(3)}
    assert {s["session_id"] for s in tenant.list_sessions(page_size=2)} == ids
