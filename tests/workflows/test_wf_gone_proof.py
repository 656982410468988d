"""A zip or folder counts as gone only with proof that the drive it was on is there.

Made for real in a temporary folder: the mount point of a drive that is not mounted is an
empty folder (so "the folder that held it is still there" proves nothing), and a zip or
folder reached through a link into an unplugged drive is a link whose target is missing
(os.stat follows it and says "no such file"). Both must be left alone and reported by the
two tasks that delete; a zip that is really gone from a folder whose other recorded files
are still there is deleted as before.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from wf_support import CLEAN_EMPTY_APPLY, MERGE_DELETE_APPLY, fresh_sim, run, state


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")


def images(prefix: str, names: list[str], **extra: object) -> list[dict]:
    return [{"name": n, "md5": md5(prefix + n), **extra} for n in names]


def set_a_kept_in(root: Path) -> dict:
    """The kept copy of set A: a folder on disk (its images on disk too)."""
    for name in ("1.jpg", "2.jpg"):
        touch(root / "new" / "Set A" / name)
    return {"folder": f"{root}/new/Set A", "images": images("A", ["1.jpg", "2.jpg"])}


def left_alone(out: dict) -> bool:
    """The run reported a gallery left alone because the disk could not prove it gone."""
    return any("left alone" in reason or "cannot be told" in reason for reason in out["skipped"])


# -- an unmounted drive: its mount point is an empty folder ----------------------------------------
def test_merge_keeps_a_duplicate_at_the_root_of_a_drive_that_is_not_mounted(tmp_path):
    (tmp_path / "mnt" / "usb").mkdir(parents=True)  # the mount point, drive not mounted: empty
    r = str(tmp_path)
    library = {
        "tags": ["Mine"],
        "galleries": [
            {
                "zip": f"{r}/mnt/usb/a.zip",
                "title": "Set A",
                "details": "my words",
                "images": images("A", ["1.jpg", "2.jpg"], tags=["Mine"]),
            },
            set_a_kept_in(tmp_path),
        ],
    }
    with fresh_sim(library) as sim:
        out = run(sim, MERGE_DELETE_APPLY).output
        after = state(sim)
    assert f"{r}/mnt/usb/a.zip" in after["galleries"]
    assert after["images"][f"{r}/mnt/usb/a.zip/1.jpg"]["tags"] == ["Mine"]
    assert after["galleries"][f"{r}/new/Set A"]["title"] == "Set A"  # merged all the same
    assert left_alone(out)


def test_clean_empty_keeps_a_folder_gallery_directly_under_a_share_that_is_not_mounted(tmp_path):
    (tmp_path / "mnt" / "share").mkdir(parents=True)
    r = str(tmp_path)
    library = {"galleries": [{"folder": f"{r}/mnt/share/Old"}, {"title": "Empty by hand"}]}
    with fresh_sim(library) as sim:
        out = run(sim, CLEAN_EMPTY_APPLY).output
        after = state(sim)
    assert set(after["galleries"]) == {f"{r}/mnt/share/Old"}  # the hand-made one went, as before
    assert left_alone(out)


def test_a_zip_gone_from_a_folder_whose_other_recorded_files_are_there_is_deleted(tmp_path):
    """The proof: Stash recorded other files in that folder and they are still on disk."""
    touch(tmp_path / "old" / "keep.jpg")
    r = str(tmp_path)
    library = {
        "galleries": [
            {"zip": f"{r}/old/a.zip", "title": "Set A", "images": images("A", ["1.jpg", "2.jpg"])},
            set_a_kept_in(tmp_path),
            {"folder": f"{r}/old/Gone"},
        ],  # an empty folder gallery whose folder is gone too
        "images": [f"{r}/old/keep.jpg"],
    }
    with fresh_sim(library) as sim:
        merged = run(sim, MERGE_DELETE_APPLY).output
        cleaned = run(sim, CLEAN_EMPTY_APPLY).output
        after = state(sim)
    assert set(after["galleries"]) == {f"{r}/new/Set A"}
    assert merged["failed_count"] == cleaned["failed_count"] == 0


def test_a_zip_gone_from_the_root_of_a_mounted_drive_is_deleted(tmp_path):
    """A folder that is a mount point right now is a drive that is there (its zip is really gone)."""
    mount = next((p for p in ("/dev/shm", "/proc", "/sys", "/dev") if os.path.ismount(p)), None)
    assert mount is not None, "no mount point on this machine to test with"
    library = {"galleries": [{"folder": f"{mount}/gallery-tools-test-{os.getpid()}-never-there"}]}
    with fresh_sim(library) as sim:
        out = run(sim, CLEAN_EMPTY_APPLY).output
        assert state(sim)["galleries"] == {}
    assert out["changed"] == 1


# -- a link into an unplugged drive ------------------------------------------------------------------
def test_clean_empty_keeps_galleries_reached_through_a_link_whose_target_is_missing(tmp_path):
    lib = tmp_path / "lib"
    touch(lib / "other.jpg")  # Stash recorded it, and it is on disk: the folder's drive is there
    (lib / "link.zip").symlink_to(tmp_path / "usb" / "a.zip")  # the drive usb is unplugged
    (lib / "linked").symlink_to(tmp_path / "usb" / "set", target_is_directory=True)
    r = str(tmp_path)
    library = {
        "tags": ["Mine"],
        "images": [f"{r}/lib/other.jpg"],
        "galleries": [
            {"zip": f"{r}/lib/link.zip", "title": "Linked zip", "tags": ["Mine"]},
            {"folder": f"{r}/lib/linked", "title": "Linked folder"},
        ],
    }
    with fresh_sim(library) as sim:
        before = state(sim)
        out = run(sim, CLEAN_EMPTY_APPLY).output
        after = state(sim)
    assert after == before
    assert left_alone(out)


def test_merge_keeps_a_duplicate_reached_through_a_link_whose_target_is_missing(tmp_path):
    lib = tmp_path / "lib"
    touch(lib / "other.jpg")
    (lib / "a.zip").symlink_to(tmp_path / "usb" / "a.zip")
    r = str(tmp_path)
    library = {
        "tags": ["Mine"],
        "images": [f"{r}/lib/other.jpg"],
        "galleries": [
            {"zip": f"{r}/lib/a.zip", "images": images("A", ["1.jpg", "2.jpg"], tags=["Mine"])},
            set_a_kept_in(tmp_path),
        ],
    }
    with fresh_sim(library) as sim:
        out = run(sim, MERGE_DELETE_APPLY).output
        after = state(sim)
    assert f"{r}/lib/a.zip" in after["galleries"]
    assert after["images"][f"{r}/lib/a.zip/2.jpg"]["tags"] == ["Mine"]
    assert left_alone(out)
