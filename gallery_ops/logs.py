"""Logging in Stash's plugin log protocol (through stashapi.log), progress, and secret redaction.

Each stderr line is "\\x01<level>\\x02<message>" (STASH_FACTS §2); Stash shows it in its
log at that level, and `p` lines drive a task's progress bar. Session cookies and API
keys are replaced by "***" in every message, whatever code logged them.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from stashapi import log as stash_log

LOGGER_NAME = "gallery_ops"
REDACTED = "***"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            for secret in self.secrets:
                message = message.replace(secret, REDACTED)
            record.msg, record.args = message, None
        return True


def setup_logging(secrets: Iterable[str] = ()) -> logging.Logger:
    """Send the gallery_ops logger to stderr in Stash's format, hiding the given secrets."""
    logger = logging.getLogger(LOGGER_NAME)
    handler = stash_log.StashLogHandler(sys.stderr)
    handler.addFilter(RedactSecrets(secrets))
    logger.handlers = [handler]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return logger


def progress(fraction: float) -> None:
    """Move the task's progress bar (0..1)."""
    stash_log.progress(min(max(fraction, 0.0), 1.0))
