"""The new-gallery hook's requests to Stash, standard library only.

A scan waits for every Gallery.Create.Post hook process (docs/stash.md §3), so the hook's
process must cost little more than starting Python and its requests: they go through the one
connection (connection.py, standard library only) with the documents of documents.py, without
the models and operations of the full path (models.py, operations.py), which the hook does not need.
"""

from __future__ import annotations

from ..common.errors import StashServerError
from ..common.settings import PLUGIN_ID
from . import documents as doc
from .connection import ServerConnection, StashConnection

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Stash names a plugin task's job "Running plugin task: <task name>" when no description is
# given, as the Tasks page and this hook queue it (internal/manager/task_plugin.go).
PLUGIN_TASK_JOB = "Running plugin task: "


class HookOps:
    """The new-gallery hook's operations on Stash, over the one connection; as GalleryOps is for
    the full path, without the models. Building it sends nothing."""

    def __init__(self, connection: StashConnection) -> None:
        self.connection = connection

    @classmethod
    def from_server(cls, server: ServerConnection) -> HookOps:
        return cls(StashConnection(server))

    @property
    def secrets(self) -> list[str]:
        """The session cookie and ApiKey, for redaction."""
        return self.connection.server.secrets

    def close(self) -> None:
        self.connection.close()

    def read_new_gallery(self, gallery_id: int, marker_tag: str) -> dict[str, Any]:
        """One request: {configuration, findGallery, findTags, jobQueue} (documents.NEW_GALLERY_READ)."""
        return self.connection.execute(doc.NEW_GALLERY_READ, {"id": str(gallery_id), "tag": marker_tag})

    def marker_tag_id(self, found: list[dict[str, Any]], marker_tag: str, description: str = "") -> str:
        """The marker tag's id: the one the read found, else created now with `description` (another
        hook may win that race)."""
        if found:
            return str(found[0]["id"])
        tag = {"name": marker_tag, **({"description": description} if description else {})}
        try:
            created = self.connection.execute(doc.CREATE_TAG, {"input": tag}, idempotent=False)
            return str(created["tagCreate"]["id"])
        except StashServerError:
            again = self.connection.execute(doc.FIND_TAG, {"tag": marker_tag})["findTags"]["tags"]
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
        return self.connection.execute(doc.new_gallery_write(parts), variables, idempotent=queue_task is None)


def finish_waiting(job_queue: list[dict[str, Any]] | None, task_name: str) -> bool:
    """Whether the task already waits in Stash's job queue (READY: it will see what is marked now).

    A running one does not count: it may have read the marked galleries already. Stash
    answers null for an empty queue.
    """
    return any(
        job.get("status") == "READY" and job.get("description") == PLUGIN_TASK_JOB + task_name
        for job in job_queue or []
    )
