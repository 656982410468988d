"""Running a task: scope, preview or apply, pages of galleries, progress and the report.

Every task has the same shape:
  1. read the settings and Stash's gallery cover regex (one request);
  2. count the galleries in scope (one request) for the progress bar;
  3. for each page of galleries (id cursor): read their images if the task needs
     them (one request per group of galleries holding IMAGES_IN_MEMORY images; a
     bigger gallery a page per request, each page folded into the workflows' small
     summaries, types.ImageFold), plan each gallery with the task's pure plan function, and,
     unless this is a preview, hand the page's changes to the operations layer, which
     writes them in batches (a few requests; changes.py);
  4. report: scanned, changed, unchanged, skipped (why), failed (why), first changes.
A failure on one gallery, in planning or in writing, is reported and the run goes on.
Each page is applied before the next is read, so a run killed at any point leaves
finished pages finished, and the next run (plans are computed from what Stash has now)
does the rest and nothing twice.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..common import paths
from ..common.args import Param
from ..common.errors import ArgError
from ..common.limits import IMAGE_PAGE_SIZE, IMAGES_IN_MEMORY, WORKFLOW_PAGE_SIZE
from ..common.log import progress
from ..common.settings import Settings
from ..stash.batch import chunks
from ..stash.models import Gallery, Image
from ..stash.operations import GalleryOps, ImagesChangedWhileRead
from .changes import Change, apply_changes
from .gate import Gate
from .report import MOVED, GalleryPlan, Report, variant_of
from .workflow import Env, ImageFold, ImageList, Scope, Workflow, env_from_configuration

log = logging.getLogger("gallery_ops")

# Args every task takes: which galleries, and preview or apply.
SCOPE_PARAMS: tuple[Param, ...] = (
    Param("gallery_ids", "ids", False),
    Param("path", "str", False),
    Param("gallery_filter", "object", False),
    Param("dry_run", "bool", False),
    # the preview's fingerprint (tasks/gate.py): write only what that preview showed
    Param("fingerprint", "str", False),
)


def read_env(ops: GalleryOps) -> Env:
    """The plugin's settings and Stash's gallery cover regex, in one request."""
    return env_from_configuration(ops.run_configuration())


def read_scope(args: dict[str, Any]) -> Scope:
    """gallery_ids, or path and/or gallery_filter (combined with AND)."""
    ids = args.get("gallery_ids")
    path, given_filter = args.get("path"), args.get("gallery_filter")
    if ids is not None:
        if path is not None or given_filter is not None:
            raise ArgError("give gallery_ids, or path and/or gallery_filter, not both")
        if not ids:
            raise ArgError("gallery_ids is empty; leave it out to scan all galleries")
        return Scope(gallery_ids=tuple(ids))
    gallery_filter: dict[str, Any] | None = None
    if path is not None:
        if not path.strip():
            raise ArgError("path is empty; give a folder or zip path (galleries under it are scanned)")
        gallery_filter = {"path": {"value": paths.prefix_regex(path.strip()), "modifier": "MATCHES_REGEX"}}
    if given_filter is not None:
        gallery_filter = {**gallery_filter, "AND": given_filter} if gallery_filter else given_filter
    return Scope(gallery_filter=gallery_filter)


def decide_dry_run(args: dict[str, Any], settings: Settings, destructive: bool) -> bool:
    """The run's dry_run arg wins; otherwise destructive runs preview, others follow the setting."""
    if "dry_run" in args:
        return bool(args["dry_run"])
    return True if destructive else bool(settings["dryRun"])


def _merge(gallery_id: str, plans: Sequence[GalleryPlan]) -> GalleryPlan:
    if len(plans) == 1:  # one workflow (every task but Finish): its plan is already the merged one
        plan = plans[0]
        if (
            plan.gallery_id == gallery_id
            and plan.error is None
            and (plan.skipped is None or (plan.skipped and not plan.changes))
        ):
            return plan
    merged = GalleryPlan(gallery_id)
    for plan in plans:
        merged.changes.extend(plan.changes)
        merged.left_alone.extend(plan.left_alone)
        merged.error = merged.error or plan.error
    if merged.error is not None:  # a gallery whose plan failed is left alone as a whole
        merged.changes = []
        return merged
    if not merged.changes and plans and all(p.skipped for p in plans):
        merged.skipped = "; ".join(dict.fromkeys(p.skipped for p in plans if p.skipped))
    return merged


def plan_gallery(
    workflows: Sequence[Workflow],
    gallery: Gallery,
    images: Sequence[Image] | None,
    folds: Sequence[ImageFold] | None,
    env: Env,
) -> GalleryPlan:
    """Every workflow's plan for one gallery, merged: from its images (a gallery read in one
    request), from each workflow's fold of them (a big gallery, read a page at a time), or from
    neither (None when no workflow reads images)."""
    if folds is not None:
        return _merge(
            gallery.id,
            [
                w.plan(gallery, f.images if isinstance(f, ImageList) else f, env)
                for w, f in zip(workflows, folds, strict=True)
            ],
        )
    if len(workflows) == 1:  # every task but Finish: asked once per gallery, so without a list
        return _merge(gallery.id, (workflows[0].plan(gallery, images, env),))
    return _merge(gallery.id, [w.plan(gallery, images, env) for w in workflows])


def image_folds(workflows: Sequence[Workflow], gallery: Gallery) -> list[ImageFold]:
    """Per workflow, what it keeps of the gallery's images while they are read: its own fold
    (a small summary), or the list of images for a workflow without one."""
    return [make(gallery) if (make := getattr(w, "fold", None)) is not None else ImageList() for w in workflows]


def is_big(group: Sequence[Gallery]) -> bool:
    """A group of one gallery bigger than IMAGES_IN_MEMORY: read a page per request."""
    return len(group) == 1 and (group[0].image_count or 0) > IMAGES_IN_MEMORY


def group_images(ops: GalleryOps, group: Sequence[Gallery], selection: str) -> Iterator[tuple[str, list[Image]]]:
    """A group's images as (gallery id, images) in gallery order: one aliased request for the group
    (image_groups), or, for a gallery bigger than IMAGES_IN_MEMORY, a page per request, so that
    only one page of it is held at a time (GalleryOps.gallery_image_pages)."""
    if is_big(group):
        for images in ops.gallery_image_pages(group[0].id, selection, IMAGE_PAGE_SIZE):
            yield group[0].id, images
        return
    yield from ops.images_of_galleries([g.id for g in group], selection).items()


@dataclass
class GroupImages:
    """What the engine read of a group of galleries (read_group).

    `images`: each gallery's images, for a group read in one request (at most IMAGES_IN_MEMORY
    images together); `folds`: for a big gallery, each workflow's fold of its pages instead.
    `first`: each gallery's first image (for finish()); `broken`: the plans of the galleries that
    cannot be planned; `matches`: Stash's default-cover answers, when asked."""

    images: dict[str, list[Image]] = field(default_factory=dict)
    folds: dict[str, list[ImageFold]] = field(default_factory=dict)
    first: dict[str, list[Image]] = field(default_factory=dict)
    broken: dict[str, GalleryPlan] = field(default_factory=dict)
    matches: dict[str, str | None] = field(default_factory=dict)


def read_group(
    ops: GalleryOps,
    task: str,
    workflows: Sequence[Workflow],
    group: Sequence[Gallery],
    selection: str,
    failed: dict[str, str],
    cover_regex: str | None = None,
) -> GroupImages:
    """Read a group's images: in one aliased request (with Stash's default-cover question when
    `cover_regex` is given: images_and_cover_matches), or, for a gallery bigger than
    IMAGES_IN_MEMORY, a page per request (GalleryOps.gallery_image_pages), each page folded into
    the workflows' small summaries and let go, so that memory stays flat in gallery size; its
    cover question is asked once its pages are read.

    A fold that raises is that gallery's planning failure (put in `failed`); images that changed
    while a big gallery was read make it skipped (the next run plans it again)."""
    read = GroupImages()
    if not is_big(group):
        ids = [g.id for g in group]
        if cover_regex is not None:
            read.images, read.matches = ops.images_and_cover_matches(ids, selection, cover_regex)
        else:
            read.images = ops.images_of_galleries(ids, selection)
        read.first = {gallery_id: images[:1] for gallery_id, images in read.images.items()}
        return read
    gallery_id = group[0].id
    folds = read.folds[gallery_id] = image_folds(workflows, group[0])
    try:
        for _, images in group_images(ops, group, selection):
            read.first.setdefault(gallery_id, images[:1])
            try:
                for fold in folds:
                    fold.add(images)
            except Exception as exc:  # folding is planning: whatever went wrong concerns this gallery only
                log.debug("%s: planning gallery %s failed:\n%s", task, gallery_id, traceback.format_exc())
                failed.setdefault(gallery_id, f"planning failed ({type(exc).__name__}: {exc})")
                read.broken[gallery_id] = GalleryPlan(gallery_id)
                break
    except ImagesChangedWhileRead as exc:
        log.debug("%s: %s", task, exc)
        read.broken[gallery_id] = GalleryPlan(gallery_id, skipped=f"{MOVED} (its images changed while read)")
    if cover_regex is not None and read.first.get(gallery_id) and gallery_id not in read.broken:
        read.matches = ops.cover_regex_matches([gallery_id], cover_regex)
    return read


def image_groups(page: Sequence[Gallery], budget: int) -> list[list[Gallery]]:
    """The page's galleries in consecutive groups holding at most `budget` images together (by
    image_count); a gallery bigger than that is a group of its own (read in pages)."""
    groups: list[list[Gallery]] = []
    current: list[Gallery] = []
    held = 0
    for gallery in page:
        count = gallery.image_count or 0
        if current and held + count > budget:
            groups.append(current)
            current, held = [], 0
        current.append(gallery)
        held += count
    if current:
        groups.append(current)
    return groups


def _selection(parts: Sequence[str | None]) -> str:
    return " ".join(dict.fromkeys(p for p in parts if p))


def apply_plans(ops: GalleryOps, plans: Sequence[GalleryPlan], failed: dict[str, str]) -> dict[str, str]:
    """Apply the plans' changes (failures go into `failed`); returns {gallery id: reason} for the
    galleries some of whose changes were dropped because what they would overwrite changed
    meanwhile (not done: the next run plans them again). A plan that lost all its changes
    becomes a skip with that reason; one that lost some keeps, and reports, those that were
    written (an image update that lost only some images names the images left out)."""
    moved: dict[str, str] = {}
    narrowed: dict[int, Change] = {}
    sent: set[int] = set()
    apply_changes(ops, [c for p in plans for c in p.changes], failed, moved, narrowed, sent)
    held = dict(moved)
    for part in narrowed.values():
        for gallery_id in part.galleries:
            held.setdefault(gallery_id, MOVED)
    for plan in plans:
        if narrowed:
            plan.changes = [narrowed.get(id(c), c) for c in plan.changes]
        if plan.gallery_id in failed:
            continue
        if plan.gallery_id in moved:  # its changes from the one whose basis moved on were not sent
            plan.changes = [c for c in plan.changes if id(c) in sent and not c.is_empty]
            if not plan.changes:
                plan.skipped = held[plan.gallery_id]
        elif plan.changes and all(c.is_empty for c in plan.changes):
            plan.changes, plan.skipped = [], held[plan.gallery_id]
    return held


def apply_page(
    ops: GalleryOps, plans: Sequence[GalleryPlan], failed: dict[str, str], dry_run: bool, gate: Gate | None
) -> dict[str, str]:
    """A page's plans, written (apply_plans) unless the run previews or its gate holds them back (a
    page action whose gallery changed since its preview: gate.py); returns what apply_plans returns."""
    if gate is not None and not gate.passes(plans):
        return {}
    return apply_plans(ops, plans, failed) if not dry_run else {}


def run_workflows(
    ops: GalleryOps,
    task: str,
    workflows: Sequence[Workflow],
    env: Env,
    scope: Scope,
    dry_run: bool,
    finish: Callable[[list[str], dict[str, list[Image]]], list[Change]] | None = None,
    page_size: int = WORKFLOW_PAGE_SIZE,
    gate: Gate | None = None,
) -> Report:
    """Plan (and unless dry_run, apply) the workflows on every gallery in scope.

    `finish(ok_gallery_ids, images)` may add changes for the galleries of a page whose own
    changes all went through (the new-gallery task removes its marker tag that way). `gate`
    (a page action's) sees each page's plans before they are written (apply_page).
    An exception while planning one gallery (odd data, a bug) is that gallery's failure.
    Failures are kept for the whole run: a write shared by several galleries (an image in
    two of them) fails each of them, also one on a later page.
    """
    report = Report(task, dry_run, variant_of(workflows))
    image_fields = _selection([w.image_fields for w in workflows])
    gallery_fields = _selection(["id", "image_count" if image_fields else None, *(w.gallery_fields for w in workflows)])
    total, stream = galleries_in_scope(ops, scope, gallery_fields, page_size, report)
    log.info("%s", report.start_line(total))
    progress(0.0)
    failed: dict[str, str] = {}
    asks_covers = any(getattr(w, "reads_cover_matches", False) for w in workflows)
    page_readers = [w for w in workflows if hasattr(w, "read_page")]  # they read per page (scene_links)
    for page in chunks(stream, page_size):
        for reader in page_readers:
            reader.read_page(ops, page)
        plans: list[GalleryPlan] = []
        seen: dict[str, list[Image]] = {}  # per gallery: its first image only (finish() asks "has images?")
        unread: set[str] = set()  # galleries that could not be planned from their images (not finished)
        # images are read, planned and let go a group at a time: memory follows IMAGES_IN_MEMORY,
        # not the size of the page's galleries (a page of 100 galleries of 1,000 images each); a
        # bigger gallery is read a page at a time, each page folded into the workflows' small
        # summaries (image_folds) and let go, so memory stays flat in gallery size too
        for group in image_groups(page, IMAGES_IN_MEMORY) if image_fields else [page]:
            read = (
                read_group(ops, task, workflows, group, image_fields, failed, env.cover_regex if asks_covers else None)
                if image_fields
                else GroupImages()
            )
            group_env = replace(env, cover_matches=read.matches) if asks_covers else env
            for gallery in group:
                seen[gallery.id] = read.first.get(gallery.id, [])
                if gallery.id in read.broken:
                    plans.append(read.broken[gallery.id])
                    unread.add(gallery.id)
                    continue
                try:
                    plans.append(
                        plan_gallery(
                            workflows,
                            gallery,
                            read.images.get(gallery.id, []) if image_fields else None,
                            read.folds.get(gallery.id),
                            group_env,
                        )
                    )
                except Exception as exc:  # planning is pure: whatever went wrong concerns this gallery only
                    log.debug("%s: planning gallery %s failed:\n%s", task, gallery.id, traceback.format_exc())
                    failed.setdefault(gallery.id, f"planning failed ({type(exc).__name__}: {exc})")
                    plans.append(GalleryPlan(gallery.id))
            del read
        images = seen
        moved = apply_page(ops, plans, failed, dry_run, gate)
        extra: list[Change] = []
        if finish is not None:  # computed in a preview too, so that it says what it would do
            extra = finish(
                [
                    p.gallery_id
                    for p in plans
                    if p.gallery_id not in failed
                    and p.gallery_id not in moved
                    and p.gallery_id not in unread
                    and p.error is None
                ],
                images,
            )
            if not dry_run:
                apply_changes(ops, extra, failed)
        for plan in plans:
            report.add(plan, failed.get(plan.gallery_id))
        report.add_changes(extra, failed)
        if report.scanned < total:  # the last step is the 1.0 below, sent once
            progress(report.scanned / total)
    report.requests = ops.requests_sent
    progress(1.0)
    for level, line in report.log_lines():
        log.log(level, "%s", line)
    return report


def galleries_in_scope(
    ops: GalleryOps, scope: Scope, selection: str, page_size: int, report: Report
) -> tuple[int, Iterable[Gallery]]:
    """How many galleries are in scope (one request, or the ids given), and a lazy stream of them,
    a page per request; ids that name no gallery are reported as skipped."""
    if scope.gallery_ids is not None:
        return len(scope.gallery_ids), _by_ids(ops, scope.gallery_ids, selection, page_size, report)
    return (
        ops.count_galleries(scope.gallery_filter),
        ops.iter_galleries(scope.gallery_filter, page_size=page_size, selection=selection),
    )


def _by_ids(ops: GalleryOps, ids: Sequence[str], selection: str, page_size: int, report: Report) -> Iterator[Gallery]:
    """Galleries named by id, a page per request; ids that name none are reported as skipped."""
    for chunk in chunks(ids, page_size):
        for gallery_id, gallery in ops.galleries_by_ids(chunk, selection).items():
            if gallery is None:
                report.add(GalleryPlan(gallery_id, skipped="no gallery with that id"))
            else:
                yield gallery
