"""What Stash's subscriptions report, fed from what happens in the simulator.

Stash's sources (internal/api/resolver_subscription_*.go):
- loggingSubscribe: each message is a list of log entries, only entries logged after the
  subscription started, at every level. internal/log/logger.go addLogItem hands each entry
  to its own goroutine (broadcastLogItem), which appends it to a buffer and sends the buffer
  at once when the last send is a second old or more, else a second after the last send:
  the first line after a quiet second goes alone, the rest of a burst follows up to a
  second later, and a burst's lines may be in any order (the goroutines race). Here each
  log call's lines are appended in a shuffled order, and the same one-a-second rule sends
  them. A plugin run's stderr lines are logged as "[Plugin / <plugin name>] <message>" at
  the line's level (pkg/plugin/log.go) when the run ends (the runner reads stderr at the
  end); progress lines are not log entries. Stash's own lines (sim.log) go the same way.
- Query.logs: the logger's cache, newest first, at most 30 entries, only those at or
  above the configured level (Info by default) (internal/log/logger.go addToCache);
  subscribers get every level.
- scanCompleteSubscribe: `true` each time a scan (or clean) job ends
  (internal/manager/task_clean.go scanSubs.notify); here each scan_folder / scan_zip.
- jobsSubscribe: {type: ADD | UPDATE | REMOVE, job} as the job manager adds, updates
  and removes jobs (pkg/job/manager.go). The simulator publishes a job event only where
  a job exists: the job queue (tests/stash_sim/jobs.py) calls `publish_job`;
  until a job runs, the subscription stays open and delivers nothing, as Stash's does
  when no job runs.
"""

from __future__ import annotations

import math
import queue
import random
import threading
import time
from datetime import UTC, datetime
from typing import Any

from .engine import resolves

TOPICS = ("jobsSubscribe", "loggingSubscribe", "scanCompleteSubscribe")

LOG_CACHE_SIZE = 30
LOG_SEND_INTERVAL = 1.0  # seconds: logger.go sends the log buffer at most once a second
CACHED_LEVELS = {"Info", "Warning", "Error"}  # at or above Stash's default log level, Info
# runner.LogLine levels -> Stash's LogLevel enum (resolver_subscription_logging.go getLogLevel)
LOG_LEVELS = {
    "trace": "Trace",
    "debug": "Debug",
    "info": "Info",
    "progress": "Progress",
    "warning": "Warning",
    "warn": "Warning",
    "error": "Error",
}


def go_time(moment: datetime | None = None) -> str:
    """A Time value as gqlgen marshals it (time.RFC3339Nano)."""
    moment = moment or datetime.now(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "Z"


class Subscription:
    """One subscriber's queue of events on one topic."""

    def __init__(self, bus: EventBus, topic: str) -> None:
        self.bus = bus
        self.topic = topic
        self.events: queue.Queue[Any] = queue.Queue()

    def next(self, timeout: float) -> Any:
        """The next event, or raises queue.Empty after `timeout` seconds."""
        return self.events.get(timeout=timeout)

    def close(self) -> None:
        self.bus._remove(self)


class EventBus:
    """Topics to subscribers; publishing never blocks the publisher."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, list[Subscription]] = {topic: [] for topic in TOPICS}
        self.log_cache: list[dict[str, Any]] = []  # what Query.logs answers: newest first
        self._log_buffer: list[dict[str, Any]] = []  # entries waiting for the next send
        self._log_waiting = False
        self._last_send = -math.inf  # time.monotonic() of the last send
        self._shuffle = random.Random()

    def subscribe(self, topic: str) -> Subscription:
        if topic not in self._subscribers:
            raise ValueError(f"the Stash simulator has no subscription {topic}")
        subscription = Subscription(self, topic)
        with self._lock:
            self._subscribers[topic].append(subscription)
        return subscription

    def _remove(self, subscription: Subscription) -> None:
        with self._lock:
            if subscription in self._subscribers[subscription.topic]:
                self._subscribers[subscription.topic].remove(subscription)

    def subscribers(self, topic: str) -> int:
        with self._lock:
            return len(self._subscribers[topic])

    def publish(self, topic: str, value: Any) -> None:
        with self._lock:
            targets = list(self._subscribers[topic])
        for subscription in targets:
            subscription.events.put(value)

    # -- the event sources ------------------------------------------------------------------
    def log(self, entries: list[tuple[str, str]]) -> None:
        """Log (level, message) pairs as one batch; levels as runner.LogLine names them."""
        now = go_time()
        batch = [
            {"time": now, "level": LOG_LEVELS.get(level, "Debug"), "message": message}
            for level, message in entries
            if level != "progress"
        ]
        if not batch:
            return
        with self._lock:
            for entry in batch:
                if entry["level"] in CACHED_LEVELS:
                    self.log_cache.insert(0, entry)
            del self.log_cache[LOG_CACHE_SIZE:]
            self._shuffle.shuffle(batch)  # one goroutine per entry: any order
            sending: list[dict[str, Any]] = []
            for entry in batch:  # broadcastLogItem, entry by entry
                self._log_buffer.append(entry)
                if self._log_waiting:
                    continue
                wait = self._last_send + LOG_SEND_INTERVAL - time.monotonic()
                if wait > 0:
                    self._log_waiting = True
                    timer = threading.Timer(wait, self._send_logs)
                    timer.daemon = True
                    timer.start()
                else:
                    sending = self._take_logs()
        if sending:
            self.publish("loggingSubscribe", sending)

    def _take_logs(self) -> list[dict[str, Any]]:
        # assumes the lock is held
        sending, self._log_buffer = self._log_buffer, []
        self._log_waiting = False
        self._last_send = time.monotonic()
        return sending

    def _send_logs(self) -> None:
        with self._lock:
            sending = self._take_logs()
        self.publish("loggingSubscribe", sending)

    def log_plugin_run(self, plugin_name: str, logs: list[Any]) -> None:
        """A plugin run's stderr log lines, as Stash's plugin logger logs them."""
        self.log([(line.level, f"[Plugin / {plugin_name}] {line.message}") for line in logs])

    def scan_complete(self) -> None:
        self.publish("scanCompleteSubscribe", True)

    def publish_job(self, update_type: str, job: dict[str, Any]) -> None:
        """A job manager event: update_type ADD, UPDATE or REMOVE; job as the Job type's fields."""
        if update_type not in ("ADD", "UPDATE", "REMOVE"):
            raise ValueError(f"a job update is ADD, UPDATE or REMOVE, not {update_type!r}")
        self.publish("jobsSubscribe", {"type": update_type, "job": dict(job)})


@resolves("Query.logs")
def logs(_: Any, info: Any) -> list[dict[str, Any]]:
    bus = info.context.sim.events
    with bus._lock:
        return list(bus.log_cache)
