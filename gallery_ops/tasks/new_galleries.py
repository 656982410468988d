"""New galleries: the task that finishes what the Gallery.Create.Post hook defers.

The hook (hook/new_gallery.py) titles a new gallery at once and marks it with the tag
"Gallery Tools: new" when a deferred rule is switched on (settings.DEFERRED_RULES: the image
rules hookChapters, hookCovers, hookSyncImages, and hookLinkScenes, hookFileMetadata), then
queues this task, which Stash runs when the scan is over (docs/stash.md §10). The task "Finish
new galleries" (mode finish_new_galleries) applies the switched-on rules to every marked
gallery, now complete, exactly as the tasks would (image sync only adds, whatever syncMirror
says: removing is left to the Sync task, which previews it), and removes the mark from each
gallery whose changes all went through.

Metadata from files (hookFileMetadata) runs first, as its own pass over the marked galleries
(run_import_file_metadata: it reads files on disk and looks names up per page), so that the
other rules (image sync) see what it filled; link scenes (hookLinkScenes) is one more
workflow of the main pass (scene_links.LinkScenes, over an index of every scene's paths, read
once; with linkScenesCopyMetadata it reads the matched scenes' metadata per page).
A gallery whose file metadata failed or was dropped (changed meanwhile) keeps its mark. A gallery with no images
yet (made by hand, filled later) keeps its mark until it has some. Rerunning it is harmless
(the rules are idempotent).
"""

from __future__ import annotations

import logging
from typing import Any

from ..common.constants import NEW_GALLERY_TAG
from ..common.settings import IMAGE_RULES
from ..stash import selections as fields
from ..stash.operations import GalleryOps, all_of
from .changes import Change, UntagGalleries
from .chapters import ChaptersFromFolders
from .covers import SetCovers, parse_cover_rule
from .engine import Page, decide_dry_run, read_env, read_scope, run_workflows
from .file_metadata import parse_artists_as, run_import_file_metadata
from .image_sync import SyncImagesFromGallery, parse_sync_fields
from .report import MAX_FAILURES, Report
from .scene_links import LinkScenes, SceneIndex, build_index
from .titles import TitleFromPath, parse_title_pattern
from .workflow import Env, Scope, Workflow

log = logging.getLogger("gallery_ops")

FILES_PASS = (0.0, 0.5)  # the part of the progress bar the file-metadata pass moves, when it runs

__all__ = ["IMAGE_RULES", "finish_new_galleries", "rule_workflows"]


def rule_workflows(env: Env, names: list[str], scene_index: SceneIndex | None = None) -> list[Workflow]:
    """The workflows for the switched-on new-gallery rules, configured from the settings.

    hookLinkScenes needs `scene_index` (Stash's scenes, read by the caller); hookFileMetadata
    is not a workflow of the page pass (finish_new_galleries runs it first, on its own)."""
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
    if "hookLinkScenes" in names:
        if scene_index is None:
            raise ValueError("hookLinkScenes needs the scene index")
        chosen.append(LinkScenes(scene_index, bool(settings["linkScenesCopyMetadata"])))
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
        log.info('%s: %s (no gallery has the tag "%s")', report.title, report.summary, NEW_GALLERY_TAG)
        return report
    gallery_filter = all_of({"tags": {"value": [tag_id], "modifier": "INCLUDES"}}, scope.gallery_filter)
    rules = [name for name, on in env.settings.hook_rules.items() if on]
    needs_images = any(rule in IMAGE_RULES for rule in rules)
    held: dict[str, str] = {}  # galleries whose file metadata did not all go through: they stay marked
    from_files: Report | None = None
    if "hookFileMetadata" in rules:
        from_files = run_import_file_metadata(
            ops,
            Scope(gallery_filter=gallery_filter),
            dry_run,
            parse_artists_as(env.settings["fileMetadataArtists"]),
            progress_span=FILES_PASS,
        )
        held = from_files.unfinished
    scene_index: SceneIndex | None = None
    if "hookLinkScenes" in rules:
        scene_index = build_index(ops.iter_scenes(fields.SCENE_FILES))  # paths only: metadata is read per page

    def unmark(page: Page, done: list[str]) -> list[Change]:
        # a gallery with no images yet (made by hand, filled later) stays marked until it has some
        ready = [g for g in done if (page.first_images.get(g) or not needs_images) and g not in held]
        return [UntagGalleries(ready[0], tag_id, tuple(ready[1:]), NEW_GALLERY_TAG)] if ready else []

    report = run_workflows(
        ops,
        "finish_new_galleries",
        rule_workflows(env, rules, scene_index),
        env,
        Scope(gallery_filter=gallery_filter),
        dry_run,
        after_page=unmark,
        progress_span=(FILES_PASS[1], 1.0) if from_files is not None else (0.0, 1.0),
    )
    if from_files is not None:
        add_file_metadata(report, from_files)
    return report


def add_file_metadata(report: Report, from_files: Report) -> None:
    """Fold the file-metadata pass into Finish's report: its changes and failures (named as
    such), and its own counts under "import_file_metadata"."""
    report.change_count += from_files.change_count
    report.changes[:0] = from_files.changes
    failed_here = {f["gallery"] for f in report.failed}
    for failure in from_files.failed:
        if failure["gallery"] not in failed_here:
            report.failed_count += 1
            if len(report.failed) < MAX_FAILURES:
                report.failed.append(
                    {"gallery": failure["gallery"], "error": f"metadata from files: {failure['error']}"}
                )
    report.extra["import_file_metadata"] = {
        "summary": from_files.summary,
        "changed": from_files.changed,
        "skipped": dict(sorted(from_files.skipped.items())),
        "failed_count": from_files.failed_count,
        **from_files.extra,
    }
    report.requests = max(report.requests, from_files.requests)
