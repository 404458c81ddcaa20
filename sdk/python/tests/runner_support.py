"""A real runner for tests: `reach serve` on a free loopback port with its own REACH_HOME (used by the SDK's tests and the examples')."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# A runner opens packs by name from the directories its operator configures (never a client's path): the SDK's test
# packs, the example packs and each example's own pack; the example policy bundles by name.
PACK_DIRECTORIES = [
    "examples/packs",
    "sdk/testdata/packs",
    "examples/ts-basic/pack",
    "examples/express-basic/pack",
    "examples/python-basic/pack",
    "examples/fastapi-basic/pack",
]
SERVE_PACK_ARGS = [arg for d in PACK_DIRECTORIES for arg in ("--pack-dir", d)] + ["--policy-dir", "policies"]


def reach_command() -> str:
    """REACH_BIN when set (a prebuilt CLI), else the repository's ./reach."""
    return os.environ.get("REACH_BIN") or str(ROOT / "reach")


@dataclass
class Runner:
    url: str
    home: str
    process: subprocess.Popen[bytes]


def start_runner() -> Runner:
    """Starts ``reach serve --urls http://127.0.0.1:0 --json`` with its own REACH_HOME; waits for its address."""
    home = tempfile.mkdtemp(prefix="reach-sdk-py-")
    process = subprocess.Popen(
        [reach_command(), "serve", "--urls", "http://127.0.0.1:0", "--json", *SERVE_PACK_ARGS],
        cwd=ROOT,
        env={**os.environ, "REACH_HOME": home},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    text = ""
    while True:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"reach serve exited with {process.wait()} before listening: {text}")
        text += line.decode("utf-8")
        try:
            doc = json.loads(text)
        except ValueError:
            continue
        if doc.get("ok") and isinstance(doc.get("listening"), str):
            # Keep draining stdout so the runner never blocks on a full pipe.
            threading.Thread(target=process.stdout.read, daemon=True).start()
            return Runner(doc["listening"], home, process)


def stop_runner(runner: Runner) -> None:
    runner.process.terminate()
    try:
        runner.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        runner.process.kill()
        runner.process.wait()
    shutil.rmtree(runner.home, ignore_errors=True)
