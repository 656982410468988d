"""Ids held as 8-byte integers (Sync's writes of big galleries); a module of its own: only the runs
that hold many ids load `array` (its import costs a process half a MiB of memory)."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence

from .lean_typing import overload


class Ids(Sequence[str]):
    """Ids kept as 8-byte integers and read as the strings Stash sends ("12"): a sequence of id
    strings that costs 8 bytes an id. A big gallery's write names every one of its images (20,000
    ids held as strings are 1.2 MiB, as integers here 160 KiB), so a plan keeps them this way and
    the text of each id is made only when its request is.

    Immutable; equal to another Ids or to the tuple of the same strings (and hashed as that tuple),
    so it stands where a tuple of ids would. Only non-negative integers are taken (what an id of
    Stash is), so every string it gives is one Stash accepts as an ID."""

    __slots__ = ("_values",)

    def __init__(self, values: Iterable[int] = ()) -> None:
        held = array("q", values)  # (a copy: no one else can change it afterwards)
        if held and min(held) < 0:
            raise ValueError(f"an id is a non-negative integer, got {min(held)}")
        self._values = held

    @classmethod
    def taking(cls, held: array[int]) -> Ids:
        """The Ids of an array its caller hands over (it keeps no use of it: a fold's array, or a slice
        of one, once planned), without the copy __init__ makes; checked as __init__ checks."""
        if held and min(held) < 0:
            raise ValueError(f"an id is a non-negative integer, got {min(held)}")
        ids = cls.__new__(cls)
        ids._values = held
        return ids

    def __len__(self) -> int:
        return len(self._values)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Ids: ...

    def __getitem__(self, index: int | slice) -> str | Ids:
        if isinstance(index, slice):
            return Ids(self._values[index])
        return str(self._values[index])

    def __iter__(self) -> Iterator[str]:
        return map(str, self._values)

    def __contains__(self, value: object) -> bool:
        if not (isinstance(value, str) and value.isdigit() and value.isascii()):
            return False
        number = int(value)
        return str(number) == value and number in self._values  # ("012" is no id Stash sends)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Ids):
            return self._values == other._values
        if isinstance(other, tuple):
            return len(other) == len(self._values) and tuple(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Ids({list(self._values)!r})"

    def json_items(self) -> bytes:
        """The ids as json.dumps writes the items of a list of their strings (`"1", "2"`, nothing
        when there is none), made from the integers at once: each is a valid id already, so a write's
        ids need no check of their own (models.image_update_json)."""
        if not self._values:
            return b""
        return ('"' + '", "'.join(map(str, self._values)) + '"').encode()
