"""The changes a workflow plans, and how a page of them is handed to the operations layer.

Plans are lists of these small records, computed by pure functions from what was
read. Applying groups them by kind and hands each kind to the GalleryOps batch
method that writes it (operations.py: many aliased mutations per request), so a
page of galleries costs a handful of requests, not one per gallery. A change that
fails, or whose input is invalid, is charged to every gallery it concerns; the
others still apply.

Edits made while a task runs. Stash has no compare-and-set, so a change carries what it
assumed is there now (`expects`: the values it overwrites, as the plan read them). Just
before each batch is sent, one request reads those values again (GalleryOps.recheck),
and a change whose basis moved (a person set a title, a studio, a cover, a chapter in
the meantime) is dropped and reported as "changed meanwhile, skipped"; the next run
plans it again from what is there then. A change over many independent things (an image
update over many images) is not dropped whole: only the images whose basis moved are left
out of it (`Change.without`), and the others are written.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from ..common.lean_typing import NamedTuple
from ..common.limits import MUTATION_BATCH_SIZE
from ..common.log import log
from ..common.plain import dataclass, field, replace
from ..common.skips import MOVED
from ..stash.batch import BatchResult, chunks
from ..stash.models import (
    BulkGalleryUpdateInput,
    BulkImageUpdateInput,
    ChapterCreateInput,
    ChapterUpdateInput,
    Gallery,
    GalleryInput,
    Image,
    InputJson,
    SetCoverInput,
    image_update_json,
    validation_problems,
)
from ..stash.names import NAMED_IMAGES, REF_KINDS, Mention, NameBook, file_name
from ..stash.operations import GalleryOps
from ..stash.record import RecordError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar

    from ..common.id_array import Ids  # (imported by Sync alone, which makes them: see its module)
    from .anchors import Anchor  # (anchors.py and deletes.py are imported where a run makes chapters or deletes)
    from .deletes import DeleteBasis


def _ref_mentions(fields: Sequence[tuple[str, Any]]) -> list[Mention]:
    """What an input's reference fields name: ("tag_ids", {"ids": [...]}) or ("tag_ids", (...)),
    ("studio_id", "1"), ("studio", {"id": "1"})."""
    out: list[Mention] = []
    for key, value in fields:
        kind = REF_KINDS.get(key) or ("studio" if key == "studio" else None)
        if kind is None or value is None:
            continue
        if isinstance(value, dict):
            ids = value.get("ids", [value["id"]] if "id" in value else [])
        else:
            ids = [value] if isinstance(value, str) else value
        out.extend(Mention(kind, str(i)) for i in ids)
    return out


def _image_mentions(image_ids: Sequence[str]) -> tuple[Mention, ...]:
    """The images a change lists by name (the first NAMED_IMAGES: the rest are counted)."""
    return tuple(Mention("image", i) for i in image_ids[:NAMED_IMAGES])


CHAPTER_BASES = ("chapter", "titled", "starting")  # the bases ("<kind>:<what>") that read a gallery's chapters


def basis_field(name: str) -> str:
    """The field of a gallery or image that the basis `name` reads ("titled:Intro" -> "chapters")."""
    kind, colon, _ = name.partition(":")
    if colon and kind in CHAPTER_BASES:
        return "chapters"
    if colon and kind == "custom":
        return "custom_fields"
    return name


def basis_value(found: Gallery | Image, name: str) -> Any:
    """A field of a gallery or image in the form the checks compare ("" and None alike).

    (The field is found as basis_field finds it, written out: the re-read before each batch asks
    this of every change's every basis, two per chapter made.)"""
    kind, colon, wanted = name.partition(":")
    if colon and kind in CHAPTER_BASES:
        chapters = getattr(found, "chapters", None) or []
        if kind == "chapter":  # one chapter, by id: (title, image_index), None when gone
            same = next((c for c in chapters if c.id == wanted), None)
            return (same.title or "", same.image_index) if same else None
        if kind == "titled":  # is there a chapter with this title?
            return any((c.title or "") == wanted for c in chapters) if chapters else False
        # is there a chapter starting at this image?
        return any(str(c.image_index) == wanted for c in chapters) if chapters else False
    if colon and kind == "custom":  # one custom field (Stash v0.31): its value, None when absent
        return (getattr(found, "custom_fields", None) or {}).get(wanted)
    value = getattr(found, name, None)
    if name in ("cover", "studio"):
        return value.id if value else None
    if name in ("tags", "performers"):
        return tuple(sorted(ref.id for ref in value or []))
    return value or None


class Expect(NamedTuple):
    """What a write assumes is there now: field `name` of gallery or image `id` reads `value`.

    A named tuple (immutable like a frozen dataclass, and about three times cheaper to make:
    a chapter plan makes two per chapter)."""

    kind: str  # "gallery" or "image"
    id: str
    name: str
    value: Any

    @classmethod
    def of(cls, kind: str, found: Gallery | Image, names: Sequence[str]) -> tuple[Expect, ...]:
        """The current values of `names` on what the plan read."""
        return tuple([cls(kind, found.id, name, basis_value(found, name)) for name in names])


@dataclass(frozen=True)
class Change:
    """One write. Subclasses build the input of their batch operation (see SENDERS)."""

    gallery_id: str
    expects: tuple[Expect, ...] = field(default=(), kw_only=True, compare=False, repr=False)

    @property
    def galleries(self) -> tuple[str, ...]:
        """Every gallery whose outcome depends on this write (it fails with it)."""
        return (self.gallery_id,)

    def to_input(self) -> Any:
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        raise NotImplementedError

    def mentions(self) -> tuple[Mention, ...]:
        """Everything the change names, for its description (stash/names.py): its gallery, and
        what a subclass adds."""
        return (Mention("gallery", self.gallery_id),)

    def without(self, moved_ids: set[str]) -> Change | None:
        """This change less its parts whose basis moved (ids of moved Expects), or None when it
        cannot be split (then it is dropped whole). Only changes over many images split."""
        return None

    @property
    def is_empty(self) -> bool:
        """Nothing of it is left to send (every part was left out by `without`)."""
        return False


@dataclass(frozen=True)
class SetGalleryFields(Change):
    fields: tuple[tuple[str, Any], ...]

    def to_input(self) -> GalleryInput:
        return GalleryInput.model_validate({"id": self.gallery_id, **dict(self.fields)})

    def describe(self) -> dict[str, Any]:
        return {"gallery": self.gallery_id, "set": dict(self.fields)}

    def mentions(self) -> tuple[Mention, ...]:
        return (Mention("gallery", self.gallery_id), *_ref_mentions(self.fields))


@dataclass(frozen=True)
class AddGalleryRefs(Change):
    """One bulkGalleryUpdate adding tags, performers, scenes or urls to a gallery (mode ADD: nothing is
    removed, and what someone added meanwhile stays). refs: ((input key, ids or urls), ...), e.g.
    (("tag_ids", ("3",)), ("urls", ("https://...",)))."""

    refs: tuple[tuple[str, tuple[str, ...]], ...]

    def to_input(self) -> BulkGalleryUpdateInput:
        return BulkGalleryUpdateInput.model_validate(
            {
                "ids": [self.gallery_id],
                **{
                    key: {"values" if key == "urls" else "ids": list(values), "mode": "ADD"}
                    for key, values in self.refs
                },
            }
        )

    def describe(self) -> dict[str, Any]:
        return {"gallery": self.gallery_id, "add": {key: list(ids) for key, ids in self.refs}}

    def mentions(self) -> tuple[Mention, ...]:
        return (Mention("gallery", self.gallery_id), *_ref_mentions(self.refs))


@dataclass(frozen=True)
class CreateChapter(Change):
    title: str
    image_index: int
    # where the new chapter starts, recorded in the gallery's custom fields once Stash gave it an id
    # (Stash v0.31; apply_changes adds the SetCustomFields)
    anchor: Anchor | None = field(default=None, kw_only=True)

    def __init__(
        self,
        gallery_id: str,
        title: str,
        image_index: int,
        *,
        expects: tuple[Expect, ...] = (),
        anchor: Anchor | None = None,
    ) -> None:
        """Its own (plain.dataclass keeps it): a chapter plan makes one per chapter, and the generic
        one, which reads the field list on each call, costs several times more."""
        values = self.__dict__  # (frozen: set as plain.dataclass's __init__ sets them)
        values["gallery_id"] = gallery_id
        values["expects"] = expects
        values["title"] = title
        values["image_index"] = image_index
        values["anchor"] = anchor

    def to_input(self) -> InputJson:
        return ChapterCreateInput.json_of(self.gallery_id, self.title, self.image_index)

    def describe(self) -> dict[str, Any]:
        return {"gallery": self.gallery_id, "create_chapter": {"title": self.title, "image_index": self.image_index}}


@dataclass(frozen=True)
class UpdateChapter(Change):
    chapter_id: str
    title: str
    image_index: int

    def to_input(self) -> ChapterUpdateInput:
        if not self.title:  # a chapter without a title is moved, its title left as it is
            return ChapterUpdateInput(id=self.chapter_id, image_index=self.image_index)
        return ChapterUpdateInput(id=self.chapter_id, title=self.title, image_index=self.image_index)

    def describe(self) -> dict[str, Any]:
        return {
            "gallery": self.gallery_id,
            "update_chapter": {"id": self.chapter_id, "title": self.title, "image_index": self.image_index},
        }

    def mentions(self) -> tuple[Mention, ...]:
        return (Mention("gallery", self.gallery_id), Mention("chapter", self.chapter_id))


@dataclass(frozen=True)
class DestroyChapter(Change):
    chapter_id: str
    title: str

    def to_input(self) -> str:
        return self.chapter_id

    def describe(self) -> dict[str, Any]:
        return {"gallery": self.gallery_id, "destroy_chapter": {"id": self.chapter_id, "title": self.title}}

    def mentions(self) -> tuple[Mention, ...]:
        return (Mention("gallery", self.gallery_id), Mention("chapter", self.chapter_id, self.title or None))


@dataclass(frozen=True)
class SetCustomFields(Change):
    """One galleryUpdate setting some of a gallery's custom fields and removing others (a partial
    update: no other field is touched). Stash v0.31."""

    set: tuple[tuple[str, str | int | float], ...] = ()
    remove: tuple[str, ...] = ()

    def to_input(self) -> GalleryInput:
        given: dict[str, Any] = {}
        if self.set:
            given["partial"] = dict(self.set)
        if self.remove:
            given["remove"] = list(self.remove)
        return GalleryInput.model_validate({"id": self.gallery_id, "custom_fields": given})

    def describe(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.set:
            found["set"] = dict(self.set)
        if self.remove:
            found["remove"] = list(self.remove)
        return {"gallery": self.gallery_id, "custom_fields": found}


@dataclass(frozen=True)
class SetCover(Change):
    image_id: str
    path: str | None
    replaces: str | None = None  # the id of a chosen cover this one replaces (only a person's own choice does)

    def __init__(
        self,
        gallery_id: str,
        image_id: str,
        path: str | None,
        replaces: str | None = None,
        *,
        expects: tuple[Expect, ...] = (),
    ) -> None:
        """Its own (plain.dataclass keeps it): Set covers makes one per gallery, and the generic
        one, which reads the field list on each call, costs several times more."""
        values = self.__dict__  # (frozen: set as plain.dataclass's __init__ sets them)
        values["gallery_id"] = gallery_id
        values["expects"] = expects
        values["image_id"] = image_id
        values["path"] = path
        values["replaces"] = replaces

    def to_input(self) -> InputJson:
        return SetCoverInput.json_of(self.gallery_id, self.image_id)

    def describe(self) -> dict[str, Any]:
        found: dict[str, Any] = {"image": self.image_id, "path": self.path}
        if self.replaces is not None:
            found["replaces"] = self.replaces
        return {"gallery": self.gallery_id, "set_cover": found}

    def mentions(self) -> tuple[Mention, ...]:
        return (Mention("gallery", self.gallery_id), Mention("image", self.image_id, file_name(self.path)))


@dataclass(frozen=True)
class ResetCover(Change):
    image_id: str
    path: str | None = None  # None: the chosen cover is not one of the gallery's images

    def to_input(self) -> str:
        return self.gallery_id

    def describe(self) -> dict[str, Any]:
        return {"gallery": self.gallery_id, "reset_cover": {"was": self.image_id, "path": self.path}}

    def mentions(self) -> tuple[Mention, ...]:
        return (Mention("gallery", self.gallery_id), Mention("image", self.image_id, file_name(self.path)))


@dataclass(frozen=True)
class UpdateImages(Change):
    """One bulkImageUpdate: the same fields on some images.

    `image_ids`: a tuple, or Ids (common/id_array.py: 8 bytes an id, where a big gallery names thousands);
    its input is kept as the JSON text of its request (InputJson), so the ids become strings only
    while it is written, 500 at a time, never all of a big gallery's at once. Ids are valid ids by
    construction: only the fields are checked, once per distinct value (models.image_update_json).
    `other_galleries`: the other galleries these images are in. The images are planned
    once per run, by the first gallery that reads them; when the write fails, every
    gallery sharing them fails with it (so Finish new galleries keeps them all marked).
    """

    image_ids: tuple[str, ...] | Ids
    fields: tuple[tuple[str, Any], ...]
    other_galleries: tuple[str, ...] = ()
    moved_images: tuple[str, ...] = ()  # left out: changed meanwhile (see `without`)

    def __init__(
        self,
        gallery_id: str,
        image_ids: tuple[str, ...] | Ids,
        fields: tuple[tuple[str, Any], ...],
        other_galleries: tuple[str, ...] = (),
        moved_images: tuple[str, ...] = (),
        *,
        expects: tuple[Expect, ...] = (),
    ) -> None:
        """Its own (plain.dataclass keeps it): Sync makes one per group of images of every gallery,
        and the generic one, which reads the field list on each call, costs several times more."""
        values = self.__dict__  # (frozen: set as plain.dataclass's __init__ sets them)
        values["gallery_id"] = gallery_id
        values["expects"] = expects
        values["image_ids"] = image_ids
        values["fields"] = fields
        values["other_galleries"] = other_galleries
        values["moved_images"] = moved_images

    @property
    def galleries(self) -> tuple[str, ...]:
        return (self.gallery_id, *self.other_galleries)

    def to_input(self) -> InputJson:
        if isinstance(self.image_ids, tuple):  # (ids given as text: each is checked as a Stash id)
            return BulkImageUpdateInput.model_validate({"ids": list(self.image_ids), **dict(self.fields)}).as_json()
        return image_update_json(self.image_ids, self.fields)

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            "gallery": self.gallery_id,
            "update_images": {"images": len(self.image_ids), **dict(self.fields)},
        }
        if self.moved_images:
            described[MOVED] = {"images": list(self.moved_images)}
        return described

    def mentions(self) -> tuple[Mention, ...]:
        return (
            Mention("gallery", self.gallery_id),
            *_ref_mentions(self.fields),
            *(Mention("image", i) for i in self.moved_images),
        )

    def without(self, moved_ids: set[str]) -> UpdateImages | None:
        """The same update without the images whose basis moved (they are named in moved_images)."""
        left = tuple(i for i in self.image_ids if i not in moved_ids)
        if len(left) == len(self.image_ids):
            return self
        kept = set(left)
        return replace(
            self,
            image_ids=left,
            expects=tuple(e for e in self.expects if e.id in kept),
            moved_images=(*self.moved_images, *(i for i in self.image_ids if i in moved_ids)),
        )

    @property
    def is_empty(self) -> bool:
        return not self.image_ids


@dataclass(frozen=True)
class GalleryImages(Change):
    """Images joining or leaving a hand-made gallery (Stash refuses zip and folder galleries): the
    input and description AddGalleryImages and RemoveGalleryImages share; `action` names which."""

    image_ids: tuple[str, ...]
    action: ClassVar[str]

    def to_input(self) -> tuple[str, tuple[str, ...]]:
        return (self.gallery_id, self.image_ids)

    def describe(self) -> dict[str, Any]:
        return {"gallery": self.gallery_id, self.action: list(self.image_ids)}

    def mentions(self) -> tuple[Mention, ...]:
        return (Mention("gallery", self.gallery_id), *_image_mentions(self.image_ids))


@dataclass(frozen=True)
class AddGalleryImages(GalleryImages):
    """addGalleryImages: images join a hand-made gallery."""

    action = "add_gallery_images"


@dataclass(frozen=True)
class RemoveGalleryImages(GalleryImages):
    """removeGalleryImages: images leave a hand-made gallery; their files and image records stay."""

    action = "remove_gallery_images"


@dataclass(frozen=True)
class CreateGallery(Change):
    """galleryCreate of a hand-made gallery with this title, then addGalleryImages of its images.
    `gallery_id` is "" (it has none yet): its outcome is charged to no gallery of the run."""

    title: str
    image_ids: tuple[str, ...]

    def to_input(self) -> tuple[GalleryInput, tuple[str, ...]]:
        return (GalleryInput(title=self.title), self.image_ids)

    def describe(self) -> dict[str, Any]:
        return {"new_gallery": {"title": self.title, "images": list(self.image_ids)}}

    def mentions(self) -> tuple[Mention, ...]:
        return _image_mentions(self.image_ids)  # the gallery has no id yet: its title says it


@dataclass(frozen=True)
class CarryImageMetadata(UpdateImages):
    """bulkImageUpdate of one kept image: what a person set on the image of a duplicate that the
    duplicate's delete destroys (never overwriting: every value it sets was empty when read).
    Dropped whole when its basis moved, and the duplicate's delete with it (`other_galleries`)."""

    def without(self, moved_ids: set[str]) -> None:
        return None


@dataclass(frozen=True)
class DestroyGallery(Change):
    """galleryDestroy of one gallery, its files kept (delete_file false).

    Sent only when its `basis` (deletes.DeleteBasis: everything it would take with it, as the plan
    read it, and the disk's proof when it is deleted as gone) is read again unchanged in the
    request right before it (`deletes_unmoved`); a delete without a basis is never sent. A merge's
    delete names the gallery it was merged into: when that copy fails or moved, it is not sent.
    `image_records`: the images Stash destroys with it (a zip gallery's); `image_metadata`: what a
    person set on them, copied to the kept gallery's images first."""

    title: str | None
    why: str
    merged_into: str | None = None  # a merge's kept gallery: when its copy fails, this is not deleted
    path: str | None = None  # its zip's or folder's path, said in the log (a gone gallery has no title)
    basis: DeleteBasis | None = field(default=None, compare=False, repr=False)
    paths: tuple[str, ...] = ()  # every zip file's path, when it has more than one
    image_records: int = 0
    image_metadata: tuple[str, ...] = ()

    @property
    def galleries(self) -> tuple[str, ...]:
        return (self.gallery_id,) if self.merged_into is None else (self.gallery_id, self.merged_into)

    def to_input(self) -> str:
        return self.gallery_id

    def describe(self) -> dict[str, Any]:
        found: dict[str, Any] = {"title": self.title, "why": self.why}
        if self.merged_into is not None:
            found["merged_into"] = self.merged_into
        if self.path is not None:
            found["path"] = self.path
        if len(self.paths) > 1:
            found["paths"] = list(self.paths)
        if self.image_records:
            found["image_records"] = self.image_records
            found["image_metadata"] = list(self.image_metadata)
        return {"gallery": self.gallery_id, "destroy_gallery": found}

    def mentions(self) -> tuple[Mention, ...]:
        own = Mention("gallery", self.gallery_id, self.title or file_name(self.path))
        return (own,) if self.merged_into is None else (own, Mention("gallery", self.merged_into))


@dataclass(frozen=True)
class MarkerTag(Change):
    """bulkGalleryUpdate adding (TagGalleries) or removing (UntagGalleries) one tag on galleries:
    a marker of the plugin's ("Gallery Tools: new", "Gallery Tools: scraped")."""

    MODE: ClassVar[str] = "ADD"
    tag_id: str | None  # None only in a preview, before the tag exists
    other_galleries: tuple[str, ...] = ()
    tag_name: str = ""

    @property
    def galleries(self) -> tuple[str, ...]:
        return (self.gallery_id, *self.other_galleries)

    def to_input(self) -> BulkGalleryUpdateInput:
        if self.tag_id is None:
            raise ValueError(f"the tag {self.tag_name!r} does not exist yet")
        return BulkGalleryUpdateInput.model_validate(
            {"ids": list(self.galleries), "tag_ids": {"ids": [self.tag_id], "mode": self.MODE}}
        )

    def describe(self) -> dict[str, Any]:
        key = "add_tag" if self.MODE == "ADD" else "remove_tag"
        return {"galleries": list(self.galleries), key: {"id": self.tag_id, "name": self.tag_name}}

    def mentions(self) -> tuple[Mention, ...]:
        tag = (Mention("tag", self.tag_id, self.tag_name or None),) if self.tag_id else ()
        return (*(Mention("gallery", g) for g in self.galleries), *tag)


@dataclass(frozen=True)
class UntagGalleries(MarkerTag):
    """The new-gallery marker taken off galleries Finish new galleries is done with."""

    MODE: ClassVar[str] = "REMOVE"


@dataclass(frozen=True)
class TagGalleries(MarkerTag):
    """The scraped marker put on galleries Scrape galleries is done with."""

    MODE: ClassVar[str] = "ADD"


@dataclass(frozen=True)
class ScrapeGallery(Change):
    """What a scraper gave one gallery, and the scraped marker, in one galleryUpdate: so a run killed
    at any request has either written all of a gallery's scrape and marked it, or nothing of it.

    `sets`: (field, old, new) of title, code, details, photographer, date, and ("studio", old name,
    new name) with `studio_id`; `add_*`: what is added, ((id, name), ...) for tags and performers (id
    None: a name to be created, in a preview); the lists sent are the gallery's as read plus these
    (galleryUpdate replaces lists: `expects` makes sure they are still what was read)."""

    name: str
    scraper: str
    sets: tuple[tuple[str, Any, Any], ...] = ()
    studio_id: str | None = None
    add_tags: tuple[tuple[str | None, str], ...] = ()
    add_performers: tuple[tuple[str | None, str], ...] = ()
    add_urls: tuple[str, ...] = ()
    tag_ids: tuple[str, ...] = ()
    performer_ids: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    marker_id: str | None = None
    notes: tuple[str, ...] = ()  # what the scraper said that was not taken, and why

    def to_input(self) -> GalleryInput:
        added = [ref_id for ref_id, _ in (*self.add_tags, *self.add_performers)]
        if self.marker_id is None or None in added:
            raise ValueError("a tag, performer or the scraped marker does not exist yet")
        fields: dict[str, Any] = {"id": self.gallery_id}
        for name, _, new in self.sets:
            if name == "studio":
                fields["studio"] = {"id": self.studio_id}
            else:
                fields[name] = new
        fields["tags"] = [
            {"id": i} for i in dict.fromkeys((*self.tag_ids, *(i for i, _ in self.add_tags), self.marker_id))
        ]
        if self.add_performers:
            fields["performers"] = [{"id": i} for i in (*self.performer_ids, *(i for i, _ in self.add_performers))]
        if self.add_urls:
            fields["urls"] = [*self.urls, *self.add_urls]
        return GalleryInput.model_validate(fields)

    def describe(self) -> dict[str, Any]:
        scrape: dict[str, Any] = {"scraper": self.scraper}
        if self.sets:
            scrape["set"] = {name: {"old": old, "new": new} for name, old, new in self.sets}
        added = {
            kind: [name if ref_id else f"{name} (new)" for ref_id, name in refs]
            for kind, refs in (("tags", self.add_tags), ("performers", self.add_performers))
            if refs
        }
        if self.add_urls:
            added["urls"] = list(self.add_urls)
        if added:
            scrape["add"] = added
        if self.notes:
            scrape["notes"] = list(self.notes)
        return {"gallery": self.gallery_id, "name": self.name, "scrape": scrape}

    def mentions(self) -> tuple[Mention, ...]:
        return (Mention("gallery", self.gallery_id, self.name or None),)


# The order in which a page's changes are sent: fields first, chapters (create before
# destroy, so a killed run never has fewer chapters than it wanted), then the chapters'
# anchors (after the chapters they follow: a run stopped between the two finds its chapters
# on their images and only records them, anchors.py), covers, images,
# the new-gallery marker once everything else for its gallery went through, and deleting
# galleries last of all (a merge copies a gallery's metadata before it deletes it).
APPLY_ORDER: tuple[type[Change], ...] = (
    CreateGallery,
    SetGalleryFields,
    ScrapeGallery,
    AddGalleryRefs,
    AddGalleryImages,
    CreateChapter,
    UpdateChapter,
    DestroyChapter,
    SetCustomFields,
    SetCover,
    ResetCover,
    UpdateImages,
    CarryImageMetadata,
    RemoveGalleryImages,
    UntagGalleries,
    TagGalleries,
    DestroyGallery,
)

# The GalleryOps batch method that writes each kind (the same methods the ops tests test).
SENDERS: dict[type[Change], Callable[[GalleryOps, Sequence[Any]], BatchResult]] = {
    SetGalleryFields: GalleryOps.update_galleries_each,
    ScrapeGallery: GalleryOps.update_galleries_each,
    AddGalleryRefs: GalleryOps.bulk_gallery_update_each,
    CreateChapter: GalleryOps.create_chapters,
    UpdateChapter: GalleryOps.update_chapters,
    DestroyChapter: GalleryOps.destroy_chapters,
    SetCustomFields: GalleryOps.update_galleries_each,
    SetCover: GalleryOps.set_covers,
    ResetCover: GalleryOps.reset_covers,
    UpdateImages: GalleryOps.bulk_image_update_each,
    AddGalleryImages: GalleryOps.add_gallery_images_each,
    RemoveGalleryImages: GalleryOps.remove_gallery_images_each,
    CreateGallery: GalleryOps.create_galleries_with_images,
    CarryImageMetadata: GalleryOps.bulk_image_update_each,
    UntagGalleries: GalleryOps.bulk_gallery_update_each,
    TagGalleries: GalleryOps.bulk_gallery_update_each,
    DestroyGallery: GalleryOps.destroy_galleries_each,
}


def _problem(exc: ValueError) -> str:
    return validation_problems(exc, "input") if isinstance(exc, RecordError) else " ".join(str(exc).split())


def _charge(failed: dict[str, str], change: Change, message: str) -> None:
    for gallery_id in change.galleries:
        failed.setdefault(gallery_id, message)


@dataclass
class Applied:
    """What apply_changes did with the changes it was given (`given`, in their order).

    `changes[i]` is the i-th change given (after them, the anchors of the chapters it made: add),
    or what was left of it once the parts whose basis
    moved were left out (Change.without: it names them); `taken[i]` says whether Stash took it.
    `failed` and `moved` name the galleries whose changes failed now ({gallery id: error}), or
    were dropped because what they would overwrite changed after it was read ({gallery id:
    reason}): their later changes were not sent either."""

    given: list[Change]
    changes: list[Change]
    taken: list[bool]
    failed: dict[str, str] = field(default_factory=dict)
    moved: dict[str, str] = field(default_factory=dict)

    @classmethod
    def nothing_yet(cls, changes: Sequence[Change]) -> Applied:
        return cls(list(changes), list(changes), [False] * len(changes))

    def add(self, change: Change) -> None:
        """A change apply_changes made while it ran (a new chapter's anchor), after those given."""
        self.given.append(change)
        self.changes.append(change)
        self.taken.append(False)

    def held(self) -> dict[str, str]:
        """The galleries not done ({gallery id: reason}): changes dropped, or narrowed, because
        what they would overwrite moved."""
        found = dict(self.moved)
        for change, given in zip(self.changes, self.given, strict=True):
            if change is not given:
                for gallery_id in change.galleries:
                    found.setdefault(gallery_id, MOVED)
        return found


def apply_changes(
    ops: GalleryOps, changes: Sequence[Change], already_failed: Collection[str] = (), names: NameBook | None = None
) -> Applied:
    """Send the changes kind by kind (APPLY_ORDER), a request per chunk; returns what happened to each.

    Every input is built first: a gallery with one change Stash would refuse gets none of them.
    Changes for a gallery that failed (in `already_failed`, with an invalid change, or in an
    earlier kind or request) or whose basis moved are not sent, so a gallery is never left
    half-finished and marked done. Just before each chunk, what it would overwrite is read again
    (module docstring). A request that reached Stash and failed as a whole (e.g. HTTP 500) fails
    the galleries of its changes, and the others go on; when Stash cannot be reached (or refuses
    the session), this raises and the run stops: every further request would fail the same way.
    `names` (the run's, stash/names.py) names what the log says was changed meanwhile.
    """
    applied = Applied.nothing_yet(changes)
    names = NameBook() if names is None else names

    def blocked(change: Change) -> bool:
        return any(g in already_failed or g in applied.failed or g in applied.moved for g in change.galleries)

    ready: dict[type[Change], list[tuple[int, Any]]] = {}  # per kind, in the order given
    for index, change in enumerate(changes):
        try:
            ready.setdefault(type(change), []).append((index, change.to_input()))
        except ValueError as exc:  # a plan built from odd data: that gallery's failure
            _charge(applied.failed, change, f"invalid change {change.describe()}: {_problem(exc)}")
    for kind in APPLY_ORDER:
        todo = ready.pop(kind, [])
        # one request per chunk, so that a failure is known before the next chunk is sent
        for chunk in chunks(todo, MUTATION_BATCH_SIZE):
            sending = chunk  # (as it is while nothing failed or moved: most runs)
            if already_failed or applied.failed or applied.moved:
                sending = [(index, value) for index, value in chunk if not blocked(applied.given[index])]
            sending = _unmoved(ops, sending, applied, names) if sending else sending
            if kind is DestroyGallery and sending:
                sending = _deletes_unmoved(ops, sending, applied, names)
            if not sending:
                continue
            result = SENDERS[kind](ops, [value for _, value in sending])
            for n, (index, _) in enumerate(sending):
                if n in result.errors:
                    _charge(applied.failed, applied.changes[index], result.errors[n])
                else:
                    applied.taken[index] = True
            if kind is CreateChapter:  # their anchors, sent with the SetCustomFields (later in APPLY_ORDER)
                for write in _new_anchors(applied, sending, result):
                    applied.add(write)
                    ready.setdefault(type(write), []).append((len(applied.given) - 1, write.to_input()))
    return applied


def _basis_said(names: NameBook, field: str, value: Any) -> str:
    """A value a write assumed, as a log line says it: tags, performers and a studio by name."""
    kind = {"tags": "tag", "performers": "performer", "studio": "studio"}.get(field)
    if kind is None:
        return repr(value)
    ids = value if isinstance(value, tuple) else () if value is None else (value,)
    return ", ".join(names.called(kind, i) for i in ids) or "none"


def _unmoved(
    ops: GalleryOps, sending: list[tuple[int, Any]], applied: Applied, names: NameBook
) -> list[tuple[int, Any]]:
    """Read again what the changes would overwrite (one request); drop those whose basis moved
    (into `applied.moved`), or only their moved parts where they split (Change.without: what is
    left replaces the change in `applied.changes`). Returns what is still to send."""
    expects = [e for index, _ in sending for e in applied.changes[index].expects]
    if not expects:
        return sending
    ids: dict[str, dict[str, None]] = {"gallery": {}, "image": {}}  # each kind's ids, once each, in order
    bases: dict[str, set[str]] = {"gallery": set(), "image": set()}
    for e in expects:  # (one pass: a chapter plan has two per chapter)
        ids[e.kind][e.id] = None
        bases[e.kind].add(e.name)
    galleries, images = ops.recheck(
        list(ids["gallery"]), list(ids["image"]), gallery_basis=bases["gallery"], image_basis=bases["image"]
    )
    now: dict[str, dict[str, Any]] = {"gallery": galleries, "image": images}
    # an unread field reads as its default (no cover, no tags): never compare one. Checked once per
    # object and field read (a chapter plan's ten bases of a gallery all read its chapters).
    field_of = {name: basis_field(name) for kind_bases in bases.values() for name in kind_bases}
    for kind, found_id, read in dict.fromkeys((e.kind, e.id, field_of[e.name]) for e in expects):
        found = now[kind].get(found_id)
        if found is not None and read not in found.model_fields_set:
            raise ValueError(f"the re-read of {kind} {found_id} did not select {read}: nothing sent")
    keep: list[tuple[int, Any]] = []
    for index, value in sending:
        change = applied.changes[index]
        stale = [
            e for e in change.expects if e.id not in now[e.kind] or basis_value(now[e.kind][e.id], e.name) != e.value
        ]
        if not stale:
            keep.append((index, value))
            continue
        for e in {(e.kind, e.id): e for e in stale}.values():  # one line per gallery or image
            current = now[e.kind].get(e.id)
            if isinstance(current, Gallery):
                names.learn_gallery(current)
            elif isinstance(current, Image):
                names.learn_image(current)
            seen = "gone" if current is None else _basis_said(names, e.name, basis_value(current, e.name))
            was = _basis_said(names, e.name, e.value)
            said = names.called(e.kind, e.id)
            log.info("%s %s: %s was %s when read and is %s now: %s", e.kind, said, e.name, was, seen, MOVED)
        part = change.without({e.id for e in stale})
        if part is None:
            _charge(applied.moved, change, MOVED)
            continue
        applied.changes[index] = part
        if not part.is_empty:
            keep.append((index, part.to_input()))
    return keep


def _deletes_unmoved(
    ops: GalleryOps, sending: list[tuple[int, Any]], applied: Applied, names: NameBook
) -> list[tuple[int, Any]]:
    """The deletes whose basis is unchanged, read again in one request right before they are sent
    (GalleryOps.delete_basis); the others are dropped as changed meanwhile (into `applied.moved`),
    and a delete without a basis is never sent. Stash has no compare-and-set: an edit between this
    read and the delete itself (one round trip) is the one window left."""
    from .deletes import basis_now, moved_deletes  # (here: a run that deletes nothing does not import them)

    deletes = [(index, applied.changes[index]) for index, _ in sending]
    planned = {c.gallery_id: c.basis for _, c in deletes if isinstance(c, DestroyGallery) and c.basis is not None}
    ids = list(dict.fromkeys([*planned, *(b.kept for b in planned.values() if b.kept is not None)]))
    now_galleries, now_images = (
        basis_now(ops, ids, [g for g, b in planned.items() if b.images is not None]) if planned else ({}, {})
    )
    changed = moved_deletes(planned, now_galleries, now_images)
    keep: list[tuple[int, Any]] = []
    for (index, value), (_, change) in zip(sending, deletes, strict=True):
        why = changed.get(change.gallery_id) if change.gallery_id in planned else "it was planned without a basis"
        if why is None:
            keep.append((index, value))
            continue
        said = names.called("gallery", change.gallery_id)
        log.info("gallery %s: not deleted, %s since the run read it: %s", said, why, MOVED)
        _charge(applied.moved, change, MOVED)
    return keep


def _new_anchors(applied: Applied, sending: list[tuple[int, Any]], result: BatchResult) -> list[SetCustomFields]:
    """The anchor writes of the chapters just made, now that Stash gave them ids: one
    SetCustomFields per gallery, sent with the page's SetCustomFields."""
    from .anchors import anchor_field  # (here: a run that makes no chapter does not import anchors.py)

    by_gallery: dict[str, dict[str, str]] = {}
    for n, (index, _) in enumerate(sending):
        change = applied.changes[index]
        anchor = getattr(change, "anchor", None)
        if anchor is None:  # (every chapter on a Stash without custom fields)
            continue
        made = result.data[n] if n not in result.errors else None
        if isinstance(change, CreateChapter) and isinstance(made, dict) and made.get("id"):
            by_gallery.setdefault(change.gallery_id, {})[anchor_field(str(made["id"]))] = anchor.encode()
    return [SetCustomFields(gallery_id, set=tuple(fields_set.items())) for gallery_id, fields_set in by_gallery.items()]
