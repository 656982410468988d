"""gqlparser's words: the parse, validation and variable errors Stash answers with.

Stash's gqlgen v0.17.73 parses and validates with github.com/vektah/gqlparser/v2 v2.5.27
(go.mod). The simulator parses and validates with graphql-core, whose rules are the same
graphql-js rules but whose messages quote names with single quotes and say more; this
module turns graphql-core's errors into gqlparser's, and checks variables as gqlparser
does (validator/vars.go), which graphql-core cannot be made to do:

- parse errors (parser/parser.go, lexer/token.go): `Expected Name, found <EOF>`, no
  "Syntax Error: " and no final dot; a token found is its kind (`}`, `Name`, `<EOF>`),
  an unexpected one its kind and its value (`Unexpected Name "foo"`).
- validation rules (validator/rules/*.go): graphql-js's texts with double quotes
  (`Cannot query field "bogus" on type "Gallery". Did you mean "tags"?`); ScalarLeafs
  names the field's named type, without a suggestion.
- variables (validator/vars.go VariableValues): the first problem only, as a message and
  a path `["variable", <name>, <field or index>...]`, no locations: `must be defined`,
  `cannot be null`, `unknown field`, `must be a <Input>, not a <kind>`, `cannot use
  <kind> as <Scalar>`, `<value> is not a valid <Enum>`, `enums must be ints or strings`.
  Request bodies are decoded with UseNumber: a number is a json.Number, whose kind is
  string, except that a top-level Int or Float variable is converted first (a failed
  conversion is `cannot use value 0 as Int`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    NamedTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    Undefined,
    type_from_ast,
    value_from_ast_untyped,
)

from .gqlgen import INT64_MAX, INT64_MIN, JsonFloat

PathItem = str | int


@dataclass(frozen=True)
class VariableError:
    """gqlerror.ErrorPathf: a message and a path, no locations."""

    message: str
    path: tuple[PathItem, ...]

    def to_json(self) -> dict[str, Any]:
        return {"message": self.message, "path": list(self.path)}


# -- parse errors --------------------------------------------------------------------------------
_PUNCTUATOR = re.compile(r"'(.+)'")


def _kind(desc: str) -> str:
    """A graphql-core token kind ("'}'", "Name", "<EOF>") as lexer.Type.String() prints it."""
    quoted = _PUNCTUATOR.fullmatch(desc)
    return quoted.group(1) if quoted else desc


def parse_message(description: str) -> str:
    """gqlparser's message for graphql-core's syntax error description."""
    expected = re.fullmatch(r"Expected (.+?), found (.+?)\.", description, re.S)
    if expected:
        wanted, found = expected.groups()
        wanted = '"' + wanted[1:-1] + '"' if wanted.startswith("'") and wanted[1:-1].isalpha() else _kind(wanted)
        return f"Expected {wanted}, found {_kind(found.split(' ', 1)[0])}"
    unexpected = re.fullmatch(r"Unexpected (<EOF>|'.+'|\w+)(?: (?:'(.*)'|(\".*\")))?\.", description, re.S)
    if unexpected:
        kind, single, double = unexpected.groups()
        value = single if single is not None else (double[1:-1] if double is not None else None)
        return f"Unexpected {_kind(kind)}" + (f' "{value}"' if value else "")
    return description


# -- validation errors ----------------------------------------------------------------------------
_NAME_QUOTED = re.compile(r"(?<![\w\"])'([^'\s\"]*)'(?!\w)")


def validation_message(message: str) -> str:
    """gqlparser's message for a graphql-core validation message."""
    leaf = re.fullmatch(r"Field '(\w+)' must not have a selection since type '([^']+)' has no subfields\.", message)
    if leaf:  # scalar_leafs.go names fieldType.Name: the named type, no list or non-null marks
        return (
            f'Field "{leaf.group(1)}" must not have a selection since type "{leaf.group(2).strip("[]!")}"'
            f" has no subfields."
        )
    suggestion = re.fullmatch(r"(.*) Did you mean '(\w+ \{ \.\.\. \})'\?", message, re.S)
    if suggestion:  # scalar_leafs.go Suggestf(`"%s { ... }"`)
        return _NAME_QUOTED.sub(r'"\1"', suggestion.group(1)) + f' Did you mean "{suggestion.group(2)}"?'
    return _NAME_QUOTED.sub(r'"\1"', message)


# -- variables (validator/vars.go) -----------------------------------------------------------------
class _Refused(Exception):
    def __init__(self, message: str, path: list[PathItem]) -> None:
        super().__init__(message)
        self.error = VariableError(message, tuple(path))


def _go_kind(value: Any, top_level_number: str | None = None) -> str:
    """reflect.Kind of a decoded JSON value (UseNumber: numbers are json.Number, a string kind)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return top_level_number or "string"
    kinds: dict[type, str] = {str: "string", dict: "map", list: "slice"}
    return kinds.get(type(value), type(value).__name__)


def _go_int_string(text: str) -> bool:
    """strconv.ParseInt(s, 10, 64) succeeds."""
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        return False
    return INT64_MIN <= int(text) <= INT64_MAX


def _go_float_string(text: str) -> bool:
    """strconv.ParseFloat(s, 64) succeeds (gqlgen.py has Go's grammar)."""
    from .gqlgen import _GO_FLOAT

    if not _GO_FLOAT.fullmatch(text):
        return False
    if text.lower().lstrip("+-").startswith("0x"):
        return True
    try:
        number = float(text)
    except ValueError:
        return False
    return not (number in (float("inf"), float("-inf")) and "inf" not in text.lower())


def _number_text(value: int | float) -> str:
    if isinstance(value, JsonFloat):
        return value.text
    return str(value) if isinstance(value, int) else repr(value)


def _check(type_: GraphQLInputType, value: Any, path: list[PathItem], top_level_number: str | None = None) -> None:
    """validateVarType: raises _Refused with the first problem."""
    non_null = isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(inner, GraphQLList):
        items = value if isinstance(value, list) else [value]
        element = inner.of_type
        for index, item in enumerate(items):
            if item is None and isinstance(element, GraphQLNonNull):
                raise _Refused("cannot be null", [*path, index])
            _check(element, item, [*path, index])
        return
    if value is None and not non_null:
        return
    if isinstance(inner, GraphQLEnumType):
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise _Refused("enums must be ints or strings", path)
        text = _text_of(value)
        if not any(text.lower() == name.lower() for name in inner.values):  # strings.EqualFold
            raise _Refused(f"{text} is not a valid {inner.name}", path)
        return
    if isinstance(inner, GraphQLInputObjectType):
        if not isinstance(value, dict):
            raise _Refused(f"must be a {inner.name}, not a {_go_kind(value)}", path)
        for key in value:  # Go ranges over the map in a random order; the body's order here
            if key != "__typename" and key not in inner.fields:
                raise _Refused("unknown field", [*path, key])
        for name, field in inner.fields.items():
            if name not in value:
                if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined:
                    raise _Refused("must be defined", [*path, name])
                continue
            if value[name] is None:
                if isinstance(field.type, GraphQLNonNull):
                    raise _Refused("cannot be null", [*path, name])
                continue
            _check(field.type, value[name], [*path, name])
        return
    assert isinstance(inner, GraphQLScalarType)
    kind = _go_kind(value, top_level_number)
    scalar = inner.name
    ok = {
        "Int": kind in ("int64", "float64") or (kind == "string" and _go_int_string(_text_of(value))),
        "Float": kind in ("int64", "float64") or (kind == "string" and _go_float_string(_text_of(value))),
        "String": kind == "string",
        "Boolean": kind == "bool",
        "ID": kind in ("int64", "string"),
    }.get(scalar, True)  # custom scalars (Map, Any, Time, ...) are not checked
    if not ok:
        raise _Refused(f"cannot use {kind} as {scalar}", path)


def _text_of(value: Any) -> str:
    return value if isinstance(value, str) else _number_text(value)


def variables_problem(
    schema: GraphQLSchema, operation: OperationDefinitionNode, variables: dict[str, Any]
) -> VariableError | None:
    """The first problem gqlparser's VariableValues finds in the request's variables, or None."""
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        path: list[PathItem] = ["variable", name]
        type_node = definition.type
        if name not in variables:
            if definition.default_value is not None:
                value = value_from_ast_untyped(definition.default_value)
            elif isinstance(type_node, NonNullTypeNode):
                return VariableError("must be defined", tuple(path))
            else:
                continue
        else:
            value = variables[name]
        if value is None:
            if isinstance(type_node, NonNullTypeNode):
                return VariableError("cannot be null", tuple(path))
            continue
        named = type_node.type if isinstance(type_node, NonNullTypeNode) else type_node
        top_level_number = None
        if isinstance(named, NamedTypeNode) and isinstance(value, int | float) and not isinstance(value, bool):
            if named.name.value == "Int":  # json.Number.Int64 first
                if isinstance(value, float) or not INT64_MIN <= value <= INT64_MAX:
                    got = 0 if isinstance(value, float) else (INT64_MAX if value > 0 else INT64_MIN)
                    return VariableError(f"cannot use value {got} as Int", tuple(path))
                top_level_number = "int64"
            elif named.name.value == "Float":
                top_level_number = "float64"
        try:
            _check(type_from_ast(schema, type_node), value, path, top_level_number)  # type: ignore[arg-type]
        except _Refused as refused:
            return refused.error
    return None
