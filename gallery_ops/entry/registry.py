"""The tasks (args.mode) and hooks (args.hookContext) of the plugin, in one registry.

Each task reads its args (scope, dry_run, its own), reads the settings once, and runs
its workflow through engine.run_workflows. gallery_tools.yml lists the same tasks (a
test keeps the two in step).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..common.args import Param, read_params
from ..common.constants import INSTALL_TASK_MODE
from ..common.log import progress
from ..common.settings import SETTINGS
from ..hook.new_gallery import HOOK_TYPE, handle_gallery_created
from ..stash import selections as fields
from ..stash.hook_operations import HookOps
from ..stash.operations import GalleryOps
from ..tasks import (
    chapters,
    covers,
    duplicates,
    empty_galleries,
    file_metadata,
    gallery_from_images,
    image_sync,
    loose_images,
    scene_links,
    scrape,
    titles,
)
from ..tasks.engine import SCOPE_PARAMS, decide_dry_run, read_env, read_scope, run_workflows
from ..tasks.gate import Gate
from ..tasks.new_galleries import finish_new_galleries
from ..tasks.report import Report
from .plugin_operations import OPERATION_PARAMS

log = logging.getLogger("gallery_ops")

STALE_JOB = (
    "the galleries changed since the preview this job was queued from (or they are more than one page):"
    " nothing was written; preview again on the galleries list"
)


@dataclass(frozen=True)
class Task:
    mode: str
    description: str
    params: tuple[Param, ...]
    # a page action's or a previewed job's run gets a gate (tasks/gate.py); only a gated task ever does
    run: Callable[[GalleryOps, dict[str, Any], Gate | None], Report | dict[str, Any]]
    scoped: bool = True  # takes the scope args (gallery_ids, path, gallery_filter) and dry_run besides its own
    gated: bool = True  # a scoped task whose writes a gate can hold: it takes a preview's fingerprint

    @property
    def all_params(self) -> tuple[Param, ...]:
        if not self.scoped:
            return self.params
        scope = SCOPE_PARAMS if self.gated else tuple(p for p in SCOPE_PARAMS if p.name != "fingerprint")
        return (*scope, *self.params)


def _chapters(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> Report:
    env = read_env(ops)
    replace = bool(args.get("replace"))
    return run_workflows(
        ops,
        "chapters_from_folders",
        [chapters.ChaptersFromFolders(replace)],
        env,
        read_scope(args),
        decide_dry_run(args, env.settings, destructive=replace),
        gate=gate,
    )


def _set_covers(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> Report:
    env = read_env(ops)
    rule = covers.parse_cover_rule(args.get("rule") or env.settings["coverRule"])
    return run_workflows(
        ops,
        "set_covers",
        [covers.SetCovers(rule)],
        env,
        read_scope(args),
        decide_dry_run(args, env.settings, destructive=False),
        gate=gate,
    )


def _reset_covers(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> Report:
    env = read_env(ops)
    return run_workflows(
        ops,
        "reset_covers",
        [covers.ResetCovers()],
        env,
        read_scope(args),
        decide_dry_run(args, env.settings, destructive=True),
        gate=gate,
    )


def _titles(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> Report:
    env = read_env(ops)
    pattern = titles.parse_title_pattern(args["pattern"] if "pattern" in args else env.settings["titlePattern"])
    return run_workflows(
        ops,
        "title_from_path",
        [titles.TitleFromPath(pattern)],
        env,
        read_scope(args),
        decide_dry_run(args, env.settings, destructive=False),
        gate=gate,
    )


def _sync(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> Report:
    env = read_env(ops)
    mirror = bool(args["mirror"]) if "mirror" in args else bool(env.settings["syncMirror"])
    fields = image_sync.parse_sync_fields(args.get("fields") or env.settings["syncFields"])
    return run_workflows(
        ops,
        "sync_images_from_gallery",
        [image_sync.SyncImagesFromGallery(fields, mirror)],
        env,
        read_scope(args),
        decide_dry_run(args, env.settings, destructive=mirror),
        gate=gate,
    )


def _gallery_from_images(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> Report:
    env = read_env(ops)
    rule = gallery_from_images.parse_rule(args.get("rule") or env.settings["fromImagesRule"])
    chosen = (
        gallery_from_images.parse_fields(args["fields"])
        if args.get("fields")
        else gallery_from_images.FROM_IMAGES_FIELDS
    )
    return run_workflows(
        ops,
        "sync_gallery_from_images",
        [gallery_from_images.SyncGalleryFromImages(rule, chosen)],
        env,
        read_scope(args),
        decide_dry_run(args, env.settings, destructive=False),
        gate=gate,
    )


def _clean_empty(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> Report:
    env = read_env(ops)
    return run_workflows(
        ops,
        "clean_empty_galleries",
        [empty_galleries.CleanEmptyGalleries()],
        env,
        read_scope(args),
        decide_dry_run(args, env.settings, destructive=True),
        gate=gate,
    )


def _merge_duplicates(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> Report:
    env = read_env(ops)
    dry_run = decide_dry_run(args, env.settings, destructive=True)
    return duplicates.run_merge_duplicates(
        ops, env, read_scope(args), dry_run, bool(args.get("delete_duplicates")), gate=gate
    )


def _galleries_from_folders(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> Report:
    env = read_env(ops)
    minimum = loose_images.parse_min_images(
        args["min_images"] if "min_images" in args else env.settings["folderGalleryMinImages"]
    )
    return loose_images.run_galleries_from_folders(
        ops, args.get("path"), minimum, decide_dry_run(args, env.settings, destructive=False)
    )


def _link_scenes(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> Report:
    env = read_env(ops)
    copy = bool(args["copy_metadata"]) if "copy_metadata" in args else bool(env.settings["linkScenesCopyMetadata"])
    scope, dry_run = read_scope(args), decide_dry_run(args, env.settings, destructive=False)
    index = scene_links.build_index(ops.iter_scenes(fields.SCENE_FILES))
    return run_workflows(ops, "link_scenes", [scene_links.LinkScenes(index, copy)], env, scope, dry_run, gate=gate)


def _import_file_metadata(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> Report:
    env = read_env(ops)
    artists_as = file_metadata.parse_artists_as(env.settings["fileMetadataArtists"])
    return file_metadata.run_import_file_metadata(
        ops, read_scope(args), decide_dry_run(args, env.settings, destructive=False), artists_as, gate=gate
    )


def _scrape_galleries(ops: GalleryOps, args: dict[str, Any]) -> Report:
    return scrape.run_scrape_galleries(ops, read_env(ops), args)


def _shown(value: Any) -> str:
    """A setting's value in a log line: text quoted as is (a regex keeps its backslashes)."""
    return f'"{value}"' if isinstance(value, str) else json.dumps(value)


def _capabilities(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> dict[str, Any]:
    env = read_env(ops)
    operations: dict[str, list[str]] = {
        name: [p.name if p.required else f"{p.name}?" for p in params] for name, params in OPERATION_PARAMS.items()
    }
    tasks: dict[str, dict[str, Any]] = {
        task.mode: {"description": task.description, "args": [p.name for p in task.all_params]}
        for task in TASKS.values()
    }
    tasks.update({mode: {"description": description, "args": []} for mode, description in ENTRY_TASKS.items()})
    hooks = list(HOOK_HANDLERS)
    settings: dict[str, dict[str, Any]] = {
        s.key: {"value": env.settings[s.key], "default": s.default, "type": s.type, "name": s.display_name}
        for s in SETTINGS
    }
    # Stash logs a task's output at debug level only: the button's answer is these log lines.
    for name, params in operations.items():
        log.info("operation %s(%s)", name, ", ".join(params))
    for mode, task in tasks.items():
        log.info("task %s: %s Args: %s", mode, task["description"], ", ".join(task["args"]) or "none")
    log.info("hooks: %s", ", ".join(hooks))
    for key, setting in settings.items():
        log.info(
            "setting %s (%s) = %s (default %s)",
            key,
            setting["name"],
            _shown(setting["value"]),
            _shown(setting["default"]),
        )
    found: dict[str, Any] = {"operations": operations, "tasks": tasks, "hooks": hooks, "settings": settings}
    progress(1.0)  # a task's job shows 0 until its progress is reported, even when it is done
    return found


TASKS: dict[str, Task] = {
    task.mode: task
    for task in (
        Task(
            "chapters_from_folders",
            "A chapter at the first image of each sub-folder of a gallery (replace=true to"
            " make them exactly the folder chapters).",
            chapters.PARAMS,
            _chapters,
        ),
        Task(
            "set_covers",
            "A cover by the cover rule for galleries without a chosen cover.",
            covers.SET_PARAMS,
            _set_covers,
        ),
        Task(
            "reset_covers",
            "Take chosen covers away again (previews unless dry_run=false).",
            covers.RESET_PARAMS,
            _reset_covers,
        ),
        Task(
            "title_from_path", "A title from the zip or folder name for galleries without one.", titles.PARAMS, _titles
        ),
        Task(
            "sync_images_from_gallery",
            "Copy galleries' tags, performers, studio, date and photographer to their"
            " images (mirror=true also removes).",
            image_sync.PARAMS,
            _sync,
        ),
        Task(
            "sync_gallery_from_images",
            "Add to galleries the tags and performers all (or, by setting, any) of their images have (add-only).",
            gallery_from_images.PARAMS,
            _gallery_from_images,
        ),
        Task(
            "clean_empty_galleries",
            "Delete hand-made galleries without images (previews unless dry_run=false);"
            " list zip and folder galleries without images.",
            empty_galleries.PARAMS,
            _clean_empty,
        ),
        Task(
            "merge_duplicate_galleries",
            "Find galleries holding the same set (zip or image checksums), copy to the"
            " kept one what it lacks (previews unless dry_run=false); delete_duplicates=true deletes the empty or"
            " missing ones.",
            duplicates.PARAMS,
            _merge_duplicates,
        ),
        Task(
            "galleries_from_folders",
            "A hand-made gallery per folder of images that are in no gallery, titled by the"
            " folder (folders Stash made a gallery for are left alone).",
            loose_images.PARAMS,
            _galleries_from_folders,
            scoped=False,
        ),
        Task(
            "link_scenes",
            "Link galleries and the scene named like their zip or folder, or inside their folder"
            " (added only; several matches are left alone).",
            scene_links.PARAMS,
            _link_scenes,
        ),
        Task(
            "import_file_metadata",
            "Fill what galleries lack from their ComicInfo.xml (in the zip) or gallery-dl JSON"
            " sidecar (never overwriting).",
            file_metadata.PARAMS,
            _import_file_metadata,
        ),
        Task(
            "scrape_galleries",
            "Run Stash's gallery scrapers on many galleries: the one that claims a gallery's URL,"
            " else those named by the setting scrapers (or the scrapers arg); fills what is empty, adds urls, tags and"
            " performers (overwrite=title,date to overwrite those).",
            scrape.PARAMS,
            lambda ops, args, gate: _scrape_galleries(ops, args),
            gated=False,  # a scraper's answers change from one run to the next: no preview can be held to
        ),
        Task(
            "finish_new_galleries",
            "Apply the new-gallery rules to galleries added since the last run (after a scan).",
            tuple(p for p in SCOPE_PARAMS if p.name not in ("gallery_ids", "fingerprint")),
            lambda ops, args, gate: finish_new_galleries(ops, args),
            scoped=False,
        ),
        Task(
            "capabilities",
            "List the operations, tasks, hooks and settings of Gallery Tools.",
            (),
            _capabilities,
            scoped=False,
        ),
    )
}

# Tasks of gallery_tools.yml that the entry runs itself, before gallery_ops is imported (so that
# they work while the dependencies are missing): not in TASKS, but listed by Show capabilities.
ENTRY_TASKS: dict[str, str] = {
    INSTALL_TASK_MODE: "Install the pinned Python packages (requirements.txt) into the plugin's own folder"
    " dependencies/, with the Python Stash runs (needs PyPI; takes no args).",
}

HOOK_HANDLERS: dict[str, Callable[[HookOps, dict[str, Any]], dict[str, Any]]] = {
    HOOK_TYPE: handle_gallery_created,
}


def run_task(ops: GalleryOps, mode: str, args: dict[str, Any]) -> tuple[Any, str | None]:
    """Run task `mode`; returns (output, error). The error says how many galleries failed."""
    task = TASKS[mode]
    params = read_params(task.all_params, args, f"task {mode}")
    # a job the gallery page queued after its preview (runPluginTask with the preview's fingerprint)
    gate = Gate(ops, params["fingerprint"]) if "fingerprint" in params else None
    result = task.run(ops, params, gate)
    if gate is not None and gate.held:
        log.warning("%s: %s", result.title if isinstance(result, Report) else mode, STALE_JOB)
        return None, STALE_JOB
    if isinstance(result, Report):
        return result.to_output(), result.error
    return result, None


def run_hook(stash: HookOps, hook_context: dict[str, Any]) -> tuple[Any, str | None]:
    """Run the hook handler for the context's type."""
    try:
        return HOOK_HANDLERS[hook_context["type"]](stash, hook_context), None
    finally:
        stash.close()
