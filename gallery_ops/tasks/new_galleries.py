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
A gallery whose file metadata failed or was dropped (changed meanwhile) keeps its mark, and so
does one whose rule failed (a title pattern stuck on its name: the other rules are applied). A
gallery with no images yet (made by hand, filled later) keeps its mark until it has some while a
rule waits for images, and the run says so; with no such rule it is done and unmarked.

Galleries whose hook died before marking them (killed, Stash stopped) are found by another route:
the marker tag's description names the newest gallery Finish has looked at; each run first marks
the galleries made after it that have no mark, then moves it on, then finishes every marked
gallery. (The first run that finds no such note only writes it: galleries made before are not
swept in.) Rerunning it is harmless (the rules are idempotent).
"""

from __future__ import annotations

import re

from ..common.constants import NEEDS_V031, NEW_GALLERY_TAG, NEW_GALLERY_TAG_DESCRIPTION
from ..common.limits import BULK_IDS_CHUNK
from ..common.log import log
from ..common.settings import IMAGE_RULES
from ..common.skips import SKIP_WAITS_FOR_IMAGES
from ..stash import selections as fields
from ..stash.batch import chunks
from ..stash.operations import GalleryOps, all_of
from .changes import Change, UntagGalleries
from .chapters import ChaptersFromFolders
from .covers import SetCovers, parse_cover_rule
from .engine import SCOPE_PARAMS, Page, decide_dry_run, read_env, read_scope, run_workflows
from .file_metadata import parse_artists_as, run_import_file_metadata
from .image_sync import SyncImagesFromGallery, parse_sync_fields
from .repair_chapters import RepairChapters
from .report import MAX_DETAILS, MAX_FAILURES, Report
from .scene_links import LinkScenes, SceneIndex, build_index
from .titles import TitleFromPath, parse_title_pattern
from .workflow import Env, Scope, Workflow

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# its args: the scope's, less the ones that name galleries (it finds its own: those marked new)
PARAMS = tuple(p for p in SCOPE_PARAMS if p.name not in ("gallery_ids", "fingerprint"))
FILES_PASS = (0.0, 0.5)  # the part of the progress bar the file-metadata pass moves, when it runs

__all__ = ["IMAGE_RULES", "finish_new_galleries", "rule_workflows"]


def rule_workflows(env: Env, names: list[str], scene_index: SceneIndex | None = None) -> list[Workflow]:
    """The workflows for the switched-on new-gallery rules, configured from the settings.

    hookLinkScenes needs `scene_index` (Stash's scenes, read by the caller); hookFileMetadata
    is not a workflow of the page pass (finish_new_galleries runs it first, on its own)."""
    settings = env.settings
    chosen: list[Workflow] = []
    if "hookTitles" in names:
        chosen.append(TitleFromPath(settings.parsed("titlePattern", parse_title_pattern)))
    if "hookChapters" in names:
        chosen.append(ChaptersFromFolders(replace=False, features=env.features))
    if "hookRepairChapters" in names and env.features.custom_fields:  # v0.30: left out (left_out_of)
        chosen.append(RepairChapters())
    if "hookCovers" in names:
        chosen.append(SetCovers(settings.parsed("coverRule", parse_cover_rule)))
    if "hookSyncImages" in names:
        # adds only: removing what images already have is for the Sync task, which previews it first
        chosen.append(SyncImagesFromGallery(settings.parsed("syncFields", parse_sync_fields), mirror=False))
    if "hookLinkScenes" in names:
        if scene_index is None:
            raise ValueError("hookLinkScenes needs the scene index")
        chosen.append(LinkScenes(scene_index, bool(settings["linkScenesCopyMetadata"])))
    return chosen


WATERMARK = re.compile(r"after id (\d+)")


def watermark_of(description: str) -> int | None:
    """How far Finish has looked, from the marker tag's description (None: not written yet)."""
    found = WATERMARK.search(description)
    return int(found.group(1)) if found else None


def mark_unmarked(ops: GalleryOps, tag_id: str, description: str, scope: Scope, dry_run: bool) -> list[str]:
    """Galleries made since Finish last looked that have no mark: their hook did not get to mark them
    (killed, Stash stopped). They are marked now, so that this run finishes them with the others,
    and then the tag's description says how far Finish has looked (in that order: a run killed in
    between marks them again, which is harmless). The very first time (no such note yet) only the
    note is written: galleries made before the plugin was set up are not swept in."""
    after = watermark_of(description)
    found, newest = ops.unmarked_since(after if after is not None else 0, tag_id, scope.gallery_filter)
    unmarked = found if after is not None else []
    if dry_run:
        return unmarked
    for chunk in chunks(unmarked, BULK_IDS_CHUNK):
        ops.bulk_gallery_update({"ids": chunk, "tag_ids": {"ids": [tag_id], "mode": "ADD"}})
    if after is None or newest > after:
        ops.set_tag_description(tag_id, NEW_GALLERY_TAG_DESCRIPTION.format(newest))
    return unmarked


def finish_new_galleries(ops: GalleryOps, args: dict[str, Any]) -> Report:
    """Apply the switched-on rules to the galleries marked new, then unmark them."""
    env = read_env(ops)
    scope = read_scope(args)
    dry_run = decide_dry_run(args, env.settings, destructive=False)
    marker = ops.marker_tag(NEW_GALLERY_TAG)
    if marker is None:
        report = Report("finish_new_galleries", dry_run)
        # Stash shows a task's output at debug level only: say so in the log
        log.info('%s: %s (no gallery has the tag "%s")', report.title, report.summary, NEW_GALLERY_TAG)
        return report
    tag_id, description = marker
    rules = [name for name, on in env.settings.hook_rules.items() if on]
    found = mark_unmarked(ops, tag_id, description, scope, dry_run) if rules else []
    if found:
        title = "Finish new galleries" + (" (preview)" if dry_run else "")
        log.info(
            "%s: %d galleries made since the last run had no mark (their hook did not finish): %s %s",
            title,
            len(found),
            "would mark and finish" if dry_run else "marked and finished",
            ", ".join(found[:20]) + (" ..." if len(found) > 20 else ""),
        )
    # (a preview marks nothing: it names the galleries it would mark and finish, above)
    gallery_filter = all_of({"tags": {"value": [tag_id], "modifier": "INCLUDES"}}, scope.gallery_filter)
    needs_images = [rule for rule in rules if rule in IMAGE_RULES]
    held: dict[str, str] = {}  # galleries whose file metadata did not all go through: they stay marked
    from_files: Report | None = None
    if "hookFileMetadata" in rules:
        from_files = run_import_file_metadata(
            ops,
            Scope(gallery_filter=gallery_filter),
            dry_run,
            env.settings.parsed("fileMetadataArtists", parse_artists_as),
            progress_span=FILES_PASS,
            custom_prefix=env.settings["customFieldPrefix"],
        )
        held = from_files.unfinished
    scene_index: SceneIndex | None = None
    if "hookLinkScenes" in rules:
        scene_index = build_index(ops.iter_scenes(fields.SCENE_FILES))  # paths only: metadata is read per page

    def unmark(page: Page, done: list[str]) -> list[Change]:
        # a gallery with no images yet (made by hand, filled later) stays marked until it has some, and
        # says so; one with nothing left to do (no rule waits for images) is unmarked
        plans = {p.gallery_id: p for p in page.plans}
        ready = []
        for gallery_id in done:
            if gallery_id in held:
                continue
            if needs_images and gallery_id not in page.with_images:
                plan = plans.get(gallery_id)
                if plan is not None and not plan.changes:
                    plan.skipped = SKIP_WAITS_FOR_IMAGES.format(", ".join(needs_images))
                continue
            ready.append(gallery_id)
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
        left_out=left_out_of(env, rules),
    )
    if from_files is not None:
        add_file_metadata(report, from_files)
    if found:
        report.extra["found_unmarked"] = found[:MAX_DETAILS]
    return report


def left_out_of(env: Env, rules: list[str]) -> list[str]:
    """What the switched-on rules that are no workflow here could not do on a Stash without custom
    fields (v0.30); a workflow says its own (Workflow.left_out)."""
    if env.features.custom_fields or "hookRepairChapters" not in rules:
        return []
    return [f"the rule New galleries: chapter anchors {NEEDS_V031} ({env.features.name})"]


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
                report.failed.append({**failure, "error": f"metadata from files: {failure['error']}"})
    report.extra["import_file_metadata"] = {
        "summary": from_files.summary,
        "changed": from_files.changed,
        "skipped": dict(sorted(from_files.skipped.items())),
        "failed_count": from_files.failed_count,
        **from_files.extra,
    }
    report.requests = max(report.requests, from_files.requests)
    report.left_out.extend(from_files.left_out)
