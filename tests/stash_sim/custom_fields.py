"""Gallery and image custom fields, on the releases whose schema has them (v0.31.1, develop).

Stash facts (pkg/sqlite/custom_fields.go; migrations 81_gallery_custom_fields and
83_image_custom_fields; internal/api/json.go; internal/api/resolver_mutation_gallery.go and
resolver_mutation_image.go, as for performers since v0.28):
- storage: one row per (owner, field) with `value BLOB NOT NULL`: SQLite keeps each value's
  own type (a BLOB column converts nothing). The Go driver (mattn/go-sqlite3) binds a string
  as TEXT, an int64 as INTEGER, a float64 as REAL and a bool as the INTEGER 1 or 0, and reads
  them back as string, int64 and float64: a `true` comes back as 1.
- numbers: gqlgen decodes variables with UseNumber; convertMapJSONNumbers makes a number with
  a "." a float64 and any other an int64 (json.Number.Int64: "1e3" fails and gives 0, a value
  beyond int64 gives the limit).
- create: `custom_fields: Map` sets the whole map; update and bulk update: `CustomFieldsInput`
  with `full` (replace the whole map; `full: {}` clears it), else `partial` (set these keys),
  then `remove` (delete these keys); a key both set and removed is refused.
- a name must not be empty, must not have leading or trailing whitespace, and is at most 64
  bytes; object and array values are refused ("unsupported custom field value type"); a null
  value fails the NOT NULL column.
- `custom_fields` of an object with none is `{}` (the field is `Map!`); the map is written by
  encoding/json: keys sorted, a whole float64 without a decimal point.
- the `custom_fields` criterion ([CustomFieldCriterionInput!]): each criterion joins the
  owner's row for its field (inner join, or left join where a missing field matches) and
  adds its WHERE clauses, with the modifiers, messages and quirks of handleCriterion.
On v0.30.1 the schema has no such field, input or criterion, so gqlparser's validation
refuses them before any resolver runs.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .engine import StashError, resolves
from .goregex import GoRegexError, compile_go, go_search
from .gqlgen import INT64_MAX, INT64_MIN, JsonFloat
from .store import Store

MAX_NAME_LENGTH = 64
TABLES = {"galleries": ("gallery_custom_fields", "gallery_id"), "images": ("image_custom_fields", "image_id")}


def create_tables(store: Store) -> None:
    store.db.create_function("custom_field_regexp", 2, _text_regexp, deterministic=True)
    for owner, (table, column) in TABLES.items():
        store.execute(
            f"CREATE TABLE IF NOT EXISTS {table} ({column} INTEGER NOT NULL REFERENCES {owner}(id)"
            f" ON DELETE CASCADE, field VARCHAR(64) NOT NULL, value BLOB NOT NULL,"
            f" PRIMARY KEY ({column}, field))"
        )


def _text_regexp(pattern: str, value: Any) -> bool:
    """`value regexp ?` over a custom field: Stash's regexp function takes two strings, and the Go
    driver refuses an INTEGER or REAL argument for a string, which fails the whole query. The
    simulator does not model that error's text: it fails the query loudly instead."""
    if value is not None and not isinstance(value, str):
        raise ValueError("the Stash simulator does not model a regexp over a custom field value that is not text")
    return go_search(pattern, value)


def _go_quote(text: str) -> str:
    """Go's %q of a string (printable text as is, quotes and backslashes escaped)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char.isprintable():
            out.append(char)
        else:
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def go_number(value: Any) -> Any:
    """jsonNumberToNumber (internal/api/json.go) on one decoded JSON value; others unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    text = value.text if isinstance(value, JsonFloat) else (str(value) if isinstance(value, int) else repr(value))
    if "." in text:
        return float(value)
    try:
        number = int(text)
    except ValueError:
        return 0  # strconv.ParseInt's syntax error: Int64 gives 0
    return max(INT64_MIN, min(INT64_MAX, number))  # ErrRange: the limit


def _go_type(value: Any) -> str:
    """Go's %T of a decoded JSON value."""
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    return "string" if isinstance(value, str) else "<nil>"


def _sql_value(value: Any) -> Any:
    """getSQLValueFromCustomFieldInput: scalars as they are, objects and arrays refused."""
    if isinstance(value, dict | list):
        raise StashError(f"unsupported custom field value type: {_go_type(value)}")
    return value


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
    for name, given in values.items():
        try:
            value = _sql_value(go_number(given))
        except StashError as exc:
            raise StashError(f"getting SQL value for field {_go_quote(name)}: {exc}") from None
        if value is None:
            raise StashError(f"inserting custom fields: NOT NULL constraint failed: {table}.value")
        db.execute(
            f"INSERT INTO {table}({column}, field, value) VALUES (?, ?, ?)"
            f" ON CONFLICT({column}, field) DO UPDATE SET value = excluded.value",
            (owner_id, name, value),
        )  # sqlite3 binds bool as 1 or 0, as the Go driver does


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


def _answer(value: Any) -> Any:
    """A stored value as Stash answers it: encoding/json writes a whole float64 as an integer."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    return value


@resolves("Gallery.custom_fields", "Image.custom_fields")
def custom_fields(parent: dict[str, Any], info: Any) -> dict[str, Any]:
    owner = "galleries" if info.parent_type.name == "Gallery" else "images"
    table, column = TABLES[owner]
    rows = info.context.sim.store.all(
        f"SELECT field, value FROM {table} WHERE {column} = ? ORDER BY field", (parent["_id"],)
    )
    return {row["field"]: _answer(row["value"]) for row in rows}


# -- the custom_fields criterion ------------------------------------------------------------------
def go_v(value: Any) -> str:
    """fmt's %v of a criterion value: int64 and string as they are, bool as true/false, float64
    as strconv's 'g' with the shortest digits (an exponent below -4 or from 6 up is written
    1.5e+06)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, float):
        return str(value)
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    sign = "-" if math.copysign(1, value) < 0 and value != 0 else ""
    number = Decimal(repr(abs(value))).normalize()
    digits = "".join(str(d) for d in number.as_tuple().digits)
    exponent = len(digits) - 1 + int(number.as_tuple().exponent)
    if exponent < -4 or exponent >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{exponent:+03d}"
    return sign + format(number, "f")


Add = Callable[..., None]  # Sql.add of filters.py: (clause, *params)


def add_criteria(add: Add, owner: str, criteria: list[dict[str, Any]]) -> None:
    """customFieldsFilterHandler.handle: the WHERE clauses of each criterion, all ANDed.

    A joined row is read as the scalar `(SELECT value ...)`: the primary key allows one row
    per field, so an inner join is "that value is not NULL" and a left join lets a missing
    field through as NULL, as the joins do."""
    table, column = TABLES[owner]
    for criterion in criteria:
        _criterion(add, f"(SELECT value FROM {table} WHERE {column} = {owner}.id AND field = ?)", criterion)


def _criterion(add: Add, value_sql: str, criterion: dict[str, Any]) -> None:
    field, modifier = criterion["field"], criterion["modifier"]
    values = [_sql_value(go_number(v)) for v in criterion.get("value") or []]

    def where(clause: str, *params: Any, inner: bool) -> None:
        """One WHERE clause over the joined value `{v}`; an inner join also needs the row."""
        ordered = [field if token == "{v}" else params[i] for i, token in _tokens(clause)]
        text = clause.replace("{v}", value_sql)
        if inner:
            add(f"{value_sql} IS NOT NULL AND ({text})", field, *ordered)
        else:
            add(text, *ordered)

    marks = ", ".join("?" for _ in values)
    if modifier == "EQUALS":
        where(f"{{v}} IN ({marks})", *values, inner=True)
    elif modifier == "NOT_EQUALS":
        where(f"{{v}} NOT IN ({marks}) OR {{v}} IS NULL", *values, inner=False)
    elif modifier == "INCLUDES":
        if not values:
            where("1", inner=True)
        for value in values:
            where("{v} LIKE ?", f"%{go_v(value)}%", inner=True)
    elif modifier == "EXCLUDES":
        for value in values:
            where("{v} NOT LIKE ? OR {v} IS NULL", f"%{go_v(value)}%", inner=False)
    elif modifier in ("MATCHES_REGEX", "NOT_MATCHES_REGEX"):
        for value in values:
            if not isinstance(value, str):
                raise StashError(f"unsupported custom field criterion value type: {_go_type(value)}")
            _check_regex(value)
            if modifier == "MATCHES_REGEX":
                where("custom_field_regexp(?, {v})", value, inner=True)
            else:
                where("{v} IS NULL OR NOT custom_field_regexp(?, {v})", value, inner=False)
    elif modifier == "IS_NULL":
        where("{v} IS NULL OR TRIM({v}) = ''", inner=False)
    elif modifier == "NOT_NULL":
        where("TRIM({v}) != ''", inner=True)
    elif modifier == "BETWEEN":
        if len(values) != 2:
            raise StashError(f"expected 2 values for custom field criterion modifier BETWEEN, got {len(values)}")
        where("{v} BETWEEN ? AND ?", values[0], values[1], inner=True)
    elif modifier == "NOT_BETWEEN":
        if len(values) < 2:  # cv[0], cv[1] unchecked: the resolver's panic, recovered by Stash's handler
            raise StashError(
                "Internal system error. Error <runtime error: index out of range"
                f" [{len(values)}] with length {len(values)}>"
            )
        where("{v} NOT BETWEEN ? AND ? OR {v} IS NULL", values[0], values[1], inner=False)
    elif modifier in ("LESS_THAN", "GREATER_THAN"):
        if len(values) != 1:  # both say LESS_THAN (custom_fields.go)
            raise StashError(f"expected 1 value for custom field criterion modifier LESS_THAN, got {len(values)}")
        where(f"{{v}} {'<' if modifier == 'LESS_THAN' else '>'} ?", values[0], inner=True)
    else:
        raise StashError(f"unsupported custom field criterion modifier: {modifier}")


def _check_regex(pattern: str) -> None:
    """regexp.Compile first, with Go's message."""
    try:
        compile_go(pattern)
    except GoRegexError as exc:
        raise StashError(str(exc)) from None


def _tokens(clause: str) -> list[tuple[int, str]]:
    """The joined values `{v}` and parameters `?` of a clause, in order: (index of the
    parameter among the `?`s, token)."""
    found, count = [], 0
    for match in re.finditer(r"\{v\}|\?", clause):
        found.append((count, match.group()))
        count += match.group() == "?"
    return found
