"""The simulator's scanner (metadataScan) over real files: each rule with the Stash file it follows.

Stash v0.30.1: pkg/file/walk.go (the walk's byte order), pkg/file/scan.go (folders, files, zips,
moves, rescans), pkg/image/scan.go and pkg/gallery/scan.go (galleries from folders and zips,
merging by fingerprint), pkg/scene/scan.go (scenes), pkg/file/image/scan.go (formats, sizes),
internal/manager/fingerprint.go (md5, oshash), internal/manager/task_scan.go (the scan filter,
the handlers, handlerRequiredFilter), internal/api/resolver_mutation_configure.go,
internal/manager/manager_tasks.go (metadataScan).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from stash_sim import StashSimulator
from stash_sim.scanned import FIXED_MTIME, picture

HOOK_PROBE = Path(__file__).parent / "plugins" / "hook_probe"
FIND_G = (
    '{ findGalleries(filter: {per_page: -1, sort: "id"}) { galleries { id title image_count'
    " files { path } folder { path } scenes { id } } } }"
)
FIND_I = (
    '{ findImages(filter: {per_page: -1, sort: "id"}) { images { id galleries { id }'
    " files { path basename size width height format fingerprints { type value }"
    " zip_file { path } parent_folder { path } } } } }"
)


class Disk:
    """A library folder for one test: real pictures, zips, other files; fixed modification times."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, rel: str) -> str:
        return str(self.root / rel)

    def picture(self, rel: str, width: int = 64, height: int = 48, same_as: str | None = None) -> bytes:
        data = (self.root / same_as).read_bytes() if same_as else picture(rel, width, height, rel.rsplit(".", 1)[-1])
        self.put(rel, data)
        return data

    def put(self, rel: str, data: bytes, mtime: int = FIXED_MTIME) -> None:
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        os.utime(target, (mtime, mtime))

    def zip(self, rel: str, members: dict[str, bytes]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            for name, data in members.items():
                archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
        self.put(rel, out.getvalue())
        return out.getvalue()


@pytest.fixture
def disk(tmp_path: Path) -> Disk:
    return Disk(tmp_path / "library")


@pytest.fixture
def scanner(disk: Disk) -> Iterator[StashSimulator]:
    """An empty simulator whose one stash path is the test's library folder (created)."""
    disk.root.mkdir()
    with StashSimulator(library={}) as sim:
        sim.gql(
            "mutation($i: ConfigGeneralInput!) { configureGeneral(input: $i) { stashes { path } } }",
            {"i": {"stashes": [{"path": str(disk.root), "excludeVideo": False, "excludeImage": False}]}},
        )
        yield sim


def scan(sim: StashSimulator, *paths: str, **kwargs: Any) -> None:
    job = sim.metadata_scan(list(paths) or None, **kwargs)
    assert job.status == "FINISHED" and job.error is None, job.error


def rel(disk: Disk, value: Any) -> Any:
    """Paths without the library root, for readable expectations."""
    if isinstance(value, str):
        return value.replace(str(disk.root) + "/", "").replace(str(disk.root), ".")
    if isinstance(value, list):
        return [rel(disk, v) for v in value]
    if isinstance(value, dict):
        return {k: rel(disk, v) for k, v in value.items()}
    return value


def galleries(sim: StashSimulator, disk: Disk) -> list[str]:
    """Every gallery, in id order, by its primary file's or folder's path."""
    out = []
    for g in sim.gql(FIND_G)["findGalleries"]["galleries"]:
        out.append(rel(disk, g["files"][0]["path"] if g["files"] else (g["folder"] or {}).get("path", g["title"])))
    return out


def images(sim: StashSimulator, disk: Disk) -> list[list[str]]:
    return [rel(disk, [f["path"] for f in i["files"]]) for i in sim.gql(FIND_I)["findImages"]["images"]]


# -- the walk ----------------------------------------------------------------------------------
def test_ids_follow_the_walk_in_byte_order_walk_go(scanner: StashSimulator, disk: Disk) -> None:
    """readDir sorts names as Go compares strings (bytes): Day 1 < Day 10 < Day 2, upper case
    before lower case, Ü after z; a directory's files come before the next directory's."""
    for folder in ("b/Day 2", "b/Day 10", "b/Day 1", "B", "a", "Ü", "z"):
        disk.picture(f"{folder}/1.jpg")
    disk.zip("b/Day 1.zip", {"x.jpg": picture("zip x", 30, 20, "jpg")})
    scan(scanner)
    assert galleries(scanner, disk) == ["B", "a", "b/Day 1", "b/Day 1.zip", "b/Day 10", "b/Day 2", "z", "Ü"]
    created = scanner.gql('{ findGalleries(filter: {per_page: -1, sort: "created_at"}) { galleries { id } } }')
    assert [g["id"] for g in created["findGalleries"]["galleries"]] == [str(i) for i in range(1, 9)]


def test_every_directory_is_a_folder_and_a_zip_with_its_inner_folders_too_scan_go(
    scanner: StashSimulator, disk: Disk
) -> None:
    (disk.root / "empty" / "deeper").mkdir(parents=True)
    disk.zip("set.zip", {"Day 1/a.jpg": picture("a", 20, 10, "jpg"), "b.jpg": picture("b", 20, 10, "jpg")})
    scan(scanner)
    rows = scanner.store.all("SELECT path, zip_file_id IS NOT NULL AS in_zip FROM folders ORDER BY path")
    assert [(rel(disk, r["path"]), r["in_zip"]) for r in rows] == [
        (".", 0),
        ("empty", 0),
        ("empty/deeper", 0),
        ("set.zip", 1),
        ("set.zip/Day 1", 1),
    ]
    found = scanner.gql(
        "query($p: String) { findFolder(path: $p) { path zip_file { path } } }", {"p": disk.path("set.zip/Day 1")}
    )
    assert rel(disk, found) == {"findFolder": {"path": "set.zip/Day 1", "zip_file": {"path": "set.zip"}}}


def test_zip_members_their_paths_sizes_and_formats_image_scan_go(scanner: StashSimulator, disk: Disk) -> None:
    """A JPEG on disk is probed by ffprobe (`mjpeg`), one inside a zip decoded by Go (`jpeg`);
    sizes are the files' own; the md5 is of the bytes (fingerprint.go)."""
    on_disk = disk.picture("folder/p.jpg", 40, 30)
    png = disk.picture("folder/q.png", 12, 34)
    member = picture("member", 50, 20, "jpg")
    disk.zip("z.zip", {"inner/m.jpg": member})
    scan(scanner)
    files = {rel(disk, f["path"]): f for i in scanner.gql(FIND_I)["findImages"]["images"] for f in i["files"]}
    assert rel(disk, files["folder/p.jpg"]) == {
        "path": "folder/p.jpg",
        "basename": "p.jpg",
        "size": len(on_disk),
        "width": 40,
        "height": 30,
        "format": "mjpeg",
        "fingerprints": [{"type": "md5", "value": hashlib.md5(on_disk).hexdigest()}],
        "zip_file": None,
        "parent_folder": {"path": "folder"},
    }
    assert (files["folder/q.png"]["format"], files["folder/q.png"]["size"]) == ("png", len(png))
    assert rel(disk, files["z.zip/inner/m.jpg"]) == {
        "path": "z.zip/inner/m.jpg",
        "basename": "m.jpg",
        "size": len(member),
        "width": 50,
        "height": 20,
        "format": "jpeg",
        "fingerprints": [{"type": "md5", "value": hashlib.md5(member).hexdigest()}],
        "zip_file": {"path": "z.zip"},
        "parent_folder": {"path": "z.zip/inner"},
    }


def test_an_exif_orientation_on_its_side_swaps_width_and_height_orientation_go(
    scanner: StashSimulator, disk: Disk
) -> None:
    from PIL import Image

    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees
    Image.new("RGB", (80, 20), (10, 20, 30)).save(out, "JPEG", exif=exif.tobytes())
    disk.put("turned.jpg", out.getvalue())
    scan(scanner)
    (image,) = scanner.gql(FIND_I)["findImages"]["images"]
    assert (image["files"][0]["width"], image["files"][0]["height"]) == (20, 80)


def test_only_images_videos_and_zips_in_a_stash_path_are_recorded_task_scan_go(
    scanner: StashSimulator, disk: Disk, tmp_path: Path
) -> None:
    disk.picture("a/1.jpg")
    disk.put("a/notes.json", b"{}")
    disk.put("a/empty.jpg", b"")  # zero-length: skipped
    disk.put("a/ComicInfo.xml", b"<x/>")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "o.jpg").write_bytes(picture("o", 10, 10, "jpg"))
    scan(scanner)
    scan(scanner, str(outside))  # not in a stash path: left out with a warning (getScanPaths)
    assert images(scanner, disk) == [["a/1.jpg"]]
    assert scanner.store.column("SELECT basename FROM files") == ["1.jpg"]
    assert f"{outside} is not in the configured stash paths" in scanner.log_messages("warning")
    assert "Skipping zero-length file: " + disk.path("a/empty.jpg") in scanner.log_messages("info")


# -- galleries ---------------------------------------------------------------------------------
def test_nogallery_and_forcegallery_and_the_setting_image_scan_go(scanner: StashSimulator, disk: Disk) -> None:
    disk.picture("plain/1.jpg")
    disk.picture("exempt/1.jpg")
    disk.put("exempt/.nogallery", b"")
    scan(scanner)
    assert galleries(scanner, disk) == ["plain"]
    scanner.config.create_galleries_from_folders = False
    disk.picture("off/1.jpg")
    disk.picture("forced/1.jpg")
    disk.put("forced/.forcegallery", b"")
    scan(scanner)
    assert galleries(scanner, disk) == ["plain", "forced"]
    assert [len(g) for g in images(scanner, disk)] == [1, 1, 1, 1]


def test_a_zip_makes_a_gallery_only_with_its_first_image_gallery_scan_go(scanner: StashSimulator, disk: Disk) -> None:
    disk.zip("empty.zip", {"readme.txt": b"no pictures"})
    disk.zip("full.zip", {"1.jpg": picture("1", 10, 10, "jpg")})
    scanner.config.create_galleries_from_folders = False
    scan(scanner)
    assert galleries(scanner, disk) == ["full.zip"]
    assert scanner.store.value("SELECT COUNT(*) FROM files WHERE basename = 'empty.zip'") == 1


# -- one object, several files -------------------------------------------------------------------
def test_a_byte_copy_of_a_zip_is_the_first_zips_gallery_and_images_gallery_scan_go(
    scanner: StashSimulator, disk: Disk
) -> None:
    """The zip walked first keeps the gallery; the copy becomes its second file and the copy's
    members the second files of its images (associateExisting: AddFileID)."""
    zipped = disk.zip("zips/city.zip", {"a.jpg": picture("a", 20, 10, "jpg"), "b.jpg": picture("b", 20, 10, "jpg")})
    disk.put("dupes/city (copy).zip", zipped)
    scan(scanner)
    (gallery,) = scanner.gql(FIND_G)["findGalleries"]["galleries"]
    assert rel(disk, [f["path"] for f in gallery["files"]]) == ["dupes/city (copy).zip", "zips/city.zip"]
    assert gallery["image_count"] == 2
    assert images(scanner, disk) == [
        ["dupes/city (copy).zip/a.jpg", "zips/city.zip/a.jpg"],
        ["dupes/city (copy).zip/b.jpg", "zips/city.zip/b.jpg"],
    ]
    assert f"Adding {disk.path('zips/city.zip')} to gallery {disk.path('dupes/city (copy).zip')}" in (
        scanner.log_messages("info")
    )


def test_pictures_moved_into_a_zip_stay_the_same_images_in_both_galleries_image_scan_go(
    scanner: StashSimulator, disk: Disk
) -> None:
    first = disk.picture("folders/Set/1.jpg", 30, 20)
    disk.zip("zips/Set.zip", {"1.jpg": first, "2.jpg": picture("new", 30, 20, "jpg")})
    scan(scanner)
    assert galleries(scanner, disk) == ["folders/Set", "zips/Set.zip"]
    data = scanner.gql(FIND_I)["findImages"]["images"]
    assert [rel(disk, [f["path"] for f in i["files"]]) for i in data] == [
        ["folders/Set/1.jpg", "zips/Set.zip/1.jpg"],
        ["zips/Set.zip/2.jpg"],
    ]
    assert [sorted(g["id"] for g in i["galleries"]) for i in data] == [["1", "2"], ["2"]]


def test_a_video_is_a_scene_with_its_oshash_and_a_zip_found_again_links_it_scene_scan_go(
    scanner: StashSimulator, disk: Disk
) -> None:
    """A new zip has no gallery when its own handler runs, so its scene is linked only when the
    zip joins a gallery that exists (here: the byte copy walked after it; associateScene)."""
    from stash_sim.scanned import video

    video(disk.root / "zips" / "walk.mp4", 1)
    zipped = disk.zip("zips/walk.zip", {"a.jpg": picture("w", 20, 10, "jpg")})
    scan(scanner)
    assert scanner.gql(FIND_G)["findGalleries"]["galleries"][0]["scenes"] == []
    data = (disk.root / "zips" / "walk.mp4").read_bytes()
    scene = scanner.gql(
        "{ findScenes { scenes { files { format video_codec width height duration fingerprints { type } } } } }"
    )
    (files,) = [s["files"] for s in scene["findScenes"]["scenes"]]
    assert files == [
        {
            "format": "mp4",
            "video_codec": "mpeg4",
            "width": 176,
            "height": 120,
            "duration": 2.0,
            "fingerprints": [{"type": "oshash"}],
        }
    ]
    assert len(data) > 0
    disk.put("zips/walk.zip", zipped, mtime=FIXED_MTIME + 60)  # the zip changed: handled again
    scan(scanner)
    assert len(scanner.gql(FIND_G)["findGalleries"]["galleries"][0]["scenes"]) == 1


# -- rescans -----------------------------------------------------------------------------------------
def test_a_rescan_records_only_what_is_new_and_a_moved_picture_keeps_its_image_scan_go(
    scanner: StashSimulator, disk: Disk
) -> None:
    disk.picture("set/1.jpg")
    disk.picture("set/2.jpg")
    scan(scanner)
    before = scanner.store.value("SELECT COUNT(*) FROM files"), scanner.gql(FIND_I)
    scan(scanner)
    assert (scanner.store.value("SELECT COUNT(*) FROM files"), scanner.gql(FIND_I)) == before
    image_id = scanner.gql(FIND_I)["findImages"]["images"][1]["id"]
    (disk.root / "moved").mkdir()
    shutil.move(disk.path("set/2.jpg"), disk.path("moved/2.jpg"))
    disk.picture("set/3.jpg")
    scan(scanner)
    found = {i["id"]: rel(disk, [f["path"] for f in i["files"]]) for i in scanner.gql(FIND_I)["findImages"]["images"]}
    assert found[image_id] == ["moved/2.jpg"]  # handleRename: the file row takes the new path
    assert sorted(found.values()) == [["moved/2.jpg"], ["set/1.jpg"], ["set/3.jpg"]]
    assert galleries(scanner, disk) == ["set", "moved"]


def test_a_first_image_scanned_again_makes_its_missing_folder_gallery_handler_required_filter(
    scanner: StashSimulator, disk: Disk
) -> None:
    scanner.config.create_galleries_from_folders = False
    disk.picture("set/1.jpg")
    disk.picture("set/2.jpg")
    scan(scanner)
    assert galleries(scanner, disk) == []
    scanner.config.create_galleries_from_folders = True
    scan(scanner)
    (gallery,) = scanner.gql(FIND_G)["findGalleries"]["galleries"]
    assert gallery["image_count"] == 2  # associateFolderImages adds the folder's other images


# -- hooks and the job -----------------------------------------------------------------------------
@pytest.fixture
def hook_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "probe.jsonl"
    monkeypatch.setenv("HOOK_PROBE_LOG", str(log))
    monkeypatch.setenv(
        "HOOK_PROBE_CONFIG",
        json.dumps(
            {
                "observe": {"Gallery.Create.Post": "query($id: ID!) { findGallery(id: $id) { image_count } }"},
                "act": None,
            }
        ),
    )
    return log


def test_the_scan_fires_gallery_create_post_with_the_first_image_only_image_scan_go(
    scanner: StashSimulator, disk: Disk, hook_log: Path
) -> None:
    for name in ("1.jpg", "2.jpg", "3.jpg"):
        disk.picture(f"set/{name}")
    disk.zip("set.zip", {"a/1.jpg": picture("z1", 9, 9, "jpg"), "b/2.jpg": picture("z2", 9, 9, "jpg")})
    scanner.install_plugin(HOOK_PROBE, "hook_probe")
    scan(scanner)
    records = [json.loads(line) for line in hook_log.read_text().splitlines()]
    assert [r["hookContext"]["type"] for r in records] == [
        "Gallery.Create.Post",
        "Image.Create.Post",
        "Image.Create.Post",
        "Image.Create.Post",
        "Gallery.Create.Post",
        "Image.Create.Post",
        "Image.Create.Post",
    ]
    creates = [r for r in records if r["hookContext"]["type"] == "Gallery.Create.Post"]
    assert [r["hookContext"] for r in creates] == [
        {"id": 1, "type": "Gallery.Create.Post", "input": None},  # no inputFields
        {"id": 2, "type": "Gallery.Create.Post", "input": None},
    ]
    assert [r["observed"]["data"]["findGallery"]["image_count"] for r in creates] == [1, 1]


def test_metadata_scan_is_a_job_and_a_task_queued_during_it_runs_after_it_manager_tasks_go(
    scanner: StashSimulator, disk: Disk
) -> None:
    for index in range(3):
        disk.picture(f"set/{index}.jpg")
    answer = scanner.gql_raw(
        "mutation($input: ScanMetadataInput!) { metadataScan(input: $input) }", {"input": {"paths": []}}
    )
    job_id = answer["data"]["metadataScan"]
    scanner.jobs.wait_idle()
    job = scanner.gql("query($id: ID!) { findJob(input: {id: $id}) { status description progress } }", {"id": job_id})
    assert job == {"findJob": {"status": "FINISHED", "description": "Scanning...", "progress": 1.0}}
    assert len(images(scanner, disk)) == 3


@pytest.mark.parametrize(
    ("given", "message"),
    [
        pytest.param(
            {"stashes": [{"path": "/no/such/folder", "excludeVideo": False, "excludeImage": False}]},
            "file does not exist",
            id="missing_stash_path",
        ),
        pytest.param(
            {"galleryCoverRegex": "("},
            "Gallery cover regex '(' invalid, 'error parsing regexp: missing closing ): `(`'",
            id="bad_cover_regex",
        ),
        pytest.param({"parallelTasks": 4}, "the Stash simulator does not model parallel scans", id="parallel_scan"),
        pytest.param(
            {"excludes": ["x"]}, "the Stash simulator does not model configureGeneral's excludes", id="excludes"
        ),
    ],
)
def test_configure_general_refuses_what_stash_refuses_configure_go(
    scanner: StashSimulator, given: dict[str, Any], message: str
) -> None:
    body = scanner.gql_raw(
        "mutation($i: ConfigGeneralInput!) { configureGeneral(input: $i) { stashes { path } } }", {"i": given}
    )
    assert body["errors"][0]["message"].startswith(message)
    assert body["errors"][0]["path"] == ["configureGeneral"]


def test_a_fresh_stash_is_in_setup_until_setup_names_its_library_manager_go(tmp_path: Path) -> None:
    with StashSimulator(library={}, needs_setup=True) as sim:
        assert sim.gql("{ systemStatus { status } }") == {"systemStatus": {"status": "SETUP"}}
        assert sim.gql(
            "mutation($i: SetupInput!) { setup(input: $i) }",
            {
                "i": {
                    "configLocation": "",
                    "stashes": [{"path": str(tmp_path), "excludeVideo": False, "excludeImage": True}],
                    "databaseFile": "",
                    "generatedLocation": "",
                    "cacheLocation": "",
                    "storeBlobsInDatabase": True,
                    "blobsLocation": "",
                }
            },
        ) == {"setup": True}
        assert sim.gql("{ systemStatus { status } configuration { general { stashes { path excludeImage } } } }") == {
            "systemStatus": {"status": "OK"},
            "configuration": {"general": {"stashes": [{"path": str(tmp_path), "excludeImage": True}]}},
        }


def test_metadata_scan_without_ffmpeg_is_refused_manager_tasks_go(
    scanner: StashSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "")
    body = scanner.gql_raw("mutation { metadataScan(input: {}) }")
    assert body["errors"] == [{"message": "missing ffmpeg and/or ffprobe", "path": ["metadataScan"]}]


def test_the_scanned_sample_library_is_the_described_one_made_real(sim: StashSimulator) -> None:
    """scanned.py: every gallery and image of sample.yml, by path, with what a person set; the
    Portraits set moved into a zip is one image per picture (pkg/image/scan.go)."""
    query = (
        '{ findGalleries(filter: {per_page: -1, sort: "path"}) { galleries { title image_count files { path }'
        " folder { path } tags { name } chapters { title } cover { id } } }"
        " findImages(filter: {per_page: 0}) { count }"
        ' findScenes(filter: {per_page: -1, sort: "title"}) { scenes { title } } }'
    )
    with StashSimulator(scanned=True) as scanned:
        root = scanned.library_root
        got = json.loads(json.dumps(scanned.gql(query)).replace(str(root), ""))
        assert os.path.isfile(f"{root}/library/photos/Portraits/.forcegallery")
    want = sim.gql(query)

    def strip(data: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in g.items() if k not in ("cover", "image_count")}
            for g in data["findGalleries"]["galleries"]
        ]

    assert strip(got) == strip(want)
    assert got["findScenes"] == want["findScenes"]
    assert want["findImages"]["count"] - got["findImages"]["count"] == 3  # Portraits.zip's pictures
    counts = {
        (g["folder"] or {}).get("path") or (g["files"] or [{}])[0].get("path"): g["image_count"]
        for g in got["findGalleries"]["galleries"]
    }
    assert counts["/library/zips/Portraits.zip"] == 3 and counts["/library/photos/Portraits"] == 3


def test_a_linked_folder_is_walked_under_the_links_path_walk_go(
    scanner: StashSimulator, disk: Disk, tmp_path: Path
) -> None:
    """walkSym follows a symbolic link to a directory and reports what is inside under the link's path."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "1.jpg").write_bytes(picture("linked", 12, 12, "jpg"))
    disk.root.joinpath("linked").symlink_to(elsewhere, target_is_directory=True)
    scan(scanner)
    assert images(scanner, disk) == [["linked/1.jpg"]]
    assert galleries(scanner, disk) == ["linked"]


def test_a_rescan_runs_every_files_handlers_again_and_makes_nothing_new_scan_go(
    scanner: StashSimulator, disk: Disk, hook_log: Path
) -> None:
    """rescan: onExistingFile for every file, its handlers with the old file: Image.Update.Post,
    Gallery.Update.Post for a zip (associateExisting with updateExisting)."""
    disk.picture("set/1.jpg")
    disk.zip("z.zip", {"a.jpg": picture("za", 9, 9, "jpg")})
    scan(scanner)
    before = scanner.gql(FIND_I), scanner.gql(FIND_G)
    scanner.install_plugin(HOOK_PROBE, "hook_probe")
    scan(scanner, rescan=True)
    assert (scanner.gql(FIND_I), scanner.gql(FIND_G)) == before
    records = [json.loads(line)["hookContext"] for line in hook_log.read_text().splitlines()]
    assert [(r["type"], r["id"]) for r in records] == [
        ("Image.Update.Post", 1),
        ("Gallery.Update.Post", 2),
        ("Image.Update.Post", 2),
    ]
