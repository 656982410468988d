"""What keeps a run's writes to exactly what a person saw in its preview.

The gallery page shows a preview first (a run that writes nothing) and writes only when the
person presses Apply, possibly much later. Stash has no compare-and-set, so the preview's run
carries a Gate: right after the run has planned (the engine calls `passes` with the plans,
before anything would be written), the gate takes the fingerprint of the run's basis: the
digest of every answer Stash gave its reads so far (GalleryOps.reads_digest: the settings, the
galleries, their images, what the workflows read besides) and of the plans themselves (what
they were planned from on disk shows in them: a ComicInfo.xml's fields). The preview hands the
fingerprint to the page.

Apply runs the same task again with that fingerprint: its gate takes the fingerprint of this
run's basis the same way and lets the writes through only when the two are equal, that is when
the run read exactly what the preview read and planned exactly what the preview showed. When the
gallery changed since (a title set, an image added, a setting changed), nothing is written and
the run's plans are the new preview. The engine's own checks still run after the gate (each
batch re-reads what it overwrites: changes.apply_changes).

A gate checks one page of plans: a run over more galleries than one page would write its first
page before reading the next, so its later pages could not be checked before the first is
written. Runs with a gate are limited to one page (limits.PAGE_ACTION_GALLERIES).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..common import json_text as json
from ..stash.operations import GalleryOps
from .report import GalleryPlan


class Gate:
    """One run's check between planning and writing. `expected` None: a preview (it only takes the
    fingerprint); else the fingerprint of the preview whose writes this run may make."""

    def __init__(self, ops: GalleryOps, expected: str | None = None) -> None:
        self.ops = ops
        self.expected = expected
        self.plans: list[GalleryPlan] = []
        self.fingerprint: str | None = None
        self.held = False  # apply: the basis moved since the preview, nothing was written
        # a gallery page's gate (entry/page.py): the images its rows name besides the plans' (the
        # report's names are read in the same request as the rows', Report.read_names)
        self.page_images: list[str] | None = None
        ops.record_reads()

    def passes(self, plans: Sequence[GalleryPlan]) -> bool:
        """Take the fingerprint of what the run read and planned; True when its writes may go."""
        if self.fingerprint is not None:  # a second page: its first page may be written already
            self.held = True
            return False
        self.plans = list(plans)
        self.fingerprint = fingerprint(self.ops.reads_digest(), self.plans)
        self.held = self.expected is not None and self.expected != self.fingerprint
        return not self.held


def fingerprint(reads_digest: str, plans: Sequence[GalleryPlan]) -> str:
    """The digest of a run's reads and of its plans (their changes as described, skips and errors)."""
    planned = [
        {
            "gallery": plan.gallery_id,
            "changes": [change.describe() for change in plan.changes],
            "skipped": plan.skipped,
            "error": plan.error,
        }
        for plan in plans
    ]
    text = json.dumps([reads_digest, planned], sort_keys=True, default=str)
    # (imported here, not at the top: the engine imports this module for every task, few run a gate)
    from ..common.digest import sha256_hex

    return sha256_hex(text)
