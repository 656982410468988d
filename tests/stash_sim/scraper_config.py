"""Scraper configs, read from the scrapers folder as Stash v0.30.1 reads them.

pkg/scraper/cache.go ReloadScrapers, pkg/scraper/config.go:
- every file under the scrapers folder (`<config dir>/scrapers`, internal/manager/config
  GetDefaultScrapersPath) whose extension is exactly `.yml` is a scraper, walked in lexical order,
  symlinks followed (fsutil.SymWalk); its id is the file name up to the last dot, and a later
  file with the same id replaces an earlier one. Two built-in scrapers come first: Freeones
  (`builtin_freeones`, performers) and Auto Tag (`builtin_autotag`, scene and gallery fragments).
- yaml.v2 in strict mode into scraper.config: an unknown key is an error; so is a value of the
  wrong kind (`cannot unmarshal !!map into string`). A file that fails is skipped, and Stash
  logs `Error loading scraper <path>: <error>`.
- validate() checks the name (`name must not be empty`) and the actions and urls of the
  performer, scene and group/movie configs only: a gallery config with a bad action or no url
  loads, and fails (or matches nothing) only when used.
- a URL matches a `byURL` config when it contains one of its `url:` strings (strings.Contains,
  case-sensitive; scrapeByURLConfig.matchesURL).

Not checked strictly (the simulator runs no xpath/json scraper): what is inside
`xPathScrapers`, `jsonScrapers` and `queryURLReplace`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no types

# scraper.ScrapeContentType and the config keys that give each one (config.go spec/supports)
CONTENT_TYPES = ("GALLERY", "IMAGE", "MOVIE", "GROUP", "PERFORMER", "SCENE")
VALID_ACTIONS = ("script", "stash", "scrapeXPath", "scrapeJson")  # action.go

ANY = "any"  # not checked
_TYPE_CONFIG = {
    "action": "string",
    "script": "[]string",
    "scraper": "string",
    "queryURL": "string",
    "queryURLReplace": ANY,
}
_URL_CONFIG = {**_TYPE_CONFIG, "url": "[]string"}
_DRIVER = {
    "useCDP": "bool",
    "sleep": "int",
    "clicks": ("[]*scraper.clickOptions", {"xpath": "string", "sleep": "int"}),
    "cookies": (
        "[]*scraper.cookieOptions",
        {
            "CookieURL": "string",
            "Cookies": (
                "[]*scraper.scraperCookies",
                {"Name": "string", "Value": "string", "ValueRandom": "int", "Domain": "string", "Path": "string"},
            ),
        },
    ),
    "headers": ("[]*scraper.header", {"Key": "string", "Value": "string"}),
}
_SINGLE = (
    "performerByName",
    "performerByFragment",
    "sceneByFragment",
    "galleryByFragment",
    "sceneByName",
    "sceneByQueryFragment",
    "imageByFragment",
)
_BY_URL = ("performerByURL", "sceneByURL", "galleryByURL", "imageByURL", "movieByURL", "groupByURL")
# scraper.config's yaml keys -> shape: a kind name, or (Go type, struct fields) for a struct,
# or ("[]*" Go type, fields) for a list of structs
CONFIG_SHAPE: dict[str, Any] = {
    "name": "string",
    **{key: ("scraper.scraperTypeConfig", _TYPE_CONFIG) for key in _SINGLE},
    **{key: ("[]*scraper.scrapeByURLConfig", _URL_CONFIG) for key in _BY_URL},
    "debug": ("scraper.scraperDebugOptions", {"printHTML": "bool"}),
    "stashServer": ("scraper.stashServer", {"url": "string", "apiKey": "string"}),
    "xPathScrapers": ANY,
    "jsonScrapers": ANY,
    "driver": ("scraper.scraperDriverOptions", _DRIVER),
}

_YAML_BOOLS = {
    **dict.fromkeys(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"], True),
    **dict.fromkeys(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"], False),
}


class ConfigError(Exception):
    """Why Stash would skip a scraper file (its message is Stash's)."""


@dataclass
class TypeConfig:
    """scraperTypeConfig (+ the url list of a scrapeByURLConfig)."""

    action: str
    script: list[str]
    scraper: str
    url: list[str] = field(default_factory=list)

    def matches_url(self, url: str) -> bool:
        return any(pattern in url for pattern in self.url)


@dataclass
class ScraperConfig:
    id: str
    name: str
    path: str  # "" for the built-in ones
    single: dict[str, TypeConfig]  # e.g. "galleryByFragment" -> its config
    by_url: dict[str, list[TypeConfig]]  # e.g. "galleryByURL" -> its configs, in order
    builtin: str = ""  # "autotag" for Auto Tag (no config behind it)

    # -- what listScrapers says (config.go spec) ----------------------------------------------
    def spec(self) -> dict[str, Any]:
        if self.builtin == "autotag":  # autotag.go spec
            fragment = {"urls": None, "supported_scrapes": ["FRAGMENT"]}
            return {
                "id": self.id,
                "name": self.name,
                "performer": None,
                "scene": fragment,
                "gallery": dict(fragment),
                "image": None,
                "movie": None,
                "group": None,
            }

        def one(scrapes: list[str], url_keys: tuple[str, ...]) -> dict[str, Any] | None:
            if any(self.by_url.get(key) for key in url_keys):
                scrapes = [*scrapes, "URL"]
            urls = [u for key in url_keys for config in self.by_url.get(key, []) for u in config.url]
            return {"urls": urls or None, "supported_scrapes": scrapes} if scrapes else None

        has = self.single.__contains__
        performer = one(
            [s for s, k in (("NAME", "performerByName"), ("FRAGMENT", "performerByFragment")) if has(k)],
            ("performerByURL",),
        )
        scene = one(
            (["FRAGMENT"] if has("sceneByFragment") else [])
            + (["NAME"] if has("sceneByName") and has("sceneByQueryFragment") else []),
            ("sceneByURL",),
        )
        gallery = one(["FRAGMENT"] if has("galleryByFragment") else [], ("galleryByURL",))
        image = one(["FRAGMENT"] if has("imageByFragment") else [], ("imageByURL",))
        group = one([], ("movieByURL", "groupByURL"))
        return {
            "id": self.id,
            "name": self.name,
            "performer": performer,
            "scene": scene,
            "gallery": gallery,
            "image": image,
            "movie": group,
            "group": dict(group) if group else None,
        }

    def supports(self, content_type: str) -> bool:
        """config.go supports (autotag.go for Auto Tag)."""
        if self.builtin == "autotag":
            return content_type in ("SCENE", "GALLERY")
        has = self.single.__contains__
        by_url = self.by_url.get
        return {
            "PERFORMER": has("performerByName") or has("performerByFragment") or bool(by_url("performerByURL")),
            "SCENE": (has("sceneByName") and has("sceneByQueryFragment"))
            or has("sceneByFragment")
            or bool(by_url("sceneByURL")),
            "GALLERY": has("galleryByFragment") or bool(by_url("galleryByURL")),
            "IMAGE": has("imageByFragment") or bool(by_url("imageByURL")),
            "MOVIE": bool(by_url("movieByURL")) or bool(by_url("groupByURL")),
            "GROUP": bool(by_url("movieByURL")) or bool(by_url("groupByURL")),
        }[content_type]

    def url_configs(self, content_type: str) -> list[TypeConfig]:
        """group.go loadUrlCandidates."""
        keys = {
            "PERFORMER": ("performerByURL",),
            "SCENE": ("sceneByURL",),
            "GALLERY": ("galleryByURL",),
            "IMAGE": ("imageByURL",),
            "MOVIE": ("movieByURL", "groupByURL"),
            "GROUP": ("movieByURL", "groupByURL"),
        }[content_type]
        return [config for key in keys for config in self.by_url.get(key, [])]

    def matches_url(self, url: str, content_type: str) -> bool:
        return any(config.matches_url(url) for config in self.url_configs(content_type))


# -- yaml.v2, strict ---------------------------------------------------------------------------
def _terror(node: yaml.Node, go_type: str) -> str:
    """yaml.v2 decoder.terror: `line N: cannot unmarshal !!tag `value` into <Go type>`."""
    if isinstance(node, yaml.MappingNode):
        what = "!!map"
    elif isinstance(node, yaml.SequenceNode):
        what = "!!seq"
    else:
        value = str(node.value)
        value = f" `{value[:7]}...`" if len(value) > 10 else f" `{value}`"
        what = "!!" + node.tag.rsplit(":", 1)[-1] + value
    return f"line {node.start_mark.line + 1}: cannot unmarshal {what} into {go_type}"


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def _decode(node: yaml.Node, shape: Any, go_type: str, errors: list[str]) -> Any:
    """The node decoded into `shape`, appending yaml.v2's errors (it goes on after each)."""
    if shape == ANY or _is_null(node):
        return None if _is_null(node) else yaml.load(yaml.serialize(node), Loader=yaml.SafeLoader)
    if shape == "string":
        if isinstance(node, yaml.ScalarNode):
            return str(node.value)
        errors.append(_terror(node, "string"))
        return ""
    if shape == "bool":
        if isinstance(node, yaml.ScalarNode) and node.value in _YAML_BOOLS and not node.style:
            return _YAML_BOOLS[node.value]
        errors.append(_terror(node, "bool"))
        return False
    if shape == "int":
        if isinstance(node, yaml.ScalarNode) and not node.style and node.value.lstrip("+-").isdigit():
            return int(node.value)
        errors.append(_terror(node, "int"))
        return 0
    if shape == "[]string":
        if isinstance(node, yaml.SequenceNode):
            return [_decode(item, "string", "string", errors) for item in node.value]
        errors.append(_terror(node, "[]string"))
        return []
    struct_type, fields = shape
    if struct_type.startswith("[]*"):
        if not isinstance(node, yaml.SequenceNode):
            errors.append(_terror(node, struct_type))
            return []
        return [_decode(item, (struct_type[3:], fields), struct_type[3:], errors) for item in node.value]
    if not isinstance(node, yaml.MappingNode):
        errors.append(_terror(node, struct_type))
        return {}
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in out:  # yaml.v2 mappingStruct in strict mode
            errors.append(f"line {key_node.start_mark.line + 1}: field {key} already set in type {struct_type}")
            continue
        if key not in fields:
            errors.append(f"line {key_node.start_mark.line + 1}: field {key} not found in type {struct_type}")
            continue
        out[key] = _decode(value_node, fields[key], struct_type, errors)
    return out


def _type_config(raw: dict[str, Any]) -> TypeConfig:
    return TypeConfig(
        raw.get("action") or "", list(raw.get("script") or []), raw.get("scraper") or "", list(raw.get("url") or [])
    )


def _validate(raw: dict[str, Any]) -> None:
    """config.go validate: note that galleryByFragment and galleryByURL are not checked."""
    if not (raw.get("name") or "").strip():
        raise ConfigError("name must not be empty")

    def check(config: dict[str, Any]) -> None:
        action = config.get("action") or ""
        if action not in VALID_ACTIONS:
            raise ConfigError(f"{action} is not a valid scraper action")
        if action == "script" and not config.get("script"):
            raise ConfigError("script is mandatory for script scraper action")

    for key in ("performerByName", "performerByFragment", "sceneByFragment"):
        if raw.get(key) is not None:
            check(raw[key])
    for key in ("performerByURL", "sceneByURL"):
        for config in raw.get(key) or []:
            if not config.get("url"):
                raise ConfigError("url is mandatory for scrape by url scrapers")
            check(config)
    if raw.get("movieByURL") and raw.get("groupByURL"):
        raise ConfigError("movieByURL disallowed if groupByURL is present")
    for config in (raw.get("movieByURL") or []) + (raw.get("groupByURL") or []):
        if not config.get("url"):
            raise ConfigError("url is mandatory for scrape by url scrapers")
        check(config)


def load_config(path: str | Path) -> ScraperConfig:
    """One scraper file, as loadConfigFromYAMLFile reads it; ConfigError when Stash would skip it."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)  # tags resolved as YAML 1.1, as yaml.v2
    except yaml.YAMLError as exc:
        raise ConfigError(f"yaml: {exc}") from exc
    if node is None:
        raw: dict[str, Any] = {}
    else:
        errors: list[str] = []
        raw = _decode(node, ("scraper.config", CONFIG_SHAPE), "scraper.config", errors)
        if errors:
            raise ConfigError("yaml: unmarshal errors:\n  " + "\n  ".join(errors))
    _validate(raw)
    name = path.name
    return ScraperConfig(
        id=name[: name.rfind(".")],
        name=raw["name"],
        path=str(path),
        single={key: _type_config(raw[key]) for key in _SINGLE if raw.get(key) is not None},
        by_url={key: [_type_config(c) for c in raw[key] if c is not None] for key in _BY_URL if raw.get(key)},
    )


def builtin_scrapers() -> list[ScraperConfig]:
    """freeones.go (a config of xpath scrapers) and autotag.go."""
    freeones = ScraperConfig(
        "builtin_freeones",
        "Freeones",
        "",
        single={"performerByName": TypeConfig("scrapeXPath", [], "performerSearch")},
        by_url={
            "performerByURL": [TypeConfig("scrapeXPath", [], "performerScraper", ["freeones.xxx", "freeones.com"])]
        },
    )
    autotag = ScraperConfig("builtin_autotag", "Auto Tag", "", {}, {}, builtin="autotag")
    return [freeones, autotag]


def _walk(folder: str) -> list[str]:
    """filepath.Walk order (lexical, depth first), following symlinked folders (fsutil.SymWalk)."""
    found: list[str] = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return found
    for name in names:
        path = os.path.join(folder, name)
        if os.path.isdir(path):
            found.extend(_walk(path))
        elif os.path.splitext(name)[1] == ".yml":
            found.append(path)
    return found


def load_scrapers(folder: str) -> tuple[dict[str, ScraperConfig], list[str]]:
    """Every scraper Stash would load from `folder`, by id, and the errors it would log."""
    scrapers = {config.id: config for config in builtin_scrapers()}
    errors: list[str] = []
    for path in _walk(folder):
        try:
            config = load_config(path)
        except (ConfigError, OSError, UnicodeDecodeError) as exc:
            errors.append(f"Error loading scraper {path}: {exc}")
            continue
        scrapers[config.id] = config
    return scrapers, errors
