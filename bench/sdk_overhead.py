#!/usr/bin/env python3
"""The Python SDK's overhead: N gated, recorded tool calls through the SDK beside the same calls made with raw
urllib (and with a raw kept-alive http.client connection), against one real runner on loopback, interleaved in
rounds so drift hits all alike. Target: at most 10% over raw urllib.

    python3 bench/sdk_overhead.py [N]      (default 10000; REACH_BIN=/path/to/reach for a prebuilt CLI)
"""

from __future__ import annotations

import http.client
import json
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "sdk" / "python"))
sys.path.insert(0, str(ROOT / "sdk" / "python" / "tests"))

from reach_sdk import ReachClient  # noqa: E402
from runner_support import start_runner, stop_runner  # noqa: E402

PACK = "sdk-agent"


def main(total: int) -> None:
    rounds = 10
    per_round = -(-total // rounds)
    runner = start_runner()
    try:
        client = ReachClient(runner.url)
        session = client.open_session(PACK)
        urllib_url = f"{runner.url}/v1/sessions/{client.open_session(PACK).id}/tool-calls"
        kept_path = f"/v1/sessions/{client.open_session(PACK).id}/tool-calls"
        parsed = urllib.parse.urlsplit(runner.url)
        conn = http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port)

        def sdk(i: int) -> None:
            if session.call("echo", {"i": i}).status != "succeeded":
                raise RuntimeError("the call failed")

        def raw_urllib(i: int) -> None:
            request = urllib.request.Request(
                urllib_url,
                data=json.dumps({"tool": "echo", "input": {"i": i}}).encode(),
                headers={"Content-Type": "application/json", "Accept": "application/json", "Idempotency-Key": uuid.uuid4().hex},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                if json.loads(response.read())["status"] != "succeeded":
                    raise RuntimeError("the call failed")

        def raw_kept_alive(i: int) -> None:
            conn.request(
                "POST",
                kept_path,
                body=json.dumps({"tool": "echo", "input": {"i": i}}).encode(),
                headers={"Content-Type": "application/json", "Accept": "application/json", "Idempotency-Key": uuid.uuid4().hex},
            )
            if json.loads(conn.getresponse().read())["status"] != "succeeded":
                raise RuntimeError("the call failed")

        modes: list[tuple[str, Callable[[int], None]]] = [("sdk", sdk), ("raw_urllib", raw_urllib), ("raw_http_client", raw_kept_alive)]
        for _, fn in modes:  # warm up
            for i in range(200):
                fn(i)
        spent = {name: 0.0 for name, _ in modes}
        for r in range(rounds):
            for name, fn in modes[r % 3 :] + modes[: r % 3]:
                start = time.perf_counter()
                for i in range(per_round):
                    fn(i)
                spent[name] += time.perf_counter() - start
        calls = per_round * rounds
        overhead = (spent["sdk"] / spent["raw_urllib"] - 1) * 100
        print(json.dumps({
            "sdk": "python",
            "calls": calls,
            "raw_urllib_ms": round(spent["raw_urllib"] * 1000),
            "raw_http_client_ms": round(spent["raw_http_client"] * 1000),
            "sdk_ms": round(spent["sdk"] * 1000),
            "raw_urllib_calls_per_s": round(calls / spent["raw_urllib"]),
            "raw_http_client_calls_per_s": round(calls / spent["raw_http_client"]),
            "sdk_calls_per_s": round(calls / spent["sdk"]),
            "overhead_percent_vs_urllib": round(overhead, 1),
            "overhead_percent_vs_http_client": round((spent["sdk"] / spent["raw_http_client"] - 1) * 100, 1),
            "target_met": overhead <= 10,
        }))
    finally:
        stop_runner(runner)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
