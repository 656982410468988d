"""Patterns a person gives (titlePattern, the cover rule's pattern:, the `pattern` arg), run in bounded time.

A regex can take exponential time on a short name (`^(a|aa)+$` on 40 letters and a
dot), and Stash waits for a hook with no timeout: the scan that fired the hook
would hang with it (STASH_FACTS §2-§3). So every user-given pattern runs on the
`regex` package, whose matching takes a timeout; the standard library's `re`
cannot be stopped once it runs. A search that hits the bound raises PatternTimeout
(a ValueError): the plans turn it into a failure of that one gallery, with a message
that names the pattern and what to do. After GIVE_UP_AFTER timeouts a pattern fails
at once, so a bad pattern costs a run under a second, not a quarter second per gallery.

The syntax is Python's (`regex` in its re-compatible mode): these patterns run in the
plugin, not in Stash. Patterns sent to Stash (the `path` scope, Stash's own cover
regex) are Go regexes and never pass through here.
"""

from __future__ import annotations

import regex  # type: ignore[import-untyped]  # regex ships no type stubs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SEARCH_TIMEOUT = 0.25  # seconds one search may take; a sane pattern needs microseconds
GIVE_UP_AFTER = 3  # timeouts after which a pattern fails at once (a run over 10k names stays short)
_SHOWN = 60  # characters of a pattern or a name quoted in a message
_ADVICE = "simplify it (nested repeats such as (a|aa)+ can take forever)"


class PatternTimeout(ValueError):
    """A user-given pattern took longer than SEARCH_TIMEOUT on one text."""


class PatternSyntaxError(ValueError):
    """A user-given pattern that does not compile."""


def _short(text: str) -> str:
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "...")


class UserPattern:
    """A compiled user-given pattern; `what` names it in messages ("title pattern").

    A plain class (no dataclasses): the new-gallery hook's lean path imports this module.
    """

    def __init__(self, text: str, what: str, compiled: Any) -> None:
        self.text = text
        self.what = what
        self.compiled = compiled  # regex.Pattern[str]
        self.timeouts: list[str] = []  # the names it timed out on


    @property
    def group_names(self) -> set[str]:
        return set(self.compiled.groupindex)

    def search(self, subject: str) -> Any:
        """compiled.search(subject), stopped after SEARCH_TIMEOUT seconds (PatternTimeout)."""
        if len(self.timeouts) >= GIVE_UP_AFTER:
            raise PatternTimeout(
                f"the {self.what} {_short(self.text)} is not used any more in this run: it took more than"
                f" {SEARCH_TIMEOUT} s on {GIVE_UP_AFTER} names (first {_short(self.timeouts[0])}); {_ADVICE}")
        try:
            return self.compiled.search(subject, timeout=SEARCH_TIMEOUT)
        except TimeoutError:
            self.timeouts.append(subject)
            raise PatternTimeout(f"the {self.what} {_short(self.text)} took more than {SEARCH_TIMEOUT} s on"
                                 f" {_short(subject)} and was stopped; {_ADVICE}") from None


def compile_pattern(text: str, what: str, *, ignore_case: bool = False) -> UserPattern:
    """Compile a user-given pattern; PatternSyntaxError says what is wrong with it."""
    flags = regex.VERSION0 | (regex.IGNORECASE if ignore_case else 0)
    try:
        compiled = regex.compile(text, flags)
    except (regex.error, ValueError, OverflowError) as exc:
        raise PatternSyntaxError(f"{what} {_short(text)} is not a valid regex ({exc})") from None
    return UserPattern(text, what, compiled)
