"""The plugins Stash has loaded, as GraphQL answers them: `plugins`, `pluginTasks`, `reloadPlugins`.

Facts (pkg/plugin/plugins.go, pkg/plugin/config.go, internal/api/resolver_query_plugin.go,
resolver_mutation_plugin.go, resolver_model_plugin.go):
- Stash reads its plugins folder (`pluginsPath`; by default `plugins` beside config.yml) once
  at start and again on `reloadPlugins`, which replaces the whole list: every *.yml under the
  folder, strictly decoded (runner.load_plugins), in walk order; a manifest that fails, or
  whose id another one has (ignoring case), is skipped and logged as
  `Error loading plugin <path>: <why>`.
- `plugins` lists every loaded plugin, `pluginTasks` the tasks of the enabled ones; with none,
  both are null (a nil slice). A plugin's id is its manifest's file name; `name` defaults to
  the id; `description`, `url`, `version` are null when the manifest has none; a task's and a
  hook's `description` is "" when absent; `hooks` lists the triggers as written; `settings`
  are sorted by key, `display_name` and `description` "" when absent, `type` STRING by
  default. The tasks inside `Plugin.tasks` carry no plugin (getPluginTasks(false)).
- `paths.javascript` / `paths.css`: plugin_ui.ui_paths (the files themselves are served there).
- `enabled` is true unless the plugin is disabled in the configuration (setPluginsEnabled,
  which the simulator does not model: every plugin is enabled).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .engine import resolves
from .plugin_ui import ui_paths

if TYPE_CHECKING:
    from .runner import Plugin


def plugin_object(plugin: Plugin, base_url: str) -> dict[str, Any]:
    """config.Config.toPlugin, as the Plugin type resolves it."""
    raw = plugin.raw
    ui = raw.get("ui") or {}
    settings = [
        {
            "name": key,
            "display_name": (value or {}).get("displayName") or "",
            "description": (value or {}).get("description") or "",
            "type": (value or {}).get("type") or "STRING",
        }
        for key, value in sorted((raw.get("settings") or {}).items())
    ]
    return {
        "__typename": "Plugin",
        "id": plugin.id,
        "name": plugin.name,
        "description": raw.get("description"),
        "url": raw.get("url"),
        "version": raw.get("version"),
        "enabled": True,
        "tasks": [_task(plugin, task.name, task.description, None) for task in plugin.tasks] or None,
        "hooks": [
            {
                "__typename": "PluginHook",
                "name": hook.name,
                "description": hook.description,
                "hooks": list(hook.triggered_by) or None,
                "plugin": None,
            }
            for hook in plugin.hooks
        ]
        or None,
        "settings": settings,
        "requires": list(ui.get("requires") or []) or None,
        "paths": {
            "javascript": ui_paths(plugin, base_url, "javascript", "javascript"),
            "css": ui_paths(plugin, base_url, "css", "css"),
        },
    }


def _task(plugin: Plugin, name: str, description: str, owner: dict[str, Any] | None) -> dict[str, Any]:
    return {"__typename": "PluginTask", "name": name, "description": description, "plugin": owner}


@resolves("Query.plugins")
def plugins(_: Any, info: Any) -> list[dict[str, Any]] | None:
    context = info.context
    return [plugin_object(p, context.base_url) for p in context.sim.plugins] or None


@resolves("Query.pluginTasks")
def plugin_tasks(_: Any, info: Any) -> list[dict[str, Any]] | None:
    context = info.context
    out = []
    for plugin in context.sim.plugins:
        owner = plugin_object(plugin, context.base_url)
        out += [_task(plugin, task.name, task.description, owner) for task in plugin.tasks]
    return out or None


@resolves("Mutation.reloadPlugins")
def reload_plugins(_: Any, info: Any) -> bool:
    info.context.sim.reload_plugins()
    return True
