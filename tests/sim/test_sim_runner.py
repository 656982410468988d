"""The plugin runner (tests/stash_sim/runner.py) against Stash's rules (docs/stash.md §1-§2,
research notes Q1): strict manifests, exec resolution, the PluginInput on stdin, stdout and
stderr as Stash reads them. Plugins are written into tmp_path by each test.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from stash_sim import StashSimulator
from stash_sim.runner import ManifestError, PluginRunner, load_manifest, load_plugins

ECHO = """
import json, os, sys
plugin_input = json.loads(sys.stdin.read())
print(json.dumps({"output": {"input": plugin_input, "cwd": os.getcwd(), "pythonpath": os.environ.get("PYTHONPATH"),
                             "executable": sys.executable, "argv": sys.argv[1:]}}))
"""

MANIFEST = """
name: Probe
description: A test plugin.
version: "1.0"
url: https://example.org
exec:
  - python
  - "{pluginDir}/main.py"
interface: raw
errLog: warning
tasks:
  - name: Echo
    description: Echo the input.
    execArgs: ["--task"]
    defaultArgs:
      dry_run: true
      limit: 10
      mode: fast
hooks:
  - name: On update
    triggeredBy: [Gallery.Update.Post]
    defaultArgs:
      from_hook: yes
settings:
  zeta:
    displayName: Zeta
    type: BOOLEAN
  alpha:
    displayName: Alpha
    description: A number.
    type: NUMBER
"""


def write_plugin(root: Path, manifest: str = MANIFEST, script: str = ECHO, plugin_id: str = "probe") -> Path:
    """<root>/plugins/<plugin_id>/{<plugin_id>.yml, main.py}; returns the plugin folder."""
    folder = root / "plugins" / plugin_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{plugin_id}.yml").write_text(textwrap.dedent(manifest), encoding="utf-8")
    (folder / "main.py").write_text(textwrap.dedent(script), encoding="utf-8")
    return folder


# -- strict manifests (pkg/plugin/config.go: yaml.v2 strict decoding, Config.valid) -----------
# (text replaced in MANIFEST, text added to it, a word the error must contain)
BAD_MANIFESTS = [
    pytest.param("", "requires: [stashapi]\n", "requires", id="unknown_top_level_key_named[pkg/plugin/config.go]"),
    pytest.param(
        '    execArgs: ["--task"]\n',
        '    execArgs: ["--task"]\n    timeout: 5\n',
        "timeout",
        id="unknown_key_under_tasks_0_named[pkg/plugin/config.go]",
    ),
    pytest.param(
        "    triggeredBy: [Gallery.Update.Post]\n",
        "    triggeredBy: [Gallery.Update.Post]\n    async: true\n",
        "async",
        id="unknown_key_under_hooks_0_named[pkg/plugin/config.go]",
    ),
    pytest.param(
        "    displayName: Zeta\n",
        "    displayName: Zeta\n    default: true\n",
        "default",
        id="setting_default_is_unknown_key_named[pkg/plugin/config.go]",
    ),
    pytest.param(
        "    type: NUMBER\n", "    type: INTEGER\n", "INTEGER", id="setting_invalid_type_refused[pkg/plugin/config.go]"
    ),
    pytest.param(
        "interface: raw\n", "interface: python\n", "python", id="invalid_interface_refused[pkg/plugin/config.go]"
    ),
    pytest.param(
        "url: https://example.org\n",
        "url: https://example.org\nname: Again\n",
        "name",
        id="duplicate_key_refused[yaml.v2]",
    ),
    pytest.param(
        'exec:\n  - python\n  - "{pluginDir}/main.py"\n',
        "exec: python main.py\n",
        "exec",
        id="exec_must_be_a_list[pkg/plugin/config.go]",
    ),
]


@pytest.mark.parametrize(("old", "new", "named"), BAD_MANIFESTS)
def test_bad_manifest_refused_naming_the_problem(tmp_path: Path, old: str, new: str, named: str) -> None:
    manifest = textwrap.dedent(MANIFEST)
    assert old in manifest
    folder = write_plugin(tmp_path, manifest.replace(old, new, 1) if old else manifest + new)
    with pytest.raises(ManifestError, match=named):
        load_manifest(folder / "probe.yml")


def test_good_manifest_loads_with_text_values(tmp_path: Path) -> None:
    plugin = load_manifest(write_plugin(tmp_path) / "probe.yml")
    assert plugin.id == "probe"  # the file name, not `name`
    assert plugin.task("Echo").default_args == {"dry_run": "true", "limit": "10", "mode": "fast"}
    assert plugin.hooks[0].default_args == {"from_hook": "yes"}  # yaml.v2 into a string: "yes", not true
    assert set(plugin.settings) == {"zeta", "alpha"}


def test_trigger_typo_loads_and_never_fires(tmp_path: Path, make_sim: Callable[..., StashSimulator]) -> None:
    """Trigger names are not checked at load, and matching is exact (pkg/plugin/hook/hooks.go)."""
    manifest = textwrap.dedent(MANIFEST).replace("[Gallery.Update.Post]", "[gallery.update.post, Gallery.Updated.Post]")
    sim = make_sim({"galleries": [{"title": "G"}]})
    sim.install_plugin(write_plugin(tmp_path, manifest), "probe")
    sim.gql('mutation { galleryUpdate(input: {id: "1", details: "x"}) { id } }')
    assert sim.hooks.runs == []


def test_stray_yml_is_a_second_manifest(tmp_path: Path) -> None:
    """Every *.yml under the plugins folder is loaded (pkg/plugin/plugins.go)."""
    folder = write_plugin(tmp_path)
    (folder / "notes.yml").write_text("todo: write docs\n", encoding="utf-8")
    plugins, errors = load_plugins(tmp_path / "plugins")
    assert [p.id for p in plugins] == ["probe"]
    assert len(errors) == 1 and errors[0].startswith(f"Error loading plugin {folder / 'notes.yml'}: ")
    assert "todo" in errors[0]


# -- what the plugin receives --------------------------------------------------------------------
@pytest.fixture
def echo(tmp_path: Path, make_sim: Callable[..., StashSimulator]) -> tuple[StashSimulator, Path]:
    sim = make_sim(credentials=("admin", "secret"))
    folder = write_plugin(tmp_path)
    sim.install_plugin(folder, "probe")
    return sim, folder


def test_task_default_args_are_strings_under_the_callers_args(echo: tuple[StashSimulator, Path]) -> None:
    sim, _ = echo
    result = sim.run_task("Echo", {"mode": "slow", "extra": 1}, plugin_id="probe")
    assert result.error is None
    assert result.output["input"]["args"] == {"dry_run": "true", "limit": "10", "mode": "slow", "extra": 1}
    assert result.output["argv"] == ["--task"]  # execArgs appended


def test_run_plugin_operation_gets_no_defaults(echo: tuple[StashSimulator, Path]) -> None:
    sim, _ = echo
    result = sim.run_operation({"mode": "slow"}, plugin_id="probe")
    assert result.output["input"]["args"] == {"mode": "slow"}
    assert result.output["argv"] == []  # no task, no execArgs


def test_plugin_input_is_stash_server_connection(echo: tuple[StashSimulator, Path]) -> None:
    sim, folder = echo
    plugin_input = sim.run_operation({}, plugin_id="probe").output["input"]
    assert list(plugin_input) == ["server_connection", "args"]
    conn = plugin_input["server_connection"]
    assert set(conn) == {"Scheme", "Host", "Port", "SessionCookie", "Dir", "PluginDir"}
    assert (conn["Scheme"], conn["Host"], conn["Port"]) == ("http", "0.0.0.0", sim.port)
    assert conn["Dir"] == sim.config_dir and conn["PluginDir"] == str(folder)
    cookie = conn["SessionCookie"]
    assert list(cookie) == [
        "Name",
        "Value",
        "Quoted",
        "Path",
        "Domain",
        "Expires",
        "RawExpires",
        "MaxAge",
        "Secure",
        "HttpOnly",
        "SameSite",
        "Partitioned",
        "Raw",
        "Unparsed",
    ]
    assert {k: v for k, v in cookie.items() if k != "Value"} == {
        "Name": "session",
        "Quoted": False,
        "Path": "",
        "Domain": "",
        "Expires": "0001-01-01T00:00:00Z",
        "RawExpires": "",
        "MaxAge": 0,
        "Secure": False,
        "HttpOnly": False,
        "SameSite": 0,
        "Partitioned": False,
        "Raw": "",
        "Unparsed": None,
    }
    # the cookie authenticates against a simulator with credentials
    response = requests.post(
        sim.url, json={"query": "{ version { version } }"}, headers={"Cookie": f"session={cookie['Value']}"}, timeout=10
    )
    assert response.status_code == 200


def test_exec_resolution(
    tmp_path: Path, make_sim: Callable[..., StashSimulator], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python` runs the configured interpreter; {pluginDir} in exec[1:]; PYTHONPATH gets the folder
    above the plugin folder, after the user's; the working directory is not the plugin folder."""
    interpreter = tmp_path / "configured-python"
    interpreter.symlink_to(sys.executable)
    sim = make_sim(python=str(interpreter))
    manifest = textwrap.dedent(MANIFEST).replace(
        '  - "{pluginDir}/main.py"\n', '  - "{pluginDir}/main.py"\n  - "--dir={pluginDir}"\n'
    )
    folder = write_plugin(tmp_path, manifest.replace("  - python\n", "  - python3\n"))
    sim.install_plugin(folder, "probe")
    monkeypatch.setenv("PYTHONPATH", "/users/own/path")
    output = sim.run_operation({}, plugin_id="probe").output
    assert output["executable"] == str(interpreter)
    assert output["argv"] == [f"--dir={folder}"]
    assert output["pythonpath"] == f"/users/own/path{os.pathsep}{folder.parent}"
    assert Path(output["cwd"]).resolve() != folder.resolve()


# -- stdout (pkg/plugin/raw.go getOutput) --------------------------------------------------------
# (script, output, error)
STDOUTS = [
    pytest.param('print("hello")', "hello\n", None, id="stdout_not_plugin_output_becomes_output_no_error"),
    pytest.param(
        "print('{\"output\": 1}'); print('{\"output\": 2}')",
        '{"output": 1}\n{"output": 2}\n',
        None,
        id="two_json_objects_become_raw_output",
    ),
    pytest.param('print("[1, 2]")', "[1, 2]\n", None, id="json_array_becomes_raw_output"),
    pytest.param('print(\'{"output": {"a": 1}, "error": "bad"}\')', {"a": 1}, "bad", id="plugin_output_parsed"),
    pytest.param('print(\'{"OUTPUT": 5, "Error": null}\')', 5, None, id="field_names_case_insensitive"),
    pytest.param('print("null")', None, None, id="null_is_an_empty_plugin_output"),
    pytest.param("import sys; sys.exit(3)", "", "exit status 3", id="nonzero_exit_without_error_is_exit_status"),
    pytest.param(
        'import sys; print(\'{"error": "boom"}\'); sys.exit(2)', None, "boom", id="nonzero_exit_keeps_plugin_error"
    ),
    pytest.param(
        'import sys; print(\'{"output": "ok"}\'); sys.exit(1)',
        "ok",
        "exit status 1",
        id="nonzero_exit_with_output_but_no_error",
    ),
]


@pytest.mark.parametrize(("script", "output", "error"), STDOUTS)
def test_stdout_read_as_stash_does(tmp_path: Path, script: str, output: Any, error: str | None) -> None:
    runner = PluginRunner(load_manifest(write_plugin(tmp_path, script=script) / "probe.yml"))
    result = runner.run_operation(
        {}, {"Scheme": "http", "Host": "0.0.0.0", "Port": 1, "SessionCookie": None, "Dir": str(tmp_path)}
    )
    assert (result.output, result.error) == (output, error)


# -- stderr (pkg/logger/plugin.go, pkg/plugin/log.go) --------------------------------------------
STDERR_SCRIPT = r"""
import sys
for line in ["\x01t\x02trace me", "\x01d\x02  debug me  ", "\x01i\x02info me", "\x01w\x02warn me",
             "\x01e\x02error me", "\x01p\x020.25", "\x01p\x021", "\x01p\x02half", "plain line", "\x01x\x02odd"]:
    print(line, file=sys.stderr)
print("{}")
"""


@pytest.mark.parametrize(
    ("err_log", "plain_level"),
    [
        pytest.param("errLog: warning\n", "warning", id="unprefixed_lines_at_errLog_level"),
        pytest.param("", "error", id="errLog_default_is_error"),
        pytest.param("errLog: verbose\n", "error", id="unknown_errLog_is_error"),
    ],
)
def test_stderr_log_lines_and_progress(tmp_path: Path, err_log: str, plain_level: str) -> None:
    manifest = textwrap.dedent(MANIFEST).replace("errLog: warning\n", err_log)
    runner = PluginRunner(load_manifest(write_plugin(tmp_path, manifest, STDERR_SCRIPT) / "probe.yml"))
    result = runner.run_operation(
        {}, {"Scheme": "http", "Host": "0.0.0.0", "Port": 1, "SessionCookie": None, "Dir": str(tmp_path)}
    )
    assert [(line.level, line.message) for line in result.logs] == [
        ("trace", "trace me"),
        ("debug", "debug me"),
        ("info", "info me"),
        ("warning", "warn me"),
        ("error", "error me"),
        ("error", "Error parsing progress value 'half': strconv.ParseFloat: parsing \"half\": invalid syntax"),
        (plain_level, "plain line"),
        (plain_level, "\x01x\x02odd"),
    ]
    assert result.progress == [0.25, 1.0]


def test_stdout_json_of_plugin_input_roundtrip(tmp_path: Path) -> None:
    """stdin is one JSON object, then closed: a plugin reading to EOF gets all of it."""
    runner = PluginRunner(load_manifest(write_plugin(tmp_path) / "probe.yml"))
    conn = {"Scheme": "http", "Host": "0.0.0.0", "Port": 9999, "SessionCookie": None, "Dir": "/config"}
    result = runner.run_operation({"big": "x" * 200_000}, conn)
    assert result.output["input"]["args"]["big"] == "x" * 200_000
    assert json.loads(json.dumps(result.plugin_input)) == result.output["input"]
