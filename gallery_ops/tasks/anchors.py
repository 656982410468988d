"""Chapter anchors: the image each chapter starts at, kept in the gallery's custom fields.

A chapter in Stash is only an image index (1-based, into the gallery's image order), so
when images are added to a gallery or removed from it (a rescan of a zip, a hand edit)
every chapter after that point starts at the wrong image. On a Stash with gallery custom
fields (v0.31) Gallery Tools keeps, per chapter, the image it starts at: one custom field
per chapter, named ANCHOR_PREFIX + the chapter's id, whose value is a small JSON text:

    gallery_tools.chapter.17 = {"index": 5, "path": "/lib/Trip.zip/Day 2/001.jpg", "md5": "9f1c..."}

`index` is the chapter's image_index when the anchor was recorded, `path` and `md5` (Stash's
checksum of the file) say which image that was. docs/custom_fields.md describes the fields
for people who see them in Stash.

Repairing (plan_repair) compares each chapter with its anchor:
- no anchor yet (a chapter a person made, or one made before anchors): the image at the
  chapter's index now is recorded;
- the chapter is where its anchor says and its image is there: nothing to do;
- the chapter is where its anchor says but another image is there now (images were added or
  removed): it is moved to where its image is now, and the anchor follows; when its image is
  in the gallery no more, the chapter is left as it is and reported (the anchor is kept, so
  the chapter is repaired if the image comes back);
- the chapter is somewhere else than its anchor says: a person moved it since (or a run was
  stopped between moving a chapter and recording where): it is never moved back; its
  anchor is recorded anew from the image at its index now.
Anchors of chapters that are gone are removed. Everything is written with partial custom
field updates, so no other field is touched, and a chapter is moved before its anchor is
written: a run stopped in between finds the chapter on its image and only records it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..common import json_text as json
from ..common.chapter_anchors import ANCHOR_PREFIX, Anchor, anchor_field, anchors_of, is_anchor_field
from ..common.plain import dataclass, field
from ..stash.models import Gallery, Image

__all__ = [
    "ANCHOR_PREFIX",
    "Anchor",
    "AnchorFold",
    "AnchorImage",
    "Repair",
    "anchor_at",
    "anchor_field",
    "anchors_of",
    "is_anchor_field",
    "plan_anchors",
    "same_image",
]


@dataclass(frozen=True)
class AnchorImage:
    """What anchors need of an image: its path and md5 (either may be unknown)."""

    path: str | None
    md5: str | None

    @classmethod
    def of(cls, image: Image) -> AnchorImage:
        files = image.visual_files or image.files or []
        first = files[0] if files else None
        return cls(first.path if first else None, first.fingerprint if first else None)


def same_image(anchor: Anchor, image: AnchorImage | None) -> bool:
    """Is `image` the image the anchor names? By checksum when both have one, else by path."""
    if image is None:
        return False
    if anchor.md5 and image.md5:
        return anchor.md5 == image.md5
    return anchor.path is not None and anchor.path == image.path


def anchor_at(index: int, image: AnchorImage) -> Anchor:
    return Anchor(index, image.path, image.md5)


class AnchorFold:
    """What repairing keeps of a gallery's images while they are read in gallery order (an
    ImageFold): the images at the chapters' indexes now, and the positions of the images the
    anchors name (by md5 and by path); not the images themselves."""

    def __init__(self, gallery: Gallery) -> None:
        self.count = 0
        self.indexes = {c.image_index for c in gallery.chapters or [] if c.image_index}
        anchors = [a for a in (Anchor.decode(v) for v in anchors_of(gallery.custom_fields).values()) if a]
        self.wanted_md5 = {a.md5 for a in anchors if a.md5}
        self.wanted_path = {a.path for a in anchors if a.path}
        self.at: dict[int, AnchorImage] = {}  # 1-based index -> the image there (chapter indexes, anchor matches)
        self.by_md5: dict[str, list[int]] = {}  # wanted md5 -> the positions of images with it
        self.by_path: dict[str, list[int]] = {}  # wanted path -> the positions of images with it

    def add(self, images: Sequence[Image]) -> None:
        for position, image in enumerate(images, self.count + 1):
            found = AnchorImage.of(image)
            if position in self.indexes:
                self.at[position] = found
            if found.md5 is not None and found.md5 in self.wanted_md5:
                self.by_md5.setdefault(found.md5, []).append(position)
                self.at[position] = found
            if found.path is not None and found.path in self.wanted_path:
                self.by_path.setdefault(found.path, []).append(position)
                self.at[position] = found
        self.count += len(images)

    def locate(self, anchor: Anchor) -> int | None:
        """Where the anchor's image is now (1-based), or None when it is in the gallery no more.

        The same path and md5 first; then the md5 alone (a renamed or moved file; of several
        copies the one nearest the recorded index); then the path alone (the file at that path
        changed, e.g. re-saved)."""
        same_md5 = self.by_md5.get(anchor.md5, []) if anchor.md5 else []
        same_path = self.by_path.get(anchor.path, []) if anchor.path else []
        both = [p for p in same_md5 if p in set(same_path)]
        if both:
            return min(both, key=lambda p: abs(p - anchor.index))
        if same_md5:
            return min(same_md5, key=lambda p: abs(p - anchor.index))
        if same_path:
            return min(same_path, key=lambda p: abs(p - anchor.index))
        return None


@dataclass
class Repair:
    """One gallery's repair: chapters to move ((chapter id, title, new index, old index)),
    anchor fields to write and remove, and what to report (chapters whose image is gone,
    chapters past the last image)."""

    moves: list[tuple[str, str, int, int]] = field(default_factory=list)
    write: dict[str, str] = field(default_factory=dict)
    remove: list[str] = field(default_factory=list)
    recorded: int = 0  # anchors recorded for the first time
    kept: list[str] = field(default_factory=list)  # chapters a person moved: anchors recorded anew
    lost: list[str] = field(default_factory=list)  # notes on chapters left as they are


def plan_anchors(gallery: Gallery, fold: AnchorFold) -> Repair:
    """The repair of one gallery's chapters from its anchors and images (pure; see the module
    docstring for the rules)."""
    repair = Repair()
    stored = anchors_of(gallery.custom_fields)
    chapters = sorted(gallery.chapters or [], key=lambda c: (c.image_index or 0, c.id))
    for chapter in chapters:
        index = chapter.image_index or 0
        title = chapter.title or ""
        here = fold.at.get(index)
        name = anchor_field(chapter.id)
        value = stored.get(chapter.id)
        anchor = Anchor.decode(value) if value is not None else None
        if anchor is None:
            if here is None:
                repair.lost.append(
                    f"chapter {json.dumps(title)} starts at image {index}, past the last image"
                    f" ({fold.count}): no anchor recorded"
                )
                continue
            repair.write[name] = anchor_at(index, here).encode()
            repair.recorded += 1
            continue
        if index != anchor.index:
            if here is not None:
                repair.write[name] = anchor_at(index, here).encode()
                if not same_image(anchor, here):  # a person moved it: theirs, recorded where it is now
                    repair.kept.append(title)  # (on its image: moved by a run stopped before recording it)
            else:
                repair.lost.append(
                    f"chapter {json.dumps(title)} was moved to image {index}, past the last"
                    f" image ({fold.count}): left as it is"
                )
            continue
        if same_image(anchor, here):
            continue  # on its image
        target = fold.locate(anchor)
        if target is None:
            repair.lost.append(
                f"chapter {json.dumps(title)} at image {index}: its image"
                f" ({anchor.path or anchor.md5}) is no longer in the gallery; left as it is"
            )
            continue
        if target != index:
            repair.moves.append((chapter.id, title, target, index))
        repair.write[name] = anchor_at(target, fold.at[target]).encode()
    present = {c.id for c in chapters}
    repair.remove = [anchor_field(chapter_id) for chapter_id in stored if chapter_id not in present]
    return repair


def chapter_anchor_writes(created: Iterable[tuple[str, Anchor]]) -> dict[str, str]:
    """The anchor fields of chapters just made: {field: value} for (chapter id, anchor) pairs."""
    return {anchor_field(chapter_id): anchor.encode() for chapter_id, anchor in created}
