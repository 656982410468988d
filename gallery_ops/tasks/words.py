"""A run's plans in the words a person reads: each change as a row (what, now, after) naming tags,
performers, studios, scenes, galleries and image files as Stash shows them, and what is left
alone and why. The gallery page's previews and their results are made of these rows.

Pure: the names come from one GalleryOps.names request, asked with `wanted(plans)` first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..common.constants import SCRAPED_TAG
from ..common.plain import dataclass
from ..common.skips import MOVED
from ..stash import names as naming
from ..stash.models import Gallery, Image
from ..stash.names import NAMED_IMAGES, NameRequest, Names
from .changes import (
    AddGalleryImages,
    AddGalleryRefs,
    Change,
    CreateChapter,
    CreateGallery,
    DestroyChapter,
    DestroyGallery,
    RemoveGalleryImages,
    ResetCover,
    ScrapeGallery,
    SetCover,
    SetGalleryFields,
    UntagGalleries,
    UpdateChapter,
    UpdateImages,
)
from .report import GalleryPlan, counted

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NOTHING = "—"
FIELD_LABELS = {
    "title": "Title",
    "code": "Code",
    "date": "Date",
    "details": "Details",
    "photographer": "Photographer",
    "rating100": "Rating",
    "organized": "Organized",
    "studio_id": "Studio",
    "urls": "URLs",
}
REF_LABELS = {"tag_ids": "Tags", "performer_ids": "Performers", "scene_ids": "Scenes", "urls": "URLs"}
REF_KINDS = {"tag_ids": "tags", "performer_ids": "performers", "studio_id": "studios", "scene_ids": "scenes"}
STAY = "the files and the image records stay (in Images, and in their other galleries)"


@dataclass(frozen=True)
class Row:
    """One change as the page shows it: what changes, as it is now, as it will be."""

    what: str
    before: str
    after: str
    text: str  # the whole change in one sentence (toasts, logs)
    deletes: bool = False  # it deletes or replaces something: Apply asks for a confirm
    gallery: str | None = None  # the gallery's name, when the preview covers several

    def to_output(self) -> dict[str, Any]:
        found: dict[str, Any] = {"what": self.what, "before": self.before, "after": self.after, "text": self.text}
        if self.deletes:
            found["deletes"] = True
        if self.gallery is not None:
            found["gallery"] = self.gallery
        return found


# -- what to ask names for -----------------------------------------------------------------------------
def wanted(plans: Iterable[GalleryPlan], extra_images: Iterable[str] = ()) -> NameRequest:
    """Every id the plans' rows will name (their galleries as they are now, included)."""
    request = NameRequest(images=set(extra_images))
    for plan in plans:
        if plan.gallery_id:
            request.galleries.add(plan.gallery_id)
        for change in plan.changes:
            _want(request, change)
    return request


def _want(request: NameRequest, change: Change) -> None:
    if isinstance(change, SetGalleryFields | AddGalleryRefs | UpdateImages):
        pairs = change.fields if isinstance(change, SetGalleryFields | UpdateImages) else change.refs
        for key, value in pairs:
            kind = REF_KINDS.get(key)
            if kind is not None:
                ids = value.get("ids", []) if isinstance(value, dict) else value
                getattr(request, kind).update([ids] if isinstance(ids, str) else ids)
    if isinstance(change, ScrapeGallery):  # matched names as Stash has them (a scraper's may differ in case)
        request.studios.update([change.studio_id] if change.studio_id else [])
        request.tags.update(ref_id for ref_id, _ in change.add_tags if ref_id)
        request.performers.update(ref_id for ref_id, _ in change.add_performers if ref_id)
    if isinstance(change, UpdateImages | AddGalleryImages | RemoveGalleryImages | CreateGallery):
        request.images.update(change.image_ids[:NAMED_IMAGES])
    if isinstance(change, SetCover):
        request.images.update(i for i in (change.image_id, change.replaces) if i)
    if isinstance(change, ResetCover):
        request.images.add(change.image_id)
    if isinstance(change, CreateChapter | UpdateChapter):
        request.positions.add((change.gallery_id, change.image_index))
    if isinstance(change, DestroyGallery) and change.merged_into:
        request.galleries.add(change.merged_into)


# -- names as Stash shows them --------------------------------------------------------------------------
def gallery_name(gallery: Gallery | None, gallery_id: str) -> str:
    """A gallery's name as the log says it (stash/names.py: its title, else its zip's or folder's
    name, as Stash's galleryTitle), else its id."""
    return (naming.gallery_name(gallery) if gallery else None) or f"gallery {gallery_id}"


def image_name(image: Image | None, image_id: str) -> str:
    """An image's name as the log says it (stash/names.py: its file's name, a clip's too, else its
    title), else its id."""
    return (naming.image_name(image) if image else None) or f"image {image_id}"


class Words:
    """Rows for the plans of one run, with the names read for them."""

    def __init__(self, names: Names, many: bool) -> None:
        self.names = names
        self.many = many  # the preview covers several galleries: each row names its gallery

    def gallery(self, gallery_id: str) -> str:
        return gallery_name(self.names.galleries.get(gallery_id), gallery_id)

    def image(self, image_id: str) -> str:
        return image_name(self.names.images.get(image_id), image_id)

    def images(self, image_ids: Sequence[str]) -> str:
        named = ", ".join(self.image(i) for i in image_ids[:NAMED_IMAGES])
        more = len(image_ids) - NAMED_IMAGES
        return f"{named} and {counted(more, 'more')}" if more > 0 else named

    def at(self, gallery_id: str, position: int) -> str:
        found = self.names.at_position.get((gallery_id, position))
        return f"image {position}" + (f" ({image_name(found, '')})" if found else "")

    def ref(self, key: str, ref_id: str) -> str:
        kind = REF_KINDS.get(key)
        if kind == "scenes":
            scene = self.names.scenes.get(ref_id)
            return (naming.scene_name(scene) if scene else None) or f"scene {ref_id}"
        if kind is None:
            return ref_id  # a URL
        found: dict[str, str] = getattr(self.names, kind)
        return found.get(ref_id, f"{kind[:-1]} {ref_id}")

    def value(self, key: str, value: Any) -> str:
        """A field's value as a person reads it."""
        if value is None or value == "" or value == []:
            return NOTHING
        if key == "studio_id":
            return self.ref(key, str(value))
        if key == "rating100":
            return f"{value}/100"
        if key == "organized":
            return "yes" if value else "no"
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return str(value)

    def now(self, gallery_id: str, key: str) -> str:
        """A gallery field as it is now."""
        gallery = self.names.galleries.get(gallery_id)
        if gallery is None:
            return NOTHING
        if key == "studio_id":
            return gallery.studio.name or NOTHING if gallery.studio else NOTHING
        return self.value(key, getattr(gallery, key, None))

    def chapter(self, gallery_id: str, chapter_id: str) -> str:
        gallery = self.names.galleries.get(gallery_id)
        found = next((c for c in (gallery.chapters or []) if c.id == chapter_id), None) if gallery else None
        if found is None:
            return f"chapter {chapter_id}"
        return f"“{found.title}” at {self.at(gallery_id, found.image_index or 0)}"

    def cover_now(self, gallery_id: str) -> str:
        gallery = self.names.galleries.get(gallery_id)
        cover = gallery.cover if gallery else None
        return image_name(cover, cover.id) if cover else NOTHING

    # -- the rows -------------------------------------------------------------------------------------
    def rows(self, plans: Sequence[GalleryPlan]) -> list[Row]:
        return [row for plan in plans for change in plan.changes for row in self.change(change)]

    def change(self, change: Change) -> list[Row]:
        g = change.gallery_id
        where = self.gallery(g)

        def row(what: str, before: str, after: str, text: str, deletes: bool = False) -> Row:
            return Row(what, before, after, text, deletes, where if self.many else None)

        if isinstance(change, SetGalleryFields):
            rows = []
            for key, value in change.fields:
                label, before, after = FIELD_LABELS.get(key, key), self.now(g, key), self.value(key, value)
                rows.append(row(label, before, after, f"{where}: {label.lower()} {after}", before != NOTHING))
            return rows
        if isinstance(change, AddGalleryRefs):
            rows = []
            for key, values in change.refs:
                label = REF_LABELS.get(key, key)
                added = [self.ref(key, v) for v in values]
                before = self.now(g, key) if key == "urls" else self._refs_now(g, key)
                after = ", ".join(v for v in (before if before != NOTHING else "", *[f"+ {a}" for a in added]) if v)
                rows.append(row(label, before, after, f"{where}: add {label.lower()} {', '.join(added)}"))
            return rows
        if isinstance(change, CreateChapter):
            at = self.at(g, change.image_index)
            return [row("Chapter", NOTHING, f"“{change.title}” at {at}", f"{where}: chapter “{change.title}” at {at}")]
        if isinstance(change, UpdateChapter):
            at = self.at(g, change.image_index)
            before = self.chapter(g, change.chapter_id)
            text = f"{where}: chapter “{change.title}” moves to {at}"
            return [row("Chapter", before, f"“{change.title}” at {at}", text, True)]
        if isinstance(change, DestroyChapter):
            before = self.chapter(g, change.chapter_id)
            return [row("Chapter", before, "deleted", f"{where}: chapter “{change.title}” deleted", True)]
        if isinstance(change, SetCover):
            before = self.cover_now(g) + (" (chosen)" if change.replaces else " (Stash's default)")
            after = self.image(change.image_id)
            return [row("Cover", before, after, f"{where}: cover {after}", change.replaces is not None)]
        if isinstance(change, ResetCover):
            before = f"{self.image(change.image_id)} (chosen)"
            after = "Stash's default pick"
            return [row("Cover", before, after, f"{where}: the chosen cover {before} taken away", True)]
        if isinstance(change, UpdateImages):
            words, deletes = self._image_fields(change.fields)
            moved = f" (left out, {MOVED}: {', '.join(change.moved_images)})" if change.moved_images else ""
            what = counted(len(change.image_ids), "image")
            text = f"{where}: {what}: {words}{moved}"
            return [row(what, self.images(change.image_ids), words + moved, text, deletes)]
        if isinstance(change, AddGalleryImages):
            named = self.images(change.image_ids)
            what = counted(len(change.image_ids), "image")
            text = f"{where}: add {what} ({named})"
            return [row("Images", self._image_count(g), f"+ {what}: {named}", text)]
        if isinstance(change, RemoveGalleryImages):
            named = self.images(change.image_ids)
            what = counted(len(change.image_ids), "image")
            after = f"removed from this gallery; {STAY}"
            return [row(what, named, after, f"{where}: {what} removed ({named}); {STAY}", True)]
        if isinstance(change, CreateGallery):
            named = self.images(change.image_ids)
            after = f"“{change.title}” with {counted(len(change.image_ids), 'image')}: {named}"
            return [Row("New gallery", NOTHING, after, f"new gallery {after}", False, None)]
        if isinstance(change, DestroyGallery):
            merged = f", merged into {self.gallery(change.merged_into)}" if change.merged_into else ""
            after = f"deleted ({change.why}{merged}; its files are kept)"
            return [row("Gallery", where, after, f"{where}: {after}", True)]
        if isinstance(change, ScrapeGallery):
            return [row(*parts) for parts in self._scrape(change, where)]
        if isinstance(change, UntagGalleries):
            after = f"“{change.tag_name}” removed"
            return [row("Tag", change.tag_name, after, f"{where}: tag {after}", True)]
        return [row("Change", NOTHING, str(change.describe()), str(change.describe()))]

    def _scrape(self, change: ScrapeGallery, where: str) -> list[tuple[str, str, str, str, bool]]:
        """A scrape's rows: each field it sets (replacing a value: marked), then what it adds to the
        tags (the scraped tag too: it is written with them), performers and URLs."""
        source = f" (from {change.scraper})"
        rows = []
        for name, old, new in change.sets:
            label = FIELD_LABELS["studio_id" if name == "studio" else name]
            before, after = self.value(name, old), self.value(name, new)
            if name == "studio" and change.studio_id:
                after = self.ref("studio_id", change.studio_id)
            rows.append((label, before, after, f"{where}: {label.lower()} {after}{source}", before != NOTHING))
        added = {
            "tag_ids": [self._named("tags", ref_id, name) for ref_id, name in change.add_tags] + [SCRAPED_TAG],
            "performer_ids": [self._named("performers", ref_id, name) for ref_id, name in change.add_performers],
            "urls": list(change.add_urls),
        }
        for key, names in added.items():
            if not names:
                continue
            label = REF_LABELS[key]
            before = self.now(change.gallery_id, key) if key == "urls" else self._refs_now(change.gallery_id, key)
            after = ", ".join(v for v in (before if before != NOTHING else "", *[f"+ {n}" for n in names]) if v)
            rows.append((label, before, after, f"{where}: add {label.lower()} {', '.join(names)}{source}", False))
        return rows

    def _named(self, kind: str, ref_id: str | None, name: str) -> str:
        """A tag's or performer's name as Stash has it; one a run would create, as the scraper wrote it."""
        if ref_id is None:
            return f"{name} (new)"
        found: dict[str, str] = getattr(self.names, kind)
        return found.get(ref_id, name)

    def _refs_now(self, gallery_id: str, key: str) -> str:
        gallery = self.names.galleries.get(gallery_id)
        field = {"tag_ids": "tags", "performer_ids": "performers", "scene_ids": "scenes"}[key]
        found = getattr(gallery, field, None) or [] if gallery else []
        shown = [getattr(ref, "name", None) or getattr(ref, "title", None) or ref.id for ref in found]
        return ", ".join(shown) or NOTHING

    def _image_count(self, gallery_id: str) -> str:
        gallery = self.names.galleries.get(gallery_id)
        return counted(gallery.image_count or 0, "image") if gallery else NOTHING

    def _image_fields(self, fields: Sequence[tuple[str, Any]]) -> tuple[str, bool]:
        """What an image update does, in words ("+ tags Beach; studio Lumen Studio"), and whether it
        removes or replaces anything."""
        words, deletes = [], False
        for key, value in fields:
            label = REF_LABELS.get(key, FIELD_LABELS.get(key, key)).lower()
            if isinstance(value, dict):
                names = ", ".join(self.ref(key, i) for i in value.get("ids", [])) or "none"
                mode = value.get("mode", "SET")
                verbs = {"ADD": f"+ {label} {names}", "REMOVE": f"− {label} {names}"}
                words.append(verbs.get(mode, f"{label}: {names}"))
                deletes = deletes or mode != "ADD"
            else:
                words.append(f"{label} {self.value(key, value)}")
        return "; ".join(words), deletes
