"""The Gallery.Create.Post hook: new-gallery rules, as cheap as a Python process can be.

A gallery made by a scan holds only the images scanned so far when its create hook runs:
the rest arrive in later transactions that fire no gallery hook (docs/stash.md §3). Rules
that look at images (chapters, covers, image sync) would give wrong answers on that part,
and a hand-made gallery gets its images after creation, also without a hook. So the hook:

- applies at once what needs only the gallery itself: a title from its path (hookTitles);
- marks the gallery with the tag "Gallery Tools: new" when a deferred rule is switched on
  (settings.DEFERRED_RULES: hookChapters, hookCovers, hookSyncImages, hookLinkScenes,
  hookFileMetadata), added by Stash to the gallery's tags
  (bulkGalleryUpdate, mode ADD): nothing is read back, so a tag someone adds meanwhile stays;
- queues the task "Finish new galleries" (runPluginTask) unless one is already waiting in
  Stash's job queue, or the setting hookFinishByHand is on. Stash runs one job at a time and
  a scan is a job (docs/stash.md §10), so the task starts once the scan is over, and finishes
  every marked gallery, now complete (tasks/new_galleries.py). The first hook run of a
  scan queues it; the later ones see it waiting and queue nothing.

The hook cannot lose its work: the mark is written before anything that may fail or take
time. A title pattern may run a (bounded) while on a name, or fail on it: with one, the mark
and the queued task go first, in one write, then the title; a title that fails fails the title
only (the hook answers the error, the gallery stays marked and Finish applies the other
rules). A hook that dies before its write (killed, Stash stopped) leaves its gallery unmarked:
Finish new galleries finds such galleries by another route (the galleries made after the id the
marker tag's description names, written when the hook creates the tag and moved on by every
Finish run).

Requests: one read (settings, gallery, marker tag, job queue); with no rule switched on
that is all. Then one write (title, marker, task: whatever is needed, in one request; two with
a title pattern, as above), plus one the very first time, to create the marker tag. Its writes
fire Gallery.Update.Post, which Gallery Tools does not listen to: a hook run never starts
another run of our hooks.

This module and everything it imports use the standard library only (common/settings.py,
common/title_rules.py, stash/hook_operations.py, stash/connection.py, common/log_protocol.py):
gallery_tools.py runs a hook through `lean_main` on the standard library alone (not even the full
path's models and engine), and without the Python's site-packages. A rule's code is imported only when the rule
is on (title_rules with hookTitles; the pattern engine, patterns.py, only with a titlePattern).
Input it does not recognise as a plain hook run (anything unusual) goes the full way
(entry/dispatch.py), which explains the problem with the usual words.
"""

from __future__ import annotations

from ..common import json_text as json
from ..common.constants import FINISH_TASK_NAME, HOOK_TYPE, NEW_GALLERY_TAG, NEW_GALLERY_TAG_DESCRIPTION
from ..common.errors import ERROR_MAX, ArgError, StashError, short_repr, shortened, what_to_check
from ..common.log_protocol import redact, write
from ..common.settings import DEFERRED_RULES, PLUGIN_ID, Settings, SettingsError
from ..stash.connection import ServerConnection
from ..stash.hook_operations import HookOps, finish_waiting
from ..stash.names import called, display_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any

NO_RULES = (
    "no new-gallery rules are switched on (settings hookTitles, hookChapters, hookCovers, hookSyncImages,"
    " hookLinkScenes, hookFileMetadata)"
)


def handle_gallery_created(stash: HookOps, hook_context: dict[str, Any]) -> dict[str, Any]:
    """Gallery.Create.Post: title now, image rules marked and their task queued (module docstring)."""
    gallery_id = hook_context.get("id")
    if isinstance(gallery_id, bool) or not isinstance(gallery_id, int) or gallery_id < 1:
        raise ArgError(f"hookContext.id should be the new gallery's id, got {short_repr(gallery_id)}")
    data = stash.read_new_gallery(gallery_id, NEW_GALLERY_TAG)
    settings = Settings.from_saved(((data.get("configuration") or {}).get("plugins") or {}).get(PLUGIN_ID))
    out: dict[str, Any] = {"gallery": str(gallery_id), "made_by_scan": hook_context.get("input") is None}
    rules = settings.hook_rules
    raw = data.get("findGallery")
    gallery = f"new gallery {called(gallery_label(raw), str(gallery_id))}"
    if not any(rules.values()):
        out["result"] = NO_RULES
        write("d", f"{gallery}: {NO_RULES}", stash.secrets)  # nothing to do: nothing for Stash's log at Info
        return out
    if raw is None:
        out["result"] = "the gallery no longer exists"
        write("d", f"{gallery}: {out['result']}", stash.secrets)
        return out
    deferred = [rule for rule in DEFERRED_RULES if rules[rule]]
    dry_run = bool(settings["dryRun"])
    out.update({"dry_run": dry_run})
    queue_task: str | None = None
    note = ""
    if deferred:
        out["deferred"] = deferred
        if settings["hookFinishByHand"]:
            out["finish"] = "by hand (setting hookFinishByHand): run Finish new galleries after the scan"
        elif dry_run:
            out["finish"] = "not queued (preview)"
        elif finish_waiting(data.get("jobQueue"), FINISH_TASK_NAME):
            out["finish"] = "already queued"
        else:
            out["finish"] = "queued now"
            queue_task = FINISH_TASK_NAME
        note = f"; {out['finish']}: {FINISH_TASK_NAME} ({', '.join(deferred)})"
    pattern_text = settings["titlePattern"] if rules["hookTitles"] else ""
    # The mark comes first: a title pattern may run (a bounded while) or fail on this name, and the
    # mark must not wait for it. Without a pattern the title costs nothing: one write holds both.
    mark_first = bool(deferred) and not dry_run and bool(pattern_text.strip())
    tag_id: str | None = None
    if deferred and not dry_run:
        found_tags = (data.get("findTags") or {}).get("tags") or []
        tag_id = stash.marker_tag_id(found_tags, NEW_GALLERY_TAG, NEW_GALLERY_TAG_DESCRIPTION.format(gallery_id - 1))
    if mark_first:
        answer = stash.write_new_gallery(gallery_id, {}, tag_id, queue_task)
        out["marked"] = True
        if queue_task is not None:
            out["finish_job"] = answer.get("runPluginTask")
        tag_id, queue_task = None, None
    update: dict[str, str] = {}
    if rules["hookTitles"]:
        from ..common.title_rules import parse_title_pattern, title_fields  # only with the rule on

        files = raw.get("files") or []
        try:
            fields, _ = title_fields(
                raw.get("title"),
                raw.get("date"),
                raw.get("code"),
                (files[0].get("path") or "") if files else None,
                (raw.get("folder") or {}).get("path"),
                settings.parsed("titlePattern", parse_title_pattern),
            )
            update.update(dict(fields))
        except (ArgError, ValueError) as exc:  # the pattern: stuck on this name, or not usable; the rest goes on
            out["title_error"] = " ".join(str(exc).split())
    out["update"] = update
    if dry_run:
        out["result"] = "preview (setting dryRun): nothing changed"
    elif update or tag_id is not None or queue_task is not None:
        answer = stash.write_new_gallery(gallery_id, update, tag_id, queue_task)
        if tag_id is not None:
            out["marked"] = True
        if queue_task is not None:
            out["finish_job"] = answer.get("runPluginTask")
        out["result"] = "updated"
    else:
        out["result"] = "updated" if out.get("marked") else "nothing to change now"
    said = f"{gallery}: {hook_sentence(out['result'], update, bool(out.get('marked')))}"
    if "title_error" in out:
        said += f"; no title: {out['title_error']}"
    said += note
    # A scan adds galleries by the thousand, each with its hook run: only the run that queues the
    # task writes at Info (one line per scan); a gallery made by hand is one person's action.
    queued_now = out.get("finish") == "queued now"
    if queued_now and out["made_by_scan"]:
        said += " (when the scan is over; the scan's other new galleries are in the log at debug level)"
    write("i" if queued_now or not out["made_by_scan"] else "d", said, stash.secrets)
    return out


def gallery_label(raw: dict[str, Any] | None) -> str | None:
    """The new gallery's name as Stash shows it (its title, else its zip's or folder's name)."""
    if raw is None:
        return None
    files = raw.get("files") or []
    path = files[0].get("path") if files else (raw.get("folder") or {}).get("path")
    return display_name(raw.get("title"), path)


def hook_sentence(result: str, update: dict[str, str], marked: bool) -> str:
    """The hook's result for the log: what it set, as JSON values, and the mark by its name."""
    if result != "updated":
        return result
    done = [f"set {key} {json.dumps(value, ensure_ascii=False)}" for key, value in update.items()]
    if marked:
        done.append(f"tagged {json.dumps(NEW_GALLERY_TAG)}")
    return "; ".join(done)


# -- the lean entry ---------------------------------------------------------------------------
def recognise(text: str) -> tuple[ServerConnection, dict[str, Any]] | None:
    """(server, hookContext) when stdin is a plain Gallery.Create.Post hook run, else None."""
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested past the parser: the full path answers it
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("args"), dict):
        return None
    args = raw["args"]
    context = args.get("hookContext")
    if "operation" in args or not isinstance(context, dict) or context.get("type") != HOOK_TYPE:
        return None
    gallery_id = context.get("id")
    if isinstance(gallery_id, bool) or not isinstance(gallery_id, int) or gallery_id < 1:
        return None
    try:
        return ServerConnection.parse(raw.get("server_connection")), context
    except ValueError:  # the full path says what is wrong with it
        return None


def lean_main(text: str, stdout: IO[str]) -> int | None:
    """Run a plain hook run on the standard library alone; None when `text` is not one.

    Writes the one result object to stdout, as entry/dispatch.main does; returns the exit status.
    """
    recognised = recognise(text)
    if recognised is None:
        return None
    server, context = recognised
    result: dict[str, Any] = {"output": None, "error": None}
    stash = HookOps.from_server(server)
    try:
        result["output"] = handle_gallery_created(stash, context)
        if result["output"].get("title_error"):  # the gallery is marked; its title is what failed
            result["error"] = shortened(result["output"]["title_error"], ERROR_MAX)
            write("e", result["error"], server.secrets)
    except (ArgError, SettingsError, StashError, ValueError) as exc:
        text = what_to_check(exc) if isinstance(exc, StashError) else " ".join(str(exc).split())
        result["error"] = shortened(text, ERROR_MAX) or type(exc).__name__
        write("e", result["error"], server.secrets)
    except Exception as exc:  # a bug: still one JSON answer, details in the debug log
        import traceback

        write("d", traceback.format_exc(), server.secrets)
        result["error"] = shortened(f"internal error ({type(exc).__name__}): {' '.join(str(exc).split())}", ERROR_MAX)
        write("e", result["error"], server.secrets)
    finally:
        stash.close()
    if result["error"] is not None:
        result["error"] = redact(result["error"], server.secrets)
    stdout.write(json.dumps(result, default=str) + "\n")
    stdout.flush()
    return 0 if result["error"] is None else 1
