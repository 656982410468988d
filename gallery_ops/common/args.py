"""Turning plugin args into typed values, with one-line errors that say what was expected.

Stash delivers a task's defaultArgs as JSON strings ("true", "10", "[1, 2]"), while
runPluginOperation and manual runs may send real JSON values. Each reader accepts
both, deliberately, and refuses anything else.
"""

from __future__ import annotations

from . import json_text as json
from .errors import ArgError, short_repr, shortened
from .ids import parse_id, parse_ids
from .plain import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TRUE_TEXT = ("true", "yes", "1")
UNKNOWN_SHOWN = 10  # unknown argument names an error lists
FALSE_TEXT = ("false", "no", "0")


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _json_text(name: str, value: str, expected: str) -> Any:
    """JSON given as text in an arg (Stash's defaultArgs are strings); NaN/Infinity and runaway nesting refused."""
    try:
        return json.loads(value, parse_constant=_not_json)
    except RecursionError:
        raise ArgError(f"argument {name} nests too deeply to be read") from None
    except ValueError:
        raise ArgError(f"argument {name} should be {expected}, got {short_repr(value)}") from None


def read_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_TEXT + FALSE_TEXT:
        return value.strip().lower() in TRUE_TEXT
    raise ArgError(f'argument {name} should be true or false (or "true"/"false"), got {short_repr(value)}')


def read_int(name: str, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ArgError(f"argument {name} should be a whole number, got {short_repr(value)}")


def read_str(name: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ArgError(f"argument {name} should be text, got {short_repr(value)}")


def read_id(name: str, value: Any) -> str:
    try:
        return parse_id(value, f"argument {name}")
    except ValueError as exc:
        raise ArgError(str(exc)) from None


def read_ids(name: str, value: Any) -> list[str]:
    """A JSON list of ids, or the same as text: '[1, 2]' or '1,2' or '1'."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            value = _json_text(name, text, "a list of ids")
        else:
            value = [part.strip() for part in text.split(",") if part.strip()]
    elif isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):  # an object would be read as its keys
        raise ArgError(f'argument {name} should be a list of ids (["1", "2"], or text "1,2"), got {short_repr(value)}')
    try:
        return parse_ids(value, f"argument {name}")
    except ValueError as exc:
        raise ArgError(str(exc)) from None


def read_object(name: str, value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = _json_text(name, value.strip(), "a JSON object")
    if isinstance(value, dict):
        return value
    raise ArgError(f"argument {name} should be a JSON object, got {short_repr(value)}")


def read_objects(name: str, value: Any) -> list[dict[str, Any]]:
    if isinstance(value, str):
        value = _json_text(name, value.strip(), "a JSON list of objects")
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return value
    raise ArgError(f"argument {name} should be a list of JSON objects, got {short_repr(value)}")


READERS = {
    "bool": read_bool,
    "int": read_int,
    "str": read_str,
    "id": read_id,
    "ids": read_ids,
    "object": read_object,
    "objects": read_objects,
}


@dataclass(frozen=True)
class Param:
    """A named argument: how to read it (a key of READERS) and whether it must be given."""

    name: str
    kind: str
    required: bool = True


def read_params(params: tuple[Param, ...], given: dict[str, Any], what: str) -> dict[str, Any]:
    """Read `given` against `params`: unknown names and missing required ones are errors."""
    known = {p.name for p in params}
    unknown = sorted(set(given) - known)
    if unknown:
        takes = ", ".join(p.name if p.required else f"{p.name} (optional)" for p in params) or "nothing"
        named = ", ".join(shortened(name) for name in unknown[:UNKNOWN_SHOWN])
        more = f" and {len(unknown) - UNKNOWN_SHOWN} more" if len(unknown) > UNKNOWN_SHOWN else ""
        raise ArgError(f"{what} does not take {named}{more}; it takes: {takes}")
    missing = [p.name for p in params if p.required and given.get(p.name) is None]
    if missing:
        raise ArgError(f"{what} needs {', '.join(missing)}")
    return {p.name: READERS[p.kind](p.name, given[p.name]) for p in params if given.get(p.name) is not None}


def read_choices(text: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    """A comma-separated choice of `allowed` (at least one; repeats dropped, order kept); ArgError
    naming `what` and what may be chosen otherwise."""
    chosen = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    if not chosen or any(c not in allowed for c in chosen):
        raise ArgError(f"{what} {short_repr(text)}: choose from {', '.join(allowed)} (comma-separated)")
    return chosen
