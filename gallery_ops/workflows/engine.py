"""Running a task: scope, preview or apply, pages of galleries, progress and the report.

Every task has the same shape:
  1. read the settings and Stash's gallery cover regex (one request);
  2. count the galleries in scope (one request) for the progress bar;
  3. for each page of galleries (id cursor): read their images if the task needs
     them (one request), plan each gallery with the task's pure plan function, and,
     unless this is a preview, apply the page's changes in batches (a few requests);
  4. report: scanned, changed, unchanged, skipped (why), failed (why), first changes.
A failure on one gallery is reported and the run goes on. Each page is applied before
the next is read, so a run killed at any point leaves finished pages finished, and the
next run (plans are computed from what Stash has now) does the rest and nothing twice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..args import ArgError, Param
from ..limits import WORKFLOW_PAGE_SIZE
from ..logs import progress
from ..models import Gallery, Image
from ..operations import GalleryOps
from ..settings import PLUGIN_ID, Settings
from .changes import Change, apply_changes
from .report import GalleryPlan, Report, variant_of

log = logging.getLogger("gallery_ops")

STASH_DEFAULT_COVER_REGEX = r"(poster|cover|folder|board)\.[^\.]+$"  # Stash's default gallery_cover_regex
# The tag the new-gallery hook puts on galleries until Finish new galleries is done with them
# (new_galleries.py); bookkeeping that workflows never copy anywhere.
NEW_GALLERY_TAG = "Gallery Tools: new"
# What a run needs from Stash's configuration: the plugin's settings and the cover regex.
CONFIGURATION_FIELD = f'configuration {{ plugins(include: ["{PLUGIN_ID}"]) general {{ galleryCoverRegex }} }}'
RUN_CONFIG = f"query RunConfig {{ {CONFIGURATION_FIELD} }}"

# Args every task takes: which galleries, and preview or apply.
SCOPE_PARAMS: tuple[Param, ...] = (
    Param("gallery_ids", "ids", False),
    Param("path", "str", False),
    Param("gallery_filter", "object", False),
    Param("dry_run", "bool", False),
)


@dataclass(frozen=True)
class Env:
    """What plans may look at besides a gallery, its images and their own parameters."""

    settings: Settings
    cover_regex: str


class Workflow(Protocol):
    """A task's logic: what to read, and a pure plan per gallery."""

    gallery_fields: str
    image_fields: str | None  # None: the plan does not need the gallery's images

    def plan(self, gallery: Gallery, images: list[Image] | None, env: Env) -> GalleryPlan: ...


def read_env(ops: GalleryOps) -> Env:
    """The plugin's settings and Stash's gallery cover regex, in one request."""
    data = ops.connection.execute(RUN_CONFIG)["configuration"]
    return env_from_configuration(data)


def env_from_configuration(data: dict[str, Any]) -> Env:
    """Env from a `configuration { plugins(...) general { galleryCoverRegex } }` answer."""
    saved = (data.get("plugins") or {}).get(PLUGIN_ID)
    regex = (data.get("general") or {}).get("galleryCoverRegex") or STASH_DEFAULT_COVER_REGEX
    return Env(Settings.from_saved(saved), regex)


@dataclass(frozen=True)
class Scope:
    """Which galleries a run looks at: explicit ids, or a gallery filter (None = all)."""

    gallery_ids: tuple[str, ...] | None = None
    gallery_filter: dict[str, Any] | None = None


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
        gallery_filter = {"path": {"value": "^" + re.escape(path.strip()), "modifier": "MATCHES_REGEX"}}
    if given_filter is not None:
        gallery_filter = {**gallery_filter, "AND": given_filter} if gallery_filter else given_filter
    return Scope(gallery_filter=gallery_filter)


def decide_dry_run(args: dict[str, Any], settings: Settings, destructive: bool) -> bool:
    """The run's dry_run arg wins; otherwise destructive runs preview, others follow the setting."""
    if "dry_run" in args:
        return bool(args["dry_run"])
    return True if destructive else bool(settings["dryRun"])


def pages(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    page: list[Any] = []
    for item in items:
        page.append(item)
        if len(page) == size:
            yield page
            page = []
    if page:
        yield page


def _merge(gallery_id: str, plans: Sequence[GalleryPlan]) -> GalleryPlan:
    merged = GalleryPlan(gallery_id)
    for plan in plans:
        merged.changes.extend(plan.changes)
    if not merged.changes and plans and all(p.skipped for p in plans):
        merged.skipped = "; ".join(dict.fromkeys(p.skipped for p in plans if p.skipped))
    return merged


def _selection(parts: Sequence[str | None]) -> str:
    return " ".join(dict.fromkeys(p for p in parts if p))


def run_workflows(ops: GalleryOps, task: str, workflows: Sequence[Workflow], env: Env, scope: Scope,
                  dry_run: bool, finish: Callable[[list[str], dict[str, list[Image]]], list[Change]] | None = None,
                  page_size: int = WORKFLOW_PAGE_SIZE) -> Report:
    """Plan (and unless dry_run, apply) the workflows on every gallery in scope.

    `finish(ok_gallery_ids, images)` may add changes for the galleries of a page whose own
    changes all went through (the new-gallery task removes its marker tag that way).
    """
    report = Report(task, dry_run, variant_of(workflows))
    gallery_fields = _selection(["id", *(w.gallery_fields for w in workflows)])
    image_fields = _selection([w.image_fields for w in workflows])
    if scope.gallery_ids is not None:
        total = len(scope.gallery_ids)
        stream = _by_ids(ops, scope.gallery_ids, gallery_fields, page_size, report)
    else:
        total = ops.count_galleries(scope.gallery_filter)
        stream = ops.iter_galleries(scope.gallery_filter, page_size=page_size, selection=gallery_fields)
    log.info("%s", report.start_line(total))
    progress(0.0)
    for page in pages(stream, page_size):
        images = ops.images_of_galleries([g.id for g in page], image_fields) if image_fields else {}
        plans = [_merge(g.id, [w.plan(g, images.get(g.id) if image_fields else None, env) for w in workflows])
                 for g in page]
        failed: dict[str, str] = {}
        if not dry_run:
            failed = apply_changes(ops.connection, [c for p in plans for c in p.changes])
        extra: list[Change] = []
        if finish is not None:  # computed in a preview too, so that it says what it would do
            extra = finish([p.gallery_id for p in plans if p.gallery_id not in failed], images)
            if not dry_run:
                failed.update(apply_changes(ops.connection, extra))
        for plan in plans:
            report.add(plan, failed.get(plan.gallery_id))
        report.add_changes(extra, failed)
        if report.scanned < total:  # the last step is the 1.0 below, sent once
            progress(report.scanned / total)
    report.requests = ops.connection.requests_sent
    progress(1.0)
    for level, line in report.log_lines():
        log.log(level, "%s", line)
    return report


def _by_ids(ops: GalleryOps, ids: Sequence[str], selection: str, page_size: int,
            report: Report) -> Iterator[Gallery]:
    """Galleries named by id, a page per request; ids that name none are reported as skipped."""
    for chunk in pages(iter(ids), page_size):
        for gallery_id, gallery in ops.galleries_by_ids(chunk, selection).items():
            if gallery is None:
                report.add(GalleryPlan(gallery_id, skipped="no gallery with that id"))
            else:
                yield gallery
