"""What a task reports: counts, reasons, failures and the first changes in detail."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

MAX_DETAILS = 50  # changes listed one by one in the output; the counts cover the rest
MAX_FAILURES = 50


@dataclass
class GalleryPlan:
    """The plan for one gallery: its changes, or why it is left alone."""

    gallery_id: str
    changes: list[Any] = field(default_factory=list)
    skipped: str | None = None  # a reason when the gallery cannot or must not be changed
    error: str | None = None  # the plan itself failed for this gallery (e.g. a pattern that ran too long)

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        return "changed" if self.changes else "unchanged"


@dataclass
class Report:
    task: str
    dry_run: bool
    scanned: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: Counter = field(default_factory=Counter)
    failed: list[dict[str, str]] = field(default_factory=list)
    failed_count: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)
    change_count: int = 0
    requests: int = 0
    extra: dict[str, Any] = field(default_factory=dict)  # a task's own findings (e.g. groups of duplicates)
    unit: str = "galleries"  # what was scanned (galleries_from_folders scans folders)

    def add(self, plan: GalleryPlan, error: str | None = None) -> None:
        """Count one gallery's outcome (error: its changes failed; a failed plan counts as failed too)."""
        self.scanned += 1
        error = error if error is not None else plan.error
        if error is not None:
            self.failed_count += 1
            if len(self.failed) < MAX_FAILURES:
                self.failed.append({"gallery": plan.gallery_id, "error": error})
        elif plan.status == "skipped":
            self.skipped[plan.skipped] += 1
        elif plan.status == "unchanged":
            self.unchanged += 1
        else:
            self.changed += 1
        if error is None:
            for change in plan.changes:
                self.change_count += 1
                if len(self.changes) < MAX_DETAILS:
                    self.changes.append(change.describe())

    @property
    def error(self) -> str | None:
        """The run's error: how many galleries failed (None when none did)."""
        if not self.failed_count:
            return None
        first = self.failed[0]
        which = f"gallery {first['gallery']}" if self.unit == "galleries" else first["gallery"]
        return (f"{self.failed_count} of {self.scanned} {self.unit} failed (first: {which}:"
                f" {first['error']}); the other changes were applied")

    def to_output(self) -> dict[str, Any]:
        verb = "would change" if self.dry_run else "changed"
        return {
            "task": self.task,
            "dry_run": self.dry_run,
            "summary": f"{self.scanned} {self.unit} scanned, {self.changed} {verb}, {self.unchanged} unchanged,"
                       f" {sum(self.skipped.values())} skipped, {self.failed_count} failed",
            "scanned": self.scanned,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "skipped": dict(sorted(self.skipped.items())),
            "failed": self.failed,
            "failed_count": self.failed_count,
            "change_count": self.change_count,
            "changes": self.changes,
            "requests": self.requests,
            **self.extra,
        }
