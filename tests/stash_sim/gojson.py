"""Go's encoding/json, as Stash uses it on what a scraper script prints.

Stash decodes a script's stdout with a json.Decoder (pkg/scraper/script.go runScraperScript):
first with DisallowUnknownFields, and when that fails, again without it. Only the first JSON
value is read (what follows it is ignored); the result is a Go struct, so:
- keys match the struct's json tags exactly, else without regard to case;
- a value of the wrong JSON type for its field is an error (`json: cannot unmarshal number into
  Go struct field ScrapedGallery.title of type string`), and the field keeps its zero value;
  the decoder goes on and returns the first error it met;
- null leaves a field as it was (a nil pointer, or "" for a plain string);
- an unknown key is an error only for the strict decoder (`json: unknown field "x"`).
Syntax errors carry Go's wording for the common cases (`EOF`, `unexpected EOF`, `invalid
character 'x' looking for beginning of value`, ...), mapped from where Python's parser stopped.

Output (encoding/json Marshal, for what Stash writes on a script's stdin): compact, with
`<`, `>`, `&`, U+2028 and U+2029 escaped and other non-ASCII text as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

GO_WHITESPACE = " \t\r\n"


class GoJSONError(ValueError):
    """A decode error with Go's message."""


# -- the shapes of Go types --------------------------------------------------------------------
@dataclass(frozen=True)
class Kind:
    """One Go type: `go` is its name in messages (after pointers are followed)."""

    go: str
    kind: str  # "string" | "bool" | "strings" | "struct" | "structs"
    nullable: bool = True  # a pointer (null -> None) or a plain value (null -> its zero value)
    struct: str = ""  # for "struct"/"structs": the struct's name in STRUCTS


@dataclass
class Struct:
    name: str  # e.g. "ScrapedGallery" (the Go type name, without its package)
    fields: dict[str, Kind] = field(default_factory=dict)


STRING_PTR = Kind("string", "string")
STRING = Kind("string", "string", nullable=False)
STRINGS = Kind("[]string", "strings")
BOOL = Kind("bool", "bool", nullable=False)


def _struct_ptr(name: str) -> Kind:
    return Kind(f"models.{name}", "struct", struct=name)


def _struct_list(name: str) -> Kind:
    return Kind(f"[]*models.{name}", "structs", struct=name)


# pkg/models/model_scraped_item.go, v0.30.1: the structs a scraped gallery decodes into
STRUCTS: dict[str, Struct] = {
    "ScrapedTag": Struct("ScrapedTag", {"stored_id": STRING_PTR, "name": STRING, "remote_site_id": STRING_PTR}),
    "ScrapedStudio": Struct(
        "ScrapedStudio",
        {
            "stored_id": STRING_PTR,
            "name": STRING,
            "url": STRING_PTR,
            "urls": STRINGS,
            "parent": _struct_ptr("ScrapedStudio"),
            "image": STRING_PTR,
            "images": STRINGS,
            "details": STRING_PTR,
            "aliases": STRING_PTR,
            "tags": _struct_list("ScrapedTag"),
            "remote_site_id": STRING_PTR,
        },
    ),
    "ScrapedPerformer": Struct(
        "ScrapedPerformer",
        {
            **{name: STRING_PTR for name in ("stored_id", "name", "disambiguation", "gender")},
            "urls": STRINGS,
            **{
                name: STRING_PTR
                for name in (
                    "url",
                    "twitter",
                    "instagram",
                    "birthdate",
                    "ethnicity",
                    "country",
                    "eye_color",
                    "height",
                    "measurements",
                    "fake_tits",
                    "penis_length",
                    "circumcised",
                    "career_length",
                    "tattoos",
                    "piercings",
                    "aliases",
                )
            },
            "tags": _struct_list("ScrapedTag"),
            "image": STRING_PTR,
            "images": STRINGS,
            **{name: STRING_PTR for name in ("details", "death_date", "hair_color", "weight", "remote_site_id")},
            "remote_deleted": BOOL,
            "remote_merged_into_id": STRING_PTR,
        },
    ),
    "ScrapedGallery": Struct(
        "ScrapedGallery",
        {
            "title": STRING_PTR,
            "code": STRING_PTR,
            "details": STRING_PTR,
            "photographer": STRING_PTR,
            "urls": STRINGS,
            "date": STRING_PTR,
            "studio": _struct_ptr("ScrapedStudio"),
            "tags": _struct_list("ScrapedTag"),
            "performers": _struct_list("ScrapedPerformer"),
            "url": STRING_PTR,
        },
    ),
}


# -- syntax ------------------------------------------------------------------------------------
def _quote_char(char: str) -> str:
    """encoding/json quoteChar: the offending character as Go prints it."""
    if char == "'":
        return "'\\''"
    if char == '"':
        return "'\"'"
    quoted = json.dumps(char)[1:-1] if not char.isprintable() else char
    return f"'{quoted}'"


class _Constant(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


def _reject_constant(name: str) -> Any:
    raise _Constant(name)  # NaN, Infinity, -Infinity: Python takes them, Go does not


def _innermost_open(text: str) -> str:
    """'{' or '[' : the container open at the end of `text` (strings skipped)."""
    stack: list[str] = []
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            stack.append(char)
        elif char in "}]" and stack:
            stack.pop()
    return stack[-1] if stack else ""


def first_value(text: str) -> Any:
    """The first JSON value of `text`, as json.Decoder.Decode reads it; GoJSONError otherwise."""
    start = 0
    while start < len(text) and text[start] in GO_WHITESPACE:
        start += 1
    if start == len(text):
        raise GoJSONError("EOF")
    decoder = json.JSONDecoder(parse_constant=_reject_constant)
    try:
        value, _ = decoder.raw_decode(text, start)
    except _Constant as constant:
        char = "I" if constant.name == "-Infinity" else constant.name[0]
        where = "in numeric literal" if constant.name == "-Infinity" else "looking for beginning of value"
        raise GoJSONError(f"invalid character {_quote_char(char)} {where}") from None
    except json.JSONDecodeError as exc:
        raise GoJSONError(_syntax_message(text, exc)) from None
    return value


def _syntax_message(text: str, exc: json.JSONDecodeError) -> str:
    if exc.pos >= len(text) or exc.msg.startswith("Unterminated string"):
        return "unexpected EOF"
    if text[exc.pos :].strip(GO_WHITESPACE) == "":
        return "unexpected EOF"
    char = _quote_char(text[exc.pos])
    if exc.msg.startswith("Expecting value"):
        return f"invalid character {char} looking for beginning of value"
    if exc.msg.startswith("Expecting property name"):
        return f"invalid character {char} looking for beginning of object key string"
    if exc.msg.startswith("Expecting ':'"):
        return f"invalid character {char} after object key"
    if exc.msg.startswith("Expecting ','"):
        inside = _innermost_open(text[: exc.pos])
        return f"invalid character {char} after {'object key:value pair' if inside == '{' else 'array element'}"
    if exc.msg.startswith("Invalid control character"):
        return f"invalid character {char} in string literal"
    if exc.msg.startswith("Invalid \\escape") or exc.msg.startswith("Invalid \\uXXXX"):
        return f"invalid character {char} in string escape code"
    return f"invalid character {char} ({exc.msg})"


# -- decoding into a struct --------------------------------------------------------------------
def _json_kind(value: Any) -> str:
    """The word encoding/json uses for a JSON value in UnmarshalTypeError."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


@dataclass
class _Decoding:
    strict: bool
    first_error: str | None = None

    def save(self, message: str) -> None:
        if self.first_error is None:  # decodeState.saveError keeps the first
            self.first_error = message


def _type_error(state: _Decoding, value: Any, kind: Kind, struct: str, stack: list[str]) -> None:
    if struct:
        state.save(
            f"json: cannot unmarshal {_json_kind(value)} into Go struct field "
            f"{struct}.{'.'.join(stack)} of type {kind.go}"
        )
    else:
        state.save(f"json: cannot unmarshal {_json_kind(value)} into Go value of type {kind.go}")


def _decode_value(state: _Decoding, value: Any, kind: Kind, struct: str, stack: list[str]) -> Any:
    """The Go value (as Python: None, str, bool, list, dict) that `value` decodes to."""
    zero: Any = None if kind.nullable else ("" if kind.kind == "string" else False)
    if value is None:
        return zero
    if kind.kind == "string":
        if isinstance(value, str):
            return value
    elif kind.kind == "bool":
        if isinstance(value, bool):
            return value
    elif kind.kind == "strings":
        if isinstance(value, list):
            return [_decode_value(state, item, STRING, struct, stack) for item in value]
    elif kind.kind == "struct":
        if isinstance(value, dict):
            return _decode_struct(state, value, STRUCTS[kind.struct], stack)
    elif kind.kind == "structs" and isinstance(value, list):
        element = Kind(f"models.{kind.struct}", "struct", struct=kind.struct)
        return [_decode_value(state, item, element, struct, stack) for item in value]
    _type_error(state, value, kind, struct, stack)
    return zero


def _decode_struct(state: _Decoding, value: dict[str, Any], struct: Struct, stack: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = key if key in struct.fields else next((f for f in struct.fields if f.lower() == key.lower()), None)
        if name is None:
            if state.strict:
                state.save(f"json: unknown field {json.dumps(key)}")
            continue
        out[name] = _decode_value(state, item, struct.fields[name], struct.name, [*stack, name])
    return out


def decode(value: Any, struct_name: str, strict: bool) -> tuple[dict[str, Any] | None, str | None]:
    """A decoded first value into *models.<struct_name>: (the struct or None for null, first error)."""
    state = _Decoding(strict)
    result = _decode_value(state, value, _struct_ptr(struct_name), "", [])
    return result, state.first_error


# -- encoding ----------------------------------------------------------------------------------
def marshal(value: Any) -> str:
    """encoding/json Marshal of plain values (dict keys in the order given)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text
