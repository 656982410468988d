"""Metadata that sits with a gallery on disk: ComicInfo.xml in a zip, gallery-dl JSON sidecars.

The plugin runs on Stash's machine, so the paths Stash reports are read directly. Where
it looks, in this order (the first found is used):
- a zip (or cbz) gallery: `ComicInfo.xml` at the zip's root (any case), read from the
  zip's directory without extracting anything; then a JSON sidecar next to the zip:
  `<name>.zip.json` or `<name>.json` (gallery-dl --write-metadata / --write-info-json);
- a folder gallery: `info.json` in the folder (gallery-dl --write-info-json), then
  `<folder>.json` next to the folder.

Nothing bigger than limits.METADATA_FILE_MAX_BYTES is read; an XML file with a DTD is
not parsed (no entity expansion). A file that is missing, too big or unreadable is a
reason (FileMetadataError), never an exception for the run. Standard library only.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from . import paths
from .limits import METADATA_FILE_MAX_BYTES

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


class FileMetadataError(ValueError):
    """Why a gallery's metadata file was not read (the message is the skip reason)."""


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


def parse_comic_info(data: bytes, source: str) -> FileMetadata:
    """ComicInfo.xml (the ComicRack schema): Title, Series, Number, Summary, Writer/Penciller,
    Year/Month/Day, Tags, Genre, Web."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise FileMetadataError("ComicInfo.xml has a DTD (not parsed)")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise FileMetadataError(f"ComicInfo.xml is not valid XML ({exc})") from None
    values = {child.tag.split("}")[-1]: (child.text or "") for child in root}
    title, series, number = (_text(values.get(k)) for k in ("Title", "Series", "Number"))
    if series:
        head = f"{series} #{number}" if number else series
        title = f"{head}: {title}" if title and title != series else head
    date = _date(values["Year"], values.get("Month"), values.get("Day")) if values.get("Year") else None
    return FileMetadata(
        source,
        title=title,
        date=date,
        details=_text(values.get("Summary")),
        artists=_names(values.get("Writer"), values.get("Penciller")),
        tags=_names(values.get("Tags"), values.get("Genre")),
        urls=_names(*(values.get("Web") or "").split()),
    )


def parse_gallery_dl(data: bytes, source: str) -> FileMetadata:
    """A gallery-dl JSON file: title, date ("YYYY-MM-DD ..."), tags, url / gallery_url, artist."""
    try:
        found = json.loads(data)
    except ValueError as exc:
        raise FileMetadataError(f"{paths.base_name(source)} is not valid JSON ({exc})") from None
    if not isinstance(found, dict):
        raise FileMetadataError(f"{paths.base_name(source)} is not a JSON object")
    date_match = _DATE.match(str(found.get("date") or ""))
    tags = found.get("tags")
    if isinstance(tags, dict):  # some extractors group tags by kind
        tags = [t for group in tags.values() for t in (group if isinstance(group, list) else [group])]
    urls = [u for u in (found.get("gallery_url"), found.get("url")) if isinstance(u, str) and "://" in u]
    return FileMetadata(
        source,
        title=_text(found.get("title")),
        date=_date(*date_match.groups()) if date_match else None,
        details=_text(found.get("description")),
        artists=_names(found.get("artist")),
        tags=_names(tags),
        urls=_names(urls),
    )


def _read_file(path: str) -> bytes:
    size = os.path.getsize(path)
    if size > METADATA_FILE_MAX_BYTES:
        raise FileMetadataError(f"{paths.base_name(path)} is {size} bytes, more than {METADATA_FILE_MAX_BYTES}")
    with open(path, "rb") as handle:
        return handle.read(METADATA_FILE_MAX_BYTES + 1)


def _comic_info(zip_path: str) -> FileMetadata | None:
    try:
        with zipfile.ZipFile(zip_path) as archive:
            member = next((i for i in archive.infolist() if i.filename.lower() == "comicinfo.xml"), None)
            if member is None:
                return None
            if member.file_size > METADATA_FILE_MAX_BYTES:
                raise FileMetadataError(
                    f"ComicInfo.xml is {member.file_size} bytes, more than {METADATA_FILE_MAX_BYTES}"
                )
            with archive.open(member) as handle:
                data = handle.read(METADATA_FILE_MAX_BYTES + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        raise FileMetadataError(f"the zip cannot be read ({type(exc).__name__}: {exc})") from None
    return parse_comic_info(data, f"{zip_path}/{member.filename}")


def sidecar_candidates(gallery_path: str, is_zip: bool) -> list[str]:
    """Where gallery-dl JSON for this zip or folder may be, in order."""
    parts = paths.split(gallery_path)
    sep = parts.separator
    if is_zip:
        return [gallery_path + ".json", paths.parent(gallery_path) + sep + paths.stem(gallery_path) + ".json"]
    return [gallery_path.rstrip("\\/") + sep + "info.json", gallery_path.rstrip("\\/") + ".json"]


def read_gallery_metadata(gallery_path: str, is_zip: bool) -> FileMetadata:
    """The first metadata file found for a zip or folder gallery; FileMetadataError says why none was read."""
    if not os.path.exists(gallery_path):
        raise FileMetadataError("its zip or folder is not on this disk")
    if is_zip:
        found = _comic_info(gallery_path)
        if found is not None:
            return found
    for candidate in sidecar_candidates(gallery_path, is_zip):
        if os.path.isfile(candidate):
            try:
                return parse_gallery_dl(_read_file(candidate), candidate)
            except OSError as exc:
                raise FileMetadataError(f"{paths.base_name(candidate)} cannot be read ({exc})") from None
    raise FileMetadataError("no metadata file (ComicInfo.xml, gallery-dl JSON)")
