"""What Stash's image decorator reads from an image file: its format, width and height.

Facts (pkg/file/image/scan.go Decorate, orientation.go):
- A file on disk is probed with ffprobe: its video codec is the format (`mjpeg` for a JPEG,
  `png`, `webp`; `gif` and anything else is a clip, decorated as a video). The simulator
  reads the codec ffprobe would name from the file's header for JPEG, PNG and WebP; other
  files are probed with the real ffprobe (scanner.py).
- A file inside a zip cannot be probed: Go's image.DecodeConfig reads it, and its format is
  Go's name: `jpeg`, `png`, `gif`, `webp` (AVIF inside a zip is refused).
- Either way the EXIF orientation 5 to 8 (a picture turned on its side) swaps width and
  height (adjustForOrientation with github.com/rwcarlsen/goexif, which finds EXIF in a JPEG).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

# ffprobe's codec for a still image on disk, by the format read from its header
FFPROBE_CODECS = {"jpeg": "mjpeg", "png": "png", "webp": "webp"}


class ImageHeaderError(ValueError):
    """The bytes are no image this module reads (Go's `image: unknown format`)."""


@dataclass(frozen=True)
class ImageHeader:
    format: str  # Go's image package name: jpeg, png, gif, webp
    width: int
    height: int
    orientation_swaps: bool = False  # EXIF orientation 5-8

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) as Stash records them, the orientation applied."""
        return (self.height, self.width) if self.orientation_swaps else (self.width, self.height)


def read_header(data: bytes) -> ImageHeader:
    """The format and size of an image from its first bytes (the whole file for a JPEG's EXIF)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return ImageHeader("png", width, height)
    if data[:6] in (b"GIF87a", b"GIF89a"):
        width, height = struct.unpack("<HH", data[6:10])
        return ImageHeader("gif", width, height)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    if data[:2] == b"\xff\xd8":
        return _jpeg(data)
    raise ImageHeaderError("image: unknown format")


def _webp(data: bytes) -> ImageHeader:
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return ImageHeader("webp", width & 0x3FFF, height & 0x3FFF)
    if chunk == b"VP8L" and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return ImageHeader("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return ImageHeader("webp", width, height)
    raise ImageHeaderError("webp: invalid format")


# JPEG start-of-frame markers (baseline, progressive, lossless...): not DHT, JPG or DAC
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(data: bytes) -> ImageHeader:
    position, orientation = 2, 1
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            raise ImageHeaderError("invalid JPEG format: missing 0xff marker start")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        segment = data[position + 4 : position + 2 + length]
        if marker == 0xE1 and segment[:6] == b"Exif\x00\x00":
            orientation = _exif_orientation(segment[6:])
        if marker in _SOF:
            height, width = struct.unpack(">HH", segment[1:5])
            return ImageHeader("jpeg", width, height, orientation in (5, 6, 7, 8))
        position += 2 + length
    raise ImageHeaderError("unexpected EOF")


def _exif_orientation(tiff: bytes) -> int:
    """The Orientation tag (0x0112) of IFD0, or 1 when there is none."""
    if tiff[:2] not in (b"II", b"MM") or len(tiff) < 8:
        return 1
    order = "<" if tiff[:2] == b"II" else ">"
    offset = struct.unpack(order + "I", tiff[4:8])[0]
    if offset + 2 > len(tiff):
        return 1
    count = struct.unpack(order + "H", tiff[offset : offset + 2])[0]
    for index in range(count):
        entry = tiff[offset + 2 + 12 * index : offset + 14 + 12 * index]
        if len(entry) < 12:
            break
        tag, kind = struct.unpack(order + "HH", entry[:4])
        if tag == 0x0112 and kind == 3:  # SHORT
            return int(struct.unpack(order + "H", entry[8:10])[0])
    return 1
