"""New galleries: the Gallery.Create.Post hook, and the task that finishes what it defers.

A gallery made by a scan holds only the images scanned so far when its create hook
runs: the rest arrive in later transactions that fire no gallery hook (docs/stash.md
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

import json
import logging
from typing import Any

from ..args import ArgError
from ..errors import StashServerError
from ..models import Gallery, Image
from ..operations import GalleryOps
from .changes import Change, UntagGalleries
from .chapters import ChaptersFromFolders
from .covers import SetCovers, parse_cover_rule
from .engine import (
    CONFIGURATION_FIELD,
    NEW_GALLERY_TAG,
    Env,
    Scope,
    Workflow,
    decide_dry_run,
    env_from_configuration,
    read_env,
    read_scope,
    run_workflows,
)
from .image_sync import SyncImagesFromGallery, parse_sync_fields
from .report import Report
from .titles import TitleFromPath, parse_title_pattern, plan_title

log = logging.getLogger("gallery_ops")

IMAGE_RULES = ("hookChapters", "hookCovers", "hookSyncImages")
MARKER_TAG_FIELD = (
    "findTags(tag_filter: { name: { value: $tag, modifier: EQUALS } }, filter: { per_page: 1 }) { tags { id } }"
)
HOOK_START = (
    f"query NewGalleryHook($id: ID!, $tag: String!) {{ {CONFIGURATION_FIELD}"
    " findGallery(id: $id) { id title date code files { path } folder { path } tags { id } }"
    f" {MARKER_TAG_FIELD} }}"
)
FIND_TAG = f"query FindMarkerTag($tag: String!) {{ {MARKER_TAG_FIELD} }}"
CREATE_TAG = "mutation CreateMarkerTag($input: TagCreateInput!) { tagCreate(input: $input) { id } }"
UPDATE_GALLERY = "mutation NewGalleryUpdate($input: GalleryUpdateInput!) { galleryUpdate(input: $input) { id } }"


def _marker_tag(ops: GalleryOps, found: list[dict[str, Any]]) -> str:
    """The marker tag's id, created the first time (another hook may win that race)."""
    if found:
        return found[0]["id"]
    try:
        data = ops.connection.execute(CREATE_TAG, {"input": {"name": NEW_GALLERY_TAG}}, idempotent=False)
        return data["tagCreate"]["id"]
    except StashServerError:
        again = ops.connection.execute(FIND_TAG, {"tag": NEW_GALLERY_TAG})["findTags"]["tags"]
        if again:
            return again[0]["id"]
        raise


def handle_gallery_created(ops: GalleryOps, hook_context: dict[str, Any]) -> dict[str, Any]:
    """Gallery.Create.Post: title now, image rules deferred (see the module docstring)."""
    gallery_id = hook_context.get("id")
    if isinstance(gallery_id, bool) or not isinstance(gallery_id, int) or gallery_id < 1:
        raise ArgError(f"hookContext.id should be the new gallery's id, got {gallery_id!r}")
    data = ops.connection.execute(HOOK_START, {"id": str(gallery_id), "tag": NEW_GALLERY_TAG})
    env = env_from_configuration(data["configuration"])
    out: dict[str, Any] = {"gallery": str(gallery_id), "made_by_scan": hook_context.get("input") is None}
    raw = data["findGallery"]
    if raw is None:
        out["result"] = "the gallery no longer exists"
        return out
    gallery = Gallery.model_validate(raw)
    rules = env.settings.hook_rules
    update: dict[str, Any] = {}
    if rules["hookTitles"]:
        plan = plan_title(gallery, parse_title_pattern(env.settings["titlePattern"]))
        for change in plan.changes:
            update.update(dict(change.fields))
    deferred = [rule for rule in IMAGE_RULES if rules[rule]]
    dry_run = bool(env.settings["dryRun"])
    if deferred:
        out["deferred"] = deferred
        if not dry_run:
            tag_id = _marker_tag(ops, data["findTags"]["tags"])
            current = [t.id for t in gallery.tags or []]
            if tag_id not in current:
                update["tag_ids"] = [*current, tag_id]
    out["update"] = update
    out["dry_run"] = dry_run
    if not any(rules.values()):
        out["result"] = "no new-gallery rules are switched on (settings hookTitles, hookChapters, hookCovers," \
                        " hookSyncImages)"
    elif update and not dry_run:
        ops.connection.execute(UPDATE_GALLERY, {"input": {"id": str(gallery_id), **update}})
        out["result"] = "updated"
    else:
        out["result"] = "nothing to change now" if not dry_run else "preview (setting dryRun): nothing changed"
    log.info("new gallery %s: %s%s", gallery_id, hook_sentence(out["result"], update),
             f"; finish after the scan: {', '.join(deferred)}" if deferred else "")
    return out


def hook_sentence(result: str, update: dict[str, Any]) -> str:
    """The hook's result for the log: what it set, as JSON values, and the mark by its name."""
    if result != "updated":
        return result
    done = [f"set {key} {json.dumps(value, ensure_ascii=False)}" for key, value in update.items() if key != "tag_ids"]
    if "tag_ids" in update:
        done.append(f"tagged {json.dumps(NEW_GALLERY_TAG)}")
    return "; ".join(done)


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
    found = ops.connection.execute(FIND_TAG, {"tag": NEW_GALLERY_TAG})["findTags"]["tags"]
    if not found:
        report = Report("finish_new_galleries", dry_run)
        # Stash shows a task's output at debug level only: say so in the log
        log.info("%s: %s (no gallery has the tag \"%s\")", report.title, report.summary, NEW_GALLERY_TAG)
        return report
    tag_id = found[0]["id"]
    marked: dict[str, Any] = {"tags": {"value": [tag_id], "modifier": "INCLUDES"}}
    gallery_filter = {**marked, "AND": scope.gallery_filter} if scope.gallery_filter else marked
    rules = [name for name, on in env.settings.hook_rules.items() if on]
    needs_images = any(rule in IMAGE_RULES for rule in rules)

    def unmark(done: list[str], images: dict[str, list[Image]]) -> list[Change]:
        # a gallery with no images yet (made by hand, filled later) stays marked until it has some
        ready = [gallery_id for gallery_id in done if images.get(gallery_id) or not needs_images]
        return [UntagGalleries(ready[0], tag_id, tuple(ready[1:]), NEW_GALLERY_TAG)] if ready else []

    return run_workflows(ops, "finish_new_galleries", rule_workflows(env, rules), env,
                         Scope(gallery_filter=gallery_filter), dry_run, finish=unmark)
