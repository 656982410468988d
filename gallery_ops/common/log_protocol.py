"""Stash's plugin log protocol and secret redaction, with the standard library only.

Each stderr line is "\\x01<level letter>\\x02<message>" (docs/stash.md §2), cut at stashapi's
line limit; blank lines are dropped (Stash would log a bare prefix as an error). Session
cookies and API keys are replaced by "***" in every message, whatever the case, also when a
message quotes them escaped, URL-encoded, in hex, \\u- or \\x-escaped or in base64, and so is any
run of 8 or more of their characters in any of those forms (a server that echoes a prefix of the
key).

The writer here (`write`, `progress`, `protocol_lines`) is the one writer of every run: the
hook's lean path and the full path's logger (log.py).
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Container, Iterable, Sequence
    from typing import Any

REDACTED = "***"
PAYLOAD_MAX = 64000  # the longest message a line carries (as stashapi's LOG_PAYLOAD_MAX_SZ)


MIN_PART = 8  # a run of this many characters of a secret, in any of its forms, is redacted
# A text's MIN_PART-character window at i holds whole its PIECE characters at the multiple of PIECE
# in [i, i + PIECE) (2 * PIECE <= MIN_PART): a text none of whose pieces at multiples of PIECE is a
# piece of a form has no run of one (what _Prepared.any_run looks at first)
PIECE = MIN_PART // 2


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
                _unicode_escaped(secret),
                url_encoded(secret, plus=False),
                url_encoded(secret, plus=True),
                "%" + raw.hex("%"),  # (each byte as %xx; `raw` is not empty)
                raw.hex(),
                _escaped_by_code(secret),
                "\\x" + raw.hex(" ").replace(" ", "\\x"),  # (each byte as \xhh)
            )
        )
        for shift in range(3):  # base64 of the secret after 0, 1 or 2 other bytes ("user:key", "session=...")
            encoded = _base64(b"\0" * shift + raw)[4 if shift else 0 :]
            forms.add(encoded)
            forms.add(encoded.translate(_URL_SAFE))
    return sorted({_fold(f) for f in forms if f}, key=len, reverse=True)


def _unicode_escaped(text: str) -> str:
    """`text` as the unicode_escape codec writes it; printable ASCII without a backslash is left as it
    is there, and then the codec (a module of its own to import, in every hook process) is not used."""
    if text.isascii() and text.isprintable() and "\\" not in text:
        return text
    return text.encode("unicode_escape").decode()


def _escaped_by_code(text: str) -> str:
    """`text` \\u-escaped character by character (`\\u` and its code in hex, at least 4 digits)."""
    if text.isascii():  # (each character a byte: its code is that byte's hex after 00)
        return "\\u00" + text.encode().hex(" ").replace(" ", "\\u00")
    return "".join(f"\\u{ord(c):04x}" for c in text)


_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# base64's digit for each 6 bits, by those bits as two octal digits
_BASE64_OF_OCTAL = dict(zip([high + low for high in "01234567" for low in "01234567"], _BASE64, strict=True))


def _base64(data: bytes) -> str:
    """`data` in base64 without its "=" padding (as binascii.b2a_base64 writes it, padding stripped;
    written out here: a secret is a few dozen bytes, and binascii is a module to load in every hook).
    Its bits, zero-padded to a multiple of 6, are written in octal at once: each two octal digits
    are 6 bits, one base64 digit."""
    if not data:
        return ""
    digits = (8 * len(data) + 5) // 6
    bits = int.from_bytes(data, "big") << (6 * digits - 8 * len(data))
    octal = iter(f"{bits:0{2 * digits}o}")
    return "".join(map(_BASE64_OF_OCTAL.__getitem__, map(str.__add__, octal, octal)))


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


class _Prepared:
    """The forms of one set of secrets (secret_forms) and a quick test of a text's MIN_PART-character
    windows for runs of them; made once per set of secrets (a run redacts every log line and every
    string of its result with the same ones).

    The test looks up the text's PIECE-character pieces at every PIECE-th place first: a text none
    of which is a piece of a form (the usual line) has no run, after a quarter of the look-ups;
    then each window. It looks them up in the forms joined (a substring search); once the windows
    looked up add up to about what tables of every MIN_PART- and PIECE-character run of the forms
    cost to build, it builds those (sets) and looks them up there. A hook process writes a line
    or two and never pays for the tables; a task writing thousands of lines has them after a few."""

    __slots__ = ("budget", "forms", "grams", "joined", "long", "pieces")

    def __init__(self, secrets: tuple[str, ...]) -> None:
        self.forms = secret_forms(secrets)
        self.long = [form for form in self.forms if len(form) >= MIN_PART]
        self.joined = "\n".join(self.long)
        self.grams: set[str] | None = None
        self.pieces: set[str] = set()
        self.budget = len(self.joined) // MIN_PART  # windows looked up in `joined` before the table is built

    def any_run(self, folded: str) -> bool:
        """Whether some MIN_PART-character window of `folded` may be a run of a form (a window that
        spans two joined forms may say yes wrongly: runs_at decides)."""
        windows = range(len(folded) - MIN_PART + 1)
        if self.grams is None:
            self.budget -= len(windows)
            if self.budget < 0:
                self.grams = {form[at : at + MIN_PART] for form in self.long for at in range(len(form) - MIN_PART + 1)}
                self.pieces = {form[at : at + PIECE] for form in self.long for at in range(len(form) - PIECE + 1)}
        pieces: Container[str] = self.joined if self.grams is None else self.pieces
        if not any(folded[i : i + PIECE] in pieces for i in range(0, len(folded) - PIECE + 1, PIECE)):
            return False
        grams: Container[str] = self.joined if self.grams is None else self.grams
        return any(folded[i : i + MIN_PART] in grams for i in windows)

    def run_at(self, folded: str, i: int) -> int:
        """The length of the longest run of a form that starts at `i` in `folded` (0: none of MIN_PART)."""
        window = folded[i : i + MIN_PART]
        longest = 0
        for form in self.long:
            start = form.find(window)
            while start != -1:
                longest = max(longest, _common_run(folded, i, form, start))
                start = form.find(window, start + 1)
        return longest


_PREPARED: dict[tuple[str, ...], _Prepared] = {}


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every form of every secret replaced by ***, whatever its case, and so is any
    part of one (a prefix a server echoed, a cut base64) of MIN_PART characters or more."""
    key = tuple(secrets)
    prepared = _PREPARED.get(key)
    if prepared is None:
        prepared = _PREPARED[key] = _Prepared(key)
    folded = _fold(text)
    spans: list[tuple[int, int]] = []
    for form in prepared.forms:
        at = folded.find(form)
        while at != -1:
            spans.append((at, at + len(form)))
            at = folded.find(form, at + len(form))
    # is any MIN_PART window of the text a run of a secret? (a quick test first: it is all a usual
    # line costs)
    if prepared.long and prepared.any_run(folded):
        i = 0
        while i <= len(folded) - MIN_PART:
            length = prepared.run_at(folded, i)
            if not length:
                i += 1
                continue
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
    return _redacted(value, secrets, {})


def _redacted(value: Any, secrets: Sequence[str], done: dict[str, str]) -> Any:
    """redact_value, each distinct string redacted once (`done`: those redacted so far, as redacted;
    a task's output repeats its keys and ids in every change it lists)."""
    if isinstance(value, str):
        found = done.get(value)
        if found is None:
            found = done[value] = redact(value, secrets)
        return found
    if isinstance(value, dict):
        return {_redacted(k, secrets, done): _redacted(v, secrets, done) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(item, secrets, done) for item in value]
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
