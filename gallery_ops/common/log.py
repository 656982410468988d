"""The full path's logging: the gallery_ops logger, written by stashapi's log module in Stash's
plugin log protocol (docs/stash.md §2), with secrets redacted; and the progress bar.

Each stderr line is "\\x01<level>\\x02<message>"; Stash shows it in its log at that level, and
`p` lines drive a task's progress bar. A multi-line message (a traceback) becomes several
lines, blank ones dropped: Stash would log a bare prefix as an error-level line. Session
cookies and API keys are replaced by "***" in every message, whatever code logged them
(log_protocol.redact: also escaped, URL-encoded, in base64, or a run of 8 or more of their
characters).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from stashapi import log as stash_log  # type: ignore[import-untyped]  # stashapi ships no types

from .log_protocol import redact

LOGGER_NAME = "gallery_ops"


class StashLineHandler(stash_log.StashLogHandler):  # type: ignore[misc]  # an untyped base class
    """stashapi's handler, with secrets redacted and blank lines (and blank messages) left out."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__(sys.stderr)  # the stderr of now (stashapi's default is the one at its import)
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        return bool(record.getMessage().strip()) and bool(super().filter(record))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            super().emit(record)
        except Exception:  # logging must never break the run
            self.handleError(record)

    def format(self, record: logging.LogRecord) -> str:
        text = redact(super().format(record), self.secrets)
        return "\n".join(line for line in text.splitlines() if line.strip())


def setup_logging(secrets: Iterable[str] = ()) -> logging.Logger:
    """Send the gallery_ops logger to stderr in Stash's format, hiding the given secrets."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.handlers = [StashLineHandler(secrets)]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return logger


def progress(fraction: float) -> None:
    """Move the task's progress bar (0..1)."""
    stash_log.progress(min(max(fraction, 0.0), 1.0))
