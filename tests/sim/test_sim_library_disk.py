"""Library descriptions: a library put on disk (on_disk, disk_files, gone), copies (same_as), scenes
with metadata, and the descriptions the seeder refuses.

A plugin runs on Stash's machine and reads the paths Stash reports (docs/stash.md §2), so a
library on disk reports root + path and has every zip, folder and file there. Stash's scan
records only files with an image, video or zip extension (internal/manager/config/config.go
defaultImageExtensions, defaultVideoExtensions, defaultGalleryExtensions): other files are on
disk only, never in Stash.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from stash_sim import StashSimulator
from stash_sim.library import LibraryError

PATHS = """{ findGalleries(filter: {per_page: -1, sort: "id"}) { galleries { id files { path } folder { path } } }
  findImages(filter: {per_page: -1, sort: "id"}) { images { files { path fingerprint(type: "md5") } } } }"""


def paths(sim: StashSimulator) -> tuple[list[str], dict[str, str]]:
    data = sim.gql(PATHS)
    galleries = [
        (g["files"][0]["path"] if g["files"] else (g["folder"] or {}).get("path") or "")
        for g in data["findGalleries"]["galleries"]
    ]
    images = {i["files"][0]["path"]: i["files"][0]["fingerprint"] for i in data["findImages"]["images"]}
    return galleries, images


def test_the_sample_on_disk_reports_the_root_and_has_its_files_there():
    with StashSimulator(on_disk=True) as sim:
        root = sim.library_root
        assert root and os.path.isabs(root)
        galleries, images = paths(sim)
        assert all(p.startswith(root + "/library/") for p in galleries if p)
        assert all(p.startswith(root + "/library/") for p in images)
        lib = Path(root, "library")
        assert sorted(p.name for p in (lib / "photos" / "Beach 2021").iterdir()) == [
            "IMG_0001.jpg",
            "IMG_0002.jpg",
            "IMG_0010.jpg",
            "cover.jpg",
        ]
        with zipfile.ZipFile(lib / "comics" / "Coast 3.cbz") as comic:  # a real zip: images and ComicInfo.xml
            assert sorted(comic.namelist()) == ["001.jpg", "002.jpg", "003.jpg", "ComicInfo.xml"]
            assert b"<Series>Coast</Series>" in comic.read("ComicInfo.xml")
        with zipfile.ZipFile(lib / "zips" / "Summer Trip [2022-08-01].zip") as summer:
            assert "Day 10/001.jpg" in summer.namelist()
        assert b'"title": "Night Market"' in (lib / "downloads" / "Night Market.zip.json").read_bytes()
        assert (lib / "videos" / "Beach Day.mp4").is_file() and (lib / "loose" / "night.jpg").is_file()
        assert not (lib / "photos" / "Old Trip").exists()  # gone: Stash still has the gallery
        assert f"{root}/library/photos/Old Trip" in galleries
        # disk files are not in Stash
        assert not any(p.endswith((".xml", ".json")) for p in images)


def test_without_a_root_nothing_is_written_and_checksums_are_the_same():
    with StashSimulator() as plain, StashSimulator(on_disk=True) as on_disk:
        assert plain.library_root is None
        _, plain_images = paths(plain)
        _, disk_images = paths(on_disk)
    root = on_disk.library_root
    assert {p[len(root) :]: md5 for p, md5 in disk_images.items()} == plain_images


def test_same_as_gives_a_copy_the_checksum_of_the_image_it_copies():
    _, images = paths(StashSimulator())
    for name in ("p01.jpg", "p02.jpg", "p03.jpg"):
        assert images[f"/library/zips/Portraits.zip/{name}"] == images[f"/library/photos/Portraits/{name}"]
    assert len(set(images.values())) == len(images) - 3  # no other two images share one


def test_scenes_carry_their_metadata():
    found = StashSimulator().gql(
        '{ findScenes(scene_filter: {title: {value: "City Walk", modifier: EQUALS}}) {'
        " scenes { date details studio { name } performers { name } tags { name } urls } } }"
    )
    assert found["findScenes"]["scenes"] == [
        {
            "date": "2020-05-17",
            "details": "A walk through the old town at dusk.",
            "studio": {"name": "Northwind Press"},
            "performers": [{"name": "Bo Lind"}],
            "tags": [{"name": "Travel"}],
            "urls": ["https://example.org/city-walk"],
        }
    ]


def test_a_windows_library_is_not_put_on_this_disk():
    with pytest.raises(LibraryError, match="does not model a Windows host's files on this disk"):
        StashSimulator({"host": "windows", "galleries": [{"folder": "C:\\a", "images": ["1.jpg"]}]}, on_disk=True)


@pytest.mark.parametrize(
    "library, message",
    [
        (
            {"galleries": [{"zip": "/z/a.zip", "images": ["1.jpg"], "disk_files": {"cover.jpg": "x"}}]},
            "a file Stash's scan records",
        ),
        ({"disk_files": {"/z/clip.mp4": "x"}}, "a file Stash's scan records"),
        ({"galleries": [{"zip": "/z/a.zip", "disk_files": {"info.json": 3}}]}, "maps names to their text"),
        ({"galleries": [{"title": "Picks", "disk_files": {"info.json": "{}"}}]}, "only a zip or folder gallery"),
        ({"galleries": [{"title": "Picks", "gone": True}]}, "only a zip or folder gallery"),
        (
            {"galleries": [{"zip": "/z/a.zip", "images": [{"name": "1.jpg", "same_as": "/nowhere.jpg"}]}]},
            "same_as '/nowhere.jpg' is no image given before it",
        ),
        ({"scenes": [{"title": "S", "path": "/v/s.mp4", "rating": 5}]}, "unknown key"),
        ({"scenes": [{"title": "S"}]}, "a scene needs a path"),
    ],
)
def test_descriptions_the_seeder_refuses(library, message):
    with pytest.raises(LibraryError, match=message):
        StashSimulator(library)


def test_a_library_on_disk_takes_absolute_paths():
    with pytest.raises(LibraryError, match="absolute paths"):
        StashSimulator({"images": ["relative/1.jpg"]}, on_disk=True)
