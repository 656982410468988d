"""Shared fixtures: a running Stash simulator on the sample library."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from stash_sim import StashSimulator
from stash_sim.schema import RELEASE_ENV, RELEASES, release

REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--stash-release", choices=sorted(RELEASES), default=None,
                     help="the Stash release every simulator of the run serves (default: $STASH_SIM_RELEASE, "
                          "else the simulator's default, the latest release)")


def pytest_configure(config: pytest.Config) -> None:
    chosen = config.getoption("--stash-release")
    if chosen:
        os.environ[RELEASE_ENV] = chosen  # read by every StashSimulator(), also in subprocesses


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
