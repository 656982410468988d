"""Where Stash's GraphQL stack (gqlgen v0.17.73 on gqlparser v2.5.27) and graphql-core differ.

A schema built by graphql-core is made to answer as gqlgen does:

- Int and Float variables (docs/stash.md §8b). gqlparser's validator/vars.go accepts, for
  an Int, a JSON integer or a string that strconv.ParseInt(s, 10, 64) reads ("5",
  "-12", "+3"; not " 5", "5.0", "1e3", "1_000"); for a Float, a JSON number or a string
  that strconv.ParseFloat(s, 64) reads ("1.5", "2", "1e3", "inf", "NaN"). gqlgen's
  UnmarshalInt then parses with strconv.Atoi and UnmarshalFloat with ParseFloat
  (graphql/int.go, graphql/float.go). A JSON number that is not an integer is no Int
  (json.Number.Int64 fails at the top level, ParseInt inside input objects).
  graphql-core refuses every string.
- Int is Go's `int` in Stash's generated code (gqlgen.yml maps Int to gqlgen's default,
  graphql.Int; Stash's models use `int`): 64 bits on the 64-bit builds people run (amd64,
  arm64), not GraphQL's 32. graphql-core range-checks Int to 32 bits on input and
  output; here the range is int64, and beyond it the value is refused (strconv's
  "value out of range").
- String and ID variables: a JSON number is a json.Number, whose kind is string, so
  gqlparser lets it through, and UnmarshalString / UnmarshalID (graphql/string.go,
  id.go) turn it into the number's own JSON text ("5", "1.50", "1e3"). graphql-core
  refuses numbers for String (and floats for ID). A bool stays refused for both.
  The simulator's JSON decoding keeps each float's text (JsonFloat) for this.
- Introspection lists deprecated input fields and arguments whether or not
  includeDeprecated is asked (graphql/introspection/type.go InputFields, and Fields
  building `args` from every argument); graphql-core hides them unless asked.
  (Deprecated object fields and enum values stay hidden unless asked, in both.)
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from graphql import (
    FloatValueNode,
    GraphQLError,
    GraphQLFloat,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    IntValueNode,
    ValueNode,
    is_specified_directive,
    print_ast,
)
from graphql.type.introspection import introspection_types

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# strconv.ParseInt(s, 10, 64): an optional sign, then decimal digits, nothing else
_GO_INT = re.compile(r"[+-]?[0-9]+")
# strconv.ParseFloat(s, 64): decimal or hexadecimal floats (underscores only between digits
# of a prefixed number), infinities and NaN, no spaces
_GO_FLOAT = re.compile(
    r"[+-]?(?:"
    r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    r"|0[xX](?:[0-9a-fA-F_]+\.?[0-9a-fA-F_]*|\.[0-9a-fA-F_]+)[pP][+-]?[0-9]+"
    r"|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)"
    r"|[nN][aA][nN]"  # strconv's special(): a sign goes with infinities, not with NaN
)


class JsonFloat(float):
    """A float decoded from JSON that remembers its text, as Go's json.Number does."""

    text: str

    def __new__(cls, text: str) -> JsonFloat:
        number = super().__new__(cls, text)
        number.text = text
        return number


def json_loads(data: str | bytes) -> Any:
    """json.loads as gqlgen decodes request bodies (UseNumber: a float keeps its text)."""
    return json.loads(data, parse_float=JsonFloat)


def _number_text(value: int | float) -> str:
    if isinstance(value, JsonFloat):
        return value.text
    return str(value) if isinstance(value, int) else repr(value)


def _go_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise GraphQLError("cannot use bool as String")
    if isinstance(value, int | float):
        return _number_text(value)
    raise GraphQLError(f"cannot use {_go_kind(value)} as String")


def _go_id(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise GraphQLError("cannot use bool as ID")
    if isinstance(value, int | float):
        return _number_text(value)
    raise GraphQLError(f"cannot use {_go_kind(value)} as ID")


def _go_int(value: Any) -> int:
    """An Int variable as vars.go checks it, with its messages (a string: ParseInt; a JSON
    number: json.Number.Int64, whose failure reports the value it got, 0 or the limit)."""
    if isinstance(value, bool):
        raise GraphQLError("cannot use bool as Int")
    if isinstance(value, str):
        if not _GO_INT.fullmatch(value) or not INT64_MIN <= int(value) <= INT64_MAX:
            raise GraphQLError("cannot use string as Int")
        return int(value)
    if isinstance(value, float):
        raise GraphQLError("cannot use value 0 as Int")
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            raise GraphQLError(f"cannot use value {INT64_MAX if value > 0 else INT64_MIN} as Int")
        return value
    raise GraphQLError(f"cannot use {_go_kind(value)} as Int")


def _go_kind(value: Any) -> str:
    kinds: dict[type, str] = {dict: "map", list: "slice"}
    return kinds.get(type(value), type(value).__name__)


def _go_float(value: Any) -> float:
    if isinstance(value, bool):
        raise GraphQLError("cannot use bool as Float")
    if isinstance(value, int):
        return float(value)
    if isinstance(value, float):
        text = value.text if isinstance(value, JsonFloat) else repr(value)
        if math.isinf(value) and "inf" not in text.lower():
            raise GraphQLError(f"cannot use value {'+Inf' if value > 0 else '-Inf'} as Float")  # ErrRange
        return float(value)
    if isinstance(value, str):
        if not _GO_FLOAT.fullmatch(value):
            raise GraphQLError("cannot use string as Float")
        if value.lower().lstrip("+-").startswith("0x"):
            return float.fromhex(value.replace("_", ""))
        number = float(value)
        if math.isinf(number) and "inf" not in value.lower():
            raise GraphQLError("cannot use string as Float")  # ParseFloat's ErrRange
        return number
    raise GraphQLError(f"cannot use {_go_kind(value)} as Float")


def _int_literal(node: ValueNode, _variables: Any = None) -> int:
    """An Int literal as gqlparser's ValuesOfCorrectType checks it (values_of_correct_type.go):
    an integer within int64 (ast.Value.Value parses with ParseInt(raw, 10, 64)); the error
    carries the literal's location."""
    if not isinstance(node, IntValueNode):
        raise GraphQLError(f"Int cannot represent non-integer value: {print_ast(node)}", node)
    if not INT64_MIN <= int(node.value) <= INT64_MAX:
        raise GraphQLError(f"Int cannot represent non 32-bit signed integer value: {node.value}", node)
    return int(node.value)


def _float_literal(node: ValueNode, _variables: Any = None) -> float:
    if not isinstance(node, IntValueNode | FloatValueNode):
        raise GraphQLError(f"Float cannot represent non numeric value: {print_ast(node)}", node)
    return float(node.value)


def _serialize_int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not INT64_MIN <= value <= INT64_MAX:
        raise GraphQLError(f"Int cannot represent value: {value!r}")
    return value


def _scalar(name: str, **kwargs: Any) -> GraphQLScalarType:
    """A scalar with a standard name: graphql-core refuses to make one through the
    constructor (it keeps Int and Float for its own), so the instance is made first."""
    scalar = object.__new__(GraphQLScalarType)
    scalar.__init__(name, **kwargs)  # type: ignore[misc]
    return scalar


GQLGEN_INT = _scalar(
    "Int", description=GraphQLInt.description, serialize=_serialize_int, parse_value=_go_int, parse_literal=_int_literal
)
GQLGEN_FLOAT = _scalar(
    "Float",
    description=GraphQLFloat.description,
    serialize=GraphQLFloat.serialize,
    parse_value=_go_float,
    parse_literal=_float_literal,
)
GQLGEN_STRING = _scalar(
    "String",
    description=GraphQLString.description,
    serialize=GraphQLString.serialize,
    parse_value=_go_string,
    parse_literal=GraphQLString.parse_literal,
)
GQLGEN_ID = _scalar(
    "ID",
    description=GraphQLID.description,
    serialize=GraphQLID.serialize,
    parse_value=_go_id,
    parse_literal=GraphQLID.parse_literal,
)
_REPLACED = {"Int": GQLGEN_INT, "Float": GQLGEN_FLOAT, "String": GQLGEN_STRING, "ID": GQLGEN_ID}


def _swap(type_: Any) -> Any:
    if isinstance(type_, GraphQLNonNull):
        return GraphQLNonNull(_swap(type_.of_type))
    if isinstance(type_, GraphQLList):
        return GraphQLList(_swap(type_.of_type))
    if isinstance(type_, GraphQLScalarType) and type_.name in _REPLACED:
        return _REPLACED[type_.name]
    return type_


_SERVED: set[int] = set()  # id() of every schema made here (the introspection rule applies to them only)


def gqlgen_schema(schema: GraphQLSchema) -> GraphQLSchema:
    """Make a freshly built schema answer as gqlgen does (in place; returns it)."""
    for named in list(schema.type_map.values()):
        if named.name.startswith("__"):
            continue
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field in named.fields.values():
                field.type = _swap(field.type)
                for arg in field.args.values():
                    arg.type = _swap(arg.type)
        elif isinstance(named, GraphQLInputObjectType):
            for input_field in named.fields.values():
                input_field.type = _swap(input_field.type)
    for directive in schema.directives:
        if is_specified_directive(directive):
            continue  # graphql-core's own @skip, @deprecated, ... are shared by every schema
        for arg in directive.args.values():
            arg.type = _swap(arg.type)
    for name, scalar in _REPLACED.items():
        if name in schema.type_map:
            schema.type_map[name] = scalar
    _SERVED.add(id(schema))
    _install_introspection_rule()
    return schema


_installed = False


def _install_introspection_rule() -> None:
    """Make __Type.inputFields, __Field.args and __Directive.args list deprecated entries
    on the simulator's schemas (any other schema in the process keeps graphql-core's rule)."""
    global _installed
    if _installed:
        return
    _installed = True
    for type_name, field_name in (("__Type", "inputFields"), ("__Field", "args"), ("__Directive", "args")):
        introspected = introspection_types[type_name]
        assert isinstance(introspected, GraphQLObjectType)
        field = introspected.fields[field_name]
        original = field.resolve
        assert original is not None

        def resolve(parent: Any, info: Any, includeDeprecated: bool = False, _original: Any = original) -> Any:
            if id(info.schema) in _SERVED:
                includeDeprecated = True
            return _original(parent, info, includeDeprecated=includeDeprecated)

        field.resolve = resolve
