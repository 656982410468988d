"""gallery_ops.common.dates: exactly the dates Stash accepts (Go layouts of pkg/models/date.go, pkg/utils/date.go)."""

from __future__ import annotations

import pytest

from gallery_ops.common.dates import is_stash_date, stash_date


@pytest.mark.parametrize(
    "text, stored",
    [
        ("2022-01-05", "2022-01-05"),
        ("2022-01", "2022-01"),
        ("2022", "2022"),
        ("0000", "0000"),  # Go's 2006 takes any four digits
        ("2024-02-29", "2024-02-29"),  # a leap year
        ("2000-02-29", "2000-02-29"),
        ("2022-01-05 15:04:05", "2022-01-05"),
        ("2022-01-05 7:04:05", "2022-01-05"),  # Go's hour element 15 takes one digit too
        ("2022-01-05   07:04:05", "2022-01-05"),  # a layout's space matches a run of spaces
        ("2022-01-05 07:04:05.123", "2022-01-05"),  # a fraction after the seconds is accepted when parsing
        ("2022-01-05T15:04:05Z", "2022-01-05"),
        ("2022-01-05T23:30:00-05:00", "2022-01-05"),  # the date as written, in its own offset
        ("2022-01-05T15:04:05,5+01:00", "2022-01-05"),
    ],
)
def test_accepted(text, stored):
    assert stash_date(text) == stored


@pytest.mark.parametrize(
    "text",
    [
        "2022-1-5",
        "2022-01-5",
        "2022-1",
        "22-01-05",
        "202",
        "20222",
        "2023-13-01",
        "2023-00",
        "2023-02-29",
        "1900-02-29",
        "2023-04-31",
        "2023-01-00",
        " 2022",
        "2022 ",
        "2022-01-05T15:04:05",
        "2022-01-05t15:04:05z",
        "2022-01-05 24:00:00",
        "2022-01-05 15:60:00",
        "2022-01-05 15:04:60",
        "2022/01/05",
        "05.01.2022",
        "",
        "２０２２",  # full-width digits are digits to Python, not to Go
    ],
)
def test_refused(text):
    assert stash_date(text) is None
    assert not is_stash_date(text)


def _candidates() -> list[str]:
    import itertools
    import random

    rng = random.Random(9)
    pieces = [
        "2022",
        "0000",
        "1900",
        "2024",
        "-",
        "01",
        "1",
        "02",
        "29",
        "31",
        "13",
        "00",
        "T",
        " ",
        "  ",
        ":",
        "15",
        "7",
        "24",
        "59",
        "60",
        "04",
        "05",
        ".5",
        ",123",
        "Z",
        "z",
        "+01:00",
        "-05:00",
        "+25:00",
        "+01:61",
        "+0100",
        "x",
    ]
    made = {"".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(4000)}
    made |= {
        f"{y}-{m}-{d}"
        for y, m, d in itertools.product(
            ["2023", "2024", "1900", "2000"],
            ["01", "02", "04", "12", "13", "1"],
            ["00", "01", "28", "29", "30", "31", "5"],
        )
    }
    return sorted(made)


def test_the_plugin_accepts_exactly_what_the_simulated_stash_accepts():
    """dates.py against the simulator's Go time.Parse (tests/stash_sim/godate.py), on 4,000+ strings."""
    from stash_sim.godate import parse_stash_date

    disagree = []
    for text in _candidates():
        try:
            stash = parse_stash_date(text)
        except ValueError:
            stash = None
        if stash_date(text) != stash:
            disagree.append((text, stash_date(text), stash))
    assert disagree == []
