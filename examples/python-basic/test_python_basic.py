"""Runs examples/python-basic/main.py against a real runner."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "sdk" / "python" / "tests"))

from runner_support import Runner, start_runner, stop_runner  # noqa: E402


@pytest.fixture(scope="module")
def runner() -> Iterator[Runner]:
    started = start_runner()
    try:
        yield started
    finally:
        stop_runner(started)


def run_example(url: str, notes: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REACH_URL": url, "NOTES_DIR": notes, "PYTHONPATH": str(ROOT / "sdk" / "python")}
    return subprocess.run([sys.executable, str(HERE / "main.py")], env=env, capture_output=True, text=True, timeout=120)


def test_python_basic_makes_three_calls_prints_the_denial_and_verifies(runner: Runner) -> None:
    with tempfile.TemporaryDirectory() as notes:
        result = run_example(runner.url, notes)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "permitted  text.template -> 'Hello, Reach!'" in result.stdout
        assert "recorded   fs.write -> {'path': 'greeting.txt', 'bytes': 13}" in result.stdout
        assert re.search(r"denied     proc\.exec \(REACH-2201\): The tool 'proc\.exec' is not declared", result.stdout)
        assert re.search(r"verified   ok, \d+ events, fingerprint sha256:[0-9a-f]{64}", result.stdout)
        assert (Path(notes) / "greeting.txt").read_text() == "Hello, Reach!"


def test_python_basic_fails_with_the_sdks_fix_when_no_runner_listens() -> None:
    with tempfile.TemporaryDirectory() as notes:
        result = run_example("http://127.0.0.1:9", notes)
        assert result.returncode == 1
        assert "SDK-UNREACHABLE" in result.stderr and "reach serve" in result.stderr
