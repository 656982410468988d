"""Stash's plugin log protocol and secret redaction, with the standard library only.

Each stderr line is "\\x01<level letter>\\x02<message>" (docs/stash.md §2), cut at stashapi's
line limit; blank lines are dropped (Stash would log a bare prefix as an error). Session
cookies and API keys are replaced by "***" in every message, whatever the case, also when a
message quotes them escaped, URL-encoded, in hex, \\u- or \\x-escaped or in base64, and so is any
run of 8 or more of their characters in any of those forms (a server that echoes a prefix of the
key).

The writer here (`write`, `progress`, `protocol_lines`) is the one writer of every run: the
hook's lean path, the dependency installer (gallery_tools_deps.py) and the full path's logger
(log.py).
"""

from __future__ import annotations

import binascii
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

REDACTED = "***"
PAYLOAD_MAX = 64000  # the longest message a line carries (as stashapi's LOG_PAYLOAD_MAX_SZ)


MIN_PART = 8  # a run of this many characters of a secret, in any of its forms, is redacted


def secret_forms(secrets: Iterable[str]) -> list[str]:
    """Each secret as it may appear in a message, lower-cased (matching ignores case: a secret
    upper-cased, or hex in capitals, is found too): as is, stripped, escaped (repr), URL-encoded
    (its unsafe bytes, or every byte), hex, \\u- and \\x-escaped character by character, and
    base64 (at every alignment inside a longer base64 text); longest first."""
    forms: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        raw = secret.encode()
        forms.update(
            (
                secret,
                secret.strip(),
                repr(secret)[1:-1],
                secret.encode("unicode_escape").decode(),
                url_encoded(secret, plus=False),
                url_encoded(secret, plus=True),
                "".join(f"%{b:02x}" for b in raw),
                raw.hex(),
                "".join(f"\\u{ord(c):04x}" for c in secret),
                "".join(f"\\x{b:02x}" for b in raw),
            )
        )
        for shift in range(3):  # base64 of the secret after 0, 1 or 2 other bytes ("user:key", "session=...")
            encoded = binascii.b2a_base64(b"\0" * shift + raw, newline=False).decode()[4 if shift else 0 :].rstrip("=")
            forms.add(encoded)
            forms.add(encoded.translate(_URL_SAFE))
    return sorted({_fold(f) for f in forms if f}, key=len, reverse=True)


def _fold(text: str) -> str:
    """`text` lower-cased character for character (the same length, so positions carry over)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


# What urllib.parse.quote(text, safe="") leaves as it is; the rest of the UTF-8 bytes become %XX.
# (urllib.parse is not imported for this: the hook logs through this module, and a hook process
# should import no more than it needs.)
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")
_URL_SAFE = str.maketrans("+/", "-_")  # base64 to its URL-safe alphabet


def url_encoded(text: str, plus: bool) -> str:
    """`text` URL-encoded as urllib.parse.quote(text, safe="") does, or with plus=True as quote_plus
    does (a space becomes +)."""
    return "".join(
        chr(byte) if byte in _UNRESERVED else "+" if plus and byte == 32 else f"%{byte:02X}" for byte in text.encode()
    )


def _prepared(secrets: Iterable[str]) -> tuple[list[str], dict[str, list[tuple[str, int]]]]:
    """The forms of the secrets (secret_forms) and their MIN_PART-character runs, each run with the
    forms and offsets it occurs at; computed once per set of secrets (a run redacts every log line
    and every string of its result with the same ones)."""
    key = tuple(secrets)
    found = _PREPARED.get(key)
    if found is None:
        forms = secret_forms(key)
        grams: dict[str, list[tuple[str, int]]] = {}
        for form in forms:
            if len(form) < MIN_PART:
                continue
            for start in range(len(form) - MIN_PART + 1):
                grams.setdefault(form[start : start + MIN_PART], []).append((form, start))
        found = _PREPARED[key] = (forms, grams)
    return found


_PREPARED: dict[tuple[str, ...], tuple[list[str], dict[str, list[tuple[str, int]]]]] = {}


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every form of every secret replaced by ***, whatever its case, and so is any
    part of one (a prefix a server echoed, a cut base64) of MIN_PART characters or more."""
    forms, grams = _prepared(secrets)
    folded = _fold(text)
    spans: list[tuple[int, int]] = []
    for form in forms:
        at = folded.find(form)
        while at != -1:
            spans.append((at, at + len(form)))
            at = folded.find(form, at + len(form))
    # is any MIN_PART window of the text a run of a secret? (a lookup per window: a secret's runs are
    # many more than the windows of a usual line)
    if grams and any(folded[i : i + MIN_PART] in grams for i in range(len(folded) - MIN_PART + 1)):
        i = 0
        while i <= len(folded) - MIN_PART:
            found = grams.get(folded[i : i + MIN_PART])
            if not found:
                i += 1
                continue
            length = max(_common_run(folded, i, form, start) for form, start in found)
            spans.append((i, i + length))
            i += length
    if not spans:
        return text
    out: list[str] = []
    at = 0
    for start, end in sorted(spans):
        if end <= at:
            continue
        out.append(text[at:start] if start > at else "")
        if start >= at:
            out.append(REDACTED)
        at = max(at, end)
    out.append(text[at:])
    return "".join(out)


def redact_value(value: Any, secrets: Sequence[str]) -> Any:
    """A JSON-like value with every string in it redacted (the result object on stdout)."""
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {redact_value(k, secrets): redact_value(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item, secrets) for item in value]
    return value


def _common_run(text: str, at: int, form: str, start: int) -> int:
    """How many characters of `text` from `at` equal `form` from `start`."""
    n = 0
    while at + n < len(text) and start + n < len(form) and text[at + n] == form[start + n]:
        n += 1
    return n


def protocol_lines(letter: str, message: str, secrets: Iterable[str] = ()) -> str:
    """The stderr text for one message at level `letter` (t d i w e p), secrets redacted."""
    message = redact(message, secrets)
    return "".join(f"\x01{letter}\x02{line[:PAYLOAD_MAX]}\n" for line in message.splitlines() if line.strip())


def write(letter: str, message: str, secrets: Iterable[str] = ()) -> None:
    """Log one message to Stash (stderr) at level `letter`."""
    sys.stderr.write(protocol_lines(letter, message, secrets))
    sys.stderr.flush()


def progress(fraction: float) -> None:
    """Move the task's progress bar (0..1): a `p` line holding the fraction (as stashapi writes it)."""
    write("p", str(min(max(fraction, 0.0), 1.0)))
