"""Names for ids: what a person reads instead of ids, in one place for a run.

A run's log lines and output name things as Stash shows them: a gallery by its title, else its
zip's or folder's file name; tags, performers and studios by name; a scene by its title, else
its video's file name; an image by its file name; a chapter by its title. The id follows in
brackets (`"Harbour" [10]`), so that a name shared by two things still tells them apart.

One book (`NameBook`) per run holds what the run learned. It is filled from what the run reads
anyway: each page of galleries (their titles and paths, and the names of their tags,
performers, studio, scenes and chapters where those were selected with names), and what a
change knows itself (a chapter's title, a cover's file). What is still unknown when the report
is written is read in one request for every kind at once (GalleryOps.names_of, through the
same request as the gallery page's: GalleryOps.names), never one per change.

Memory stays flat on big runs: the book keeps the last LEARNED_KEPT galleries, images and chapters (a
report names the changes of the page it just planned), and every tag, performer, studio and
scene it met (a library has far fewer of those than galleries).

The gallery page's previews read more than names: each gallery as it is now beside what a change
would make of it. They collect the ids their rows name into a NameRequest and ask GalleryOps.names
once; the answer (Names) holds whole galleries (selections.GALLERY_NOW), scenes and images, and the
images at 1-based positions of galleries (a chapter's first image, in Stash's gallery order). Its
rows name things with the same functions as the log (gallery_name, image_name, scene_name).

Standard library only, like the new-gallery hook that names its gallery with `display_name` and
`called` (models are read by their attributes, and imported for type checking only).
"""

from __future__ import annotations

from collections import namedtuple

from ..common import json_text as json, paths
from ..common.limits import LEARNED_KEPT

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

    from .models import Gallery, Image, Scene

NAMED_KINDS = ("gallery", "tag", "performer", "studio", "scene", "image", "chapter")
# what an input's reference key names
REF_KINDS = {"tag_ids": "tag", "performer_ids": "performer", "scene_ids": "scene", "studio_id": "studio"}
NAMED_IMAGES = 5  # image files named one by one in a change or a row; then "and N more"
# kinds that can be many per library: only the most recently learned are kept
_RECENT_ONLY = ("gallery", "image", "chapter")


# A thing a change or a log line names: its kind (NAMED_KINDS), its id, and its name when the change
# knows it itself (a chapter's title, a cover's file name), else None.
Mention = namedtuple("Mention", "kind id name", defaults=(None,))


def file_name(path: str | None) -> str | None:
    """The file name of a path (the path itself when it has none, such as a drive root)."""
    return (paths.base_name(path) or path) if path else None


def display_name(title: str | None, path: str | None) -> str | None:
    """What Stash's UI shows for a gallery or a scene: its title, else its file's or folder's name."""
    return title or file_name(path)


def gallery_name(gallery: Gallery) -> str | None:
    """A gallery's display_name (None when neither its title nor its path was read: an unread
    `files` or `folder` is None, as a gallery without them)."""
    return gallery.title or file_name(gallery.path)


def image_name(image: Image) -> str | None:
    """An image's file name (its title when no path was read)."""
    return file_name(image.path) or image.title or None


def scene_name(scene: Scene) -> str | None:
    return display_name(scene.title, scene.files[0].path if scene.files else None)


def called(name: str | None, id: str) -> str:
    """A thing as log lines say it: its name in quotes and its id in brackets (`"Harbour" [10]`);
    the id alone (`[10]`) when its name is unknown (deleted meanwhile, or never there)."""
    return f"{json.dumps(name, ensure_ascii=False)} [{id}]" if name else f"[{id}]"


class NameBook:
    """The names one run learned, by kind and id (see the module docstring)."""

    def __init__(self, kept: int = LEARNED_KEPT) -> None:
        self.kept = kept
        self.known: dict[str, dict[str, str]] = {kind: {} for kind in NAMED_KINDS}
        # galleries handed over by learn_galleries and not looked at yet: read for names only when a
        # name is asked for (a run whose pages change nothing spends no time on names)
        self.unread: list[Gallery] = []
        self.refs_read = False  # (their studios', tags', performers' and scenes' names learned already)

    def learn(self, kind: str, id: str, name: str | None) -> None:
        """Remember a name (nothing for an empty one)."""
        if not name:
            return
        known = self.known[kind]
        known.pop(id, None)  # learned again: now the most recent
        known[id] = name
        if kind in _RECENT_ONLY and len(known) > self.kept:
            del known[next(iter(known))]

    def learn_gallery(self, gallery: Gallery) -> None:
        """A gallery's name, and those of what it carries with names (studio, tags, performers,
        scenes, chapters), as far as they were read."""
        self.learn("gallery", gallery.id, gallery_name(gallery))
        self._learn_refs(gallery)
        for chapter in gallery.chapters or ():
            self.learn("chapter", chapter.id, chapter.title)

    def _learn_refs(self, gallery: Gallery) -> None:
        """The names of a gallery's studio, tags, performers and scenes (kinds kept without a bound:
        learning them puts no gallery, image or chapter out of the book)."""
        studio = gallery.studio
        if studio is not None:
            self.learn("studio", studio.id, studio.name)
        for tag in gallery.tags or ():
            self.learn("tag", tag.id, tag.name)
        for performer in gallery.performers or ():
            self.learn("performer", performer.id, performer.name)
        for scene in gallery.scenes or ():
            self.learn("scene", scene.id, scene.title)

    def learn_galleries(self, galleries: Iterable[Gallery]) -> None:
        """The galleries of a page a run read: their names are learned when one is first asked for
        (the last LEARNED_KEPT galleries handed over are kept until then)."""
        self.unread.extend(galleries)
        self.refs_read = False
        if len(self.unread) > self.kept:
            del self.unread[: len(self.unread) - self.kept]

    def learn_image(self, image: Image) -> None:
        self.learn("image", image.id, image_name(image))

    def learn_scene(self, scene: Scene) -> None:
        self.learn("scene", scene.id, scene_name(scene))

    def learn_found(self, found: Mapping[str, Mapping[str, str]]) -> None:
        """What GalleryOps.names_of answered ({kind: {id: name}})."""
        for kind, names in found.items():
            for id, name in names.items():
                self.learn(kind, id, name)

    def name(self, kind: str, id: str) -> str | None:
        """What the book knows `kind` `id` by, after reading the unread galleries for it if need be:
        all of them for a gallery or a chapter, only their refs for a studio, tag, performer or
        scene (never for an image: a gallery names none). Reading every unread gallery for a tag
        would learn up to LEARNED_KEPT galleries' names, putting out of the book the galleries a
        report names, which it would then ask Stash for again."""
        found = self.known[kind].get(id)
        if found is not None or not self.unread or kind == "image":
            return found
        if kind in _RECENT_ONLY:  # (a gallery or a chapter)
            unread, self.unread = self.unread, []
            for gallery in unread:
                self.learn_gallery(gallery)
        elif not self.refs_read:
            self.refs_read = True
            for gallery in self.unread:
                self._learn_refs(gallery)
        return self.known[kind].get(id)

    def name_of(self, mention: Mention) -> str | None:
        """The mention's own name, else the one learned."""
        return mention.name or self.name(mention.kind, mention.id)

    def called(self, kind: str, id: str) -> str:
        """`"Harbour" [10]`, or `[10]` while the name is unknown."""
        return called(self.name(kind, id), id)

    def unknown(self, mentions: Iterable[Mention]) -> dict[str, list[str]]:
        """The ids whose names are neither in the mentions nor learned, by kind (chapters are
        named by their gallery's read or by the change: Stash has no query for them by id; a
        gallery not made yet has no id)."""
        out: dict[str, dict[str, None]] = {}
        for mention in mentions:
            if mention.kind != "chapter" and mention.id and self.name_of(mention) is None:
                out.setdefault(mention.kind, {})[mention.id] = None
        return {kind: list(ids) for kind, ids in out.items()}

    def of(self, mentions: Iterable[Mention]) -> dict[str, dict[str, str]]:
        """The names of the mentions that have one, as output carries them: {kind: {id: name}}."""
        out: dict[str, dict[str, str]] = {}
        for mention in mentions:
            name = self.name_of(mention)
            if name:
                out.setdefault(mention.kind, {})[mention.id] = name
        return out


def said(names: Mapping[str, Mapping[str, str]] | None, kind: str, id: Any) -> str:
    """A thing as a sentence says it, from an output's names ({kind: {id: name}})."""
    return called((names or {}).get(kind, {}).get(str(id)), str(id))


# -- the gallery page's read: whole galleries, scenes and images, by kind ------------------------
KINDS = ("tags", "performers", "studios", "scenes", "galleries", "images")
# a named kind (NAMED_KINDS) -> its field of NameRequest and Names
KIND_FIELDS = {
    "tag": "tags",
    "performer": "performers",
    "studio": "studios",
    "scene": "scenes",
    "gallery": "galleries",
    "image": "images",
}


class NameRequest:
    """The ids to name, by kind, and the (gallery id, position) of images to name. (A plain class:
    the hook imports this module, and dataclasses costs it an import.)"""

    def __init__(
        self,
        *,
        tags: Iterable[str] = (),
        performers: Iterable[str] = (),
        studios: Iterable[str] = (),
        scenes: Iterable[str] = (),
        galleries: Iterable[str] = (),
        images: Iterable[str] = (),
        positions: Iterable[tuple[str, int]] = (),
    ) -> None:
        self.tags = set(tags)
        self.performers = set(performers)
        self.studios = set(studios)
        self.scenes = set(scenes)
        self.galleries = set(galleries)
        self.images = set(images)
        self.positions = set(positions)

    def ids(self, kind: str) -> list[str]:
        """The ids of one kind, in a fixed order (the request text and its answer do not vary)."""
        return sorted(getattr(self, kind), key=lambda value: (len(value), value))

    @property
    def empty(self) -> bool:
        return not self.positions and not any(getattr(self, kind) for kind in KINDS)

    def add(self, other: NameRequest) -> NameRequest:
        """This request with every id and place of `other` too (one request for both)."""
        for kind in (*KINDS, "positions"):
            getattr(self, kind).update(getattr(other, kind))
        return self

    @classmethod
    def of(cls, wanted: Mapping[str, Iterable[str]]) -> NameRequest:
        """The request for ids by named kind ({"tag": ["3"], ...}; kinds Stash cannot read by id,
        such as chapters, are left out)."""
        request = cls()
        for kind, ids in wanted.items():
            if kind in KIND_FIELDS:
                getattr(request, KIND_FIELDS[kind]).update(ids)
        return request


class Names:
    """What Stash answered: a missing id names nothing (deleted meanwhile, or never there)."""

    def __init__(self) -> None:
        self.tags: dict[str, str] = {}
        self.performers: dict[str, str] = {}
        self.studios: dict[str, str] = {}
        self.scenes: dict[str, Scene] = {}
        self.galleries: dict[str, Gallery] = {}
        self.images: dict[str, Image] = {}
        self.at_position: dict[tuple[str, int], Image] = {}

    def named(self) -> dict[str, dict[str, str]]:
        """What was found, as names by named kind ({"tag": {"3": "Outdoor"}, ...}; kinds with none
        left out), each said as Stash's UI says it (gallery_name, image_name, scene_name)."""
        found: dict[str, dict[str, str | None]] = {
            "tag": dict(self.tags),
            "performer": dict(self.performers),
            "studio": dict(self.studios),
            "scene": {i: scene_name(scene) for i, scene in self.scenes.items()},
            "gallery": {i: gallery_name(gallery) for i, gallery in self.galleries.items()},
            "image": {i: image_name(image) for i, image in self.images.items()},
        }
        out = {kind: {i: name for i, name in names.items() if name} for kind, names in found.items()}
        return {kind: names for kind, names in out.items() if names}
