"""merge_duplicate_galleries: galleries that hold the same set, found, merged, and (by request) deleted.

Two galleries are duplicates when they have the same zip checksum (a zip copied to a
second place), or the same set of image checksums with at least one image (a set that
moved from a zip to a folder, or to a new path, and was scanned again). Groups join
through either: a gallery is in at most one group. Stash computes an md5 for zips and
images; galleries without one are left out.

Which gallery is kept (the first by these rules, in order):
1. its zip or folder is present on disk (a hand-made gallery always counts as present;
   the plugin runs on Stash's machine and checks the paths Stash reports; a path that
   cannot be told gone, because the folder holding it is missing too or cannot be read,
   counts as present: on_disk.disk_state);
2. it has more images;
3. it is a zip or folder gallery rather than a hand-made one;
4. it was added last (the highest id: after a move, the scan made the new one).

Apply copies to the kept gallery what it lacks and the others have, never overwriting:
title, code, details, photographer, date, rating, organized (false -> true), studio
(the first that has one: zip and folder galleries before hand-made ones, each in keep
order); urls, tags, performers and scenes (added); the
chapters, each moved to the image with the same checksum (not when the kept gallery
has a chapter with that title or at that image); a chosen cover, mapped the same way,
when the kept gallery has none.

With delete_duplicates=true (and dry_run=false) a duplicate is then deleted
(galleryDestroy, files kept) when it has no images, or when its zip or folder is surely
gone from disk (the folder that held it is there) and the kept one's is present. A zip
gallery takes its image records with it in Stash (its files are gone), so one whose images
are also in another gallery is never deleted. Everything else stays: a duplicate that is still on disk is listed only.

The task previews unless the run says dry_run=false. It reads the checksums of every
gallery in scope page by page (two requests per page; a big gallery's images a page at a
time, keeping only their md5s), keeps a small digest per gallery, and reads the full
galleries and images of the groups only.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..common.args import Param
from ..common.constants import MARKER_TAGS
from ..common.limits import IMAGES_IN_MEMORY, WORKFLOW_PAGE_SIZE
from ..common.log import progress
from ..common.on_disk import OnDisk, disk_state
from ..common.skips import (
    SKIP_BOTH_GONE,
    SKIP_GONE_WHILE_READ,
    SKIP_IMAGES_CHANGED,
    SKIP_KEPT_APART,
    SKIP_PRESENT,
    SKIP_SHARED,
)
from ..stash import selections
from ..stash.batch import chunks
from ..stash.models import Gallery, Image
from ..stash.operations import GalleryOps, ImagesChangedWhileRead
from .changes import AddGalleryRefs, CreateChapter, DestroyGallery, Expect, SetCover, SetGalleryFields
from .covers import UNKNOWN, Unknown, chosen_cover
from .engine import Page, galleries_in_scope, group_images, image_groups, planned, run_pages
from .gate import Gate
from .report import MAX_DETAILS, GalleryPlan, Report
from .workflow import Env, Scope, folded

log = logging.getLogger("gallery_ops")

PARAMS = (Param("delete_duplicates", "bool", False),)
SCALARS = ("title", "code", "details", "photographer", "date", "rating100", "studio")
BASIS_FIELDS = {"title", "date", "code"}  # what GalleryOps.recheck reads again before a write (fields.GALLERY_BASIS)
REFS = (("tags", "tag_ids"), ("performers", "performer_ids"), ("scenes", "scene_ids"))
WHY_MISSING = "duplicate whose zip or folder is gone"
WHY_EMPTY = "duplicate without images"


@dataclass(frozen=True)
class Member:
    """What the first pass keeps of a gallery: its kind, path, size and checksum keys."""

    id: str
    kind: str
    path: str | None
    image_count: int
    zip_md5: str | None
    images_key: str | None  # sha1 of the sorted image md5s


def image_md5(image: Image) -> str | None:
    files = image.visual_files or image.files or []
    return files[0].fingerprint if files else None


class ChecksumFold:
    """What pass 1 keeps of a gallery's images while they are read (types.ImageFold): their md5s
    (short strings, not the images); one image without an md5 makes the set unknown."""

    def __init__(self) -> None:
        self.count = 0
        self.md5s: list[str] | None = []  # None: an image without an md5 (or images changed while read)

    def add(self, images: Sequence[Image]) -> None:
        self.count += len(images)
        if self.md5s is None:
            return
        for image in images:
            md5 = image_md5(image)
            if not md5:
                self.md5s = None
                return
            self.md5s.append(md5)


def member(gallery: Gallery, images: Sequence[Image] | ChecksumFold) -> Member:
    """A gallery's checksum keys (pure). Images without an md5 make the image set unknown."""
    images = folded(images, ChecksumFold, ChecksumFold)
    images_key = None
    if images.count and images.md5s:
        images_key = hashlib.sha1("\n".join(sorted(images.md5s)).encode()).hexdigest()
    zip_md5 = gallery.files[0].fingerprint if gallery.files else None
    return Member(
        gallery.id, gallery.kind, gallery.path, gallery.image_count or images.count, zip_md5 or None, images_key
    )


def group_duplicates(members: Sequence[Member]) -> list[list[Member]]:
    """Groups of two or more galleries sharing a zip checksum or an image set (pure), by lowest id."""
    parent = {m.id: m.id for m in members}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_with: dict[tuple[str, str], str] = {}
    for m in members:
        for kind, value in (("zip", m.zip_md5), ("images", m.images_key)):
            if value is None:
                continue
            key = (kind, value)
            if key in first_with:
                a, b = root(first_with[key]), root(m.id)
                if a != b:
                    parent[max(a, b, key=int)] = min(a, b, key=int)
            else:
                first_with[key] = m.id
    groups: dict[str, list[Member]] = {}
    for m in members:
        groups.setdefault(root(m.id), []).append(m)
    return sorted(
        (sorted(g, key=lambda m: int(m.id)) for g in groups.values() if len(g) > 1), key=lambda g: int(g[0].id)
    )


def keep_order(group: Sequence[Member], present: Callable[[Member], bool]) -> list[Member]:
    """The group, the kept gallery first (the module's keep rule)."""
    return sorted(group, key=lambda m: (present(m), m.image_count, m.kind != "user", int(m.id)), reverse=True)


def is_present(m: Member) -> bool:
    """A hand-made gallery, or a zip or folder not known to be gone from this machine (Stash's):
    on disk, or not to be told (its parent folder missing too, or not readable: on_disk.disk_state),
    so that a duplicate is deleted as missing only when its zip or folder is surely gone."""
    return m.path is None or disk_state(m.path) is not OnDisk.GONE


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _ids(refs: Sequence[Any] | None) -> list[str]:
    return [r.id for r in refs or [] if getattr(r, "name", None) not in MARKER_TAGS]


class MergeFold:
    """What the merge keeps of a group member's images while they are read (types.ImageFold):
    for the kept gallery (`positions`) per md5 its first image (position, id, path); for every
    member the md5s at its chapter indexes and of its cover, its first image, and whether an
    image is in another gallery too; not the images themselves."""

    def __init__(self, gallery: Gallery, positions: bool = True) -> None:
        self.gallery_id = gallery.id
        self.positions = positions
        self.count = 0
        self.first_id: str | None = None
        self.by_md5: dict[str, tuple[int, str, str | None]] = {}  # md5 -> (1-based position, id, path)
        self.chapter_indexes = {c.image_index for c in gallery.chapters or [] if c.image_index}
        self.md5_at: dict[int, str | None] = {}  # chapter index -> the md5 of the image there
        self.cover_id = gallery.cover.id if gallery.cover else None
        self.cover_md5: str | None = None  # the md5 of the image that is the cover now
        self.shared = False  # an image is in another gallery too

    @classmethod
    def of(cls, gallery: Gallery, images: Sequence[Image] | MergeFold) -> MergeFold:
        """The fold of the gallery's images (as given, or folded already)."""
        return folded(images, MergeFold, lambda: cls(gallery))

    def add(self, images: Sequence[Image]) -> None:
        if images and self.first_id is None:
            self.first_id = images[0].id
        for position, image in enumerate(images, self.count + 1):
            md5 = image_md5(image)
            if md5 and self.positions and md5 not in self.by_md5:
                self.by_md5[md5] = (position, image.id, image.path)
            if position in self.chapter_indexes:
                self.md5_at[position] = md5
            if image.id == self.cover_id and self.cover_md5 is None:
                self.cover_md5 = md5
            if not self.shared and any(g.id != self.gallery_id for g in image.galleries or []):
                self.shared = True
        self.count += len(images)


def plan_merge(
    kept: Gallery,
    kept_images: Sequence[Image] | MergeFold,
    donors: Sequence[tuple[Gallery, Sequence[Image] | MergeFold]],
    cover_matches: Mapping[str, str | None],
) -> GalleryPlan:
    """What the kept gallery gets from the others (in keep order), never overwriting (pure: from
    the galleries and their images, or the MergeFolds of them).

    `cover_matches`: Stash's answer to its default-cover question per gallery
    (GalleryOps.cover_regex_matches); a gallery missing from it keeps its cover, and gives none."""
    plan = GalleryPlan(kept.id)
    kept_fold = MergeFold.of(kept, kept_images)
    folds = [(donor, MergeFold.of(donor, images)) for donor, images in donors]
    scalars: dict[str, Any] = {}
    for field in SCALARS:
        if not _empty(getattr(kept, field)):
            continue
        value = next((getattr(d, field) for d, _ in donors if not _empty(getattr(d, field))), None)
        if value is not None:
            scalars[field] = {"id": value.id} if field == "studio" else value
    if not kept.organized and any(d.organized for d, _ in donors):
        scalars["organized"] = True
    if scalars:
        basis = tuple(sorted(BASIS_FIELDS.intersection(scalars)))
        plan.changes.append(
            SetGalleryFields(kept.id, tuple(scalars.items()), expects=Expect.of("gallery", kept, basis))
        )
    refs: list[tuple[str, tuple[str, ...]]] = []
    for field, key in REFS:
        have = set(_ids(getattr(kept, field)))
        extra = dict.fromkeys(i for d, _ in donors for i in _ids(getattr(d, field)) if i not in have)
        if extra:
            refs.append((key, tuple(sorted(extra, key=int))))
    urls = dict.fromkeys(u for d, _ in donors for u in d.urls or [] if u not in (kept.urls or []))
    if urls:
        refs.append(("urls", tuple(urls)))
    if refs:
        plan.changes.append(AddGalleryRefs(kept.id, tuple(refs)))
    positions = kept_fold.by_md5
    titles = {c.title for c in kept.chapters or []}
    indexes = {c.image_index for c in kept.chapters or []}
    for donor, fold in folds:
        for chapter in sorted(donor.chapters or [], key=lambda c: c.image_index or 0):
            md5 = fold.md5_at.get(chapter.image_index or 0)
            target = positions[md5][0] if md5 and md5 in positions else None
            if target is None or not chapter.title or chapter.title in titles or target in indexes:
                continue
            plan.changes.append(
                CreateChapter(
                    kept.id,
                    chapter.title,
                    target,
                    expects=Expect.of("gallery", kept, (f"titled:{chapter.title}", f"starting:{target}")),
                )
            )
            titles.add(chapter.title)
            indexes.add(target)

    def chosen(gallery: Gallery, fold: MergeFold) -> str | Unknown | None:
        if gallery.id not in cover_matches:
            return UNKNOWN  # Stash's default pick is unknown: the cover cannot be told chosen or not
        match = cover_matches[gallery.id]
        return chosen_cover(gallery, match if match is not None else fold.first_id)

    if chosen(kept, kept_fold) is None:
        for donor, fold in folds:
            donor_cover = chosen(donor, fold)
            md5 = fold.cover_md5 if isinstance(donor_cover, str) and donor_cover == fold.cover_id else None
            target_image = positions.get(md5) if md5 else None
            if target_image is None:
                continue
            _, target_id, target_path = target_image
            if not (kept.cover and kept.cover.id == target_id):
                plan.changes.append(
                    SetCover(kept.id, target_id, target_path, expects=Expect.of("gallery", kept, ("cover",)))
                )
            break
    return plan


def plan_donor(
    donor: Member,
    donor_images: Sequence[Image] | MergeFold,
    kept: Member,
    kept_present: bool,
    present: bool,
    delete: bool,
) -> GalleryPlan:
    """Whether a duplicate is deleted once merged (pure; `present`: its zip or folder exists)."""
    plan = GalleryPlan(donor.id)
    why = WHY_EMPTY if donor.image_count == 0 else WHY_MISSING if (not present and kept_present) else None
    if why is None:
        plan.skipped = SKIP_PRESENT if present else SKIP_BOTH_GONE
    elif not delete:
        plan.skipped = SKIP_KEPT_APART
    elif donor.kind == "zip" and (
        donor_images.shared
        if isinstance(donor_images, MergeFold)
        else any(g.id != donor.id for i in donor_images for g in i.galleries or [])
    ):
        plan.skipped = SKIP_SHARED
    else:
        plan.changes.append(DestroyGallery(donor.id, None, why, merged_into=kept.id))
    return plan


def find_members(
    ops: GalleryOps, total: int, stream: Iterable[Gallery], page_size: int = WORKFLOW_PAGE_SIZE
) -> list[Member]:
    """Pass 1: every gallery in scope (`stream`, `total` of them) with its checksum keys (two
    requests per page of small galleries; images read in groups of IMAGES_IN_MEMORY, a big
    gallery a page at a time, as engine.run_workflows does), the first half of the progress bar.
    A gallery whose images change while read is grouped by its zip checksum only, this run."""
    members: list[Member] = []
    for page in chunks(stream, page_size):
        for group in image_groups(page, IMAGES_IN_MEMORY):
            folds = {g.id: ChecksumFold() for g in group}
            try:
                for gallery_id, images in group_images(ops, group, selections.IMAGE_CHECKSUM):
                    folds[gallery_id].add(images)
            except ImagesChangedWhileRead as exc:  # a big gallery, in a group of its own
                log.debug("merge_duplicate_galleries: %s", exc)
                folds[group[0].id].md5s = None
            members.extend(member(g, folds[g.id]) for g in group)
        if total:
            progress(min(0.5, 0.5 * len(members) / total))
    return members


def read_merge_folds(
    ops: GalleryOps, galleries: Sequence[Gallery], kept: set[str]
) -> tuple[dict[str, MergeFold], set[str]]:
    """The MergeFold of each group member's images (positions for the `kept` ones only), read in
    groups of IMAGES_IN_MEMORY images (a big gallery a page at a time), and the ids of the
    galleries whose images changed while read."""
    folds = {g.id: MergeFold(g, positions=g.id in kept) for g in galleries}
    unread: set[str] = set()
    for group in image_groups(galleries, IMAGES_IN_MEMORY):
        try:
            for gallery_id, images in group_images(ops, group, selections.IMAGE_MERGE):
                folds[gallery_id].add(images)
        except ImagesChangedWhileRead as exc:  # a big gallery, in a group of its own
            log.debug("merge_duplicate_galleries: %s", exc)
            unread.add(group[0].id)
    return folds, unread


def run_merge_duplicates(
    ops: GalleryOps,
    env: Env,
    scope: Scope,
    dry_run: bool,
    delete: bool,
    present: Callable[[Member], bool] = is_present,
    gate: Gate | None = None,
) -> Report:
    """Find the groups, plan each merge, apply it (unless dry_run, or `gate` holds it back), and
    report (run_pages: the merges are the second half of the progress bar)."""
    report = Report("merge_duplicate_galleries", dry_run, "delete duplicates" if delete else None)
    total, stream = galleries_in_scope(ops, scope, "id " + selections.GALLERY_DUPLICATE_KEY, WORKFLOW_PAGE_SIZE, report)
    pages = _merge_pages(ops, env, report, total, stream, delete, present)
    return run_pages(ops, report, total, pages, progress_span=(0.5, 1.0), gate=gate)


def _merge_pages(
    ops: GalleryOps,
    env: Env,
    report: Report,
    total: int,
    stream: Iterable[Gallery],
    delete: bool,
    present: Callable[[Member], bool],
) -> Iterator[Page]:
    """Pass 1 (find_members), then the groups a batch at a time, each group read again and planned
    as a whole (the galleries without a duplicate, unchanged, on the first page: a gate checks one
    page); at the end, the groups in the report."""
    members = find_members(ops, total, stream)
    groups = group_duplicates(members)
    in_groups = {m.id for g in groups for m in g}
    alone = [GalleryPlan(m.id) for m in members if m.id not in in_groups]  # on the first page
    listed: list[dict[str, Any]] = []
    if not groups:
        yield Page(alone)
    for batch in chunks(groups, max(1, WORKFLOW_PAGE_SIZE // 4)):
        ids = [m.id for g in batch for m in g]
        galleries = {gid: g for gid, g in ops.galleries_by_ids(ids, "id " + selections.GALLERY_MERGE).items() if g}
        kept_ids = {
            order[0].id
            for group in batch
            if len(order := [m for m in keep_order(group, present) if m.id in galleries]) > 1
        }
        images, unread = read_merge_folds(ops, list(galleries.values()), kept_ids)
        cover_matches = ops.cover_regex_matches([g for g in galleries if images[g].count], env.cover_regex)
        plans, alone = alone, []
        for group in batch:
            order = [m for m in keep_order(group, present) if m.id in galleries]
            if len(order) < 2:
                plans.extend(GalleryPlan(m.id, skipped=SKIP_GONE_WHILE_READ) for m in group)
                continue
            if any(m.id in unread for m in order):  # the next run plans the group again
                plans.extend(GalleryPlan(m.id, skipped=SKIP_IMAGES_CHANGED) for m in group)
                continue
            kept, donors = order[0], sorted(order[1:], key=lambda d: d.kind == "user")  # stable: keep order
            if len(listed) < MAX_DETAILS:
                listed.append(
                    {
                        "keep": kept.id,
                        "duplicates": [d.id for d in donors],
                        "by": "zip checksum"
                        if any(d.zip_md5 and d.zip_md5 == kept.zip_md5 for d in donors)
                        else "image checksums",
                    }
                )
            group_read = GroupRead(galleries, images, cover_matches)
            plan = partial(plan_group, group_read, kept, donors, present, delete)
            plans.extend(planned(report.task, [m.id for m in order], plan))
        yield Page(plans)
    report.extra = {"group_count": len(groups), "groups": listed}


@dataclass(frozen=True)
class GroupRead:
    """What a batch of groups read again before planning: the galleries, their MergeFolds, and
    Stash's default-cover picks."""

    galleries: Mapping[str, Gallery]
    images: Mapping[str, MergeFold]
    cover_matches: Mapping[str, str | None]


def plan_group(
    read: GroupRead, kept: Member, donors: Sequence[Member], present: Callable[[Member], bool], delete: bool
) -> list[GalleryPlan]:
    """The plans of one group: the kept gallery's merge, then each duplicate's (pure but for
    `present`, which looks at the disk)."""
    merged = plan_merge(
        read.galleries[kept.id],
        read.images[kept.id],
        [(read.galleries[d.id], read.images[d.id]) for d in donors],
        read.cover_matches,
    )
    kept_present = present(kept)
    return [merged, *(plan_donor(d, read.images[d.id], kept, kept_present, present(d), delete) for d in donors)]
