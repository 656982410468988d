"""The title rule, pure and cheap to import: a title (and date, code) from a zip or folder name.

"Summer_Trip.2022.zip" -> "Summer Trip 2022": a zip's extension is dropped, underscores
and dots become spaces, runs of spaces collapse. An optional pattern (setting
titlePattern, or the task arg `pattern`) is a regex searched in that name; its named
groups `title`, `date` (YYYY-MM-DD, YYYY-MM or YYYY) and `code` fill those fields, each
only when the gallery has none; a date that is no real date is left out. A title a person
set (any non-empty title) is never overwritten; user-created galleries have no path.

Standard library only: the task (workflows/titles.py) and the new-gallery hook's lean
path (new_gallery_hook.py) both plan titles with it.
"""

from __future__ import annotations

import posixpath
import re
from datetime import datetime

from .errors import ArgError

SKIP_NO_PATH = "user-created gallery (no zip or folder name)"
SKIP_EMPTY_NAME = "the name gives no title"
DATE_LAYOUTS = ("%Y-%m-%d", "%Y-%m", "%Y")  # what Stash's ParseDate accepts from a plain date
PATTERN_GROUPS = ("title", "date", "code")


def parse_title_pattern(text: str) -> re.Pattern[str] | None:
    """The title pattern of a setting or arg (None when empty); ArgError when it cannot work."""
    if not text.strip():
        return None
    try:
        pattern = re.compile(text.strip())
    except re.error as exc:
        raise ArgError(f"title pattern {text!r} is not a valid regex ({exc})") from None
    if not set(pattern.groupindex) & set(PATTERN_GROUPS):
        raise ArgError(f"title pattern {text!r} has no named group title, date or code, e.g. (?P<title>...)")
    return pattern


def is_date(text: str) -> bool:
    """A real calendar date in one of Stash's layouts ("2023-13-45" is not: it is left out)."""
    for layout in DATE_LAYOUTS:
        try:
            datetime.strptime(text, layout)
            return True
        except ValueError:
            pass
    return False


def clean_name(name: str) -> str:
    """Underscores and dots to spaces, runs of spaces to one, trimmed."""
    return " ".join(re.sub(r"[_.]+", " ", name).split()).strip(" -")


def name_from(zip_path: str | None, folder_path: str | None) -> str | None:
    """The zip file's name without its extension, or the folder's name (None: no path)."""
    if zip_path is not None:
        base = posixpath.basename(zip_path or "")
        stem, ext = posixpath.splitext(base)
        return stem if ext else base
    if folder_path:
        return posixpath.basename(folder_path.rstrip("/"))
    return None


def title_fields(title: str | None, date: str | None, code: str | None, zip_path: str | None,
                 folder_path: str | None, pattern: re.Pattern[str] | None) -> tuple[list[tuple[str, str]], str | None]:
    """(fields to set, why skipped): nothing when the gallery has a title; see the module docstring."""
    if (title or "").strip():
        return [], None
    name = name_from(zip_path, folder_path)
    if name is None:
        return [], SKIP_NO_PATH
    found: dict[str, str] = {}
    match = pattern.search(name) if pattern else None
    if match:
        found = {k: v.strip() for k, v in match.groupdict().items() if k in PATTERN_GROUPS and v and v.strip()}
    new_title = clean_name(found.get("title", name))
    if not new_title:
        return [], SKIP_EMPTY_NAME
    fields: list[tuple[str, str]] = [("title", new_title)]
    if found.get("date") and is_date(found["date"]) and not date:
        fields.append(("date", found["date"]))
    if found.get("code") and not code:
        fields.append(("code", found["code"]))
    return fields, None
