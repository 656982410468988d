"""Executing one GraphQL request against Stash's schema, answering as Stash's gqlgen does.

gqlgen (v0.17.73 in Stash's go.mod), transport/http_post.go and executor:
- a body that is not JSON -> HTTP 400 with a GraphQL error;
- a parse error or a validation error (unknown field, bad variable type,
  selection on a scalar) -> `data: null`, extensions.code GRAPHQL_PARSE_FAILED /
  GRAPHQL_VALIDATION_FAILED, and HTTP 422 when the client accepts application/json
  (stashapi does) or 400 when it accepts */* or graphql-response+json
  (determineResponseContentType);
- a resolver error -> HTTP 200, the error with its `path`, the field null (and
  null propagating up through non-null parents).
- the root fields of a mutation all run, one after another, even when one of them
  fails; a failed non-null root field (e.g. `setGalleryCover: Boolean!`) makes the
  whole `data` null at the end (codegen/object.gotpl). graphql-core would stop at the
  first such failure, so mutations execute on a copy of the schema whose root
  mutation fields are nullable, and `data` is nulled afterwards.
Error objects put `message` first, then `path` (resolver errors) or `locations`.

Each simulator serves one Stash release (schema.py); everything here takes the
release's name and uses that release's schema, made to coerce Int/Float and answer
introspection as gqlgen does (gqlgen.py); the messages of invalid requests are gqlparser's
(gqlparser.py). Subscriptions are served on the WebSocket (ws.py) and, by POST, answered
with their first event (server.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLNonNull,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    Visitor,
    execute_sync,
    parse,
    validate,
    visit,
)
from graphql.execution.values import get_variable_values

from .gqlgen import gqlgen_schema
from .gqlparser import parse_message, validation_message, variables_problem as gqlparser_variables_problem
from .schema import build_release_schema, release, stash_schema

Resolver = Callable[..., Any]

# "Type.field" -> resolver(parent, info, **args). Filled by the resolvers modules.
RESOLVERS: dict[str, Resolver] = {}


def resolves(*names: str) -> Callable[[Resolver], Resolver]:
    """Register a function as the resolver of one or more "Type.field" names."""

    def register(fn: Resolver) -> Resolver:
        for name in names:
            RESOLVERS[name] = fn
        return fn

    return register


class StashError(Exception):
    """An error a resolver reports exactly as Stash words it."""


def not_modelled(type_name: str, field_name: str) -> StashError:
    """The error for a field the simulator does not model: it refuses, never invents an answer."""
    if type_name == "Mutation":
        return StashError(f"the Stash simulator does not model the mutation {field_name}")
    if type_name == "Query":
        return StashError(f"the Stash simulator does not model the query {field_name}")
    return StashError(f"the Stash simulator does not model {type_name}.{field_name}")


def field_resolver(parent: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    """Registered resolver first, then a key of a dict parent; anything else is refused.

    A root field (query or mutation) without a resolver, or an object field that the
    object's builder did not fill, is not modelled: the request gets the "does not
    model" error on that field, never a null, zero or empty list that looks real.
    """
    resolver = RESOLVERS.get(f"{info.parent_type.name}.{info.field_name}")
    if resolver is not None:
        return resolver(parent, info, **args)
    if isinstance(parent, dict) and info.field_name in parent:
        return parent[info.field_name]
    raise not_modelled(info.parent_type.name, info.field_name)


@dataclass
class Outcome:
    """What the HTTP layer sends back, plus what the request log records."""

    status: int
    body: dict[str, Any]
    operation_name: str | None = None
    operation_type: str | None = None
    root_fields: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=1024)
def _parse_and_validate(release_name: str, query: str) -> tuple[DocumentNode | None, tuple[GraphQLError, ...], str]:
    try:
        document = parse(query)
    except GraphQLSyntaxError as exc:
        return (
            None,
            (GraphQLError(parse_message(exc.description), source=exc.source, positions=exc.positions),),
            "GRAPHQL_PARSE_FAILED",
        )
    errors = [
        GraphQLError(validation_message(e.message), _gqlparser_nodes(document, e))
        for e in validate(stash_schema(release_name), document)
    ]
    return document, tuple(errors), "GRAPHQL_VALIDATION_FAILED"


def _gqlparser_nodes(document: DocumentNode, error: GraphQLError) -> Any:
    """The nodes whose positions gqlparser reports: scalar_leafs.go points at the field where
    graphql-core points at the field's selection set."""
    if not error.nodes or not isinstance(error.nodes[0], SelectionSetNode):
        return error.nodes
    selection_set = error.nodes[0]

    class _Find(Visitor):
        found: FieldNode | None = None

        def enter_field(self, node: FieldNode, *_: Any) -> None:
            if node.selection_set is selection_set:
                self.found = node

    finder = _Find()
    visit(document, finder)
    return [finder.found] if finder.found is not None else error.nodes


def _protocol_error(message: str, code: str, locations: list[Any] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message}
    if locations:
        error["locations"] = locations
    error["extensions"] = {"code": code}
    return error


def _locations(error: GraphQLError) -> list[dict[str, int]] | None:
    """The error's locations as gqlparser gives them: a string value's token starts after its
    opening quote (lexer.go readString skips it; readBlockString skips three)."""
    if not error.locations:
        return None
    shift = 0
    if error.nodes and isinstance(error.nodes[0], StringValueNode):
        shift = 3 if error.nodes[0].block else 1
    return [{"line": loc.line, "column": loc.column + shift} for loc in error.locations]


def _pick_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not name and len(operations) == 1:  # ast.OperationList.ForName
        return operations[0]
    return next((op for op in operations if (op.name.value if op.name else "") == (name or "")), None)


def protocol_error_status(accept: str | None) -> int:
    """422 for clients that accept application/json (or say nothing), else 400 (gqlgen)."""
    if not accept:
        return 422
    for media in accept.split(","):
        media = media.split(";")[0].strip().lower()
        if media == "application/json":
            return 422
        if media in ("*/*", "application/*", "application/graphql-response+json"):
            return 400
    return 400


_COERCION = re.compile(
    r"Variable '\$(?P<name>\w+)' got invalid value .*?(?: at '(?P<at>[^']+)')?; "
    r"(?P<message>cannot use .*)",
    re.S,
)


def _variable_error(error: GraphQLError) -> dict[str, Any]:
    """A variable that does not coerce. Where a gqlgen scalar refused it (gqlgen.py), the error is
    gqlparser's: its message and the path variable.<name>[.<field>...] (validator/vars.go
    ErrorPathf), no locations; other coercion errors keep graphql-core's wording."""
    found = _COERCION.fullmatch(error.message)
    if found is None:
        return _protocol_error(error.message, "GRAPHQL_VALIDATION_FAILED", _locations(error))
    path: list[Any] = ["variable", found["name"]]
    inside = (found["at"] or found["name"])[len(found["name"]) :]  # graphql-core prints "f.tags[0]"
    for name, index in re.findall(r"\.(\w+)|\[(\d+)\]", inside):
        path.append(name or int(index))
    return {"message": found["message"], "path": path, "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}


def release_of(context: Any) -> str:
    """The name of the release a request context's simulator serves."""
    return str(context.sim.release.name)


def run_graphql(
    payload: Any, context: Any, accept: str | None = "application/json", allow_subscription: bool = False
) -> Outcome:
    """Execute one decoded request body ({query, variables, operationName}).

    A subscription operation is refused unless `allow_subscription` (the WebSocket
    runs the subscription's events through here, with the event as root value)."""
    outcome = _run(payload, context, allow_subscription)
    if outcome.status == 422:
        outcome.status = protocol_error_status(accept)
    return outcome


def _run(payload: Any, context: Any, allow_subscription: bool = False, root_value: Any = None) -> Outcome:
    release_name = release_of(context)
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str) or not payload["query"]:
        return Outcome(
            422, {"errors": [_protocol_error("no operation provided", "GRAPHQL_VALIDATION_FAILED")], "data": None}
        )
    variables = payload.get("variables") or {}
    operation_name = payload.get("operationName") or None
    document, errors, code = _parse_and_validate(release_name, payload["query"])
    if errors:
        return Outcome(
            422,
            {"errors": [_protocol_error(e.message, code, _locations(e)) for e in errors], "data": None},
            operation_name,
        )
    assert document is not None
    operation = _pick_operation(document, operation_name)
    if operation is None:
        # gqlgen executor: "operation %s not found", so "operation  not found" without a name
        message = f"operation {operation_name or ''} not found"
        return Outcome(
            422, {"errors": [_protocol_error(message, "GRAPHQL_VALIDATION_FAILED")], "data": None}, operation_name
        )
    op_name = operation.name.value if operation.name else None
    op_type = "mutation" if operation.operation == OperationType.MUTATION else operation.operation.value
    roots = [sel.name.value for sel in operation.selection_set.selections if hasattr(sel, "name")]
    if op_type == "subscription" and not allow_subscription:
        message = "the Stash simulator does not model subscriptions in-process; use its WebSocket or HTTP endpoint"
        return Outcome(
            422,
            {"errors": [_protocol_error(message, "GRAPHQL_VALIDATION_FAILED")], "data": None},
            op_name,
            op_type,
            roots,
        )
    problem = gqlparser_variables_problem(stash_schema(release_name), operation, variables)
    if problem is not None:
        return Outcome(
            422,
            {"errors": [dict(problem.to_json(), extensions={"code": "GRAPHQL_VALIDATION_FAILED"})], "data": None},
            op_name,
            op_type,
            roots,
        )
    schema = mutation_execution_schema(release_name) if op_type == "mutation" else stash_schema(release_name)
    result = execute_sync(
        schema,
        document,
        root_value=root_value,
        context_value=context,
        variable_values=variables,
        operation_name=op_name,
        field_resolver=field_resolver,
    )
    if result.errors and result.data is None and not any(e.path for e in result.errors):
        # variable coercion failed before execution: a validation error in gqlgen
        return Outcome(
            422, {"errors": [_variable_error(e) for e in result.errors], "data": None}, op_name, op_type, roots
        )
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [_resolver_error(e) for e in result.errors]
        for error in body["errors"]:
            _log_resolver_error(context, error)
    body["data"] = result.data
    if (
        op_type == "mutation"
        and result.data is not None
        and _failed_non_null_root(release_name, operation, result.data)
    ):
        body["data"] = None
    return Outcome(200, body, op_name, op_type, roots)


def operation_of(payload: dict[str, Any], context: Any) -> tuple[str, str, str | None] | None:
    """(operation type, first root field, operation name) of a valid request, else None."""
    if not isinstance(payload.get("query"), str):
        return None
    document, errors, _ = _parse_and_validate(release_of(context), payload["query"])
    if errors or document is None:
        return None
    operation = _pick_operation(document, payload.get("operationName") or None)
    if operation is None:
        return None
    roots = [sel.name.value for sel in operation.selection_set.selections if isinstance(sel, FieldNode)]
    return operation.operation.value, (roots[0] if roots else ""), operation.name.value if operation.name else None


def variables_problem(payload: dict[str, Any], context: Any) -> Outcome | None:
    """The validation error gqlgen gives before running an operation whose variables do not
    coerce (validator.VariableValues), or None when they do."""
    operation = operation_of(payload, context)
    if operation is None:
        return None
    document, _, _ = _parse_and_validate(release_of(context), payload["query"])
    assert document is not None
    op = _pick_operation(document, payload.get("operationName") or None)
    assert op is not None
    problem = gqlparser_variables_problem(stash_schema(release_of(context)), op, payload.get("variables") or {})
    if problem is not None:
        return Outcome(
            422,
            {"errors": [dict(problem.to_json(), extensions={"code": "GRAPHQL_VALIDATION_FAILED"})], "data": None},
            operation[2],
            operation[0],
            [operation[1]],
        )
    coerced = get_variable_values(
        stash_schema(release_of(context)), op.variable_definitions or (), payload.get("variables") or {}
    )
    if isinstance(coerced, dict):
        return None
    return Outcome(
        422,
        {
            "errors": [_protocol_error(e.message, "GRAPHQL_VALIDATION_FAILED", _locations(e)) for e in coerced],
            "data": None,
        },
        operation[2],
        operation[0],
        [operation[1]],
    )


def run_subscription_event(payload: dict[str, Any], context: Any, event: Any) -> Outcome:
    """One event of a subscription: the operation executed with the event as its root value."""
    return _run(payload, context, allow_subscription=True, root_value=event)


@functools.cache
def mutation_execution_schema(release_name: str | None = None) -> GraphQLSchema:
    """Stash's schema with every root mutation field made nullable (see the module docstring)."""
    schema = gqlgen_schema(build_release_schema(release(release_name).name))
    assert schema.mutation_type is not None
    for name, root in schema.mutation_type.fields.items():
        if isinstance(root.type, GraphQLNonNull):
            schema.mutation_type.fields[name] = GraphQLField(
                root.type.of_type,
                root.args,
                root.resolve,
                root.subscribe,
                root.description,
                root.deprecation_reason,
                root.extensions,
                root.ast_node,
            )
    return schema


def _failed_non_null_root(release_name: str, operation: OperationDefinitionNode, data: dict[str, Any]) -> bool:
    real = stash_schema(release_name).mutation_type
    assert real is not None
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode):
            continue
        key = selection.alias.value if selection.alias else selection.name.value
        declared = real.fields.get(selection.name.value)
        if declared is not None and isinstance(declared.type, GraphQLNonNull) and data.get(key) is None:
            return True
    return False


PANIC = re.compile(r"Internal system error\. Error <(.*)>", re.S)


def _log_resolver_error(context: Any, error: dict[str, Any]) -> None:
    """Stash logs every resolver error (internal/api/error.go gqlErrorHandler): "<field path>:
    <error>" at Error, where the error is a gqlerror whose text is "input: <path> <message>"
    (gqlparser gqlerror.Error.Error, ast.Path.String). A panic's value is logged first, by the
    recover function (internal/api/server.go). (The Debug line with the field's arguments that
    follows is not modelled.)"""
    path = "".join(
        f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(error.get("path") or [])
    )
    panic = PANIC.fullmatch(error["message"])
    if panic:
        context.sim.events.log([("error", panic.group(1))])
    context.sim.events.log([("error", f"{path}: input: {path} {error['message']}")])


def _resolver_error(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    if isinstance(original, TypeError) and str(original).startswith("Cannot return null for non-nullable field"):
        # a resolver returned nil for a non-null field: gqlgen's field.gotpl says "must not be null";
        # a null element of a [T!] list has the generated marshaller's own message
        message = (
            "the requested element is null which the schema does not allow"
            if error.path and isinstance(error.path[-1], int)
            else "must not be null"
        )
    elif original is not None and not isinstance(original, StashError | GraphQLError):
        # a bug in the simulator: make it loud, as an internal error would be in Stash
        message = f"internal simulator error: {type(original).__name__}: {original}"
    else:
        message = error.message
    out: dict[str, Any] = {"message": message}
    if error.path:
        out["path"] = list(error.path)
    return out


def every_field_failed(payload: Any, message: str, release_name: str | None = None) -> dict[str, Any]:
    """The body Stash gives when every root field of the request failed with `message`
    (a locked database fails each field's transaction): one error per field, with its
    alias as the path; null data, or null fields when they are all nullable."""
    name = release(release_name).name
    document, _, _ = (
        _parse_and_validate(name, payload.get("query") or "") if isinstance(payload, dict) else (None, (), "")
    )
    operation = _pick_operation(document, payload.get("operationName")) if document else None
    if operation is None:
        return {"errors": [{"message": message}], "data": None}
    schema = stash_schema(name)
    root = schema.mutation_type if operation.operation == OperationType.MUTATION else schema.query_type
    fields = [sel for sel in operation.selection_set.selections if isinstance(sel, FieldNode)]
    keys = [sel.alias.value if sel.alias else sel.name.value for sel in fields]
    nullable = all(
        root is not None
        and sel.name.value in root.fields
        and not isinstance(root.fields[sel.name.value].type, GraphQLNonNull)
        for sel in fields
    )
    return {
        "errors": [{"message": message, "path": [key]} for key in keys],
        "data": {key: None for key in keys} if nullable else None,
    }
