"""What Stash's web UI asks of the server for plugins: the plugin list with the paths of their
JavaScript and CSS, those files, and the UI itself when it is served from a folder.

Stash facts (v0.30.1):
- pkg/plugin/config.go UIConfig: a manifest's `ui` section has `requires`, `csp`, `javascript`,
  `css` and `assets`. toPlugin splits `javascript` and `css` into URLs (starting http:// or
  https://: ExternalScript, ExternalCSS) and files, each joined to the manifest's folder with
  Go's filepath.Join (which cleans the path; `..` is not refused).
- internal/api/resolver_model_plugin.go Paths: `paths.javascript` is the external scripts, then
  `<BaseURL>/plugin/<id>/javascript`, and null when the plugin has neither; `css` the same with
  `/css` (ui_paths; the rest of the Plugin type is plugins.py).
- internal/api/routes_plugin.go: GET /plugin/{id}/javascript answers the plugin's JavaScript files
  concatenated, each followed by a newline (server.go serveFiles), Content-Type text/javascript;
  /css the same with text/css; a file that cannot be read is logged ("error serving file <path>:
  <error>") and only its newline is sent; an unknown plugin id is 404 "Not Found"; a disabled one
  400 "plugin disabled". /plugin/{id}/assets serves `ui.assets` folders (not modelled here).
- internal/api/server.go: with `ui_location` set, the web UI is served from that folder at `/`:
  index.html for `/`, `/index.html` and every path without an extension (the UI's own routes),
  other paths as files (404 when missing); HTML answers carry the Content-Security-Policy of
  setPageSecurityHeaders: scripts, styles and connections from the server itself only, unless a
  plugin's `ui.csp` or external files add origins.
- Every route is behind Stash's authentication (internal/api/authentication.go): without a session
  when credentials are set, the simulator answers 401 (Stash redirects a browser to /login).
"""

from __future__ import annotations

import mimetypes
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from .runner import Plugin

if TYPE_CHECKING:
    from .server import _Handler
    from .simulator import StashSimulator

PLUGIN_ROUTE = "/plugin/"
ASSETS_NOT_MODELLED = b"the Stash simulator does not model plugin assets (/plugin/{id}/assets)\n"

# setPageSecurityHeaders' sources before any plugin adds to them (internal/api/server.go)
DEFAULT_SRC = "data: 'self' 'unsafe-inline'"
CONNECT_SRC = ["data:", "'self'", "ws:", "wss:"]
SCRIPT_SRC = ["'self'", "http://www.gstatic.com", "https://www.gstatic.com", "'unsafe-inline'", "'unsafe-eval'"]
STYLE_SRC = ["'self'", "'unsafe-inline'"]


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _ui(plugin: Plugin) -> dict[str, Any]:
    return plugin.raw.get("ui") or {}


def _entries(plugin: Plugin, key: str) -> list[str]:
    return [str(v) for v in _ui(plugin).get(key) or []]


def ui_files(plugin: Plugin, key: str) -> list[str]:
    """The manifest's `ui.javascript` or `ui.css` files as paths (filepath.Join with the manifest's folder)."""
    return [
        posixpath.normpath(posixpath.join(plugin.dir.as_posix(), v)) for v in _entries(plugin, key) if not _is_url(v)
    ]


def ui_paths(plugin: Plugin, base_url: str, key: str, route: str) -> list[str] | None:
    """`Plugin.paths.javascript` / `.css` (internal/api/resolver_model_plugin.go; plugins.py answers the rest)."""
    external = [v for v in _entries(plugin, key) if _is_url(v)]
    if not external and not ui_files(plugin, key):
        return None
    return [*external, f"{base_url}{PLUGIN_ROUTE}{plugin.id}/{route}"]


def content_security_policy(sim: StashSimulator) -> str:
    """The Content-Security-Policy header of the UI's HTML pages (server.go setPageSecurityHeaders)."""
    connect, script, style = list(CONNECT_SRC), list(SCRIPT_SRC), list(STYLE_SRC)
    for plugin in sim.plugins:
        csp = _ui(plugin).get("csp") or {}
        script += [v for v in _entries(plugin, "javascript") if _is_url(v)]
        style += [v for v in _entries(plugin, "css") if _is_url(v)]
        connect += list(csp.get("connect-src") or [])
        script += list(csp.get("script-src") or [])
        style += list(csp.get("style-src") or [])
    return (
        f"default-src {DEFAULT_SRC}; connect-src {' '.join(connect)}; img-src data: *; "
        f"script-src {' '.join(script)}; style-src {' '.join(style)}; media-src blob: 'self';"
        " worker-src blob:; child-src 'none'; object-src 'none'; form-action 'self';"
    )


def serve(sim: StashSimulator, request: _Handler) -> None:
    """Answer a GET that is not for /graphql: a plugin's files, or the UI from `ui_location`."""
    path = unquote(urlsplit(request.path).path)
    if path.startswith(PLUGIN_ROUTE):
        _serve_plugin_files(sim, request, path[len(PLUGIN_ROUTE) :])
    elif sim.ui_location is not None and request.command == "GET":
        _serve_ui(sim, request, path)
    else:
        request._send(404, b"404 page not found\n", "text/plain; charset=utf-8")


def _serve_plugin_files(sim: StashSimulator, request: _Handler, rest: str) -> None:
    plugin_id, _, route = rest.partition("/")
    plugin = next((p for p in sim.plugins if p.id == plugin_id), None)  # GetPlugin: exact id
    if plugin is None:
        request._send(404, b"Not Found\n", "text/plain; charset=utf-8")
        return
    if route == "assets" or route.startswith("assets/"):
        request._send(501, ASSETS_NOT_MODELLED, "text/plain; charset=utf-8")
        return
    kinds = {"javascript": ("javascript", "text/javascript"), "css": ("css", "text/css")}
    if route not in kinds or request.command != "GET":
        request._send(404, b"404 page not found\n", "text/plain; charset=utf-8")
        return
    key, content_type = kinds[route]
    body = bytearray()
    for file in ui_files(plugin, key):
        try:
            body += Path(file).read_bytes()
        except OSError as exc:
            sim.log("error", f"error serving file {file}: open {file}: {(exc.strerror or str(exc)).lower()}")
        body += b"\n"
    request._send(200, bytes(body), content_type)


def _serve_ui(sim: StashSimulator, request: _Handler, path: str) -> None:
    assert sim.ui_location is not None
    root = Path(sim.ui_location).resolve()
    extension = posixpath.splitext(path)[1]
    if extension == "" or path in ("/", "/index.html"):
        target, extension = root / "index.html", ".html"
    else:
        target = (root / path.lstrip("/")).resolve()
        if root not in target.parents or not target.is_file():
            request._send(404, b"404 page not found\n", "text/plain; charset=utf-8")
            return
    headers = {"Cache-Control": "no-cache"}
    if extension == ".html":
        headers["Content-Security-Policy"] = content_security_policy(sim)
        headers["Referrer-Policy"] = "same-origin"
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type == "application/javascript":
        content_type += "; charset=utf-8"
    request._send(200, target.read_bytes(), content_type, headers)
