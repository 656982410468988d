"""Plain data classes for the full path, without the cost of `dataclasses` (standard library only).

The part of the `dataclasses` API the plugin uses, the same behaviour: `@dataclass` and
`@dataclass(frozen=True)`; fields declared as annotations (ClassVar ones are not fields), with a
default or `field(default=..., default_factory=..., kw_only=..., compare=..., repr=...)`; an
`__init__` taking the fields in order (kw_only ones by keyword only), `__repr__`, `__eq__` (same
class, compared fields), `__hash__` for frozen classes (none for the others), FrozenInstanceError on
assignment to a frozen one; `replace(obj, **changes)`. A method the class defines itself is kept.

Why: `dataclasses` imports `inspect` (with `ast`, `dis`, `tokenize`) and compiles the methods of
every class from source when the class is made, about 0.7 ms a class. A gallery page action's
process makes some forty of them before its first request, and the page waits for it
(docs/ui.md): here a class's methods are the same few functions for every class, reading the
class's field list, so making one costs a few microseconds. An instance is made a little slower
than by a generated `__init__`, which matters less than the start (bench/RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Callable

from .lean_typing import dataclass_transform, overload

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")
    C = TypeVar("C", bound=type)

_MISSING: Any = object()


class FrozenInstanceError(AttributeError):
    """An assignment to (or a deletion of) a field of a frozen data class."""


class Field:
    """What field(...) declares: a default (or a factory making one), and where the field takes part."""

    __slots__ = ("compare", "default", "default_factory", "kw_only", "name", "repr")

    def __init__(
        self, default: Any, default_factory: Callable[[], Any] | None, kw_only: bool, compare: bool, repr: bool
    ) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.kw_only = kw_only
        self.compare = compare
        self.repr = repr


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | None = None,
    kw_only: bool = False,
    compare: bool = True,
    repr: bool = True,
) -> Any:
    """A field's default (or factory) and options, as dataclasses.field takes them."""
    return Field(default, default_factory, kw_only, compare, repr)


def _fields_of(cls: type) -> dict[str, Field]:
    """The class's fields in order: its bases' first (a field declared again keeps its place)."""
    fields: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        fields.update(base.__dict__.get("__plain_fields__", {}))
    for name, annotation in vars(cls).get("__annotations__", {}).items():
        if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
            continue
        value = cls.__dict__.get(name, _MISSING)
        if isinstance(value, Field):
            spec = value
            if spec.default is _MISSING:
                delattr(cls, name)  # (a factory's field has no class attribute, as with dataclasses)
            else:
                setattr(cls, name, spec.default)
        else:
            spec = Field(value, None, False, True, True)
        if spec.default is not _MISSING and type(spec.default).__hash__ is None:
            # one list, dict or set shared by every instance (dataclasses refuses it the same way)
            raise ValueError(
                f"mutable default {type(spec.default)} for field {name} is not allowed: use default_factory"
            )
        spec.name = name
        fields[name] = spec
    return fields


def _make_init(fields: dict[str, Field]) -> Callable[..., None]:
    """The class's __init__: the values given, then a factory's default for each field not given; a
    plain default is not copied into the instance (it reads the class attribute, as it would after
    dataclasses' __init__ set it: the same value), which keeps making an instance cheap."""
    positional = tuple(name for name, spec in fields.items() if not spec.kw_only)
    factories = tuple((name, spec.default_factory) for name, spec in fields.items() if spec.default_factory)
    required = tuple(name for name, spec in fields.items() if spec.default_factory is None and spec.default is _MISSING)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(positional):
            raise TypeError(f"{type(self).__name__}() takes {len(positional)} positional arguments, got {len(args)}")
        values = self.__dict__
        if args:
            values.update(zip(positional, args, strict=False))
        if kwargs:
            for name in kwargs:
                if name not in fields or name in values:
                    raise TypeError(f"{type(self).__name__}() got an unexpected or repeated argument {name!r}")
            values.update(kwargs)
        for name, factory in factories:
            if name not in values:
                values[name] = factory()
        for name in required:
            if name not in values:
                raise TypeError(f"{type(self).__name__}() missing the argument {name!r}")

    return __init__


def _make_repr(fields: dict[str, Field]) -> Callable[[Any], str]:
    shown = [name for name, spec in fields.items() if spec.repr]

    def __repr__(self: Any) -> str:
        return f"{type(self).__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in shown)})"

    return __repr__


def _make_eq(compared: list[str]) -> Callable[[Any, object], bool]:
    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in compared)

    return __eq__


def _make_hash(compared: list[str]) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:
        return hash(tuple(getattr(self, n) for n in compared))

    return __hash__


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _process(cls: C, frozen: bool) -> C:
    fields = _fields_of(cls)
    cls.__plain_fields__ = fields  # type: ignore[attr-defined]  # what replace() and subclasses read
    compared = [name for name, spec in fields.items() if spec.compare]
    own = cls.__dict__
    methods: dict[str, Any] = {
        "__init__": _make_init(fields),
        "__repr__": _make_repr(fields),
        "__eq__": _make_eq(compared),
    }
    if frozen:
        methods.update(__setattr__=_frozen_setattr, __delattr__=_frozen_delattr, __hash__=_make_hash(compared))
    for name, method in methods.items():
        if name not in own or (name == "__hash__" and own[name] is None):
            setattr(cls, name, method)
    if not frozen and "__hash__" not in own:
        cls.__hash__ = None  # type: ignore[assignment]  # compared by value and mutable: unhashable
    return cls


@overload
def dataclass(cls: C, /) -> C: ...


@overload
def dataclass(*, frozen: bool = False) -> Callable[[C], C]: ...


@dataclass_transform(field_specifiers=(field, Field))
def dataclass(cls: C | None = None, /, *, frozen: bool = False) -> C | Callable[[C], C]:
    """The class as a data class (see the module's docstring)."""
    if cls is not None:
        return _process(cls, frozen)
    return lambda made: _process(made, frozen)


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of the data class instance `obj` with some fields changed (as dataclasses.replace)."""
    fields: dict[str, Field] = type(obj).__plain_fields__  # type: ignore[attr-defined]
    for name in changes:
        if name not in fields:
            raise TypeError(f"{type(obj).__name__} has no field {name!r}")
    values = {name: getattr(obj, name) for name in fields}
    values.update(changes)
    keyword = {name: values.pop(name) for name, spec in fields.items() if spec.kw_only}
    made: T = type(obj)(*values.values(), **keyword)
    return made
