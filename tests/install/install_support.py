"""Helpers the install tests share (a conftest cannot be imported by name)."""

from __future__ import annotations

import json
from typing import Any

from stash_sim.runner import RunResult


def answer(result: RunResult) -> dict[str, Any]:
    """The one {"output", "error"} object of a run, checked as Stash reads it: stdout is exactly that
    object, the exit status is 0 without error and 1 with one, every stderr line is a log line."""
    decoded = json.loads(result.stdout)
    assert isinstance(decoded, dict) and set(decoded) == {"output", "error"}, result.stdout
    assert result.stdout.strip().count("\n") == 0 and result.error == decoded["error"]
    assert result.returncode == (0 if decoded["error"] is None else 1), result.stderr
    if decoded["error"] is not None:
        assert "\n" not in decoded["error"] and "Traceback" not in result.stdout
    for line in result.stderr.splitlines():
        assert len(line) >= 4 and line[0] == "\x01" and line[1] in "tdiwep" and line[2] == "\x02", repr(line)
    return decoded
