"""Patterns a person gives (titlePattern, the cover rule's pattern:, the `pattern` arg), run in bounded time.

A regex can take exponential time on a short name (`^(a|aa)+$` on 40 letters and a
dot), and Stash waits for a hook with no timeout: the scan that fired the hook
would hang with it (docs/stash.md §2-§3). So every search of a user-given pattern is
stopped after SEARCH_TIMEOUT and raises PatternTimeout (a ValueError): the plans turn
it into a failure of that one gallery, with a message that names the pattern and what
to do. After GIVE_UP_AFTER timeouts a pattern fails at once, so a bad pattern costs a
run under a second, not a quarter second per gallery.

How the search is stopped, with no new dependency: Python's `re` checks for signals
while it matches, so on Linux, macOS and Stash's Docker image (every Alpine platform,
armv7 too, where the `regex` package has no wheel) a SIGALRM timer interrupts it. Where
the `regex` package is installed (e.g. on Windows, which has no SIGALRM) it is used
instead, with its own timeout. Both read the same syntax (Python's; `regex` in its
re-compatible mode): these patterns run in the plugin, not in Stash. Patterns sent to
Stash (the `path` scope, Stash's own cover regex) are Go regexes and never pass through here.
"""

from __future__ import annotations

import re
import signal

try:  # optional: used when present (it has its own timeout); `re` with a timer otherwise
    import regex as _regex  # type: ignore[import-untyped]  # regex ships no type stubs
except ImportError:  # pragma: no cover - depends on the environment
    _regex = None

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

    def __init__(self, text: str, what: str, compiled: Any, engine: str) -> None:
        self.text = text
        self.what = what
        self.compiled = compiled  # a compiled pattern of `engine`: "regex" or "re"
        self.engine = engine
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
            if self.engine == "regex":
                return self.compiled.search(subject, timeout=SEARCH_TIMEOUT)
            return _search_with_alarm(self.compiled, subject)
        except TimeoutError:
            self.timeouts.append(subject)
            raise PatternTimeout(f"the {self.what} {_short(self.text)} took more than {SEARCH_TIMEOUT} s on"
                                 f" {_short(subject)} and was stopped; {_ADVICE}") from None


class _Alarm(Exception):
    """Raised by the SIGALRM handler inside a search that ran too long."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Alarm


def _search_with_alarm(compiled: Any, subject: str) -> Any:
    """compiled.search(subject) interrupted by SIGALRM after SEARCH_TIMEOUT (TimeoutError).

    Without SIGALRM (Windows) or outside the main thread the search runs unbounded: install
    `regex` there to have the bound."""
    if not hasattr(signal, "setitimer"):
        return compiled.search(subject)
    try:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
    except ValueError:  # not the main thread
        return compiled.search(subject)
    signal.setitimer(signal.ITIMER_REAL, SEARCH_TIMEOUT)
    try:
        return compiled.search(subject)
    except _Alarm:
        raise TimeoutError from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def compile_pattern(text: str, what: str, *, ignore_case: bool = False, engine: str | None = None) -> UserPattern:
    """Compile a user-given pattern; PatternSyntaxError says what is wrong with it.

    `engine` ("regex" or "re") is for tests; by default `regex` when installed, else `re`.
    """
    chosen = engine or ("regex" if _regex is not None else "re")
    try:
        if chosen == "regex":
            compiled = _regex.compile(text, _regex.VERSION0 | (_regex.IGNORECASE if ignore_case else 0))
        else:
            compiled = re.compile(text, re.IGNORECASE if ignore_case else 0)
    except (re.error, ValueError, OverflowError, RecursionError) as exc:
        raise PatternSyntaxError(f"{what} {_short(text)} is not a valid regex ({exc})") from None
    except Exception as exc:  # regex.error is not a subclass of re.error
        if _regex is not None and isinstance(exc, _regex.error):
            raise PatternSyntaxError(f"{what} {_short(text)} is not a valid regex ({exc})") from None
        raise
    return UserPattern(text, what, compiled, chosen)
