"""A FastAPI app whose route handlers perform every side effect through Reach: each one is gated (policy and
budget) before it runs and recorded after, in the session's transcript. A denied action answers 403 with Reach's
reason.

    reach serve &                                                     # in the repository's root
    PYTHONPATH=sdk/python python3 examples/fastapi-basic/app.py       # http://127.0.0.1:8000
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from reach_sdk import ReachError, Session, verify_transcript

PACK = "fastapi-notes"  # by name: the runner serves ./pack from a configured pack directory (reach serve --pack-dir)
NAME = re.compile(r"[a-z0-9-]{1,64}")


class Note(BaseModel):
    """A note's body."""

    text: str


def create_app(session: Session, notes_dir: Path) -> FastAPI:
    """Builds the app around an open Reach session."""

    # The side effects, each decorated: same signature, but gated and recorded by Reach.
    @session.tool("fs.write")
    def write_note(path: str, content: str) -> dict[str, Any]:
        notes_dir.mkdir(parents=True, exist_ok=True)
        (notes_dir / path).write_text(content, encoding="utf-8")
        return {"path": path, "bytes": len(content.encode("utf-8"))}

    @session.tool("fs.read")
    def read_note(path: str) -> dict[str, Any]:
        return {"path": path, "content": (notes_dir / path).read_text(encoding="utf-8")}

    @session.tool("proc.exec")
    def clean_up(command: str, args: list[str]) -> dict[str, Any]:
        done = subprocess.run([command, *args], cwd=notes_dir, capture_output=True, text=True, check=False)
        return {"exit_code": done.returncode}

    app = FastAPI(title="Reach notes")

    @app.exception_handler(ReachError)
    def reach_error(_request: Request, error: ReachError) -> JSONResponse:
        # A denial is 403 with Reach's reason; the runner being unusable is 502.
        if error.decision is not None:
            return JSONResponse({"error": error.decision.get("reason"), "code": error.decision.get("code"), "rules": error.decision.get("rules")}, status_code=403)
        return JSONResponse({"error": str(error), "code": error.code, "fix": error.fix}, status_code=502)

    @app.post("/notes/{name}", status_code=201)
    def post_note(name: str, note: Note) -> dict[str, Any]:
        if not NAME.fullmatch(name):
            raise HTTPException(400, "a name is a-z, 0-9 and -")
        return write_note(f"{name}.txt", note.text)

    @app.get("/notes/{name}")
    def get_note(name: str) -> dict[str, Any]:
        if not NAME.fullmatch(name):
            raise HTTPException(400, "a name is a-z, 0-9 and -")
        try:
            return read_note(f"{name}.txt")
        except FileNotFoundError:
            # The error was recorded in the transcript as the call's result, then re-raised unchanged.
            raise HTTPException(404, "no such note") from None

    @app.post("/cleanup")
    def cleanup() -> dict[str, Any]:
        return clean_up("rm", ["-f", "*.txt"])

    @app.get("/audit")
    def audit() -> dict[str, Any]:
        # The transcript so far, verified here (unsealed while the session is open).
        report = verify_transcript(session.transcript())
        return {"session": session.id, "events": report.events, "chain_intact": report.chain_intact, "fingerprint": report.fingerprint}

    return app


if __name__ == "__main__":
    import uvicorn

    from reach_sdk import ReachClient

    notes = Path(os.environ.get("NOTES_DIR") or Path(tempfile.gettempdir()) / "reach-fastapi-notes")
    with ReachClient().open_session(PACK) as open_session:  # REACH_URL, or http://127.0.0.1:8787
        print(f"Reach session {open_session.id}")
        uvicorn.run(create_app(open_session, notes), host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
    print(f"session closed, fingerprint {open_session.closed['fingerprint'] if open_session.closed else '?'}")
