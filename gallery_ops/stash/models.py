"""Typed models of what gallery_ops reads from Stash (output) and sends to it (input), on record.py.

The two follow different rules, so they are different models.

Output models (`Gallery`, `Image`, `GalleryChapter`, the refs) hold exactly the fields a
query selected: a field that was not selected is *unset* (see `model_fields_set`), which
is not the same as null. Ids are the strings Stash sends. The JSON form (`to_graphql()`)
keeps only set fields, so it looks like Stash's answer.

Input models (`GalleryInput`, `BulkGalleryUpdateInput`, the chapter and cover inputs)
follow one rule: **a field is sent when it is set on the model, and only then**.
`GalleryInput(id="3", title="Beach")` updates the title and nothing else;
`GalleryInput(id="3", date=None)` clears the date (a title is cleared by sending "",
which Stash allows for zip- and folder-based galleries only); a field you never set is
never sent. `GalleryInput.of(gallery)` turns a Gallery read from Stash into an input
holding its writable fields that were read (all of them are re-sent: build a small
input with the fields you want to change instead). `organized` cannot be cleared (Stash
has no null for it): setting it to None is a ValueError. Ids are strings holding
integers; ints are accepted and converted.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..common import json_text as json
from ..common.errors import short_repr
from ..common.ids import to_id
from ..common.json_text import encode_basestring_ascii  # what json.dumps writes of a str
from ..common.lean_functools import cache
from ..common.limits import IMAGE_UPDATE_FIELDS_KEPT
from .record import After, Annotated, Before, Bounds, Literal, Record, RecordError, field

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar

    from ..common.id_array import Ids


def _organized(value: bool | None) -> bool | None:
    if value is None:
        raise ValueError("organized is true or false; Stash cannot clear it (null is refused)")
    return value


def chapter_title(title: Any) -> str:
    """A chapter title as Stash stores it: non-empty text, trimmed (Stash trims it too)."""
    if not isinstance(title, str) or not title.strip():
        raise ValueError(f"a chapter title is non-empty text, got {short_repr(title)}")
    return title.strip()


def chapter_index(image_index: Any) -> int:
    """A chapter's start: an int, 1-based (Stash checks it is at most the image count)."""
    if isinstance(image_index, bool) or not isinstance(image_index, int):
        raise ValueError(f"image_index is an integer (1 = the first image), got {short_repr(image_index)}")
    if image_index < 1:
        raise ValueError(f"image_index is 1-based: the first image is 1, got {image_index}")
    return image_index


MAX_CUSTOM_FIELD_NAME_BYTES = 64  # pkg/sqlite/custom_fields.go maxCustomFieldNameLength


def custom_field_name(name: Any) -> str:
    """A custom field's name as Stash accepts it: 1 to 64 bytes, no leading or trailing whitespace."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"a custom field name is non-empty text, got {short_repr(name)}")
    if name != name.strip():
        raise ValueError(f"custom field name {short_repr(name)} has leading or trailing whitespace (Stash refuses it)")
    if len(name.encode()) > MAX_CUSTOM_FIELD_NAME_BYTES:
        raise ValueError(f"custom field name {short_repr(name)} is longer than {MAX_CUSTOM_FIELD_NAME_BYTES} bytes")
    return name


def custom_field_value(value: Any) -> str | int | float:
    """A value Stash keeps as it is: text, an integer or a float (docs/stash.md §8c)."""
    if isinstance(value, bool):
        raise ValueError(
            f"custom field value {value}: Stash would store it as the number {int(value)}; give text or a number"
        )
    if value is None:
        raise ValueError("a custom field value cannot be null; list the name in `remove` to drop the field")
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise ValueError(f"custom field value {value} is not a number JSON can carry")
    if not isinstance(value, str | int | float):
        raise ValueError(f"a custom field value is text or a number, got {short_repr(value)}")
    return value


StashID = Annotated[str, Before(to_id)]
CustomFieldName = Annotated[str, Before(custom_field_name)]
CustomFieldValue = Annotated[str | int | float, Before(custom_field_value)]
# organized may be left out, never sent as null (Stash crashes on it): checked when it is given.
Organized = Annotated[bool | None, After(_organized)]
ChapterTitle = Annotated[str, Before(chapter_title)]
ChapterIndex = Annotated[int, Before(chapter_index)]
Rating = Annotated[int | None, Bounds(ge=0, le=100)]
UpdateMode = Literal["SET", "ADD", "REMOVE"]
UPDATE_MODES: tuple[str, ...] = ("SET", "ADD", "REMOVE")


def validation_problems(exc: RecordError, root: str) -> str:
    """A record's errors on one line: "where: what; where: what" (`root` names the whole value)."""
    return "; ".join(f"{'.'.join(str(p) for p in err['loc']) or root}: {err['msg']}" for err in exc.errors())


class StashModel(Record):
    """Base of what Stash answers: unknown fields ignored (Stash may send more).

    Output models take Stash's values as they are: ids are the strings Stash sends
    (checked as text inline, no Python call per id: a task reads hundreds of thousands of them).
    """

    def to_graphql(self) -> dict[str, Any]:
        """The model as a GraphQL-shaped dict, with only the fields that are set."""
        return self.model_dump(mode="json", exclude_unset=True)


class NamedRef(StashModel):
    """A tag, performer or studio as a gallery or image refers to it: its id, and its name when selected."""

    id: str
    name: str | None = None


class TagRef(NamedRef):
    pass


class PerformerRef(NamedRef):
    pass


class StudioRef(NamedRef):
    pass


class SceneRef(StashModel):
    id: str
    title: str | None = None


class FolderRef(StashModel):
    id: str | None = None
    path: str | None = None


class FileRef(StashModel):
    """A file of an image or gallery: path, and for images the pixel size; `fingerprint` is what
    `fingerprint(type: "md5")` answered (the selection names the type)."""

    id: str | None = None
    path: str | None = None
    fingerprint: str | None = None
    basename: str | None = None
    width: int | None = None
    height: int | None = None


class GalleryRef(StashModel):
    id: str
    title: str | None = None


class Described(StashModel):
    """What galleries, images and scenes have alike: an id, and the metadata a person sets."""

    id: str
    title: str | None = None
    code: str | None = None
    details: str | None = None
    date: str | None = None
    studio: StudioRef | None = None
    tags: list[TagRef] | None = None
    performers: list[PerformerRef] | None = None


class Image(Described):
    """An image as gallery workflows need it."""

    photographer: str | None = None
    rating100: int | None = None
    organized: bool | None = None
    urls: list[str] | None = None
    o_counter: int | None = None
    files: list[FileRef] | None = None
    visual_files: list[FileRef] | None = None
    galleries: list[Gallery] | None = None

    @property
    def path(self) -> str | None:
        """The primary file's path (Stash lists it first)."""
        files = self.visual_files or self.files or []
        return files[0].path if files else None

    def path_in(self, roots: Sequence[str]) -> str | None:
        """The path of the image's file inside one of `roots` (a zip gallery's zips, a folder
        gallery's folder): an image with several files (byte copies Stash's scan merged, a loose
        picture also in a zip) is in a gallery by one of them, not always its primary one. The
        primary file's path when none is inside them (a hand-made gallery: no roots)."""
        files = self.visual_files or self.files or []
        if len(files) > 1:
            for file in files:
                if file.path and any(
                    file.path[len(r) : len(r) + 1] in ("/", "\\") and file.path.startswith(r) for r in roots
                ):
                    return file.path
        return files[0].path if files else None


class Scene(Described):
    """A scene as link_scenes reads it: its video files and the metadata a gallery may take from it."""

    id: StashID
    details: str | None = None
    urls: list[str] | None = None
    files: list[FileRef] | None = None


class GalleryChapter(StashModel):
    id: str
    title: str | None = None
    image_index: int | None = None
    gallery: GalleryRef | None = None


class Gallery(Described):
    """A gallery as Stash answers it (every query selects its id). To change one, send a GalleryInput."""

    code: str | None = None
    details: str | None = None
    photographer: str | None = None
    rating100: int | None = None
    organized: bool | None = None
    urls: list[str] | None = None
    scenes: list[SceneRef] | None = None
    created_at: str | None = None
    updated_at: str | None = None
    files: list[FileRef] | None = None
    folder: FolderRef | None = None
    chapters: list[GalleryChapter] | None = None
    image_count: int | None = None
    cover: Image | None = None
    # Stash v0.31: {name: value}; values come back as Stash stored them (text, integer or float)
    custom_fields: dict[str, str | int | float] | None = None

    @property
    def kind(self) -> Literal["zip", "folder", "user"]:
        """zip-based (it has a file), folder-based (it has a folder) or user-created."""
        if "files" not in self.model_fields_set or "folder" not in self.model_fields_set:
            raise ValueError("the gallery's kind needs its `files` and `folder` fields; select them")
        if self.files:
            return "zip"
        return "folder" if self.folder is not None else "user"

    @property
    def path(self) -> str | None:
        """The primary zip file's path (Stash lists it first) or the folder's path; None for
        user-created galleries. A zip gallery may have more zip files (byte copies that Stash's
        scan merged into it): what depends on every file reads `file_paths`."""
        if self.files:
            return self.files[0].path
        return self.folder.path if self.folder else None

    @property
    def file_paths(self) -> tuple[str, ...]:
        """Every zip file's path (primary first), or the folder's path; () for user-created galleries."""
        if self.files:
            return tuple(f.path for f in self.files if f.path)
        return (self.folder.path,) if self.folder and self.folder.path else ()


class ScraperSpec(StashModel):
    urls: list[str] | None = None
    supported_scrapes: list[str] = field(default_factory=list)


class Scraper(StashModel):
    """A scraper Stash has (listScrapers): `gallery` says what it does for galleries."""

    id: str
    name: str
    gallery: ScraperSpec | None = None

    @property
    def url_patterns(self) -> list[str]:
        """The strings of its galleryByURL configs: it takes a URL that contains one of them."""
        return list(self.gallery.urls or []) if self.gallery else []

    @property
    def scrapes_stored_galleries(self) -> bool:
        """It has a galleryByFragment config (scrapeSingleGallery with a gallery_id)."""
        return self.gallery is not None and "FRAGMENT" in self.gallery.supported_scrapes


class ScrapedRef(StashModel):
    """A studio, tag or performer a scraper named; `stored_id` when Stash matched the name to one it has."""

    stored_id: str | None = None
    name: str | None = None


class ScrapedGallery(StashModel):
    """What a scraper answered for a gallery (ScrapedGallery)."""

    title: str | None = None
    code: str | None = None
    details: str | None = None
    photographer: str | None = None
    date: str | None = None
    urls: list[str] | None = None
    studio: ScrapedRef | None = None
    tags: list[ScrapedRef] | None = None
    performers: list[ScrapedRef] | None = None

    @property
    def is_empty(self) -> bool:
        """Nothing in it: the scraper found nothing."""
        return not any(
            (
                self.title,
                self.code,
                self.details,
                self.photographer,
                self.date,
                self.urls,
                self.studio and self.studio.name,
                self.tags,
                self.performers,
            )
        )


# -- inputs -------------------------------------------------------------------------------------
class CustomFieldsInput(Record, extra="forbid", frozen=True):
    """Stash v0.31's CustomFieldsInput: `full` replaces every field, else `partial` sets the given
    ones; then `remove` drops names. Names and values are checked as Stash checks them, and
    what Stash would take differently from what was meant is refused: both full and partial
    (Stash would ignore partial), a name both set and removed, and booleans (stored as 1 or 0)."""

    full: dict[CustomFieldName, CustomFieldValue] | None = None
    partial: dict[CustomFieldName, CustomFieldValue] | None = None
    remove: list[CustomFieldName] | None = None

    def check_record(self) -> None:
        if self.full is not None and self.partial is not None:
            raise ValueError("give full (replace every custom field) or partial (set some), not both")
        both = set(self.full or self.partial or {}) & set(self.remove or [])
        if both:
            raise ValueError(f"custom fields {', '.join(sorted(both))} are both set and removed")

    @property
    def is_empty(self) -> bool:
        return self.full is None and not self.partial and not self.remove

    def to_input(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class InputModel(Record, validate_assignment=True):
    """Base of what gallery_ops sends: ids are checked and normalised (ints accepted), assignment
    validated, and only the fields that are set are sent."""

    def to_input(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True)


class IdRef(InputModel):
    """A studio, tag, performer or scene given by its id (other keys, such as a name, are ignored)."""

    id: StashID


# The fields of a gallery that an input may set (GalleryCreateInput / GalleryUpdateInput);
# references are given as objects with an id and sent as <name>_id(s).
GALLERY_INPUT_FIELDS: tuple[str, ...] = (
    "id",
    "title",
    "code",
    "date",
    "details",
    "photographer",
    "rating100",
    "organized",
    "urls",
    "studio",
    "tags",
    "performers",
    "scenes",
    "custom_fields",
)
_GALLERY_REFS = {"studio": "studio_id", "tags": "tag_ids", "performers": "performer_ids", "scenes": "scene_ids"}


class GalleryInput(InputModel):
    """What to create or change on a gallery: **a field is sent when it is set, and only then**."""

    id: StashID | None = None
    title: str | None = None
    code: str | None = None
    date: str | None = None
    details: str | None = None
    photographer: str | None = None
    rating100: Rating = None
    organized: Organized = None
    urls: list[str] | None = None
    studio: IdRef | None = None
    tags: list[IdRef] | None = None
    performers: list[IdRef] | None = None
    scenes: list[IdRef] | None = None
    # Stash v0.31: on create the fields of `full` or `partial` are the new gallery's fields
    custom_fields: CustomFieldsInput | None = None

    @classmethod
    def of(cls, value: GalleryInput | Gallery | dict[str, Any]) -> GalleryInput:
        """An input from a dict, or from a Gallery read from Stash (its writable fields that were read;
        its custom fields are set again as they were read, others are left as they are)."""
        if isinstance(value, GalleryInput):
            return value
        if isinstance(value, Gallery):
            value = value.model_dump(exclude_unset=True, include=set(GALLERY_INPUT_FIELDS))
            if "custom_fields" in value:
                read = value.pop("custom_fields")
                if read:
                    value["custom_fields"] = {"partial": read}
        return cls.model_validate(value)

    def create_input(self) -> dict[str, Any]:
        """GalleryCreateInput from the set fields; the title is required."""
        if not (self.title or "").strip():
            raise ValueError("a new gallery needs a title (Stash: title must not be empty)")
        if self.id is not None:
            raise ValueError("a new gallery has no id yet; use update_gallery for an existing one")
        out = self._input()
        if self.custom_fields is not None:
            if self.custom_fields.remove:
                raise ValueError("a new gallery has no custom fields to remove")
            out["custom_fields"] = self.custom_fields.full or self.custom_fields.partial or {}
        return out

    def update_input(self) -> dict[str, Any]:
        """GalleryUpdateInput from the set fields; the id is required."""
        if self.id is None:
            raise ValueError("updating a gallery needs its id")
        return {"id": self.id, **self._input()}

    def _input(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in GALLERY_INPUT_FIELDS[1:]:
            if name not in self.model_fields_set:
                continue
            value = getattr(self, name)
            if name == "studio":
                out["studio_id"] = value.id if value else None
            elif name in _GALLERY_REFS:
                out[_GALLERY_REFS[name]] = [ref.id for ref in value or []]
            elif name == "custom_fields":
                if value is not None:
                    out[name] = value.to_input()
            else:
                out[name] = value
        if "title" in out and out["title"] is None:
            out["title"] = ""  # Stash ignores a null title; "" clears it (refused for user-created galleries)
        return out


class FindGalleriesResult(StashModel):
    count: int
    galleries: list[Gallery]


class FindFilter(InputModel):
    """Stash's FindFilterType. page is 1-based; per_page -1 means all (use iter_galleries instead)."""

    q: str | None = None
    page: Annotated[int | None, Bounds(ge=1)] = None
    per_page: Annotated[int | None, Bounds(ge=-1)] = None
    sort: str | None = None
    direction: Literal["ASC", "DESC"] | None = None


def _require_mode(value: Any, what: str) -> Any:
    """A BulkUpdate* value must say how to apply it: a missing mode is refused (Stash refuses it too;
    guessing SET would replace the whole list)."""
    if isinstance(value, dict) and value.get("mode") is None:
        raise ValueError(f"{what} needs a mode: SET (replace the whole list), ADD or REMOVE")
    return value


class BulkUpdate(InputModel):
    """A list and how to apply it: mode SET (replace), ADD (skip present ones) or REMOVE.

    The mode is required (BulkUpdateIdMode! in Stash's schema): there is no default, since
    a default of SET would silently replace every tag, performer or scene."""

    list_field: ClassVar[str]  # the name of the list: "ids" or "values"
    mode: UpdateMode

    @classmethod
    def check_data(cls, data: Any) -> Any:
        return _require_mode(data, cls.list_field)


class BulkUpdateIds(BulkUpdate):
    """ids and how to apply them (BulkUpdateIds)."""

    list_field = "ids"
    ids: list[StashID] = field(default_factory=list)


class BulkUpdateStrings(BulkUpdate):
    """values and how to apply them (BulkUpdateStrings)."""

    list_field = "values"
    values: list[str] = field(default_factory=list)


class BulkGalleryUpdateInput(InputModel, extra="forbid"):
    """Stash's BulkGalleryUpdateInput: ids plus the fields to change on all of them (no title)."""

    ids: list[StashID]
    code: str | None = None
    urls: BulkUpdateStrings | None = None
    date: str | None = None
    details: str | None = None
    photographer: str | None = None
    rating100: Rating = None
    organized: Organized = None
    studio_id: StashID | None = None
    tag_ids: BulkUpdateIds | None = None
    performer_ids: BulkUpdateIds | None = None
    scene_ids: BulkUpdateIds | None = None
    custom_fields: CustomFieldsInput | None = None  # Stash v0.31

    def check_record(self) -> None:
        if not self.ids:
            raise ValueError("ids must name at least one gallery")


class StrictInput(Record, extra="forbid", frozen=True):
    """Inputs of batched mutations: unknown fields refused, immutable once checked (each subclass
    says frozen=True again: a type checker reads it from the class statement)."""

    def to_input(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True)

    def as_json(self) -> InputJson:
        """The checked input as the JSON text its request will carry (InputJson)."""
        return InputJson(type(self), json.dumps(self.to_input()).encode())


class InputJson:
    """A checked input kept as the JSON text of its request, until it is sent (batch.py): the way a
    write of many ids waits for its request without a string per id (a gallery of 20,000 images
    would hold 20,000 of them in its inputs). Made only from a checked record (StrictInput.as_json),
    from an image update's fields checked by BulkImageUpdateInput and ids held as Ids
    (image_update_json), or from a chapter's or a cover's values checked by their fields' own checks
    (ChapterCreateInput.json_of, SetCoverInput.json_of), so the text is always one that record's
    contract accepted; `model` says which."""

    __slots__ = ("model", "text")

    def __init__(self, model: type[StrictInput], text: bytes) -> None:
        self.model, self.text = model, text

    def __repr__(self) -> str:
        return f"InputJson({self.model.__name__}, {self.text.decode()})"


class ChapterCreateInput(StrictInput, frozen=True):
    """GalleryChapterCreateInput. The title is trimmed, as Stash stores it; image_index is 1-based."""

    gallery_id: StashID
    title: ChapterTitle
    image_index: ChapterIndex

    @classmethod
    def json_of(cls, gallery_id: Any, title: Any, image_index: Any) -> InputJson:
        """`cls(gallery_id=..., title=..., image_index=...).as_json()`, byte for byte, made by the
        fields' own checks without a record (a chapter run writes one per chapter); what they refuse
        is refused by the record itself, with its error."""
        try:
            gallery, shown = to_id(gallery_id), encode_basestring_ascii(chapter_title(title))
            index = chapter_index(image_index)
        except ValueError:
            return cls(gallery_id=gallery_id, title=title, image_index=image_index).as_json()
        # (an id is ASCII digits: its JSON is itself in quotes)
        return InputJson(cls, f'{{"gallery_id": "{gallery}", "title": {shown}, "image_index": {index:d}}}'.encode())


class ChapterUpdateInput(StrictInput, frozen=True):
    """GalleryChapterUpdateInput: the chapter's id and what changes."""

    id: StashID
    gallery_id: StashID | None = None
    title: ChapterTitle | None = None
    image_index: ChapterIndex | None = None


class SetCoverInput(StrictInput, frozen=True):
    """GallerySetCoverInput. Stash does not check the image is in the gallery: the caller does."""

    gallery_id: StashID
    cover_image_id: StashID

    @classmethod
    def json_of(cls, gallery_id: Any, cover_image_id: Any) -> InputJson:
        """`cls(gallery_id=..., cover_image_id=...).as_json()`, byte for byte, made by the fields' own
        checks without a record (Set covers writes one per gallery); what they refuse is refused by
        the record itself, with its error."""
        try:
            gallery, image = to_id(gallery_id), to_id(cover_image_id)
        except ValueError:
            return cls(gallery_id=gallery_id, cover_image_id=cover_image_id).as_json()
        return InputJson(cls, f'{{"gallery_id": "{gallery}", "cover_image_id": "{image}"}}'.encode())


class ResetCoverInput(StrictInput, frozen=True):
    gallery_id: StashID


class BulkImageUpdateInput(StrictInput, frozen=True):
    """BulkImageUpdateInput, the fields gallery workflows set on images."""

    ids: list[StashID]
    title: str | None = None
    code: str | None = None
    details: str | None = None
    date: str | None = None
    photographer: str | None = None
    rating100: Rating = None
    organized: Organized = None
    urls: BulkUpdateStrings | None = None
    studio_id: StashID | None = None
    tag_ids: BulkUpdateIds | None = None
    performer_ids: BulkUpdateIds | None = None


# Where the ids' items go in the text of a BulkImageUpdateInput of no ids ('{"ids": [], ...'): between
# the brackets of its first field.
_IDS_AT = len(b'{"ids": [')
# An image update's fields, by their repr -> those fields and their checked text (image_update_json).
_FIELDS_TEXTS: dict[str, tuple[Sequence[tuple[str, Any]], bytes]] = {}
# The fields of the last image update made and their checked text: the same object again (Sync's
# galleries that need the same change share their fields, image_sync.Need) is known without its repr.
_LAST_FIELDS: list[Any] = [None, b""]


def image_update_json(ids: Ids, fields: Sequence[tuple[str, Any]]) -> InputJson:
    """The text of the BulkImageUpdateInput setting `fields` on `ids`: byte for byte what json.dumps
    writes of the record checked from {"ids": [...], **fields} (StrictInput.as_json), made without a
    check or a string per id and without checking the same fields twice.

    Why it may: an Ids holds only valid ids (non-negative integers, common/id_array.py), so only the
    fields can be wrong; they are checked by BulkImageUpdateInput itself (with no ids), and the ids'
    items are written into its text. Sync writes the same gallery metadata onto many groups of images,
    so the checked text of each distinct fields value is kept (the last IMAGE_UPDATE_FIELDS_KEPT) and
    used again for fields equal to it with the same repr (a plan's plain values: their repr says their
    types, where 1 == True == 1.0); fields that are refused are never kept, so they are refused with
    the same error each time. The very tuple of the update before (Sync's galleries that need one
    change share its fields: image_sync.Need) is known by identity, without its repr."""
    if not isinstance(ids, _ids_type()):
        raise TypeError(f"an image update's ids are Ids, got {type(ids).__name__}")
    if type(fields) is tuple and fields is _LAST_FIELDS[0]:  # (a plan's fields: not changed once planned)
        text = _LAST_FIELDS[1]
    else:
        key = repr(fields)
        kept = _FIELDS_TEXTS.get(key)
        if kept is not None and kept[0] == fields:
            text = kept[1]
        else:
            given = dict(fields)
            if "ids" in given:
                refused = [{"loc": ("ids",), "msg": "the ids are the update's Ids"}]
                raise RecordError(BulkImageUpdateInput.__name__, refused)
            text = BulkImageUpdateInput.model_validate({"ids": [], **given}).as_json().text
            if len(_FIELDS_TEXTS) >= IMAGE_UPDATE_FIELDS_KEPT:
                _FIELDS_TEXTS.clear()
            _FIELDS_TEXTS[key] = (fields, text)
        _LAST_FIELDS[:] = (fields, text)
    return InputJson(BulkImageUpdateInput, text[:_IDS_AT] + ids.json_items() + text[_IDS_AT:])


@cache
def _ids_type() -> type[Ids]:
    """Ids, imported by the first write that holds some: no other run pays for `array` (its module)."""
    from ..common.id_array import Ids

    return Ids
