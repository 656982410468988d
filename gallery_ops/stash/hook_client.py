"""The new-gallery hook's wire: its GraphQL documents, and HTTP with the standard library only.

A scan waits for every Gallery.Create.Post hook process (docs/stash.md §3), so the hook's
process must cost little more than starting Python. This module is what it needs to talk
to Stash, without pydantic, requests or stashapi (whose imports alone cost several times
the two requests): the server_connection read as connection.ServerConnection reads it,
the session cookie or ApiKey, the same retries for transient faults (errors.may_retry,
limits.RETRY_DELAYS) and the same error messages as connection.StashConnection. HTTP/1.1
over one kept-alive socket (TCP_NODELAY, as Go's own clients), Content-Length or chunked
answers; https through ssl, imported only then.

The documents are fixed text; every value travels in variables. The write request is put
together from fixed root fields, chosen by what the hook has to do.
"""

from __future__ import annotations

import json
import time

from ..common.errors import (
    TRANSIENT_STATUSES,
    StashAuthError,
    StashServerError,
    StashTransportError,
    may_retry,
    server_error,
)
from ..common.limits import RETRY_DELAYS
from ..common.log_protocol import write
from ..common.settings import PLUGIN_ID, SETTINGS_QUERY_FIELD
from .http import KeptAliveHttp

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# One read: the plugin's settings, the new gallery, the marker tag and Stash's job queue.
HOOK_READ = (
    f"query NewGalleryHook($id: ID!, $tag: String!) {{ configuration {{ {SETTINGS_QUERY_FIELD} }}"
    " findGallery(id: $id) { id title date code files { path } folder { path } }"
    " findTags(tag_filter: { name: { value: $tag, modifier: EQUALS } }, filter: { per_page: 1 }) { tags { id } }"
    " jobQueue { status description } }"
)
FIND_TAG = (
    "query FindMarkerTag($tag: String!) {"
    " findTags(tag_filter: { name: { value: $tag, modifier: EQUALS } }, filter: { per_page: 1 }) { tags { id } } }"
)
CREATE_TAG = "mutation CreateMarkerTag($input: TagCreateInput!) { tagCreate(input: $input) { id } }"

# The write's parts: (variable declarations, root field). Title fields, the marker (added to
# the gallery's tags by Stash itself: nothing is read back, nobody's tag is lost), the Finish task.
WRITE_PARTS = {
    "title": ("$title: GalleryUpdateInput!", "galleryUpdate(input: $title) { id }"),
    "mark": ("$mark: BulkGalleryUpdateInput!", "bulkGalleryUpdate(input: $mark) { id }"),
    "finish": ("$plugin: ID!, $task: String!", "runPluginTask(plugin_id: $plugin, task_name: $task)"),
}


def write_document(parts: list[str]) -> str:
    """The write mutation for the chosen parts (keys of WRITE_PARTS, in that order)."""
    chosen = [WRITE_PARTS[key] for key in WRITE_PARTS if key in parts]
    return f"mutation NewGalleryWrite({', '.join(c[0] for c in chosen)}) {{ {' '.join(c[1] for c in chosen)} }}"


# Stash names a plugin task's job "Running plugin task: <task name>" when no description is
# given, as the Tasks page and this hook queue it (internal/manager/task_plugin.go).
PLUGIN_TASK_JOB = "Running plugin task: "


def finish_waiting(job_queue: list[dict[str, Any]] | None, task_name: str) -> bool:
    """Whether the task already waits in Stash's job queue (READY: it will see what is marked now).

    A running one does not count: it may have read the marked galleries already. Stash
    answers null for an empty queue.
    """
    return any(
        job.get("status") == "READY" and job.get("description") == PLUGIN_TASK_JOB + task_name
        for job in job_queue or []
    )


class LeanServer:
    """server_connection, for the lean path: None from `parse` when anything is unusual.

    Only a plainly well-formed connection is taken (the shapes Stash and the README's manual
    runs send); anything else goes the full way, where connection.ServerConnection explains
    what is wrong with the usual words.
    """

    __slots__ = ("api_key", "cookie_name", "cookie_value", "host", "port", "scheme")

    def __init__(self, scheme: str, host: str, port: int, cookie_name: str, cookie_value: str, api_key: str) -> None:
        self.scheme, self.host, self.port = scheme, host, port
        self.cookie_name, self.cookie_value, self.api_key = cookie_name, cookie_value, api_key

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}/graphql"

    @property
    def secrets(self) -> list[str]:
        return [s for s in (self.cookie_value, self.api_key) if s]

    @classmethod
    def parse(cls, raw: Any) -> LeanServer | None:
        if not isinstance(raw, dict):
            return None
        fields = {str(key).lower(): value for key, value in raw.items()}
        scheme = fields.get("scheme", "http")
        host = fields.get("host", "localhost")
        port = fields.get("port", 9999)
        cookie = fields.get("sessioncookie")
        api_key = fields.get("apikey")
        if scheme not in ("http", "https") or not isinstance(host, str) or not host.strip():
            return None
        if type(port) is not int or not 1 <= port <= 65535:
            return None
        if api_key is not None and not isinstance(api_key, str):
            return None
        name, value = "session", ""
        if cookie is not None:
            if not isinstance(cookie, dict):
                return None
            parts = {str(key).lower(): v for key, v in cookie.items()}
            given_name, given_value = parts.get("name", "session"), parts.get("value")
            if not isinstance(given_name, str) or not isinstance(given_value, str):
                return None
            name, value = given_name, given_value
        for secret in (value, api_key or ""):
            if secret != secret.strip() or any(ord(c) < 32 or ord(c) == 127 for c in secret):
                return None
        host = host.strip()
        return cls(scheme, "127.0.0.1" if host == "0.0.0.0" else host, port, name or "session", value, api_key or "")


class HookWire:
    """The hook's operations on Stash, over one kept-alive connection; counts its requests."""

    def __init__(
        self,
        server: LeanServer,
        *,
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.server = server
        self.url = server.url
        self.retry_delays = retry_delays
        self.sleep = sleep
        self.requests_sent = 0
        head: list[str] = []
        if server.api_key:
            head.append(f"ApiKey: {server.api_key}")
        if server.cookie_value:
            head.append(f"Cookie: {server.cookie_name}={server.cookie_value}")
        self.http = KeptAliveHttp(server.scheme, server.host, server.port, self.url, head)

    def close(self) -> None:
        self.http.close()

    # -- the hook's operations ----------------------------------------------------------------------
    def read_new_gallery(self, gallery_id: int, marker_tag: str) -> dict[str, Any]:
        """One request: {configuration, findGallery, findTags, jobQueue} (HOOK_READ)."""
        return self.execute(HOOK_READ, {"id": str(gallery_id), "tag": marker_tag})

    def marker_tag_id(self, found: list[dict[str, Any]], marker_tag: str) -> str:
        """The marker tag's id: the one the read found, else created now (another hook may win that race)."""
        if found:
            return str(found[0]["id"])
        try:
            return str(self.execute(CREATE_TAG, {"input": {"name": marker_tag}}, idempotent=False)["tagCreate"]["id"])
        except StashServerError:
            again = self.execute(FIND_TAG, {"tag": marker_tag})["findTags"]["tags"]
            if again:
                return str(again[0]["id"])
            raise

    def write_new_gallery(
        self, gallery_id: int, fields: dict[str, str], marker_tag_id: str | None, queue_task: str | None
    ) -> dict[str, Any]:
        """One request: set the title fields, add the marker tag (mode ADD), queue the task, as given.

        Sent once after a fault that may have reached Stash when it queues the task (runPluginTask
        queues a job each time); otherwise retried as every read is.
        """
        parts: list[str] = []
        variables: dict[str, Any] = {}
        if fields:
            parts.append("title")
            variables["title"] = {"id": str(gallery_id), **fields}
        if marker_tag_id is not None:
            parts.append("mark")
            variables["mark"] = {"ids": [str(gallery_id)], "tag_ids": {"ids": [marker_tag_id], "mode": "ADD"}}
        if queue_task is not None:
            parts.append("finish")
            variables.update({"plugin": PLUGIN_ID, "task": queue_task})
        return self.execute(write_document(parts), variables, idempotent=queue_task is None)

    # -- requests ---------------------------------------------------------------------------------
    def execute(self, query: str, variables: dict[str, Any], *, idempotent: bool = True) -> dict[str, Any]:
        """Send one request and return its `data`; any GraphQL error raises StashServerError.

        Retries as StashConnection.execute does (see errors.may_retry); raises
        StashTransportError, StashAuthError or StashServerError.
        """
        body = json.dumps({"query": query, "variables": variables}).encode()
        attempt = 0
        while True:
            try:
                answer = self._post(body)
                if answer.get("errors"):
                    raise server_error([e if isinstance(e, dict) else {"message": str(e)} for e in answer["errors"]])
                return answer.get("data") or {}
            except (StashTransportError, StashServerError) as exc:
                if not may_retry(exc, idempotent) or attempt >= len(self.retry_delays):
                    raise
                delay = self.retry_delays[attempt]
                attempt += 1
                write(
                    "w",
                    f"Stash request failed ({exc}); retry {attempt} of {len(self.retry_delays)} in {delay:.2f}s",
                    self.server.secrets,
                )
                self.sleep(delay)

    # -- HTTP -----------------------------------------------------------------------------------
    def _post(self, body: bytes) -> dict[str, Any]:
        self.requests_sent += 1
        http = self.http
        fresh = not http.is_open
        if fresh:
            http.connect()
        try:
            try:
                status, _, raw = http.exchange(body)
            except ConnectionError:
                if fresh:
                    raise
                http.close()  # the kept-alive connection was closed meanwhile: once more on a new one
                http.connect()
                status, _, raw = http.exchange(body)
        except (OSError, ValueError) as exc:
            http.close()
            raise StashTransportError(
                f"cannot reach Stash at {self.url}: connection failed ({type(exc).__name__})", reached_server=True
            ) from None
        if status == 401:
            raise StashAuthError(
                f"Stash at {self.url} answered 401 Unauthorized: the session cookie or API key is missing or wrong",
                status=401,
            )
        decoded = None
        if status not in TRANSIENT_STATUSES:
            try:
                decoded = json.loads(raw)
            except ValueError:
                decoded = None
        if not isinstance(decoded, dict) or ("data" not in decoded and "errors" not in decoded):
            raise StashTransportError(
                f"Stash at {self.url} answered HTTP {status} without a GraphQL result", status=status
            )
        return decoded
