"""Ids as Stash wants them: strings of digits (ints accepted and converted), standard library only."""

from __future__ import annotations

from .errors import short_repr

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def to_id(value: Any) -> str:
    if type(value) is str and value.isdigit() and value.isascii():  # the usual case: digits as Stash sends them
        return value
    if isinstance(value, bool):
        raise ValueError(f"an id is an integer, got {short_repr(value)}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"an id is a non-negative integer, got {value}")
        return str(value)
    if isinstance(value, str) and (digits := value.strip()).isdigit() and digits.isascii():  # (0-9 only)
        return digits
    raise ValueError(f"an id is an integer (or a string holding one), got {short_repr(value)}")


def parse_id(value: Any, what: str = "id") -> str:
    """One id as Stash wants it (a string of digits); ValueError naming `what` otherwise."""
    try:
        return to_id(value)
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from None


def parse_ids(values: Any, what: str = "ids") -> list[str]:
    """A list of ids, order kept and duplicates dropped; ValueError naming `what` otherwise."""
    if isinstance(values, str | int) or values is None:
        raise ValueError(f"{what} must be a list of ids, got {short_repr(values)}")
    # dict keys keep the order and drop duplicates in linear time (a list's `in` made 20k ids take a minute)
    return list(dict.fromkeys(parse_id(value, what) for value in values))
