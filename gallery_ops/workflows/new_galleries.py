"""New galleries: the task that finishes what the Gallery.Create.Post hook defers.

The hook (new_gallery_hook.py) titles a new gallery at once and marks it with the tag
"Gallery Tools: new" when an image rule is switched on (hookChapters, hookCovers,
hookSyncImages), then queues this task, which Stash runs when the scan is over (docs/stash.md
§10). The task "Finish new galleries" (mode finish_new_galleries) applies the switched-on
rules to every marked gallery, now complete, exactly as the tasks would (image sync only
adds, whatever syncMirror says: removing is left to the Sync task, which previews it), and
removes the mark from each gallery whose changes all went through. A gallery with no images
yet (made by hand, filled later) keeps its mark until it has some. Rerunning it is harmless
(the rules are idempotent).
"""

from __future__ import annotations

import logging
from typing import Any

from ..constants import NEW_GALLERY_TAG
from ..models import Image
from ..operations import GalleryOps
from ..settings import IMAGE_RULES
from .changes import Change, UntagGalleries
from .chapters import ChaptersFromFolders
from .covers import SetCovers, parse_cover_rule
from .engine import decide_dry_run, read_env, read_scope, run_workflows
from .image_sync import SyncImagesFromGallery, parse_sync_fields
from .report import Report
from .titles import TitleFromPath, parse_title_pattern
from .types import Env, Scope, Workflow

log = logging.getLogger("gallery_ops")

__all__ = ["IMAGE_RULES", "finish_new_galleries", "rule_workflows"]


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
        log.info("%s: %s (no gallery has the tag \"%s\")", report.title, report.summary, NEW_GALLERY_TAG)
        return report
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
