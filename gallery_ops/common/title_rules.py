"""The title rule, pure and cheap to import: a title (and date, code) from a zip or folder name.

"Summer_Trip.2022.zip" -> "Summer Trip 2022": a zip's extension is dropped, underscores
and dots become spaces, runs of spaces collapse. Paths of every host are read (paths.py):
the title of `C:\\Galleries\\Summer_Trip.2022.zip` is "Summer Trip 2022" too. An optional
pattern (setting titlePattern, or the task arg `pattern`) is a regex searched in that name,
in bounded time (patterns.py: one that runs too long fails that gallery); its named groups
`title`, `date` and `code` fill those fields, each only when the gallery has none; a date
Stash would refuse (dates.py: "2023-13-45", "2022-1-5") is left out, since Stash would
refuse the whole update with it. A title a person set (any non-empty title) is never
overwritten; user-created galleries have no path.

Standard library only: the task (tasks/titles.py) and the new-gallery hook's lean path
(hook/new_gallery.py) both plan titles with it. The pattern engine (patterns.py, which may use
the optional `regex` where its timer cannot work) is imported only when a pattern is given.
"""

from __future__ import annotations

from . import paths
from .dates import is_stash_date, stash_date
from .errors import ArgError, short_repr
from .skips import SKIP_EMPTY_NAME, SKIP_NO_PATH

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .patterns import UserPattern

DATE_LAYOUTS = ("2006-01-02T15:04:05Z07:00", "2006-01-02", "2006-01-02 15:04:05", "2006-01", "2006")  # Go's
PATTERN_GROUPS = ("title", "date", "code")
is_date = is_stash_date  # a date Stash accepts (dates.py)


def parse_title_pattern(text: str) -> UserPattern | None:
    """The title pattern of a setting or arg (None when empty); ArgError when it cannot work."""
    if not text.strip():
        return None
    from .patterns import PatternSyntaxError, compile_pattern

    try:
        pattern = compile_pattern(text.strip(), "title pattern")
    except PatternSyntaxError as exc:
        raise ArgError(str(exc)) from None
    if not pattern.group_names & set(PATTERN_GROUPS):
        raise ArgError(f"title pattern {short_repr(text)} has no named group title, date or code, e.g. (?P<title>...)")
    return pattern


def clean_name(name: str) -> str:
    """Underscores and dots to spaces, runs of spaces to one, trimmed."""
    return " ".join(name.replace("_", " ").replace(".", " ").split()).strip(" -")


def name_from(zip_path: str | None, folder_path: str | None) -> str | None:
    """The zip file's name without its extension, or the folder's name (None: no path)."""
    if zip_path is not None:
        return paths.stem(zip_path or "")
    if folder_path:
        return paths.base_name(folder_path)
    return None


def title_fields(
    title: str | None,
    date: str | None,
    code: str | None,
    zip_path: str | None,
    folder_path: str | None,
    pattern: UserPattern | None,
) -> tuple[list[tuple[str, str]], str | None]:
    """(fields to set, why skipped): nothing when the gallery has a title; see the module docstring.

    PatternTimeout (a ValueError) when the pattern runs too long on the name.
    """
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
    stored = stash_date(found["date"]) if found.get("date") else None
    if stored is not None and not date:
        fields.append(("date", stored))
    if found.get("code") and not code:
        fields.append(("code", found["code"]))
    return fields, None
