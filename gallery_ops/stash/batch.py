"""Many mutations in few requests: GraphQL aliases, chunked.

    mutation Batch($i0: GalleryChapterCreateInput!, $i1: ...) {
      m0: galleryChapterCreate(input: $i0) { id }
      m1: galleryChapterCreate(input: $i1) { id }
    }

Stash resolves the aliased fields one after another, each in its own transaction
(and runs each one's hooks), so one field can fail while the others commit. The
result therefore reports every item on its own: its data, or its error. Items that
failed only because the database was locked are sent again (bounded by RETRY_DELAYS).
When one field of a non-null type (a Boolean! mutation) fails, Stash still runs the
others but answers `data: null`; their results are lost, so idempotent ones are sent
again and the others are reported as UNCONFIRMED.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from ..common import json_text as json
from ..common.errors import LOCKED_MESSAGE, StashAuthError, StashServerError, StashTransportError
from ..common.lean_functools import cache
from ..common.limits import MUTATION_BATCH_SIZE
from ..common.plain import dataclass, field
from .connection import JsonObject, StashConnection
from .documents import Mutation
from .models import InputJson

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")

UNCONFIRMED = (
    "no result: another item of the same request failed and Stash answered without data (this one was probably applied)"
)


@dataclass
class BatchResult:
    """Per item of the input, in order: the mutation's data, or the error message."""

    data: list[Any] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` (a list or a lazy stream) in consecutive lists of at most `size`: the one
    chunking helper of gallery_ops (pages, requests, ids per bulk update)."""
    stream = iter(items)
    while chunk := list(islice(stream, size)):
        yield chunk


class _StillLocked(StashServerError):
    """Items Stash answered "database is locked" for (their transactions rolled back): the batch
    sends them again after the connection's next retry pause."""


def run_batch(
    connection: StashConnection,
    mutation: Mutation,
    values: Sequence[Any],
    batch_size: int = MUTATION_BATCH_SIZE,
    selection: str = "id",
    keep_data: bool = True,
) -> BatchResult:
    """Send `mutation` once per value, `batch_size` per request; never raises for one item. A value
    is a plain JSON value, or an input kept as its request's text already (models.InputJson).
    `keep_data=False`: nothing of the items' answers is kept (their `{ id }` objects are never
    made: StashConnection.result), only which items failed; `data` holds None for each.

    A request that reached Stash and failed as a whole (HTTP 500, Stash refusing the
    document), after the connection's own retries, fails each of its items with that
    message, and the next request still goes out. When Stash cannot be reached or
    refuses the session, this raises: every further request would fail the same way.
    Items refused because the database was locked are sent again as the connection retries
    (StashConnection.retrying); those still locked after its last pause keep that error.
    """
    result = BatchResult(data=[None] * len(values))
    pending = list(range(len(values)))

    def send_pending() -> None:
        nonlocal pending
        locked: list[int] = []
        while pending:
            again = _send(connection, mutation, values, pending, batch_size, selection, keep_data, result, locked)
            if len(again) == len(pending):  # nothing was settled: the same request would answer the same
                break
            pending = again
        pending = locked
        if locked:
            raise _StillLocked([LOCKED_MESSAGE] * len(locked))

    try:
        connection.retrying(send_pending, mutation.idempotent)
    except _StillLocked:
        pass  # each of those items holds Stash's "database is locked" as its error
    return result


def _send(
    connection: StashConnection,
    mutation: Mutation,
    values: Sequence[Any],
    indexes: list[int],
    batch_size: int,
    selection: str,
    keep_data: bool,
    result: BatchResult,
    locked: list[int],
) -> list[int]:
    """Send the items at `indexes` once, recording each one's data or error in `result` and the
    locked ones in `locked`; returns the items to send at once again: idempotent ones whose result
    was lost because another item of their request failed (Stash answered `data: null`)."""
    again: list[int] = []
    for chunk in chunks(indexes, batch_size):
        names, keys = _aliases(len(chunk))
        try:
            data, errors = connection.execute_partial(
                mutation.aliased(len(chunk), selection),
                JsonObject(list(zip(names, [_json(values[i]) for i in chunk], strict=True))),
                idempotent=mutation.idempotent,
                keys=keys,
                keep_items=keep_data,
            )
        except (StashServerError, StashTransportError) as exc:
            if isinstance(exc, StashAuthError) or (isinstance(exc, StashTransportError) and not exc.reached_server):
                raise
            message = str(exc)
            if isinstance(exc, StashTransportError) and not mutation.idempotent:
                message += "; the request reached Stash: it may have been applied, check before sending it again"
            data, errors = None, [{"message": message}]
        failed: dict[int, str] = {}
        for error in errors:
            path = error.get("path") or []
            alias = str(path[0]) if path else ""
            if alias.startswith("m") and alias[1:].isdigit() and int(alias[1:]) < len(chunk):
                failed[chunk[int(alias[1:])]] = str(error.get("message"))
            else:  # an error not tied to one field: every item of the chunk failed
                failed.update({i: str(error.get("message")) for i in chunk})
        for n, index in enumerate(chunk):
            if index in failed:
                if LOCKED_MESSAGE in failed[index]:
                    locked.append(index)
                result.errors[index] = failed[index]
            elif data is None:
                # Another field failed and was non-null, so Stash answered `data: null`:
                # this one ran, but its result is lost. Send it again if that is harmless.
                result.errors[index] = UNCONFIRMED
                if mutation.idempotent:
                    again.append(index)
            else:
                result.errors.pop(index, None)
                result.data[index] = data.get(keys[n]) if keep_data else None
    return again


@cache
def _aliases(count: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The variables (i0..) and the answer's keys (m0..) of a request of `count` items, as
    Mutation.aliased names them: made once per size (every full chunk of a run is one size)."""
    return tuple([f"i{n}" for n in range(count)]), tuple([f"m{n}" for n in range(count)])


def _json(value: Any) -> bytes:
    """An item's input as its request carries it: the text it was checked into (InputJson), or a
    plain JSON value's (as json.dumps writes it in the request)."""
    return value.text if isinstance(value, InputJson) else json.dumps(value).encode()
