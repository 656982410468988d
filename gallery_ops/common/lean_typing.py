"""The few names of `typing` that the plugin's classes need when the code runs, without importing
`typing` (standard library only).

Why: `import typing` costs about 4 ms of CPU on the development machine, and 8-10 ms with what it
imports (`re`, `enum`, `contextlib`, `warnings`), of a task process that spends some 30 ms before its
first request, a hook or a page action as much (docs/architecture.md, "The runtime"). Every module
reads its annotations as text (`from __future__ import annotations`) and imports typing's names
for type checking only (`if TYPE_CHECKING:`); what a class statement or a decorator needs when the
module runs comes from here. Type checkers read typing's own names (the `TYPE_CHECKING` branch
below), so the contracts they check are typing's; at run time each name does the part the plugin
uses, the same way:

- `NamedTuple`: a class declared with it is `collections.namedtuple` of its annotated fields (the
  defaults of those that have one), with the class's own methods and docstring, as typing makes it;
- `Protocol`: a plain base class (a contract for the type checker; nothing checks it at run time);
- `TypedDict`: a class declared with it makes plain dicts, as typing's does;
- `dataclass_transform`, `overload`: decorators that leave what they decorate as it is (they tell
  the type checker about it; typing's keep a note nothing reads, and overload's stubs are replaced
  by the function that follows them either way).

The record models' `Annotated` and `Literal` are stash/record.py's, which reads them.
"""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import (
        NamedTuple as NamedTuple,
        Protocol as Protocol,
        TypedDict as TypedDict,
        dataclass_transform as dataclass_transform,
        overload as overload,
    )
else:

    class _NamedTupleClass(type):
        """`class P(NamedTuple): x: int; y: int = 0` makes collections.namedtuple("P", ["x", "y"],
        defaults=[0]), then puts on it what else the class body defines (methods, docstring)."""

        def __new__(cls, name, bases, namespace):
            fields = list(namespace.get("__annotations__", {}))
            defaults = [namespace[field] for field in fields if field in namespace]
            made = namedtuple(name, fields, defaults=defaults, module=namespace["__module__"])
            made.__annotations__ = namespace.get("__annotations__", {})
            for key, value in namespace.items():
                if key not in fields and key not in ("__module__", "__annotations__"):
                    setattr(made, key, value)
            return made

    NamedTuple = type.__new__(_NamedTupleClass, "NamedTuple", (), {})

    class Protocol:
        __slots__ = ()

    class _TypedDictClass(type):
        def __call__(cls, *args, **kwargs):
            return dict(*args, **kwargs)

    class TypedDict(metaclass=_TypedDictClass):
        def __init_subclass__(cls, total=True, **kwargs):
            super().__init_subclass__(**kwargs)

    def dataclass_transform(**kwargs):
        return lambda decorated: decorated

    def overload(function):
        return function
