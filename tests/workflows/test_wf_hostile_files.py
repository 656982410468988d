"""A file can fail only its own gallery: hostile files on disk, read by Import file metadata and by
Finish new galleries (hookFileMetadata), through the runner.

Each hostile gallery is left unchanged and reported with its reason (skipped or failed), every
other gallery gets its metadata, and the run answers; nothing that is not a regular file (a
named pipe) is ever opened; a DTD is refused by the parser in any encoding; only http(s) URLs.
"""

from __future__ import annotations

import json
import os
import struct
import zipfile
from pathlib import Path

import pytest
from wf_support import FINISH, IMPORT_FILE_METADATA, NEW_GALLERY_TAG, fresh_sim, run, state

TIMEOUT = 60  # seconds: a run that blocks on a pipe is killed instead of hanging the suite


def comic(title: str, extra: str = "", declaration: str = '<?xml version="1.0"?>') -> bytes:
    return f"{declaration}<ComicInfo><Title>{title}</Title>{extra}</ComicInfo>".encode()


def make_zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def corrupt_deflate(path: Path) -> None:
    """ComicInfo.xml deflated, its compressed bytes then overwritten: zlib cannot inflate them."""
    make_zip(path, {"ComicInfo.xml": comic("Never read " * 50)}, zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("ComicInfo.xml")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + 16] = b"\xff" * 16
    path.write_bytes(bytes(data))


def utf8_flagged_name_with_invalid_bytes(path: Path) -> None:
    """A member whose name is flagged UTF-8 (bit 11) but holds bytes that are not UTF-8 (the zip's
    ComicInfo.xml is fine: it is read all the same)."""
    make_zip(path, {"x.jpg": b"image", "ComicInfo.xml": comic(DESPITE)})
    data = bytearray(path.read_bytes())
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        at = data.find(signature)
        while at != -1:
            if data[at + name_at : at + name_at + 5] == b"x.jpg":
                flags = struct.unpack_from("<H", data, at + flag_at)[0] | 0x800
                struct.pack_into("<H", data, at + flag_at, flags)
                data[at + name_at : at + name_at + 5] = b"\xff.jpg"
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def utf16_with_a_dtd() -> bytes:
    text = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE ComicInfo [<!ENTITY t "Expanded entity">]>'
        "<ComicInfo><Title>&t;</Title></ComicInfo>"
    )
    return text.encode("utf-16")


DESPITE = "Read despite a bad name"
HOSTILE = {
    "deflate": ("zip", corrupt_deflate),
    "shift_jis": (
        "zip",
        lambda p: make_zip(
            p, {"ComicInfo.xml": comic("Never read", declaration='<?xml version="1.0" encoding="shift_jis"?>')}
        ),
    ),
    "utf-7": (
        "zip",
        lambda p: make_zip(
            p, {"ComicInfo.xml": comic("Never read", declaration='<?xml version="1.0" encoding="utf-7"?>')}
        ),
    ),
    "unknown encoding": (
        "zip",
        lambda p: make_zip(
            p, {"ComicInfo.xml": comic("Never read", declaration='<?xml version="1.0" encoding="x-no-such-thing"?>')}
        ),
    ),
    "utf-16 dtd": ("zip", lambda p: make_zip(p, {"ComicInfo.xml": utf16_with_a_dtd()})),
    "deep json": (
        "folder",
        lambda p: (
            p.mkdir(parents=True),
            (p / "info.json").write_text('{"title": "Never read", "x": ' + "[" * 1500 + "]" * 1500 + "}"),
        ),
    ),
    "pipe": ("zip", lambda p: (p.parent.mkdir(parents=True, exist_ok=True), os.mkfifo(p))),
    "pipe sidecar": ("folder", lambda p: (p.mkdir(parents=True), os.mkfifo(p / "info.json"))),
}


def hostile_library(root: Path) -> tuple[dict, dict[str, str]]:
    """One gallery per hostile file, a good zip and a good folder, and a zip with a member name that
    is not what it says; returns (library, path by name)."""
    galleries, where = [], {}
    utf8_flagged_name_with_invalid_bytes(root / "odd" / "names.zip")
    galleries.append({"zip": f"{root}/odd/names.zip", "tags": [NEW_GALLERY_TAG]})
    where["utf8 name"] = f"{root}/odd/names.zip"
    for n, (name, (kind, make)) in enumerate(HOSTILE.items()):
        path = root / "h" / (f"{n:02d}.zip" if kind == "zip" else f"{n:02d}")
        make(path)
        galleries.append({kind: str(path), "tags": [NEW_GALLERY_TAG]})
        where[name] = str(path)
    make_zip(
        root / "good" / "a.zip",
        {
            "ComicInfo.xml": comic(
                "Good zip", "<Web>javascript:alert(1) https://example.org/a,b ftp://x.example/c</Web>"
            )
        },
    )
    (root / "good" / "b").mkdir()
    (root / "good" / "b" / "info.json").write_text(
        json.dumps({"title": "Good folder", "url": "javascript://example.org/%0aalert(1)"})
    )
    galleries += [
        {"zip": f"{root}/good/a.zip", "tags": [NEW_GALLERY_TAG]},
        {"folder": f"{root}/good/b", "tags": [NEW_GALLERY_TAG]},
    ]
    where.update({"good zip": f"{root}/good/a.zip", "good folder": f"{root}/good/b"})
    return {"tags": [NEW_GALLERY_TAG], "galleries": galleries}, where


def check(out: dict, galleries: dict, where: dict[str, str]) -> None:
    assert galleries[where["good zip"]]["title"] == "Good zip"
    assert galleries[where["utf8 name"]]["title"] == DESPITE
    assert galleries[where["good zip"]]["urls"] == ["https://example.org/a,b"]  # http(s) only, not split
    assert galleries[where["good folder"]]["title"] == "Good folder"
    assert galleries[where["good folder"]]["urls"] == []
    for name in HOSTILE:
        assert not galleries[where[name]]["title"], name
    assert out["scanned"] == len(HOSTILE) + 3
    assert out["changed"] == 3
    assert sum(out["skipped"].values()) + out["failed_count"] == len(HOSTILE)


def test_hostile_files_each_fail_their_own_gallery_and_the_run_goes_on(tmp_path):
    library, where = hostile_library(tmp_path)
    with fresh_sim(library) as sim:
        result = sim.run_task(IMPORT_FILE_METADATA, {"dry_run": "false"}, timeout=TIMEOUT)
        assert result.error != "signal: killed", "the run blocked (a pipe opened?)"
        assert isinstance(result.output, dict), result.stdout
        check(result.output, state(sim)["galleries"], where)
    reasons = " ".join([*result.output["skipped"], *(f["error"] for f in result.output["failed"])])
    assert "DTD" in reasons and "not a regular file" in reasons


def test_finish_new_galleries_with_file_metadata_survives_every_hostile_file(tmp_path):
    library, where = hostile_library(tmp_path)
    with fresh_sim(library, settings={"hookFileMetadata": True}) as sim:
        result = sim.run_task(FINISH, timeout=TIMEOUT)
        assert result.error != "signal: killed", "the run blocked (a pipe opened?)"
        assert isinstance(result.output, dict), result.stdout
        galleries = state(sim)["galleries"]
        from_files = result.output["import_file_metadata"]
    assert galleries[where["good zip"]]["title"] == "Good zip"
    assert galleries[where["good folder"]]["title"] == "Good folder"
    assert galleries[where["utf8 name"]]["title"] == DESPITE
    assert from_files["changed"] == 3
    # every hostile one is reported with its reason, and the others are finished (unmarked)
    assert sum(from_files["skipped"].values()) + from_files["failed_count"] == len(HOSTILE)
    assert NEW_GALLERY_TAG not in galleries[where["good zip"]]["tags"]


@pytest.mark.parametrize("members", [0, 3000])
def test_a_zip_s_comic_info_is_found_among_many_members(tmp_path, members):
    """The zip's directory is read entry by entry (memory flat in the member count: bench/)."""
    zip_path = tmp_path / "big.zip"
    make_zip(zip_path, {**{f"p/{n:05d}.jpg": b"" for n in range(members)}, "comicinfo.XML": comic("Found")})
    with fresh_sim({"galleries": [{"zip": str(zip_path)}]}) as sim:
        run(sim, IMPORT_FILE_METADATA, {"dry_run": "false"})
        assert state(sim)["galleries"][str(zip_path)]["title"] == "Found"
