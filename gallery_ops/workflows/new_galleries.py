"""New galleries: the Gallery.Create.Post hook, and the task that finishes what it defers.

A gallery made by a scan holds only the images scanned so far when its create hook
runs: the rest arrive in later transactions that fire no gallery hook (STASH_FACTS
§3). Rules that look at images (chapters, covers, image sync) would give wrong
answers on that part, and a hand-made gallery gets its images after creation, also
without a hook. So the hook:

- applies at once what needs only the gallery itself: a title from its path
  (setting hookTitles);
- marks the gallery with the tag "Gallery Tools: new" when any image rule is
  switched on (hookChapters, hookCovers, hookSyncImages).

The task "Finish new galleries" (mode finish_new_galleries), run once the scan is
over, applies the switched-on rules to every marked gallery, now complete, exactly as
the tasks would (image sync only adds, whatever syncMirror says: removing is left to
the Sync task, which previews it), and removes the mark from each gallery whose
changes all went through. A gallery with no images yet (made by hand, filled later)
keeps its mark until it has some. Rerunning it is harmless (the rules are idempotent).

The hook costs two requests (one read: settings, gallery, marker tag; one write),
plus one the very first time, to create the tag. Its writes fire Gallery.Update.Post
and Tag.Create.Post, which Gallery Tools does not listen to, so it never triggers
itself again.
"""

from __future__ import annotations

import logging
from typing import Any

from ..args import ArgError
from ..constants import NEW_GALLERY_TAG
from ..errors import StashServerError
from ..models import Gallery, Image, TagRef
from ..operations import GalleryOps
from .changes import Change, SetGalleryFields, UntagGalleries
from .chapters import ChaptersFromFolders
from .covers import SetCovers, parse_cover_rule
from .engine import decide_dry_run, read_env, read_scope, run_workflows
from .image_sync import SyncImagesFromGallery, parse_sync_fields
from .report import Report
from .titles import TitleFromPath, parse_title_pattern, plan_title
from .types import Env, Scope, Workflow, env_from_configuration

log = logging.getLogger("gallery_ops")

IMAGE_RULES = ("hookChapters", "hookCovers", "hookSyncImages")


def handle_gallery_created(ops: GalleryOps, hook_context: dict[str, Any]) -> dict[str, Any]:
    """Gallery.Create.Post: title now, image rules deferred (see the module docstring)."""
    gallery_id = hook_context.get("id")
    if isinstance(gallery_id, bool) or not isinstance(gallery_id, int) or gallery_id < 1:
        raise ArgError(f"hookContext.id should be the new gallery's id, got {gallery_id!r}")
    context = ops.new_gallery_context(str(gallery_id), NEW_GALLERY_TAG)
    env = env_from_configuration(context.configuration)
    out: dict[str, Any] = {"gallery": str(gallery_id), "made_by_scan": hook_context.get("input") is None}
    gallery = context.gallery
    if gallery is None:
        out["result"] = "the gallery no longer exists"
        return out
    rules = env.settings.hook_rules
    update: dict[str, Any] = {}
    if rules["hookTitles"]:
        plan = plan_title(gallery, parse_title_pattern(env.settings["titlePattern"]))
        if plan.error is not None:  # e.g. a title pattern that ran too long: fail before writing anything
            raise ValueError(f"gallery {gallery_id}: {plan.error}")
        for change in plan.changes:
            if isinstance(change, SetGalleryFields):
                update.update(dict(change.fields))
    deferred = [rule for rule in IMAGE_RULES if rules[rule]]
    dry_run = bool(env.settings["dryRun"])
    if deferred:
        out["deferred"] = deferred
        if not dry_run:
            tag_id = context.marker_tag_id or ops.ensure_tag(NEW_GALLERY_TAG)
            current = [t.id for t in gallery.tags or []]
            if tag_id not in current:
                update["tag_ids"] = [*current, tag_id]
    out["update"] = update
    out["dry_run"] = dry_run
    if not any(rules.values()):
        out["result"] = "no new-gallery rules are switched on (settings hookTitles, hookChapters, hookCovers," \
                        " hookSyncImages)"
    elif update and not dry_run:
        fields = {k: v for k, v in update.items() if k != "tag_ids"}
        if "tag_ids" in update:
            fields["tags"] = [TagRef(id=t) for t in update["tag_ids"]]
        result = ops.update_galleries_each([Gallery(id=str(gallery_id), **fields)])
        if result.errors:
            raise StashServerError(list(result.errors.values()))
        out["result"] = "updated"
    else:
        out["result"] = "nothing to change now" if not dry_run else "preview (setting dryRun): nothing changed"
    log.info("new gallery %s: %s%s", gallery_id, out["result"],
             f"; finish after the scan: {', '.join(deferred)}" if deferred else "")
    return out


def rule_workflows(env: Env, names: list[str]) -> list[Workflow]:
    """The workflows for the switched-on new-gallery rules, configured from the settings."""
    settings = env.settings
    chosen: list[Workflow] = []
    if "hookTitles" in names:
        chosen.append(TitleFromPath(parse_title_pattern(settings["titlePattern"])))
    if "hookChapters" in names:
        chosen.append(ChaptersFromFolders(replace=False))
    if "hookCovers" in names:
        chosen.append(SetCovers(parse_cover_rule(settings["coverRule"])))
    if "hookSyncImages" in names:
        # adds only: removing what images already have is for the Sync task, which previews it first
        chosen.append(SyncImagesFromGallery(parse_sync_fields(settings["syncFields"]), mirror=False))
    return chosen


def finish_new_galleries(ops: GalleryOps, args: dict[str, Any]) -> Report:
    """Apply the switched-on rules to the galleries marked new, then unmark them."""
    env = read_env(ops)
    scope = read_scope(args)
    dry_run = decide_dry_run(args, env.settings, destructive=False)
    tag_id = ops.find_tag_id(NEW_GALLERY_TAG)
    if tag_id is None:
        report = Report("finish_new_galleries", dry_run)
        # Stash shows a task's output at debug level only: say so in the log
        log.info("finish_new_galleries: %s (no gallery is marked %r)", report.to_output()["summary"],
                 NEW_GALLERY_TAG)
        return report
    marked: dict[str, Any] = {"tags": {"value": [tag_id], "modifier": "INCLUDES"}}
    gallery_filter = {**marked, "AND": scope.gallery_filter} if scope.gallery_filter else marked
    rules = [name for name, on in env.settings.hook_rules.items() if on]
    needs_images = any(rule in IMAGE_RULES for rule in rules)

    def unmark(done: list[str], images: dict[str, list[Image]]) -> list[Change]:
        # a gallery with no images yet (made by hand, filled later) stays marked until it has some
        ready = [gallery_id for gallery_id in done if images.get(gallery_id) or not needs_images]
        return [UntagGalleries(ready[0], tag_id, tuple(ready[1:]))] if ready else []

    return run_workflows(ops, "finish_new_galleries", rule_workflows(env, rules), env,
                         Scope(gallery_filter=gallery_filter), dry_run, finish=unmark)
