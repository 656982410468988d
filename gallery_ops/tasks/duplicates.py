"""merge_duplicate_galleries: galleries that hold the same set, found, merged, and (by request) deleted.

Two galleries are duplicates when they have the same zip checksum (a zip copied to a
second place), or the same set of image checksums with at least one image (a set that
moved from a zip to a folder, or to a new path, and was scanned again). Groups join
through either: a gallery is in at most one group. Stash computes an md5 for zips and
images; galleries without one are left out.

Which gallery is kept (the first by these rules, in order):
1. its zip or folder is present on disk (a hand-made gallery always counts as present;
   the plugin runs on Stash's machine and checks the paths Stash reports, every zip of a gallery
   with byte copies; a path that is not there counts as present unless it is gone with proof
   that its drive is there: deletes.py, common/on_disk.py);
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

With delete_duplicates=true (and dry_run=false) a duplicate is then deleted (galleryDestroy,
files kept) when it has no images, or when every zip or folder of it is gone from disk with
proof that the drive it was on is there (a mount point, or another file Stash recorded in that
folder still on disk) and the kept one's is present. A zip gallery takes with it the image
records whose only file is in its zips (Stash destroys them): what a person set on them goes
first to the kept gallery's image with the same checksum (added, never overwriting); when it
cannot (no such image, a value the kept image has otherwise, an O-count), or when such an image
is also in another gallery, the duplicate is kept and the reason said. A duplicate whose chosen
cover could not be read (Stash did not answer) is kept too: a state that could not be read is
never a reason to delete. Right before each delete, one request reads again everything it
would take with it (changes.deletes_unmoved): an edit made meanwhile keeps the duplicate.
Everything else stays: a duplicate that is still on disk is listed only.

The task previews unless the run says dry_run=false. It reads the checksums of every
gallery in scope page by page (two requests per page; a big gallery's images a page at a
time, keeping only their md5s), keeps a small digest per gallery, and reads the full
galleries and images of the groups only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial

from ..common.args import Param
from ..common.constants import MARKER_TAGS
from ..common.limits import IMAGES_IN_MEMORY, WORKFLOW_PAGE_SIZE
from ..common.log import log, progress
from ..common.on_disk import OnDisk, Verdict
from ..common.plain import dataclass, field
from ..common.skips import (
    SKIP_BOTH_GONE,
    SKIP_CHAPTER,
    SKIP_COVER_DIFFERS,
    SKIP_COVER_UNKNOWN,
    SKIP_DIFFERS,
    SKIP_DUPLICATE_LINK,
    SKIP_DUPLICATE_UNREADABLE,
    SKIP_DUPLICATE_UNSURE,
    SKIP_GONE_WHILE_READ,
    SKIP_IMAGE_CONFLICT,
    SKIP_IMAGE_O_COUNT,
    SKIP_IMAGE_ORPHAN,
    SKIP_IMAGES_CHANGED,
    SKIP_KEPT_APART,
    SKIP_PRESENT,
    SKIP_SHARED,
)
from ..stash import selections
from ..stash.batch import chunks
from ..stash.models import Gallery, Image
from ..stash.names import Mention, called, gallery_name, said
from ..stash.operations import GalleryOps, ImagesChangedWhileRead
from .anchors import Anchor, is_anchor_field
from .changes import (
    AddGalleryRefs,
    CarryImageMetadata,
    Change,
    CreateChapter,
    DestroyGallery,
    Expect,
    SetCover,
    SetCustomFields,
    SetGalleryFields,
)
from .covers import UNKNOWN, Unknown, chosen_cover
from .deletes import (
    IMAGE_LISTS,
    IMAGE_SCALARS,
    DeleteBasis,
    ImagesDigest,
    gallery_digest,
    image_metadata,
    verdicts_from,
)
from .engine import Page, galleries_in_scope, group_images, image_groups, planned, run_pages
from .gate import Gate
from .report import MAX_DETAILS, MAX_LOGGED, GalleryPlan, Report, counted, things
from .workflow import Env, Scope, folded

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PARAMS = (Param("delete_duplicates", "bool", False),)
SCALARS = ("title", "code", "details", "photographer", "date", "rating100", "studio")
BASIS_FIELDS = {"title", "date", "code"}  # what the merge's write expects unchanged (GalleryOps.recheck)
REFS = (("tags", "tag_ids"), ("performers", "performer_ids"), ("scenes", "scene_ids"))
WHY_MISSING = "duplicate whose zip or folder is gone"
WHY_EMPTY = "duplicate without images"
SKIP_BY_STATE = {
    OnDisk.PRESENT: SKIP_PRESENT,
    OnDisk.UNSURE: SKIP_DUPLICATE_UNSURE,
    OnDisk.MISSING: SKIP_DUPLICATE_UNSURE,
    OnDisk.LINK: SKIP_DUPLICATE_LINK,
    OnDisk.UNREADABLE: SKIP_DUPLICATE_UNREADABLE,
}

NOT_TOLD: Verdict = (OnDisk.UNSURE, ())


@dataclass(frozen=True)
class Member:
    """What the first pass keeps of a gallery: its kind, paths, size and checksum keys."""

    id: str
    kind: str
    paths: tuple[str, ...]  # every zip file's path (byte copies merged by the scan), or the folder's
    image_count: int
    zip_md5s: tuple[str, ...]  # the md5 of each of its zip files
    images_key: str | None  # sha1 of the sorted image md5s

    @property
    def path(self) -> str | None:
        return self.paths[0] if self.paths else None


def image_md5(image: Image) -> str | None:
    files = image.visual_files or image.files or []
    return files[0].fingerprint if files else None


class ChecksumFold:
    """What pass 1 keeps of a gallery's images while they are read (workflow.ImageFold): their md5s
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
    zip_md5s = tuple(dict.fromkeys(f.fingerprint for f in gallery.files or [] if f.fingerprint))
    return Member(
        gallery.id, gallery.kind, gallery.file_paths, gallery.image_count or images.count, zip_md5s, images_key
    )


def group_duplicates(members: Sequence[Member]) -> list[list[Member]]:
    """Groups of two or more galleries sharing a zip checksum (any of their zips') or an image set
    (pure), by lowest id."""
    parent = {m.id: m.id for m in members}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_with: dict[tuple[str, str], str] = {}
    for m in members:
        keys = [("zip", md5) for md5 in m.zip_md5s] + ([("images", m.images_key)] if m.images_key else [])
        for key in keys:
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


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _ids(refs: Sequence[Any] | None) -> list[str]:
    return [r.id for r in refs or [] if getattr(r, "name", None) not in MARKER_TAGS]


@dataclass
class Taken:
    """An image a zip gallery's delete destroys (its only file is in one of the gallery's zips)
    that carries what a person set: its md5 and that metadata."""

    id: str
    md5: str | None
    image: Image
    fields: list[str] = field(default_factory=list)


class MergeFold:
    """What the merge keeps of a group member's images while they are read (workflow.ImageFold):
    for the kept gallery (`positions`) per md5 its first image (position, id, path) and the image
    itself when it carries what a person set; for every member the md5s at its chapter indexes
    and of its cover, its first image, the digest of its images (a delete's basis), and, for a
    zip gallery, the images its delete would take with it: their count, the ones that carry what
    a person set, and whether one of them is in another gallery too. Not the images themselves."""

    def __init__(self, gallery: Gallery, positions: bool = True) -> None:
        self.gallery_id = gallery.id
        self.positions = positions
        self.count = 0
        self.first_id: str | None = None
        self.by_md5: dict[str, tuple[int, str, str | None]] = {}  # md5 -> (1-based position, id, path)
        self.kept_meta: dict[str, Image] = {}  # md5 -> the kept gallery's image there, when it carries metadata
        self.chapter_indexes = {c.image_index for c in gallery.chapters or [] if c.image_index}
        self.md5_at: dict[int, str | None] = {}  # chapter index -> the md5 of the image there
        self.cover_id = gallery.cover.id if gallery.cover else None
        self.cover_md5: str | None = None  # the md5 of the image that is the cover now
        self.zips = tuple(f.path for f in gallery.files or [] if f.path)
        self.digest = ImagesDigest()
        self.taken = 0  # images a delete of this (zip) gallery destroys
        self.taken_meta: list[Taken] = []
        self.shared = False  # one of the taken images is in another gallery too

    @classmethod
    def of(cls, gallery: Gallery, images: Sequence[Image] | MergeFold) -> MergeFold:
        """The fold of the gallery's images (as given, or folded already)."""
        return folded(images, MergeFold, lambda: cls(gallery))

    def _taken(self, image: Image) -> bool:
        """Stash destroys a zip gallery's image whose only file is inside one of its zips
        (pkg/image/delete.go DestroyZipImages: an image with more files only loses that one)."""
        files = image.visual_files or image.files or []
        if len(files) != 1 or not files[0].path:
            return False
        path = files[0].path
        return any(path.startswith(z) and path[len(z) : len(z) + 1] in ("/", "\\") for z in self.zips)

    def add(self, images: Sequence[Image]) -> None:
        if images and self.first_id is None:
            self.first_id = images[0].id
        self.digest.add(images)
        for position, image in enumerate(images, self.count + 1):
            md5 = image_md5(image)
            if md5 and self.positions and md5 not in self.by_md5:
                self.by_md5[md5] = (position, image.id, image.path)
                if md5 not in self.kept_meta and image_metadata(image):
                    self.kept_meta[md5] = image
            if position in self.chapter_indexes:
                self.md5_at[position] = md5
            if image.id == self.cover_id and self.cover_md5 is None:
                self.cover_md5 = md5
            if self.zips and self._taken(image):
                self.taken += 1
                if any(g.id != self.gallery_id for g in image.galleries or []):
                    self.shared = True
                carried = image_metadata(image)
                if carried:
                    self.taken_meta.append(Taken(image.id, md5, image, carried))
        self.count += len(images)


def chosen_of(gallery: Gallery, fold: MergeFold, cover_matches: Mapping[str, str | None]) -> str | Unknown | None:
    """The gallery's chosen cover (an image id), None when it shows Stash's default pick, UNKNOWN
    when Stash's default pick could not be read."""
    if gallery.id not in cover_matches:
        return UNKNOWN  # Stash's default pick is unknown: the cover cannot be told chosen or not
    match = cover_matches[gallery.id]
    return chosen_cover(gallery, match if match is not None else fold.first_id)


def plan_merge(
    kept: Gallery,
    kept_images: Sequence[Image] | MergeFold,
    donors: Sequence[tuple[Gallery, Sequence[Image] | MergeFold]],
    cover_matches: Mapping[str, str | None],
    anchors: bool = False,
) -> GalleryPlan:
    """What the kept gallery gets from the others (in keep order), never overwriting (pure: from
    the galleries and their images, or the MergeFolds of them).

    `cover_matches`: Stash's answer to its default-cover question per gallery
    (GalleryOps.cover_regex_matches); a gallery missing from it keeps its cover, and gives none.
    With `anchors` (Stash v0.31) the custom fields merge too (the kept gallery's values win; the
    others' chapter anchors are not copied, since they name the others' chapters) and each chapter
    copied gets its anchor: the kept gallery's image it starts at."""
    plan = GalleryPlan(kept.id)
    kept_fold = MergeFold.of(kept, kept_images)
    folds = [(donor, MergeFold.of(donor, images)) for donor, images in donors]
    scalars: dict[str, Any] = {}
    for name in SCALARS:
        if not _empty(getattr(kept, name)):
            continue
        value = next((getattr(d, name) for d, _ in donors if not _empty(getattr(d, name))), None)
        if value is not None:
            scalars[name] = {"id": value.id} if name == "studio" else value
    if not kept.organized and any(d.organized for d, _ in donors):
        scalars["organized"] = True
    if scalars:
        basis = tuple(sorted(BASIS_FIELDS.intersection(scalars)))
        plan.changes.append(
            SetGalleryFields(kept.id, tuple(scalars.items()), expects=Expect.of("gallery", kept, basis))
        )
    refs: list[tuple[str, tuple[str, ...]]] = []
    for name, key in REFS:
        have = set(_ids(getattr(kept, name)))
        extra = dict.fromkeys(i for d, _ in donors for i in _ids(getattr(d, name)) if i not in have)
        if extra:
            refs.append((key, tuple(sorted(extra, key=int))))
    urls = dict.fromkeys(u for d, _ in donors for u in d.urls or [] if u not in (kept.urls or []))
    if urls:
        refs.append(("urls", tuple(urls)))
    if refs:
        plan.changes.append(AddGalleryRefs(kept.id, tuple(refs)))
    if anchors:
        kept_fields = kept.custom_fields or {}
        merged: dict[str, str | int | float] = {}
        for donor, _ in donors:  # in keep order: the first that has a field gives it
            for name, value in (donor.custom_fields or {}).items():
                if not is_anchor_field(name) and name not in kept_fields and name not in merged:
                    merged[name] = value
        if merged:
            plan.changes.append(
                SetCustomFields(
                    kept.id,
                    set=tuple(sorted(merged.items())),
                    expects=Expect.of("gallery", kept, [f"custom:{name}" for name in merged]),
                )
            )
    positions = kept_fold.by_md5
    titles = {c.title for c in kept.chapters or []}
    indexes = {c.image_index for c in kept.chapters or []}
    for donor, fold in folds:
        for chapter in sorted(donor.chapters or [], key=lambda c: c.image_index or 0):
            md5 = fold.md5_at.get(chapter.image_index or 0)
            target = positions[md5][0] if md5 and md5 in positions else None
            if target is None or not chapter.title or chapter.title in titles or target in indexes:
                continue
            _, _, target_path = positions[md5]  # type: ignore[index]  # target is set: md5 is in positions
            plan.changes.append(
                CreateChapter(
                    kept.id,
                    chapter.title,
                    target,
                    expects=Expect.of("gallery", kept, (f"titled:{chapter.title}", f"starting:{target}")),
                    anchor=Anchor(target, target_path, md5) if anchors else None,
                )
            )
            titles.add(chapter.title)
            indexes.add(target)
    if chosen_of(kept, kept_fold, cover_matches) is None:
        for donor, fold in folds:
            donor_cover = chosen_of(donor, fold, cover_matches)
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


def _scalar(gallery: Gallery, name: str) -> Any:
    value = getattr(gallery, name)
    return value.id if name == "studio" and value is not None else value


def merged_values(kept: Gallery, merge: GalleryPlan) -> tuple[dict[str, Any], set[str]]:
    """The kept gallery's fields (SCALARS) and chapter titles once the merge went in: what a
    duplicate's own must be found in before it may be deleted (nothing it carries is lost)."""
    values = {name: _scalar(kept, name) for name in SCALARS}
    titles = {c.title or "" for c in kept.chapters or []}
    for change in merge.changes:
        if isinstance(change, SetGalleryFields):
            values.update({name: value["id"] if name == "studio" else value for name, value in change.fields})
        elif isinstance(change, CreateChapter):
            titles.add(change.title)
    return values, titles


def final_cover_md5(
    kept: Gallery, kept_fold: MergeFold, merge: GalleryPlan, cover_matches: Mapping[str, str | None]
) -> str | Unknown | None:
    """The md5 of the kept gallery's chosen cover once merged; None: it shows Stash's default pick."""
    carried = next((c for c in merge.changes if isinstance(c, SetCover)), None)
    if carried is not None:
        return next((md5 for md5, (_, image_id, _) in kept_fold.by_md5.items() if image_id == carried.image_id), None)
    chosen = chosen_of(kept, kept_fold, cover_matches)
    if isinstance(chosen, str):
        return kept_fold.cover_md5
    return chosen


def plan_carry(
    donor: Gallery, fold: MergeFold, kept_fold: MergeFold, planned: dict[str, dict[str, Any]]
) -> tuple[list[Change], list[str], str | None]:
    """The writes that copy what a person set on the images a zip duplicate's delete destroys to the
    kept gallery's images with the same checksums (pure); the fields copied; or why it cannot be
    done. `planned`: values already planned per kept image in this group (a second duplicate must
    agree with the first)."""
    changes: list[Change] = []
    carried: dict[str, None] = {}
    for taken in fold.taken_meta:
        if "o_counter" in taken.fields:
            return [], [], SKIP_IMAGE_O_COUNT
        target = kept_fold.by_md5.get(taken.md5) if taken.md5 else None
        if target is None:
            return [], [], SKIP_IMAGE_ORPHAN
        _, target_id, _ = target
        kept_image = kept_fold.kept_meta.get(taken.md5 or "")
        wanted = planned.setdefault(target_id, {})
        fields: dict[str, Any] = {}
        expects: list[Expect] = []
        for name in (*IMAGE_SCALARS, "studio"):
            value = getattr(taken.image, name)
            if _empty(value):
                continue
            value = value.id if name == "studio" else value
            have = getattr(kept_image, name, None) if kept_image is not None else None
            have = have.id if name == "studio" and have is not None else have
            if not _empty(have):
                if have != value:
                    return [], [], SKIP_IMAGE_CONFLICT.format(name)
                continue
            if name in wanted and wanted[name] != value:
                return [], [], SKIP_IMAGE_CONFLICT.format(name)
            wanted[name] = value
            fields["studio_id" if name == "studio" else name] = value
            expects.append(Expect("image", target_id, name, None))
            carried[name] = None
        if taken.image.organized and not (kept_image is not None and kept_image.organized):
            fields["organized"] = True
            carried["organized"] = None
        for name, key in IMAGE_LISTS:
            ids = [r.id for r in getattr(taken.image, name) or []]
            if ids:
                fields[key] = {"ids": ids, "mode": "ADD"}
                carried[name] = None
        if taken.image.urls:
            fields["urls"] = {"values": list(taken.image.urls), "mode": "ADD"}
            carried["urls"] = None
        if fields:
            changes.append(
                CarryImageMetadata(
                    kept_fold.gallery_id,
                    (target_id,),
                    tuple(fields.items()),
                    other_galleries=(donor.id,),
                    expects=tuple(expects),
                )
            )
    return changes, list(carried), None


def plan_donor(
    donor: Gallery,
    fold: MergeFold,
    kept: Gallery,
    kept_fold: MergeFold,
    verdicts: Mapping[str, Verdict],
    delete: bool,
    cover_md5: str | Unknown | None,
    cover_matches: Mapping[str, str | None],
    planned: dict[str, dict[str, Any]],
    merged: tuple[dict[str, Any], set[str]] | None = None,
) -> GalleryPlan:
    """Whether a duplicate is deleted once merged (pure), and what goes first to the kept gallery's
    images (the module docstring). `verdicts`: common/on_disk verdicts of the group's galleries;
    `cover_md5`: the kept gallery's cover once merged (final_cover_md5); `merged`: its fields and
    chapter titles once merged (merged_values; without it, the kept gallery's own)."""
    plan = GalleryPlan(donor.id)
    state, proof = verdicts.get(donor.id, NOT_TOLD) if donor.file_paths else (OnDisk.PRESENT, ())
    kept_present = not kept.file_paths or verdicts.get(kept.id, NOT_TOLD)[0] is OnDisk.PRESENT
    count = donor.image_count or fold.count
    if count == 0:
        why = WHY_EMPTY
    elif state is OnDisk.GONE and kept_present:
        why = WHY_MISSING
    else:
        plan.skipped = SKIP_BOTH_GONE if state is OnDisk.GONE else SKIP_BY_STATE[state]
        return plan
    if not delete:
        plan.skipped = SKIP_KEPT_APART
        return plan
    if count:
        donor_cover = chosen_of(donor, fold, cover_matches)
        if isinstance(donor_cover, Unknown) or isinstance(cover_md5, Unknown):
            plan.skipped = SKIP_COVER_UNKNOWN
            return plan
        if isinstance(donor_cover, str) and fold.cover_md5 != cover_md5:
            plan.skipped = SKIP_COVER_DIFFERS
            return plan
    values, titles = merged or merged_values(kept, GalleryPlan(kept.id))
    lost = next((n for n in SCALARS if not _empty(_scalar(donor, n)) and _scalar(donor, n) != values[n]), None)
    if lost is not None:
        plan.skipped = SKIP_DIFFERS.format(lost)
        return plan
    if any((c.title or "") not in titles for c in donor.chapters or []):
        plan.skipped = SKIP_CHAPTER
        return plan
    if fold.shared:
        plan.skipped = SKIP_SHARED
        return plan
    carry, carried, refused = plan_carry(donor, fold, kept_fold, planned)
    if refused is not None:
        plan.skipped = refused
        return plan
    plan.changes.extend(carry)
    plan.changes.append(
        DestroyGallery(
            donor.id,
            donor.title,
            why,
            merged_into=kept.id,
            path=donor.path,
            paths=donor.file_paths,
            basis=DeleteBasis(
                gallery_digest(donor),
                fold.digest.value if count else None,
                proof if why == WHY_MISSING else (),
                kept=kept.id,
            ),
            image_records=fold.taken,
            image_metadata=tuple(carried),
        )
    )
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
                log.debug("merge_duplicate_galleries: gallery %s: %s", called(gallery_name(group[0]), group[0].id), exc)
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
            log.debug("merge_duplicate_galleries: gallery %s: %s", called(gallery_name(group[0]), group[0].id), exc)
            unread.add(group[0].id)
    return folds, unread


def present_by(verdicts: Mapping[str, Verdict]) -> Callable[[Member], bool]:
    """The keep rule's "present": a hand-made gallery, or one not gone with proof."""
    return lambda m: not m.paths or verdicts.get(m.id, NOT_TOLD)[0] is not OnDisk.GONE


def group_lines(listed: Sequence[dict[str, Any]], count: int) -> list[str]:
    """Per group of duplicates (the first MAX_LOGGED), which gallery is kept and which are its
    duplicates, by name (Report.named gave each group its names)."""
    lines = []
    for group in listed[:MAX_LOGGED]:
        names = group.get("names")
        duplicates = things(names, "gallery", group["duplicates"])
        word = "duplicate" if len(group["duplicates"]) == 1 else "duplicates"
        kept = said(names, "gallery", group["keep"])
        lines.append(f"keeps gallery {kept}; its {word}: {duplicates} (the same {group['by']})")
    if count > min(len(listed), MAX_LOGGED):
        lines.append(f"and {counted(count - min(len(listed), MAX_LOGGED), 'more group')} of duplicates")
    return lines


def run_merge_duplicates(
    ops: GalleryOps, env: Env, scope: Scope, dry_run: bool, delete: bool, gate: Gate | None = None
) -> Report:
    """Find the groups, plan each merge, apply it (unless dry_run, or `gate` holds it back), and
    report (run_pages: the merges are the second half of the progress bar)."""
    report = Report("merge_duplicate_galleries", dry_run, "delete duplicates" if delete else None)
    total, stream = galleries_in_scope(ops, scope, "id " + selections.GALLERY_DUPLICATE_KEY, WORKFLOW_PAGE_SIZE, report)
    pages = _merge_pages(ops, env, report, total, stream, delete)
    return run_pages(ops, report, total, pages, progress_span=(0.5, 1.0), gate=gate)


def _merge_pages(
    ops: GalleryOps,
    env: Env,
    report: Report,
    total: int,
    stream: Iterable[Gallery],
    delete: bool,
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
        selection = ops.gallery_selection("id " + selections.GALLERY_MERGE)  # custom fields on v0.31
        galleries = {gid: g for gid, g in ops.galleries_by_ids(ids, selection).items() if g}
        verdicts = verdicts_from(ops, list(galleries.values()))
        present = present_by(verdicts)
        report.names.learn_galleries(galleries.values())
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
                    report.named(
                        {
                            "keep": kept.id,
                            "duplicates": [d.id for d in donors],
                            "by": "zip checksum"
                            if any(set(d.zip_md5s) & set(kept.zip_md5s) for d in donors)
                            else "image checksums",
                        },
                        [Mention("gallery", m.id) for m in (kept, *donors)],
                    )
                )
            group_read = GroupRead(galleries, images, cover_matches)
            plan = partial(plan_group, group_read, kept, donors, verdicts, delete, env.features.custom_fields)
            plans.extend(planned(report.task, [m.id for m in order], plan, report.names))
        yield Page(plans)
    report.extra = {"group_count": len(groups), "groups": listed}
    report.notes.extend(group_lines(listed, len(groups)))


@dataclass(frozen=True)
class GroupRead:
    """What a batch of groups read again before planning: the galleries, their MergeFolds, and
    Stash's default-cover picks."""

    galleries: Mapping[str, Gallery]
    images: Mapping[str, MergeFold]
    cover_matches: Mapping[str, str | None]


def plan_group(
    read: GroupRead,
    kept: Member,
    donors: Sequence[Member],
    verdicts: Mapping[str, Verdict],
    delete: bool,
    anchors: bool = False,
) -> list[GalleryPlan]:
    """The plans of one group (pure): the kept gallery's merge, then each duplicate's, deleted only
    with proof that its files are gone (`verdicts`: deletes.verdicts_from) and its images' metadata
    carried to the kept gallery's images first. `anchors`: a Stash with custom fields (plan_merge)."""
    kept_gallery, kept_fold = read.galleries[kept.id], read.images[kept.id]
    merge = plan_merge(
        kept_gallery,
        kept_fold,
        [(read.galleries[d.id], read.images[d.id]) for d in donors],
        read.cover_matches,
        anchors=anchors,
    )
    cover_md5 = final_cover_md5(kept_gallery, kept_fold, merge, read.cover_matches)
    carried: dict[str, dict[str, Any]] = {}  # per kept image: what earlier duplicates carry to it
    merged = merged_values(kept_gallery, merge)
    donor_plans = [
        plan_donor(
            read.galleries[d.id],
            read.images[d.id],
            kept_gallery,
            kept_fold,
            verdicts,
            delete,
            cover_md5,
            read.cover_matches,
            carried,
            merged,
        )
        for d in donors
    ]
    return [merge, *donor_plans]
