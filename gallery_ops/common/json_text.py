"""JSON read and written by `_json`, the C module under the standard library's `json`, without
importing `json` itself (standard library only).

Why: `import json` imports `json.decoder`, which compiles regular expressions when it is imported,
so every process that imports `json` imports `re` and `enum` too: about 6 ms of CPU on the
development machine, for a task process that spends some 30 ms before its first request (a hook
or a page action as much; docs/architecture.md, "The runtime"). `_json` alone takes 0.15 ms, and
it is what `json` runs anyway: its scanner decodes, its encoder writes. The plugin imports this
module as `json` (`from ..common import json_text as json`) and calls what it called before:

- `loads(text, parse_constant=..., object_pairs_hook=...)`: what `json.loads` gives for the same
  arguments, the scanner made from the same settings as json.loads' decoder, the same whitespace
  and "Expecting value" / "Extra data" checks around it; bytes decoded as json.loads does;
- `dumps(value, ensure_ascii=..., sort_keys=..., default=...)`: the bytes `json.dumps` writes
  with those arguments (its separators, NaN written as json writes it, circular data refused);
- `detect_encoding(data)`: json.detect_encoding's answer; `encode_basestring_ascii(text)`: json's.

A text json would refuse is refused with json's own `JSONDecodeError` (a ValueError), with its
message and place: the C scanner raises it itself, and so does `loads` here, importing `json` only
then. A value json cannot write raises json's TypeError or ValueError, in json's words. Where a
Python has no `_json` (another implementation), `json` itself answers every call. `value_at`
is json's raw_decode, for stash/pieces.py (a big gallery's pages, cut between their items).
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

try:
    from _json import encode_basestring, encode_basestring_ascii, make_encoder, make_scanner
except ImportError:  # (a Python without the C module: json answers, below)
    from json.encoder import encode_basestring, encode_basestring_ascii

    make_encoder = make_scanner = None  # type: ignore[assignment, misc]

SPACE = " \t\n\r"  # JSON's whitespace, what json.loads skips before and after the value
_CONSTANTS = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}


class _Settings:
    """What the C scanner reads from json's decoder when it is made: json.loads' defaults, with
    the two settings the plugin gives (array_hook: Python 3.15's decoder has it too)."""

    def __init__(self, parse_constant: Callable[[str], Any] | None, object_pairs_hook: Callable[..., Any] | None):
        self.strict = True
        self.object_hook = None
        self.object_pairs_hook = object_pairs_hook
        self.array_hook = None
        self.parse_float = float
        self.parse_int = int
        self.parse_constant = parse_constant or _CONSTANTS.__getitem__


# json.loads' default decoder's scanner (the C scanner reads its settings from any object that has them)
_SCAN = make_scanner(_Settings(None, None)) if make_scanner is not None else None  # type: ignore[arg-type]


def loads(
    text: str | bytes | bytearray,
    *,
    parse_constant: Callable[[str], Any] | None = None,
    object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
) -> Any:
    """json.loads(text, parse_constant=..., object_pairs_hook=...)."""
    if _SCAN is None:
        import json

        return json.loads(text, parse_constant=parse_constant, object_pairs_hook=object_pairs_hook)
    if isinstance(text, str):
        if text.startswith("\ufeff"):
            raise _refused("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    elif isinstance(text, bytes | bytearray):
        text = text.decode(detect_encoding(text), "surrogatepass")
    else:
        raise TypeError(f"the JSON object must be str, bytes or bytearray, not {text.__class__.__name__}")
    if parse_constant is None and object_pairs_hook is None:
        scan = _SCAN
    else:
        scan = make_scanner(_Settings(parse_constant, object_pairs_hook))  # type: ignore[arg-type]
    value, end = _scanned(scan, text, after_space(text, 0, len(text)))
    end = after_space(text, end, len(text))
    if end != len(text):
        raise _refused("Extra data", text, end)
    return value


def value_at(text: str, at: int) -> tuple[Any, int]:
    """json.JSONDecoder().raw_decode(text, at): the value that starts at `at` (no whitespace
    skipped) and the index after it, or json's error."""
    if _SCAN is None:
        import json

        return json.JSONDecoder().raw_decode(text, at)
    return _scanned(_SCAN, text, at)


def _scanned(scan: Callable[[str, int], tuple[Any, int]], text: str, at: int) -> tuple[Any, int]:
    """The value that starts at `at` and the index after it, or json's error."""
    try:
        return scan(text, at)
    except StopIteration as stop:  # (the scanner's "no value here")
        raise _refused("Expecting value", text, stop.value) from None
    except SystemError:
        if "json.decoder" in sys.modules:
            raise
    # Python 3.11's scanner raises json's JSONDecodeError only when json.decoder is imported already
    # (else it fails with this SystemError): imported now, the text is read again and refused as json refuses it
    import json.decoder  # noqa: F401

    return _scanned(scan, text, at)


def after_space(text: str, at: int, end: int) -> int:
    """The index of the first character at or after `at` that is not JSON whitespace (`end` at most)."""
    while at < end and text[at] in SPACE:
        at += 1
    return at


def _refused(message: str, text: str, at: int) -> ValueError:
    """json's JSONDecodeError (json imported now: only a refused text needs it)."""
    from json import JSONDecodeError

    return JSONDecodeError(message, text, at)


def dumps(
    value: Any, *, ensure_ascii: bool = True, sort_keys: bool = False, default: Callable[[Any], Any] | None = None
) -> str:
    """json.dumps(value, ensure_ascii=..., sort_keys=..., default=...)."""
    if make_encoder is None:
        import json

        return json.dumps(value, ensure_ascii=ensure_ascii, sort_keys=sort_keys, default=default)
    text_of = encode_basestring_ascii if ensure_ascii else encode_basestring
    if isinstance(value, str):
        return text_of(value)
    # as json's encoder makes it for one call: circular data checked (a fresh dict of the
    # objects being written), no indent, `, ` and `: `, keys that are not text refused, NaN written
    encode = make_encoder({}, default or _not_serializable, text_of, None, ": ", ", ", sort_keys, False, True)
    return "".join(encode(value, 0))


def _not_serializable(value: Any) -> Any:
    """json's answer for a value it cannot write, when no `default` is given."""
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def detect_encoding(data: bytes | bytearray) -> str:
    """json.detect_encoding(data): UTF-8 unless a BOM or a zero byte in the first two says
    otherwise (then json, imported for it, reads which UTF-16 or UTF-32 it is)."""
    if 0 not in data[:2] and not data.startswith((b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe")):
        return "utf-8"
    import json

    return json.detect_encoding(data)


__all__ = ["after_space", "detect_encoding", "dumps", "encode_basestring_ascii", "loads", "value_at"]
