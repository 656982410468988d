"""The Stash simulator: state, GraphQL over HTTP, hooks, scans and plugin runs in one object.

    with StashSimulator() as sim:                 # the sample library, a free port
        sim.gql("{ findGalleries { count } }")     # in-process, for test set-up and checks
        sim.requests                               # what reached the HTTP endpoint
        sim.faults.add("http_503", count=2)        # the next two requests fail
        sim.install_plugin(PLUGIN_DIR)             # its hooks now run after mutations
        result = sim.run_task("gallery_tools", "Set covers", {"dry_run": "false"})
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import (  # noqa: F401 - registering resolvers
    mutations,
    objects,
    queries,
    scene_files,
)
from .engine import run_graphql
from .hooks import HookExecutor
from .library import SAMPLE_LIBRARY, load_library, seed
from .objects import GALLERY_COVER_REGEX
from .runner import Plugin, PluginRunner, RunResult, load_manifest, server_connection
from .scan import scan
from .server import Faults, HttpFront, RequestLog, RequestRecord, Session, SessionCodec
from .store import Store

STASH_VERSION = {"version": "v0.30.1", "hash": "cf3489ef", "build_time": "2026-01-11 18:07:53"}


@dataclass
class SimConfig:
    """The parts of Stash's configuration the simulator honours."""

    gallery_cover_regex: str = GALLERY_COVER_REGEX
    create_galleries_from_folders: bool = True


@dataclass
class RequestContext:
    """Passed to every resolver as info.context."""

    sim: StashSimulator
    session: Session
    base_url: str

    def fire_hook(self, trigger: str, object_id: int, input_: Any, input_fields: list[str] | None) -> None:
        """Run the hooks for a committed change (the caller holds no transaction)."""
        self.sim.hooks.fire(self, trigger, object_id, input_, input_fields)


class _KillingLog(RequestLog):
    """The request log, which can also kill the running plugin after its N-th request.

    Stash's cancel kills a task's process at once (STASH_FACTS §2). The kill comes after
    the request was handled and before its answer is sent: the change is committed and
    the plugin never learns it, the hardest point for a rerun to recover from.
    """

    def __init__(self) -> None:
        super().__init__()
        self.kill_at: int | None = None
        self.process: subprocess.Popen | None = None
        self.killed = False

    def add(self, record: RequestRecord) -> None:
        super().add(record)
        if self.kill_at is not None and self.process is not None and len(self) >= self.kill_at:
            self.killed = True  # before the kill: the run may return before this line otherwise
            self.kill_at = None
            self.process.kill()


class StashSimulator:
    """A Stash server for tests. Seeded from a library description (a dict or a YAML path)."""

    def __init__(self, library: dict[str, Any] | str | Path | None = SAMPLE_LIBRARY, *,
                 credentials: tuple[str, str] | None = None, python: str = sys.executable,
                 db_path: str = ":memory:") -> None:
        self.store = Store(db_path)
        self.config = SimConfig()
        self.credentials = credentials
        self.api_key = secrets.token_hex(16) if credentials else ""
        self.sessions = SessionCodec(secrets.token_bytes(32))
        self.requests = _KillingLog()
        self.faults = Faults()
        self.hooks = HookExecutor(self)
        self.plugins: list[Plugin] = []
        self.python = python
        self._config_dir = tempfile.TemporaryDirectory(prefix="stash-config-")  # removed with the simulator
        self.config_dir = self._config_dir.name
        self.http = HttpFront(self)
        if library is not None:
            seed(self.store, library if isinstance(library, dict) else load_library(library))

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> StashSimulator:
        self.http.start()
        return self

    def stop(self) -> None:
        self.http.stop()

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

    def request_context(self, session: Session) -> RequestContext:
        return RequestContext(self, session, f"http://127.0.0.1:{self.port}")

    # -- direct access for tests -----------------------------------------------------------
    def gql(self, query: str, variables: dict[str, Any] | None = None,
            session: Session | None = None) -> dict[str, Any]:
        """Run GraphQL in-process (not logged, no faults, hooks do run); raises on errors."""
        outcome = run_graphql({"query": query, "variables": variables or {}},
                              self.request_context(session or self.user_session()))
        if outcome.body.get("errors"):
            raise SimGraphQLError(outcome.body["errors"], outcome.body.get("data"))
        return outcome.body["data"]

    def gql_raw(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Like gql, but returns the whole body (errors included) without raising."""
        outcome = run_graphql({"query": query, "variables": variables or {}},
                              self.request_context(self.user_session()))
        return outcome.body

    # -- scans -----------------------------------------------------------------------------
    def scan_folder(self, folder: str, images: list, **kwargs: Any) -> int | None:
        """Scan new images in a folder as Stash's scanner does (see scan.py); returns the gallery id."""
        return scan(self, images, folder=folder, **kwargs)

    def scan_zip(self, zip_path: str, images: list, **kwargs: Any) -> int | None:
        """Scan a new zip file and the images inside it; returns the gallery id."""
        return scan(self, images, zip_path=zip_path, **kwargs)

    # -- plugins ---------------------------------------------------------------------------
    def install_plugin(self, plugin_dir: str | Path, plugin_id: str = "gallery_tools") -> Plugin:
        """Load <plugin_dir>/<plugin_id>.yml strictly; its hooks run from now on."""
        plugin = load_manifest(Path(plugin_dir) / f"{plugin_id}.yml")
        self.plugins = [p for p in self.plugins if p.id != plugin.id] + [plugin]
        return plugin

    def uninstall_plugins(self) -> None:
        self.plugins = []

    def plugin(self, plugin_id: str = "gallery_tools") -> Plugin:
        found = next((p for p in self.plugins if p.id == plugin_id), None)
        if found is None:
            raise KeyError(f"plugin {plugin_id} is not installed")
        return found

    def kill_plugin_after(self, requests: int) -> None:
        """Kill the next plugin run (run_task / run_operation) once the request log holds
        `requests` records (clear the log first to count from the run's start)."""
        self.requests.kill_at = requests
        self.requests.killed = False

    def _track(self, process: subprocess.Popen) -> None:
        self.requests.process = process

    def runner(self, plugin_id: str = "gallery_tools") -> PluginRunner:
        return PluginRunner(self.plugin(plugin_id), self.python)

    def run_task(self, task_name: str, args: dict[str, Any] | None = None, plugin_id: str = "gallery_tools",
                 **kwargs: Any) -> RunResult:
        """The Tasks button (runPluginTask): args merged over the task's defaultArgs."""
        kwargs.setdefault("on_start", self._track)
        return self.runner(plugin_id).run_task(task_name, args, self.server_connection(), **kwargs)

    def run_operation(self, args: dict[str, Any], plugin_id: str = "gallery_tools", **kwargs: Any) -> RunResult:
        """runPluginOperation: args as given."""
        kwargs.setdefault("on_start", self._track)
        return self.runner(plugin_id).run_operation(args, self.server_connection(), **kwargs)

    def plugin_settings(self, plugin_id: str) -> dict[str, Any]:
        row = self.store.value("SELECT settings FROM plugin_settings WHERE plugin_id = ?", (plugin_id,))
        return json.loads(row) if row else {}

    def set_plugin_settings(self, plugin_id: str, settings: dict[str, Any]) -> None:
        self.store.execute("INSERT OR REPLACE INTO plugin_settings(plugin_id, settings) VALUES (?, ?)",
                           (plugin_id, json.dumps(settings)))


class SimGraphQLError(Exception):
    """Errors from an in-process sim.gql call."""

    def __init__(self, errors: list[dict[str, Any]], data: Any) -> None:
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors
        self.data = data
