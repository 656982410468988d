"""One member of a zip, found and read with memory flat in the zip's member count.

Python's zipfile.ZipFile reads the whole central directory into a ZipInfo per member (about
half a kilobyte each: 200,000 members take a hundred megabytes) and decodes every name strictly
(a name flagged UTF-8 that is not raises). This reader walks the central directory entry by
entry, keeps only the entry asked for, decodes names leniently, and reads that one member:
stored or deflated, its size bounded before anything is inflated (a zip bomb stops at the
bound), its CRC checked. Zip64 directories are read too. Every problem is a ZipMemberError
with the reason. Standard library only.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

from .plain import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

END = b"PK\x05\x06"
END64 = b"PK\x06\x06"
END64_LOCATOR = b"PK\x06\x07"
ENTRY = b"PK\x01\x02"
LOCAL = b"PK\x03\x04"
END_SIZE = 22
MAX_COMMENT = 0xFFFF
STORED, DEFLATED = 0, 8
UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
ZIP64_EXTRA = 0x0001
READ_CHUNK = 1 << 16


class ZipMemberError(ValueError):
    """Why a zip's member could not be found or read (the message is the reason)."""


@dataclass(frozen=True)
class Member:
    """A central directory entry: what is needed to read the member."""

    name: str
    method: int
    flags: int
    crc: int
    compressed_size: int
    size: int
    offset: int  # of its local header


def _unpack(fmt: str, data: bytes, at: int = 0) -> tuple[int, ...]:
    try:
        return struct.unpack_from(fmt, data, at)
    except struct.error:
        raise ZipMemberError("the zip's directory is cut short") from None


def _directory(handle: BinaryIO, file_size: int) -> tuple[int, int, int]:
    """(entries, directory size, directory offset) from the end records (zip64 when needed)."""
    tail_size = min(file_size, END_SIZE + MAX_COMMENT)
    handle.seek(file_size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(END)
    if at < 0:
        raise ZipMemberError("it is not a zip (no end of central directory)")
    _, _, _, entries, size, offset, _ = _unpack("<HHHHIIH", tail, at + 4)
    if entries == 0xFFFF or size == 0xFFFFFFFF or offset == 0xFFFFFFFF:
        locator = tail.rfind(END64_LOCATOR, 0, at)
        if locator < 0:
            raise ZipMemberError("its zip64 directory cannot be found")
        (end64_offset,) = _unpack("<Q", tail, locator + 8)
        handle.seek(end64_offset)
        record = handle.read(56)
        if record[:4] != END64:
            raise ZipMemberError("its zip64 directory cannot be found")
        entries, size, offset = _unpack("<QQQ", record, 32)
    if offset + size > file_size:
        raise ZipMemberError("its directory points past the end of the file")
    return entries, size, offset


def _zip64(extra: bytes, size: int, compressed: int, offset: int) -> tuple[int, int, int]:
    """The sizes and offset an entry's zip64 extra field holds for those it marks 0xFFFFFFFF."""
    at = 0
    while at + 4 <= len(extra):
        kind, length = _unpack("<HH", extra, at)
        if kind == ZIP64_EXTRA:
            values = extra[at + 4 : at + 4 + length]
            pos = 0
            found = []
            for value in (size, compressed, offset):
                if value == 0xFFFFFFFF:
                    (value,) = _unpack("<Q", values, pos)
                    pos += 8
                found.append(value)
            return found[0], found[1], found[2]
        at += 4 + length
    return size, compressed, offset


def find(handle: BinaryIO, file_size: int, wanted: Callable[[str], bool], max_entries: int) -> Member | None:
    """The first entry whose name `wanted` accepts, walking the directory one entry at a time;
    None when no entry is; ZipMemberError past `max_entries` entries or on a broken directory."""
    entries, size, offset = _directory(handle, file_size)
    handle.seek(offset)
    buffer = b""
    read = 0
    for index in range(entries):
        if index >= max_entries:
            raise ZipMemberError(f"it has more than {max_entries} members: not searched")
        while len(buffer) < 46 and read < size:
            chunk = handle.read(min(READ_CHUNK, size - read))
            if not chunk:
                break
            read += len(chunk)
            buffer += chunk
        if buffer[:4] != ENTRY:
            raise ZipMemberError("its directory is broken")
        # signature, made by, needed, flags, method, time, date, crc, sizes, name/extra/comment lengths,
        # disk, internal and external attributes, the local header's offset
        (_, _, _, flags, method, _, _, crc, compressed, plain, name_len, extra_len, comment_len, _, _, _, local) = (
            _unpack("<IHHHHHHIIIHHHHHII", buffer)
        )
        need = 46 + name_len + extra_len + comment_len
        while len(buffer) < need and read < size:
            chunk = handle.read(min(max(READ_CHUNK, need), size - read))
            if not chunk:
                break
            read += len(chunk)
            buffer += chunk
        if len(buffer) < need:
            raise ZipMemberError("its directory is cut short")
        raw_name = buffer[46 : 46 + name_len]
        name = raw_name.decode("utf-8" if flags & UTF8_FLAG else "cp437", "replace")
        if wanted(name):
            plain, compressed, local = _zip64(
                buffer[46 + name_len : 46 + name_len + extra_len], plain, compressed, local
            )
            return Member(name, method, flags, crc, compressed, plain, local)
        buffer = buffer[need:]
    return None


def read(handle: BinaryIO, file_size: int, member: Member, max_bytes: int) -> bytes:
    """The member's bytes: stored or deflated, at most `max_bytes` (else ZipMemberError), CRC checked."""
    if member.flags & ENCRYPTED_FLAG:
        raise ZipMemberError(f"{member.name} is encrypted")
    if member.method not in (STORED, DEFLATED):
        raise ZipMemberError(f"{member.name} is compressed with method {member.method}, which is not read")
    if member.size > max_bytes:
        raise ZipMemberError(f"{member.name} is {member.size} bytes, more than {max_bytes}")
    handle.seek(member.offset)
    header = handle.read(30)
    if header[:4] != LOCAL:
        raise ZipMemberError(f"{member.name}: its local header is missing")
    name_len, extra_len = _unpack("<HH", header, 26)
    start = member.offset + 30 + name_len + extra_len
    if start + member.compressed_size > file_size:
        raise ZipMemberError(f"{member.name} runs past the end of the zip")
    handle.seek(start)
    if member.method == STORED:
        data = handle.read(min(member.compressed_size, max_bytes + 1))
    else:
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        parts: list[bytes] = []
        got = 0
        left = member.compressed_size
        try:
            while left > 0 and got <= max_bytes:
                chunk = handle.read(min(READ_CHUNK, left))
                if not chunk:
                    break
                left -= len(chunk)
                part = inflate.decompress(chunk, max_bytes + 1 - got)
                parts.append(part)
                got += len(part)
                if inflate.unconsumed_tail:  # more output than the bound: stop here
                    got = max_bytes + 1
        except zlib.error as exc:
            raise ZipMemberError(f"{member.name} cannot be inflated (the zip is damaged: {exc})") from None
        data = b"".join(parts)
    if len(data) > max_bytes:
        raise ZipMemberError(f"{member.name} is more than {max_bytes} bytes")
    if len(data) != member.size or zlib.crc32(data) != member.crc:
        raise ZipMemberError(f"{member.name} is damaged (its size or checksum does not match the zip's directory)")
    return data
