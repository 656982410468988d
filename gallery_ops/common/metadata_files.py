"""Metadata that sits with a gallery on disk: ComicInfo.xml in a zip, gallery-dl JSON sidecars.

The plugin runs on Stash's machine, so the paths Stash reports are read directly. Where
it looks, in this order (the first found is used):
- a zip (or cbz) gallery: `ComicInfo.xml` at the zip's root (any case), read from the
  zip's directory without extracting anything; then a JSON sidecar next to the zip:
  `<name>.zip.json` or `<name>.json` (gallery-dl --write-metadata / --write-info-json);
- a folder gallery: `info.json` in the folder (gallery-dl --write-info-json), then
  `<folder>.json` next to the folder.

Whatever a file holds, reading it cannot stop a run or take it over:
- only regular files are opened (a named pipe, a device or a socket would block or never end),
  checked again on the open file itself;
- what is read is bounded: limits.METADATA_FILE_MAX_BYTES per file (a deflated member is
  inflated only up to that), limits.ZIP_MEMBERS_MAX members of a zip's directory, walked one
  entry at a time so memory stays flat in the member count (zip_member.py), and
  limits.METADATA_NESTING_MAX levels of nesting in XML and JSON;
- a DTD is refused by the XML parser itself, whatever the file's encoding (no entity is ever
  expanded), and an encoding the parser does not know is a reason, not a crash;
- only http(s) URLs are taken (`<Web>` holds URLs separated by white space).
A file that is missing, too big, damaged or refused is a reason (FileMetadataError); the caller
fails that one gallery on any other error too. Standard library only.
"""

from __future__ import annotations

import os
import stat

from . import json_text as json, paths
from .limits import METADATA_FILE_MAX_BYTES, METADATA_NESTING_MAX, ZIP_MEMBERS_MAX
from .plain import dataclass, field

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, BinaryIO

# Patterns as text, compiled at their first use (re's own cache): only a gallery-dl JSON file needs
# them, and a gallery page action on a ComicInfo.xml, or on no file, should not pay for the compile.
_DATE = r"^(\d{4})-(\d{2})-(\d{2})"


class FileMetadataError(ValueError):
    """Why a gallery's metadata file was not read (the message is the skip reason)."""


# What goes into gallery custom fields (Stash v0.31), by the custom field's name (before the
# customFieldPrefix setting): the ComicInfo.xml element or gallery-dl keys it comes from, and
# whether it is a whole number (stored as a number, so that Stash's filters compare it as one).
# docs/custom_fields.md lists them for people.
COMIC_INFO_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("Series", "Series", False),
    ("Number", "Number", False),
    ("Count", "Count", True),
    ("Volume", "Volume", True),
    ("AlternateSeries", "AlternateSeries", False),
    ("AlternateNumber", "AlternateNumber", False),
    ("AlternateCount", "AlternateCount", True),
    ("StoryArc", "StoryArc", False),
    ("StoryArcNumber", "StoryArcNumber", False),
    ("SeriesGroup", "SeriesGroup", False),
    ("Publisher", "Publisher", False),
    ("Imprint", "Imprint", False),
    ("Format", "Format", False),
    ("Language", "LanguageISO", False),
    ("AgeRating", "AgeRating", False),
    ("Manga", "Manga", False),
    ("BlackAndWhite", "BlackAndWhite", False),
    ("Characters", "Characters", False),
    ("Teams", "Teams", False),
    ("Locations", "Locations", False),
    ("MainCharacterOrTeam", "MainCharacterOrTeam", False),
    ("Colorist", "Colorist", False),
    ("Inker", "Inker", False),
    ("Letterer", "Letterer", False),
    ("CoverArtist", "CoverArtist", False),
    ("Editor", "Editor", False),
    ("Translator", "Translator", False),
    ("PageCount", "PageCount", True),
    ("GTIN", "GTIN", False),
    ("ScanInformation", "ScanInformation", False),
)
GALLERY_DL_FIELDS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("Series", ("series", "manga"), False),
    ("Number", ("chapter",), False),
    ("Volume", ("volume",), True),
    ("Count", ("count",), True),
    ("Language", ("language", "lang"), False),
    ("Site", ("category",), False),
    ("Characters", ("characters",), False),
    ("Parody", ("parody", "parodies"), False),
    ("Group", ("group", "groups", "circle"), False),
    ("Uploader", ("uploader",), False),
)
CUSTOM_FIELD_NAMES: tuple[str, ...] = tuple(
    dict.fromkeys([name for name, _, _ in COMIC_INFO_FIELDS] + [name for name, _, _ in GALLERY_DL_FIELDS])
)


@dataclass
class FileMetadata:
    """What a metadata file says, in Stash's terms (names, not ids)."""

    source: str
    title: str | None = None
    date: str | None = None
    details: str | None = None
    artists: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    custom: dict[str, str | int] = field(default_factory=dict)  # for gallery custom fields (COMIC_INFO_FIELDS)


def _custom_value(value: Any, whole: bool) -> str | int | None:
    """A file's value as a custom field value: text joined and trimmed, a whole number as an int."""
    text = ", ".join(_names(value)) if isinstance(value, list) else _text(value)
    if not text:
        return None
    if whole:
        try:
            return int(text)
        except ValueError:
            return text
    return text


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _names(*values: Any) -> list[str]:
    """Names from strings (comma-separated) and lists, trimmed, each once, in order."""
    out: list[str] = []
    for value in values:
        items = value if isinstance(value, list) else str(value).split(",") if value is not None else []
        for item in items:
            name = _text(item)
            if name and name not in out:
                out.append(name)
    return out


def _date(year: Any, month: Any, day: Any) -> str | None:
    try:
        y, m, d = int(str(year)), int(str(month or 1)), int(str(day or 1))
    except ValueError:
        return None
    if not (1 <= m <= 12 and 1 <= d <= 31 and 1000 <= y <= 9999):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def web_urls(*values: Any) -> list[str]:
    """The http(s) URLs in strings (separated by white space) and lists, each once, in order."""
    out: list[str] = []
    for value in values:
        items = value if isinstance(value, list) else str(value).split() if value is not None else []
        for item in items:
            url = str(item).strip()
            if _is_web_url(url) and url not in out:
                out.append(url)
    return out


_C0_OR_SPACE = "".join(map(chr, range(33)))  # what urlsplit strips from a URL's start


def _is_web_url(url: str) -> bool:
    """Whether urllib.parse.urlsplit(url) has the scheme http or https and a host (False where it
    raises ValueError). Read here as urlsplit reads it, for the usual URL: urllib.parse (with the
    ipaddress module it loads) costs a page action more than its whole reading of a file; a host
    in brackets (IPv6) or with non-ASCII characters, which urlsplit checks further, goes to it."""
    text = url.lstrip(_C0_OR_SPACE).replace("\t", "").replace("\r", "").replace("\n", "")
    scheme, colon, rest = text.partition(":")
    if not colon or scheme.lower() not in ("http", "https") or rest[:2] != "//":
        return False
    netloc = rest[2:]
    for delimiter in "/?#":
        netloc = netloc.partition(delimiter)[0]
    if netloc.isascii() and "[" not in netloc and "]" not in netloc:
        return bool(netloc)
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


class _Refused(Exception):
    """Raised from inside the XML parser: the file is not parsed further (the message says why)."""


def _xml_children(data: bytes) -> dict[str, str]:
    """The text of the root element's children, by tag (namespace dropped). The parser refuses a
    DTD as soon as it meets one, in whatever encoding the file is, and nesting past the bound."""
    from xml.parsers import expat  # here: only a ComicInfo.xml is XML (a folder's JSON needs no parser)

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    values: dict[str, str] = {}
    stack: list[str] = []
    text: list[str] = []

    def doctype(*_: Any) -> None:
        raise _Refused("ComicInfo.xml has a DTD (not parsed)")

    def start(name: str, _: Any) -> None:
        if len(stack) >= METADATA_NESTING_MAX:
            raise _Refused(f"ComicInfo.xml nests more than {METADATA_NESTING_MAX} levels deep")
        stack.append(name.split("}")[-1])
        text.clear()

    def end(_: str) -> None:
        if len(stack) == 2:
            values.setdefault(stack[1], "".join(text))
        stack.pop()
        text.clear()

    def chars(data: str) -> None:
        if len(stack) == 2:
            text.append(data)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        raise FileMetadataError(str(exc)) from None
    except (expat.ExpatError, ValueError, LookupError, UnicodeError) as exc:
        raise FileMetadataError(f"ComicInfo.xml is not valid XML ({' '.join(str(exc).split())})") from None
    return values


def parse_comic_info(data: bytes, source: str) -> FileMetadata:
    """ComicInfo.xml (the ComicRack schema): Title, Series, Number, Summary, Writer/Penciller,
    Year/Month/Day, Tags, Genre, Web."""
    values = _xml_children(data)
    title, series, number = (_text(values.get(k)) for k in ("Title", "Series", "Number"))
    if series:
        head = f"{series} #{number}" if number else series
        title = f"{head}: {title}" if title and title != series else head
    date = _date(values["Year"], values.get("Month"), values.get("Day")) if values.get("Year") else None
    custom = {
        name: found
        for name, element, whole in COMIC_INFO_FIELDS
        if (found := _custom_value(values.get(element), whole)) is not None
    }
    return FileMetadata(
        source,
        title=title,
        date=date,
        details=_text(values.get("Summary")),
        artists=_names(values.get("Writer"), values.get("Penciller")),
        tags=_names(values.get("Tags"), values.get("Genre")),
        urls=web_urls(values.get("Web")),
        custom=custom,
    )


_JSON_STRING = r'(?s)"(?:[^"\\]|\\.)*"'
_BRACKETS = r"[\[\]{}]"


def json_depth(text: str) -> int:
    """How deep a JSON text nests (its strings taken out first): checked before json.loads, whose
    parser recurses once per level."""
    import re  # (here: only a JSON file needs it; a ComicInfo.xml's page action imports no `re`)

    depth = deepest = 0
    for bracket in re.findall(_BRACKETS, re.sub(_JSON_STRING, "", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def parse_gallery_dl(data: bytes, source: str) -> FileMetadata:
    """A gallery-dl JSON file: title, date ("YYYY-MM-DD ..."), tags, url / gallery_url, artist."""
    name = paths.base_name(source)
    try:
        text = data.decode(json.detect_encoding(data))
        if json_depth(text) > METADATA_NESTING_MAX:
            raise FileMetadataError(f"{name} nests more than {METADATA_NESTING_MAX} levels deep")
        found = json.loads(text)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, FileMetadataError):
            raise
        raise FileMetadataError(f"{name} is not valid JSON ({' '.join(str(exc).split())[:200]})") from None
    if not isinstance(found, dict):
        raise FileMetadataError(f"{name} is not a JSON object")
    import re

    date_match = re.match(_DATE, str(found.get("date") or ""))
    tags = found.get("tags")
    if isinstance(tags, dict):  # some extractors group tags by kind
        tags = [t for group in tags.values() for t in (group if isinstance(group, list) else [group])]
    custom: dict[str, str | int] = {}
    for name, keys, whole in GALLERY_DL_FIELDS:
        value = next(
            (
                found[k]
                for k in keys
                if isinstance(found.get(k), str | int | list) and not isinstance(found.get(k), bool)
            ),
            None,
        )
        if (converted := _custom_value(value, whole)) is not None:
            custom[name] = converted
    return FileMetadata(
        source,
        title=_text(found.get("title")),
        date=_date(*date_match.groups()) if date_match else None,
        details=_text(found.get("description")),
        artists=_names(found.get("artist")),
        tags=_names(tags),
        urls=web_urls([u for u in (found.get("gallery_url"), found.get("url")) if isinstance(u, str)]),
        custom=custom,
    )


NOT_REGULAR = "is not a regular file (a pipe, a device or a socket): not opened"


def _open_regular(path: str) -> tuple[BinaryIO, int]:
    """The file at `path` opened for reading, and its size, only when it is a regular file: checked
    on the open file itself (opened without blocking, so a pipe cannot hold the run)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise FileMetadataError(f"{paths.base_name(path)} {NOT_REGULAR}")
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    return handle, found.st_size


def _read_file(path: str) -> bytes:
    handle, size = _open_regular(path)
    with handle:
        if size > METADATA_FILE_MAX_BYTES:
            raise FileMetadataError(f"{paths.base_name(path)} is {size} bytes, more than {METADATA_FILE_MAX_BYTES}")
        data = handle.read(METADATA_FILE_MAX_BYTES + 1)
    if len(data) > METADATA_FILE_MAX_BYTES:
        raise FileMetadataError(f"{paths.base_name(path)} is more than {METADATA_FILE_MAX_BYTES} bytes")
    return data


def _comic_info(zip_path: str) -> FileMetadata | None:
    from . import zip_member  # here: only a zip is read member by member

    try:
        handle, size = _open_regular(zip_path)
        with handle:
            member = zip_member.find(handle, size, lambda name: name.lower() == "comicinfo.xml", ZIP_MEMBERS_MAX)
            if member is None:
                return None
            data = zip_member.read(handle, size, member, METADATA_FILE_MAX_BYTES)
    except zip_member.ZipMemberError as exc:
        raise FileMetadataError(f"the zip cannot be read ({exc})") from None
    except OSError as exc:
        raise FileMetadataError(f"the zip cannot be read ({type(exc).__name__}: {exc})") from None
    return parse_comic_info(data, f"{zip_path}/{member.name}")


def sidecar_candidates(gallery_path: str, is_zip: bool) -> list[str]:
    """Where gallery-dl JSON for this zip or folder may be, in order."""
    parts = paths.split(gallery_path)
    sep = parts.separator
    if is_zip:
        return [gallery_path + ".json", paths.parent(gallery_path) + sep + paths.stem(gallery_path) + ".json"]
    return [gallery_path.rstrip("\\/") + sep + "info.json", gallery_path.rstrip("\\/") + ".json"]


def _kind(path: str) -> int | None:
    """The file type bits of what is at `path` (links followed), None when nothing is there."""
    try:
        return stat.S_IFMT(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError) as exc:
        raise FileMetadataError(f"{paths.base_name(path)} cannot be looked at ({type(exc).__name__})") from None


def read_gallery_metadata(gallery_path: str, is_zip: bool) -> FileMetadata:
    """The first metadata file found for a zip or folder gallery; FileMetadataError says why none was read."""
    kind = _kind(gallery_path)
    if kind is None:
        raise FileMetadataError("its zip or folder is not on this disk")
    if is_zip and kind != stat.S_IFREG:
        raise FileMetadataError(f"its zip {NOT_REGULAR}")
    if not is_zip and kind != stat.S_IFDIR:
        raise FileMetadataError("its folder is not a folder")
    if is_zip:
        found = _comic_info(gallery_path)
        if found is not None:
            return found
    for candidate in sidecar_candidates(gallery_path, is_zip):
        kind = _kind(candidate)
        if kind is None:
            continue
        if kind != stat.S_IFREG:
            raise FileMetadataError(f"{paths.base_name(candidate)} {NOT_REGULAR}")
        try:
            return parse_gallery_dl(_read_file(candidate), candidate)
        except OSError as exc:
            raise FileMetadataError(f"{paths.base_name(candidate)} cannot be read ({exc})") from None
    raise FileMetadataError("no metadata file (ComicInfo.xml, gallery-dl JSON)")
