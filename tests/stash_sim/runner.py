"""Runs a plugin exactly as Stash does: strict manifest, exec resolution, stdin, stdout, stderr.

Facts (docs/stash.md §1-§2; pkg/plugin/config.go, raw.go, plugins.go, log.go,
pkg/logger/plugin.go, pkg/python/exec.go):
- The manifest is decoded by yaml.v2 in strict mode: an unknown key anywhere is an
  error and the plugin is skipped; fields are typed (strings, lists of strings, maps
  of strings; a scalar given for a string field becomes its text). `interface` must
  be raw, rpc or js; a setting's type STRING, NUMBER or BOOLEAN. Trigger names are
  not checked at load (a typo never fires).
- exec[0] `python` / `python3` runs the configured Python (here: the interpreter
  under test); `{pluginDir}` is replaced in exec[1:]; PYTHONPATH gets the folder
  above the plugin folder appended; the working directory is NOT the plugin folder.
- stdin gets one JSON PluginInput and is closed. stdout is read to EOF and decoded
  as PluginOutput (field names case-insensitive, as Go's encoding/json); if that
  fails the whole stdout becomes `output` and there is no error. A non-zero exit
  with no error gives the error "exit status N" ("signal: killed" when killed).
- stderr lines: "\\x01<level>\\x02message" (level t d i w e p, the message trimmed,
  lines shorter than 4 bytes are plain), other lines at the errLog level (default
  error). A `p` line carries a float; an unparsable one logs an error.
- A process that cannot start (exec missing, not executable, not a program) fails
  Start with `error running plugin: fork/exec <path>: <errno text>` (raw.go Start;
  exec[0] not on PATH is taken relative to the plugin folder, config.go getExecCommand).
- Loading (plugins.go ReloadPlugins): every *.yml under the plugins folder, in
  filepath.Walk order; plugin ids are compared case-insensitively and a second one is
  skipped with `plugin ID <id> already exists`. `interface: js` plugins run inside
  Stash (goja): the simulator does not model them and refuses them at load.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no types

VALID_INTERFACES = ("raw", "rpc", "js")
VALID_SETTING_TYPES = ("STRING", "NUMBER", "BOOLEAN")
VALID_ERR_LOG = ("trace", "debug", "info", "warning", "error", "progress", "none")
LEVELS = {"t": "trace", "d": "debug", "i": "info", "w": "warning", "e": "error", "p": "progress"}
STASH_HOST = "0.0.0.0"  # Stash's default host, sent to plugins as-is

# The manifest's shape, as the Go structs in pkg/plugin/config.go declare it.
STR, STR_LIST, STR_MAP = "string", "list of strings", "map of strings"
OPERATION_FIELDS = {"name": STR, "description": STR, "execArgs": STR_LIST, "defaultArgs": STR_MAP}
MANIFEST_FIELDS: dict[str, Any] = {
    "name": STR,
    "description": STR,
    "url": STR,
    "version": STR,
    "interface": STR,
    "exec": STR_LIST,
    "errLog": STR,
    "tasks": [OPERATION_FIELDS],
    "hooks": [{**OPERATION_FIELDS, "triggeredBy": STR_LIST}],
    "ui": {
        "requires": STR_LIST,
        "csp": {"script-src": STR_LIST, "style-src": STR_LIST, "connect-src": STR_LIST},
        "javascript": STR_LIST,
        "css": STR_LIST,
        "assets": STR_MAP,
    },
    "settings": ("setting map", {"type": STR, "displayName": STR, "description": STR}),
}


class ManifestError(ValueError):
    """Stash would log "Error loading plugin <path>: <message>" and skip the plugin."""


class PluginStartError(RuntimeError):
    """The plugin's process could not start; the message is Stash's (raw.go Start)."""


JS_NOT_MODELLED = "the Stash simulator does not model js plugins (interface: js)"


@dataclass
class Operation:
    name: str
    description: str = ""
    exec_args: list[str] = field(default_factory=list)
    default_args: dict[str, str] = field(default_factory=dict)


@dataclass
class Hook(Operation):
    triggered_by: list[str] = field(default_factory=list)


@dataclass
class Plugin:
    """A loaded manifest."""

    id: str
    path: Path
    name: str
    exec: list[str]
    interface: str = "raw"
    err_log: str = "error"
    version: str | None = None
    description: str | None = None
    tasks: list[Operation] = field(default_factory=list)
    hooks: list[Hook] = field(default_factory=list)
    settings: dict[str, dict[str, str]] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def dir(self) -> Path:
        return self.path.parent

    def task(self, name: str) -> Operation | None:
        return next((t for t in self.tasks if t.name == name), None)

    def hooks_for(self, trigger: str) -> list[Hook]:
        return [h for h in self.hooks if trigger in h.triggered_by]


def _check_shape(value: Any, shape: Any, where: str) -> None:
    """yaml.v2 strict decoding into the Go structs: unknown keys and wrong kinds are errors."""
    if value is None:
        return  # a null leaves the Go zero value
    if shape == STR:
        if isinstance(value, (dict, list)):
            raise ManifestError(
                f"yaml: unmarshal errors:\n  {where}: cannot unmarshal "
                f"{'!!map' if isinstance(value, dict) else '!!seq'} into string"
            )
    elif shape == STR_LIST:
        if not isinstance(value, list):
            raise ManifestError(f"yaml: unmarshal errors:\n  {where}: cannot unmarshal into []string")
        for i, item in enumerate(value):
            _check_shape(item, STR, f"{where}[{i}]")
    elif shape == STR_MAP:
        if not isinstance(value, dict):
            raise ManifestError(f"yaml: unmarshal errors:\n  {where}: cannot unmarshal into map[string]string")
        for key, item in value.items():
            _check_shape(item, STR, f"{where}.{key}")
    elif isinstance(shape, list):
        if not isinstance(value, list):
            raise ManifestError(f"yaml: unmarshal errors:\n  {where}: cannot unmarshal into a list")
        for i, item in enumerate(value):
            _check_shape(item, shape[0], f"{where}[{i}]")
    elif isinstance(shape, tuple):  # a map of named structs (settings)
        if not isinstance(value, dict):
            raise ManifestError(f"yaml: unmarshal errors:\n  {where}: cannot unmarshal into a map")
        for key, item in value.items():
            _check_shape(item, shape[1], f"{where}.{key}")
    else:
        if not isinstance(value, dict):
            raise ManifestError(f"yaml: unmarshal errors:\n  {where}: cannot unmarshal into a struct")
        for key, item in value.items():
            if key not in shape:
                raise ManifestError(f"yaml: unmarshal errors:\n  field {key} not found in type {where}")
            _check_shape(item, shape[key], f"{where}.{key}" if where else key)


# libyaml's parser when PyYAML has it: a manifest loads in a few milliseconds (reloadPlugins)
_YAML_BASE: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class _StrictLoader(_YAML_BASE):  # type: ignore[misc]
    """Every scalar stays text (as yaml.v2 decodes into Go string fields); duplicate keys fail."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise ManifestError(
                f'yaml: unmarshal errors:\n  line {key_node.start_mark.line + 1}: key "{key}" already set in map'
            )
        seen[key] = loader.construct_object(value_node, deep=True)
    return seen


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_manifest(path: str | Path) -> Plugin:
    """Load a plugin manifest with Stash's strict rules; raises ManifestError."""
    path = Path(path).resolve()
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        raise ManifestError(f"yaml: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ManifestError("yaml: unmarshal errors:\n  cannot unmarshal into plugin.Config")
    _check_shape(data, MANIFEST_FIELDS, "")
    interface = data.get("interface") or "raw"
    if interface not in VALID_INTERFACES:
        raise ManifestError(f"invalid interface type {interface}")
    if interface == "js":
        raise ManifestError(JS_NOT_MODELLED)
    settings = data.get("settings") or {}
    for key, setting in settings.items():
        setting = setting or {}
        if setting.get("type") and setting["type"] not in VALID_SETTING_TYPES:
            raise ManifestError(f"invalid type {key} for setting {setting['type']}")
    plugin_id = path.stem

    def operation(raw: dict[str, Any], cls: type) -> Any:
        kwargs = {
            "name": raw.get("name") or "",
            "description": raw.get("description") or "",
            "exec_args": list(raw.get("execArgs") or []),
            "default_args": dict(raw.get("defaultArgs") or {}),
        }
        if cls is Hook:
            kwargs["triggered_by"] = list(raw.get("triggeredBy") or [])
        return cls(**kwargs)

    return Plugin(
        id=plugin_id,
        path=path,
        name=data.get("name") or plugin_id,
        exec=list(data.get("exec") or []),
        # errLog is not checked at load; an unknown level means error (pkg/plugin/log.go)
        interface=interface,
        err_log=str(data["errLog"]) if data.get("errLog") in VALID_ERR_LOG else "error",
        version=data.get("version"),
        description=data.get("description"),
        tasks=[operation(t or {}, Operation) for t in data.get("tasks") or []],
        hooks=[operation(h or {}, Hook) for h in data.get("hooks") or []],
        settings={k: dict(v or {}) for k, v in settings.items()},
        raw=data,
    )


def load_plugins(folder: str | Path, linked: Sequence[Path] = ()) -> tuple[list[Plugin], list[str]]:
    """Every *.yml under folder, recursively, as Stash loads them, then the manifests in `linked`
    (the simulator's installed plugins that live elsewhere): (plugins, error lines).

    filepath.Walk order (a folder's entries by name, depth first), so `a/b.yml` comes
    before `a.yml`; a plugin whose id matches an earlier one, ignoring case, is skipped.
    """
    plugins: list[Plugin] = []
    errors: list[str] = []
    seen: set[str] = set()
    root = Path(folder)
    walked = sorted(root.rglob("*.yml"), key=lambda p: p.relative_to(root).parts)
    for path in [*walked, *linked]:
        try:
            plugin = load_manifest(path)
        except (ManifestError, OSError) as exc:  # pkg/plugin/plugins.go logs any load error, goes on
            errors.append(f"Error loading plugin {path}: {exc}")
            continue
        if plugin.id.lower() in seen:
            errors.append(f"Error loading plugin {path}: plugin ID {plugin.id} already exists")
            continue
        seen.add(plugin.id.lower())
        plugins.append(plugin)
    return plugins, errors


# -- running ----------------------------------------------------------------------------------
@dataclass
class LogLine:
    level: str
    message: str


@dataclass
class RunResult:
    """What Stash gets from one plugin run, plus what the test wants to look at."""

    output: Any
    error: str | None
    returncode: int | None  # None: the process never started
    stdout: str
    stderr: str
    logs: list[LogLine]
    progress: list[float]
    plugin_input: dict[str, Any]

    def messages(self, level: str | None = None) -> list[str]:
        return [line.message for line in self.logs if level is None or line.level == level]

    @property
    def log_text(self) -> str:
        return "\n".join(f"{line.level}: {line.message}" for line in self.logs)


def parse_stdout(stdout: str) -> tuple[Any, str | None]:
    """Decode stdout as Go's json.Unmarshal into PluginOutput would."""
    try:
        decoded = json.loads(stdout)
    except ValueError:
        return stdout, None
    if decoded is None:
        return None, None
    if not isinstance(decoded, dict):
        return stdout, None
    fields = {key.lower(): value for key, value in decoded.items()}
    error = fields.get("error")
    if error is not None and not isinstance(error, str):
        return stdout, None
    return fields.get("output"), error


def parse_stderr(stderr: str, default_level: str) -> tuple[list[LogLine], list[float]]:
    logs: list[LogLine] = []
    progress: list[float] = []
    for line in stderr.splitlines():
        if not line:
            continue
        if len(line) >= 4 and line[0] == "\x01" and line[2] == "\x02" and line[1] in LEVELS:
            level, message = LEVELS[line[1]], line[3:].strip()
        else:
            level, message = default_level, line
        if level == "none":  # errLog: none drops unprefixed lines (pkg/logger/plugin.go)
            continue
        if level == "progress":
            try:
                progress.append(float(message))
            except ValueError:
                logs.append(
                    LogLine(
                        "error",
                        f"Error parsing progress value '{message}': strconv.ParseFloat:"
                        f" parsing {json.dumps(message)}: invalid syntax",
                    )
                )
            continue
        logs.append(LogLine(level, message))
    return logs, progress


_STASH_CWD: list[str] = []


def stash_working_dir() -> str:
    """A folder standing for Stash's own working directory (never the plugin's), one per process."""
    if not _STASH_CWD:
        _STASH_CWD.append(tempfile.mkdtemp(prefix="stash-cwd-"))
        atexit.register(shutil.rmtree, _STASH_CWD[0], True)
    return _STASH_CWD[0]


class PluginRunner:
    """Starts a plugin's process as Stash would and collects the result."""

    def __init__(self, plugin: Plugin, python: str = sys.executable, env: dict[str, str] | None = None) -> None:
        self.plugin = plugin
        self.python = python
        self.env = env
        self.cwd = stash_working_dir()

    def command(self, operation: Operation | None) -> tuple[list[str], dict[str, str]]:
        args = list(self.plugin.exec) + (list(operation.exec_args) if operation else [])
        if not args:
            raise PluginStartError("empty exec value")  # raw.go Start
        env = dict(self.env if self.env is not None else os.environ)
        if args[0] in ("python", "python3"):
            args[0] = self.python
            above = str(self.plugin.dir.parent)
            env["PYTHONPATH"] = f"{env['PYTHONPATH']}{os.pathsep}{above}" if env.get("PYTHONPATH") else above
        elif shutil.which(args[0]) is None:
            args[0] = str(self.plugin.dir / args[0])
        plugin_dir = str(self.plugin.dir)
        return [args[0]] + [a.replace("{pluginDir}", plugin_dir) for a in args[1:]], env

    @staticmethod
    def plugin_input(server_connection: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
        return {"server_connection": server_connection, "args": args}

    def run_task(
        self, task_name: str, args: dict[str, Any] | None, server_connection: dict[str, Any], **kwargs: Any
    ) -> RunResult:
        """runPluginTask: the caller's args, then the task's defaultArgs for missing keys."""
        task = self.plugin.task(task_name)
        if task is None:
            raise ManifestError(f"no task with name {task_name} in plugin {self.plugin.name}")
        merged = dict(args or {})
        for key, value in task.default_args.items():
            merged.setdefault(key, value)
        return self.run(task, merged, server_connection, **kwargs)

    def run_operation(self, args: dict[str, Any] | None, server_connection: dict[str, Any], **kwargs: Any) -> RunResult:
        """runPluginOperation: args as given, no defaults, no execArgs."""
        return self.run(None, dict(args or {}), server_connection, **kwargs)

    def run_hook(
        self, hook: Hook, hook_context: dict[str, Any], server_connection: dict[str, Any], **kwargs: Any
    ) -> RunResult:
        args: dict[str, Any] = dict(hook.default_args)
        args["hookContext"] = hook_context
        return self.run(hook, args, server_connection, **kwargs)

    def run(
        self, operation: Operation | None, args: dict[str, Any], server_connection: dict[str, Any], **kwargs: Any
    ) -> RunResult:
        plugin_input = self.plugin_input(dict(server_connection, PluginDir=str(self.plugin.dir)), args)
        return self.run_stdin(json.dumps(plugin_input).encode(), operation, plugin_input, **kwargs)

    def run_stdin(
        self,
        stdin: bytes,
        operation: Operation | None = None,
        plugin_input: dict[str, Any] | None = None,
        timeout: float = 300,
        on_start: Callable[[subprocess.Popen[bytes]], None] | None = None,
    ) -> RunResult:
        """Run with raw stdin bytes (malformed-input tests use this directly)."""
        argv, env = self.command(operation)
        try:
            process = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=self.cwd, env=env
            )
        except OSError as exc:
            # Go's *PathError from fork/exec: the path, then the errno text in lower case
            reason = os.strerror(exc.errno).lower() if exc.errno else str(exc)
            raise PluginStartError(f"error running plugin: fork/exec {argv[0]}: {reason}") from exc
        if on_start is not None:
            on_start(process)
        try:
            # stdin is written whole and closed, as Stash's goroutine does
            stdout_b, stderr_b = process.communicate(input=stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout_b, stderr_b = process.communicate()
        stdout, stderr = stdout_b.decode("utf-8", "replace"), stderr_b.decode("utf-8", "replace")
        output, error = parse_stdout(stdout)
        if process.returncode != 0 and error is None:
            error = "signal: killed" if process.returncode == -9 else f"exit status {process.returncode}"
        logs, progress = parse_stderr(stderr, self.plugin.err_log)
        return RunResult(output, error, process.returncode, stdout, stderr, logs, progress, plugin_input or {})


def server_connection(
    port: int, cookie: dict[str, Any] | None, config_dir: str, scheme: str = "http", host: str = STASH_HOST
) -> dict[str, Any]:
    """server_connection with Go field names, as Stash's makeServerConnection builds it."""
    return {"Scheme": scheme, "Host": host, "Port": port, "SessionCookie": cookie, "Dir": config_dir}
