"""gallery_ops.common.patterns: user-given patterns run in bounded time (docs/stash.md §2-§3: hooks have no timeout)."""

from __future__ import annotations

import time

import pytest

from gallery_ops.common import patterns
from gallery_ops.common.patterns import PatternSyntaxError, PatternTimeout, compile_pattern

EVIL = r"^(?P<title>(a|aa)+)$"  # exponential backtracking on "aaa...!"


@pytest.fixture(params=["re", "regex", "worker"])
def engine(request):
    """The three ways a search is bounded: Python's re under a SIGALRM timer, the optional regex
    package, and Python's re in a worker process that is killed when a search runs too long."""
    return request.param


# What stops each engine's search, seen as the cause of its PatternTimeout: regex's own timeout, the
# SIGALRM timer, the worker's watchdog.
STOPPED_BY = {"regex": TimeoutError, "re": patterns._TimedOut, "worker": patterns._Stuck}


def test_a_pattern_that_never_finishes_is_stopped_with_a_clear_message(engine):
    """Searched to the end, EVIL on this name takes about 2**60 steps: only the bound can end it, so
    reaching the asserts proves it acted. No clock is read (the machine may be busy): the search is
    seen cut off by the engine's own bound (the cause of the error), and counted once."""
    pattern = compile_pattern(EVIL, "title pattern", engine=engine)
    with pytest.raises(PatternTimeout) as caught:
        pattern.search("a" * 60 + "!")
    assert isinstance(caught.value.__context__, STOPPED_BY[engine])
    assert pattern.timeouts == ["a" * 60 + "!"]
    message = str(caught.value)
    assert "title pattern" in message and "(a|aa)+" in message and "stopped" in message


def test_after_a_few_timeouts_the_pattern_fails_at_once(engine):
    pattern = compile_pattern(EVIL, "title pattern", engine=engine)
    for _ in range(patterns.GIVE_UP_AFTER):
        with pytest.raises(PatternTimeout):
            pattern.search("a" * 60 + "!")
    pattern.compiled = _NeverSearched()  # "at once": the pattern is not even looked at again
    with pytest.raises(PatternTimeout, match="not used any more"):
        pattern.search("a" * 60 + "!")
    with pytest.raises(PatternTimeout, match="not used any more"):
        pattern.first_found(["a" * 60 + "!", "aa"])
    assert len(pattern.timeouts) == patterns.GIVE_UP_AFTER


class _NeverSearched:
    """A compiled pattern that fails the test if anything of it is used."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the pattern was used again ({name})")


def test_ordinary_patterns_match_as_re_does(engine):
    pattern = compile_pattern(r"^(?P<title>.+?) \[(?P<date>\d{4}-\d{2}-\d{2})\]$", "title pattern", engine=engine)
    found = pattern.search("Trip [2022-08-01]")
    assert found.group("title") == "Trip" and found.group("date") == "2022-08-01"
    assert pattern.group_names == {"title", "date"}
    assert compile_pattern("COVER", "cover rule pattern", ignore_case=True, engine=engine).search("my_cover.jpg")


def test_a_bad_pattern_names_itself(engine):
    with pytest.raises(PatternSyntaxError, match=r"title pattern '\(' is not a valid regex"):
        compile_pattern("(", "title pattern", engine=engine)


def test_the_timer_is_cleared_after_each_search_and_a_signal_outside_one_does_nothing():
    import os
    import signal

    pattern = compile_pattern("a", "title pattern", engine="re")
    assert pattern.search("a") and pattern.first_found(["b", "a"]) == 1
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    os.kill(os.getpid(), signal.SIGALRM)  # the handler stays set; outside a search it does nothing
    assert pattern.search("a") and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("text", [r"\p{L}+", r"(?<=a|bc)x", r"(?<title>\w+)"])
def test_what_only_regex_accepts_is_refused_by_every_engine_alike(engine, text):
    """One syntax on every host: re's (a pattern that worked where `regex` runs it must not fail where
    the timer runs `re`)."""
    with pytest.raises(PatternSyntaxError, match="is not a valid regex"):
        compile_pattern(text, "title pattern", engine=engine)


def test_a_pattern_only_regex_refuses_is_run_by_re(monkeypatch):
    """Valid for `re`, so valid everywhere: where `regex` would run it but refuses it, `re` does (under
    the timer, or in the worker off the main thread)."""
    from types import SimpleNamespace

    class RegexError(Exception):
        pass

    def refuse(text: str, flags: int) -> None:
        raise RegexError("refused")

    monkeypatch.setattr(
        patterns, "_REGEX", [SimpleNamespace(compile=refuse, VERSION0=0, IGNORECASE=2, error=RegexError)]
    )
    pattern = compile_pattern(r"(?P<title>\w+)", "title pattern", engine="regex")
    assert pattern.engine == "re" and pattern.search("trip").group("title") == "trip"


def test_long_patterns_and_names_are_cut_in_messages():
    with pytest.raises(PatternSyntaxError) as caught:
        compile_pattern("(" + "x" * 5000, "title pattern")
    assert len(str(caught.value)) < 300


# The worker (Windows without `regex`, or a search outside the main thread): forced here with
# engine="worker", and reached naturally from a thread with engine="re".

CATASTROPHIC = r"^(?P<title>(a+)+)$"  # hangs `re` for hours on 35 letters and a '!'
STUCK_NAME = "a" * 35 + "!"


@pytest.fixture
def fresh_worker():
    """Each test starts and ends without a worker, so what it checks is its own."""
    patterns.stop_worker()
    yield
    patterns.stop_worker()


def _worker_pid() -> int:
    return patterns._worker().process.pid


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


CASES = [  # (pattern, ignore_case, names): answers must be those of `re`, group by group
    (
        r"^(?P<title>.+?)(?: \[(?P<date>[\d-]+)\])?(?:_(?P<code>\w+))?$",
        False,
        ["Trip [2022-08-01]_AB12", "Trip", "", "Été à Paris [2021-07]", "x_", "\udcff lone surrogate"],
    ),
    (r"(?i)cover|front", False, ["MyCover.JPG", "back.jpg", "FRONT.png", "frontal"]),
    ("cover", True, ["COVER.jpg", "c0ver.jpg", "Ǆcover"]),
    (r"(\w)(\w)?\1", False, ["abca", "aa", "xyz", "ππ"]),
    (r"\bé\w*", False, ["café éclair", "ÉCLAIR", "e"]),
    (r"(?P<a>x)|(?P<b>y)", False, ["y", "x", "z"]),
    (r"(?s)^(?P<title>.+?)\s*(?P<code>[😀-🙏]+)?$", False, ["smile 😀😁", "line\nbreak", "tab\t😀", "\x00nul"]),
]


@pytest.mark.parametrize(("text", "ignore_case", "names"), CASES)
def test_the_worker_answers_exactly_as_re_does(text, ignore_case, names, fresh_worker):
    plain = compile_pattern(text, "title pattern", ignore_case=ignore_case, engine="re")
    worker = compile_pattern(text, "title pattern", ignore_case=ignore_case, engine="worker")
    for name in names:
        expected, got = plain.compiled.search(name), worker.search(name)
        assert (expected is None) == (got is None), name
        if expected is None:
            continue
        groups = range(expected.re.groups + 1)
        assert [got.span(g) for g in groups] == [expected.span(g) for g in groups], name
        assert [got.group(g) for g in groups] == [expected.group(g) for g in groups], name
        assert got.groups() == expected.groups() and got.groupdict() == expected.groupdict(), name
        assert got[0] == expected[0] and got.start() == expected.start() and got.end() == expected.end()
    first = next((i for i, name in enumerate(names) if plain.compiled.search(name)), None)
    assert worker.first_found(names) == first == plain.first_found(names)


def test_the_catastrophic_pattern_of_issue_9_fails_in_bounded_time_in_the_worker(fresh_worker):
    pattern = compile_pattern(CATASTROPHIC, "title pattern", engine="worker")
    stuck_pid = _worker_pid()
    with pytest.raises(PatternTimeout) as caught:  # `re` would take hours on this name: the watchdog ended it
        pattern.search(STUCK_NAME)
    assert isinstance(caught.value.__context__, patterns._Stuck) and pattern.timeouts == [STUCK_NAME]
    assert str(caught.value) == (
        f"the title pattern {CATASTROPHIC!r} took more than {patterns.SEARCH_TIMEOUT} s on {STUCK_NAME!r} and"
        " was stopped; simplify it (nested repeats such as (a|aa)+ can take forever)"
    )
    assert not _alive(stuck_pid)  # killed, not left to spin
    assert pattern.search("aaaa").group("title") == "aaaa"  # a new worker answers the next search
    assert _worker_pid() != stuck_pid


def test_a_gallery_of_names_goes_in_one_request_and_a_stuck_one_fails_it(fresh_worker):
    pattern = compile_pattern(r"^(a+)+$", "cover rule pattern", engine="worker")
    names = [f"img_{i:05}.jpg" for i in range(5000)]
    assert pattern.first_found(names) is None
    assert pattern.first_found([*names, "aaaa"]) == 5000
    with pytest.raises(
        PatternTimeout, match=r"took more than .* on one of \d+ names from '.*' on and was stopped"
    ) as caught:
        pattern.first_found([*names, STUCK_NAME, "aaaa"])  # hours in `re`: the watchdog ended it
    assert isinstance(caught.value.__context__, patterns._Stuck) and len(pattern.timeouts) == 1


def test_a_slow_but_finishing_gallery_is_not_stopped(fresh_worker, monkeypatch):
    """The bound is per name: a request whose names each finish in time may take longer in all.

    (The bound is raised to 1 s here: the watchdog measures wall time, and on a busy CI machine a
    worker that shares two cores with the suite's other processes can be kept off a core for a
    quarter of a second between two progress lines; the request still takes twice the bound.)"""
    monkeypatch.setattr(patterns, "SEARCH_TIMEOUT", 1.0)
    pattern = compile_pattern(r"^(a|aa)+$", "cover rule pattern", engine="worker")
    slow = "a" * 24 + "!"  # a few milliseconds each in `re`
    one = time.monotonic()
    compile_pattern(r"^(a|aa)+$", "x", engine="re").compiled.search(slow)
    each = time.monotonic() - one
    count = int(2 * patterns.SEARCH_TIMEOUT / max(each, 1e-4)) + 1  # more than the bound in all
    assert pattern.first_found([slow] * count + ["aa"]) == count


def test_outside_the_main_thread_re_goes_to_the_worker_and_stays_bounded(fresh_worker):
    import threading

    pattern = compile_pattern(CATASTROPHIC, "title pattern", engine="re")
    caught: list[BaseException] = []
    found: list[object] = []

    def search() -> None:
        try:
            found.append(pattern.search("aaa").group("title"))
            found.append(bool(patterns._WORKER))  # the worker answered, not an unbounded `re`
            pattern.search(STUCK_NAME)
        except PatternTimeout as exc:
            caught.append(exc)

    thread = threading.Thread(target=search)
    thread.start()
    thread.join(timeout=10 * patterns.SEARCH_TIMEOUT + 5)
    assert not thread.is_alive()
    assert found == ["aaa", True] and len(caught) == 1 and "took more than" in str(caught[0])


def test_the_environment_switch_picks_the_engine(monkeypatch):
    for forced, engine in (("worker", "worker"), ("alarm", "re"), ("regex", "regex"), ("", "re")):
        monkeypatch.setenv(patterns.ENGINE_ENV, forced)
        assert compile_pattern("a", "title pattern").engine == engine
    monkeypatch.setattr(patterns, "_REGEX", [None])  # as if the regex package were not installed
    monkeypatch.delenv(patterns.ENGINE_ENV)
    assert compile_pattern("a", "title pattern").engine == "re"


def test_the_timer_is_the_default_in_the_main_thread_and_regex_off_it(monkeypatch):
    """`re` under SIGALRM wherever it works (no `regex` import), `regex` where no signal reaches the
    search, the worker where neither can work."""
    import threading

    monkeypatch.delenv(patterns.ENGINE_ENV, raising=False)
    assert compile_pattern("a", "title pattern").engine == "re"
    engines: list[str] = []
    for installed in (True, False):
        if not installed:
            monkeypatch.setattr(patterns, "_REGEX", [None])  # as if the regex package were not installed
        thread = threading.Thread(target=lambda: engines.append(compile_pattern("a", "title pattern").engine))
        thread.start()
        thread.join()
    assert engines == ["regex", "re"]


OWNER = """\
import os, sys, time
sys.path.insert(0, sys.argv[1])
from gallery_ops.common import patterns
pattern = patterns.compile_pattern("^(a+)+$", "title pattern", engine="worker")
assert pattern.search("aa")
sys.stderr.write(str(patterns._worker().process.pid) + "\\n")
sys.stderr.flush()
if sys.argv[2] == "stuck":
    patterns.SEARCH_TIMEOUT = 600.0  # this run would wait long: the test kills it first
    pattern._in_worker(["a" * 40 + "!"])  # the test kills this process meanwhile
sys.stdout.write("only this\\n")
sys.stdout.flush()
os._exit(0)  # as every run ends (gallery_tools.exit_now): no clean-up runs
"""


def _owner(how: str):
    import subprocess
    import sys
    from pathlib import Path

    repo = str(Path(patterns.__file__).resolve().parents[1])
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER, repo, how], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert owner.stderr is not None
    return owner, int(owner.stderr.readline())


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_the_worker_ends_with_the_run_and_never_writes_to_its_stdout():
    owner, pid = _owner("exit")
    out, _ = owner.communicate(timeout=30)
    assert owner.returncode == 0 and out == "only this\n"
    assert _gone_within(pid, 5)


def test_a_worker_left_stuck_by_a_killed_run_ends_by_itself():
    """Stash kills a cancelled task at once; a worker caught in a search must not spin on alone."""
    owner, pid = _owner("stuck")
    time.sleep(0.3)  # the stuck search has begun
    owner.kill()
    owner.wait(timeout=30)
    assert _alive(pid)  # caught in the search, it cannot read the end of its stdin
    assert _gone_within(pid, 3 * 5.0)  # pattern_worker.HARD_LIMIT is 5 s
