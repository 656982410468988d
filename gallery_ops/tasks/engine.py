"""Running a task: scope, preview or apply, pages of galleries, progress and the report.

Every task runs through one skeleton (run_pages):
  1. the start line (the button's name and how many galleries are in scope);
  2. for each page the task plans (Page): unless this is a preview, its changes are handed
     to the stash layer, which writes them in batches (a few requests; changes.py); the
     page is counted in the report, and the progress bar moves;
  3. the report: scanned, changed, unchanged, skipped (why), failed (why), first changes.
A failure on one gallery, in planning (`planned`) or in writing, is reported and the run goes
on. Each page is applied before the next is read, so a run killed at any point leaves finished
pages finished, and the next run (plans are computed from what Stash has now) does the rest
and nothing twice.

Most tasks plan galleries one by one with workflows (run_workflows): the galleries in scope
are read a page at a time (id cursor), their images in groups of IMAGES_IN_MEMORY images (a
bigger gallery a page per request, each page folded into the workflows' small summaries,
workflow.ImageFold), and each gallery is planned by the workflows' pure plans.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from operator import is_

from ..common import paths
from ..common.args import Param
from ..common.errors import ArgError
from ..common.lean_functools import partial
from ..common.limits import IMAGE_PAGE_SIZE, IMAGES_IN_MEMORY, WORKFLOW_PAGE_SIZE
from ..common.log import current_traceback, log, progress
from ..common.plain import dataclass, field, replace
from ..common.settings import Settings
from ..common.skips import SKIP_IMAGES_CHANGED, SKIP_NO_SUCH_GALLERY
from ..stash import selections
from ..stash.batch import chunks
from ..stash.models import Gallery, Image
from ..stash.names import NameBook
from ..stash.operations import GalleryOps, ImagesChangedWhileRead
from .changes import Applied, Change, apply_changes
from .report import GalleryPlan, Report
from .workflow import Env, ImageFold, ImageList, Scope, Workflow, env_from_configuration

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .gate import Gate  # (a task's run has no gate unless it is a page action's or was queued from one)

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
        gallery_filter = {"path": path_criterion(path.strip())}
    if given_filter is not None:
        gallery_filter = {**gallery_filter, "AND": given_filter} if gallery_filter else given_filter
    return Scope(gallery_filter=gallery_filter, path=path.strip() if path is not None else None)


def path_criterion(path: str) -> dict[str, Any]:
    """The galleries whose zip or folder path starts with `path` (Stash's MATCHES_REGEX)."""
    return {"value": paths.prefix_regex(path), "modifier": "MATCHES_REGEX"}


def by_folder(ops: GalleryOps, scope: Scope) -> Scope:
    """The scope's `path` as Stash's parent_folder criterion where Stash has it (v0.31) and it
    means the same galleries: a path ending in a separator names everything inside a folder,
    and the galleries whose zip or folder path starts with it are those whose zip's folder, or
    whose folder's parent, is that folder or below it. Stash answers that from the folders'
    parent index instead of matching a regex against every gallery's path (bench/scope_path.py).
    Another path (a prefix of names, or a folder Stash does not have) keeps the regex."""
    path = scope.path
    if (
        path is None
        or scope.gallery_filter is None
        or not path.endswith(("/", "\\"))
        or len(path.rstrip("\\/")) == 0
        or not ops.features().parent_folder
    ):
        return scope
    folder_id = ops.folder_id(path.rstrip("\\/"))
    if folder_id is None:
        return scope
    folder = {"value": [folder_id], "modifier": "INCLUDES", "depth": -1}
    return replace(scope, gallery_filter=_swapped(scope.gallery_filter, path_criterion(path), folder))


def _swapped(gallery_filter: dict[str, Any], criterion: dict[str, Any], folder: dict[str, Any]) -> dict[str, Any]:
    """The filter with its path criterion (here or in an AND below) made a parent_folder criterion."""
    out = dict(gallery_filter)
    if out.get("path") == criterion:
        del out["path"]
        out["parent_folder"] = folder
    elif isinstance(out.get("AND"), dict):
        out["AND"] = _swapped(out["AND"], criterion, folder)
    return out


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
        merged.notes.extend(plan.notes)
        merged.error = merged.error or plan.error
    if merged.error is not None:  # failed: it is reported so (and keeps a new-gallery mark), and gets only
        # the changes of the workflows that did not fail (a title pattern stuck on its name drops no other rule)
        merged.changes = [change for plan in plans if plan.error is None for change in plan.changes]
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
    return [w.fold(gallery) or ImageList() for w in workflows]


def is_big(group: Sequence[Gallery]) -> bool:
    """A group of one gallery bigger than IMAGES_IN_MEMORY: read a page per request."""
    return len(group) == 1 and (group[0].image_count or 0) > IMAGES_IN_MEMORY


def images_needed(workflows: Sequence[Workflow]) -> int | None:
    """How many of each gallery's first images the run reads, when every workflow that reads images
    needs only its first ones (Workflow.images_needed) and they fit in one page; None: every image."""
    needs = [w.images_needed for w in workflows if w.image_fields]
    if not needs or None in needs:
        return None
    most = max(n for n in needs if n is not None)
    return most if most <= IMAGE_PAGE_SIZE else None


def group_images(ops: GalleryOps, group: Sequence[Gallery], selection: str) -> Iterator[tuple[str, list[Image]]]:
    """A group's images as (gallery id, images) in gallery order: one aliased request for the group
    (image_groups), or, for a gallery bigger than IMAGES_IN_MEMORY, a page per request, so that
    only one page of it is held at a time (GalleryOps.gallery_image_pages)."""
    if is_big(group):
        for images in ops.gallery_image_pages(group[0].id, selection, IMAGE_PAGE_SIZE):
            yield group[0].id, images
            del images  # not held while the next page is read
        return
    yield from ops.images_of_galleries([g.id for g in group], selection).items()


@dataclass
class GroupImages:
    """What the engine read of a group of galleries (read_group).

    `images`: each gallery's images, for a group read in one request (at most IMAGES_IN_MEMORY
    images together); `folds`: for a big gallery, each workflow's fold of its pages instead.
    `with_images`: the galleries that have images (Page.with_images); `broken`: the plans of the
    galleries that cannot be planned; `matches`: Stash's default-cover answers, when asked."""

    images: dict[str, list[Image]] = field(default_factory=dict)
    folds: dict[str, list[ImageFold]] = field(default_factory=dict)
    with_images: set[str] = field(default_factory=set)
    broken: dict[str, GalleryPlan] = field(default_factory=dict)
    matches: dict[str, str | None] = field(default_factory=dict)


def read_group(
    ops: GalleryOps,
    task: str,
    workflows: Sequence[Workflow],
    group: Sequence[Gallery],
    selection: str,
    names: NameBook,
    cover_regex: str | None = None,
    needed: int | None = None,
) -> GroupImages:
    """Read a group's images: in one aliased request (with Stash's default-cover question when
    `cover_regex` is given: images_and_cover_matches), or, for a gallery bigger than
    IMAGES_IN_MEMORY, a page per request (GalleryOps.gallery_image_pages), each page folded into
    the workflows' small summaries and let go, so that memory stays flat in gallery size; its
    cover question is asked once its pages are read. `needed` (images_needed): each gallery's
    first `needed` images only, in one aliased request whatever the galleries' sizes.

    A fold that raises is that gallery's planning failure; images that changed while a big
    gallery was read make it skipped (the next run plans it again)."""
    read = GroupImages()
    if needed is not None or not is_big(group):
        ids = [g.id for g in group]
        if cover_regex is not None:
            read.images, read.matches = ops.images_and_cover_matches(ids, selection, cover_regex, first=needed)
        else:
            read.images = ops.images_of_galleries(ids, selection, first=needed)
        read.with_images = {gallery_id for gallery_id, images in read.images.items() if images}
        return read
    gallery_id = group[0].id
    folds = read.folds[gallery_id] = image_folds(workflows, group[0])
    try:
        for _, images in group_images(ops, group, selection):
            if images:
                read.with_images.add(gallery_id)
            # folding is planning: whatever goes wrong concerns this gallery only
            failure = planned(task, [gallery_id], partial(_fold, folds, images), names)
            del images  # folded: let it go before the next page is read (one page in memory at a time)
            # and what still holds its memory: CPython keeps freed tuples, lists and dicts for reuse
            # (thousands of tuples) where a page's pools stay taken by them, so the next page takes
            # new ones (+0.6 MiB at 20 pages of Sync's); a full collection empties those lists
            gc.collect()
            if failure:
                read.broken[gallery_id] = failure[0]
                break
    except ImagesChangedWhileRead as exc:
        log.debug("%s: gallery %s: %s", task, names.called("gallery", gallery_id), exc)
        read.broken[gallery_id] = GalleryPlan(gallery_id, skipped=SKIP_IMAGES_CHANGED)
    if cover_regex is not None and gallery_id in read.with_images and gallery_id not in read.broken:
        read.matches = ops.cover_regex_matches([gallery_id], cover_regex)
    return read


def _fold(folds: Sequence[ImageFold], images: Sequence[Image]) -> list[GalleryPlan]:
    """Add a page of images to each fold (no plan yet: that comes once every page is folded)."""
    for fold in folds:
        fold.add(images)
    return []


def image_groups(page: Sequence[Gallery], budget: int, needed: int | None = None) -> list[list[Gallery]]:
    """The page's galleries in consecutive groups holding at most `budget` images together (by
    image_count, or at most `needed` of each: images_needed); a gallery bigger than that is a
    group of its own (read in pages)."""
    groups: list[list[Gallery]] = []
    current: list[Gallery] = []
    held = 0
    for gallery in page:
        count = gallery.image_count or 0
        if needed is not None:
            count = min(count, needed)
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


# How a page's plans are written: (ops, plans, failed so far, the run's names) -> what was done.
Apply = Callable[[GalleryOps, Sequence[GalleryPlan], Mapping[str, str], NameBook], "PageApplied"]


@dataclass
class PageApplied:
    """A page's plans once applied (what was written of each, and why the rest was not), the
    galleries whose changes failed ({gallery id: error}), and those held back because what
    they would overwrite changed meanwhile ({gallery id: reason}: the next run plans them again)."""

    plans: list[GalleryPlan]
    failed: dict[str, str]
    held: dict[str, str]


def apply_plans(
    ops: GalleryOps, plans: Sequence[GalleryPlan], failed: Mapping[str, str], names: NameBook
) -> PageApplied:
    """Apply the plans' changes (not those of galleries in `failed`). A plan that lost all its
    changes because what they would overwrite changed meanwhile becomes a skip with that reason;
    one that lost some keeps, and reports, those that were written (an image update that lost
    only some images names the images left out). `names`: the run's (what changed meanwhile is
    logged by name)."""
    given = [c for p in plans for c in p.changes]
    applied = apply_changes(ops, given, failed, names)
    held = applied.held()
    if _all_as_planned(plans, given, applied, failed):
        return PageApplied(list(plans), applied.failed, held)
    out: list[GalleryPlan] = []
    start = 0
    for plan in plans:
        end = start + len(plan.changes)
        changes, taken = applied.changes[start:end], applied.taken[start:end]
        start = end
        if plan.gallery_id in failed or plan.gallery_id in applied.failed:
            out.append(replace(plan, changes=changes))
        elif plan.gallery_id in applied.moved:  # its changes from the one whose basis moved on were not sent
            written = [c for c, ok in zip(changes, taken, strict=True) if ok and not c.is_empty]
            out.append(replace(plan, changes=written, skipped=plan.skipped if written else held[plan.gallery_id]))
        elif changes and all(c.is_empty for c in changes):
            out.append(replace(plan, changes=[], skipped=held[plan.gallery_id]))
        elif all(now is planned for now, planned in zip(changes, plan.changes, strict=True)):
            out.append(plan)  # every change written as planned (most plans): the plan as it is
        else:
            out.append(replace(plan, changes=changes))
    return PageApplied(out, applied.failed, held)


def _all_as_planned(
    plans: Sequence[GalleryPlan], given: Sequence[Change], applied: Applied, failed: Mapping[str, str]
) -> bool:
    """Whether apply_plans keeps every plan as it is (most pages): nothing failed or moved, each
    change is the one planned, and no plan's first change came back empty (the page's checks, in C
    where they can be, instead of each plan's; any doubt goes the plan-by-plan way)."""
    return (
        not applied.failed
        and not applied.moved
        and all(map(is_, applied.changes, given))
        and not any(p.changes and p.changes[0].is_empty for p in plans)
        and not (failed and any(p.gallery_id in failed for p in plans))
    )


def apply_page(
    ops: GalleryOps,
    plans: Sequence[GalleryPlan],
    failed: Mapping[str, str],
    dry_run: bool,
    gate: Gate | None,
    names: NameBook,
    apply: Apply = apply_plans,
) -> PageApplied:
    """A page's plans, written (`apply`) unless the run previews or its gate holds them back (a page
    action whose galleries changed since its preview: gate.py); as they were when nothing is written."""
    if (gate is not None and not gate.passes(plans)) or dry_run:
        return PageApplied(list(plans), {}, {})
    return apply(ops, plans, failed, names)


@dataclass
class Page:
    """The plans of one page of a run, and what was read with them for the task's `after_page`."""

    plans: list[GalleryPlan]
    unread: set[str] = field(default_factory=set)  # galleries not planned from their images
    with_images: set[str] = field(default_factory=set)  # galleries that have images (as read)


def planned(
    task: str, gallery_ids: Sequence[str], plan: Callable[[], GalleryPlan | list[GalleryPlan]], names: NameBook
) -> list[GalleryPlan]:
    """`plan()`'s plans, or, when it raises (odd data, a bug), a failed plan for each of the
    galleries: planning is pure, so whatever went wrong concerns them only, and the run goes on.
    `names`: the run's (the debug line names the galleries)."""
    try:
        found = plan()
    except Exception as exc:
        return planning_failed(task, gallery_ids, exc, names)
    return [found] if isinstance(found, GalleryPlan) else found


def planning_failed(task: str, gallery_ids: Sequence[str], exc: Exception, names: NameBook) -> list[GalleryPlan]:
    """A failed plan for each of the galleries whose planning raised `exc` (called in its handler:
    the debug line carries the traceback)."""
    said = ", ".join(names.called("gallery", g) for g in gallery_ids)
    log.debug("%s: planning galleries %s failed:\n%s", task, said, current_traceback())
    return [GalleryPlan(g, error=f"planning failed ({type(exc).__name__}: {exc})") for g in gallery_ids]


def run_pages(
    ops: GalleryOps,
    report: Report,
    total: int,
    pages: Iterable[Page],
    *,
    apply: Apply = apply_plans,
    after_page: Callable[[Page, list[str]], list[Change]] | None = None,
    on_page_done: Callable[[Page, Mapping[str, str]], None] | None = None,
    note: str = "",
    progress_span: tuple[float, float] = (0.0, 1.0),
    gate: Gate | None = None,
) -> Report:
    """The run skeleton of every task: the start line; each page applied (unless the report is a
    preview, or `gate` holds it back: apply_page), counted and shown on the progress bar (its
    part `progress_span` of it: a task of several passes gives each its part); the report logged.

    `after_page(page, done)` may add changes for the galleries of a page whose own changes all
    went through (the new-gallery task removes its marker tag that way); it is asked in a
    preview too, so that the preview says what it would do. `on_page_done(page, failed)` hears
    of each page once it is written (scrape_galleries logs each gallery's line then). Failures are kept for the whole
    run: a write shared by several galleries (an image in two of them) fails each of them, also
    one on a later page. `report.unfinished` ends up naming every gallery whose changes did not
    all go through."""
    log.info("%s%s", report.start_line(total), note)
    failed: dict[str, str] = {}
    held: dict[str, str] = {}
    for page in pages:
        applied = apply_page(ops, page.plans, failed, report.dry_run, gate, report.names, apply)
        plans = applied.plans
        failed.update(applied.failed)
        held.update(applied.held)
        failed.update({p.gallery_id: p.error for p in plans if p.error is not None and p.gallery_id not in failed})
        extra: list[Change] = []
        if after_page is not None:
            not_done = {*failed, *held, *page.unread}
            extra = after_page(
                replace(page, plans=plans), [p.gallery_id for p in plans if p.gallery_id not in not_done]
            )
            if extra and not report.dry_run and not (gate is not None and gate.held):
                failed.update(apply_changes(ops, extra, failed, report.names).failed)
        if on_page_done is not None:
            on_page_done(replace(page, plans=plans), failed)
        for plan in plans:
            report.add(plan, failed.get(plan.gallery_id))
        report.add_changes(extra, failed)
        if report.scanned < total:  # the task's end is the 1.0 its runner sends (registry.run_task)
            start, end = progress_span
            progress(start + (end - start) * report.scanned / total)
    report.unfinished = {**held, **failed}
    page_rows = None  # a gallery page's rows (entry/page.py): their names are read with the report's
    if gate is not None and gate.page_images is not None and gate.fingerprint is not None:
        from .words import wanted  # (the page's own module: a task's run does not import it)

        page_rows = wanted(gate.plans, gate.page_images)
    report.read_names(ops, page_rows)
    report.requests = ops.requests_sent
    for level, line in report.log_lines():
        log.log(level, "%s", line)
    return report


def run_workflows(
    ops: GalleryOps,
    task: str,
    workflows: Sequence[Workflow],
    env: Env,
    scope: Scope,
    dry_run: bool,
    after_page: Callable[[Page, list[str]], list[Change]] | None = None,
    page_size: int = WORKFLOW_PAGE_SIZE,
    progress_span: tuple[float, float] = (0.0, 1.0),
    gate: Gate | None = None,
    left_out: Sequence[str] = (),
) -> Report:
    """Plan (and unless dry_run, apply) the workflows on every gallery in scope, a page at a time
    (run_pages; `after_page`, `progress_span` and `gate` as there). `left_out`, with each
    workflow's own: what this Stash cannot take (e.g. chapter anchors on v0.30), said in the log."""
    said = list(dict.fromkeys([*left_out, *(what for w in workflows for what in w.left_out)]))
    report = Report(task, dry_run, next((w.variant for w in workflows if w.variant), None), left_out=said)
    image_fields = _selection([w.image_fields for w in workflows])
    gallery_fields = _selection(
        ["id", "image_count" if image_fields else None, selections.GALLERY_NAME, *(w.gallery_fields for w in workflows)]
    )
    total, stream = galleries_in_scope(ops, scope, gallery_fields, page_size, report)
    needed = images_needed(workflows)
    pages = (
        plan_page(ops, task, workflows, env, page, image_fields, report.names, needed)
        for page in chunks(stream, page_size)
    )
    return run_pages(ops, report, total, pages, after_page=after_page, progress_span=progress_span, gate=gate)


def plan_page(
    ops: GalleryOps,
    task: str,
    workflows: Sequence[Workflow],
    env: Env,
    page: Sequence[Gallery],
    image_fields: str,
    names: NameBook,
    needed: int | None = None,
) -> Page:
    """Read what the workflows need of a page of galleries and plan each gallery (of each gallery's
    images its first `needed` only, when given: images_needed).

    Images are read, planned and let go a group at a time: memory follows IMAGES_IN_MEMORY, not
    the size of the page's galleries (a page of 100 galleries of 1,000 images each); a bigger
    gallery is read a page at a time, each page folded into the workflows' small summaries
    (image_folds) and let go, so memory stays flat in gallery size too. The page's galleries go to
    the run's names book (`names`), which reads their names only if one is asked for."""
    names.learn_galleries(page)
    for workflow in workflows:
        workflow.read_page(ops, page)
    asks_covers = any(w.reads_cover_matches for w in workflows)
    planned_page = Page([])
    for group in image_groups(page, IMAGES_IN_MEMORY, needed) if image_fields else [page]:
        read = (
            read_group(
                ops, task, workflows, group, image_fields, names, env.cover_regex if asks_covers else None, needed
            )
            if image_fields
            else GroupImages()
        )
        group_env = replace(env, cover_matches=read.matches) if asks_covers else env
        plans = planned_page.plans
        planned_page.with_images |= read.with_images
        for gallery in group:
            gallery_id = gallery.id
            if gallery_id in read.broken:
                plans.append(read.broken[gallery_id])
                planned_page.unread.add(gallery_id)
                continue
            images = read.images.get(gallery_id, []) if image_fields else None
            # (planned(), written out: this runs once per gallery of every task)
            try:
                plans.append(plan_gallery(workflows, gallery, images, read.folds.get(gallery_id), group_env))
            except Exception as exc:
                plans.extend(planning_failed(task, [gallery_id], exc, names))
    return planned_page


def galleries_in_scope(
    ops: GalleryOps, scope: Scope, selection: str, page_size: int, report: Report
) -> tuple[int, Iterable[Gallery]]:
    """How many galleries are in scope (one request, or the ids given), and a lazy stream of them,
    a page per request; ids that name no gallery are reported as skipped."""
    if scope.gallery_ids is not None:
        return len(scope.gallery_ids), _by_ids(ops, scope.gallery_ids, selection, page_size, report)
    scope = by_folder(ops, scope)
    return (
        ops.count_galleries(scope.gallery_filter),
        ops.iter_galleries(scope.gallery_filter, page_size=page_size, selection=selection),
    )


def _by_ids(ops: GalleryOps, ids: Sequence[str], selection: str, page_size: int, report: Report) -> Iterator[Gallery]:
    """Galleries named by id, a page per request; ids that name none are reported as skipped."""
    for chunk in chunks(ids, page_size):
        for gallery_id, gallery in ops.galleries_by_ids(chunk, selection).items():
            if gallery is None:
                report.add(GalleryPlan(gallery_id, skipped=SKIP_NO_SUCH_GALLERY))
            else:
                yield gallery
