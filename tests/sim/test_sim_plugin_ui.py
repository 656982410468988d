"""What Stash's web UI asks the server for plugins (plugin_ui.py): the plugin list with the paths of
their JavaScript and CSS, those files, and the UI served from `ui_location`.

- pkg/plugin/config.go toPlugin: ui.javascript / ui.css split into URLs and files joined to the
  manifest's folder; internal/api/resolver_model_plugin.go Paths: the URLs, then
  <BaseURL>/plugin/<id>/javascript (or /css); null when there are none.
- internal/api/routes_plugin.go + server.go serveFiles: the files concatenated, each followed by
  a newline; an unreadable file is logged and skipped; unknown plugin id 404.
- internal/api/server.go: ui_location serves index.html for "/" and paths without an extension,
  with setPageSecurityHeaders' Content-Security-Policy.
"""

from __future__ import annotations

import http.client
import json
import textwrap
from pathlib import Path

import pytest
from stash_sim import StashSimulator

REPO = Path(__file__).resolve().parents[2]


def _get(sim: StashSimulator, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


def _ui_plugin(root: Path, ui: str) -> Path:
    folder = root / "ui_probe"
    (folder / "web").mkdir(parents=True)
    (folder / "ui_probe.yml").write_text(
        "name: UI Probe\nexec: [python, main.py]\n" + textwrap.dedent(ui), encoding="utf-8"
    )
    (folder / "web" / "one.js").write_text("window.one = 1;", encoding="utf-8")
    (folder / "web" / "two.js").write_text("window.two = 2;", encoding="utf-8")
    (folder / "web" / "look.css").write_text(".probe { color: red; }", encoding="utf-8")
    return folder


PLUGINS = "{ plugins { id name enabled requires paths { javascript css } tasks { name } } }"


def test_plugins_query_gives_the_paths_stash_serves_the_files_at(sim: StashSimulator, tmp_path: Path) -> None:
    folder = _ui_plugin(
        tmp_path,
        """\
        ui:
          requires: [other_plugin]
          javascript: [web/one.js, "https://cdn.example/lib.js", web/two.js]
          css: [web/look.css]
        """,
    )
    sim.install_plugin(folder, "ui_probe")
    found = sim.gql(PLUGINS)["plugins"]
    assert found == [
        {
            "id": "ui_probe",
            "name": "UI Probe",
            "enabled": True,
            "requires": ["other_plugin"],
            "paths": {
                "javascript": ["https://cdn.example/lib.js", f"http://127.0.0.1:{sim.port}/plugin/ui_probe/javascript"],
                "css": [f"http://127.0.0.1:{sim.port}/plugin/ui_probe/css"],
            },
            "tasks": None,
        }
    ]


def test_a_plugin_without_ui_has_null_paths_and_its_tasks_name_it(sim: StashSimulator) -> None:
    sim.install_plugin(REPO / "tests" / "sim" / "plugins" / "job_probe", "job_probe")
    found = sim.gql("{ plugins { requires paths { javascript css } tasks { name } } }")["plugins"][0]
    assert found["paths"] == {"javascript": None, "css": None}
    assert found["requires"] is None
    # pluginTasks names each task's plugin; the tasks inside `plugins` carry none
    # (pkg/plugin/config.go toPlugin: getPluginTasks(false))
    tasks = sim.gql("{ pluginTasks { name plugin { id } } }")["pluginTasks"]
    assert [t["name"] for t in tasks] == [t["name"] for t in found["tasks"]]
    assert all(t["plugin"] == {"id": "job_probe"} for t in tasks)


def test_javascript_and_css_are_the_files_concatenated_each_with_a_newline(sim: StashSimulator, tmp_path: Path) -> None:
    folder = _ui_plugin(
        tmp_path,
        """\
        ui:
          javascript: [web/one.js, web/missing.js, web/two.js, "http://cdn.example/x.js"]
          css: [web/look.css]
        """,
    )
    sim.install_plugin(folder, "ui_probe")
    status, headers, body = _get(sim, "/plugin/ui_probe/javascript")
    assert (status, headers["content-type"]) == (200, "text/javascript")
    assert body == b"window.one = 1;\n\nwindow.two = 2;\n"  # the missing file: only its newline
    missing = (folder / "web" / "missing.js").as_posix()
    assert f"error serving file {missing}: open {missing}: no such file or directory" in sim.log_messages("error")
    status, headers, body = _get(sim, "/plugin/ui_probe/css")
    assert (status, headers["content-type"], body) == (200, "text/css", b".probe { color: red; }\n")


def test_unknown_plugin_is_404_and_assets_are_refused_as_not_modelled(sim: StashSimulator, tmp_path: Path) -> None:
    sim.install_plugin(_ui_plugin(tmp_path, "ui:\n  javascript: [web/one.js]\n"), "ui_probe")
    assert _get(sim, "/plugin/UI_PROBE/javascript")[0] == 404  # GetPlugin: the exact id
    status, _, body = _get(sim, "/plugin/ui_probe/assets/x.png")
    assert status == 501 and b"does not model plugin assets" in body


def test_ui_location_serves_index_for_routes_with_the_page_security_policy(sim: StashSimulator, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html>host</html>", encoding="utf-8")
    (tmp_path / "app.js").write_text("1;", encoding="utf-8")
    assert _get(sim, "/")[0] == 404  # no UI without ui_location
    sim.ui_location = str(tmp_path)
    for route in ("/", "/galleries/3", "/index.html"):
        status, headers, body = _get(sim, route)
        assert (status, body) == (200, b"<html>host</html>")
        assert headers["content-type"] == "text/html; charset=utf-8"
        policy = headers["content-security-policy"]
        assert "connect-src data: 'self' ws: wss:;" in policy and "script-src 'self' http://www.gstatic.com" in policy
    status, headers, body = _get(sim, "/app.js")
    assert (status, body) == (200, b"1;") and "content-security-policy" not in headers
    assert _get(sim, "/nothing.js")[0] == 404
    assert _get(sim, "/../" + tmp_path.name + "/app.js")[0] in (200, 404)  # never outside the folder


def test_the_ui_routes_need_a_session_when_credentials_are_set(tmp_path: Path) -> None:
    with StashSimulator(library={}, credentials=("user", "secret")) as sim:
        sim.ui_location = str(tmp_path)
        (tmp_path / "index.html").write_text("x", encoding="utf-8")
        assert _get(sim, "/")[0] == 401
        assert _get(sim, "/", {"ApiKey": sim.api_key})[0] == 200


@pytest.mark.parametrize("route", ["/plugin/gallery_tools/javascript", "/plugin/gallery_tools/css"])
def test_gallery_tools_ui_files_are_served(sim: StashSimulator, route: str) -> None:
    sim.install_plugin(REPO)
    plugin = sim.gql(PLUGINS)["plugins"][0]
    assert f"http://127.0.0.1:{sim.port}{route}" in (plugin["paths"]["javascript"] + plugin["paths"]["css"])
    status, _, body = _get(sim, route)
    assert status == 200 and len(body) > 100 and b"error serving file" not in body
    assert not [m for m in sim.log_messages("error") if "error serving file" in m]


def test_the_policy_lists_a_plugins_csp_sources(sim: StashSimulator, tmp_path: Path) -> None:
    sim.install_plugin(
        _ui_plugin(
            tmp_path,
            """\
        ui:
          javascript: [web/one.js]
          csp:
            connect-src: ["https://api.example"]
        """,
        ),
        "ui_probe",
    )
    sim.ui_location = str(tmp_path)
    (tmp_path / "index.html").write_text("x", encoding="utf-8")
    policy = _get(sim, "/")[1]["content-security-policy"]
    assert "connect-src data: 'self' ws: wss: https://api.example;" in policy
    assert json.dumps(policy)  # one header line
