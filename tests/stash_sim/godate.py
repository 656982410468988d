"""Dates as Stash parses them: Go's time.Parse with Stash's layouts, and Go's error messages.

Facts:
- pkg/models/date.go ParseDate: utils.ParseDateStringAsTime, then the layouts "2006-01"
  (month precision) and "2006" (year precision); on failure
  `failed to parse date "<s>": [<err1> <err2> <err3>]`. The input is not trimmed
  (internal/api/changeset_translator.go optionalDate: "" or null clears the date).
- pkg/utils/date.go ParseDateStringAsTime: time.RFC3339, "2006-01-02", "2006-01-02 15:04:05";
  on failure `ParseDateStringAsTime failed: dateString <<s>>`.
- Go's time.Parse (time/format.go): 2006 takes exactly four digits, 01 02 04 05 exactly two,
  the hour 15 one or two; month, hour, minute and second are range-checked, the day
  against its month (year 0 is a leap year); a fraction may follow the seconds; a space
  in the layout matches one or more spaces; Z07:00 is `Z` or `±hh:mm` (offsets up to
  24:60); nothing may follow. The stored date is the parsed time in its own offset,
  formatted at the date's precision.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

RFC3339 = "2006-01-02T15:04:05Z07:00"
STD_ELEMENTS = ("2006", "Z07:00", "01", "02", "15", "04", "05")  # longest first where they overlap
PRECISION_LAYOUTS = ("2006-01", "2006")  # models.dateFormatPrecision[1:]


class GoParseError(ValueError):
    """time.ParseError; str() is Go's message."""


def go_quote(text: str) -> str:
    """time's own quote(): non-ASCII and control bytes as \\x.., quotes and backslashes escaped."""
    out = ['"']
    for char in text:
        if ord(char) >= 0x80 or char < " ":
            out.extend(f"\\x{byte:02x}" for byte in char.encode("utf-8", "surrogatepass"))
        else:
            out.append("\\" + char if char in '"\\' else char)
    out.append('"')
    return "".join(out)


def _error(layout: str, value: str, layout_elem: str, value_elem: str, message: str = "") -> GoParseError:
    if message:
        return GoParseError(f"parsing time {go_quote(value)}{message}")
    return GoParseError(
        f"parsing time {go_quote(value)} as {go_quote(layout)}: cannot parse"
        f" {go_quote(value_elem)} as {go_quote(layout_elem)}"
    )


def _chunks(layout: str) -> list[tuple[str, str]]:
    """(literal prefix, std element) pairs, then ("<rest>", "") at the end (time.nextStdChunk)."""
    out: list[tuple[str, str]] = []
    prefix, index = "", 0
    while index < len(layout):
        found = next((e for e in STD_ELEMENTS if layout.startswith(e, index)), None)
        if found is None:
            prefix += layout[index]
            index += 1
            continue
        out.append((prefix, found))
        prefix, index = "", index + len(found)
    out.append((prefix, ""))
    return out


def _skip(value: str, prefix: str) -> tuple[str, bool]:
    while prefix:
        if prefix[0] == " ":
            if value and value[0] != " ":
                return value, False
            prefix, value = prefix.lstrip(" "), value.lstrip(" ")
            continue
        if not value or value[0] != prefix[0]:
            return value, False
        prefix, value = prefix[1:], value[1:]
    return value, True


def _is_digit(text: str, index: int) -> bool:
    return index < len(text) and "0" <= text[index] <= "9"


def _getnum(text: str, fixed: bool) -> tuple[int, str] | None:
    if not _is_digit(text, 0):
        return None
    if not _is_digit(text, 1):
        return None if fixed else (int(text[0]), text[1:])
    return int(text[:2]), text[2:]


def _days_in(month: int, year: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


@dataclass
class GoTime:
    year: int
    month: int
    day: int


def go_parse(layout: str, value: str) -> GoTime:
    """time.Parse for the elements Stash's date layouts use; GoParseError with Go's message."""
    original = value
    year, month, day = 0, -1, -1
    for prefix, std in _chunks(layout):
        value, ok = _skip(value, prefix)
        if not ok:
            raise _error(layout, original, prefix, value)
        if not std:
            if value:
                raise _error(layout, original, "", value, f": extra text: {go_quote(value)}")
            break
        hold, bad, out_of_range = value, False, ""
        if std == "2006":
            if len(value) < 4 or not _is_digit(value, 0) or not value[:4].isascii() or not value[:4].isdigit():
                bad = True
            else:
                year, value = int(value[:4]), value[4:]
        elif std in ("01", "02", "15", "04", "05"):
            got = _getnum(value, fixed=std != "15")
            if got is None:
                bad = True
            else:
                number, value = got
                if std == "01":
                    month = number
                    out_of_range = "month" if not 1 <= number <= 12 else ""
                elif std == "02":
                    day = number
                elif std == "15":
                    out_of_range = "hour" if number >= 24 else ""
                elif std == "04":
                    out_of_range = "minute" if number >= 60 else ""
                else:
                    out_of_range = "second" if number >= 60 else ""
                    if not out_of_range and len(value) >= 2 and value[0] in ".," and _is_digit(value, 1):
                        end = 2
                        while _is_digit(value, end):
                            end += 1
                        value = value[end:]
        else:  # Z07:00
            if value[:1] == "Z":
                value = value[1:]
            elif len(value) < 6 or value[3] != ":":
                bad = True
            else:
                sign, hours, minutes, value = value[0], value[1:3], value[4:6], value[6:]
                hour_num, minute_num = _getnum(hours, True), _getnum(minutes, True)
                if hour_num is None or minute_num is None or sign not in "+-":
                    bad = True
                elif hour_num[0] > 24:
                    out_of_range = "time zone offset hour"
                elif minute_num[0] > 60:
                    out_of_range = "time zone offset minute"
        if out_of_range:
            raise _error(layout, original, std, value, f": {out_of_range} out of range")
        if bad:
            raise _error(layout, original, std, hold)
    month = 1 if month < 0 else month
    day = 1 if day < 0 else day
    if not 1 <= day <= _days_in(month, year):
        raise _error(layout, original, "", value, ": day out of range")
    return GoTime(year, month, day)


def parse_stash_date(text: str) -> str:
    """models.ParseDate, as the stored text (`2022-01-05`, `2022-01` or `2022`).

    ValueError with Stash's message (`failed to parse date ...`) when Stash refuses it.
    """
    for layout in (RFC3339, "2006-01-02", "2006-01-02 15:04:05"):
        try:
            found = go_parse(layout, text)
            return f"{found.year:04d}-{found.month:02d}-{found.day:02d}"
        except GoParseError:
            pass
    errors = [f"ParseDateStringAsTime failed: dateString <{text}>"]
    for layout, width in zip(PRECISION_LAYOUTS, (7, 4), strict=True):
        try:
            found = go_parse(layout, text)
            return f"{found.year:04d}-{found.month:02d}"[:width]
        except GoParseError as exc:
            errors.append(str(exc))
    raise ValueError(f"failed to parse date {json.dumps(text, ensure_ascii=False)}: [{' '.join(errors)}]")
