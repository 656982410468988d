"""Typed reads on top of the one connection (the full path only): Stash's answer parsed from JSON
straight into the models, in one pass of pydantic-core, without building dicts first; big reads
cost about half the CPU that way."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from ..common.errors import StashTransportError, server_error
from .connection import StashConnection, error_list

T = TypeVar("T")


class Envelope(BaseModel, Generic[T]):
    """A GraphQL answer: `data` of the query's shape, and errors.

    Only the keys of the JSON text are looked up in pydantic-core's string cache: the values of a
    big read (ids, paths) are nearly all different, so caching them costs more than it saves
    (about a quarter of the parsing of a page of images)."""

    model_config = ConfigDict(cache_strings="keys")
    data: T | None = None
    errors: list[dict[str, Any]] | None = None


def read_as(connection: StashConnection, query: str, variables: dict[str, Any], data: TypeAdapter[Envelope[T]]) -> T:
    """Send a read and return its `data` parsed as `data` (`TypeAdapter(Envelope[<the query's data>])`);
    errors raise and transient faults are retried as with StashConnection.execute."""

    def once() -> T:
        status, content = connection.post(query, variables)
        try:
            envelope = data.validate_json(content)
        except ValidationError:  # not the answer this query has: say what Stash did answer
            body = connection.result(status, content)
            if body.get("errors"):
                raise server_error(error_list(body)) from None
            raise StashTransportError(
                f"Stash at {connection.url} answered HTTP {status} with data this query does not have", status=status
            ) from None
        if envelope.errors:
            raise server_error(error_list({"errors": envelope.errors}))
        if envelope.data is None:
            raise StashTransportError(f"Stash at {connection.url} answered HTTP {status} without data", status=status)
        return envelope.data

    return connection.retrying(once, True)
