"""The plugin's settings: keys, types, defaults and descriptions, in one place.

Stash shows these in Settings > Plugins > Gallery Tools (from gallery_tools.yml, which
must list exactly these; a test checks it). Stash stores only what the user saved,
so a missing key means "the default below" (docs/stash.md §2). They are read once per
run, with Stash's configuration (stash/documents.py, PLUGIN_SETTINGS).

Standard library only and cheap to import (no dataclasses, no typing at run time): the
new-gallery hook's lean path reads its settings through this module.
"""

from __future__ import annotations

from .errors import ArgError, short_repr

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Literal, TypeVar

    SettingType = Literal["STRING", "NUMBER", "BOOLEAN"]
    T = TypeVar("T")

PLUGIN_ID = "gallery_tools"


def said_default(type: SettingType, default: Any) -> str:
    """The default as a setting's description ends with it (Stash's settings page shows no default):
    'Default: off.', 'Default: 2.', 'Default: "all".', 'Default: empty.'"""
    if type == "BOOLEAN":
        return f"Default: {'on' if default else 'off'}."
    if type == "STRING":
        return f'Default: "{default}".' if default else "Default: empty."
    return f"Default: {default}."


class Setting:
    """One setting as gallery_tools.yml declares it, with the default the plugin supplies; its
    description ends with that default (said_default)."""

    __slots__ = ("default", "description", "display_name", "key", "type")

    def __init__(self, key: str, type: SettingType, default: Any, display_name: str, description: str) -> None:
        self.key = key
        self.type = type
        self.default = default
        self.display_name = display_name
        self.description = f"{description} {said_default(type, default)}"


# The date forms a title pattern's date group may hold (common/dates.py: what Stash's Go layouts
# take); the manifest's and the README's words for titlePattern say the same (a test keeps them).
DATE_FORMS = "YYYY-MM-DD, YYYY-MM or YYYY"


DEFAULT_COVER_RULE = r"pattern:^(cover|poster|folder|front)\b; portrait"
DEFAULT_SYNC_FIELDS = "tags, performers, studio, date, photographer"

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "dryRun",
        "BOOLEAN",
        False,
        "Preview only",
        "Tasks only report what they would change. A run's own dry_run argument wins. Tasks that delete or"
        " replace (reset covers, replace chapters, mirror sync) preview unless the run says apply.",
    ),
    Setting(
        "coverRule",
        "STRING",
        DEFAULT_COVER_RULE,
        "Cover rule",
        "How Set covers picks a cover: steps separated by ';', tried in order. pattern:<regex> = first image"
        " whose file name matches (case-insensitive); portrait = first image taller than wide;"
        " position:<n> = the n-th image.",
    ),
    Setting(
        "titlePattern",
        "STRING",
        "",
        "Title pattern",
        "Optional regex applied to the zip or folder name (without extension) by Title from path. Named groups"
        f" title, date ({DATE_FORMS}) and code fill those fields when they are empty."
        r" Example: ^(?P<title>.+?) \[(?P<date>\d{4}-\d{2}-\d{2})\]$",
    ),
    Setting(
        "syncFields",
        "STRING",
        DEFAULT_SYNC_FIELDS,
        "Fields synced to images",
        "Which gallery fields Sync images from gallery copies to the gallery's images: any of tags,"
        " performers, studio, date, photographer, separated by commas.",
    ),
    Setting(
        "syncMirror",
        "BOOLEAN",
        False,
        "Sync mirrors",
        "Sync images from gallery also removes from images what their galleries do not have (tags,"
        " performers) and overwrites differing studio, date and photographer. Off: it only adds.",
    ),
    Setting(
        "fromImagesRule",
        "STRING",
        "all",
        "Gallery from images: rule",
        "Sync gallery from images adds to a gallery the tags and performers that all of its images have"
        " (all), or that any of them has (any).",
    ),
    Setting(
        "folderGalleryMinImages",
        "NUMBER",
        2,
        "Galleries from folders: minimum images",
        "Galleries for loose images makes a gallery for a folder only when it holds at least this many images"
        " that are in no gallery.",
    ),
    Setting(
        "linkScenesCopyMetadata",
        "BOOLEAN",
        False,
        "Link scenes: copy scene metadata",
        "Link scenes also gives a gallery what it lacks of its scene's title, date, details, studio, urls, tags"
        " and performers (never overwriting).",
    ),
    Setting(
        "fileMetadataArtists",
        "STRING",
        "photographer",
        "Metadata from files: artists as",
        "Import file metadata puts the artists of a ComicInfo.xml (Writer, Penciller) or gallery-dl JSON (artist)"
        " into the photographer (photographer) or adds the performers of those names (performers).",
    ),
    Setting(
        "scrapers",
        "STRING",
        "",
        "Scrape galleries: scrapers",
        "The gallery scrapers (their ids or names, separated by commas) that Scrape galleries asks, in this"
        " order, about a gallery no scraper takes by its URL; the first that finds something is used."
        " A run's own scrapers argument wins. Empty: only scrapers that claim a gallery's URL run.",
    ),
    Setting(
        "scrapePause",
        "NUMBER",
        1,
        "Scrape galleries: pause (seconds)",
        "Seconds between one scrape and the next (each scrape asks a site).",
    ),
    Setting(
        "scrapeParallel",
        "NUMBER",
        1,
        "Scrape galleries: scrapes at once",
        "At most this many scrapes at the same time.",
    ),
    Setting(
        "scrapeTimeout",
        "NUMBER",
        60,
        "Scrape galleries: timeout (seconds)",
        "A scrape that has not answered after this many seconds fails its gallery (Stash itself sets no"
        " limit on script scrapers).",
    ),
    Setting(
        "scrapeFailuresInARow",
        "NUMBER",
        3,
        "Scrape galleries: failures in a row",
        "A scraper that fails this many galleries in a row (errors, timeouts) is not used for the rest of"
        " the run: its site is down or blocks us.",
    ),
    Setting(
        "scrapeCreateMissing",
        "BOOLEAN",
        False,
        "Scrape galleries: create missing",
        "Create the tags, performers and studios a scraper names that Stash does not have. Off: they are left"
        " out and listed in the log.",
    ),
    Setting(
        "customFieldPrefix",
        "STRING",
        "",
        "Metadata from files: custom field prefix",
        "Stash v0.31: Import file metadata writes series, number, volume, count, publisher, language and"
        " the like into gallery custom fields named Series, Number, ... (never overwriting); this text goes"
        " in front of each name (e.g. comic. gives comic.Series). Empty: the names as they are.",
    ),
    Setting(
        "hookChapters",
        "BOOLEAN",
        False,
        "New galleries: chapters from folders",
        "Galleries added by a scan or created by hand get chapters from their folders (by Finish new"
        " galleries, which runs by itself once the scan is over).",
    ),
    Setting(
        "hookCovers",
        "BOOLEAN",
        False,
        "New galleries: covers",
        "New galleries get a cover by the cover rule (by Finish new galleries, which runs by itself once the"
        " scan is over).",
    ),
    Setting(
        "hookTitles",
        "BOOLEAN",
        False,
        "New galleries: titles",
        "New zip and folder galleries get a title from their file or folder name at once.",
    ),
    Setting(
        "hookSyncImages",
        "BOOLEAN",
        False,
        "New galleries: sync images",
        "New galleries' images get the gallery's metadata, added only (by Finish new galleries, which runs"
        " by itself once the scan is over).",
    ),
    Setting(
        "hookLinkScenes",
        "BOOLEAN",
        False,
        "New galleries: link scenes",
        "New galleries get linked to the scene named like their zip or folder, or inside their folder, as Link"
        " scenes does (added only; by Finish new galleries, which runs by itself once the scan is over).",
    ),
    Setting(
        "hookFileMetadata",
        "BOOLEAN",
        False,
        "New galleries: metadata from files",
        "New galleries get what they lack from their ComicInfo.xml or gallery-dl JSON, as Import file metadata"
        " does (never overwriting; by Finish new galleries, which runs by itself once the scan is over).",
    ),
    Setting(
        "hookRepairChapters",
        "BOOLEAN",
        False,
        "New galleries: chapter anchors",
        "Stash v0.31: new galleries' chapters get their anchors recorded (the image each starts at, in"
        " the gallery's custom fields) before images can shift, so that Repair chapters can put them back"
        " later (by Finish new galleries, which runs by itself once the scan is over).",
    ),
    Setting(
        "hookFinishByHand",
        "BOOLEAN",
        False,
        "New galleries: finish by hand",
        "Do not queue Finish new galleries after a scan: run it yourself from the Tasks page. Off: the first"
        " new gallery of a scan queues it, and it runs once the scan is over.",
    ),
)

SETTINGS_BY_KEY = {s.key: s for s in SETTINGS}
HOOK_RULES = (
    "hookChapters",
    "hookCovers",
    "hookTitles",
    "hookSyncImages",
    "hookLinkScenes",
    "hookFileMetadata",
    "hookRepairChapters",
)  # the new-gallery rules
IMAGE_RULES = ("hookChapters", "hookCovers", "hookSyncImages", "hookRepairChapters")  # those that need images
# those the hook leaves to Finish new galleries (marked, applied once the scan is over)
DEFERRED_RULES = (*IMAGE_RULES, "hookLinkScenes", "hookFileMetadata")
PYTHON_TYPES = {"STRING": (str,), "NUMBER": (int, float), "BOOLEAN": (bool,)}


class SettingsError(ValueError):
    """A saved setting has a value of the wrong type, or one its task cannot use."""


WHERE_SETTINGS_ARE = "fix it in Settings > Plugins > Gallery Tools"


class Settings:
    """The settings of one run: saved values over defaults."""

    __slots__ = ("values",)

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Settings) and other.values == self.values

    def __repr__(self) -> str:
        return f"Settings({self.values!r})"

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    @classmethod
    def from_saved(cls, saved: dict[str, Any] | None) -> Settings:
        """Defaults, overridden by what the user saved (an empty text counts as not saved)."""
        values = {s.key: s.default for s in SETTINGS}
        for key, value in (saved or {}).items():
            setting = SETTINGS_BY_KEY.get(key)
            if setting is None or value is None or value == "":
                continue  # a setting this version does not know, or cleared in the UI
            wrong_type = not isinstance(value, PYTHON_TYPES[setting.type])
            if wrong_type or (isinstance(value, bool) and setting.type == "NUMBER"):
                raise SettingsError(
                    f"setting {key} ({setting.display_name}) should be {setting.type.lower()},"
                    f" got {short_repr(value)}; {WHERE_SETTINGS_ARE}"
                )
            values[key] = value
        return cls(values)

    def parsed(self, key: str, parse: Callable[[Any], T]) -> T:
        """A setting read by `parse` (a cover rule, a pattern, a list of fields); when it does not
        parse, the error says it is that setting and where to fix it, as a wrong type does (the
        same text given as a run's argument is that argument's error)."""
        try:
            return parse(self.values[key])
        except ArgError as exc:
            display = SETTINGS_BY_KEY[key].display_name
            raise SettingsError(f"setting {key} ({display}): {exc}; {WHERE_SETTINGS_ARE}") from None

    @property
    def hook_rules(self) -> dict[str, bool]:
        return {key: bool(self.values[key]) for key in HOOK_RULES}
