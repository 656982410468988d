"""gallery_ops.patterns: user-given patterns run in bounded time (docs/stash.md §2-§3: hooks have no timeout)."""

from __future__ import annotations

import time

import pytest

from gallery_ops import patterns
from gallery_ops.patterns import PatternSyntaxError, PatternTimeout, compile_pattern

EVIL = r"^(?P<title>(a|aa)+)$"  # exponential backtracking on "aaa...!"


@pytest.fixture(params=["re", "regex"])
def engine(request):
    """Both ways a search is bounded: Python's re under a SIGALRM timer, and the optional regex package."""
    return request.param


def test_a_pattern_that_never_finishes_is_stopped_with_a_clear_message(engine):
    pattern = compile_pattern(EVIL, "title pattern", engine=engine)
    started = time.monotonic()
    with pytest.raises(PatternTimeout) as caught:
        pattern.search("a" * 60 + "!")
    assert time.monotonic() - started < 5 * patterns.SEARCH_TIMEOUT + 1
    message = str(caught.value)
    assert "title pattern" in message and "(a|aa)+" in message and "stopped" in message


def test_after_a_few_timeouts_the_pattern_fails_at_once(engine):
    pattern = compile_pattern(EVIL, "title pattern", engine=engine)
    for _ in range(patterns.GIVE_UP_AFTER):
        with pytest.raises(PatternTimeout):
            pattern.search("a" * 60 + "!")
    started = time.monotonic()
    with pytest.raises(PatternTimeout, match="not used any more"):
        pattern.search("a" * 60 + "!")
    assert time.monotonic() - started < patterns.SEARCH_TIMEOUT


def test_ordinary_patterns_match_as_re_does(engine):
    pattern = compile_pattern(r"^(?P<title>.+?) \[(?P<date>\d{4}-\d{2}-\d{2})\]$", "title pattern", engine=engine)
    found = pattern.search("Trip [2022-08-01]")
    assert found.group("title") == "Trip" and found.group("date") == "2022-08-01"
    assert pattern.group_names == {"title", "date"}
    assert compile_pattern("COVER", "cover rule pattern", ignore_case=True, engine=engine).search("my_cover.jpg")


def test_a_bad_pattern_names_itself(engine):
    with pytest.raises(PatternSyntaxError, match=r"title pattern '\(' is not a valid regex"):
        compile_pattern("(", "title pattern", engine=engine)


def test_the_timer_is_cleared_after_each_search():
    import signal

    compile_pattern("a", "title pattern", engine="re").search("a")
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.default_int_handler, None)


def test_long_patterns_and_names_are_cut_in_messages():
    with pytest.raises(PatternSyntaxError) as caught:
        compile_pattern("(" + "x" * 5000, "title pattern")
    assert len(str(caught.value)) < 300
