"""The tasks (args.mode) and hooks (args.hookContext) of the plugin, in one registry.

Each task reads its args (scope, dry_run, its own), reads the settings once, and runs its
workflow through engine.run_workflows (or, for a task of several passes, its own run, through
the same engine.run_pages). gallery_tools.yml lists the same tasks (a test keeps the two in
step).

A task's module (gallery_ops/tasks/<module>.py) is imported when that task runs or its args are
read, not with the registry: a run pays for the one task it runs (the gallery page waits for
every action's process, docs/ui.md), not for the twelve others.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from ..common import json_text as json
from ..common.args import Param, read_params
from ..common.constants import HOOK_TYPE
from ..common.lean_functools import partial
from ..common.log import log, progress
from ..common.plain import dataclass
from ..common.settings import SETTINGS, Settings
from ..stash import selections
from ..stash.operations import GalleryOps
from ..tasks.engine import decide_dry_run, read_env, read_scope, run_pages, run_workflows
from ..tasks.report import Report
from ..tasks.workflow import Env, Workflow

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..stash.hook_operations import HookOps
    from ..tasks.gate import Gate

    # A task that runs one workflow: (ops, its args, the run's Env: settings, which Stash) -> the workflow, and
    # whether the run may remove or overwrite what a person set (then it previews unless dry_run=false says otherwise).
    WorkflowOf = Callable[[GalleryOps, dict[str, Any], Env], tuple[Workflow, bool]]


STALE_JOB = (
    "the galleries changed since the preview this job was queued from (or they are more than one page):"
    " nothing was written; preview again on the galleries list"
)

if TYPE_CHECKING:
    # How a task runs: (ops, its args, the gate of a page action or of a job queued from a preview, else None)
    TaskRun = Callable[[GalleryOps, dict[str, Any], Gate | None], Report | dict[str, Any]]


@dataclass(frozen=True)
class Task:
    """A button of gallery_tools.yml: its mode, what it does, its args, and how it runs (one
    workflow over the galleries in scope: one_workflow; or a run of its own)."""

    mode: str
    description: str
    module: str | None  # its module in gallery_ops/tasks, which declares its own args (None: it has none)
    run: TaskRun
    params_name: str = "PARAMS"  # the name of its own args in its module
    scoped: bool = True  # takes the scope args (gallery_ids, path, gallery_filter) and dry_run besides its own

    @property
    def params(self) -> tuple[Param, ...]:
        """The task's own args, read from its module (which this imports)."""
        if self.module is None:
            return ()
        name = f"{TASKS_PACKAGE}.{self.module}"
        __import__(name)  # (importlib.import_module's work, without importing importlib and warnings)
        found: tuple[Param, ...] = getattr(sys.modules[name], self.params_name)
        return found

    @property
    def all_params(self) -> tuple[Param, ...]:
        if not self.scoped:
            return self.params
        from ..tasks.engine import SCOPE_PARAMS

        return (*SCOPE_PARAMS, *self.params)


TASKS_PACKAGE = __package__.rsplit(".", 1)[0] + ".tasks"  # gallery_ops.tasks


def one_workflow(
    mode: str, description: str, module: str, workflow_of: WorkflowOf, params_name: str = "PARAMS"
) -> Task:
    """A task that runs one workflow over the galleries in scope (run_one_workflow)."""
    return Task(mode, description, module, partial(run_one_workflow, mode, workflow_of), params_name)


def run_one_workflow(
    mode: str, workflow_of: WorkflowOf, ops: GalleryOps, args: dict[str, Any], gate: Gate | None
) -> Report:
    """A workflow task: the settings (one request), its workflow, then every gallery in scope."""
    env = read_env(ops)
    workflow, destructive = workflow_of(ops, args, env)
    dry_run = decide_dry_run(args, env.settings, destructive=destructive)
    return run_workflows(ops, mode, [workflow], env, read_scope(args), dry_run, gate=gate)


def arg_or_setting(
    args: dict[str, Any], name: str, settings: Settings, key: str, parse: Callable[[Any], Any] = lambda value: value
) -> Any:
    """The run's arg when given, else the saved setting (or its default), each read by `parse`: a
    setting that does not parse says it is that setting and where to fix it (Settings.parsed)."""
    return parse(args[name]) if name in args else settings.parsed(key, parse)


def _chapters(ops: GalleryOps, args: dict[str, Any], env: Env) -> tuple[Workflow, bool]:
    from ..tasks import chapters

    replace = bool(args.get("replace"))
    return chapters.ChaptersFromFolders(replace, env.features), replace


def _repair_chapters(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> Report:
    from ..tasks import repair_chapters

    env = read_env(ops)
    dry_run = decide_dry_run(args, env.settings, destructive=False)
    if not env.features.custom_fields:
        report = Report("repair_chapters", dry_run, stopped=repair_chapters.needs_custom_fields(env.features.name))
        return run_pages(ops, report, 0, ())
    return run_workflows(
        ops,
        "repair_chapters",
        [repair_chapters.RepairChapters()],
        env,
        repair_chapters.with_chapters(read_scope(args)),
        dry_run,
        gate=gate,
    )


def _set_covers(ops: GalleryOps, args: dict[str, Any], env: Env) -> tuple[Workflow, bool]:
    from ..tasks import covers

    rule = args.get("rule")
    parsed = covers.parse_cover_rule(rule) if rule else env.settings.parsed("coverRule", covers.parse_cover_rule)
    return covers.SetCovers(parsed), False


def _reset_covers(ops: GalleryOps, args: dict[str, Any], env: Env) -> tuple[Workflow, bool]:
    from ..tasks import covers

    return covers.ResetCovers(), True


def _titles(ops: GalleryOps, args: dict[str, Any], env: Env) -> tuple[Workflow, bool]:
    from ..tasks import titles

    pattern = arg_or_setting(args, "pattern", env.settings, "titlePattern", titles.parse_title_pattern)
    return titles.TitleFromPath(pattern), False


def _sync(ops: GalleryOps, args: dict[str, Any], env: Env) -> tuple[Workflow, bool]:
    from ..tasks import image_sync

    mirror = bool(arg_or_setting(args, "mirror", env.settings, "syncMirror"))
    given = args.get("fields")
    parse = image_sync.parse_sync_fields
    fields = parse(given) if given else env.settings.parsed("syncFields", parse)
    return image_sync.SyncImagesFromGallery(fields, mirror), mirror


def _gallery_from_images(ops: GalleryOps, args: dict[str, Any], env: Env) -> tuple[Workflow, bool]:
    from ..tasks import gallery_from_images

    given = args.get("rule")
    parse = gallery_from_images.parse_rule
    rule = parse(given) if given else env.settings.parsed("fromImagesRule", parse)
    fields = args.get("fields")
    chosen = gallery_from_images.parse_fields(fields) if fields else gallery_from_images.FROM_IMAGES_FIELDS
    return gallery_from_images.SyncGalleryFromImages(rule, chosen), False


def _clean_empty(ops: GalleryOps, args: dict[str, Any], env: Env) -> tuple[Workflow, bool]:
    from ..tasks import empty_galleries

    # galleries named in gallery_ids are deleted even when they carry what a person set
    return empty_galleries.CleanEmptyGalleries(read_scope(args).gallery_ids or ()), True


def _link_scenes(ops: GalleryOps, args: dict[str, Any], env: Env) -> tuple[Workflow, bool]:
    from ..tasks import scene_links

    copy = bool(arg_or_setting(args, "copy_metadata", env.settings, "linkScenesCopyMetadata"))
    index = scene_links.build_index(ops.iter_scenes(selections.SCENE_FILES))
    return scene_links.LinkScenes(index, copy), False


def _merge_duplicates(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> Report:
    from ..tasks import duplicates

    env = read_env(ops)
    dry_run = decide_dry_run(args, env.settings, destructive=True)
    delete = bool(args.get("delete_duplicates"))
    return duplicates.run_merge_duplicates(ops, env, read_scope(args), dry_run, delete, gate=gate)


def _galleries_from_folders(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> Report:
    from ..tasks import loose_images

    env = read_env(ops)
    minimum = arg_or_setting(args, "min_images", env.settings, "folderGalleryMinImages", loose_images.parse_min_images)
    dry_run = decide_dry_run(args, env.settings, destructive=False)
    return loose_images.run_galleries_from_folders(ops, args.get("path"), minimum, dry_run)


def _import_file_metadata(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> Report:
    from ..tasks import file_metadata

    env = read_env(ops)
    artists_as = env.settings.parsed("fileMetadataArtists", file_metadata.parse_artists_as)
    dry_run = decide_dry_run(args, env.settings, destructive=False)
    return file_metadata.run_import_file_metadata(
        ops, read_scope(args), dry_run, artists_as, gate=gate, custom_prefix=env.settings["customFieldPrefix"]
    )


def _scrape_galleries(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> Report:
    from ..tasks import scrape

    return scrape.run_scrape_galleries(ops, read_env(ops), args, gate)


def _finish_new_galleries(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> Report | dict[str, Any]:
    from ..tasks.new_galleries import finish_new_galleries

    return finish_new_galleries(ops, args)


def _shown(value: Any) -> str:
    """A setting's value in a log line: text quoted as is (a regex keeps its backslashes)."""
    return f'"{value}"' if isinstance(value, str) else json.dumps(value)


def _capabilities(ops: GalleryOps, args: dict[str, Any], gate: Gate | None) -> dict[str, Any]:
    from .plugin_operations import OPERATION_PARAMS  # (here: no other task's process imports the operations)

    env = read_env(ops)
    operations: dict[str, list[str]] = {
        name: [p.name if p.required else f"{p.name}?" for p in params] for name, params in OPERATION_PARAMS.items()
    }
    tasks: dict[str, dict[str, Any]] = {
        task.mode: {"description": task.description, "args": [p.name for p in task.all_params]}
        for task in TASKS.values()
    }
    hooks = list(HOOK_TYPES)
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
    return found


TASKS: dict[str, Task] = {
    task.mode: task
    for task in (
        one_workflow(
            "chapters_from_folders",
            "A chapter at the first image of each sub-folder of a gallery (replace=true to"
            " make them exactly the folder chapters).",
            "chapters",
            _chapters,
        ),
        Task(
            "repair_chapters",
            "Move chapters back to the image they start at after images were added or removed"
            " (Stash v0.31: anchors in custom fields; chapters a person moved are kept, lost images reported).",
            "repair_chapters",
            _repair_chapters,
        ),
        one_workflow(
            "set_covers",
            "A cover by the cover rule for galleries without a chosen cover.",
            "covers",
            _set_covers,
            "SET_PARAMS",
        ),
        one_workflow(
            "reset_covers",
            "Take chosen covers away again (previews unless dry_run=false).",
            "covers",
            _reset_covers,
            "RESET_PARAMS",
        ),
        one_workflow(
            "title_from_path",
            "A title from the zip or folder name for galleries without one.",
            "titles",
            _titles,
        ),
        one_workflow(
            "sync_images_from_gallery",
            "Copy galleries' tags, performers, studio, date and photographer to their"
            " images (mirror=true also removes).",
            "image_sync",
            _sync,
        ),
        one_workflow(
            "sync_gallery_from_images",
            "Add to galleries the tags and performers all (or, by setting, any) of their images have (add-only).",
            "gallery_from_images",
            _gallery_from_images,
        ),
        one_workflow(
            "clean_empty_galleries",
            "Delete galleries without images that are hand-made, or whose zip or folder is gone from disk (the"
            " folder that held it still there; files kept); list the others (previews unless dry_run=false).",
            "empty_galleries",
            _clean_empty,
        ),
        Task(
            "merge_duplicate_galleries",
            "Find galleries holding the same set (zip or image checksums), copy to the"
            " kept one what it lacks (previews unless dry_run=false); delete_duplicates=true deletes the empty or"
            " missing ones.",
            "duplicates",
            _merge_duplicates,
        ),
        Task(
            "galleries_from_folders",
            "A hand-made gallery per folder of images that are in no gallery, titled by the"
            " folder (folders Stash made a gallery for are left alone).",
            "loose_images",
            _galleries_from_folders,
            scoped=False,
        ),
        one_workflow(
            "link_scenes",
            "Link galleries and the scene named like their zip or folder, or inside their folder"
            " (added only; several matches are left alone).",
            "scene_links",
            _link_scenes,
        ),
        Task(
            "import_file_metadata",
            "Fill what galleries lack from their ComicInfo.xml (in the zip) or gallery-dl JSON"
            " sidecar (never overwriting).",
            "file_metadata",
            _import_file_metadata,
        ),
        Task(
            "scrape_galleries",
            "Run Stash's gallery scrapers on many galleries: the one that claims a gallery's URL,"
            " else those named by the setting scrapers (or the scrapers arg); fills what is empty, adds urls, tags and"
            " performers (overwrite=title,date to overwrite those).",
            "scrape",
            _scrape_galleries,
        ),
        Task(
            "finish_new_galleries",
            "Apply the new-gallery rules to galleries added since the last run (after a scan).",
            "new_galleries",
            _finish_new_galleries,
            scoped=False,
        ),
        Task(
            "capabilities",
            "List the operations, tasks, hooks and settings of Gallery Tools.",
            None,
            _capabilities,
            scoped=False,
        ),
    )
}

# Every mode args.mode may name: what an unknown mode's error lists.
MODES: tuple[str, ...] = tuple(TASKS)

# The hooks the plugin handles. Their handler (hook/new_gallery.py) is imported when a hook runs:
# a page action's or a task's process imports no module of the hook's.
HOOK_TYPES: tuple[str, ...] = (HOOK_TYPE,)


def run_task(ops: GalleryOps, mode: str, args: dict[str, Any]) -> tuple[Any, str | None]:
    """Run task `mode`; returns (output, error). The error says how many galleries failed.

    Every task's progress bar starts at 0 and ends at 1 here; the run skeleton (engine.run_pages)
    moves it page by page in between. A job the gallery page queued after its preview
    (runPluginTask with the preview's fingerprint) runs behind a gate (tasks/gate.py)."""
    task = TASKS[mode]
    params = read_params(task.all_params, args, f"task {mode}")
    gate = None
    if "fingerprint" in params:  # a job queued from a preview (only then is tasks/gate.py imported)
        from ..tasks.gate import Gate

        gate = Gate(ops, params["fingerprint"])
    progress(0.0)
    result = task.run(ops, params, gate)
    progress(1.0)
    if gate is not None and gate.held:
        log.warning("%s: %s", result.title if isinstance(result, Report) else mode, STALE_JOB)
        return None, STALE_JOB
    if isinstance(result, Report):
        return result.to_output(), result.error
    return result, None


def run_hook(stash: HookOps, hook_context: dict[str, Any]) -> tuple[Any, str | None]:
    """Run the hook handler for the context's type (one of HOOK_TYPES: Gallery.Create.Post's)."""
    from ..hook.new_gallery import handle_gallery_created

    try:
        output = handle_gallery_created(stash, hook_context)
        return output, output.get("title_error")  # a title that failed: the rest was done (marked, queued)
    finally:
        stash.close()
