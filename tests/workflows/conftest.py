"""Fixtures and small libraries (in the library description format) for the workflow tests.

Helpers the test modules import live in wf_support.py (a conftest cannot be imported
reliably: every test folder has one).
"""

from __future__ import annotations

import copy
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from stash_sim import StashSimulator
from wf_support import REPO, ScenarioRun, run_twice

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

# Images with metadata of their own, and images in several galleries (mirror, union, disagreement).
MIXED: dict[str, Any] = {
    "studios": ["North", "South"],
    "tags": ["Keep", "Extra", "Shared"],
    "performers": ["Ann", "Ben"],
    "galleries": [
        {
            "folder": "/m/one",
            "tags": ["Keep"],
            "performers": ["Ann"],
            "studio": "North",
            "date": "2020-01-02",
            "photographer": "Pat",
            "images": [{"name": "1.jpg", "tags": ["Extra"]}, {"name": "2.jpg", "performers": ["Ben"]}, "3.jpg"],
        },
        {"folder": "/m/two", "tags": ["Shared"], "studio": "South", "date": "2021-03-04", "images": ["1.jpg", "2.jpg"]},
        {
            "title": "Collection",
            "tags": ["Shared"],
            "studio": "North",
            "photographer": "Pat",
            "images": ["/m/one/1.jpg", "/m/two/1.jpg"],
        },
    ],
}

# Folder galleries whose names fit wf_support.TITLE_PATTERN; one "date" is no date (Stash refuses it).
DATES: dict[str, Any] = {
    "galleries": [
        {"folder": "/d/Good One [2023-01-02]", "images": ["1.jpg"]},
        {"folder": "/d/Bad One [2023-13-45]", "images": ["1.jpg"]},
        {"folder": "/d/Plain", "images": ["1.jpg"]},
    ],
}


@pytest.fixture
def stash(sim: StashSimulator) -> StashSimulator:
    """The sample library with Gallery Tools installed (its hooks run from now on)."""
    sim.install_plugin(REPO)
    return sim


@pytest.fixture
def mixed_library() -> dict[str, Any]:
    return copy.deepcopy(MIXED)


@pytest.fixture
def dates_library() -> dict[str, Any]:
    return copy.deepcopy(DATES)


@pytest.fixture(scope="session")
def scenario_run(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], ScenarioRun]:
    """scenario_run(name): the scenario (wf_support.SCENARIOS) run twice on a fresh simulator,
    once per test session (several tests look at the same runs).

    Under pytest-xdist the workers share the runs too: the first worker to ask for a scenario
    runs it (holding a lock on a file in the session's temporary root) and stores the result
    there; the others load it. Without fcntl (Windows) each worker runs its own.
    """
    cache: dict[str, ScenarioRun] = {}
    shared = tmp_path_factory.getbasetemp().parent if os.environ.get("PYTEST_XDIST_WORKER") else None

    def get(name: str) -> ScenarioRun:
        if name not in cache:
            cache[name] = run_twice(name) if shared is None or fcntl is None else _shared_run(shared, name)
        return cache[name]

    return get


def _shared_run(root: Path, name: str) -> ScenarioRun:
    """run_twice(name), once for all the workers of a session (see scenario_run)."""
    stored = root / f"scenario-{name}.pickle"
    with (root / f"scenario-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if stored.exists():
            return pickle.loads(stored.read_bytes())
        result = run_twice(name)
        partial = stored.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(result))
        partial.replace(stored)
        return result
