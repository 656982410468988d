"""Shared fixtures: a running Stash simulator on the sample library; bytecode for plugin runs."""

from __future__ import annotations

import compileall
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bare_ids import bare_ids
from stash_sim import StashSimulator
from stash_sim.runner import PluginRunner, RunResult
from stash_sim.schema import RELEASE_ENV, RELEASES, release

REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--stash-release",
        choices=sorted(RELEASES),
        default=None,
        help="the Stash release every simulator of the run serves (default: $STASH_SIM_RELEASE, "
        "else the simulator's default, the latest release)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Pick the simulator's release for the run, and compile gallery_ops and the simulator to
    bytecode once, before any test runs.

    The release goes into the environment, where every StashSimulator() reads it (xdist
    workers and subprocesses too). Every plugin run is a new Python process that imports
    gallery_ops. Where bytecode is not written (PYTHONDONTWRITEBYTECODE, a read-only
    checkout), each of those hundreds of processes would compile the package from source
    again. Python still checks each .pyc against its source, so a stale one is never used.
    Under pytest-xdist only the controller compiles (it configures before the workers start).
    """
    chosen = config.getoption("--stash-release")
    if chosen:
        os.environ[RELEASE_ENV] = chosen
    if hasattr(config, "workerinput"):
        return
    for package in (REPO / "gallery_ops", REPO / "tests" / "stash_sim"):
        compileall.compile_dir(package, quiet=1)


def pytest_report_header(config: pytest.Config) -> str:
    return f"stash simulator release: {release().name}"


@pytest.fixture
def sim() -> Iterator[StashSimulator]:
    """A started simulator seeded with tests/stash_sim/libraries/sample.yml."""
    with StashSimulator() as simulator:
        yield simulator


@pytest.fixture
def empty_sim() -> Iterator[StashSimulator]:
    """A started simulator with an empty library."""
    with StashSimulator(library={}) as simulator:
        yield simulator


@pytest.fixture(autouse=True)
def names_not_ids(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every log line of every run of Gallery Tools in a test (a task, an operation, a hook run by a
    scan, at every level) names galleries, tags, performers, studios and scenes, never an id alone
    (bare_ids.py); a test whose runs logged one fails at its teardown, quoting the lines."""
    runs: list[RunResult] = []
    run_stdin = PluginRunner.run_stdin

    def recording(self: PluginRunner, *args: Any, **kwargs: Any) -> RunResult:
        result = run_stdin(self, *args, **kwargs)
        if self.plugin.id == "gallery_tools":
            runs.append(result)
        return result

    monkeypatch.setattr(PluginRunner, "run_stdin", recording)
    yield
    found = bare_ids([line.message for result in runs for line in result.logs])
    assert not found, f"log lines with a bare id instead of a name: {found[:5]}"
