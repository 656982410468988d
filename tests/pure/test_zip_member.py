"""common/zip_member.py: one member of a zip, found entry by entry and read within a bound."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from gallery_ops.common import zip_member

COMIC = b"<ComicInfo><Title>Found</Title></ComicInfo>"


def wanted(name: str) -> bool:
    return name.lower() == "comicinfo.xml"


def read_comic(path: Path, max_bytes: int = 1 << 20, max_entries: int = 1_000_000) -> bytes | None:
    size = path.stat().st_size
    with path.open("rb") as handle:
        member = zip_member.find(handle, size, wanted, max_entries)
        return None if member is None else zip_member.read(handle, size, member, max_bytes)


def test_a_member_is_found_stored_or_deflated(tmp_path: Path) -> None:
    for compression in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        path = tmp_path / f"{compression}.zip"
        with zipfile.ZipFile(path, "w", compression) as archive:
            archive.writestr("a/1.jpg", b"x" * 100)
            archive.writestr("COMICINFO.xml", COMIC)
        assert read_comic(path) == COMIC
    empty = tmp_path / "none.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("1.jpg", b"x")
    assert read_comic(empty) is None


def test_a_zip64_directory_is_read(tmp_path: Path) -> None:
    """More than 65,535 members: Python writes the zip64 end records."""
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for n in range(70_000):
            archive.writestr(f"{n:05d}.jpg", b"")
        archive.writestr("ComicInfo.xml", COMIC)
    assert b"PK\x06\x06" in path.read_bytes()[-200:]
    assert read_comic(path) == COMIC
    with pytest.raises(zip_member.ZipMemberError, match="more than 1000 members"):
        read_comic(path, max_entries=1000)


def test_a_member_bigger_than_the_bound_is_never_inflated_whole(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ComicInfo.xml", b"<a>" + b" " * (20 << 20) + b"</a>")
    assert path.stat().st_size < 100_000
    with pytest.raises(zip_member.ZipMemberError, match="more than"):
        read_comic(path, max_bytes=1 << 20)


def test_damage_is_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "crc.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ComicInfo.xml", COMIC)
    data = bytearray(path.read_bytes())
    at = data.find(b"Found")
    data[at] = ord("f")  # the stored bytes no longer match the directory's CRC
    path.write_bytes(bytes(data))
    with pytest.raises(zip_member.ZipMemberError, match="damaged"):
        read_comic(path)
    (tmp_path / "not.zip").write_bytes(b"not a zip at all")
    with pytest.raises(zip_member.ZipMemberError, match="not a zip"):
        read_comic(tmp_path / "not.zip")
