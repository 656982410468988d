"""Fixtures for the gallery_ops tests: a client on the simulator, the sample library's ids,
and a view of the simulator's state that does not go through the request log.

Everything gallery_ops sends goes over real HTTP to the simulator, so `sim.requests`
holds exactly what the client sent. State checks use `sim.gql` (in-process, not logged).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from stash_sim import StashSimulator

from gallery_ops import GalleryOps

# Short pauses so retry tests stay fast; three retries, four attempts in all.
FAST_RETRIES = (0.01, 0.02, 0.04)

GALLERY_STATE = """query State($id: ID!) { findGallery(id: $id) {
  id title code date details photographer rating100 organized urls image_count
  studio { id } tags { id } performers { id } scenes { id }
  files { path } folder { path } cover { id } chapters { id title image_index }
} }"""


def connect(sim: StashSimulator, retry_delays: tuple[float, ...] = FAST_RETRIES, **kwargs: Any) -> GalleryOps:
    """A client built from the server_connection the simulator hands a plugin."""
    return GalleryOps.from_server_connection(sim.server_connection(**kwargs), retry_delays=retry_delays)


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


class State:
    """Reads the simulator's state in-process (never logged, never faulted)."""

    def __init__(self, sim: StashSimulator) -> None:
        self.sim = sim

    def gallery(self, gallery_id: Any) -> dict[str, Any] | None:
        return self.sim.gql(GALLERY_STATE, {"id": str(gallery_id)})["findGallery"]

    def image_ids(self, gallery_id: Any) -> set[str]:
        data = self.sim.gql(
            "query($f: ImageFilterType) { findImages(image_filter: $f, filter: {per_page: -1}) { images { id } } }",
            {"f": {"galleries": {"value": [str(gallery_id)], "modifier": "INCLUDES"}}},
        )
        return {image["id"] for image in data["findImages"]["images"]}

    def cover(self, gallery_id: Any) -> str | None:
        cover = self.gallery(gallery_id)["cover"]
        return cover["id"] if cover else None

    def gallery_ids(self, gallery_filter: dict[str, Any] | None = None) -> list[int]:
        data = self.sim.gql(
            "query($f: GalleryFilterType) { findGalleries(gallery_filter: $f,"
            ' filter: {per_page: -1, sort: "id"}) { galleries { id } } }',
            {"f": gallery_filter},
        )
        return [int(g["id"]) for g in data["findGalleries"]["galleries"]]

    def titled(self, title: str) -> list[str]:
        data = self.sim.gql(
            "query($f: GalleryFilterType) { findGalleries(gallery_filter: $f, filter: {per_page: -1}) {"
            " galleries { id } } }",
            {"f": {"title": {"value": title, "modifier": "EQUALS"}}},
        )
        return [g["id"] for g in data["findGalleries"]["galleries"]]

    def chapters(self, gallery_id: Any) -> list[tuple[str, int]]:
        return [(c["title"], c["image_index"]) for c in self.gallery(gallery_id)["chapters"]]

    def image_exists(self, image_id: Any) -> bool:
        return (
            self.sim.gql("query($id: ID!) { findImage(id: $id) { id } }", {"id": str(image_id)})["findImage"]
            is not None
        )


@pytest.fixture
def state(sim: StashSimulator) -> State:
    return State(sim)


@dataclass(frozen=True)
class Sample:
    """Ids in the sample library (tests/stash_sim/libraries/sample.yml), found by path and title."""

    beach: str  # folder-based, 4 images, default cover picked by name (cover.jpg)
    portraits: str  # folder-based, 3 images, explicit cover p03.jpg
    summer: str  # zip-based, 5 images
    city: str  # zip-based, 3 images
    best: str  # user-created, 3 images (one from beach, one from portraits, one loose), 1 chapter
    empty: str  # user-created, no images
    portraits_zip: str  # zip-based, the Portraits set again (the same checksums)
    comic: str  # zip-based (.cbz), a ComicInfo.xml inside
    night_market: str  # zip-based, a gallery-dl JSON next to it
    images: dict[str, str]  # image path -> id

    def image(self, path_end: str) -> str:
        found = [i for p, i in self.images.items() if p.endswith(path_end)]
        assert len(found) == 1, f"{path_end!r} names {len(found)} images"
        return found[0]


@pytest.fixture
def lib(sim: StashSimulator) -> Sample:
    galleries = sim.gql(
        "{ findGalleries(filter: {per_page: -1}) { galleries { id title files { path } folder { path } } } }"
    )["findGalleries"]["galleries"]

    def by(pred: Callable[[dict], bool]) -> str:
        found = [g["id"] for g in galleries if pred(g)]
        assert len(found) == 1
        return found[0]

    images = sim.gql("{ findImages(filter: {per_page: -1}) { images { id files { path } } } }")["findImages"]["images"]
    return Sample(
        beach=by(lambda g: (g["folder"] or {}).get("path") == "/library/photos/Beach 2021"),
        portraits=by(lambda g: (g["folder"] or {}).get("path") == "/library/photos/Portraits"),
        summer=by(lambda g: bool(g["files"]) and g["files"][0]["path"].endswith("Summer Trip [2022-08-01].zip")),
        city=by(lambda g: bool(g["files"]) and g["files"][0]["path"].endswith("city_walk-2020.zip")),
        best=by(lambda g: g["title"] == "Best of 2021"),
        empty=by(lambda g: g["title"] == "Empty Collection"),
        portraits_zip=by(lambda g: bool(g["files"]) and g["files"][0]["path"].endswith("/Portraits.zip")),
        comic=by(lambda g: bool(g["files"]) and g["files"][0]["path"].endswith("/Coast 3.cbz")),
        night_market=by(lambda g: bool(g["files"]) and g["files"][0]["path"].endswith("/Night Market.zip")),
        images={i["files"][0]["path"]: i["id"] for i in images},
    )


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
