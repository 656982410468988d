"""Regexes as Stash runs them: Go's regexp (RE2 syntax), not Python's re.

Stash compiles MATCHES_REGEX / NOT_MATCHES_REGEX values with Go's `regexp.Compile` and
refuses the query with its error (pkg/sqlite/criterion_handlers.go: f.setError), then
matches with the same engine through its SQLite `regexp` function (pkg/sqlite/regex.go).
The gallery cover regex is such a filter too: `(?i)` + gallery_cover_regex on the image
path (pkg/image/query.go findGalleryCover), and configuration reverts an invalid one to
the default (internal/manager/config/config.go GetGalleryCoverRegex).

The simulator uses RE2 (google-re2, a test dependency), which is the syntax Go's regexp
implements: `\\z` works, Python-only syntax (lookaround `(?=`, backreferences `\\1`,
`(?P=name)`, `\\Z`, possessive and atomic groups) is refused. Where RE2 and Go differ
the Go rule is applied here: Go refuses `\\C` (any byte), which RE2 accepts. Error
messages are Go's: `error parsing regexp: <code>: `<fragment>``.
"""

from __future__ import annotations

import functools
from typing import Any

import re2  # type: ignore[import-untyped]  # google-re2 ships no types

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would print every refused pattern on stderr

# RE2's error codes, as Go's regexp/syntax words the same errors (regexp/syntax/parse.go ErrorCode).
_GO_CODES = {
    "invalid perl operator": "invalid or unsupported Perl syntax",
    "invalid escape sequence": "invalid escape sequence",
    "missing ]": "missing closing ]",
    "missing )": "missing closing )",
    "unexpected )": "unexpected )",
    "trailing \\": "trailing backslash at end of expression",
    "no argument for repetition operator": "missing argument to repetition operator",
    "invalid repetition size": "invalid repeat count",
    "bad repetition operator": "invalid nested repetition operator",
    "invalid character class range": "invalid character class range",
    "invalid character class": "invalid character class",
    "invalid named capture group": "invalid named capture",
    "duplicate capture group name": "duplicate capture group name",
    "invalid UTF-8": "invalid UTF-8",
    "pattern too large - compile failed": "expression too large",
}


class GoRegexError(ValueError):
    """A pattern Go's regexp.Compile refuses; str() is Go's error text."""


def _go_message(pattern: str, raw: str) -> str:
    code, _, fragment = raw.partition(": ")
    go_code = _GO_CODES.get(code, code)
    return f"error parsing regexp: {go_code}: `{fragment or pattern}`"


def _go_only_refusals(pattern: str) -> str | None:
    """Syntax RE2 accepts and Go refuses (only `\\C` outside a class)."""
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            if pattern[index + 1] == "C" and not in_class:
                return "error parsing regexp: invalid escape sequence: `\\C`"
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        index += 1
    return None


@functools.lru_cache(maxsize=256)
def compile_go(pattern: str) -> Any:
    """regexp.MustCompile for the simulator: GoRegexError with Go's message when Go refuses it."""
    refused = _go_only_refusals(pattern)
    if refused is not None:
        raise GoRegexError(refused)
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        raw = exc.args[0] if exc.args else str(exc)
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        raise GoRegexError(_go_message(pattern, text)) from None


def go_search(pattern: str, value: str | None) -> bool:
    """SQLite's `value REGEXP pattern` in Stash: unanchored, case-sensitive unless (?i)."""
    return value is not None and compile_go(pattern).search(value) is not None
