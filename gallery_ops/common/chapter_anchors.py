"""Chapter anchors as Gallery Tools writes them into a gallery's custom fields (Stash v0.31).

One custom field per chapter, named ANCHOR_PREFIX + the chapter's id, whose value is a small
JSON text: the chapter's image index when it was recorded, and that image's path and md5.
tasks/anchors.py says what they are for and how chapters are repaired from them;
docs/custom_fields.md describes them for people. Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import json_text as json
from .plain import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ANCHOR_PREFIX = "gallery_tools.chapter."


@dataclass(frozen=True)
class Anchor:
    """Where a chapter started when it was recorded: its index and that image's path and md5."""

    index: int
    path: str | None
    md5: str | None

    def encode(self) -> str:
        return json.dumps({"index": self.index, "path": self.path, "md5": self.md5}, ensure_ascii=False)  # (`, ` `: `)

    @classmethod
    def decode(cls, value: Any) -> Anchor | None:
        """The anchor in a custom field's value; None when it is not one (then it is recorded anew)."""
        if not isinstance(value, str):
            return None
        try:
            found = json.loads(value)
        except ValueError:
            return None
        if not isinstance(found, dict):
            return None
        index, path, md5 = found.get("index"), found.get("path"), found.get("md5")
        if not isinstance(index, int) or isinstance(index, bool) or index < 1:
            return None
        if not isinstance(path, str | None) or not isinstance(md5, str | None) or (path is None and md5 is None):
            return None
        return cls(index, path, md5)


def anchor_field(chapter_id: str) -> str:
    """The custom field that holds a chapter's anchor."""
    return ANCHOR_PREFIX + chapter_id


def anchors_of(custom_fields: Mapping[str, Any] | None) -> dict[str, Any]:
    """The gallery's anchor fields: {chapter id: the field's value as stored} (decode it with Anchor.decode)."""
    return {
        name[len(ANCHOR_PREFIX) :]: value
        for name, value in (custom_fields or {}).items()
        if name.startswith(ANCHOR_PREFIX)
    }


def is_anchor_field(name: str) -> bool:
    return name.startswith(ANCHOR_PREFIX)
