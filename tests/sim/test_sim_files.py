"""Galleries and images with several files, as Stash's scan makes them (a byte copy of a zip, a
picture copied into a zip), in every resolver, filter, sort and destroy.

Facts: pkg/sqlite/table.go relatedFilesTable (primary first; AddFileID adds a non-primary file;
RemoveFileID makes the next file primary), pkg/sqlite/gallery_filter.go and image_filter.go (the
files are joined: a path or checksum matches through any file), pkg/sqlite/gallery.go and image.go
(the path sort keys on the file with the lowest id), pkg/gallery/delete.go and pkg/image/delete.go
(a zip gallery's destroy goes through every zip file; an image with other files only loses its
file in that zip). The description format says it with `copies` and `file_of` (library.py).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from stash_sim import StashSimulator
from stash_sim.library import LibraryError

# a zip, its byte copy (walked first by a scan: the copy's path sorts before), a folder set also
# moved into a zip, and a plain zip to compare with
LIBRARY: dict[str, Any] = {
    "galleries": [
        {"zip": "/lib/dupes/city (copy).zip", "copies": ["/lib/zips/city.zip"], "images": ["a.jpg", "b.jpg"]},
        {"folder": "/lib/folders/Portraits", "images": ["p1.jpg", "p2.jpg"]},
        {
            "zip": "/lib/zips/Portraits.zip",
            "images": [
                {"name": "p1.jpg", "file_of": "/lib/folders/Portraits/p1.jpg"},
                {"name": "p2.jpg", "file_of": "/lib/folders/Portraits/p2.jpg"},
                "p3.jpg",
            ],
        },
        {"zip": "/lib/zips/other.zip", "images": ["x.jpg"]},
    ],
}
COPY, CITY = "/lib/dupes/city (copy).zip", "/lib/zips/city.zip"
FIND_G = (
    "query($f: GalleryFilterType, $ff: FindFilterType) { findGalleries(gallery_filter: $f, filter: $ff)"
    " { count galleries { id files { path } folder { path } } } }"
)
FIND_I = (
    "query($f: ImageFilterType, $ff: FindFilterType) { findImages(image_filter: $f, filter: $ff)"
    " { count images { id files { path } visual_files { ... on ImageFile { path } } galleries { id } } } }"
)


def galleries(sim: StashSimulator, f: dict | None = None, ff: dict | None = None) -> list[str]:
    """Galleries found, by their primary file's or folder's path."""
    data = sim.gql(FIND_G, {"f": f, "ff": ff or {"per_page": -1, "sort": "path"}})["findGalleries"]
    return [g["files"][0]["path"] if g["files"] else g["folder"]["path"] for g in data["galleries"]]


def images(sim: StashSimulator, f: dict | None = None, ff: dict | None = None) -> list[list[str]]:
    """Images found, each as the paths of its files (primary first)."""
    data = sim.gql(FIND_I, {"f": f, "ff": ff or {"per_page": -1, "sort": "path"}})["findImages"]
    return [[x["path"] for x in i["files"]] for i in data["images"]]


def gallery_id(sim: StashSimulator, path: str) -> str:
    found = sim.gql(FIND_G, {"f": {"path": {"value": path, "modifier": "EQUALS"}}})["findGalleries"]["galleries"]
    (match,) = [
        g for g in found if (g["files"] and g["files"][0]["path"] == path) or (g["folder"] or {}).get("path") == path
    ]
    return match["id"]


@pytest.fixture
def lib(make_sim):
    return make_sim(LIBRARY)


def test_a_zip_copy_is_the_galleries_second_file_and_its_members_the_images_second_files(lib):
    """pkg/gallery/scan.go and pkg/image/scan.go associateExisting: AddFileID, not a new object."""
    assert lib.gql("{ findGalleries { count } findImages { count } }") == {
        "findGalleries": {"count": 4},
        "findImages": {"count": 6},
    }
    data = lib.gql(
        'query($id: ID!) { findGallery(id: $id) { image_count files { path fingerprint(type: "md5") } } }',
        {"id": gallery_id(lib, COPY)},
    )["findGallery"]
    assert [f["path"] for f in data["files"]] == [COPY, CITY]  # primary first
    assert data["files"][0]["fingerprint"] == data["files"][1]["fingerprint"]
    assert data["image_count"] == 2
    city = images(lib, {"path": {"value": "city", "modifier": "INCLUDES"}})
    assert city == [[f"{COPY}/a.jpg", f"{CITY}/a.jpg"], [f"{COPY}/b.jpg", f"{CITY}/b.jpg"]]


def test_a_picture_moved_into_a_zip_stays_one_image_in_both_galleries(lib):
    data = lib.gql(FIND_I, {"f": {"path": {"value": "p1.jpg", "modifier": "INCLUDES"}}})["findImages"]
    (p1,) = data["images"]
    assert [f["path"] for f in p1["files"]] == ["/lib/folders/Portraits/p1.jpg", "/lib/zips/Portraits.zip/p1.jpg"]
    assert [f["path"] for f in p1["visual_files"]] == [f["path"] for f in p1["files"]]
    assert sorted(g["id"] for g in p1["galleries"]) == sorted(
        [gallery_id(lib, "/lib/folders/Portraits"), gallery_id(lib, "/lib/zips/Portraits.zip")]
    )
    zip_images = lib.gql(
        "query($id: ID!) { findGallery(id: $id) { image_count } }", {"id": gallery_id(lib, "/lib/zips/Portraits.zip")}
    )["findGallery"]["image_count"]
    assert zip_images == 3


@pytest.mark.parametrize(
    "criterion, expected",
    [
        pytest.param({"path": {"value": CITY, "modifier": "EQUALS"}}, [COPY], id="path_equals_second_file"),
        pytest.param(
            {"path": {"value": "zips/", "modifier": "INCLUDES"}},
            [COPY, "/lib/zips/other.zip", "/lib/zips/Portraits.zip"],
            id="path_includes_any_file",
        ),
        pytest.param({"path": {"value": "city\\.zip$", "modifier": "MATCHES_REGEX"}}, [COPY], id="regex_second_file"),
        # (under a path filter the path sort's key is '' for a folder gallery: pkg/sqlite/gallery.go)
        pytest.param(
            {"path": {"value": "copy", "modifier": "EXCLUDES"}},
            ["/lib/folders/Portraits", COPY, "/lib/zips/other.zip", "/lib/zips/Portraits.zip"],
            id="excludes_holds_on_another_file_row",
        ),
    ],
)
def test_a_gallery_path_filter_matches_through_any_file_gallery_filter_go(lib, criterion, expected):
    assert galleries(lib, criterion) == expected


def test_checksum_and_q_find_a_gallery_once_through_any_file(lib):
    md5 = lib.gql(
        '{ findGalleries(filter: {per_page: 1, sort: "path"}) { galleries { files { fingerprint(type: "md5") } } } }'
    )["findGalleries"]["galleries"][0]["files"][0]["fingerprint"]
    assert galleries(lib, {"checksum": {"value": md5, "modifier": "EQUALS"}}) == [COPY]
    assert galleries(lib, ff={"q": "zips/city", "per_page": -1, "sort": "path"}) == [COPY]
    # all of q's words hold on one joined row: "dupes" and "zips/city" are two different files
    assert galleries(lib, ff={"q": "dupes zips/city", "per_page": -1, "sort": "path"}) == []


def test_an_image_path_checksum_and_q_match_through_any_file_image_filter_go(lib):
    second = [["/lib/folders/Portraits/p1.jpg", "/lib/zips/Portraits.zip/p1.jpg"]]
    assert images(lib, {"path": {"value": "/lib/zips/Portraits.zip/p1.jpg", "modifier": "EQUALS"}}) == second
    assert images(lib, ff={"q": "Portraits.zip/p1", "per_page": -1}) == second
    md5 = lib.gql(
        '{ findImages(image_filter: {path: {value: "Portraits.zip/p1", modifier: INCLUDES}})'
        ' { images { files { fingerprint(type: "md5") } } } }'
    )["findImages"]["images"][0]["files"][1]
    assert images(lib, {"checksum": {"value": md5["fingerprint"], "modifier": "EQUALS"}}) == second


def test_not_path_keeps_sqls_null_logic_on_the_file_rows(lib):
    """FINDINGS (real v0.30.1): NOT {path INCLUDES x} finds no gallery: a folder gallery's zip columns
    and a zip gallery's folder column are NULL, and NOT NULL is not true."""
    assert galleries(lib, {"NOT": {"path": {"value": "zips", "modifier": "INCLUDES"}}}) == []


def test_the_path_sort_keys_on_the_file_with_the_lowest_id(make_sim):
    """pkg/sqlite/gallery.go setGallerySort: DISTINCT ids over every file row; SQLite keeps the first
    row of each id (the lowest file id). The copy listed first is the gallery's first file."""
    sim = make_sim(
        {
            "galleries": [
                {"zip": "/lib/m.zip", "copies": ["/lib/a.zip"], "images": ["1.jpg"]},
                {"zip": "/lib/b.zip", "images": ["2.jpg"]},
            ]
        }
    )
    assert galleries(sim) == ["/lib/b.zip", "/lib/m.zip"]
    assert images(sim) == [["/lib/b.zip/2.jpg"], ["/lib/m.zip/1.jpg", "/lib/a.zip/1.jpg"]]


def test_destroying_a_zip_gallery_takes_the_images_of_all_its_zips_delete_go(lib):
    """destroyZipFileImages per zip: the first zip's pass takes the copy's file from each image (it
    has two), the second zip's pass destroys the images (one file left). File rows stay."""
    files_before = lib.store.value("SELECT COUNT(*) FROM files")
    assert lib.gql(
        "mutation($ids: [ID!]!) { galleryDestroy(input: {ids: $ids, delete_file: false}) }",
        {"ids": [gallery_id(lib, COPY)]},
    ) == {"galleryDestroy": True}
    assert images(lib, {"path": {"value": "city", "modifier": "INCLUDES"}}) == []
    assert lib.store.value("SELECT COUNT(*) FROM files") == files_before


def test_destroying_the_zip_a_picture_was_moved_into_keeps_the_picture(lib):
    """DestroyZipImages #5048: an image with more than one file only loses its file in the zip; an
    image that was only in the zip (p3) is destroyed."""
    lib.gql(
        "mutation($ids: [ID!]!) { galleryDestroy(input: {ids: $ids}) }",
        {"ids": [gallery_id(lib, "/lib/zips/Portraits.zip")]},
    )
    assert images(lib, {"path": {"value": "Portraits", "modifier": "INCLUDES"}}) == [
        ["/lib/folders/Portraits/p1.jpg"],
        ["/lib/folders/Portraits/p2.jpg"],
    ]


def test_destroying_a_folder_gallery_with_delete_file_keeps_an_image_with_a_file_elsewhere(make_sim):
    """DestroyFolderImages #5048: the image with a file in a zip loses its folder file, and the zip's
    file becomes primary (RemoveFileID); the image only in the folder is destroyed."""
    sim = make_sim(
        {
            "galleries": [
                {"folder": "/lib/set", "images": ["1.jpg", "2.jpg"]},
                {"zip": "/lib/set.zip", "images": [{"name": "1.jpg", "file_of": "/lib/set/1.jpg"}]},
            ]
        }
    )
    sim.gql(
        "mutation($ids: [ID!]!) { galleryDestroy(input: {ids: $ids, delete_file: true}) }",
        {"ids": [gallery_id(sim, "/lib/set")]},
    )
    assert images(sim) == [["/lib/set.zip/1.jpg"]]


def test_primary_file_id_puts_that_file_first(lib):
    found = lib.gql(
        '{ findImages(image_filter: {path: {value: "Portraits.zip/p2", modifier: INCLUDES}})'
        " { images { id files { id path } } } }"
    )["findImages"]["images"][0]
    lib.gql(
        "mutation($i: ImageUpdateInput!) { imageUpdate(input: $i) { id } }",
        {"i": {"id": found["id"], "primary_file_id": found["files"][1]["id"]}},
    )
    again = lib.gql("query($id: ID) { findImage(id: $id) { files { path } } }", {"id": found["id"]})["findImage"]
    assert [f["path"] for f in again["files"]] == ["/lib/zips/Portraits.zip/p2.jpg", "/lib/folders/Portraits/p2.jpg"]
    gallery = gallery_id(lib, COPY)
    files = lib.gql("query($id: ID!) { findGallery(id: $id) { files { id } } }", {"id": gallery})
    lib.gql(
        "mutation($i: GalleryUpdateInput!) { galleryUpdate(input: $i) { id } }",
        {"i": {"id": gallery, "primary_file_id": files["findGallery"]["files"][1]["id"]}},
    )
    assert galleries(lib, {"path": {"value": "city", "modifier": "INCLUDES"}}) == [CITY]


@pytest.mark.parametrize(
    "library, message",
    [
        ({"galleries": [{"folder": "/a", "copies": ["/b.zip"], "images": ["1.jpg"]}]}, "copies are the paths"),
        (
            {"galleries": [{"zip": "/a.zip", "images": [{"name": "1.jpg", "file_of": "/nowhere/1.jpg"}]}]},
            "file_of '/nowhere/1.jpg' is no image given before it",
        ),
        ({"images": ["/a/1.jpg", {"name": "/b/1.jpg", "file_of": "/a/1.jpg", "md5": "x"}]}, "has the checksum"),
    ],
)
def test_the_description_refuses_second_files_it_cannot_make(library, message):
    with pytest.raises(LibraryError, match=message):
        StashSimulator(library)


def test_on_disk_a_copy_is_the_same_bytes_and_a_second_file_the_same_picture():
    with StashSimulator(LIBRARY, on_disk=True) as sim:
        root = Path(str(sim.library_root))
        assert (root / COPY[1:]).read_bytes() == (root / CITY[1:]).read_bytes()
        with zipfile.ZipFile(root / "lib/zips/Portraits.zip") as moved:
            assert moved.read("p1.jpg") == (root / "lib/folders/Portraits/p1.jpg").read_bytes()
