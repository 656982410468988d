"""Data classes with their own __init__ take what their fields declare.

plain.dataclass keeps an __init__ a class writes itself; the classes made by the thousand in a
bulk run do (a plan per gallery, a change per chapter or cover), since the generic one costs
several times more. Such an __init__ repeats the field list by hand: these tests find every one
in the package and check it against the declared fields, so a field added to the class and not
to its __init__ (or one in the wrong place) fails here rather than in a run.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest

import gallery_ops
from gallery_ops.common import plain


def _own_init_classes() -> list[type]:
    found: dict[str, type] = {}
    for module in pkgutil.walk_packages(gallery_ops.__path__, "gallery_ops."):
        for value in vars(importlib.import_module(module.name)).values():
            init = getattr(value, "__init__", None)
            if (
                isinstance(value, type)
                and "__plain_fields__" in vars(value)
                and getattr(init, "__qualname__", "") == f"{value.__qualname__}.__init__"
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


OWN = _own_init_classes()


def test_the_bulk_classes_are_found() -> None:
    names = {cls.__name__ for cls in OWN}
    assert {"GalleryPlan", "CreateChapter", "SetCover"} <= names


def _fields(cls: type) -> dict[str, plain.Field]:
    fields: dict[str, plain.Field] = cls.__plain_fields__  # type: ignore[attr-defined]
    return fields


@pytest.mark.parametrize("cls", OWN, ids=lambda cls: cls.__name__)
def test_own_init_takes_every_field_in_its_place(cls: type) -> None:
    fields = _fields(cls)
    values: dict[str, Any] = {name: (f"value of {name}",) for name in fields}
    positional = [values[name] for name, spec in fields.items() if not spec.kw_only]
    keywords = {name: values[name] for name, spec in fields.items() if spec.kw_only}
    made = cls(*positional, **keywords)
    assert {name: getattr(made, name) for name in fields} == values
    assert cls(**values) == made  # every field by keyword too
    assert plain.replace(made) == made


def _required(cls: type) -> set[str]:
    return {
        name for name, spec in _fields(cls).items() if spec.default is plain._MISSING and spec.default_factory is None
    }


# (GalleryPlan declares no default: its __init__ gives its own)
@pytest.mark.parametrize(
    "cls", [cls for cls in OWN if _fields(cls).keys() - _required(cls)], ids=lambda cls: cls.__name__
)
def test_own_init_gives_the_declared_defaults(cls: type) -> None:
    fields = _fields(cls)
    required = _required(cls)
    positional = [f"value of {name}" for name, spec in fields.items() if name in required and not spec.kw_only]
    keywords = {name: f"value of {name}" for name, spec in fields.items() if name in required and spec.kw_only}
    made = cls(*positional, **keywords)
    for name, spec in fields.items():
        if name not in required:
            wanted = spec.default_factory() if spec.default_factory is not None else spec.default
            assert getattr(made, name) == wanted, name


@pytest.mark.parametrize(
    "cls",
    [cls for cls in OWN if getattr(cls, "__setattr__", None) is plain._frozen_setattr],
    ids=lambda cls: cls.__name__,
)
def test_a_frozen_class_with_its_own_init_stays_frozen(cls: type) -> None:
    fields = _fields(cls)
    made = cls(**{name: f"value of {name}" for name in fields})
    with pytest.raises(plain.FrozenInstanceError):
        setattr(made, next(iter(fields)), "other")
    assert hash(made) == hash(cls(**{name: f"value of {name}" for name in fields}))
