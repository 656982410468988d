"""What a task reports: counts, reasons, failures and the changes, as output and as log lines.

Stash logs a task's output at debug level only, and its default log level is Info
(docs/stash.md §2): a user pressing a button sees only what the plugin logs at info and
above. So the log of every task carries what the user needs, in the button's words: the
summary, the skip reasons counted by reason, the first changes one by one ("would" in a
preview) with a count of the rest, and each failure at warning level. The output (for
scripts and runPluginOperation) carries the same, as data.

Both name things as Stash shows them, with the id in brackets (`gallery "Harbour" [10]: add tag
"Outdoor" [3]`): each listed change carries `names` ({kind: {id: name}}) for every id it holds,
from the run's names book (stash/names.py), and the few names still unknown when the run ends are
read in one request (Report.read_names).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from ..common import json_text as json
from ..common.chapter_anchors import ANCHOR_PREFIX  # anchors are said as chapters, not as field names
from ..common.errors import StashError
from ..common.lean_typing import Protocol
from ..common.log import INFO, WARNING, log
from ..common.plain import dataclass, field
from ..common.skips import MOVED
from ..stash.names import NAMED_IMAGES, REF_KINDS, Mention, NameBook, NameRequest, Names, called, said
from ..stash.operations import GalleryOps

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

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
# the word for several of a kind
PLURALS = {"gallery": "galleries"}
# a change's names, as the output carries them ({kind: {id: name}}; None before they are known)
ChangeNames = Mapping[str, Mapping[str, str]] | None
GALLERIES_NAMED = 10  # galleries named one by one in a change over many (then "and N more")


class Described(Protocol):
    """What the report lists of a change: its description (data) and what it names."""

    def describe(self) -> dict[str, Any]: ...

    def mentions(self) -> tuple[Mention, ...]: ...


def counted(number: int, one: str, many: str | None = None) -> str:
    """'1 gallery', '2 galleries': a count with the word for what it counts."""
    return f"{number} {one if number == 1 else many or one + 's'}"


def shown(value: Any) -> str:
    """A value in a log line as JSON writes it (null, true, "text")."""
    return json.dumps(value, ensure_ascii=False)


@dataclass
class GalleryPlan:
    """The plan for one gallery: its changes, or why it is left alone.

    Its own __init__ (plain.dataclass keeps it): every task makes one or more per gallery, and the
    generic one, which reads the field list on each call, costs several times more."""

    gallery_id: str
    changes: list[Any]
    skipped: str | None  # a reason when the gallery cannot or must not be changed
    error: str | None  # the plan itself failed for this gallery (e.g. a pattern that ran too long)
    # what the plan leaves alone in a gallery it may otherwise change, and why (the page's previews show it)
    left_alone: list[str]
    notes: list[str]  # what a person should look at (left as it is)

    def __init__(
        self,
        gallery_id: str,
        changes: list[Any] | None = None,
        skipped: str | None = None,
        error: str | None = None,
        left_alone: list[str] | None = None,
        notes: list[str] | None = None,
    ) -> None:
        self.gallery_id = gallery_id
        self.changes = [] if changes is None else changes
        self.skipped = skipped
        self.error = error
        self.left_alone = [] if left_alone is None else left_alone
        self.notes = [] if notes is None else notes

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        return "changed" if self.changes else "unchanged"


def things(names: ChangeNames, kind: str, ids: Sequence[Any]) -> str:
    """'tag "Beach" [1]', 'tags "Beach" [1], "Travel" [3]': things of one kind, by name."""
    word = kind if len(ids) == 1 else PLURALS.get(kind, kind + "s")
    return f"{word} {', '.join(said(names, kind, i) for i in ids)}" if ids else f"no {PLURALS.get(kind, kind + 's')}"


def field_changes(fields: dict[str, Any], names: ChangeNames) -> str:
    """What an image update does, field by field: 'add tags "Beach" [1], "Travel" [3]; set date
    "2021-07-14"'."""
    words = []
    for key, value in fields.items():
        if key == "images":
            continue
        kind = REF_KINDS.get(key)
        if kind is not None and isinstance(value, dict) and "ids" in value:
            verb = {"ADD": "add", "REMOVE": "remove", "SET": "set"}.get(value.get("mode", "SET"), "set")
            listed = things(names, kind, value["ids"])
            plural = PLURALS.get(kind, kind + "s")
            words.append(f"{verb} {listed}" if verb != "set" else f"set the {plural} to {listed}")
        elif kind is not None:
            words.append(f"set {things(names, kind, [value])}" if value is not None else f"clear the {kind}")
        else:
            words.append(f"set {key} {shown(value)}")
    return "; ".join(words)


def _field_values(fields: dict[str, Any], names: ChangeNames) -> str:
    """A gallery's fields as set: 'title "City Walk", studio "Northwind Press" [2]'."""
    out = []
    for key, value in fields.items():
        if key == "studio":
            out.append(f"studio {said(names, 'studio', value['id'])}" if isinstance(value, dict) else "studio none")
        else:
            out.append(f"{key} {shown(value)}")
    return ", ".join(out)


def _added(refs: dict[str, list[str]], names: ChangeNames) -> str:
    return "add " + "; ".join(
        things(names, REF_KINDS[key], ids) if key in REF_KINDS else f"{key} {', '.join(ids)}"
        for key, ids in refs.items()
    )


def _images(ids: Sequence[str], names: ChangeNames) -> str:
    """'images "a.jpg" [1], "b.jpg" [2]': the first NAMED_IMAGES by name, then how many more."""
    listed = things(names, "image", ids[:NAMED_IMAGES])
    return listed + (f" and {len(ids) - NAMED_IMAGES} more" if len(ids) > NAMED_IMAGES else "")


def _set_cover(c: dict[str, Any], names: ChangeNames) -> str:
    replaced = f", replacing the chosen cover, image {said(names, 'image', c['replaces'])}" if c.get("replaces") else ""
    return f"set the cover to image {said(names, 'image', c['image'])}{replaced}"


def _reset_cover(c: dict[str, Any], names: ChangeNames) -> str:
    outside = "" if c.get("path") else " (not one of its images)"
    return f"take away the chosen cover, image {said(names, 'image', c['was'])}{outside}"


def _deleted(c: dict[str, Any], names: ChangeNames) -> str:
    """A delete names the gallery (by its name before the colon; here every path) and what it takes
    with it: how many image records, and which of what a person set on them is copied to the kept
    images first."""
    kept = said(names, "gallery", c["merged_into"]) if c.get("merged_into") else None
    merged = f", merged into gallery {kept}" if kept else ""
    places = c.get("paths") or ([c["path"]] if c.get("path") else [])
    at = f" at {', '.join(places)}" if places else ""
    taken = ""
    if c.get("image_records"):
        records = counted(c["image_records"], "image record")
        carried = ", ".join(c.get("image_metadata") or [])
        target = f"gallery {kept}'s" if kept else "the kept"
        taken = f"; takes {records} with it" + (
            f", their {carried} copied to {target} images first" if carried else ", nothing a person set on them"
        )
    return f"delete the gallery{at} ({c['why']}{merged}{taken}; its files are kept)"


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


# What a change to one gallery does, in words, by the key of its kind in Change.describe(), with
# the change's names ({kind: {id: name}}).
GALLERY_CHANGE_WORDS: dict[str, Callable[[Any, ChangeNames], str]] = {
    "custom_fields": lambda c, names: _custom_fields(c),
    "set": lambda c, names: f"set {_field_values(c, names)}",
    "add": _added,
    "create_chapter": lambda c, names: f"create chapter {shown(c['title'])} at image {c['image_index']}",
    "update_chapter": lambda c, names: (
        f"change chapter {said(names, 'chapter', c['id'])} to {shown(c['title'])} at image {c['image_index']}"
    ),
    "destroy_chapter": lambda c, names: f"delete chapter {said(names, 'chapter', c['id'])}",
    "set_cover": _set_cover,
    "reset_cover": _reset_cover,
    "destroy_gallery": _deleted,
    "add_gallery_images": lambda ids, names: f"add {_images(ids, names)}",
    "remove_gallery_images": lambda ids, names: f"remove {_images(ids, names)} (their files stay)",
}


def sentence(change: dict[str, Any], dry_run: bool) -> str:
    """One change (Change.describe(), with its names) in words; a preview says what it would do."""
    would = "would " if dry_run else ""
    names = change.get("names")
    where = f"gallery {said(names, 'gallery', change.get('gallery'))}"
    for key, words in GALLERY_CHANGE_WORDS.items():
        if key in change:
            return f"{where}: {would}{words(change[key], names)}"
    if "update_images" in change:
        c = change["update_images"]
        left_out = change.get(MOVED, {}).get("images", [])
        moved = f" ({things(names, 'image', left_out)}: {MOVED})" if left_out else ""
        return f"{where}: {would}update {counted(c['images'], 'image')}: {field_changes(c, names)}{moved}"
    if "create_gallery" in change:
        return (
            f"folder {change['folder']}: {would}make the gallery {shown(change['create_gallery'])} for"
            f" {counted(change['images'], 'image')}"
        )
    if "add_images" in change:
        target = f"gallery {said(names, 'gallery', change['gallery'])}" if change.get("gallery") else "its new gallery"
        return f"folder {change['folder']}: {would}add {counted(change['add_images'], 'image')} to {target}"
    if "scrape" in change:
        return scrape_sentence(change, dry_run)
    if "new_gallery" in change:
        made = change["new_gallery"]
        return f"{would}make the gallery {shown(made['title'])} with {_images(made['images'], names)}"
    if "add_tag" in change or "remove_tag" in change:
        galleries = change["galleries"]
        listed = ", ".join(said(names, "gallery", g) for g in galleries[:GALLERIES_NAMED])
        more = f" and {len(galleries) - GALLERIES_NAMED} more" if len(galleries) > GALLERIES_NAMED else ""
        verb, tag = ("add", change["add_tag"]) if "add_tag" in change else ("remove", change["remove_tag"])
        # a marker tag a preview would make has no id yet: its name alone
        marker = said(names, "tag", tag["id"]) if tag.get("id") else shown(tag["name"])
        return (
            f"{counted(len(galleries), 'gallery', 'galleries')} ({listed}{more}): {would}{verb}"
            f" the tag {marker} (done with them)"
        )
    return f"{would}{shown(change)}"


def scrape_sentence(change: dict[str, Any], dry_run: bool) -> str:
    """What a scrape gave a gallery (ScrapeGallery.describe()), each field with what it was:
    'gallery "a.zip" [4]: from Site: would set title "A" (was empty), date ... ; add tags Beach, Sun (new)'."""
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
        f"gallery {called(change.get('name'), change['gallery'])}: from {scrape['scraper']}:"
        f" {'would ' if dry_run else ''}{'; '.join(parts)}"
    )


def _only(names: Mapping[str, str], ids: Sequence[str]) -> dict[str, str]:
    """The names of `ids` among `names`."""
    return {id: names[id] for id in ids if id in names}


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
    gallery_notes: list[dict[str, Any]] = field(default_factory=list)  # GalleryPlan.notes: what to look at
    gallery_note_count: int = 0
    left_out: list[str] = field(default_factory=list)  # what this Stash cannot take (e.g. custom fields on v0.30)
    stopped: str | None = None  # the task could not run at all on this Stash: its error
    # not in the output: the galleries whose changes did not all go through ({gallery id: why})
    unfinished: dict[str, str] = field(default_factory=dict)
    names: NameBook = field(default_factory=NameBook, repr=False)  # the run's names book: tasks fill it as they read
    # a gallery page's rows' names, read with the report's own (read_names): the page asks no more
    page_names: Names | None = field(default=None, repr=False)
    # what was listed while some of its names were unknown: named by read_names at the end
    _unnamed: list[tuple[dict[str, Any], tuple[Mention, ...]]] = field(default_factory=list, repr=False)

    def add(self, plan: GalleryPlan, error: str | None = None) -> None:
        """Count one gallery's outcome (error: its changes failed; a failed plan counts as failed too)."""
        self.scanned += 1
        error = error if error is not None else plan.error
        if error is not None:
            self.failed_count += 1
            if len(self.failed) < MAX_FAILURES:
                self.failed.append(self.named({"gallery": plan.gallery_id, "error": error}))
        elif plan.skipped:
            self.skipped[plan.skipped] += 1
        elif plan.changes:  # (plan.status, written out: this runs once per gallery of every task)
            self.changed += 1
        else:
            self.unchanged += 1
        if error is None or error == plan.error:  # a failed rule: the other rules' changes were written
            self.add_changes(plan.changes)
        for note in plan.notes:
            self.gallery_note_count += 1
            if len(self.gallery_notes) < MAX_DETAILS:
                self.gallery_notes.append(self.named({"gallery": plan.gallery_id, "note": note}))

    def add_changes(self, changes: Sequence[Any], failed: dict[str, str] | None = None) -> None:
        """List changes that went through (or would): those of a gallery, or bookkeeping over many."""
        if not failed and len(self.changes) >= MAX_DETAILS:  # the output lists all it can: only counted
            self.change_count += len(changes)  # (once per gallery of every task: no loop)
            return
        for change in changes:
            if failed and any(g in failed for g in change.galleries):
                continue
            self.change_count += 1
            if len(self.changes) < MAX_DETAILS:
                self.changes.append(self.named(change.describe(), change.mentions()))

    def named(self, entry: dict[str, Any], mentions: Sequence[Mention] = ()) -> dict[str, Any]:
        """An entry of the output with the names of what it mentions: `names` ({kind: {id: name}})
        for a change or a group, `name` for a failure or a gallery's note (its "gallery"); what is
        unknown yet is named by read_names."""
        if "error" in entry or "note" in entry:
            mentions = (Mention("gallery", entry["gallery"]),)
            entry["name"] = self.names.name("gallery", entry["gallery"])
        else:
            entry["names"] = self.names.of(mentions)
        if self.names.unknown(mentions):
            self._unnamed.append((entry, tuple(mentions)))
        return entry

    def read_names(self, ops: GalleryOps, page: NameRequest | None = None) -> None:
        """Name what was listed with ids only, in one request for every kind (GalleryOps.names_of;
        none when every name is known). Names are for reading: when Stash cannot answer, the
        ids stay, and the run's outcome does not change. `page`: what a gallery page's rows will
        name (entry/page.py); when the report has names to read, both go in that one request, and
        the answer is kept for the page (page_names)."""
        wanted = self.names.unknown(m for _, mentions in self._unnamed for m in mentions)
        if wanted:
            try:
                if page is None:
                    self.names.learn_found(ops.names_of(wanted))
                else:
                    self.page_names = ops.names(NameRequest.of(wanted).add(page))
                    answered = self.page_names.named()  # (what was wanted only: as names_of would answer)
                    self.names.learn_found({kind: _only(answered.get(kind, {}), ids) for kind, ids in wanted.items()})
            except StashError as exc:
                log.debug("names of %s could not be read: %s", wanted, exc)
        for entry, mentions in self._unnamed:
            if "error" in entry or "note" in entry:
                entry["name"] = entry["name"] or self.names.name("gallery", entry["gallery"])
                continue
            for kind, found in self.names.of(mentions).items():
                entry["names"].setdefault(kind, {}).update(found)
        self._unnamed.clear()

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
            return [(WARNING, f"{self.title}: {self.stopped}"), (INFO, f"{self.title}: {self.summary}")]
        lines = [(INFO, f"{self.title}: {note}") for note in self.notes]
        if not self.per_gallery_logged:
            lines += [(INFO, f"{self.title}: {sentence(c, self.dry_run)}") for c in self.changes[:MAX_LOGGED]]
            listed = min(len(self.changes), MAX_LOGGED)
            if self.change_count > listed:
                lines.append((INFO, f"{self.title}: and {counted(self.change_count - listed, 'more change')}"))
        for reason, number in sorted(self.skipped.items()):
            lines.append((INFO, f"{self.title}: {counted(number, 'gallery', 'galleries')} skipped: {reason}"))
        for failure in [] if self.per_gallery_logged else self.failed[:MAX_LOGGED]:
            gallery = called(failure.get("name"), failure["gallery"])
            lines.append((WARNING, f"{self.title}: gallery {gallery} failed: {failure['error']}"))
        if self.failed_count > MAX_LOGGED and not self.per_gallery_logged:
            more = counted(self.failed_count - MAX_LOGGED, "more gallery", "more galleries")
            lines.append((WARNING, f"{self.title}: and {more} failed"))
        for note in self.gallery_notes[:MAX_LOGGED]:
            gallery = called(note.get("name"), note["gallery"])
            lines.append((WARNING, f"{self.title}: gallery {gallery}: {note['note']}"))
        if self.gallery_note_count > MAX_LOGGED:
            more = counted(self.gallery_note_count - MAX_LOGGED, "more note")
            lines.append((WARNING, f"{self.title}: and {more}"))
        for what in self.left_out:
            lines.append((INFO, f"{self.title}: left out: {what}"))
        lines.append((INFO, f"{self.title}: {self.summary}"))
        return lines

    @property
    def error(self) -> str | None:
        """The run's error: how many galleries failed (None when none did)."""
        if self.stopped:
            return self.stopped
        if not self.failed_count:
            return None
        first = self.failed[0]
        outcome = "nothing was changed (a preview)" if self.dry_run else "the other changes were applied"
        return (
            f"{self.failed_count} of {counted(self.scanned, 'gallery', 'galleries')} failed (first: gallery"
            f" {called(first.get('name'), first['gallery'])}: {first['error']}); {outcome}"
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
