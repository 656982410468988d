"""Logging in Stash's plugin log protocol (log_protocol.py), progress, and secret redaction.

Each stderr line is "\\x01<level>\\x02<message>" (docs/stash.md §2), with stashapi's level
letters and line limit; Stash shows it in its log at that level, and `p` lines drive a
task's progress bar. A multi-line message (a traceback) becomes several lines, blank
ones dropped: Stash would log a bare prefix as an error-level line. Session cookies
and API keys are replaced by "***" in every message, whatever code logged them, also
when a message quotes them escaped (requests' InvalidHeader error shows a key with a
newline as its repr), URL-encoded or in base64, and any run of 8 or more of their
characters (a server that echoes a prefix of the key).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from stashapi import log as stash_log  # type: ignore[import-untyped]  # stashapi ships no types

from .log_protocol import REDACTED, protocol_lines, redact, redact_value, secret_forms

LOGGER_NAME = "gallery_ops"
__all__ = [
    "LOGGER_NAME",
    "REDACTED",
    "StashLineHandler",
    "progress",
    "redact",
    "redact_value",
    "secret_forms",
    "setup_logging",
]


class StashLineHandler(logging.Handler):
    """Writes records to stderr in Stash's log protocol, with secrets redacted."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level = stash_log.STASH_LOG_LEVEL_MAP.get(record.levelno, "i")
            sys.stderr.write(protocol_lines(level, self.format(record), self.secrets))
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
    stash_log.progress(min(max(fraction, 0.0), 1.0))
