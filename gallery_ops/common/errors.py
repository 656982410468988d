"""Errors raised by gallery_ops.

Input that gallery_ops rejects before sending anything raises ValueError. Everything
that goes wrong on the way to Stash or inside it raises a StashError subclass:

    NotFound (a ValueError)       an id names no gallery / image / chapter in Stash

    StashError
    ├── StashTransportError      the request did not get a GraphQL answer (connection, HTTP status)
    │   ├── StashAuthError       HTTP 401: no valid session cookie or API key
    │   └── ScrapeTimedOut       a scrape got no answer in the time the run allows it
    └── StashServerError         Stash answered with GraphQL errors (its message is kept)
        └── GalleryContentsLocked  add/remove images on a zip- or folder-based gallery
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# How Stash answers faults worth retrying (stash/connection.py).
TRANSIENT_STATUSES = (502, 503, 504)
LOCKED_MESSAGE = "database is locked"
CONTENTS_LOCKED_PREFIX = "cannot change contents of "


# What a person can check when a run cannot talk to Stash, said once with the run's error (not in
# every retry's warning): where the address comes from, and where an API key comes from.
CHECK_REACH = (
    "check that Stash is running and answers at that address: Stash hands a plugin it runs its own"
    " address (server_connection: Scheme, Host, Port); a manual run or a script must give the scheme,"
    " host and port of your Stash's web page, and a firewall or a container's network must let it through"
)
CHECK_AUTH = (
    "Stash hands a plugin it runs a session cookie of its own; a manual run or a script needs an API key:"
    ' generate one in Stash under Settings > Security > API Key and give it as "ApiKey" in server_connection'
)


def what_to_check(exc: StashError) -> str:
    """The error as a run ends with it: for Stash not answering at all, or refusing the credentials,
    followed by what to check (CHECK_REACH, CHECK_AUTH)."""
    text = " ".join(str(exc).split())
    if isinstance(exc, StashAuthError):
        return f"{text}. {CHECK_AUTH}"
    if isinstance(exc, StashTransportError) and exc.status is None:  # no HTTP answer at all
        return f"{text}. {CHECK_REACH}"
    return text


class ArgError(ValueError):
    """An argument that does not fit; the message names it and says what fits."""


class NotFound(ValueError):
    """An id that names nothing in Stash (found out by a read, before any write)."""


class StashError(Exception):
    """Base class of every error that comes from talking to Stash."""


class StashTransportError(StashError):
    """The request failed below GraphQL: refused or dropped connection, timeout, HTTP error status."""

    def __init__(self, message: str, *, status: int | None = None, reached_server: bool = True) -> None:
        super().__init__(message)
        self.status = status
        self.reached_server = reached_server


class StashAuthError(StashTransportError):
    """Stash answered 401: the session cookie or API key is missing, expired or wrong."""


class ScrapeTimedOut(StashTransportError):
    """A scrape got no answer in time. Stash sets no time limit on script scrapers, so the plugin does;
    closing the connection makes Stash cancel the scrape (its request context) and kill the script."""


class StashServerError(StashError):
    """Stash answered with GraphQL errors; `messages` holds them as Stash worded them."""

    def __init__(self, messages: list[str], *, paths: list[list[str | int]] | None = None) -> None:
        super().__init__(joined_causes(messages))
        self.messages = messages
        self.paths = paths or []


class GalleryContentsLocked(StashServerError):
    """Stash keeps the images of zip- and folder-based galleries in step with their files."""


def joined_causes(messages: list[str]) -> str:
    """Messages on one line, each cause once: six aliased fields failing alike say it once, with a count."""
    counts: dict[str, int] = {}
    for message in messages:
        counts[message] = counts.get(message, 0) + 1
    return "; ".join(m if n == 1 else f"{m} (x{n})" for m, n in counts.items())


SHOWN_CHARS = 60  # how much of a bad value an error message quotes


def short_repr(value: object, limit: int = SHOWN_CHARS) -> str:
    """repr(value) cut to `limit` characters, saying how long it was: errors quote bad values,
    they do not echo them whole (a 10 MB id must not make a 10 MB error)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text)} characters)"


def shortened(text: str, limit: int = SHOWN_CHARS) -> str:
    """Text cut to `limit` characters, saying how long it was (a name or value an error quotes)."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


ERROR_MAX = 2000  # the longest error a run answers or logs: whatever it quotes, an answer stays small


def server_error(errors: list[dict[str, Any]]) -> StashServerError:
    """The error for a GraphQL answer with `errors` (Stash's messages kept, as Stash worded them).

    A variable Stash refuses is named only by the error's path (gqlparser's `unknown field` at
    `["variable", "gallery_filter", "colour"]`), so the message says where: `unknown field:
    gallery_filter.colour`."""
    paths = [list(e.get("path") or []) for e in errors]
    messages = [
        f"{e.get('message', e)}: {'.'.join(map(str, path[1:]))}"
        if path[:1] == ["variable"] and len(path) > 1
        else str(e.get("message", e))
        for e, path in zip(errors, paths, strict=True)
    ]
    if any(m.startswith(CONTENTS_LOCKED_PREFIX) for m in messages):
        return GalleryContentsLocked(
            [
                f"{m} (Stash keeps the images of zip- and folder-based galleries in step with their files;"
                " only user-created galleries can be changed image by image)"
                if m.startswith(CONTENTS_LOCKED_PREFIX)
                else m
                for m in messages
            ],
            paths=paths,
        )
    return StashServerError(messages, paths=paths)


def may_retry(exc: StashTransportError | StashServerError, idempotent: bool) -> bool:
    """Whether a failed request may be sent again: a transient fault, and no risk of doing a change twice."""
    if isinstance(exc, StashServerError):
        return all(LOCKED_MESSAGE in m for m in exc.messages)  # the transaction failed and rolled back
    if isinstance(exc, StashAuthError):
        return False
    if exc.status is not None and exc.status not in TRANSIENT_STATUSES:
        return False
    return idempotent or not exc.reached_server
