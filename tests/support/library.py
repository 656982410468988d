"""The sample library (tests/stash_sim/libraries/sample.yml): its galleries by path, as the tests
name them, and their ids in a simulator (Sample)."""

from __future__ import annotations

from dataclasses import dataclass

from stash_sim import StashSimulator

from .state import ids_by_path, image_ids_by_path

# The sample library's galleries, by the keys of state.gallery_key.
BEACH = "/library/photos/Beach 2021"  # folder-based, 4 images, default cover picked by name (cover.jpg)
PORTRAITS = "/library/photos/Portraits"  # folder-based, 3 images, explicit cover p03.jpg
SUMMER = "/library/zips/Summer Trip [2022-08-01].zip"  # zip-based, 5 images
CITY = "/library/zips/city_walk-2020.zip"  # zip-based, 3 images
BEST = "user:Best of 2021"  # user-created, 3 images (one from beach, one from portraits, one loose), 1 chapter
EMPTY = "user:Empty Collection"  # user-created, no images
PORTRAITS_ZIP = "/library/zips/Portraits.zip"  # the Portraits set again, as a zip: a duplicate
COMIC = "/library/comics/Coast 3.cbz"  # a ComicInfo.xml inside
NIGHT_MARKET = "/library/downloads/Night Market.zip"  # a gallery-dl JSON next to it
HARBOUR = "/library/photos/Harbour"  # every image has a tag and a performer the gallery lacks
OLD_TRIP = "/library/photos/Old Trip"  # its folder is gone, no images
HIKING = "/library/unsorted/Hiking 2019"  # three images in no gallery
# Sample's fields: the galleries the operation tests use by name
SAMPLE_GALLERIES = {
    "beach": BEACH,
    "portraits": PORTRAITS,
    "summer": SUMMER,
    "city": CITY,
    "best": BEST,
    "empty": EMPTY,
    "portraits_zip": PORTRAITS_ZIP,
    "comic": COMIC,
    "night_market": NIGHT_MARKET,
}


@dataclass(frozen=True)
class Sample:
    """The sample library's gallery ids in one simulator, and its image ids by path."""

    beach: str
    portraits: str
    summer: str
    city: str
    best: str
    empty: str
    portraits_zip: str
    comic: str
    night_market: str
    images: dict[str, str]

    @classmethod
    def of(cls, sim: StashSimulator) -> Sample:
        ids = ids_by_path(sim)
        return cls(**{name: ids[path] for name, path in SAMPLE_GALLERIES.items()}, images=image_ids_by_path(sim))

    def image(self, path_end: str) -> str:
        found = [i for p, i in self.images.items() if p.endswith(path_end)]
        assert len(found) == 1, f"{path_end!r} names {len(found)} images"
        return found[0]
