"""Plugin hooks, run the way Stash runs them (pkg/plugin/plugins.go executePostHooks).

- After a mutation commits, every installed plugin with hooks for the trigger runs,
  synchronously, one process at a time; the mutation waits.
- Recursion guard: the request's session carries the visited (plugin, hook type)
  pairs; a plugin is skipped when its pair was visited >= 10 times. Each hook run gets
  a session cookie with its own pair appended. A request with only an ApiKey carries
  no history (so it has no guard at all).
- hookContext: {"id" (omitted when 0), "type", "input" (null allowed), "inputFields"
  (omitted when empty)}, added to the hook's defaultArgs.
- A hook's error is logged by Stash, never returned to the mutation:
  `<trigger> [<plugin name>]: returned error: <error>`.
- A hook whose process cannot start (exec missing, not executable): executePostHooks
  returns that error at once, so the remaining hooks of this trigger do not run, and
  ExecutePostHooks logs `error executing post hooks: <error>`; the mutation (or the
  scan step) still succeeds.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .runner import Plugin, PluginRunner, PluginStartError, RunResult
from .server import Session

if TYPE_CHECKING:
    from .simulator import RequestContext, StashSimulator

MAX_CYCLIC_LOOP_DEPTH = 10


@dataclass
class HookRun:
    """One hook process the simulator started, for tests to inspect."""

    plugin_id: str
    trigger: str
    hook_context: dict[str, Any]
    depth: int  # how many times this (plugin, trigger) was already visited in the chain
    result: RunResult


class HookExecutor:
    def __init__(self, sim: StashSimulator) -> None:
        self.sim = sim
        self.runs: list[HookRun] = []
        self.skipped: list[tuple[str, str]] = []  # (plugin, trigger) stopped by the loop guard
        self._lock = threading.Lock()

    def fire(
        self, ctx: RequestContext, trigger: str, object_id: int, input_: Any, input_fields: list[str] | None
    ) -> None:
        hook_context: dict[str, Any] = {}
        if object_id:
            hook_context["id"] = object_id
        hook_context["type"] = trigger
        hook_context["input"] = input_
        if input_fields:
            hook_context["inputFields"] = list(input_fields)
        for plugin in self.sim.plugins:
            hooks = plugin.hooks_for(trigger)
            visits = sum(1 for v in ctx.session.visited if v == (plugin.id, trigger))
            if hooks and visits >= MAX_CYCLIC_LOOP_DEPTH:
                with self._lock:
                    self.skipped.append((plugin.id, trigger))
                continue
            for hook in hooks:
                try:
                    self._run(plugin, hook, ctx, trigger, hook_context, visits)
                except PluginStartError as exc:
                    self.sim.log("error", f"error executing post hooks: {exc}")
                    return

    def _run(
        self, plugin: Plugin, hook: Any, ctx: RequestContext, trigger: str, hook_context: dict[str, Any], visits: int
    ) -> None:
        session = Session(ctx.session.user, (*ctx.session.visited, (plugin.id, trigger)))
        runner = PluginRunner(plugin, self.sim.python)
        on_start = self.sim._track if self.sim.requests.kill_hooks else None  # kill_plugin_after(..., hooks=True)
        result = runner.run_hook(hook, hook_context, self.sim.server_connection(session), on_start=on_start)
        if result.error is not None:
            self.sim.log("error", f"{trigger} [{plugin.name}]: returned error: {result.error}")
        self.sim.events.log_plugin_run(plugin.name, result.logs)
        with self._lock:
            self.runs.append(HookRun(plugin.id, trigger, hook_context, visits, result))

    def clear(self) -> None:
        with self._lock:
            self.runs.clear()
            self.skipped.clear()
