"""The full path's logging: the gallery_ops logger, written in Stash's plugin log protocol
(docs/stash.md §2) by log_protocol.py, the writer the hook's lean path uses too, with secrets
redacted; and the progress bar.

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

from . import log_protocol

LOGGER_NAME = "gallery_ops"
# Python's levels as Stash's level letters (trace, debug, info, warning, error)
LEVEL_LETTERS = {5: "t", logging.DEBUG: "d", logging.INFO: "i", logging.WARNING: "w", logging.ERROR: "e"}


class StashLineHandler(logging.Handler):
    """Each record as Stash's log lines on stderr (the stderr of now), secrets redacted, blank
    lines (and blank messages) left out."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        return bool(record.getMessage().strip()) and bool(super().filter(record))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            letter = LEVEL_LETTERS.get(record.levelno, "e" if record.levelno > logging.ERROR else "d")
            sys.stderr.write(log_protocol.protocol_lines(letter, self.format(record), self.secrets))
            sys.stderr.flush()
        except Exception:  # logging must never break the run
            self.handleError(record)


def setup_logging(secrets: Iterable[str] = ()) -> logging.Logger:
    """Send the gallery_ops logger to stderr in Stash's format, hiding the given secrets."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.handlers = [StashLineHandler(secrets)]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return logger


def progress(fraction: float) -> None:
    """Move the task's progress bar (0..1)."""
    log_protocol.progress(fraction)
