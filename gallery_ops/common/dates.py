"""Dates exactly as Stash accepts them in a `date` field.

Stash parses a date with Go's time layouts (pkg/models/date.go ParseDate, then
pkg/utils/date.go ParseDateStringAsTime), tried in this order:

    2006-01-02T15:04:05Z07:00   RFC 3339 (stored as its date part)
    2006-01-02                  a day
    2006-01-02 15:04:05         a day and a time (stored as the day)
    2006-01                     a month
    2006                        a year

Go's layouts are strict where Python's strptime is not: year, month, day, minute and
second have exactly their digits (`2022-1-5` is refused, and with it the whole
mutation that carried it), the day must exist in its month (`2023-02-29` is refused),
nothing may follow, and nothing is trimmed (` 2022` is refused). Go's own quirks are
kept: the hour may have one digit (`2022-01-05 7:04:05`), seconds may carry a
fraction (`05.123`), the space may be several, and a time zone offset may go up to +24:60. Only ASCII digits
count as digits.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re

_DIGITS = "[0-9]"
_DAY = rf"(?P<y>{_DIGITS}{{4}})-(?P<m>{_DIGITS}{{2}})-(?P<d>{_DIGITS}{{2}})"
_TIME = (
    rf"(?P<H>{_DIGITS}{{1,2}}):(?P<M>{_DIGITS}{{2}}):(?P<S>{_DIGITS}{{2}})"
    rf"(?:[.,]{_DIGITS}+)?"
)
_ZONE = rf"(?:Z|[+-](?P<zh>{_DIGITS}{{2}}):(?P<zm>{_DIGITS}{{2}}))"
# Go's layouts as patterns, compiled at the first date read (_layouts), `re` imported then: the new-gallery
# hook imports this module with its title rule, and reads a date only from a title pattern's `date` group.
_LAYOUTS = (
    rf"{_DAY}T{_TIME}{_ZONE}",
    _DAY,
    rf"{_DAY} +{_TIME}",  # a space in a Go layout matches a run of spaces
    rf"(?P<y>{_DIGITS}{{4}})-(?P<m>{_DIGITS}{{2}})",
    rf"(?P<y>{_DIGITS}{{4}})",
)
_COMPILED: list[re.Pattern[str]] = []


def _layouts() -> list[re.Pattern[str]]:
    if not _COMPILED:
        import re

        _COMPILED.extend(re.compile(layout) for layout in _LAYOUTS)
    return _COMPILED


def _days_in(month: int, year: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _in_range(found: dict[str, str | None]) -> bool:
    year = int(found["y"] or 0)
    if found.get("m") is not None and not 1 <= int(found["m"] or 0) <= 12:
        return False
    if found.get("d") is not None and not 1 <= int(found["d"] or 0) <= _days_in(int(found["m"] or 0), year):
        return False
    if found.get("H") is not None and not (
        int(found["H"] or 0) < 24 and int(found["M"] or 0) < 60 and int(found["S"] or 0) < 60
    ):
        return False
    return not (found.get("zh") is not None and (int(found["zh"] or 0) > 24 or int(found["zm"] or 0) > 60))


def stash_date(text: str) -> str | None:
    """The date Stash stores for `text` (`2022-01-05`, `2022-01` or `2022`), or None when Stash refuses it."""
    for layout in _layouts():
        match = layout.fullmatch(text)
        if match is None:
            continue
        found = match.groupdict()
        if not _in_range(found):
            continue  # Go tries the next layout after a range error too
        if found.get("d") is not None:
            return f"{found['y']}-{found['m']}-{found['d']}"
        if found.get("m") is not None:
            return f"{found['y']}-{found['m']}"
        return str(found["y"])
    return None


def is_stash_date(text: str) -> bool:
    """True when Stash accepts `text` as a date."""
    return stash_date(text) is not None
