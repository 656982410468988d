"""What a task reports: counts, reasons, failures and the changes, as output and as log lines.

Stash logs a task's output at debug level only, and its default log level is Info
(docs/stash.md §2): a user pressing a button sees only what the plugin logs at info and
above. So the log of every task carries what the user needs, in the button's words: the
summary, the skip reasons counted by reason, the first changes one by one ("would" in a
preview) with a count of the rest, and each failure at warning level. The output (for
scripts and runPluginOperation) carries the same, as data.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..common.chapter_anchors import ANCHOR_PREFIX  # anchors are said as chapters, not as field names
from ..common.skips import MOVED

MAX_DETAILS = 50  # changes listed one by one in the output; the counts cover the rest
MAX_FAILURES = 50
MAX_LOGGED = 20  # changes and failures logged one by one; then "and N more"

# The task buttons' names (gallery_tools.yml; a test keeps each button's log in its words).
BUTTONS = {
    "chapters_from_folders": "Chapters from folders",
    "set_covers": "Set covers",
    "reset_covers": "Reset covers",
    "title_from_path": "Title from path",
    "sync_images_from_gallery": "Sync images from gallery",
    "finish_new_galleries": "Finish new galleries",
    "sync_gallery_from_images": "Sync gallery from images",
    "clean_empty_galleries": "Clean empty galleries",
    "merge_duplicate_galleries": "Merge duplicate galleries",
    "link_scenes": "Link scenes",
    "galleries_from_folders": "Galleries for loose images",
    "import_file_metadata": "Import file metadata",
    "scrape_galleries": "Scrape galleries",
    "repair_chapters": "Repair chapters",
}
# their buttons say "(preview)" or "(apply)" either way
ALWAYS_SAYS_MODE = ("reset_covers", "clean_empty_galleries", "merge_duplicate_galleries")


def counted(number: int, one: str, many: str | None = None) -> str:
    """'1 gallery', '2 galleries': a count with the word for what it counts."""
    return f"{number} {one if number == 1 else many or one + 's'}"


def shown(value: Any) -> str:
    """A value in a log line as JSON writes it (null, true, "text")."""
    return json.dumps(value, ensure_ascii=False)


@dataclass
class GalleryPlan:
    """The plan for one gallery: its changes, or why it is left alone."""

    gallery_id: str
    changes: list[Any] = field(default_factory=list)
    skipped: str | None = None  # a reason when the gallery cannot or must not be changed
    error: str | None = None  # the plan itself failed for this gallery (e.g. a pattern that ran too long)
    # what the plan leaves alone in a gallery it may otherwise change, and why (the page's previews show it)
    left_alone: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a person should look at (left as it is)

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        return "changed" if self.changes else "unchanged"


def _image_fields(fields: dict[str, Any]) -> str:
    """What an image update does, field by field: 'add tag ids 1, 2; set date "2021-07-14"'."""
    words = []
    for key, value in fields.items():
        if key == "images":
            continue
        name = key.removesuffix("_ids").removesuffix("_id")
        if isinstance(value, dict) and "ids" in value:
            ids = ", ".join(value["ids"]) or "none"
            verb = {"ADD": "add", "REMOVE": "remove", "SET": "set"}.get(value.get("mode", "SET"), "set")
            words.append(f"{verb} {name} ids {ids}" if verb != "set" else f"set {name} ids to {ids}")
        elif key.endswith("_id"):
            words.append(f"set {name} id {value if isinstance(value, str) else shown(value)}")
        else:
            words.append(f"set {name} {shown(value)}")
    return "; ".join(words)


def _deleted(c: dict[str, Any]) -> str:
    """A delete names the gallery (title, every path) and what it takes with it: how many image
    records, and which of what a person set on them is copied to the kept images first."""
    merged = f", merged into gallery {c['merged_into']}" if c.get("merged_into") else ""
    places = c.get("paths") or ([c["path"]] if c.get("path") else [])
    at = f"at {', '.join(places)}" if places else ""
    name = " ".join(part for part in (shown(c["title"]) if c.get("title") else "", at) if part) or "without a title"
    taken = ""
    if c.get("image_records"):
        records = counted(c["image_records"], "image record")
        carried = ", ".join(c.get("image_metadata") or [])
        target = f"gallery {c['merged_into']}'s" if c.get("merged_into") else "the kept"
        taken = f"; takes {records} with it" + (
            f", their {carried} copied to {target} images first" if carried else ", nothing a person set on them"
        )
    return f"delete the gallery {name} ({c['why']}{merged}{taken}; its files are kept)"


def _custom_fields(found: dict[str, Any]) -> str:
    """What a custom fields change does: anchors as chapters, other fields by name and value."""
    words = []
    written, removed = found.get("set") or {}, found.get("remove") or []
    anchors = [name[len(ANCHOR_PREFIX) :] for name in written if name.startswith(ANCHOR_PREFIX)]
    if anchors:
        words.append(
            f"record the image {'chapter' if len(anchors) == 1 else 'chapters'} {', '.join(anchors)}"
            f" {'starts' if len(anchors) == 1 else 'start'} at (anchor)"
        )
    others = {name: value for name, value in written.items() if not name.startswith(ANCHOR_PREFIX)}
    if others:
        words.append(
            "set custom fields " + ", ".join(f"{shown(name)} {shown(value)}" for name, value in others.items())
        )
    gone = [name[len(ANCHOR_PREFIX) :] for name in removed if name.startswith(ANCHOR_PREFIX)]
    if gone:
        words.append(f"drop the anchors of deleted chapters {', '.join(gone)}")
    rest = [name for name in removed if not name.startswith(ANCHOR_PREFIX)]
    if rest:
        words.append("remove custom fields " + ", ".join(shown(name) for name in rest))
    return "; ".join(words)


# What a change to one gallery does, in words, by the key of its kind in Change.describe().
GALLERY_CHANGE_WORDS: dict[str, Callable[[Any], str]] = {
    "custom_fields": _custom_fields,
    "set": lambda c: "set " + ", ".join(f"{key} {shown(value)}" for key, value in c.items()),
    "add": lambda c: "add " + "; ".join(f"{key.removesuffix('_ids')} {', '.join(ids)}" for key, ids in c.items()),
    "create_chapter": lambda c: f"create chapter {shown(c['title'])} at image {c['image_index']}",
    "update_chapter": lambda c: f"change chapter {c['id']} to {shown(c['title'])} at image {c['image_index']}",
    "destroy_chapter": lambda c: f"delete chapter {c['id']} {shown(c['title'])}",
    "set_cover": lambda c: (
        f"set the cover to image {c['image']} ({c.get('path') or 'path unknown'})"
        + (f", replacing the chosen cover, image {c['replaces']}" if c.get("replaces") else "")
    ),
    "reset_cover": lambda c: (
        f"take away the chosen cover, image {c['was']} ({c.get('path') or 'not one of its images'})"
    ),
    "destroy_gallery": _deleted,
    "add_gallery_images": lambda ids: f"add images {', '.join(ids)}",
    "remove_gallery_images": lambda ids: f"remove images {', '.join(ids)} (their files stay)",
}


def sentence(change: dict[str, Any], dry_run: bool) -> str:
    """One change (Change.describe()) in words; a preview says what it would do."""
    would = "would " if dry_run else ""
    where = f"gallery {change.get('gallery')}"
    for key, words in GALLERY_CHANGE_WORDS.items():
        if key in change:
            return f"{where}: {would}{words(change[key])}"
    if "update_images" in change:
        c = change["update_images"]
        left_out = change.get(MOVED, {}).get("images", [])
        moved = f" (images {', '.join(left_out)}: {MOVED})" if left_out else ""
        return f"{where}: {would}update {counted(c['images'], 'image')}: {_image_fields(c)}{moved}"
    if "create_gallery" in change:
        return (
            f"folder {change['folder']}: {would}make the gallery {shown(change['create_gallery'])} for"
            f" {counted(change['images'], 'image')}"
        )
    if "add_images" in change:
        target = f"gallery {change['gallery']}" if change.get("gallery") else "its new gallery"
        return f"folder {change['folder']}: {would}add {counted(change['add_images'], 'image')} to {target}"
    if "scrape" in change:
        return scrape_sentence(change, dry_run)
    if "add_tag" in change:
        tag, galleries = change["add_tag"], change["galleries"]
        return (
            f"{counted(len(galleries), 'gallery', 'galleries')} ({', '.join(galleries)}): {would}add"
            f" the tag {shown(tag['name'])} (done with them)"
        )
    if "new_gallery" in change:
        made = change["new_gallery"]
        return f"{would}make the gallery {shown(made['title'])} with images {', '.join(made['images'])}"
    if "remove_tag" in change:
        tag, galleries = change["remove_tag"], change["galleries"]
        name = shown(tag["name"]) if isinstance(tag, dict) else f"id {tag}"
        return (
            f"{counted(len(galleries), 'gallery', 'galleries')} ({', '.join(galleries)}): {would}remove"
            f" the tag {name} (done with them)"
        )
    return f"{would}{shown(change)}"


def scrape_sentence(change: dict[str, Any], dry_run: bool) -> str:
    """What a scrape gave a gallery (ScrapeGallery.describe()), each field with what it was:
    'gallery 4 "a.zip": from Site: would set title "A" (was empty), date ... ; add tags Beach, Sun (new)'."""
    scrape = change["scrape"]
    sets = [
        f"{name} {shown(values['new'])} ("
        f"{'was empty' if values['old'] in (None, '') else 'was ' + shown(values['old'])})"
        for name, values in scrape.get("set", {}).items()
    ]
    parts = [f"set {', '.join(sets)}"] if sets else []
    parts += [f"add {kind} {', '.join(values)}" for kind, values in scrape.get("add", {}).items()]
    parts += scrape.get("notes", [])
    return (
        f"gallery {change['gallery']} {shown(change.get('name'))}: from {scrape['scraper']}:"
        f" {'would ' if dry_run else ''}{'; '.join(parts)}"
    )


@dataclass
class Report:
    task: str
    dry_run: bool
    variant: str | None = None  # "replace" or "mirror": the button names it
    scanned: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    failed: list[dict[str, str]] = field(default_factory=list)
    failed_count: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)
    change_count: int = 0
    requests: int = 0
    extra: dict[str, Any] = field(default_factory=dict)  # a task's own findings (e.g. groups of duplicates)
    notes: list[str] = field(default_factory=list)  # a task's own lines for the log, before the summary
    per_gallery_logged: bool = False  # each gallery's changes and failure were logged as the run went
    gallery_notes: list[dict[str, str]] = field(default_factory=list)  # GalleryPlan.notes: what to look at
    gallery_note_count: int = 0
    left_out: list[str] = field(default_factory=list)  # what this Stash cannot take (e.g. custom fields on v0.30)
    stopped: str | None = None  # the task could not run at all on this Stash: its error
    # not in the output: the galleries whose changes did not all go through ({gallery id: why})
    unfinished: dict[str, str] = field(default_factory=dict)

    def add(self, plan: GalleryPlan, error: str | None = None) -> None:
        """Count one gallery's outcome (error: its changes failed; a failed plan counts as failed too)."""
        self.scanned += 1
        error = error if error is not None else plan.error
        if error is not None:
            self.failed_count += 1
            if len(self.failed) < MAX_FAILURES:
                self.failed.append({"gallery": plan.gallery_id, "error": error})
        elif plan.skipped:
            self.skipped[plan.skipped] += 1
        elif plan.status == "unchanged":
            self.unchanged += 1
        else:
            self.changed += 1
        if error is None or error == plan.error:  # a failed rule: the other rules' changes were written
            self.add_changes(plan.changes)
        for note in plan.notes:
            self.gallery_note_count += 1
            if len(self.gallery_notes) < MAX_DETAILS:
                self.gallery_notes.append({"gallery": plan.gallery_id, "note": note})

    def add_changes(self, changes: Sequence[Any], failed: dict[str, str] | None = None) -> None:
        """List changes that went through (or would): those of a gallery, or bookkeeping over many."""
        for change in changes:
            if failed and any(g in failed for g in change.galleries):
                continue
            self.change_count += 1
            if len(self.changes) < MAX_DETAILS:
                self.changes.append(change.describe())

    @property
    def title(self) -> str:
        """The button's name: 'Set covers', 'Chapters from folders (replace, preview)'."""
        modes = [self.variant] if self.variant else []
        if modes or self.task in ALWAYS_SAYS_MODE:
            modes.append("preview" if self.dry_run else "apply")
        elif self.dry_run:
            modes.append("preview")
        name = BUTTONS.get(self.task, self.task)
        return f"{name} ({', '.join(modes)})" if modes else name

    @property
    def summary(self) -> str:
        verb = "would change" if self.dry_run else "changed"
        return (
            f"{counted(self.scanned, 'gallery', 'galleries')} scanned, {self.changed} {verb},"
            f" {self.unchanged} unchanged, {sum(self.skipped.values())} skipped, {self.failed_count} failed;"
            f" {counted(self.change_count, 'change')}"
        )

    def start_line(self, total: int) -> str:
        preview = " (preview: nothing will be changed)" if self.dry_run else ""
        return f"{self.title}: {counted(total, 'gallery', 'galleries')} in scope{preview}"

    def log_lines(self) -> list[tuple[int, str]]:
        """(level, message) for the end of the run: the task's notes, changes, skip reasons, failures,
        then the summary. A run that logged each gallery's changes and failure as it went (a long
        run: scrape_galleries, `per_gallery_logged`) leaves only the skip reasons and the summary."""
        if self.stopped:
            return [(logging.WARNING, f"{self.title}: {self.stopped}"), (logging.INFO, f"{self.title}: {self.summary}")]
        lines = [(logging.INFO, f"{self.title}: {note}") for note in self.notes]
        if not self.per_gallery_logged:
            lines += [(logging.INFO, f"{self.title}: {sentence(c, self.dry_run)}") for c in self.changes[:MAX_LOGGED]]
            listed = min(len(self.changes), MAX_LOGGED)
            if self.change_count > listed:
                lines.append((logging.INFO, f"{self.title}: and {counted(self.change_count - listed, 'more change')}"))
        for reason, number in sorted(self.skipped.items()):
            lines.append((logging.INFO, f"{self.title}: {counted(number, 'gallery', 'galleries')} skipped: {reason}"))
        for failure in [] if self.per_gallery_logged else self.failed[:MAX_LOGGED]:
            lines.append((logging.WARNING, f"{self.title}: gallery {failure['gallery']} failed: {failure['error']}"))
        if self.failed_count > MAX_LOGGED and not self.per_gallery_logged:
            more = counted(self.failed_count - MAX_LOGGED, "more gallery", "more galleries")
            lines.append((logging.WARNING, f"{self.title}: and {more} failed"))
        for note in self.gallery_notes[:MAX_LOGGED]:
            lines.append((logging.WARNING, f"{self.title}: gallery {note['gallery']}: {note['note']}"))
        if self.gallery_note_count > MAX_LOGGED:
            more = counted(self.gallery_note_count - MAX_LOGGED, "more note")
            lines.append((logging.WARNING, f"{self.title}: and {more}"))
        for what in self.left_out:
            lines.append((logging.INFO, f"{self.title}: left out: {what}"))
        lines.append((logging.INFO, f"{self.title}: {self.summary}"))
        return lines

    @property
    def error(self) -> str | None:
        """The run's error: how many galleries failed (None when none did)."""
        if self.stopped:
            return self.stopped
        if not self.failed_count:
            return None
        first = self.failed[0]
        return (
            f"{self.failed_count} of {counted(self.scanned, 'gallery', 'galleries')} failed (first: gallery"
            f" {first['gallery']}: {first['error']}); the other changes were applied"
        )

    def to_output(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "title": self.title,
            "dry_run": self.dry_run,
            "summary": self.summary,
            "scanned": self.scanned,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "skipped": dict(sorted(self.skipped.items())),
            "failed": self.failed,
            "failed_count": self.failed_count,
            "change_count": self.change_count,
            "changes": self.changes,
            "requests": self.requests,
            **({"notes": self.gallery_notes, "note_count": self.gallery_note_count} if self.gallery_note_count else {}),
            **({"left_out": self.left_out} if self.left_out else {}),
            **({"stopped": self.stopped} if self.stopped else {}),
            **self.extra,
        }
