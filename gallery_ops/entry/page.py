"""The gallery page's actions (args.page): a preview in words, then Apply of exactly that preview.

The page (ui/gallery_tools.js) calls runPluginOperation with
    {"page": "preview", "action": <ACTIONS key>, "gallery_id": "3", ...the action's own args}
and gets a preview: each change as a row (what, now, after) with names, what is left alone and
why, and the fingerprint of the preview's basis. Apply is the same call with "page": "apply" and
that fingerprint: the action's task runs again, and its gate (tasks/gate.py) lets the writes
through only when the run read and planned exactly what the preview did. Otherwise nothing is
written and the answer holds the new preview. A preview may hand the page more to send back with
Apply (`apply_args`): a scrape's answers, which Apply writes instead of scraping again. Every
action runs through a task of the registry or one of the page's own workflows
(tasks/page_actions.py), in the same engine as the Tasks page.

On the galleries list the same preview (with "gallery_ids") names the button and args of the
Stash job that applies it (runPluginTask with the fingerprint: registry.run_task checks it too).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType

from ..common import json_text as json
from ..common.args import Param, read_params
from ..common.errors import ArgError, short_repr
from ..common.limits import PAGE_ACTION_GALLERIES
from ..common.plain import dataclass, field
from ..common.skips import SKIP_NO_SUCH_GALLERY
from ..stash.operations import GalleryOps
from ..tasks.changes import CreateGallery, RemoveGalleryImages
from ..tasks.engine import apply_page, read_env, run_workflows
from ..tasks.gate import Gate
from ..tasks.report import GalleryPlan, Report, counted
from ..tasks.words import Words, image_name, wanted
from ..tasks.workflow import Scope, Workflow
from .registry import TASKS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

STALE = (
    "The gallery changed since this preview, so nothing was written. This is the new preview: check it and apply again."
)
STALE_MANY = (
    "The galleries changed since this preview, so nothing was written. This is the new preview: check it and"
    " run it again."
)
TOO_MANY = f"at most {PAGE_ACTION_GALLERIES} galleries at a time (one page of a run); select fewer"
NO_DUPLICATES = "No other gallery holds the same set (same zip checksum, or the same image checksums)."
UNMATCHED = (
    "Left out, as Stash has none by these names (the setting scrapeCreateMissing creates them; or create"
    " them and scrape again):"
)
REMOVE_NOTE = "The images leave this gallery only: their files and image records stay in Stash."


@dataclass(frozen=True)
class PageAction:
    """What one menu entry runs: a task of the registry (`mode`, with these `args`) or one of the
    page's own workflows (`workflow`, made from the call's args)."""

    label: str
    mode: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    workflow: Callable[[dict[str, Any]], Workflow] | None = None
    params: tuple[Param, ...] = ()  # the action's own args besides the gallery (a task's: handed to it)
    task_params: bool = False  # its own args are its task's (read from the task's module when it runs)
    on_list: bool = False  # offered for selected galleries on the galleries list (applied as a job)
    # it may overwrite what is there (a mirror sync overwrites images' studio, date, photographer):
    # Apply needs the confirm whenever it changes anything, not only for the rows marked
    replaces: bool = False

    @property
    def own_params(self) -> tuple[Param, ...]:
        """The action's own args besides the gallery."""
        if self.task_params:
            assert self.mode is not None
            return TASKS[self.mode].params
        return self.params


def _page_actions() -> ModuleType:
    """tasks/page_actions.py, imported when an action on selected images runs (not by the others)."""
    from ..tasks import page_actions

    return page_actions


ACTIONS: dict[str, PageAction] = {
    "chapters_from_folders": PageAction("Chapters from folders", "chapters_from_folders", on_list=True),
    "chapters_from_folders_replace": PageAction(
        "Chapters from folders (replace)", "chapters_from_folders", {"replace": True}, on_list=True
    ),
    "cover_by_rule": PageAction("Cover by rule", "set_covers", on_list=True),
    "title_from_path": PageAction("Title from path", "title_from_path", on_list=True),
    "sync_images_from_gallery": PageAction(
        "Sync images from gallery", "sync_images_from_gallery", {"mirror": False}, on_list=True
    ),
    "sync_images_from_gallery_mirror": PageAction(
        "Sync images from gallery (mirror)",
        "sync_images_from_gallery",
        {"mirror": True},
        on_list=True,
        replaces=True,
    ),
    "tags_performers_from_images": PageAction(
        "Tags and performers from images", "sync_gallery_from_images", on_list=True
    ),
    "link_scene": PageAction("Link scene", "link_scenes", on_list=True),
    "metadata_from_files": PageAction("Metadata from files", "import_file_metadata", on_list=True),
    # the scrapers' answers are part of the preview: Apply writes them (the arg scraped), never scrapes again
    "scrape": PageAction("Scrape", "scrape_galleries", task_params=True, on_list=True),
    "duplicates": PageAction("Duplicates of this gallery", "merge_duplicate_galleries"),
    "duplicates_delete": PageAction(
        "Duplicates of this gallery (merge and delete)", "merge_duplicate_galleries", {"delete_duplicates": True}
    ),
    "set_cover": PageAction(
        "Set as cover", workflow=lambda a: _page_actions().SetCoverTo(a["image_id"]), params=(Param("image_id", "id"),)
    ),
    "start_chapter": PageAction(
        "Start a chapter here",
        workflow=lambda a: _page_actions().StartChapterAt(a["image_id"], a["title"]),
        params=(Param("image_id", "id"), Param("title", "str")),
    ),
    "remove_images": PageAction(
        "Remove from this gallery",
        workflow=lambda a: _page_actions().RemoveImagesFrom(a["image_ids"]),
        params=(Param("image_ids", "ids"),),
    ),
    "add_images": PageAction(
        "Add to a gallery",
        workflow=lambda a: _page_actions().AddImagesTo(a["image_ids"]),
        params=(Param("image_ids", "ids"), Param("new_title", "str", False)),
    ),
}

PAGE_PARAMS = (
    Param("page", "str"),
    Param("action", "str"),
    Param("gallery_id", "id", False),
    Param("gallery_ids", "ids", False),
    Param("fingerprint", "str", False),
)


@dataclass
class Run:
    """What one run of an action left: its gate (plans, fingerprint), its report, the galleries it
    was asked about, the images the call named."""

    gate: Gate
    report: Report
    gallery_ids: list[str]
    image_ids: list[str]
    task_args: dict[str, Any] = field(default_factory=dict)  # the action's own args its task got


def run_page(ops: GalleryOps, args: dict[str, Any]) -> dict[str, Any]:
    """Preview or apply one page action; the answer the page shows (see the module docstring)."""
    name = args.get("action")
    if not isinstance(name, str) or name not in ACTIONS:
        raise ArgError(f"unknown page action {short_repr(name)}; one of {', '.join(ACTIONS)}")
    action = ACTIONS[name]
    params = read_params(PAGE_PARAMS + action.own_params, args, f"the page action {name}")
    step = params["page"]
    if step not in ("preview", "apply"):
        raise ArgError(f'args.page should be "preview" or "apply", got {short_repr(step)}')
    if step == "apply" and not params.get("fingerprint"):
        raise ArgError("apply needs the fingerprint of the preview it applies")
    if params.get("new_title") is not None and not params["new_title"].strip():
        raise ArgError("new_title is empty; give the new gallery's title")
    ids = gallery_ids(params, name)
    run = run_action(ops, name, action, params, ids, step == "preview")
    covered = {p.gallery_id for p in run.gate.plans} | set(run.gallery_ids)  # duplicates: the others too
    names = run.report.page_names
    if names is None:  # (the report had no names to read, or Stash did not answer them)
        names = ops.names(wanted(run.gate.plans, run.image_ids))
    words = Words(names, many=len(covered) > 1)
    preview = document(name, action, run, words)
    if step == "preview":
        return preview
    if run.gate.held:
        return {"applied": False, "stale": True, "message": STALE if len(ids) <= 1 else STALE_MANY, "preview": preview}
    return applied(action, run, words)


def gallery_ids(params: dict[str, Any], name: str) -> list[str]:
    """The galleries the call names: gallery_id, or gallery_ids (the list's selection)."""
    if params.get("new_title") is not None:
        if "gallery_id" in params or "gallery_ids" in params:
            raise ArgError("give gallery_id (an existing gallery) or new_title (a new one), not both")
        return []
    ids = params.get("gallery_ids") or ([params["gallery_id"]] if "gallery_id" in params else [])
    if not ids:
        raise ArgError(f"the page action {name} needs gallery_id (or gallery_ids)")
    if len(ids) > PAGE_ACTION_GALLERIES:
        raise ArgError(TOO_MANY)
    if len(ids) > 1 and not ACTIONS[name].on_list:
        raise ArgError(f"the page action {name} works on one gallery; give gallery_id")
    return list(dict.fromkeys(ids))


def run_action(
    ops: GalleryOps, name: str, action: PageAction, params: dict[str, Any], ids: list[str], preview: bool
) -> Run:
    """Run the action once, as a preview or gated by the preview's fingerprint."""
    gate = Gate(ops, None if preview else params["fingerprint"])
    images = list(params.get("image_ids") or ([params["image_id"]] if "image_id" in params else []))
    gate.page_images = images  # the rows' names are read with the report's (Report.read_names)
    if params.get("new_title") is not None:
        return Run(gate, new_gallery(ops, params["new_title"].strip(), images, gate, preview), [], images)
    own = {p.name: params[p.name] for p in action.own_params if p.name in params}
    if action.workflow is not None:
        report = run_workflows(
            ops, name, [action.workflow(params)], read_env(ops), Scope(gallery_ids=tuple(ids)), preview, gate=gate
        )
    else:
        assert action.mode is not None
        scope = ids + ops.duplicate_candidates(ids[0]) if action.mode == "merge_duplicate_galleries" else ids
        task = TASKS[action.mode]
        task_args = read_params(
            task.all_params, {"gallery_ids": scope, "dry_run": preview, **action.args, **own}, f"task {action.mode}"
        )
        result = task.run(ops, task_args, gate)
        assert isinstance(result, Report)
        report = result
    if gate.fingerprint is None:  # nothing was planned (no such gallery, no duplicates): the reads still count
        gate.passes([])
    return Run(gate, report, ids, images, own if action.workflow is None else {})


def new_gallery(ops: GalleryOps, title: str, image_ids: list[str], gate: Gate, preview: bool) -> Report:
    """Add images to a gallery made for them: one change (galleryCreate, then addGalleryImages)."""
    report = Report("add_images", preview)
    plan = GalleryPlan("", [CreateGallery("", title, tuple(image_ids))])
    applied = apply_page(ops, [plan], {}, preview, gate, report.names)
    report.add(applied.plans[0], applied.failed.get(""))
    return report


def _failures(run: Run, words: Words) -> list[dict[str, str]]:
    found = [{"text": f"{words.gallery(f['gallery'])}: {f['error']}"} for f in run.report.failed]
    found += [{"text": f"{words.gallery(p.gallery_id)}: {p.error}"} for p in run.gate.plans if p.error]
    return list({f["text"]: f for f in found}.values())


def _left_alone(name: str, run: Run, words: Words) -> list[dict[str, str]]:
    items = []
    planned = {p.gallery_id for p in run.gate.plans}
    for plan in run.gate.plans:
        if plan.skipped:
            items.append(_item(words, plan.gallery_id, plan.skipped))
        items.extend(_item(words, plan.gallery_id, text) for text in plan.left_alone)
    for gallery_id in run.gallery_ids:
        if gallery_id not in planned and name not in ("duplicates", "duplicates_delete"):
            items.append(_item(words, gallery_id, SKIP_NO_SUCH_GALLERY))
    named = {i for p in run.gate.plans for c in p.changes for i in getattr(c, "image_ids", ())}
    if run.gate.plans and any(p.changes for p in run.gate.plans) and name in ("remove_images", "add_images"):
        why = "not in this gallery" if name == "remove_images" else "in this gallery already"
        for image_id in run.image_ids:
            if image_id not in named:
                items.append({"text": f"{image_name(words.names.images.get(image_id), image_id)}: {why}"})
    return items


def _item(words: Words, gallery_id: str, text: str) -> dict[str, str]:
    item = {"text": text}
    if words.many:
        item["gallery"] = words.gallery(gallery_id)
    return item


def _subject(run: Run, words: Words) -> str:
    if not run.gallery_ids:
        return next((c.title for p in run.gate.plans for c in p.changes if isinstance(c, CreateGallery)), "")
    if len(run.gallery_ids) == 1:
        return words.gallery(run.gallery_ids[0])
    return counted(len(run.gallery_ids), "gallery", "galleries")


def document(name: str, action: PageAction, run: Run, words: Words) -> dict[str, Any]:
    """The preview the page shows."""
    rows = words.rows(run.gate.plans)
    failed = _failures(run, words)
    left = _left_alone(name, run, words)
    subject = _subject(run, words)
    if rows:
        summary = f"{counted(len(rows), 'change')} for {subject}:"
    elif failed:
        summary = "Nothing can be changed: see below."
    else:
        why = left[0]["text"] if len(left) == 1 else ""
        summary = "Nothing to change." + (f" {why[0].upper()}{why[1:]}." if why else "")
    deletes = any(r.deletes for r in rows) or (action.replaces and bool(rows))
    # what Apply (or the job) sends back besides the fingerprint: a scrape's answers, so that it
    # writes exactly what was previewed without asking the sites again
    answers = run.report.extra.get("answers")
    again = {"scraped": json.dumps(answers, sort_keys=True)} if answers is not None else {}
    doc: dict[str, Any] = {
        "action": name,
        "label": _label(action, run),
        "subject": subject,
        "fingerprint": run.gate.fingerprint,
        "summary": summary,
        "changes": [r.to_output() for r in rows],
        "many": words.many,
        "left_alone": left,
        "failed": failed,
        "deletes": deletes,
        "confirm": _confirm(rows) if deletes else None,
        "note": _note(name, run, words),
        "apply_args": again,
    }
    if action.on_list and action.mode is not None:
        button = Report(
            action.mode,
            False,
            "replace" if action.args.get("replace") else "mirror" if action.args.get("mirror") else None,
        ).title
        own = {key: value for key, value in run.task_args.items() if key != "scraped"}
        args = {"gallery_ids": run.gallery_ids, "dry_run": False, **action.args, **own, **again}
        doc["task"] = {"name": button, "args": args}
    return doc


def _label(action: PageAction, run: Run) -> str:
    """The action's name; a scrape's names the scrapers that answered ("Scrape with Sample Site")."""
    answers = run.report.extra.get("answers")
    if not answers:
        return action.label
    used = sorted({a["scraper"] for a in answers.values() if a["scraper"]})
    return f"{action.label} with {' and '.join(used)}" if used else action.label


def _confirm(rows: Sequence[Any]) -> str:
    deleting = [r for r in rows if r.deletes]
    if not deleting:  # an action that may overwrite, none of whose rows says so by itself
        return "Yes: make these changes, which may overwrite what is there now"
    return (
        f"Yes: make the {counted(len(deleting), 'change')} marked above, which remove or replace what is there now"
        if len(deleting) > 1
        else "Yes: make the change marked above, which removes or replaces what is there now"
    )


def _note(name: str, run: Run, words: Words) -> str | None:
    if name in ("duplicates", "duplicates_delete"):
        groups = run.report.extra.get("groups") or []
        if not groups:
            return NO_DUPLICATES
        return " ".join(
            f"Kept: {words.gallery(g['keep'])}; its duplicates ({g['by']}):"
            f" {', '.join(words.gallery(d) for d in g['duplicates'])}."
            for g in groups
        )
    if any(isinstance(c, RemoveGalleryImages) for p in run.gate.plans for c in p.changes):
        return REMOVE_NOTE
    unmatched = run.report.extra.get("unmatched_names")
    if unmatched:
        listed = "; ".join(f"{kind} {', '.join(names)}" for kind, names in unmatched.items())
        return f"{UNMATCHED} {listed}."
    return None


def applied(action: PageAction, run: Run, words: Words) -> dict[str, Any]:
    """What Apply did: the changes written, in words, and what failed."""
    failed_ids = {f["gallery"] for f in run.report.failed}
    done = [r.text for p in run.gate.plans if p.gallery_id not in failed_ids for r in words.rows([p])]
    failed = _failures(run, words)
    subject = _subject(run, words)
    toast = f"{_label(action, run)}: {counted(len(done), 'change')} written for {subject}"
    if failed:
        toast += f"; {counted(len(failed), 'failure')}: {failed[0]['text']}"
    written = {p.gallery_id for p in run.gate.plans if p.changes} - failed_ids - {""}
    return {
        "applied": True,
        "label": _label(action, run),
        "subject": subject,
        "done": done,
        "failed": failed,
        "toast": toast,
        "gallery_ids": sorted(written, key=lambda i: (len(i), i)),
    }
