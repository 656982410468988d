"""Fixtures for the plugin tests: the real entry, run as Stash runs it, against the simulator.

Every run goes through tests/stash_sim/runner.py (strict manifest, `python` -> this
interpreter, {pluginDir}, PYTHONPATH, a working directory that is not the plugin's,
Go-shaped input). State is read in-process with sim.gql, which the request log does
not record, so `sim.requests` holds exactly what the plugin sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from stash_sim import StashSimulator
from stash_sim.runner import RunResult
from support import state

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"


@pytest.fixture
def plugin_sim() -> Iterator[StashSimulator]:
    """The simulator on the sample library, with Gallery Tools installed from the repository."""
    with StashSimulator() as simulator:
        simulator.install_plugin(REPO)
        yield simulator


@pytest.fixture
def snapshot() -> Callable[[StashSimulator], dict[str, Any]]:
    """snapshot(sim): galleries, chapters, covers, images' tags and metadata, tags, settings."""
    return state.snapshot


def _answer(result: RunResult) -> dict[str, Any]:
    """Check what Stash reads from a run and return the parsed answer.

    stdout is exactly one JSON object {"output", "error"} on one line; the exit status is
    0 without error and 1 with one; an error is one line; stdout holds no traceback;
    every stderr line is in Stash's log protocol (an unprefixed line would be logged
    by Stash as an error).
    """
    answer = json.loads(result.stdout)  # the whole stdout: one JSON value, nothing else
    assert isinstance(answer, dict), result.stdout
    assert set(answer) == {"output", "error"}, answer
    assert result.stdout.strip().count("\n") == 0, result.stdout
    assert "Traceback" not in result.stdout
    assert result.error == answer["error"]  # the runner (Stash's reading) agrees
    if answer["error"] is None:
        assert result.returncode == 0, result.stderr
    else:
        assert isinstance(answer["error"], str) and answer["error"].strip()
        assert "\n" not in answer["error"]
        assert result.returncode == 1
    for line in result.stderr.splitlines():
        assert len(line) >= 4 and line[0] == "\x01" and line[1] in "tdiwep" and line[2] == "\x02", repr(line)
    return answer


@pytest.fixture
def answer() -> Callable[[RunResult], dict[str, Any]]:
    """answer(result): the checked {"output", "error"} object of a run (see _answer)."""
    return _answer


def _load_fixture(name: str, sim: StashSimulator | None = None) -> dict[str, Any]:
    """fixtures/<name>.json; with a simulator, its server_connection points at that simulator."""
    data = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    if sim is not None:
        data["server_connection"] = {**data["server_connection"], "Port": sim.port}
    return data


@pytest.fixture
def load_fixture() -> Callable[..., dict[str, Any]]:
    """load_fixture(name, sim=None): a fixture file's PluginInput (see _load_fixture)."""
    return _load_fixture
