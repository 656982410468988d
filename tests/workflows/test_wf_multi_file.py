"""Galleries and images with several files (the byte copies Stash's scan merges into one object):
every task reads all of them, and nothing is deleted because its first file is gone while another
is there.

The real Stash v0.30.1 showed it (real-stash/FINDINGS.md): a zip gallery with two zip files whose
first was removed while the second was still on disk was deleted by Clean empty galleries, with its
title, tags and details. The libraries here give a gallery a byte copy (`copies`) and an image a
second file (`file_of`); the files are made for real in a temporary folder.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from wf_support import (
    CHAPTERS,
    CLEAN_EMPTY_APPLY,
    IMPORT_FILE_METADATA,
    LINK_SCENES,
    MERGE_DELETE_APPLY,
    fresh_sim,
    run,
    state,
)


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def touch(path: Path, data: bytes = b"x") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def test_a_gallery_whose_first_zip_is_gone_while_its_copy_is_there_is_not_deleted(tmp_path):
    touch(tmp_path / "old" / "keep.jpg")  # Stash recorded it, it is there: old/'s drive is there
    touch(tmp_path / "new" / "a.zip")  # the byte copy, still on disk
    touch(tmp_path / "new" / "b.zip")
    r = str(tmp_path)
    library = {
        "tags": ["Mine"],
        "images": [f"{r}/old/keep.jpg"],
        "galleries": [
            {"zip": f"{r}/old/a.zip", "copies": [f"{r}/new/a.zip"], "title": "Set A", "tags": ["Mine"]},
            {"zip": f"{r}/old/b.zip", "copies": [f"{r}/new/b.zip"], "title": "Set B"},
        ],
    }
    with fresh_sim(library) as sim:
        out = run(sim, CLEAN_EMPTY_APPLY).output
        galleries = state(sim)["galleries"]
    assert galleries[f"{r}/old/a.zip"]["tags"] == ["Mine"] and galleries[f"{r}/old/b.zip"]["title"] == "Set B"
    assert out["change_count"] == 0


def test_a_duplicate_whose_first_zip_is_gone_while_its_copy_is_there_is_not_deleted(tmp_path):
    touch(tmp_path / "old" / "keep.jpg")
    touch(tmp_path / "copies" / "b.zip")
    for name in ("1.jpg", "2.jpg"):
        touch(tmp_path / "new" / "B" / name)
    r = str(tmp_path)
    images = [{"name": n, "md5": md5("B" + n)} for n in ("1.jpg", "2.jpg")]
    library = {
        "images": [f"{r}/old/keep.jpg"],
        "galleries": [
            {"zip": f"{r}/old/b.zip", "copies": [f"{r}/copies/b.zip"], "title": "Set B", "images": images},
            {"folder": f"{r}/new/B", "images": images},
        ],
    }
    with fresh_sim(library) as sim:
        run(sim, MERGE_DELETE_APPLY)
        galleries = state(sim)["galleries"]
    assert galleries[f"{r}/old/b.zip"]["title"] == "Set B"
    assert galleries[f"{r}/new/B"]["title"] == "Set B"  # merged all the same


def test_link_scenes_matches_through_every_zip_of_a_gallery():
    library = {
        "scenes": [{"title": "The copy's clip", "path": "/lib/Set C copy.mp4"}],
        "galleries": [{"zip": "/lib/Set C.zip", "copies": ["/lib/Set C copy.zip"], "images": ["1.jpg"]}],
    }
    with fresh_sim(library) as sim:
        run(sim, LINK_SCENES, {"dry_run": "false"})
        assert state(sim)["galleries"]["/lib/Set C.zip"]["scenes"] == ["The copy's clip"]


def test_chapters_of_a_zip_follow_its_own_folders_when_its_images_first_files_are_elsewhere():
    """Pictures copied into a zip stay the same images (their loose file first): the zip gallery's
    chapters follow the folders inside the zip, where its images are."""
    library = {
        "galleries": [
            {"folder": "/lib/loose", "images": ["p1.jpg", "p2.jpg", "p3.jpg"]},
            {
                "zip": "/lib/Comic.zip",
                "images": [
                    {"name": "Ch1/1.jpg", "file_of": "/lib/loose/p1.jpg"},
                    {"name": "Ch1/2.jpg", "file_of": "/lib/loose/p2.jpg"},
                    {"name": "Ch2/1.jpg", "file_of": "/lib/loose/p3.jpg"},
                ],
            },
        ]
    }
    with fresh_sim(library) as sim:
        run(sim, CHAPTERS, {"dry_run": "false"})
        galleries = state(sim)["galleries"]
    assert galleries["/lib/Comic.zip"]["chapters"] == [("Ch1", 1), ("Ch2", 3)]
    assert galleries["/lib/loose"]["chapters"] == []


def test_file_metadata_is_read_from_a_copy_when_the_first_zip_is_gone(tmp_path):
    copy = tmp_path / "here" / "d.zip"
    copy.parent.mkdir()
    with zipfile.ZipFile(copy, "w") as archive:
        archive.writestr("ComicInfo.xml", b"<ComicInfo><Title>From the copy</Title></ComicInfo>")
    library = {"galleries": [{"zip": f"{tmp_path}/gone/d.zip", "copies": [str(copy)]}]}
    with fresh_sim(library) as sim:
        run(sim, IMPORT_FILE_METADATA, {"dry_run": "false"})
        assert state(sim)["galleries"][f"{tmp_path}/gone/d.zip"]["title"] == "From the copy"
