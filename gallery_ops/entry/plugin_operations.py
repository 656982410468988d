"""`args.operation`: run one of the 15 gallery operations with its parameters as named args.

    {"operation": "update_gallery_images", "gallery_id": "12", "image_ids": ["3", "4"], "mode": "SET"}

This is what manual runs and Stash's runPluginOperation use. The output is the JSON
form of the operation's return value (models as GraphQL-shaped dicts).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..common.args import Param, read_params
from ..common.errors import ArgError
from ..stash.models import GALLERY_INPUT_FIELDS, FindFilter
from ..stash.operations import GalleryOps

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
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_unset=True)
    if isinstance(value, list):
        return [to_json(item) for item in value]
    return value


def run_operation(ops: GalleryOps, name: str, args: dict[str, Any]) -> Any:
    """Run operation `name` and return its result as JSON."""
    kwargs = read_operation_args(name, args)
    return to_json(getattr(ops, name)(**kwargs))
