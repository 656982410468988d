"""Stash's NATURAL_CI collation, as a sortable byte key.

Stash registers the collation NATURAL_CI with `casefolded.NaturalLess` from
github.com/WithoutPants/sortorder (pkg/sqlite/driver.go). Its rules:

- Runs of ASCII digits compare as numbers; on equal value the run with fewer
  leading zeros is smaller ("2" < "02").
- Other characters compare one by one, case-folded to the lowest equivalent
  rune (ASCII: upper case), so "_" (0x5F) sorts after letters and "/" before.
- When one string is a prefix of the other, the shorter one is smaller.

The simulator stores `natural_key(text)` in BLOB columns so SQLite can sort and
index by it with plain byte comparison. `natural_less` is a direct statement of
the rule, used by the tests to check that the key orders the same way.
"""

from __future__ import annotations

import functools
import re
from typing import Any

_DIGIT_MARK = 0x30  # any code in '0'..'9': digit runs sort where a digit would
_DIGIT_MARK_BYTES = _DIGIT_MARK.to_bytes(3, "big")
_RUNS = re.compile(r"[0-9]+|[^0-9]+")  # ASCII digit runs and the text between them


def _fold(char: str) -> int:
    """Lowest code point among the character and its simple case variants."""
    candidates = [ord(char)]
    for variant in (char.upper(), char.lower()):
        if len(variant) == 1:
            candidates.append(ord(variant))
    return min(candidates)


def _tokens(text: str) -> list[tuple[Any, ...]]:
    """Split text into comparable tokens: (fold,) per character, a 4-tuple per digit run."""
    tokens: list[tuple[Any, ...]] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if "0" <= char <= "9":
            j = i
            while j < n and text[j] == "0":
                j += 1
            zeros = j - i
            k = j
            while k < n and "0" <= text[k] <= "9":
                k += 1
            digits = text[j:k]
            tokens.append((_DIGIT_MARK, len(digits), digits, zeros))
            i = k
        else:
            tokens.append((_fold(char),))
            i += 1
    return tokens


def natural_less(a: str, b: str) -> bool:
    """True when a sorts strictly before b under NATURAL_CI."""
    return _tokens(a) < _tokens(b)


@functools.lru_cache(maxsize=1 << 16)
def _text_run_key(run: str) -> bytes:
    """The key bytes of a run without digits (runs such as folder paths repeat a lot)."""
    return b"".join(_fold(char).to_bytes(3, "big") for char in run)


def natural_key(text: str | int | None) -> bytes:
    """A byte string whose plain ordering equals NATURAL_CI ordering of text.

    The same encoding as the tokens of `_tokens` (3 bytes per folded character; a digit
    run as the digit mark, its significant length, its digits, its leading zeros),
    built run by run because seeding calls this for every image. SQLite passes an
    integer for `COALESCE(title, id)` when the title is NULL; the collation compares
    its text.
    """
    out = bytearray()
    for run in _RUNS.findall("" if text is None else str(text)):
        if "0" <= run[0] <= "9":
            digits = run.lstrip("0")
            out += _DIGIT_MARK_BYTES
            out += len(digits).to_bytes(4, "big")
            out += digits.encode("ascii")
            out += (len(run) - len(digits)).to_bytes(4, "big")
        else:
            out += _text_run_key(run)
    return bytes(out)
