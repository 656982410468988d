"""Patterns a person gives (titlePattern, the cover rule's pattern:, the `pattern` arg), run in bounded time.

A regex can take exponential time on a short name (`^(a|aa)+$` on 40 letters and a
dot), and Stash waits for a hook with no timeout: the scan that fired the hook
would hang with it (docs/stash.md §2-§3). So every search of a user-given pattern is
stopped after SEARCH_TIMEOUT and raises PatternTimeout (a ValueError): the plans turn
it into a failure of that one gallery, with a message that names the pattern and what
to do. After GIVE_UP_AFTER timeouts a pattern fails at once, so a bad pattern costs a
run under a second or two, not a quarter second per gallery.

How the search is stopped, with no new runtime dependency, in the first way that applies:
1. Python's `re` under a SIGALRM timer: `re` checks for signals while it matches, so on
   Linux, macOS and Stash's Docker image (every Alpine platform, armv7 too) the timer
   interrupts it. Only the main thread can take a signal: the handler is set once, at the
   first pattern compiled there, and does nothing outside a search; each search only arms
   and clears the timer (two system calls, cheaper than `regex`'s own timeout);
2. elsewhere (Windows, which has no SIGALRM, or a pattern compiled outside the main thread)
   the `regex` package, when installed, with its own timeout;
3. elsewhere again (no `regex` either, or a search made outside the main thread with a
   pattern compiled in it) Python's `re` runs in a worker process (pattern_worker.py, one
   per run, started at its first use) that is killed when a search takes too long, and
   started again for the next one. The worker runs the same Python's `re`, so its answers
   are those of `re`; a gallery's names for the cover rule go in one request (`first_found`).
   The worker ends when the plugin does (its stdin closes); one caught in a search when the
   plugin is killed (Stash kills a cancelled task at once) ends by its own SIGALRM limit, or
   on Windows with the plugin's job object (`_guard`).
All read the same syntax, Python's `re`: a pattern is compiled by `re` first, also where
`regex` then runs it (in its re-compatible mode), so what `regex` alone accepts (`\\p{L}`,
variable-width look-behind) is refused on every host alike, with re's message; a pattern
`regex` cannot compile goes to the worker. These patterns run in the plugin, not in Stash.
Patterns sent to Stash (the `path` scope, Stash's own cover regex) are Go regexes and never
pass through here. The environment variable ENGINE_ENV forces a way ("regex", "alarm" or
"worker"), for tests and for trouble-shooting.

Standard library only, and light to import: `signal` is imported at the first pattern compiled,
`regex` (with the Python's site-packages, which the hook starts without: `python -S`,
site_packages.load()) only where the timer cannot work, and the worker's modules (subprocess,
threading) only when a worker is started. The new-gallery hook imports this module only when a
title pattern is set; on Linux, macOS and Docker it imports neither `regex` nor site-packages.
"""

from __future__ import annotations

import _thread  # documented (the threading module's own base): which thread asks, without importing threading
import os
import sys
import time

from . import site_packages

TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess
    from collections.abc import Iterable
    from typing import Any

SEARCH_TIMEOUT = 0.25  # seconds one search may take; a sane pattern needs microseconds
GIVE_UP_AFTER = 3  # timeouts after which a pattern fails at once (a run over 10k names stays short)
WATCH_EVERY = 0.02  # seconds between the worker watchdog's looks (the bound holds to within this)
WORKER_START_TIMEOUT = 30.0  # seconds the worker may take to start (a cold Windows disk, a virus scanner)
ENGINE_ENV = "GALLERY_TOOLS_PATTERN_ENGINE"  # "regex", "alarm" or "worker": forces how searches are bounded
WORKER_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pattern_worker.py")
_SHOWN = 60  # characters of a pattern or a name quoted in a message
_ADVICE = "simplify it (nested repeats such as (a|aa)+ can take forever)"


class PatternTimeout(ValueError):
    """A user-given pattern took longer than SEARCH_TIMEOUT on one text (or could not be bounded)."""


class PatternSyntaxError(ValueError):
    """A user-given pattern that does not compile."""


def _short(text: str) -> str:
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "...")


class UserPattern:
    """A compiled user-given pattern; `what` names it in messages ("title pattern").

    `engine` is "regex" (the regex package), "re" (Python's re under SIGALRM where it can,
    else in the worker) or "worker" (always in the worker). A plain class (no dataclasses):
    the new-gallery hook's lean path imports this module.
    """

    def __init__(self, text: str, what: str, compiled: Any, engine: str) -> None:
        self.text = text
        self.what = what
        self.compiled = compiled  # a compiled pattern of the regex package ("regex") or of re
        self.engine = engine
        self.timeouts: list[str] = []  # the names it timed out on

    @property
    def group_names(self) -> set[str]:
        return set(self.compiled.groupindex)

    def search(self, subject: str) -> Any:
        """compiled.search(subject) (a match, or None), stopped after SEARCH_TIMEOUT seconds (PatternTimeout)."""
        self._check_usable()
        if self.engine == "regex":
            try:
                return self.compiled.search(subject, timeout=SEARCH_TIMEOUT)
            except TimeoutError:
                raise self._timed_out(subject) from None
        try:
            if self.engine == "worker":
                raise _NoAlarm
            found = _first_with_alarm(self.compiled, (subject,))
            return None if found is None else found[1]
        except _NoAlarm:
            in_worker = self._in_worker([subject])
            return _WorkerMatch(subject, in_worker[0][1], self.compiled) if in_worker else None
        except _TimedOut:
            raise self._timed_out(subject) from None

    def first_found(self, subjects: Iterable[str]) -> int | None:
        """The index of the first subject the pattern is found in (None: in none); PatternTimeout as `search`.

        In the worker, all subjects go in one request: a gallery's names cost one round trip.
        Elsewhere they are searched one by one, and read only up to the first found."""
        self._check_usable()
        if self.engine == "regex":  # a plain loop: asked of every image of every gallery by the cover rule
            search = self.compiled.search
            for index, subject in enumerate(subjects):
                try:
                    if search(subject, timeout=SEARCH_TIMEOUT):
                        return index
                except TimeoutError:
                    raise self._timed_out(subject) from None
            return None
        try:
            if self.engine == "worker":
                raise _NoAlarm
            found = _first_with_alarm(self.compiled, subjects)
            return None if found is None else found[0]
        except _NoAlarm:
            names = list(subjects)
            in_worker = self._in_worker(names) if names else []
            return in_worker[0][0] if in_worker else None
        except _TimedOut as stuck:
            raise self._timed_out(stuck.subject) from None

    def _check_usable(self) -> None:
        if len(self.timeouts) >= GIVE_UP_AFTER:
            raise PatternTimeout(
                f"the {self.what} {_short(self.text)} is not used any more in this run: it took more than"
                f" {SEARCH_TIMEOUT} s on {GIVE_UP_AFTER} names (first {_short(self.timeouts[0])}); {_ADVICE}"
            )

    def _timed_out(self, subject: str, among: int = 1) -> PatternTimeout:
        self.timeouts.append(subject)
        on = _short(subject) if among == 1 else f"one of {among} names from {_short(subject)} on"
        return PatternTimeout(
            f"the {self.what} {_short(self.text)} took more than {SEARCH_TIMEOUT} s on {on} and was stopped; {_ADVICE}"
        )

    def _in_worker(self, subjects: list[str]) -> list[tuple[int, list[int]]]:
        """[(index, spans)] of the first subject the pattern is found in, searched in the worker."""
        try:
            return _worker().run(self.compiled.pattern, self.compiled.flags, subjects)
        except _Stuck as stuck:
            stop_worker()  # killed mid-search; the next search starts another
            raise self._timed_out(subjects[stuck.done], len(subjects) - stuck.done) from None
        except _WorkerFailed as failed:
            stop_worker()
            self.timeouts.append(subjects[0])
            raise PatternTimeout(
                f"the {self.what} {_short(self.text)} could not be run in bounded time: {failed}"
            ) from None


class _NoAlarm(Exception):
    """No SIGALRM timer here (Windows, or not the main thread): the search goes to the worker."""


class _Alarm(Exception):
    """Raised by the SIGALRM handler inside a search that ran too long."""


class _TimedOut(Exception):
    """A search under the SIGALRM timer ran too long on `subject`."""

    def __init__(self, subject: str) -> None:
        super().__init__(subject)
        self.subject = subject


class _AlarmState:
    """The SIGALRM handler, once set: the thread it was set in (the main thread: only it can set one,
    and only it takes the signal), whether a search is under way (outside one it does nothing), and
    signal.setitimer and ITIMER_REAL (kept here: a search arms and clears the timer, nothing else)."""

    thread: int | None = None  # _thread.get_ident() of the main thread, once the handler is set
    searching = False
    setitimer: Any = None
    real = 0


def _on_alarm(signum: int, frame: Any) -> None:
    if _AlarmState.searching:
        raise _Alarm


def _alarm_ready() -> bool:
    """Whether searches in this thread can be bounded by SIGALRM; sets the handler at the first call
    from the main thread of a platform with setitimer (Linux, macOS, Docker; not Windows)."""
    if _AlarmState.thread is not None:
        return _thread.get_ident() == _AlarmState.thread
    import signal

    if not hasattr(signal, "setitimer"):
        return False
    try:
        signal.signal(signal.SIGALRM, _on_alarm)
    except (ValueError, TypeError):  # not the main thread
        return False
    _AlarmState.setitimer, _AlarmState.real = signal.setitimer, signal.ITIMER_REAL
    _AlarmState.thread = _thread.get_ident()
    return True


def _first_with_alarm(compiled: Any, subjects: Iterable[str]) -> tuple[int, Any] | None:
    """(index, match) of the first subject compiled.search finds something in, each search interrupted
    by SIGALRM after SEARCH_TIMEOUT (_TimedOut); _NoAlarm, before any subject is read, where it cannot.

    The timer is armed around each search only (two calls a name); the handler stays set."""
    if not _alarm_ready():
        raise _NoAlarm
    setitimer, real = _AlarmState.setitimer, _AlarmState.real
    subject = ""
    try:
        for index, subject in enumerate(subjects):
            _AlarmState.searching = True
            setitimer(real, SEARCH_TIMEOUT)
            try:
                match = compiled.search(subject)
            finally:
                setitimer(real, 0)
                _AlarmState.searching = False
            if match is not None:
                return index, match
        return None
    except _Alarm:  # (also when the timer went off just as the search ended: it took the whole bound)
        raise _TimedOut(subject) from None


class _WorkerMatch:
    """What the worker found, shaped like re.Match for what the plans read (group, groups, groupdict, span)."""

    def __init__(self, string: str, spans: list[int], compiled: Any) -> None:
        self.string = string
        self.re = compiled
        self._spans = spans

    def _index(self, group: int | str) -> int:
        index = self.re.groupindex[group] if isinstance(group, str) else group
        if not 0 <= index <= self.re.groups:
            raise IndexError("no such group")
        return int(index)

    def span(self, group: int | str = 0) -> tuple[int, int]:
        index = self._index(group)
        return self._spans[2 * index], self._spans[2 * index + 1]

    def start(self, group: int | str = 0) -> int:
        return self.span(group)[0]

    def end(self, group: int | str = 0) -> int:
        return self.span(group)[1]

    def group(self, *groups: int | str) -> Any:
        if len(groups) > 1:
            return tuple(self.group(one) for one in groups)
        start, end = self.span(groups[0] if groups else 0)
        return None if start < 0 else self.string[start:end]

    def __getitem__(self, group: int | str) -> str | None:
        found: str | None = self.group(group)
        return found

    def groups(self, default: Any = None) -> tuple[Any, ...]:
        return tuple(default if (found := self.group(i)) is None else found for i in range(1, self.re.groups + 1))

    def groupdict(self, default: Any = None) -> dict[str, Any]:
        return {name: default if (found := self.group(name)) is None else found for name in self.re.groupindex}

    def __repr__(self) -> str:
        return f"<worker match span={self.span()} match={self.group()!r}>"


class _Stuck(Exception):
    """A search in the worker ran past SEARCH_TIMEOUT; `done` names of the request were finished."""

    def __init__(self, done: int) -> None:
        super().__init__(done)
        self.done = done


class _WorkerFailed(Exception):
    """The worker could not be started, or ended on its own."""


class _PatternWorker:
    """One pattern_worker.py process, its pipes, and a watchdog thread that kills it when an answer is late.

    The plugin's thread writes a request and reads the answer with plain blocking calls (no hand-over
    between threads per search: a search costs a pipe write and a read on each side). The watchdog
    looks every WATCH_EVERY seconds at how long the plugin has waited for the worker's next line."""

    def __init__(self) -> None:
        import subprocess
        import threading

        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # Windows: no console window pops up
        try:
            self.process: subprocess.Popen[bytes] = subprocess.Popen(
                [sys.executable, "-I", "-S", WORKER_SCRIPT],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                creationflags=flags,
            )
        except (OSError, ValueError) as exc:
            raise _WorkerFailed(f"the pattern worker did not start ({exc})") from None
        _guard(self.process)
        self.lock = threading.Lock()
        self.waiting_since: float | None = time.monotonic()  # since when the next line is awaited
        self.allowed = WORKER_START_TIMEOUT  # seconds that wait may take
        self.killed = False  # by the watchdog or close()
        threading.Thread(target=self._watch, daemon=True, name="pattern-worker-watchdog").start()
        if self._read_line() != b'"ready"\n':
            self.close()
            raise _WorkerFailed(f"the pattern worker did not start within {WORKER_START_TIMEOUT:g} s")

    def _watch(self) -> None:
        """The watchdog thread: kill the process when the awaited line is late."""
        while not self.killed:
            time.sleep(WATCH_EVERY)
            with self.lock:
                since = self.waiting_since
                if since is not None and time.monotonic() - since > self.allowed and not self.killed:
                    self.killed = True
                    self.process.kill()

    def _read_line(self) -> bytes:
        assert self.process.stdout is not None
        try:
            line = self.process.stdout.readline()
        except (OSError, ValueError):
            line = b""
        with self.lock:
            self.waiting_since = None
        return line

    def run(self, text: str, flags: int, subjects: list[str]) -> list[tuple[int, list[int]]]:
        """[(index, spans)] of the first subject the pattern is found in ([]: none); _Stuck when a search
        runs too long."""
        import json

        assert self.process.stdin is not None
        request = json.dumps([text, flags, subjects]).encode("ascii") + b"\n"
        with self.lock:
            if self.killed:
                raise _WorkerFailed("the pattern worker was stopped")
            self.waiting_since, self.allowed = time.monotonic(), SEARCH_TIMEOUT
        try:
            self.process.stdin.write(request)
            self.process.stdin.flush()
        except OSError:
            raise _WorkerFailed("the pattern worker ended unexpectedly") from None
        found: list[tuple[int, list[int]]] = []
        done = 0
        while done < len(subjects):
            line = self._read_line()
            if not line:
                if self.killed:
                    raise _Stuck(done)
                raise _WorkerFailed("the pattern worker ended unexpectedly")
            done, chunk = json.loads(line)
            found.extend((index, spans) for index, spans in chunk)
            if done < len(subjects):
                with self.lock:
                    self.waiting_since = time.monotonic()
        return found

    def close(self) -> None:
        """Kill the process and reap it."""
        with self.lock:
            self.killed = True
        try:
            self.process.kill()
            self.process.wait(timeout=5)
        except (OSError, ValueError, TimeoutError):
            pass
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


def _guard(process: subprocess.Popen[bytes]) -> None:
    """On Windows, tie the worker's life to the plugin's: a job object that kills it when the plugin
    is killed mid-search (Stash kills a cancelled task at once). Best effort: without it the worker
    still ends when it reads the end of its stdin, once its search is done."""
    if sys.platform != "win32":
        return  # pattern_worker.py bounds itself with SIGALRM
    try:
        import ctypes
        from ctypes import wintypes

        class _Basic(ctypes.Structure):
            _fields_ = [
                ("PerProcessUserTimeLimit", ctypes.c_int64),
                ("PerJobUserTimeLimit", ctypes.c_int64),
                ("LimitFlags", wintypes.DWORD),
                ("MinimumWorkingSetSize", ctypes.c_size_t),
                ("MaximumWorkingSetSize", ctypes.c_size_t),
                ("ActiveProcessLimit", wintypes.DWORD),
                ("Affinity", ctypes.c_size_t),
                ("PriorityClass", wintypes.DWORD),
                ("SchedulingClass", wintypes.DWORD),
            ]

        class _Extended(ctypes.Structure):
            _fields_ = [
                ("BasicLimitInformation", _Basic),
                ("IoInfo", ctypes.c_uint64 * 6),
                ("ProcessMemoryLimit", ctypes.c_size_t),
                ("JobMemoryLimit", ctypes.c_size_t),
                ("PeakProcessMemoryUsed", ctypes.c_size_t),
                ("PeakJobMemoryUsed", ctypes.c_size_t),
            ]

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.CreateJobObjectW.restype = wintypes.HANDLE
        job = kernel32.CreateJobObjectW(None, None)
        if not job:
            return
        info = _Extended()
        info.BasicLimitInformation.LimitFlags = 0x2000  # JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
        kernel32.SetInformationJobObject(
            wintypes.HANDLE(job),
            9,  # JobObjectExtendedLimitInformation
            ctypes.byref(info),
            ctypes.sizeof(info),
        )
        kernel32.AssignProcessToJobObject(wintypes.HANDLE(job), wintypes.HANDLE(int(process._handle)))
        _JOBS.append(job)  # the handle stays open until the plugin ends; then Windows kills the worker
    except Exception:  # best effort: the worker works without it
        return


_JOBS: list[object] = []
_WORKER: list[_PatternWorker] = []  # the run's worker, once started


def _worker() -> _PatternWorker:
    """The run's worker, started when there is none (or the one there was killed as its last answer came)."""
    if _WORKER and _WORKER[0].killed:
        stop_worker()
    if not _WORKER:
        _WORKER.append(_PatternWorker())
    return _WORKER[0]


def stop_worker() -> None:
    """End the worker, if one runs (the next search starts another). A run need not call it: the
    worker ends by itself when the plugin's process does (its stdin closes)."""
    if _WORKER:
        _WORKER.pop().close()


def compile_pattern(text: str, what: str, *, ignore_case: bool = False, engine: str | None = None) -> UserPattern:
    """Compile a user-given pattern; PatternSyntaxError says what is wrong with it.

    `engine` ("regex", "re" or "worker") is for tests; by default the one ENGINE_ENV names
    ("alarm" is "re"), else `re` under the timer where it works, else `regex` when installed,
    else `re` in the worker (see the module docstring). Every engine takes `re`'s syntax.
    """
    import re  # (here: a run that compiles no pattern, a Set covers by position, imports no `re`)

    chosen = engine or _default_engine()
    try:
        compiled = re.compile(text, re.IGNORECASE if ignore_case else 0)
    except (re.error, ValueError, OverflowError, RecursionError) as exc:
        raise PatternSyntaxError(f"{what} {_short(text)} is not a valid regex ({exc})") from None
    if chosen == "regex":
        package = regex_package()
        if package is None:
            raise PatternSyntaxError(f"{what} {_short(text)} cannot be compiled: the regex package is not installed")
        try:
            compiled = package.compile(text, package.VERSION0 | (package.IGNORECASE if ignore_case else 0))
        except Exception as exc:  # regex.error is not a subclass of re.error
            if not isinstance(exc, (package.error, ValueError, OverflowError, RecursionError)):
                raise
            chosen = "re"  # valid for `re`, as everywhere else: `re` runs it (in the worker, off the timer)
    return UserPattern(text, what, compiled, chosen)


def regex_package() -> Any:
    """The `regex` package (optional: it has its own timeout), or None when it is not installed.

    Looked for once per run, at the first pattern, among the packages installed for this Python
    (site_packages.load: the hook starts without them)."""
    if not _REGEX:
        site_packages.load()
        try:
            import regex  # type: ignore[import-untyped]  # regex ships no type stubs
        except ImportError:  # pragma: no cover - depends on the environment
            regex = None
        _REGEX.append(regex)
    return _REGEX[0]


_REGEX: list[Any] = []  # [the regex package or None], once looked for


def _default_engine() -> str:
    forced = os.environ.get(ENGINE_ENV, "").strip().lower()
    if forced in ("alarm", "worker"):
        return "re" if forced == "alarm" else "worker"
    if forced == "regex" and regex_package() is not None:
        return "regex"
    if _alarm_ready():
        return "re"
    return "regex" if regex_package() is not None else "re"
