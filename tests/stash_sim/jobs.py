"""Stash's job queue: one job at a time, in the order they were added.

Facts (docs/stash.md §10; pkg/job/manager.go, pkg/job/job.go, internal/manager/task_plugin.go,
internal/manager/manager_tasks.go, internal/api/resolver_query_job.go, resolver_mutation_job.go):
- `Add` queues a job with status READY and returns its id (ids count up from 1); one
  dispatcher runs the first READY job, waits for it to end, removes it from the queue and
  puts it in the graveyard (the last 10 ended jobs), then runs the next.
- A scan is one job, "Scanning..."; a plugin task is one job, "Running plugin task: <name>"
  where <name> is the description if given, else the task name, else the plugin id.
- A job's exec ending with an error makes it FAILED with that error, logged as `task failed due
  to error: <error>` (executeJob); otherwise FINISHED.
  A plugin task that cannot be created fails with "Error creating plugin task: <why>"; a
  task whose plugin answered with an error still FINISHES (the error is only logged).
- Cancel (`stopJob`): a READY job becomes CANCELLED and leaves the queue at once; a RUNNING
  one becomes STOPPING (a plugin task's process is killed), then CANCELLED when it ends.
  An unknown id is no error. `stopAllJobs` cancels every job in the queue.
- `jobQueue` lists the jobs still in the queue (READY, RUNNING, STOPPING), in order, and is
  null when the queue is empty (a nil Go slice for the nullable list). `findJob` looks in
  the queue and the graveyard; an unknown id is null; a non-integer id is strconv's error.
- A job starts with progress 0 (job.Job.Progress, a float64's zero value) and answers 0 until
  something is reported; only an explicit Indefinite (-1) answers null (jobToJobModel). A
  plugin task reports what its `p` lines say, clamped to 0..1 (Progress.SetPercent). subTasks
  are cleared when the job leaves the queue.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .engine import StashError, resolves

if TYPE_CHECKING:
    from .runner import RunResult
    from .server import Session
    from .simulator import StashSimulator

READY, RUNNING, STOPPING, FINISHED, CANCELLED, FAILED = (
    "READY",
    "RUNNING",
    "STOPPING",
    "FINISHED",
    "CANCELLED",
    "FAILED",
)
MAX_GRAVEYARD_SIZE = 10
PROGRESS_INDEFINITE = -1.0
SCAN_DESCRIPTION = "Scanning..."
PLUGIN_TASK_PREFIX = "Running plugin task: "


class JobError(Exception):
    """A job's exec failed: the job ends FAILED with this message as its error."""


def stash_time(moment: datetime) -> str:
    """A Go time as gqlgen's Time scalar marshals it (RFC 3339 with nanoseconds, trailing zeros cut)."""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".")
    return text + "Z"


@dataclass
class Job:
    """One queued, running or ended job."""

    id: int
    description: str
    exec: Callable[[Job], Any]
    status: str = READY
    progress: float = 0.0
    sub_tasks: list[str] | None = None
    add_time: datetime = field(default_factory=lambda: datetime.now(UTC))
    start_time: datetime | None = None
    end_time: datetime | None = None
    error: str | None = None
    result: Any = None
    exception: BaseException | None = None  # a simulator bug inside exec, re-raised to a waiting caller
    process: subprocess.Popen[bytes] | None = None  # a plugin task's process, killed by a cancel
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def cancelled(self) -> bool:
        return self.status in (STOPPING, CANCELLED)

    def started(self, process: subprocess.Popen[bytes]) -> None:
        """on_start callback for a plugin run: remember the process; kill it if already stopping."""
        self.process = process
        if self.status == STOPPING:
            process.kill()

    def to_graphql(self) -> dict[str, Any]:
        """The Job type as jobToJobModel builds it."""
        return {
            "id": str(self.id),
            "status": self.status,
            "description": self.description,
            "subTasks": list(self.sub_tasks) if self.sub_tasks is not None else None,
            "progress": None if self.progress == PROGRESS_INDEFINITE else self.progress,
            "startTime": stash_time(self.start_time) if self.start_time else None,
            "endTime": stash_time(self.end_time) if self.end_time else None,
            "addTime": stash_time(self.add_time),
            "error": self.error,
        }


class JobManager:
    """The queue, its dispatcher thread (started with the first job) and the graveyard."""

    def __init__(
        self,
        on_change: Callable[[str, Job], None] | None = None,
        log: Callable[[str, str], None] | None = None,
    ) -> None:
        # on_change(kind, job): the job manager's subscriber notices (pkg/job/manager.go
        # notifyNewJob / notifyJobUpdate / notifyJobRemove): "ADD", "UPDATE", "REMOVE"
        self._on_change = on_change or (lambda kind, job: None)
        # log(level, message): Stash's log, where executeJob writes a failed job's error
        self._log = log or (lambda level, message: None)
        self._lock = threading.Condition()
        self._queue: list[Job] = []
        self._graveyard: list[Job] = []
        self._last_id = 0
        self._thread: threading.Thread | None = None
        self.history: list[Job] = []  # every job ever added, for tests

    # -- adding and waiting ---------------------------------------------------------------
    def add(self, description: str, exec: Callable[[Job], Any]) -> Job:
        """Queue a job; it runs when every job before it has ended."""
        with self._lock:
            self._last_id += 1
            job = Job(self._last_id, description, exec)
            self._queue.append(job)
            self.history.append(job)
            self._on_change("ADD", job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._dispatch, daemon=True, name="stash-sim-jobs")
                self._thread.start()
            self._lock.notify_all()
            return job

    def run(self, description: str, exec: Callable[[Job], Any], timeout: float | None = 600) -> Any:
        """Queue a job and wait for it: its result, or the error a simulator bug raised inside it."""
        job = self.add(description, exec)
        if not job.done.wait(timeout):
            raise TimeoutError(f"job {job.id} ({description}) did not end within {timeout} s")
        if job.exception is not None:
            raise job.exception
        return job.result

    def wait_idle(self, timeout: float = 600) -> None:
        """Wait until the queue is empty (every job added so far, and those they added, ended)."""
        with self._lock:
            if not self._lock.wait_for(lambda: not self._queue, timeout):
                raise TimeoutError(f"jobs still queued after {timeout} s: {[j.description for j in self._queue]}")

    # -- reading ------------------------------------------------------------------------------
    def queue(self) -> list[Job]:
        with self._lock:
            return list(self._queue)

    def get(self, job_id: int) -> Job | None:
        with self._lock:
            return next((j for j in self._queue + self._graveyard if j.id == job_id), None)

    # -- cancelling ---------------------------------------------------------------------------
    def cancel(self, job_id: int) -> None:
        with self._lock:
            job = next((j for j in self._queue if j.id == job_id), None)
            if job is not None:
                self._cancel(job)

    def cancel_all(self) -> None:
        with self._lock:
            for job in list(self._queue):
                self._cancel(job)

    def _cancel(self, job: Job) -> None:
        # assumes the lock is held (Job.cancel, then removal of a job that never started)
        if job.status == READY:
            job.status = CANCELLED
            self._remove(job)
        elif job.status == RUNNING:
            job.status = STOPPING
            if job.process is not None:
                job.process.kill()  # Stash kills a plugin task's process at once, no signal first

    # -- the dispatcher -----------------------------------------------------------------------
    def _dispatch(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: any(j.status == READY for j in self._queue))
                job = next(j for j in self._queue if j.status == READY)
                job.status = RUNNING
                job.start_time = datetime.now(UTC)
                self._on_change("UPDATE", job)
            try:
                job.result = job.exec(job)
            except JobError as exc:
                self._log("error", f"task failed due to error: {exc}")  # pkg/job/manager.go executeJob
                job.error = str(exc)
                with self._lock:
                    job.status = FAILED
            except BaseException as exc:  # a simulator bug: the job fails, a waiting caller sees it
                job.exception = exc
                job.error = f"internal simulator error: {type(exc).__name__}: {exc}"
                with self._lock:
                    job.status = FAILED
            with self._lock:
                if job.status == STOPPING:
                    job.status = CANCELLED
                elif job.status != FAILED:
                    job.status = FINISHED
                job.end_time = datetime.now(UTC)
                self._remove(job)
                self._lock.notify_all()

    def _remove(self, job: Job) -> None:
        # assumes the lock is held
        if job in self._queue:
            self._queue.remove(job)
            job.sub_tasks = None
            self._graveyard.append(job)
            self._on_change("REMOVE", job)
            del self._graveyard[:-MAX_GRAVEYARD_SIZE]
        job.done.set()
        self._lock.notify_all()


def plugin_start_failed(exc: Exception) -> JobError:
    """A task whose process cannot start fails its job (internal/manager/task_plugin.go wraps the
    start error; the job manager logs it as every failed job's error)."""
    return JobError(f"Error running plugin task: {exc}")


def plugin_task_description(plugin_id: str, task_name: str | None, description: str | None) -> str:
    """The job description RunPluginTask gives: description, else task name, else plugin id."""
    return PLUGIN_TASK_PREFIX + (
        description if description is not None else task_name if task_name is not None else plugin_id
    )


def queue_plugin_task(
    sim: StashSimulator,
    session: Session,
    plugin_id: str,
    task_name: str | None,
    description: str | None,
    args: dict[str, Any] | None,
    on_start: Callable[[subprocess.Popen[bytes]], None] | None = None,
) -> Job:
    """runPluginTask: queue the task; the plugin and task are looked up when the job runs."""
    from .runner import PluginRunner, PluginStartError

    def run_task(job: Job) -> RunResult | None:
        plugin = next((p for p in sim.plugins if p.id == plugin_id), None)
        if plugin is None:
            raise JobError(f"Error creating plugin task: no plugin with ID {plugin_id}")
        if task_name is not None and plugin.task(task_name) is None:
            raise JobError(f"Error creating plugin task: no task with name {task_name} in plugin {plugin.name}")

        def started(process: subprocess.Popen[bytes]) -> None:
            job.started(process)
            if on_start is not None:
                on_start(process)

        runner = PluginRunner(plugin, sim.python)
        connection = sim.server_connection(session)
        try:
            if task_name is None:
                result = runner.run_operation(args, connection, on_start=started)
            else:
                result = runner.run_task(task_name, args, connection, on_start=started)
        except PluginStartError as exc:
            raise plugin_start_failed(exc) from None
        if result.progress:
            job.progress = min(max(result.progress[-1], 0.0), 1.0)
        sim.task_runs.append(result)
        sim.events.log_plugin_run(plugin.name, result.logs)
        return result

    return sim.jobs.add(plugin_task_description(plugin_id, task_name, description), run_task)


# -- GraphQL ------------------------------------------------------------------------------------
def _job_id(value: Any, wrap: str | None = None) -> int:
    from .queries import parse_id

    return parse_id(value, wrap)


@resolves("Query.jobQueue")
def job_queue(_: Any, info: Any) -> list[dict[str, Any]] | None:
    jobs = info.context.sim.jobs.queue()
    return [j.to_graphql() for j in jobs] or None  # an empty queue is a nil slice: null


@resolves("Query.findJob")
def find_job(_: Any, info: Any, input: dict[str, Any]) -> dict[str, Any] | None:
    job = info.context.sim.jobs.get(_job_id(input["id"]))
    return job.to_graphql() if job is not None else None


@resolves("Mutation.stopJob")
def stop_job(_: Any, info: Any, job_id: str) -> bool:
    info.context.sim.jobs.cancel(_job_id(job_id, "converting id"))
    return True


@resolves("Mutation.stopAllJobs")
def stop_all_jobs(_: Any, info: Any) -> bool:
    info.context.sim.jobs.cancel_all()
    return True


@resolves("Mutation.runPluginTask")
def run_plugin_task(
    _: Any,
    info: Any,
    plugin_id: str,
    task_name: str | None = None,
    description: str | None = None,
    args: list[Any] | None = None,
    args_map: dict[str, Any] | None = None,
) -> str:
    if args_map is None and args:
        raise StashError("the Stash simulator does not model runPluginTask's deprecated args; use args_map")
    job = queue_plugin_task(info.context.sim, info.context.session, plugin_id, task_name, description, args_map)
    return str(job.id)
