"""Stash's plugin log protocol and secret redaction, with the standard library only.

Each stderr line is "\\x01<level letter>\\x02<message>" (docs/stash.md §2), cut at stashapi's
line limit; blank lines are dropped (Stash would log a bare prefix as an error). Session
cookies and API keys are replaced by "***" in every message, also when a message quotes
them escaped. The hook's lean path (new_gallery_hook.py) writes through this module
directly; everything else goes through logging and logs.StashLineHandler, which uses it too.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

REDACTED = "***"
PAYLOAD_MAX = 64000  # stashapi.log.LOG_PAYLOAD_MAX_SZ: the longest message a line carries


def secret_forms(secrets: Iterable[str]) -> list[str]:
    """Each secret as it may appear in a message: as is, stripped, escaped (repr); longest first."""
    forms = {form for secret in secrets if secret
             for form in (secret, secret.strip(), repr(secret)[1:-1], secret.encode("unicode_escape").decode())}
    return sorted((f for f in forms if f), key=len, reverse=True)


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every form of every secret replaced by ***."""
    for form in secret_forms(secrets):
        text = text.replace(form, REDACTED)
    return text


def protocol_lines(letter: str, message: str, secrets: Iterable[str] = ()) -> str:
    """The stderr text for one message at level `letter` (t d i w e p), secrets redacted."""
    message = redact(message, secrets)
    return "".join(f"\x01{letter}\x02{line[:PAYLOAD_MAX]}\n" for line in message.splitlines() if line.strip())


def write(letter: str, message: str, secrets: Iterable[str] = ()) -> None:
    """Log one message to Stash (stderr) at level `letter`."""
    sys.stderr.write(protocol_lines(letter, message, secrets))
    sys.stderr.flush()
