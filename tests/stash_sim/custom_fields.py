"""Gallery and image custom fields, on the releases whose schema has them (develop).

Stash facts (pkg/sqlite/custom_fields.go, as performers have them since v0.28 and
galleries and images after v0.30.1; internal/api/resolver_mutation_performer.go):
- create: `custom_fields: Map` sets the whole map; update: `CustomFieldsInput` with
  `full` (replace the whole map), else `partial` (set these keys), then `remove`
  (delete these keys); a key in both values and remove is refused.
- a name must not be empty, must not have leading or trailing whitespace, and is at
  most 64 bytes; object and array values are refused ("unsupported custom field value
  type"); numbers keep their type (convertMapJSONNumbers: int64, else float64).
- `custom_fields` of an object with none is `{}` (the field is `Map!`).
On v0.30.1 the schema has no such field or input, so gqlparser's validation refuses it
before any resolver runs.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from .engine import StashError, resolves
from .store import Store

MAX_NAME_LENGTH = 64
TABLES = {"galleries": ("gallery_custom_fields", "gallery_id"), "images": ("image_custom_fields", "image_id")}


def create_tables(store: Store) -> None:
    for owner, (table, column) in TABLES.items():
        store.execute(f"CREATE TABLE IF NOT EXISTS {table} ({column} INTEGER NOT NULL REFERENCES {owner}(id)"
                      f" ON DELETE CASCADE, field TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY ({column}, field))")


def _go_quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _validate(values: dict[str, Any], remove: list[str]) -> None:
    for name in values:
        problem = None
        if name.strip() == "":
            problem = "custom field name cannot be empty"
        elif name != name.strip():
            problem = "custom field name cannot have leading or trailing whitespace"
        elif len(name.encode()) > MAX_NAME_LENGTH:
            problem = f"custom field name must be less than {MAX_NAME_LENGTH + 1} characters"
        if problem:
            raise StashError(f"custom field name {_go_quote(name)}: {problem}")
    for name in remove:
        if name in values:
            raise StashError(f"custom field name {_go_quote(name)} cannot be in both values and delete keys")


def _write(db: sqlite3.Connection, owner: str, owner_id: int, values: dict[str, Any], partial: bool) -> None:
    table, column = TABLES[owner]
    if not partial:
        db.execute(f"DELETE FROM {table} WHERE {column} = ?", (owner_id,))
    for name, value in values.items():
        if isinstance(value, dict | list):
            kind = "map[string]interface {}" if isinstance(value, dict) else "[]interface {}"
            raise StashError(f"getting SQL value for field {_go_quote(name)}: unsupported custom field value type:"
                             f" {kind}")
        db.execute(f"INSERT INTO {table}({column}, field, value) VALUES (?, ?, ?)"
                   f" ON CONFLICT({column}, field) DO UPDATE SET value = excluded.value",
                   (owner_id, name, json.dumps(value)))


def set_on_create(db: sqlite3.Connection, owner: str, owner_id: int, values: dict[str, Any] | None) -> None:
    """A create input's `custom_fields: Map` (the whole map)."""
    if values:
        _validate(values, [])
        _write(db, owner, owner_id, values, partial=False)


def apply_input(db: sqlite3.Connection, owner: str, owner_id: int, given: dict[str, Any] | None) -> None:
    """An update input's CustomFieldsInput {full, partial, remove} (SetCustomFields)."""
    if not given:
        return
    remove = list(given.get("remove") or [])
    if given.get("full") is not None:
        values, partial = given["full"], False
    elif given.get("partial") is not None:
        values, partial = given["partial"], True
    else:
        values, partial = None, True
    if values is not None:
        _validate(values, remove)
        _write(db, owner, owner_id, values, partial)
    if remove:
        table, column = TABLES[owner]
        db.executemany(f"DELETE FROM {table} WHERE {column} = ? AND field = ?", [(owner_id, n) for n in remove])


@resolves("Gallery.custom_fields", "Image.custom_fields")
def custom_fields(parent: dict, info: Any) -> dict[str, Any]:
    owner = "galleries" if info.parent_type.name == "Gallery" else "images"
    table, column = TABLES[owner]
    rows = info.context.sim.store.all(f"SELECT field, value FROM {table} WHERE {column} = ? ORDER BY field",
                                      (parent["_id"],))
    return {row["field"]: json.loads(row["value"]) for row in rows}
