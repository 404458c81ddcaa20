"""Three tool calls through Reach: a built-in the runner executes, a tool this process runs itself (a decorated
function), and one the pack does not declare (denied: the function never runs). Then the transcript is verified
offline.

    reach serve &                                  # in the repository's root
    PYTHONPATH=sdk/python python3 examples/python-basic/main.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from reach_sdk import ReachClient, ReachError, verify_transcript

PACK = "python-basic"  # by name: the runner serves ./pack from a configured pack directory (reach serve --pack-dir)
NOTES = Path(os.environ.get("NOTES_DIR") or Path(tempfile.gettempdir()) / "reach-python-basic")


def main() -> int:
    client = ReachClient()  # REACH_URL, or http://127.0.0.1:8787 (`reach serve`)
    with client.open_session(PACK) as session:  # closed (and the transcript sealed) on exit
        print(f"session    {session.id}  {session.info['pack']['name']}@{session.info['pack']['version']}")

        # 1. A built-in: the runner gates it, runs it and records the output.
        greeting = session.call("text.template", {"template": "Hello, {{name}}!", "values": {"name": "Reach"}})
        print(f"permitted  text.template -> {greeting.output!r}")

        # 2. A tool this process runs: Reach gates each call, then records what the function returned.
        @session.tool("fs.write")
        def save_note(path: str, content: str) -> dict[str, object]:
            NOTES.mkdir(parents=True, exist_ok=True)
            (NOTES / path).write_text(content, encoding="utf-8")
            return {"path": path, "bytes": len(content.encode("utf-8"))}

        print(f"recorded   fs.write -> {save_note('greeting.txt', str(greeting.output))}")

        # 3. A tool the pack does not declare: denied. The denial is a value; nothing runs.
        denied = session.call("proc.exec", {"command": "rm", "args": ["-rf", str(NOTES)]})
        print(f"denied     proc.exec ({denied.decision.get('code')}): {denied.decision.get('reason')}")

    # Verify the sealed transcript here, without trusting the runner.
    report = verify_transcript(session.transcript())
    assert session.closed is not None
    print(f"verified   {'ok' if report.ok else 'FAILED'}, {report.events} events, fingerprint {report.fingerprint}")
    return 0 if report.ok and report.fingerprint == session.closed["fingerprint"] else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ReachError as error:  # says what went wrong and how to fix it
        print(f"{error.code}: {error}\nfix: {error.fix}", file=sys.stderr)
        sys.exit(1)
