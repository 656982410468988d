"""The base of the stash layer's models (stash/models.py): typed records checked by their annotations.

The standard library only, without `typing` when the code runs: the models' `Annotated[...]` and
`Literal[...]` are this module's own forms then (typing's for the type checker; common/lean_typing.py
says why), and typing's forms are read too where a module imported typing. Why not pydantic is told
in docs/architecture.md, "The runtime" (its import alone costs more than a whole new-gallery hook).

What a record is:
- fields are declared as annotations with defaults (`title: str | None = None`), in the order of
  the class and its bases; a record is made by keyword (`Gallery(id="1")`) or from a dict
  (`Gallery.model_validate(answer)`);
- a field not given is *unset* (not in `model_fields_set`), which is not the same as null: an
  output model holds what a query selected, and an input sends a field when it is set, and only
  then (the rule that keeps a person's data from being overwritten by what nobody asked to send);
- every given value is checked by its annotation, strictly: `str` takes text only, `int` integers
  but not booleans, `float` numbers, `bool` only true or false, `None` only null; `Literal[...]`
  one of its values; `list[X]` and `dict[str, X]` each item; a record type a dict (checked as that
  record) or such a record; `Annotated[X, Before(f)]` runs `f` on the given value first (it may
  normalise it, or raise ValueError), `After(f)` on the checked one, `Bounds(ge, le)` limits a
  number. Unknown keys are ignored, or refused with `extra="forbid"`;
- `frozen=True` refuses assignment; `validate_assignment=True` checks an assigned value as a given
  one (and marks the field set); a record with neither takes an assigned value as it is;
- model-level checks: `check_data` (a classmethod, before the fields) and `check_record` (after);
- every problem is reported at once in one RecordError (a ValueError) whose `errors()` are
  `{"loc": (...), "msg": ...}`, so a caller can say "where: what" on one line (models.py).

How it stays fast on a page of 250 galleries and their images: a class's checkers are built on its
first use (not at import: a run builds only the ones it reads): one per field, run by one loop;
once a class has checked GENERATE_AFTER records, one generated function that walks the keys given
(an answer holds the few fields its query selected), checks the plain ones inline and calls the
prepared checker of each list, dict or nested record, and hands anything wrong to the loop, which
says every problem (compiling it costs a run that reads one gallery more than it saves). A list of
records is made in one loop (`_records`). Only the fields set live in the instance's `__dict__`;
an unset field reads its default from the class.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

from ..common.errors import short_repr
from ..common.lean_typing import dataclass_transform

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar, TypeVar

    R = TypeVar("R", bound="Record")
    T = TypeVar("T")

# -- the messages of the checks, in one place ----------------------------------------------------
EXTRA_FIELD = "Extra inputs are not permitted"  # (the words pydantic used, which callers may quote)
REQUIRED = "is required"
FROZEN = "cannot be changed (the record is frozen: make a new one)"
KINDS = {str: "text", int: "an integer", float: "a number", bool: "true or false", type(None): "null"}


def should_be(what: str, value: Any) -> str:
    return f"should be {what}, got {short_repr(value)}"


def at_least(bound: int, value: Any) -> str:
    return f"should be at least {bound}, got {short_repr(value)}"


def at_most(bound: int, value: Any) -> str:
    return f"should be at most {bound}, got {short_repr(value)}"


def not_a_field(model: str) -> str:
    return f"is not a field of {model}"


class RecordError(ValueError):
    """What was wrong with the values given to a record: `errors()` lists each problem as
    {"loc": (field, index or key, ...), "msg": "..."}; str() says them all on one line."""

    def __init__(self, model: str, errors: list[dict[str, Any]]) -> None:
        self.model = model
        self._errors = errors
        where = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in errors)
        super().__init__(f"{model}: {where}" if model else where)

    def errors(self) -> list[dict[str, Any]]:
        return list(self._errors)

    def at(self, place: str | int) -> list[dict[str, Any]]:
        """The errors as seen from the container: their places below `place`."""
        return [{"loc": (place, *e["loc"]), "msg": e["msg"]} for e in self._errors]


def _problem(msg: str) -> RecordError:
    return RecordError("", [{"loc": (), "msg": msg}])


def _should_be(what: str, value: Any) -> RecordError:
    return _problem(should_be(what, value))


# -- what an annotation may carry besides its type -------------------------------------------------
class Before:
    """Annotated[X, Before(f)]: f(value) runs on the given value before it is checked as X (it may
    return it normalised, or raise ValueError with the problem)."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function


class After:
    """Annotated[X, After(f)]: f(value) runs on the value once checked as X."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function


class Bounds:
    """Annotated[int | None, Bounds(ge=0, le=100)]: the number's limits (null passes)."""

    def __init__(self, ge: int | None = None, le: int | None = None) -> None:
        self.ge = ge
        self.le = le


class _Factory:
    """A field's default made anew for each read while the field is unset (a list default is never shared)."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self.factory = factory

    def __get__(self, record: object, owner: type) -> Any:
        return self if record is None else self.factory()


def field(*, default_factory: Callable[[], T]) -> T:
    """A field whose default is made by `default_factory` (`ids: list[str] = field(default_factory=list)`)."""
    return _Factory(default_factory)  # type: ignore[return-value]  # the descriptor stands for the value


# -- an annotation's form: typing's names for the type checker, these when the code runs -----------
class _Special:
    """Annotated, Literal and Union as the models use them when the code runs. Type checkers read
    typing's (imported for them only: common/lean_typing.py says why typing is not imported)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getitem__(self, args: Any) -> _Form:
        return _Form(self, args if isinstance(args, tuple) else (args,))

    def __repr__(self) -> str:
        return self.name


class _Form:
    """`Annotated[X, extra, ...]` (its args: X, then the extras), `Literal[value, ...]` (the values),
    or a union made with `|` of such a form and other types (the members, None as type(None))."""

    __slots__ = ("args", "origin")

    def __init__(self, origin: _Special, args: tuple[Any, ...]) -> None:
        self.origin = origin
        self.args = args

    def __or__(self, other: Any) -> _Form:
        return _union_of(self, other)

    def __ror__(self, other: Any) -> _Form:
        return _union_of(other, self)

    def __repr__(self) -> str:
        return f"{self.origin!r}[{', '.join(repr(arg) for arg in self.args)}]"


_UNION = _Special("Union")
_UnionType: Any = type(int | None)  # `X | Y` of types (types.UnionType)
_GenericAlias: Any = type(list[int])  # list[X], dict[K, V] (types.GenericAlias)
if not TYPE_CHECKING:
    Annotated, Literal, Union = _Special("Annotated"), _Special("Literal"), _UNION
else:
    from typing import Annotated as Annotated, Literal as Literal, Union


def _union_of(*members: Any) -> _Form:
    """A union of `members` (unions in it flattened, each member once), as typing makes one."""
    flat: list[Any] = []
    for member in members:
        if isinstance(member, _Form) and member.origin is _UNION:
            found = member.args
        elif type(member) is _UnionType:
            found = member.__args__
        else:
            found = (type(None) if member is None else member,)
        flat += [each for each in found if each not in flat]
    return _Form(_UNION, tuple(flat))


def _parts(annotation: Any) -> tuple[Any, tuple[Any, ...]]:
    """(origin, args) of an annotation, as typing.get_origin and get_args give them, with
    Annotated, Literal and Union (of any kind) standing for the forms of record's names and
    typing's alike; (None, ()) for a type that takes no arguments."""
    if isinstance(annotation, _Form):
        return annotation.origin, annotation.args
    if type(annotation) is _UnionType:
        return Union, annotation.__args__
    if type(annotation) is _GenericAlias:
        return annotation.__origin__, annotation.__args__
    typing = sys.modules.get("typing")  # (typing's forms exist only where a module imported typing)
    origin = None if typing is None else typing.get_origin(annotation)
    if typing is None or origin is None:
        return None, ()
    if origin is typing.Annotated:
        origin = Annotated
    elif origin is typing.Literal:
        origin = Literal
    elif origin is typing.Union or origin is _UnionType:
        origin = Union
    return origin, typing.get_args(annotation)


def get_origin(annotation: Any) -> Any:
    return _parts(annotation)[0]


def get_args(annotation: Any) -> tuple[Any, ...]:
    return _parts(annotation)[1]


def _is_any(annotation: Any) -> bool:
    """Whether the annotation is typing.Any (only a module that imported typing can name it)."""
    typing = sys.modules.get("typing")
    return typing is not None and annotation is typing.Any


# -- checkers: value -> checked value, or RecordError ---------------------------------------------
if TYPE_CHECKING:
    Check = Callable[[Any], Any]


def _scalar(kind: type, nullable: bool = False) -> Check:
    """text, an integer (no boolean), a number (an integer made a float) or true/false; or null too."""
    what = KINDS[kind] + (" or null" if nullable else "")
    if kind is int:

        def check_int(value: Any) -> Any:
            if (isinstance(value, int) and not isinstance(value, bool)) or (nullable and value is None):
                return value
            raise _should_be(what, value)

        return check_int
    if kind is float:

        def check_float(value: Any) -> Any:
            if isinstance(value, float) or (nullable and value is None):
                return value
            if isinstance(value, int) and not isinstance(value, bool):
                return float(value)
            raise _should_be(what, value)

        return check_float

    def check(value: Any) -> Any:
        if isinstance(value, kind) or (nullable and value is None):
            return value
        raise _should_be(what, value)

    return check


def _optional(inner: Check) -> Check:
    def check(value: Any) -> Any:
        return None if value is None else inner(value)

    return check


def _literal(values: tuple[Any, ...]) -> Check:
    allowed = set(values)
    kinds = {type(v) for v in values}  # (True == 1: a bool is not the literal 1)
    what = "one of " + ", ".join(repr(v) for v in values)

    def check(value: Any) -> Any:
        if type(value) in kinds and value in allowed:
            return value
        raise _should_be(what, value)

    return check


def _list(item: Check) -> Check:
    def check(value: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise _should_be("a list", value)
        try:
            return [item(v) for v in value]
        except RecordError:
            pass
        errors: list[dict[str, Any]] = []
        for n, v in enumerate(value):
            try:
                item(v)
            except RecordError as exc:
                errors.extend(exc.at(n))
        raise RecordError("", errors)

    return check


def _dict(key: Check, item: Check) -> Check:
    def check(value: Any) -> Any:
        if not isinstance(value, dict):
            raise _should_be("an object", value)
        out: dict[Any, Any] = {}
        errors: list[dict[str, Any]] = []
        for k, v in value.items():
            try:
                out[key(k)] = item(v)
            except RecordError as exc:
                errors.extend(exc.at(k if isinstance(k, str | int) else repr(k)))
        if errors:
            raise RecordError("", errors)
        return out

    return check


def _union(kinds: tuple[type, ...], nullable: bool) -> Check:
    """A union of plain types (str | int | float, or null too): the value as it is when it is one of them."""
    what = " or ".join(KINDS[k] for k in kinds) + (" or null" if nullable else "")
    numbers = bool({int, float} & set(kinds)) and bool not in kinds

    def check(value: Any) -> Any:
        if (isinstance(value, kinds) and not (numbers and isinstance(value, bool))) or (nullable and value is None):
            return value
        raise _should_be(what, value)

    return check


def _annotated(inner: Check, extras: tuple[Any, ...]) -> Check:
    befores = [e.function for e in extras if isinstance(e, Before)]
    afters = [e.function for e in extras if isinstance(e, After)]
    bounds = [e for e in extras if isinstance(e, Bounds)]

    def check(value: Any) -> Any:
        try:
            for function in befores:
                value = function(value)
        except ValueError as exc:
            raise _problem(str(exc)) from None
        value = inner(value)
        for limit in bounds:
            if value is not None and limit.ge is not None and value < limit.ge:
                raise _problem(at_least(limit.ge, value))
            if value is not None and limit.le is not None and value > limit.le:
                raise _problem(at_most(limit.le, value))
        try:
            for function in afters:
                value = function(value)
        except ValueError as exc:
            raise _problem(str(exc)) from None
        return value

    return check


def _record(kind: type[Record], nullable: bool = False) -> Check:
    def check(value: Any) -> Any:
        if type(value) is dict:
            return kind._from_dict(value)
        if isinstance(value, kind) or (nullable and value is None):
            return value
        raise _should_be(f"an object ({kind.__name__})", value)

    return check


def _records(kind: type[Record], nullable: bool = False) -> Check:
    """list[kind] (or null too): as _list(_record(kind)), in one loop that makes each record itself
    (a page holds thousands: a call less per record). At the first item that is not a plain dict
    of good values, the list is checked again by _list, which says what is wrong where."""
    each, new, set_dict = _list(_record(kind)), object.__new__, object.__setattr__

    def check(value: Any) -> Any:
        if type(value) is list and not (kind._checks_data or kind._checks_record):
            fields = kind._check_fields or kind._checkers()
            out = []
            try:
                for item in value:
                    if type(item) is not dict:
                        break
                    record = new(kind)
                    set_dict(record, "__dict__", fields(item))
                    out.append(record)
                else:
                    return out
            except RecordError:
                pass
        elif nullable and value is None:
            return None
        return each(value)

    return check


def _is_record(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Record)


def checker(annotation: Any) -> Check:
    """The checker of one annotation (resolved: no strings)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *extras = get_args(annotation)
        return _annotated(checker(inner), tuple(extras))
    if annotation in KINDS:
        return _scalar(annotation)
    if _is_any(annotation):
        return lambda value: value
    if _is_record(annotation):
        return _record(annotation)
    args = get_args(annotation)
    if origin is Literal:
        return _literal(args)
    if origin is list:
        return _records(args[0]) if _is_record(args[0]) else _list(checker(args[0]))
    if origin is dict:
        return _dict(checker(args[0]), checker(args[1]))
    if origin is Union or origin is type(int | None):
        others = tuple(a for a in args if a is not type(None))
        nullable = len(others) < len(args)
        if len(others) == 1 and others[0] in KINDS:
            return _scalar(others[0], nullable)
        if len(others) == 1 and nullable and _is_record(others[0]):
            return _record(others[0], nullable=True)
        if len(others) == 1 and nullable and get_origin(others[0]) is list and _is_record(get_args(others[0])[0]):
            return _records(get_args(others[0])[0], nullable=True)
        if len(others) == 1:
            return _optional(checker(others[0]))
        if all(a in KINDS for a in others):
            return _union(others, nullable)
    raise TypeError(f"a record field cannot be {annotation!r}")


# -- a record's fields checked: the same loop for every class, then generated code for a busy one ---
_MISSING: Any = object()
# Records of a class checked by the plain loop before its own checker is generated: compiling one
# costs about what checking a hundred records by the loop does, so a run that reads one gallery
# (a page action) compiles none, and a task reading pages of them compiles each once.
GENERATE_AFTER = 100


def _loop(cls: type[Record], checks: dict[str, Check]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """def check_fields(data) -> the checked values of the fields given, in the fields' order."""
    required, forbid, fields, model = cls._required, cls._forbid_extra, cls.model_fields, cls.__name__

    def check_fields(data: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        for name, check in checks.items():
            value = data.get(name, _MISSING)
            if value is _MISSING:
                if name in required:
                    errors.append({"loc": (name,), "msg": REQUIRED})
                continue
            try:
                out[name] = check(value)
            except RecordError as exc:
                errors.extend(exc.at(name))
        if forbid:
            errors += [{"loc": (key,), "msg": EXTRA_FIELD} for key in data if key not in fields]
        if errors:
            raise RecordError(model, errors)
        return out

    return check_fields


def _plain(annotation: Any) -> tuple[type, bool] | None:
    """(type, None allowed) when the annotation is a plain str/int/float/bool, or one or null."""
    if annotation in (str, int, float, bool):
        return annotation, False
    if get_origin(annotation) in (Union, type(int | None)):
        args = get_args(annotation)
        others = [a for a in args if a is not type(None)]
        if len(args) == 2 and len(others) == 1 and others[0] in (str, int, bool):
            return others[0], True
    return None


# The inline test of each plain kind (`v` the value), and its code in the generated checker.
_INLINE = {
    str: "isinstance(v, str)",
    int: "isinstance(v, int) and v is not True and v is not False",
    bool: "v is True or v is False",
}
_PLAIN_CODES = {(kind, nullable): 2 * n + nullable for n, kind in enumerate(_INLINE) for nullable in (False, True)}
_CALL = len(_PLAIN_CODES)  # the code of a field checked by its own checker
# The codes of a nested record made inline (R, R | None) and of a list of them (list[R], list[R] | None).
_RECORD, _RECORD_OR_NONE, _RECORDS, _RECORDS_OR_NONE = range(_CALL + 1, _CALL + 5)


def _nested(annotation: Any) -> tuple[int, type[Record]] | None:
    """(code, record class) when the field holds a record, or a list of them (or null too), of a
    class whose checks are its fields' only (no check_data or check_record to run)."""
    nullable = False
    if get_origin(annotation) in (Union, type(int | None)):
        args = get_args(annotation)
        others = [a for a in args if a is not type(None)]
        if len(args) != 2 or len(others) != 1:
            return None
        annotation, nullable = others[0], True
    many = get_origin(annotation) is list
    kind = get_args(annotation)[0] if many else annotation
    if not _is_record(kind) or kind._checks_data or kind._checks_record:
        return None
    codes = ((_RECORD, _RECORD_OR_NONE), (_RECORDS, _RECORDS_OR_NONE))
    return codes[many][nullable], kind


def _generate(
    cls: type[Record],
    hints: dict[str, Any],
    checks: dict[str, Check],
    loop: Callable[[dict[str, Any]], dict[str, Any]],
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """def check_fields(data) -> the checked values of the fields given.

    It walks the keys given, not the class's fields (an answer holds the few fields its query
    selected of a record's many): each key's code says how its value is checked, a plain one
    inline. At the first problem (a value of the wrong kind, a required field missing, an
    unknown key where they are forbidden) it hands the data to the loop, which says every
    problem, in the fields' order: what is accepted and what is said stay the loop's."""
    codes: dict[str, int] = {}
    kinds: dict[str, type[Record]] = {}  # the record class of each nested field
    for name in cls.model_fields:
        plain, nested = _plain(hints[name]), _nested(hints[name])
        if plain is not None and plain[0] in _INLINE:
            codes[name] = _PLAIN_CODES[plain]
        elif nested is not None:
            codes[name], kinds[name] = nested
        else:
            codes[name] = _CALL
    lines = ["def check_fields(data):", "    out = {}", "    for name, v in data.items():"]
    lines += [  # (`in` and a subscript: no method call per key)
        "        if name not in CODES:",
        "            return loop(data)" if cls._forbid_extra else "            continue",
        "        code = CODES[name]",
    ]
    branches = [
        (code, f"v is None or {_INLINE[kind]}" if nullable else _INLINE[kind])
        for (kind, nullable), code in _PLAIN_CODES.items()
    ]
    branches.sort(key=lambda branch: (not branch[0] % 2, branch[0]))  # (the nullable kinds first: the most common)
    for n, (code, test) in enumerate(branches):
        lines += [
            f"        {'if' if n == 0 else 'elif'} code == {code}:",
            f"            if {test}:",
            "                out[name] = v",
            "                continue",
        ]
    # a nested record (or a list of them) made here, without a call through its field's checker;
    # anything else (a record given as one, not a list, an item not a dict) goes to that checker
    lines += [
        f"        elif code > {_CALL}:",
        "            try:",
        f"                if v is None and (code == {_RECORD_OR_NONE} or code == {_RECORDS_OR_NONE}):",
        "                    out[name] = None",
        "                    continue",
        "                kind = KINDS[name]",
        "                fields = kind._check_fields or kind._checkers()",
        f"                if code < {_RECORDS}:",
        "                    if type(v) is dict:",
        "                        record = new(kind)",
        "                        set_dict(record, '__dict__', fields(v))",
        "                        out[name] = record",
        "                        continue",
        "                elif type(v) is list:",
        "                    made = []",
        "                    for item in v:",
        "                        if type(item) is not dict:",
        "                            break",
        "                        record = new(kind)",
        "                        set_dict(record, '__dict__', fields(item))",
        "                        made.append(record)",
        "                    else:",
        "                        out[name] = made",
        "                        continue",
        "                out[name] = CHECKS[name](v)",
        "                continue",
        "            except RecordError:",
        "                pass",
        "        else:",
        "            try:",
        "                out[name] = CHECKS[name](v)",
        "                continue",
        "            except RecordError:",
        "                pass",
        "        return loop(data)",
    ]
    lines += [
        f"    if {name!r} not in out:\n        return loop(data)" for name in cls.model_fields if name in cls._required
    ]
    lines.append("    return out")
    scope: dict[str, Any] = {
        "CODES": codes,
        "CHECKS": checks,
        "KINDS": kinds,
        "RecordError": RecordError,
        "loop": loop,
        "new": object.__new__,
        "set_dict": object.__setattr__,
    }
    exec("\n".join(lines), scope)  # our own text, built from the class's field names
    generated: Callable[[dict[str, Any]], dict[str, Any]] = scope["check_fields"]
    return generated


_EVALUATED: dict[tuple[str, str], Any] = {}  # (module, annotation text) -> what it names


def _field_types(cls: type[Record]) -> dict[str, Any]:
    """The types the record's fields are annotated with, Annotated's extras kept. Each annotation
    text is evaluated in its class's module once per run (typing.get_type_hints compiles every one
    anew: "str | None" a hundred times over the models)."""
    found: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        names: dict[str, Any] = vars(sys.modules[klass.__module__]) if klass.__module__ in sys.modules else {}
        for name, annotation in vars(klass).get("__annotations__", {}).items():
            if name not in cls.model_fields:
                continue  # (a ClassVar)
            if isinstance(annotation, str):
                key = (klass.__module__, annotation)
                if key not in _EVALUATED:
                    _EVALUATED[key] = eval(annotation, names)  # our own annotations, in their module
                annotation = _EVALUATED[key]
            found[name] = annotation
    return found


# -- the base --------------------------------------------------------------------------------------
@dataclass_transform(kw_only_default=True, field_specifiers=(field,))
class Record:
    """A typed record checked by its annotations (see the module's docstring).

    Class keywords: `extra="forbid"` (unknown keys refused; default "ignore"), `frozen=True`,
    `validate_assignment=True`; each is inherited unless a subclass says otherwise."""

    model_fields: ClassVar[dict[str, Any]] = {}  # name -> default (_MISSING: required), in order
    _required: ClassVar[frozenset[str]] = frozenset()
    _forbid_extra: ClassVar[bool] = False
    _frozen: ClassVar[bool] = False
    _validate_assignment: ClassVar[bool] = False
    _checks_data: ClassVar[bool] = False  # it overrides check_data
    _checks_record: ClassVar[bool] = False  # it overrides check_record
    _check_fields: ClassVar[Callable[[dict[str, Any]], dict[str, Any]] | None] = None
    _field_checks: ClassVar[dict[str, Check]] = {}

    def __init_subclass__(
        cls,
        *,
        extra: Literal["ignore", "forbid"] | None = None,
        frozen: bool | None = None,
        validate_assignment: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if extra is not None:
            cls._forbid_extra = extra == "forbid"
        if frozen is not None:
            cls._frozen = frozen
        if validate_assignment is not None:
            cls._validate_assignment = validate_assignment
        fields = dict(cls.model_fields)
        required = set(cls._required)
        for name, annotation in vars(cls).get("__annotations__", {}).items():  # (inspect costs an import)
            if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
                continue
            default = cls.__dict__.get(name, _MISSING)  # (a field(...) default stays: it makes the value)
            if default is _MISSING:
                required.add(name)  # (declared again without a default: required here too)
            else:
                required.discard(name)
            fields[name] = default
        cls.model_fields = fields
        cls._required = frozenset(required)
        cls._checks_data = cls.__dict__.get("check_data", None) is not None or cls._checks_data
        cls._checks_record = cls.check_record is not Record.check_record
        cls._check_fields = None  # built on first use (_checkers)

    # -- checking --------------------------------------------------------------------------------
    @classmethod
    def _checkers(cls) -> Callable[[dict[str, Any]], dict[str, Any]]:
        """The class's generated field checker (and its checker per field), built on first use:
        the annotations are resolved then, when every record they name exists."""
        if cls._check_fields is None:
            hints = _field_types(cls)
            checks = cls._field_checks = {name: checker(hints[name]) for name in cls.model_fields}
            loop, checked = _loop(cls, checks), [0]

            def check_fields(data: dict[str, Any]) -> dict[str, Any]:
                checked[0] += 1
                if checked[0] == GENERATE_AFTER:  # a busy class: its own checker from now on
                    cls._check_fields = _generate(cls, hints, checks, loop)
                return loop(data)

            cls._check_fields = check_fields
        return cls._check_fields

    @classmethod
    def check_data(cls, data: Any) -> Any:
        """A model-level check of the given data before the fields' (override; ValueError refuses)."""
        return data

    def check_record(self) -> None:
        """A model-level check of the record once its fields are checked (override; ValueError refuses)."""

    @classmethod
    def _from_dict(cls: type[R], data: dict[str, Any]) -> R:
        """The record of `data`, checked (the path every record takes: keep it short)."""
        if cls._checks_data:
            try:
                data = cls.check_data(data)
            except ValueError as exc:
                raise RecordError(cls.__name__, [{"loc": (), "msg": str(exc)}]) from None
            if not isinstance(data, dict):
                raise RecordError(cls.__name__, _should_be("an object", data).errors())
        record = object.__new__(cls)
        object.__setattr__(record, "__dict__", (cls._check_fields or cls._checkers())(data))
        if cls._checks_record:
            try:
                record.check_record()
            except ValueError as exc:
                raise RecordError(cls.__name__, [{"loc": (), "msg": str(exc)}]) from None
        return record

    def __init__(self, **data: Any) -> None:
        cls = type(self)
        if cls._checks_data or cls._checks_record:
            data = cls._from_dict(data).__dict__
        else:  # (_from_dict's path without making a record of its own: an input is made per write)
            data = (cls._check_fields or cls._checkers())(data)
        object.__setattr__(self, "__dict__", data)

    @classmethod
    def model_validate(cls: type[R], value: Any) -> R:
        """A record from a dict (checked), or the record itself when it is one already."""
        if isinstance(value, cls):
            return value
        if not isinstance(value, dict):
            raise RecordError(cls.__name__, _should_be(f"an object ({cls.__name__})", value).errors())
        return cls._from_dict(value)

    def __setattr__(self, name: str, value: Any) -> None:
        cls = type(self)
        if name not in cls.model_fields:
            raise AttributeError(f"{name} {not_a_field(cls.__name__)}")
        if cls._frozen:
            raise RecordError(cls.__name__, [{"loc": (name,), "msg": FROZEN}])
        if cls._validate_assignment:
            try:
                cls._checkers()
                value = cls._field_checks[name](value)
            except RecordError as exc:
                raise RecordError(cls.__name__, exc.at(name)) from None
            before = self.__dict__.get(name, _MISSING)
            self.__dict__[name] = value
            if cls._checks_record:
                try:
                    self.check_record()
                except ValueError as exc:
                    if before is _MISSING:
                        del self.__dict__[name]
                    else:
                        self.__dict__[name] = before
                    raise RecordError(cls.__name__, [{"loc": (), "msg": str(exc)}]) from None
            return
        self.__dict__[name] = value

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__}.{name} cannot be deleted")

    # -- reading -----------------------------------------------------------------------------------
    @property
    def model_fields_set(self) -> set[str]:
        """The fields given (or assigned): an unset field is not sent, and not the same as null."""
        return set(self.__dict__)

    def model_dump(
        self,
        *,
        mode: Literal["json", "python"] = "python",
        exclude_unset: bool = False,
        exclude_none: bool = False,
        include: set[str] | None = None,
    ) -> dict[str, Any]:
        """The record as a dict of plain values (the same in both modes: every value is JSON's
        already); nested records too, with the same exclusions; `include` limits the top level."""
        out: dict[str, Any] = {}
        for name in type(self).model_fields:
            if exclude_unset and name not in self.__dict__:
                continue
            if include is not None and name not in include:
                continue
            value = getattr(self, name)
            if exclude_none and value is None:
                continue
            out[name] = value if type(value) in _AS_THEY_ARE else _dumped(value, exclude_unset, exclude_none)
        return out

    def model_copy(self: R, *, update: dict[str, Any] | None = None) -> R:
        """A copy, with the fields of `update` set (checked as given ones)."""
        cls = type(self)
        copy = object.__new__(cls)
        values = dict(self.__dict__)
        if update:
            cls._checkers()
            checks = cls._field_checks
            errors: list[dict[str, Any]] = []
            for name, value in update.items():
                if name not in checks:
                    errors.append({"loc": (name,), "msg": not_a_field(cls.__name__)})
                    continue
                try:
                    values[name] = checks[name](value)
                except RecordError as exc:
                    errors.extend(exc.at(name))
            if errors:
                raise RecordError(cls.__name__, errors)
        object.__setattr__(copy, "__dict__", values)
        return copy

    def _values(self) -> Iterator[Any]:
        return (getattr(self, name) for name in type(self).model_fields)

    def __eq__(self, other: object) -> bool:
        """Every field's value equal (unset fields read their defaults); the same fields set to
        equal values are found in one comparison of the two dicts (in C: records of one answer are
        compared often, e.g. an image's tags with the image before's)."""
        if type(other) is not type(self):
            return NotImplemented
        if self.__dict__ == other.__dict__:
            return True
        return all(a == b for a, b in zip(self._values(), other._values(), strict=True))

    def __hash__(self) -> int:
        if not type(self)._frozen:
            raise TypeError(f"unhashable type: {type(self).__name__!r} (not frozen)")
        return hash((type(self), *(_hashable(v) for v in self._values())))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items())
        return f"{type(self).__name__}({shown})"


_AS_THEY_ARE = frozenset({str, int, float, bool, type(None)})  # values a dump keeps as they are


def _dumped(value: Any, exclude_unset: bool, exclude_none: bool) -> Any:
    if isinstance(value, Record):
        return value.model_dump(exclude_unset=exclude_unset, exclude_none=exclude_none)
    if isinstance(value, list):  # (a write's thousands of ids: no call per plain item)
        return [v if type(v) in _AS_THEY_ARE else _dumped(v, exclude_unset, exclude_none) for v in value]
    if isinstance(value, dict):
        return {k: _dumped(v, exclude_unset, exclude_none) for k, v in value.items()}
    return value


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _hashable(v)) for k, v in value.items())
    return value
