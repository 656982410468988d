"""common/plain.py against the standard library's dataclasses, on the part of the API it claims.

plain.dataclass stands in for dataclasses.dataclass on the full path (a page action's process
must not pay for `inspect` and a compiled __init__ per class). Every class here is declared twice,
once with each, and must behave the same: what __init__ takes and refuses, defaults and factories,
repr, equality, hashing, frozen assignment, replace; and a mutable default is refused as
dataclasses refuses it (one list shared by every instance is a bug that loses data quietly).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ClassVar

import pytest

from gallery_ops.common import plain

Maker = Callable[..., Any]


def _point(dataclass: Maker, field: Maker) -> type:
    @dataclass
    class Point:
        kind: ClassVar[str] = "point"  # not a field
        x: int
        y: int = 0
        tags: list[str] = field(default_factory=list)
        note: str = field(default="", compare=False, repr=False)
        label: str = field(default="p", kw_only=True)

    return Point


def _frozen(dataclass: Maker, field: Maker) -> type:
    @dataclass(frozen=True)
    class Pin:
        name: str
        size: int = 1

    return Pin


BOTH = pytest.mark.parametrize(
    ("dataclass", "field", "replace", "frozen_error"),
    [
        (dataclasses.dataclass, dataclasses.field, dataclasses.replace, dataclasses.FrozenInstanceError),
        (plain.dataclass, plain.field, plain.replace, plain.FrozenInstanceError),
    ],
    ids=["dataclasses", "plain"],
)


@BOTH
def test_init_takes_fields_in_order_keywords_and_defaults(
    dataclass: Maker, field: Maker, replace: Maker, frozen_error: type
) -> None:
    point = _point(dataclass, field)
    a = point(1, 2, label="q")
    assert (a.x, a.y, a.tags, a.note, a.label) == (1, 2, [], "", "q")
    b = point(x=3)
    assert (b.x, b.y, b.label) == (3, 0, "p")
    assert a.tags is not b.tags  # a factory makes one per instance
    assert point.kind == "point"


@BOTH
def test_init_refuses_what_dataclasses_refuses(
    dataclass: Maker, field: Maker, replace: Maker, frozen_error: type
) -> None:
    point = _point(dataclass, field)
    with pytest.raises(TypeError):
        point()  # x is required
    with pytest.raises(TypeError):
        point(1, 2, [], "n", "too many")  # label is keyword-only
    with pytest.raises(TypeError):
        point(1, x=1)  # given twice
    with pytest.raises(TypeError):
        point(1, z=1)  # not a field
    with pytest.raises(TypeError):
        point(1, kind="ClassVar")  # a ClassVar is not a field


@BOTH
def test_repr_and_equality_follow_the_fields_options(
    dataclass: Maker, field: Maker, replace: Maker, frozen_error: type
) -> None:
    point = _point(dataclass, field)
    assert repr(point(1, note="hidden")).endswith("Point(x=1, y=0, tags=[], label='p')")
    assert point(1, note="a") == point(1, note="b")  # note is left out of the comparison
    assert point(1) != point(2)
    assert point(1, tags=["a"]) != point(1)
    with pytest.raises(TypeError):
        hash(point(1))  # compared by value and mutable: unhashable


@BOTH
def test_frozen_refuses_assignment_and_hashes_by_value(
    dataclass: Maker, field: Maker, replace: Maker, frozen_error: type
) -> None:
    pin = _frozen(dataclass, field)
    a = pin("a")
    with pytest.raises(frozen_error):
        a.size = 2
    with pytest.raises(frozen_error):
        del a.name
    assert hash(a) == hash(pin("a", 1))
    assert {a, pin("a")} == {a}
    assert issubclass(frozen_error, AttributeError)


@BOTH
def test_replace_copies_with_changes_and_refuses_unknown_fields(
    dataclass: Maker, field: Maker, replace: Maker, frozen_error: type
) -> None:
    point = _point(dataclass, field)
    a = point(1, 2, ["t"], label="q")
    b = replace(a, y=5)
    assert (b.x, b.y, b.tags, b.label) == (1, 5, ["t"], "q")
    assert a.y == 2
    assert replace(_frozen(dataclass, field)("a"), size=3).size == 3
    with pytest.raises(TypeError):
        replace(a, z=1)


@BOTH
def test_a_subclass_adds_its_fields_after_its_bases(
    dataclass: Maker, field: Maker, replace: Maker, frozen_error: type
) -> None:
    @dataclass
    class Base:
        a: int
        b: int = 2

    @dataclass
    class Child(Base):
        c: int = 3

    child = Child(1, c=4)
    assert (child.a, child.b, child.c) == (1, 2, 4)
    assert repr(child).endswith("Child(a=1, b=2, c=4)")


@BOTH
def test_a_method_the_class_defines_is_kept(dataclass: Maker, field: Maker, replace: Maker, frozen_error: type) -> None:
    @dataclass
    class Named:
        name: str

        def __repr__(self) -> str:
            return f"<{self.name}>"

    assert repr(Named("x")) == "<x>"


@BOTH
@pytest.mark.parametrize("default", [[], {}, set()], ids=["list", "dict", "set"])
def test_a_mutable_default_is_refused(
    dataclass: Maker, field: Maker, replace: Maker, frozen_error: type, default: Any
) -> None:
    """One list shared by every instance: what dataclasses refuses (use a default_factory)."""
    with pytest.raises(ValueError, match="default_factory"):

        @dataclass
        class Shared:
            items: Any = default

    with pytest.raises(ValueError, match="default_factory"):

        @dataclass
        class SharedByField:
            items: Any = field(default=default)
