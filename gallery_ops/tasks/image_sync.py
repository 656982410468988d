"""sync_images_from_gallery: a gallery's tags, performers, studio, date and photographer, onto its images.

What an image should get comes from *all* the galleries it is in (an image can be in
a zip gallery and in hand-made collections): the union of their tags and
performers; for studio, date and photographer the value they agree on (when they
disagree, that field of that image is left alone).

Add-only (default): missing tags and performers are added; studio, date and
photographer are set only where the image has none. Mirror (setting syncMirror or
arg mirror=true): tags and performers become exactly the union, and the three fields
are set (or cleared) to the galleries' value. Mirroring removes things, so it
previews unless the run says dry_run=false.

The new-gallery marker tag ("Gallery Tools: new", set by the hook until Finish new
galleries is done with a gallery) is bookkeeping, not metadata: it is never copied to
images (and mirroring removes it from them).

Images that need the same change are written together with bulkImageUpdate, and an
image that is in several galleries is planned once per run.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from operator import attrgetter

from ..common.args import Param, read_choices
from ..common.constants import MARKER_TAGS
from ..common.id_array import Ids
from ..common.lean_functools import cache
from ..common.lean_typing import NamedTuple
from ..common.limits import BULK_IDS_CHUNK
from ..common.skips import SKIP_NO_IMAGES
from ..stash import selections
from ..stash.models import Gallery, Image
from .changes import Expect, UpdateImages
from .report import GalleryPlan
from .workflow import Env, Workflow, folded

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PARAMS = (Param("mirror", "bool", False), Param("fields", "str", False))
SYNC_FIELDS = ("tags", "performers", "studio", "date", "photographer")


def parse_sync_fields(text: str) -> tuple[str, ...]:
    """Comma-separated: any of SYNC_FIELDS."""
    return read_choices(text, SYNC_FIELDS, "sync fields")


def _value(source: Image | Gallery, field: str) -> str | None:
    if field == "studio":
        studio = getattr(source, "studio", None)
        return studio.id if studio else None
    return getattr(source, field, None) or None


REF_FIELDS = (("tags", "tag_ids"), ("performers", "performer_ids"))
VALUE_FIELDS = (("studio", "studio_id"), ("date", "date"), ("photographer", "photographer"))


class Wanted(NamedTuple):
    """What an image's galleries ask of it, ready to compare with each image of a page (they share
    it): per tag/performer field (field, input key, the union of their ids, those ids sorted as
    Stash's ids sort); per studio/date/photographer field (field, input key, the value they agree
    on, None when none has one). A field the run does not sync, or (a value field) on which the
    galleries disagree, is not there."""

    refs: tuple[tuple[str, str, frozenset[str], tuple[str, ...]], ...]
    values: tuple[tuple[str, str, str | None], ...]


def wanted_of(sources: Sequence[Gallery], fields: tuple[str, ...]) -> Wanted:
    """What the galleries `sources` (all the galleries an image is in) ask of their images: the
    same for every image in exactly these galleries, so a page's images share it. (Worked out
    once per gallery of a run, or more: kept plain.)"""
    refs = []
    for field, key in REF_FIELDS:
        if field in fields:
            # (not the new-gallery marker)
            ids = [ref.id for source in sources for ref in getattr(source, field) or () if ref.name not in MARKER_TAGS]
            want = frozenset(ids)
            ordered = (tuple(ids) if len(ids) == 1 else tuple(sorted(want, key=int))) if ids else ()
            refs.append((field, key, want, ordered))
    values = []
    one = sources[0] if len(sources) == 1 else None  # (most images are in one gallery: nothing to agree on)
    for field, key in VALUE_FIELDS:
        if field not in fields:
            continue
        if one is not None:
            values.append((field, key, _value(one, field)))
            continue
        found = {_value(source, field) for source in sources}
        found.discard(None)
        if len(found) <= 1:  # more than one: the image's galleries disagree, the field is left alone
            values.append((field, key, next(iter(found), None)))
    return Wanted(tuple(refs), tuple(values))


_NO_IDS: frozenset[str] = frozenset()
_NOTHING = object()  # (no image before the first)
_NO_WANTS = Wanted((), ())
_NO_FIELDS: list[str] = []  # (read only)
_NO_IDS_HELD: array[int] = array("q")  # (read only)


def change_of(image: Image, wanted: Wanted, mirror: bool) -> tuple[dict[str, Any], tuple[Any, ...]]:
    """The bulkImageUpdate fields one image needs to have what its galleries want (empty when it
    is in step), and the same as a key that is equal for images needing the same change (a page's
    images are grouped by it: one cheap tuple per image, the fields always in the same order)."""
    out: dict[str, Any] = {}
    same: list[Any] = []
    for field, key, want, ordered in wanted.refs:
        refs = getattr(image, field)
        have = {ref.id for ref in refs} if refs else _NO_IDS
        if mirror:
            if want == have:
                continue
            ids, mode = ordered, "SET"
        elif want <= have:
            continue
        else:
            ids, mode = (tuple(sorted(want - have, key=int)) if have else ordered), "ADD"
        out[key] = {"ids": list(ids), "mode": mode}
        same.append((key, mode, ids))
    for field, key, target in wanted.values:
        if field == "studio":
            studio = image.studio
            current = studio.id if studio else None
        else:
            current = getattr(image, field) or None
        if (mirror and target != current) or (not mirror and target is not None and current is None):
            out[key] = target
            same.append((key, target))
    return out, tuple(same)


def image_changes(image: Image, fields: tuple[str, ...], mirror: bool) -> dict[str, Any]:
    """The bulkImageUpdate fields one image needs (empty when it is in step): the union of its
    galleries' tags and performers, and the studio, date and photographer they agree on."""
    return change_of(image, wanted_of(image.galleries or [], fields), mirror)[0]


# The image field each bulkImageUpdate input key of a sync sets.
_FIELD_OF = {
    "tag_ids": "tags",
    "performer_ids": "performers",
    "studio_id": "studio",
    "date": "date",
    "photographer": "photographer",
}


def _overwritten(change: dict[str, Any]) -> list[str]:
    """The image fields a bulkImageUpdate input replaces (ADD only adds: it overwrites nothing)."""
    return [
        _FIELD_OF[key]
        for key, value in change.items()
        if key in _FIELD_OF and not (isinstance(value, dict) and value.get("mode") == "ADD")
    ]


class Need(NamedTuple):
    """A change images need (change_of): its bulkImageUpdate fields (`change`), the key images that
    need it are grouped by (`same`), those fields as a plan writes them (`fields`: sorted (key,
    value) pairs) and the image fields it overwrites (`overwrites`, none when it only adds)."""

    change: dict[str, Any]
    same: tuple[Any, ...]
    fields: tuple[tuple[str, Any], ...]
    overwrites: list[str]


class Worked:
    """What a run worked out last (SyncFold.add), kept from gallery to gallery: what the last
    gallery looked at wanted (by its synced fields, `values`), and what the last image whose
    change was worked out against that had (its synced fields, `own`) and needed (`need`, None:
    nothing). A run's galleries are often alike but for their ids (a fresh scan's, a synced
    library's), and so are their images: a gallery then wants what the one before wanted, its
    first image needs what that one's did, and every such gallery's writes share one Need's
    `fields` (models.image_update_json makes their text once, found by identity)."""

    __slots__ = ("need", "own", "values", "wanted")

    def __init__(self) -> None:
        self.values: Any = _NOTHING  # (no gallery yet)
        self.wanted = _NO_WANTS
        self.own: Any = _NOTHING
        self.need: Need | None = None


class SyncGroup:
    """The images of a gallery that need one change (`need`): their ids in an array of integers (not the
    id strings of the answers they came in, whose pages would stay in memory with them: a big
    gallery's fold outlives its pages); by an image's place in `ids`, its other galleries (only for
    the images that have any: most are in this gallery alone), and, when the change overwrites
    something (`need.overwrites`), what it would overwrite (one entry per image, else none). So an
    add-only sync holds 8 bytes an image while a big gallery is read, nothing more.
    (A plain class: a gallery makes one or two, and a page 250 galleries.)"""

    __slots__ = ("expects", "ids", "need", "others")

    def __init__(self, need: Need) -> None:
        self.need = need
        self.ids: array[int] = array("q")
        self.others: dict[int, tuple[str, ...]] = {}
        self.expects: list[tuple[Expect, ...]] = []


class SyncFold:
    """What the task keeps of gallery `gallery_id`'s images while they are read (types.ImageFold):
    per change, the images that need it (SyncGroup), and the ids of the images in several
    galleries; not the images. `worked`: what the run worked out before (a fold of its own else)."""

    def __init__(self, gallery_id: str, fields: tuple[str, ...], mirror: bool, worked: Worked | None = None) -> None:
        self.gallery_id, self.fields, self.mirror = gallery_id, fields, mirror
        self.worked = Worked() if worked is None else worked
        self.count = 0
        self.groups: dict[tuple[Any, ...], SyncGroup] = {}  # by change_of's key
        self.shared: array[int] = array("q")

    def add(self, images: Sequence[Image]) -> None:
        """Fold a page of the gallery's images in. An image's group is looked for (_group_of) only
        when its galleries or its synced fields differ from the image before's: a gallery's images
        are mostly alike (a fresh scan's have nothing set, a synced gallery's have what it gave
        them), and an image alike the one before needs exactly its change (the same galleries want
        the same of it, and it has the same), goes to its group and expects the same of its own
        fields. Per image, only those two comparisons and its id are new."""
        # per set of several galleries: what they want of an image and its other galleries (an
        # answer reads each gallery once, so images in the same galleries share them)
        asked: dict[tuple[str, ...], tuple[Wanted, tuple[str, ...]]] = {}
        own_of, shared = _getter(self.fields), self.shared
        last_sources: list[Gallery] | None = None
        last_own: Any = _NOTHING
        group: SyncGroup | None = None
        ids = _NO_IDS_HELD  # (the group's, or none)
        others: tuple[str, ...] = ()
        many = False
        overwrites: list[str] = _NO_FIELDS
        expects: tuple[Expect, ...] | None = None
        for image in images:
            sources = image.galleries or []
            own = own_of(image)
            if sources != last_sources or own != last_own:
                # (else: the galleries and synced fields of the image before, so its group)
                group, others = self._group_of(image, sources, own, asked)
                many, expects = len(sources) > 1, None
                if group is not None:
                    ids, overwrites = group.ids, group.need.overwrites
            # (compared with these next, at once: equal records, maybe not the same ones)
            last_sources, last_own = sources, own
            if many:
                shared.append(int(image.id))
            if group is None:
                continue
            ids.append(int(image.id))
            if others:
                group.others[len(ids) - 1] = others
            if overwrites:
                # (an image alike the one before: the same values, its own id)
                if expects is None:
                    expects = Expect.of("image", image, overwrites)
                else:
                    expects = tuple([Expect("image", image.id, e.name, e.value) for e in expects])
                group.expects.append(expects)
        self.count += len(images)

    def _group_of(
        self,
        image: Image,
        sources: list[Gallery],
        own: Any,
        asked: dict[tuple[str, ...], tuple[Wanted, tuple[str, ...]]],
    ) -> tuple[SyncGroup | None, tuple[str, ...]]:
        """The group of an image whose galleries or synced fields (`own`) differ from the image
        before's (None: it needs nothing), and its other galleries. What one gallery wants comes
        from the run's last (Worked) when that gallery's synced fields are equal to the last
        one's; what several want, from this page's (`asked`); the change, from the last image
        worked out when its galleries wanted the same and it had the same."""
        worked, gallery_id = self.worked, self.gallery_id
        if len(sources) == 1:  # (most images: in this gallery alone)
            values = _getter(self.fields)(sources[0])
            if values != worked.values:
                worked.wanted, worked.own = wanted_of(sources, self.fields), _NOTHING
            worked.values = values  # (equal, and now the same records: compared at once next time)
            wanted = worked.wanted
            others: tuple[str, ...] = () if sources[0].id == gallery_id else (sources[0].id,)
        else:
            key = tuple([g.id for g in sources])
            known = asked.get(key)
            if known is None:
                known = asked[key] = (wanted_of(sources, self.fields), tuple([g for g in key if g != gallery_id]))
            wanted, others = known
        if wanted is worked.wanted and own == worked.own:  # (as the last image worked out)
            need = worked.need
        else:
            change, same = change_of(image, wanted, self.mirror)
            need = worked.need
            if change and (need is None or need.same != same):
                need = Need(change, same, tuple(sorted(change.items())), _overwritten(change))
            elif not change:
                need = None
            if wanted is worked.wanted:
                worked.own, worked.need = own, need
        if need is None:
            return None, others
        group = self.groups.get(need.same)
        if group is None:
            group = self.groups[need.same] = SyncGroup(need)
        return group, others


@cache
def _getter(fields: tuple[str, ...]) -> attrgetter[Any]:
    """The synced fields of an image or a gallery (the same names on both), as one tuple."""
    return attrgetter(*fields)


def plan_image_sync(
    gallery: Gallery,
    images: Sequence[Image] | SyncFold,
    fields: tuple[str, ...],
    mirror: bool,
    already_planned: set[int] | None = None,
) -> GalleryPlan:
    """Group the gallery's images (or their SyncFold) by the change they need (pure, apart from
    skipping planned ids: `already_planned`, as integers). Each update names its images as Ids (the
    group's integers, BULK_IDS_CHUNK a write): no string per image is made before its request is."""
    if not isinstance(images, SyncFold):  # (a plan test's list: the run's fold is the workflow's)
        images = folded(images, SyncFold, lambda: SyncFold(gallery.id, fields, mirror))
    gallery_id = gallery.id
    plan = GalleryPlan(gallery_id)
    if not images.count:
        plan.skipped = SKIP_NO_IMAGES
        return plan
    for group in images.groups.values():
        need, ids = group.need, group.ids
        shared = bool(group.others)  # (most images are in this gallery alone)
        if not shared and len(ids) <= BULK_IDS_CHUNK:  # (most groups: every image in one write)
            expects = tuple([e for row in group.expects for e in row]) if need.overwrites else ()
            plan.changes.append(UpdateImages(gallery_id, Ids.taking(ids), need.fields, expects=expects))
            continue
        rows: Sequence[int] = range(len(ids))  # the group's images, by their place in it
        if already_planned and shared:  # (only an image in several galleries can have been planned)
            rows = [n for n in rows if ids[n] not in already_planned]
        for start in range(0, len(rows), BULK_IDS_CHUNK):
            chunk = rows[start : start + BULK_IDS_CHUNK]
            # the other galleries these images are in fail with this write (they do not plan it again)
            others = tuple(dict.fromkeys(g for n in chunk for g in group.others.get(n, ()))) if shared else ()
            expects = tuple(e for n in chunk for e in group.expects[n]) if need.overwrites else ()
            taken = ids[chunk.start : chunk.stop] if isinstance(chunk, range) else array("q", [ids[n] for n in chunk])
            plan.changes.append(UpdateImages(gallery_id, Ids.taking(taken), need.fields, others, expects=expects))
    return plan


class SyncImagesFromGallery(Workflow):
    gallery_fields = ""

    def __init__(self, fields: tuple[str, ...], mirror: bool) -> None:
        self.fields = fields
        self.image_fields = selections.image_sync(fields)  # (what the synced fields need, no more)
        self.mirror = mirror
        self.planned_shared: set[int] = set()  # images in several galleries, planned already
        self.worked = Worked()  # (from gallery to gallery)

    @property
    def variant(self) -> str | None:
        return "mirror" if self.mirror else None

    def fold(self, gallery: Gallery) -> SyncFold:
        return SyncFold(gallery.id, self.fields, self.mirror, self.worked)

    def plan(self, gallery: Gallery, images: Sequence[Image] | SyncFold | None, env: Env) -> GalleryPlan:
        if isinstance(images, SyncFold):  # (a big gallery's pages, folded as they were read)
            fold = images
        else:  # (a gallery read in one request: workflow.folded, written out, once per gallery)
            fold = self.fold(gallery)
            fold.add(images or [])
        plan = plan_image_sync(gallery, fold, self.fields, self.mirror, self.planned_shared)
        if fold.shared:
            self.planned_shared.update(fold.shared)
        return plan
