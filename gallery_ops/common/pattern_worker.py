"""The pattern worker: Python's `re` in a child process the plugin can kill (patterns.py).

Where no timer can interrupt `re` (Windows has no SIGALRM; outside the main thread no signal
handler runs) and the `regex` package is not installed, patterns.py runs user patterns here and
kills this process when a search takes longer than its bound. Run as `python -I -S
pattern_worker.py`: the standard library only, nothing from the plugin, so its answers are
exactly those of `re` in the same Python.

The protocol, one JSON line each way (ASCII, so any name survives, lone surrogates too):
- it writes `"ready"` once started;
- a request is `[pattern, flags, names]`: search the names in order, up to the first one the
  pattern is found in;
- it answers with lines `[done, found]`: `done` names finished so far in this request (all of
  them once one is found), `found` empty or `[[index, spans]]` (spans: start and end of group 0,
  1, ... flattened; -1 where a group took no part). A line is written when the request is
  finished, and before that whenever PROGRESS_EVERY has passed since the last one, so the
  plugin can tell a long request from a stuck search.
It ends when its stdin closes (the plugin exited). Where SIGALRM exists, a search that runs
HARD_LIMIT seconds with no line written ends the process too (the plugin was killed while
it waited: no orphan keeps a core busy).
"""

from __future__ import annotations

import json
import re
import signal
import sys
import time

PROGRESS_EVERY = 0.05  # seconds between progress lines of a long request
HARD_LIMIT = 5.0  # seconds a search may run unseen before this process ends itself (where SIGALRM exists)


def _spans(match: re.Match[str]) -> list[int]:
    spans: list[int] = []
    for group in range(match.re.groups + 1):
        spans.extend(match.span(group))
    return spans


def _arm(seconds: float) -> None:
    if hasattr(signal, "setitimer"):  # SIGALRM's default action ends the process
        signal.setitimer(signal.ITIMER_REAL, seconds)


def main() -> int:
    """Answer requests from stdin until it closes."""
    source, out = sys.stdin.buffer, sys.stdout.buffer
    compiled: dict[tuple[str, int], re.Pattern[str]] = {}
    out.write(b'"ready"\n')
    out.flush()
    for line in source:
        text, flags, names = json.loads(line)
        pattern = compiled.get((text, flags))
        if pattern is None:
            pattern = compiled[(text, flags)] = re.compile(text, flags)
        search, clock = pattern.search, time.monotonic
        found: list[list[object]] = []
        last = clock()
        _arm(HARD_LIMIT)
        done = 0
        for index, name in enumerate(names):
            match = search(name)
            done = index + 1
            if match is not None:
                found.append([index, _spans(match)])
                done = len(names)
                break
            if clock() - last >= PROGRESS_EVERY and done < len(names):
                out.write(b"[%d, []]\n" % done)
                out.flush()
                last = clock()
                _arm(HARD_LIMIT)
        _arm(0)
        out.write(json.dumps([done, found]).encode("ascii") + b"\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
