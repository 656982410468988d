"""`args.operation`: run one of the 15 gallery operations with its parameters as named args.

    {"operation": "update_gallery_images", "gallery_id": "12", "image_ids": ["3", "4"], "mode": "SET"}

This is what manual runs and Stash's runPluginOperation use. The output is the JSON
form of the operation's return value (models as GraphQL-shaped dicts). An operation that
writes also says what it did in one Info line of Stash's log, naming galleries, images, tags,
performers, studios and scenes (stash/names.py): from what the operation read or answered,
and at most one more request for the rest (before a delete, so that what goes is named).
"""

from __future__ import annotations

from collections.abc import Callable

from ..common.args import Param, read_params
from ..common.errors import ArgError
from ..common.log import log
from ..stash.models import GALLERY_INPUT_FIELDS, FindFilter, Gallery, GalleryChapter
from ..stash.names import REF_KINDS, Mention, NameBook
from ..stash.operations import GalleryOps
from ..stash.record import Record
from ..tasks.report import counted, field_changes, shown, things

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

OPERATION_PARAMS: dict[str, tuple[Param, ...]] = {
    "find_gallery": (Param("id", "id"),),
    "find_galleries": (
        Param("filter", "object", False),
        Param("gallery_filter", "object", False),
        Param("q", "str", False),
    ),
    "create_gallery": (Param("gallery", "object"),),
    "update_gallery": (Param("gallery", "object"),),
    "galleries_update": (Param("galleries", "objects"),),
    "gallery_destroy": (
        Param("ids", "ids"),
        Param("delete_file", "bool", False),
        Param("delete_generated", "bool", False),
    ),
    "add_gallery_images": (Param("gallery_id", "id"), Param("image_ids", "ids")),
    "remove_gallery_images": (Param("gallery_id", "id"), Param("image_ids", "ids")),
    "update_gallery_images": (
        Param("gallery_id", "id"),
        Param("image_ids", "ids"),
        Param("mode", "str", False),
        Param("allow_empty", "bool", False),
    ),
    "set_gallery_cover": (Param("gallery_id", "id"), Param("cover_image_id", "id")),
    "reset_gallery_cover": (Param("gallery_id", "id"),),
    "gallery_chapter_create": (Param("gallery_id", "id"), Param("title", "str"), Param("image_index", "int")),
    "gallery_chapter_update": (
        Param("id", "id"),
        Param("gallery_id", "id", False),
        Param("title", "str", False),
        Param("image_index", "int", False),
    ),
    "gallery_chapter_destroy": (Param("id", "id"),),
    "bulk_gallery_update": (Param("input_data", "object"),),
}
OPERATION_NAMES = tuple(OPERATION_PARAMS)
# find_galleries' FindFilterType: `filter` in args (Stash's name), `filter_` in Python (the seed's name);
# args may use either
KEYWORDS = {"filter": "filter_"}

# The keys a JSON object argument may hold. The models ignore unknown keys (Stash may
# send more than they know), so without this check a misspelt or GraphQL-style key
# ("tag_ids", "colour") would be dropped silently and the run would report success.
GALLERY_KEYS = GALLERY_INPUT_FIELDS
GALLERY_HINT = ' (studio, tags, performers and scenes as objects with an id, e.g. "tags": [{"id": "1"}])'
OBJECT_KEYS: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {
    ("create_gallery", "gallery"): (GALLERY_KEYS, GALLERY_HINT),
    ("update_gallery", "gallery"): (GALLERY_KEYS, GALLERY_HINT),
    ("galleries_update", "galleries"): (GALLERY_KEYS, GALLERY_HINT),
    ("find_galleries", "filter"): (tuple(FindFilter.model_fields), " (Stash's FindFilterType)"),
}


def _check_keys(name: str, param: str, value: dict[str, Any] | list[dict[str, Any]]) -> None:
    allowed, hint = OBJECT_KEYS[(name, param)]
    items = value if isinstance(value, list) else [value]
    for n, item in enumerate(items):
        unknown = [key for key in item if key not in allowed]
        if unknown:
            where = f"{param}[{n}]" if isinstance(value, list) else param
            raise ArgError(
                f"argument {where} of operation {name} has keys it cannot take: {', '.join(unknown)};"
                f" it takes {', '.join(allowed)}{hint}"
            )


def read_operation_args(name: str, args: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments for operation `name`, read from the plugin args."""
    given = {k: v for k, v in args.items() if k != "operation"}
    for arg, keyword in KEYWORDS.items():  # the Python keyword is accepted as the arg's name too
        if keyword in given:
            if arg in given:
                raise ArgError(f"operation {name}: give {arg} or {keyword}, not both (they are the same argument)")
            given[arg] = given.pop(keyword)
    values = read_params(OPERATION_PARAMS[name], given, f"operation {name}")
    for param, value in values.items():
        if (name, param) in OBJECT_KEYS:
            _check_keys(name, param, value)
    return {KEYWORDS.get(param, param): value for param, value in values.items()}


def to_json(value: Any) -> Any:
    """Return values as JSON: models become GraphQL-shaped dicts."""
    if isinstance(value, Record):
        return value.model_dump(mode="json", exclude_unset=True)
    if isinstance(value, list):
        return [to_json(item) for item in value]
    return value


# An input object's reference keys (create_gallery, update_gallery) and the kind each names.
GALLERY_REFS = {"studio": "studio", "tags": "tag", "performers": "performer", "scenes": "scene"}


def _mentions(kwargs: dict[str, Any]) -> list[Mention]:
    """What an operation's arguments name (galleries, images, and the references it sets)."""
    out = [Mention("gallery", str(g)) for g in [kwargs.get("gallery_id"), *kwargs.get("ids", ())] if g is not None]
    out += [Mention("image", str(i)) for i in [kwargs.get("cover_image_id"), *kwargs.get("image_ids", ())] if i]
    objects = [kwargs.get("gallery"), *kwargs.get("galleries", ()), kwargs.get("input_data")]
    for given in (o for o in objects if isinstance(o, dict)):
        out += [Mention("gallery", str(g)) for g in [given.get("id"), *given.get("ids", ())] if g is not None]
        for key, value in given.items():
            kind = GALLERY_REFS.get(key) or REF_KINDS.get(key)
            refs = value.get("ids", []) if isinstance(value, dict) and "ids" in value else value
            for ref in refs if isinstance(refs, list) else [refs]:
                ref_id = ref.get("id") if isinstance(ref, dict) else ref
                if kind is not None and ref_id is not None:
                    out.append(Mention(kind, str(ref_id)))
    return out


def _learn(names: NameBook, result: Any) -> None:
    """The names in what an operation answered (galleries with their references, a chapter)."""
    for item in result if isinstance(result, list) else [result]:
        if isinstance(item, Gallery):
            names.learn_gallery(item)
        elif isinstance(item, GalleryChapter):
            names.learn("chapter", item.id, item.title)


def _gallery_fields(given: dict[str, Any], names: NameBook) -> str:
    """What an update sets on a gallery: 'title "Beach", tags "Beach" [1]'."""
    out = []
    for key, value in given.items():
        kind = GALLERY_REFS.get(key)
        if key == "id":
            continue
        if kind is None:
            out.append(f"{key} {shown(value)}")
        elif value is None or value == []:
            out.append(f"{key} none")
        else:
            refs = value if isinstance(value, list) else [value]
            out.append(things(names.known, kind, [str(r["id"]) if isinstance(r, dict) else str(r) for r in refs]))
    return ", ".join(out) or "nothing"


def _galleries(names: NameBook, ids: list[Any]) -> str:
    return things(names.known, "gallery", [str(i) for i in ids])


def _images(names: NameBook, ids: list[Any]) -> str:
    return f"{counted(len(ids), 'image')} ({', '.join(names.called('image', str(i)) for i in ids[:10])}" + (
        f" and {len(ids) - 10} more)" if len(ids) > 10 else ")"
    )


def _images_updated(args: dict[str, Any], names: NameBook) -> str:
    gallery = f"gallery {names.called('gallery', str(args['gallery_id']))}"
    mode = args.get("mode") or "SET"
    if mode == "ADD":
        return f"added {_images(names, args['image_ids'])} to {gallery}"
    if mode == "REMOVE":
        return f"removed {_images(names, args['image_ids'])} from {gallery} (the image files and records stay)"
    return f"{gallery} now holds exactly {_images(names, args['image_ids'])}"


# What each writing operation says it did: (the operation's args, its result, the names) -> a line.
DONE: dict[str, Callable[[dict[str, Any], Any, NameBook], str]] = {
    "create_gallery": lambda a, r, n: f"created gallery {n.called('gallery', r.id)}",
    "update_gallery": lambda a, r, n: (
        f"updated gallery {n.called('gallery', r.id)}: set {_gallery_fields(a['gallery'], n)}"
    ),
    "galleries_update": lambda a, r, n: f"updated {_galleries(n, [g.id for g in r])}",
    "gallery_destroy": lambda a, r, n: (
        f"deleted {_galleries(n, a['ids'])}" + (" (and their files)" if a.get("delete_file") else " (files kept)")
    ),
    "add_gallery_images": lambda a, r, n: (
        f"added {_images(n, a['image_ids'])} to gallery {n.called('gallery', str(a['gallery_id']))}"
    ),
    "remove_gallery_images": lambda a, r, n: (
        f"removed {_images(n, a['image_ids'])} from gallery {n.called('gallery', str(a['gallery_id']))}"
        " (the image files and records stay)"
    ),
    "update_gallery_images": lambda a, r, n: _images_updated(a, n),
    "set_gallery_cover": lambda a, r, n: (
        f"set the cover of gallery {n.called('gallery', str(a['gallery_id']))}"
        f" to image {n.called('image', str(a['cover_image_id']))}"
    ),
    "reset_gallery_cover": lambda a, r, n: (
        f"took away the chosen cover of gallery {n.called('gallery', str(a['gallery_id']))}"
        " (Stash shows its default pick again)"
    ),
    "gallery_chapter_create": lambda a, r, n: (
        f"created chapter {n.called('chapter', r.id)} at image {r.image_index}"
        f" in gallery {n.called('gallery', str(a['gallery_id']))}"
    ),
    "gallery_chapter_update": lambda a, r, n: (
        f"changed chapter {n.called('chapter', r.id)}: now at image {r.image_index}"
        + (f" of gallery {n.called('gallery', r.gallery.id)}" if r.gallery else "")
    ),
    "gallery_chapter_destroy": lambda a, r, n: f"deleted chapter [{a['id']}]",
    "bulk_gallery_update": lambda a, r, n: (
        f"updated {_galleries(n, a['input_data']['ids'])}:"
        f" {field_changes({k: v for k, v in a['input_data'].items() if k != 'ids'}, n.known)}"
    ),
}


def run_operation(ops: GalleryOps, name: str, args: dict[str, Any]) -> Any:
    """Run operation `name`, say in the log what it did (when it writes), and return its result as JSON."""
    kwargs = read_operation_args(name, args)
    said = DONE.get(name)
    names = NameBook()
    wanted = names.unknown(_mentions(kwargs)) if said is not None else {}
    if name == "gallery_destroy" and wanted:  # named before they go
        names.learn_found(ops.names_of(wanted))
    result = getattr(ops, name)(**kwargs)
    if said is None:
        return to_json(result)
    _learn(names, result)
    also = [Mention("gallery", result.gallery.id)] if isinstance(result, GalleryChapter) and result.gallery else []
    if name != "gallery_destroy" and (wanted := names.unknown([*_mentions(kwargs), *also])):
        names.learn_found(ops.names_of(wanted))
    log.info("%s", said(kwargs, result, names))
    return to_json(result)
