"""The Stash simulator: state, GraphQL over HTTP, hooks, scans and plugin runs in one object.

with StashSimulator() as sim:                 # the sample library, a free port
    sim.gql("{ findGalleries { count } }")     # in-process, for test set-up and checks
    sim.requests                               # what reached the HTTP endpoint
    sim.faults.add("http_503", count=2)        # the next two requests fail
    sim.install_plugin(PLUGIN_DIR)             # its hooks now run after mutations
    StashSimulator(release="develop")         # serve another release (schema.RELEASES)
    result = sim.run_task("gallery_tools", "Set covers", {"dry_run": "false"})
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import (  # noqa: F401 - registering resolvers
    configure,
    events,
    identity,
    jobs,
    mutations,
    named_mutations,
    objects,
    plugin_ui,
    plugins,
    queries,
    scrapers,
)
from .custom_fields import create_tables as create_custom_fields_tables
from .engine import run_graphql
from .events import EventBus
from .hooks import HookExecutor
from .jobs import SCAN_DESCRIPTION, Job, JobManager, plugin_start_failed, plugin_task_description
from .library import SAMPLE_LIBRARY, load_library, seed
from .objects import GALLERY_COVER_REGEX
from .runner import (
    LogLine,
    ManifestError,
    Plugin,
    PluginRunner,
    PluginStartError,
    RunResult,
    load_manifest,
    load_plugins,
    server_connection,
)
from .scan import scan as scan_step
from .scanned import scanned_library
from .scanner import run_scan, scan_paths
from .schema import Release, release as pick_release, stash_schema
from .server import Faults, HttpFront, RequestLog, RequestRecord, Session, SessionCodec
from .store import Store


@dataclass
class SimConfig:
    """The parts of Stash's configuration the simulator honours."""

    gallery_cover_regex: str = GALLERY_COVER_REGEX
    create_galleries_from_folders: bool = True
    # the library folders a scan looks in ({path, excludeVideo, excludeImage}; configure.py)
    stashes: list[dict[str, Any]] = field(default_factory=list)
    parallel_tasks: int = 1
    calculate_md5: bool = False  # a video's md5 besides its oshash (internal/manager/fingerprint.go)
    configured: bool = True  # False: a Stash before its `setup` (systemStatus SETUP)
    # an opt-in fault: finds without a sort come back in a new order on every request
    # (Stash's order is only stable, never promised; see filters.order_clause)
    shuffle_unsorted: bool = False
    # Settings > Metadata Providers > Scraping: tag exclusion patterns (scrapers.py)
    scraper_exclude_tag_patterns: list[str] = field(default_factory=list)


@dataclass
class RequestContext:
    """Passed to every resolver as info.context."""

    sim: StashSimulator
    session: Session
    base_url: str
    connection: socket.socket | None = None  # the HTTP client's, while it waits (scrapers.client_gone)

    def fire_hook(self, trigger: str, object_id: int, input_: Any, input_fields: list[str] | None) -> None:
        """Run the hooks for a committed change (the caller holds no transaction)."""
        self.sim.hooks.fire(self, trigger, object_id, input_, input_fields)


class _KillingLog(RequestLog):
    """The request log, which can also kill the running plugin after its N-th request.

    Stash's cancel kills a task's process at once (docs/stash.md §2). The kill comes after
    the request was handled and before its answer is sent: the change is committed and
    the plugin never learns it, the hardest point for a rerun to recover from.
    """

    def __init__(self) -> None:
        super().__init__()
        self.kill_at: int | None = None
        self.kill_hooks = False  # hook runs are tracked (and killed) too
        self.process: subprocess.Popen[bytes] | None = None
        self.killed = False

    def add(self, record: RequestRecord) -> None:
        super().add(record)
        if self.kill_at is not None and self.process is not None and len(self) >= self.kill_at:
            self.killed = True  # before the kill: the run may return before this line otherwise
            self.kill_at = None
            self.kill_hooks = False
            self.process.kill()


class StashSimulator:
    """A Stash server for tests. Seeded from a library description (a dict or a YAML path).

    `release` names the Stash release served (schema.RELEASES); without it,
    $STASH_SIM_RELEASE (pytest --stash-release sets it) or schema.DEFAULT_RELEASE.
    `on_disk` puts the library on this machine's disk, under a temporary folder
    (`library_root`, removed with the simulator): its paths are then that folder + the
    description's paths, and its zips, folders and other files are there to read
    (library.py). Without it `library_root` is None and no file exists. `scanned` writes the
    library as real files there and scans them instead (scanned.py). `needs_setup` starts
    a Stash that has no configuration yet (systemStatus SETUP until `setup`); every simulator
    scans the stash paths configured (configure.py) with metadataScan or sim.metadata_scan.
    """

    def __init__(
        self,
        library: dict[str, Any] | str | Path | None = SAMPLE_LIBRARY,
        *,
        credentials: tuple[str, str] | None = None,
        python: str = sys.executable,
        db_path: str = ":memory:",
        release: str | None = None,
        on_disk: bool = False,
        needs_setup: bool = False,
        scanned: bool = False,
    ) -> None:
        self.release: Release = pick_release(release)
        self.store = Store(db_path)
        create_custom_fields_tables(self.store)
        self.config = SimConfig(configured=not needs_setup)
        self.credentials = credentials
        self.api_key = secrets.token_hex(16) if credentials else ""
        self.sessions = SessionCodec(secrets.token_bytes(32))
        self.requests = _KillingLog()
        self.faults = Faults()
        self.hooks = HookExecutor(self)
        self.events = EventBus()  # what the WebSocket subscriptions deliver (events.py)
        self.jobs = JobManager(
            on_change=lambda kind, job: self.events.publish_job(kind, job.to_graphql()), log=self.log
        )
        self.task_runs: list[RunResult] = []  # every plugin task the job queue ran
        self.plugins: list[Plugin] = []
        self.stash_log: list[LogLine] = []  # what Stash itself logs (plugin loading, hooks, tasks)
        self.python = python
        # Stash's ui_location: a folder the web UI is served from at / (plugin_ui.py); None: no UI
        self.ui_location: str | None = None
        self._config_dir = tempfile.TemporaryDirectory(prefix="stash-config-")  # removed with the simulator
        self.config_dir = self._config_dir.name
        # Stash's default plugins_path: `plugins` beside config.yml (internal/manager/config/config.go)
        self.plugins_path = os.path.join(self.config_dir, "plugins")
        os.makedirs(self.plugins_path)
        self._linked_manifests: list[Path] = []  # install_plugin: manifests outside the folder
        self.http = HttpFront(self)
        self.scrapers = scrapers.ScraperCache(self)  # <config dir>/scrapers, loaded now as at Stash's start
        self._library_dir = tempfile.TemporaryDirectory(prefix="stash-library-") if on_disk or scanned else None
        self.library_root: str | None = (
            os.path.realpath(self._library_dir.name) if self._library_dir is not None else None
        )
        if library is not None:
            described = library if isinstance(library, dict) else load_library(library)
            if scanned:
                scanned_library(self, described)
            else:
                seed(self.store, described, self.library_root)

    def release_schema_fields(self, type_name: str) -> list[str]:
        """The field names of a type in the schema this simulator serves."""
        named = stash_schema(self.release.name).get_type(type_name)
        return list(getattr(named, "fields", {}) or {})

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> StashSimulator:
        self.http.start()
        return self

    def stop(self) -> None:
        self.jobs.cancel_all()  # Stash's shutdown cancels every job (a running task is killed)
        self.http.stop(hold=False)
        self.http.release()  # (a port held by a stop that was never started again)

    def __enter__(self) -> StashSimulator:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self.http.port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    # -- sessions and connections ----------------------------------------------------------
    def user_session(self, visited: tuple[tuple[str, str], ...] = ()) -> Session:
        """The session of the logged-in user (or of nobody when there are no credentials)."""
        return Session(self.credentials[0] if self.credentials else "", visited)

    def server_connection(self, session: Session | None = None, api_key: bool = False) -> dict[str, Any]:
        """server_connection as Stash hands it to a plugin (Go field names, Host 0.0.0.0)."""
        cookie = self.sessions.go_cookie(session or self.user_session())
        conn = server_connection(self.port, cookie, self.config_dir)
        if api_key:
            conn["SessionCookie"] = None
            conn["ApiKey"] = self.api_key
        return conn

    def request_context(self, session: Session, connection: socket.socket | None = None) -> RequestContext:
        return RequestContext(self, session, f"http://127.0.0.1:{self.port}", connection)

    # -- direct access for tests -----------------------------------------------------------
    def gql(
        self, query: str, variables: dict[str, Any] | None = None, session: Session | None = None
    ) -> dict[str, Any]:
        """Run GraphQL in-process (not logged, no faults, hooks do run); raises on errors."""
        outcome = run_graphql(
            {"query": query, "variables": variables or {}}, self.request_context(session or self.user_session())
        )
        if outcome.body.get("errors"):
            raise SimGraphQLError(outcome.body["errors"], outcome.body.get("data"))
        data: dict[str, Any] = outcome.body["data"]
        return data

    def gql_raw(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Like gql, but returns the whole body (errors included) without raising."""
        outcome = run_graphql({"query": query, "variables": variables or {}}, self.request_context(self.user_session()))
        return outcome.body

    # -- scans -----------------------------------------------------------------------------
    # A scan is one job, "Scanning..." (docs/stash.md §10): it waits for the jobs queued before it,
    # and jobs queued while it runs (a hook's runPluginTask) start when it has ended.
    def scan_folder(self, folder: str, images: list[Any], **kwargs: Any) -> int | None:
        """Scan new images in a folder as Stash's scanner does (see scan.py); returns the gallery id."""
        return self.scan([("folder", folder, images)], **kwargs)[0]

    def scan_zip(self, zip_path: str, images: list[Any], **kwargs: Any) -> int | None:
        """Scan a new zip file and the images inside it; returns the gallery id."""
        return self.scan([("zip", zip_path, images)], **kwargs)[0]

    def stash_for(self, path: str) -> dict[str, Any] | None:
        """The stash path a path is in (config.StashConfigs GetStashFromDirPath: filepath.Rel
        gives no `..` prefix), or None."""
        for stash in self.config.stashes:
            if not os.path.relpath(path, stash["path"]).startswith(".."):
                return stash
        return None

    def metadata_scan(
        self,
        paths: list[str] | None = None,
        *,
        rescan: bool = False,
        min_mod_time: float | None = None,
        wait: bool = True,
    ) -> Job:
        """metadataScan of real folders and zips on this disk (scanner.py), as one job: the paths
        inside a stash path (by default every stash path), waited for (wait=False: queued; the
        job is returned either way)."""

        def run(job: Job) -> None:
            try:
                run_scan(self, scan_paths(self, paths), rescan, min_mod_time, job)
            finally:
                self.events.scan_complete()

        job = self.jobs.add(SCAN_DESCRIPTION, run)
        if wait:
            job.done.wait()
            if job.exception is not None:
                raise job.exception
        return job

    def scan(self, steps: list[tuple[str, str, list[Any]]], wait: bool = True, **kwargs: Any) -> list[int | None]:
        """One scan job over several folders and zips: steps are ("folder" | "zip", path, images).

        Returns the gallery ids once the scan job has ended; with wait=False it returns at once
        (an empty list) and the scan runs in the job queue.
        """
        for kind, _, _ in steps:
            if kind not in ("folder", "zip"):
                raise ValueError(f"a scan step is a folder or a zip, not {kind!r}")

        def run(job: Job) -> list[int | None]:
            try:
                return [
                    scan_step(self, images, folder=path, **kwargs)
                    if kind == "folder"
                    else scan_step(self, images, zip_path=path, **kwargs)
                    for kind, path, images in steps
                ]
            finally:
                self.events.scan_complete()

        if not wait:
            self.jobs.add(SCAN_DESCRIPTION, run)
            return []
        gallery_ids: list[int | None] = self.jobs.run(SCAN_DESCRIPTION, run)
        return gallery_ids

    # -- plugins ---------------------------------------------------------------------------
    def log(self, level: str, message: str) -> None:
        """A line of Stash's own log; its log stream and `logs` get it too (events.py)."""
        self.stash_log.append(LogLine(level, message))
        self.events.log([(level, message)])

    def log_messages(self, level: str | None = None) -> list[str]:
        return [line.message for line in self.stash_log if level is None or line.level == level]

    def install_plugin(self, plugin_dir: str | Path, plugin_id: str = "gallery_tools") -> Plugin:
        """Load <plugin_dir>/<plugin_id>.yml strictly, as if that manifest were in the plugins
        folder; its hooks run from now on, and reloadPlugins keeps it.

        Installing the same manifest again reloads it. A manifest Stash would skip (a bad one,
        a js plugin, or an id that another installed plugin has, ignoring case: pkg/plugin/
        plugins.go ReloadPlugins) is logged as Stash logs it and raises ManifestError.
        """
        path = (Path(plugin_dir) / f"{plugin_id}.yml").resolve()
        try:
            plugin = load_manifest(path)
        except ManifestError as exc:
            self.log("error", f"Error loading plugin {path}: {exc}")
            raise
        clash = next((p for p in self.plugins if p.id.lower() == plugin.id.lower() and p.path != plugin.path), None)
        if clash is not None:
            message = f"plugin ID {plugin.id} already exists"
            self.log("error", f"Error loading plugin {path}: {message}")
            raise ManifestError(message)
        self.plugins = [p for p in self.plugins if p.path != plugin.path] + [plugin]
        if path not in self._linked_manifests:
            self._linked_manifests.append(path)
        return plugin

    def reload_plugins(self) -> None:
        """reloadPlugins (pkg/plugin/plugins.go ReloadPlugins): the list becomes every manifest
        under the plugins folder (and those install_plugin linked), each failure logged."""
        loaded, errors = load_plugins(self.plugins_path, self._linked_manifests)
        for line in errors:
            self.log("error", line)
        self.plugins = loaded

    def uninstall_plugins(self) -> None:
        self.plugins = []

    def plugin(self, plugin_id: str = "gallery_tools") -> Plugin:
        found = next((p for p in self.plugins if p.id == plugin_id), None)
        if found is None:
            raise KeyError(f"plugin {plugin_id} is not installed")
        return found

    def kill_plugin_after(self, requests: int, hooks: bool = False) -> None:
        """Kill the next plugin run (run_task / run_operation; with `hooks`, a hook run too) once the
        request log holds `requests` records (clear the log first to count from the run's start)."""
        self.requests.kill_at = requests
        self.requests.kill_hooks = hooks
        self.requests.killed = False

    def _track(self, process: subprocess.Popen[bytes]) -> None:
        self.requests.process = process

    def runner(self, plugin_id: str = "gallery_tools") -> PluginRunner:
        return PluginRunner(self.plugin(plugin_id), self.python)

    def run_task(
        self, task_name: str, args: dict[str, Any] | None = None, plugin_id: str = "gallery_tools", **kwargs: Any
    ) -> RunResult:
        """The Tasks button (runPluginTask): args merged over the task's defaultArgs. The task is a
        job: it waits for the jobs queued before it (a scan, a task a hook queued), then runs.

        A process that cannot start fails the job: Stash logs `task failed due to error: Error
        running plugin task: <error>` (internal/manager/task_plugin.go, pkg/job/manager.go); the
        result then has that error and no return code.
        """
        runner = self.runner(plugin_id)
        if runner.plugin.task(task_name) is None:  # checked before queueing, to raise in the caller
            runner.run_task(task_name, args, self.server_connection())
        track = kwargs.pop("on_start", self._track)
        failures: list[RunResult] = []

        def run(job: Job) -> RunResult:
            def started(process: subprocess.Popen[bytes]) -> None:
                job.started(process)
                track(process)

            try:
                result = runner.run_task(task_name, args, self.server_connection(), on_start=started, **kwargs)
            except PluginStartError as exc:
                failures.append(RunResult(None, str(exc), None, "", "", [], [], {}))
                raise plugin_start_failed(exc) from None
            self.task_runs.append(result)
            self.events.log_plugin_run(runner.plugin.name, result.logs)
            return result

        result = self.jobs.run(plugin_task_description(plugin_id, task_name, None), run, timeout=None)
        return failures[0] if failures else result

    def run_operation(self, args: dict[str, Any], plugin_id: str = "gallery_tools", **kwargs: Any) -> RunResult:
        """runPluginOperation: args as given."""
        kwargs.setdefault("on_start", self._track)
        result = self.runner(plugin_id).run_operation(args, self.server_connection(), **kwargs)
        self.events.log_plugin_run(self.plugin(plugin_id).name, result.logs)
        return result

    def plugin_settings(self, plugin_id: str) -> dict[str, Any]:
        row = self.store.value("SELECT settings FROM plugin_settings WHERE plugin_id = ?", (plugin_id,))
        return json.loads(row) if row else {}

    def set_plugin_settings(self, plugin_id: str, settings: dict[str, Any]) -> None:
        self.store.execute(
            "INSERT OR REPLACE INTO plugin_settings(plugin_id, settings) VALUES (?, ?)",
            (plugin_id, json.dumps(settings)),
        )


class SimGraphQLError(Exception):
    """Errors from an in-process sim.gql call."""

    def __init__(self, errors: list[dict[str, Any]], data: Any) -> None:
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors
        self.data = data
