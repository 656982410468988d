"""Fixtures shared by the simulator's tests (tests/sim/test_sim_*.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from stash_sim import StashSimulator

Snapshot = dict[str, list[tuple[Any, ...]]]


def _snapshot(sim: StashSimulator) -> Snapshot:
    tables = sim.store.column("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return {table: [tuple(row) for row in sim.store.all(f'SELECT * FROM "{table}" ORDER BY rowid')] for table in tables}


@pytest.fixture
def db_snapshot() -> Callable[[StashSimulator], Snapshot]:
    """snapshot(sim): every row of every table. Equal before and after: nothing changed, updated_at included."""
    return _snapshot


@pytest.fixture
def make_sim() -> Iterator[Callable[..., StashSimulator]]:
    """make_sim(library, **kwargs): a started simulator on that library (a dict); stopped after the test."""
    started: list[StashSimulator] = []

    def make(library: dict[str, Any] | None = None, **kwargs: Any) -> StashSimulator:
        simulator = StashSimulator(library=library if library is not None else {}, **kwargs).start()
        started.append(simulator)
        return simulator

    yield make
    for simulator in started:
        simulator.stop()
