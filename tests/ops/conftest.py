"""Fixtures for the gallery_ops tests: a client on the simulator, the sample library's ids,
and a view of the simulator's state that does not go through the request log.

Everything gallery_ops sends goes over real HTTP to the simulator, so `sim.requests`
holds exactly what the client sent. State checks use `sim.gql` (in-process, not logged).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from stash_sim import StashSimulator
from support.library import Sample
from support.state import State

from gallery_ops import GalleryOps
from gallery_ops.stash.operations import StashFeatures

# Short pauses so retry tests stay fast; three retries, four attempts in all.
FAST_RETRIES = (0.01, 0.02, 0.04)


def connect(sim: StashSimulator, retry_delays: tuple[float, ...] = FAST_RETRIES, **kwargs: Any) -> GalleryOps:
    """A client built from the server_connection the simulator hands a plugin, told which Stash it
    talks to (a run learns that once, with its first request: GalleryOps.features, tested in
    test_ops_features.py), so that a test's request log holds what its own calls send."""
    release = sim.release
    return GalleryOps.from_server_connection(
        sim.server_connection(**kwargs),
        retry_delays=retry_delays,
        features=StashFeatures(release.app_schema, release.version),
    )


@pytest.fixture
def ops(sim: StashSimulator) -> GalleryOps:
    return connect(sim)


@pytest.fixture(scope="module")
def _module_sim() -> Iterator[StashSimulator]:
    with StashSimulator() as simulator:
        yield simulator


@pytest.fixture
def quiet(_module_sim: StashSimulator) -> tuple[StashSimulator, GalleryOps]:
    """(sim, ops) on a simulator shared by a module, for tests of input refused before any
    request: its log is cleared first, and those tests assert it stays empty."""
    _module_sim.requests.clear()
    _module_sim.faults.clear()
    return _module_sim, connect(_module_sim)


@pytest.fixture
def make_ops() -> Callable[..., GalleryOps]:
    """connect(sim, retry_delays=..., api_key=...) for simulators other than `sim`."""
    return connect


@pytest.fixture
def state(sim: StashSimulator) -> State:
    return State(sim)


@pytest.fixture
def lib(sim: StashSimulator) -> Sample:
    return Sample.of(sim)


def _requests_of(sim: StashSimulator, operation: str) -> list:
    return [r for r in sim.requests.records if r.operation_name == operation or operation in r.root_fields]


@pytest.fixture
def requests_of() -> Callable[[StashSimulator, str], list]:
    """requests_of(sim, name): the logged requests with that operation name (e.g. 'FindGallery')
    or root field (e.g. 'addGalleryImages'), in order."""
    return _requests_of


@pytest.fixture
def sim_with_credentials() -> Iterator[StashSimulator]:
    with StashSimulator(credentials=("admin", "pw")) as simulator:
        yield simulator
