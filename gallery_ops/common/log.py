"""The full path's logging: the gallery_ops logger (`log`), written in Stash's plugin log protocol
(docs/stash.md §2) by log_protocol.py, the writer the hook's lean path uses too, with secrets
redacted; and the progress bar.

Each stderr line is "\\x01<level>\\x02<message>"; Stash shows it in its log at that level, and
`p` lines drive a task's progress bar. A multi-line message (a traceback) becomes several
lines, blank ones dropped: Stash would log a bare prefix as an error-level line. Session
cookies and API keys are replaced by "***" in every message, whatever code logged them
(log_protocol.redact: also escaped, URL-encoded, in base64, or a run of 8 or more of their
characters).

Not Python's `logging`: its import (with `string`, `threading`, `traceback`) cost a gallery page
action's process several milliseconds before its first request, for one logger with one handler.
`log` takes the calls the code makes of a `logging.Logger` (debug, info, warning, error, log with
a level; the message %-formatted with its arguments), at the levels of Python's numbers.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import log_protocol

DEBUG, INFO, WARNING, ERROR = 10, 20, 30, 40  # Python's logging levels
LEVEL_LETTERS = {5: "t", DEBUG: "d", INFO: "i", WARNING: "w", ERROR: "e"}  # Stash's letters


class Logger:
    """The one logger of a run: each message as Stash's log lines on stderr (the stderr of now),
    the run's secrets redacted, blank lines (and blank messages) left out."""

    def __init__(self) -> None:
        self.secrets: list[str] = []

    def log(self, level: int, message: str, *args: object) -> None:
        try:
            text = message % args if args else message
        except (TypeError, ValueError):  # a message that does not take its arguments: both, as given
            text = f"{message} {args!r}"
        if not text.strip():
            return
        letter = LEVEL_LETTERS.get(level, "e" if level > ERROR else "d")
        try:
            log_protocol.write(letter, text, self.secrets)
        except (OSError, ValueError):  # logging must never break the run (stderr closed)
            pass

    def debug(self, message: str, *args: object) -> None:
        self.log(DEBUG, message, *args)

    def info(self, message: str, *args: object) -> None:
        self.log(INFO, message, *args)

    def warning(self, message: str, *args: object) -> None:
        self.log(WARNING, message, *args)

    def error(self, message: str, *args: object) -> None:
        self.log(ERROR, message, *args)


log = Logger()


def setup_logging(secrets: Iterable[str] = ()) -> Logger:
    """The gallery_ops logger, hiding the given secrets from now on."""
    log.secrets = [s for s in secrets if s]
    return log


def progress(fraction: float) -> None:
    """Move the task's progress bar (0..1)."""
    log_protocol.progress(fraction)


def current_traceback() -> str:
    """The traceback of the exception being handled, for the debug log (traceback is imported only
    when one is logged: a run that fails nothing does not pay for its import)."""
    import traceback

    return traceback.format_exc()
