"""Shared fixtures: a running Stash simulator on the sample library."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from stash_sim import StashSimulator

REPO = Path(__file__).resolve().parent.parent


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
