"""The simulator's gallery scrapers, as Stash v0.30.1 runs them (tests/stash_sim/scrapers.py).

Each test names the Stash file of the rule it checks (pkg/scraper/*, pkg/match/scraped.go,
internal/api/resolver_query_scraper.go).
"""

from __future__ import annotations

import json
import os
import socket
import textwrap
import time
from typing import Any

import pytest
from stash_sim import StashSimulator

SCRIPT_YML = """\
name: {name}
galleryByFragment:
  action: script
  script: [python, {script}]
"""
BY_GALLERY = (
    'query($id: ID) { scrapeSingleGallery(source: {scraper_id: "%s"}, input: {gallery_id: $id})'
    " { title code details photographer date url urls studio { stored_id name url urls }"
    " tags { stored_id name } performers { stored_id name urls } } }"
)


def script(body: str) -> str:
    """A scraper script: `body` runs with `data` (the decoded stdin)."""
    return "import json, sys\ndata = json.loads(sys.stdin.read() or 'null')\n" + textwrap.dedent(body)


def answering(answer: Any) -> str:
    return script(f"print(json.dumps({answer!r}))\n")


def install(sim: StashSimulator, scraper_id: str, body: str, yml: str | None = None) -> None:
    sim.scrapers.install(
        {
            f"{scraper_id}/{scraper_id}.yml": yml
            or SCRIPT_YML.format(name=scraper_id.title(), script=f"{scraper_id}.py"),
            f"{scraper_id}/{scraper_id}.py": body,
        }
    )


def by_gallery(sim: StashSimulator, scraper_id: str, gallery_id: str) -> dict[str, Any]:
    return sim.gql_raw(BY_GALLERY % scraper_id, {"id": gallery_id})


def error_of(body: dict[str, Any]) -> str:
    assert body.get("errors"), body
    return str(body["errors"][0]["message"])


# -- configs (pkg/scraper/config.go, cache.go) --------------------------------------------------
def test_list_scrapers_has_the_built_in_auto_tag_and_configured_ones_sorted_by_name_cache_go(sim):
    install(sim, "zeta", answering(None))
    sim.scrapers.install(
        {
            "alpha/alpha.yml": "name: alpha site\ngalleryByURL:\n  - action: script\n"
            "    url: [alpha.example/, alpha.test/]\n    script: [python, a.py]\n"
            "  - action: script\n    url: [alpha.org/]\n    script: [python, a.py]\n"
        }
    )
    listed = sim.gql(
        "{ listScrapers(types: [GALLERY]) { id name gallery { urls supported_scrapes }"
        " performer { supported_scrapes } } }"
    )["listScrapers"]
    assert [s["name"] for s in listed] == ["alpha site", "Auto Tag", "Zeta"]
    assert listed[0]["gallery"] == {
        "urls": ["alpha.example/", "alpha.test/", "alpha.org/"],
        "supported_scrapes": ["URL"],
    }
    assert listed[1] == {
        "id": "builtin_autotag",
        "name": "Auto Tag",
        "gallery": {"urls": None, "supported_scrapes": ["FRAGMENT"]},
        "performer": None,
    }
    assert listed[2]["gallery"] == {"urls": None, "supported_scrapes": ["FRAGMENT"]}
    performers = sim.gql("{ listScrapers(types: [PERFORMER]) { id performer { urls supported_scrapes } } }")
    assert performers["listScrapers"] == [
        {
            "id": "builtin_freeones",
            "performer": {"urls": ["freeones.xxx", "freeones.com"], "supported_scrapes": ["NAME", "URL"]},
        }
    ]


def test_a_scraper_file_stash_cannot_read_is_skipped_and_logged_config_go_strict_yaml(sim):
    sim.scrapers.install(
        {
            "bad_key.yml": "name: Bad key\ngalleryByFragment:\n  action: script\n  scriptt: [python, x.py]\n",
            "no_name.yml": "galleryByFragment:\n  action: script\n  script: [python, x.py]\n",
            "no_url.yml": "name: No url\nsceneByURL:\n  - action: script\n    script: [python, x.py]\n",
            "bad_kind.yml": "name: [a, b]\n",
            "other.yaml": "name: Not a .yml file\ngalleryByFragment:\n  action: script\n  script: [python, x.py]\n",
            # gallery configs are not validated: a bad action and a missing url load (and fail when used)
            "loose.yml": "name: Loose\ngalleryByFragment:\n  action: sing\ngalleryByURL:\n  - action: script\n",
        }
    )
    ids = [s["id"] for s in sim.gql("{ listScrapers(types: [GALLERY, SCENE]) { id } }")["listScrapers"]]
    assert ids == ["builtin_autotag", "loose"]
    errors = sim.log_messages("error")
    folder = sim.scrapers.folder
    assert (
        f"Error loading scraper {folder}/bad_key.yml: yaml: unmarshal errors:\n"
        "  line 4: field scriptt not found in type scraper.scraperTypeConfig"
    ) in errors
    assert f"Error loading scraper {folder}/no_name.yml: name must not be empty" in errors
    assert f"Error loading scraper {folder}/no_url.yml: url is mandatory for scrape by url scrapers" in errors
    assert (
        f"Error loading scraper {folder}/bad_kind.yml: yaml: unmarshal errors:\n"
        "  line 1: cannot unmarshal !!seq into string"
    ) in errors
    body = by_gallery(sim, "loose", "1")
    assert error_of(body) == "Internal system error. Error <unknown scraper action: sing>"


def test_scrapers_are_read_at_start_and_on_reload_scrapers_only_cache_go_reload(sim):
    os.makedirs(os.path.join(sim.scrapers.folder, "late"))
    with open(os.path.join(sim.scrapers.folder, "late", "late.yml"), "w") as out:
        out.write(SCRIPT_YML.format(name="Late", script="late.py"))
    assert [s["id"] for s in sim.gql("{ listScrapers(types: [GALLERY]) { id } }")["listScrapers"]] == [
        "builtin_autotag"
    ]
    assert sim.gql("mutation { reloadScrapers }") == {"reloadScrapers": True}
    assert "late" in [s["id"] for s in sim.gql("{ listScrapers(types: [GALLERY]) { id } }")["listScrapers"]]


# -- scrapeSingleGallery (internal/api/resolver_query_scraper.go, cache.go ScrapeID) -----------------
def test_a_stored_gallery_reaches_the_script_as_stash_builds_it_script_go_gallery_input(sim):
    install(sim, "echo", script("print(json.dumps({'details': json.dumps(data)}))\n"))
    inputs = {
        gid: json.loads(by_gallery(sim, "echo", gid)["data"]["scrapeSingleGallery"][0]["details"])
        for gid in ("1", "2", "4", "5")
    }
    # a folder gallery without a title: the folder's base name; no urls: null; no files key
    assert inputs["1"] == {
        "id": "1",
        "title": "Beach 2021",
        "urls": None,
        "date": "2021-07-14",
        "details": "",
        "url": None,
    }
    assert inputs["2"]["title"] == "Studio Portraits" and inputs["2"]["photographer"] == "Jo Marsh"
    # a zip gallery: its file, with the md5 fingerprint and the size
    zip_file = inputs["4"]["files"][0]
    assert inputs["4"]["title"] == "city_walk-2020.zip"
    assert zip_file["path"] == "/library/zips/city_walk-2020.zip"
    assert set(zip_file) >= {"id", "mod_time", "path"} and zip_file["fingerprints"][0]["type"] == "md5"
    assert list(inputs["5"]) == ["id", "title", "urls", "date", "details", "url"]
    assert inputs["5"]["urls"] == ["https://example.org/best-of-2021"]
    assert inputs["5"]["url"] == "https://example.org/best-of-2021"


def test_names_are_matched_to_stored_ids_as_pkg_match_scraped_go_does(sim):
    sim.gql(
        'mutation { tagUpdate(input: {id: "3", aliases: ["Trips"]}) { id } '
        'studioUpdate(input: {id: "2", aliases: ["NW Press"]}) { id } '
        'performerUpdate(input: {id: "2", alias_list: ["Bo"]}) { id } }'
    )
    install(
        sim,
        "names",
        answering(
            {
                "tags": [{"name": "BEACH"}, {"name": "trips"}, {"name": "Unknown tag"}, {"name": "Bea_h"}],
                "performers": [
                    {"name": "ada VALE"},
                    {"name": "bo"},
                    {"name": "Nobody"},
                    {"name": "X", "stored_id": "77"},
                ],
                "studio": {"name": "nw press", "url": "https://nw.example"},
            }
        ),
    )
    scraped = by_gallery(sim, "names", "1")["data"]["scrapeSingleGallery"][0]
    # tag.ByName / ByAlias use LIKE: case-insensitive, and `_` matches any one character
    assert scraped["tags"] == [
        {"stored_id": "1", "name": "BEACH"},
        {"stored_id": "3", "name": "trips"},
        {"stored_id": None, "name": "Unknown tag"},
        {"stored_id": "1", "name": "Bea_h"},
    ]
    # FindByNames COLLATE NOCASE, then aliases; a stored_id given by the scraper is kept as it is
    assert [p["stored_id"] for p in scraped["performers"]] == ["1", "2", None, "77"]
    # postScrapeStudio fills urls from url; the studio matched by its alias
    assert scraped["studio"] == {
        "stored_id": "2",
        "name": "nw press",
        "url": "https://nw.example",
        "urls": ["https://nw.example"],
    }


def test_a_performer_name_two_performers_answer_to_is_not_matched_match_scraped_performer(sim):
    sim.gql(
        'mutation { a: performerUpdate(input: {id: "1", alias_list: ["Twin"]}) { id } '
        'b: performerUpdate(input: {id: "2", alias_list: ["twin"]}) { id } }'
    )
    install(sim, "twin", answering({"performers": [{"name": "Twin"}]}))
    assert by_gallery(sim, "twin", "1")["data"]["scrapeSingleGallery"][0]["performers"] == [
        {"stored_id": None, "name": "Twin", "urls": None}
    ]


def test_url_and_urls_fill_each_other_postprocessing_go(sim):
    install(
        sim,
        "one",
        answering(
            {
                "url": "https://a.example/1",
                "performers": [{"name": "P", "twitter": "handle", "instagram": "https://instagram.com/x"}],
            }
        ),
    )
    scraped = by_gallery(sim, "one", "1")["data"]["scrapeSingleGallery"][0]
    assert scraped["url"] == "https://a.example/1" and scraped["urls"] == ["https://a.example/1"]
    assert scraped["performers"][0]["urls"] == ["https://twitter.com/handle", "https://instagram.com/x"]


def test_tag_exclusion_patterns_drop_scraped_tags_tag_go_filter_tags(sim):
    sim.config.scraper_exclude_tag_patterns = ["^4k$", "(unclosed"]
    install(sim, "tags", answering({"tags": [{"name": "4K"}, {"name": "Beach"}]}))
    assert by_gallery(sim, "tags", "1")["data"]["scrapeSingleGallery"][0]["tags"] == [
        {"stored_id": "1", "name": "Beach"}
    ]
    assert any(m.startswith("Invalid tag exclusion pattern:") for m in sim.log_messages("error"))


def test_null_from_the_script_is_an_empty_list_for_a_stored_gallery_cache_go_scrape_id(sim):
    install(sim, "none", answering(None))
    assert by_gallery(sim, "none", "1") == {"data": {"scrapeSingleGallery": []}}


def test_a_fragment_goes_to_the_script_as_given_and_null_is_refused_by_gqlgen(sim):
    install(
        sim,
        "frag",
        script("print(json.dumps(None if data['title'] == 'nothing' else {'details': json.dumps(data)}))\n"),
    )
    query = (
        'query($t: String) { scrapeSingleGallery(source: {scraper_id: "frag"}, input: {gallery_input: '
        '{title: $t, urls: ["https://u.example/1", "https://u.example/2"]}}) { details } }'
    )
    sent = json.loads(sim.gql(query, {"t": "<b>&"})["scrapeSingleGallery"][0]["details"])
    # scraper.go populateURL; json.Marshal of models.ScrapedGalleryInput (every key, nulls included)
    assert sent == {
        "title": "<b>&",
        "code": None,
        "details": None,
        "photographer": None,
        "urls": ["https://u.example/1", "https://u.example/2"],
        "date": None,
        "url": "https://u.example/1",
    }
    body = sim.gql_raw(query, {"t": "nothing"})
    assert body == {
        "errors": [
            {
                "message": "the requested element is null which the schema does not allow",
                "path": ["scrapeSingleGallery", 0],
            }
        ],
        "data": None,
    }


@pytest.mark.parametrize(
    ("source", "gallery_input", "message"),
    [
        ('{scraper_id: "none"}', '{query: "x"}', "not implemented"),
        ('{scraper_id: "none"}', "{}", "not implemented"),
        ('{stash_box_endpoint: "https://stashdb.org/graphql"}', '{gallery_id: "1"}', "not supported"),
        ("{}", '{gallery_id: "1"}', "input error: scraper_id must be set"),
        ('{scraper_id: "none"}', '{gallery_id: "1x"}', "input error: gallery id is not an integer: '1x'"),
        ('{scraper_id: "nope"}', '{gallery_id: "1"}', "scraper not found: id nope"),
        ('{scraper_id: "nope"}', '{gallery_input: {title: "a"}}', "scraper not found: id nope"),
        (
            '{scraper_id: "none"}',
            '{gallery_id: "999"}',
            "scraper none: unable to load gallery id 999: gallery with id 999 not found",
        ),
        (
            '{scraper_id: "builtin_freeones"}',
            '{gallery_id: "1"}',
            "scraper operation not supported: cannot use scraper builtin_freeones to scrape GALLERY content",
        ),
        (
            '{scraper_id: "builtin_autotag"}',
            '{gallery_input: {title: "a"}}',
            "scraper operation not supported: cannot use scraper builtin_autotag as a fragment scraper",
        ),
        ('{scraper_id: "urlonly"}', '{gallery_id: "1"}', "scraper urlonly: scraper operation not supported"),
        (
            '{scraper_id: "urlonly"}',
            '{gallery_input: {title: "a"}}',
            "error while fragment scraping with scraper urlonly: scraper operation not supported",
        ),
    ],
)
def test_scrape_single_gallery_refuses_as_resolver_query_scraper_go(sim, source, gallery_input, message):
    install(sim, "none", answering(None))
    sim.scrapers.install(
        {
            "urlonly.yml": "name: URL only\ngalleryByURL:\n  - action: script\n"
            "    url: [only.example]\n    script: [python, x.py]\n"
        }
    )
    body = sim.gql_raw(f"{{ scrapeSingleGallery(source: {source}, input: {gallery_input}) {{ title }} }}")
    assert body == {"errors": [{"message": message, "path": ["scrapeSingleGallery"]}], "data": None}


def test_auto_tag_answers_nothing_for_a_gallery_without_a_path_and_is_not_modelled_otherwise(sim):
    query = (
        'query($id: ID) { scrapeSingleGallery(source: {scraper_id: "builtin_autotag"},'
        " input: {gallery_id: $id}) { title } }"
    )
    assert sim.gql(query, {"id": "5"}) == {"scrapeSingleGallery": []}  # autotag.go viaGallery: no path
    assert "does not model the built-in Auto Tag scraper" in error_of(sim.gql_raw(query, {"id": "1"}))


# -- what the script answers (script.go runScraperScript, gojson.py) --------------------------
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('print(\'{"title": "ok"}\'); sys.exit(3)', "scraper script error: exit status 3"),
        ("sys.exit(0)", "could not unmarshal json from script output: EOF"),
        (
            "print('Hello')",
            "could not unmarshal json from script output: invalid character 'H' looking for beginning of value",
        ),
        ('sys.stdout.write(\'{"title": "cut\')', "could not unmarshal json from script output: unexpected EOF"),
        (
            "print('{\"title\": 5}')",
            "could not unmarshal json from script output: json: cannot unmarshal number into "
            "Go struct field ScrapedGallery.title of type string",
        ),
        (
            'print(\'{"studio": {"name": true}}\')',
            "could not unmarshal json from script output: json: cannot "
            "unmarshal bool into Go struct field ScrapedStudio.studio.name of type string",
        ),
        (
            'print(\'{"tags": "Beach"}\')',
            "could not unmarshal json from script output: json: cannot unmarshal "
            "string into Go struct field ScrapedGallery.tags of type []*models.ScrapedTag",
        ),
        (
            "print('[]')",
            "could not unmarshal json from script output: json: cannot unmarshal array into Go value "
            "of type models.ScrapedGallery",
        ),
        (
            "print('{\"title\": NaN}')",
            "could not unmarshal json from script output: invalid character 'N' looking for beginning of value",
        ),
    ],
)
def test_script_failures_are_the_scrapes_errors_script_go(sim, body, message):
    install(sim, "bad", script(body + "\n"))
    assert error_of(by_gallery(sim, "bad", "1")) == f"scraper bad: {message}"


def test_an_unknown_key_is_a_warning_and_only_the_first_json_value_counts_script_go_lenient_decode(sim):
    install(sim, "lenient", script("print(json.dumps({'TITLE': 'Upper', 'rating': 5}))\nprint('trailing words')\n"))
    assert by_gallery(sim, "lenient", "1")["data"]["scrapeSingleGallery"][0]["title"] == "Upper"
    assert 'reading script result: json: unknown field "rating"' in sim.log_messages("warning")


def test_script_stderr_goes_to_stashs_log_with_the_scrapers_name_script_go_handle_scraper_stderr(sim):
    install(sim, "talk", script("sys.stderr.write('plain line\\n\\x01i\\x02an info line\\n')\nprint('null')\n"))
    by_gallery(sim, "talk", "1")
    assert "[Scrape / Talk] plain line" in sim.log_messages("error")
    assert "[Scrape / Talk] an info line" in sim.log_messages("info")


def test_a_script_runs_in_its_folder_with_the_folder_above_on_pythonpath_script_go(sim):
    install(
        sim,
        "where",
        script("import os\nprint(json.dumps({'details': os.getcwd() + '|' + os.environ.get('PYTHONPATH', '')}))\n"),
    )
    cwd, pythonpath = by_gallery(sim, "where", "1")["data"]["scrapeSingleGallery"][0]["details"].split("|")
    assert os.path.realpath(cwd) == os.path.realpath(os.path.join(sim.scrapers.folder, "where"))
    assert os.path.realpath(pythonpath.split(os.pathsep)[-1]) == os.path.realpath(sim.scrapers.folder)


@pytest.mark.parametrize("action", ["scrapeXPath", "scrapeJson", "stash"])
def test_xpath_json_and_stash_scrapers_are_refused_not_invented(sim, action):
    sim.scrapers.install(
        {
            "web.yml": f"name: Web\ngalleryByURL:\n  - action: {action}\n    url: [web.example/]\n"
            "    scraper: galleryScraper\n"
        }
    )
    body = sim.gql_raw('{ scrapeGalleryURL(url: "https://web.example/g/1") { title } }')
    assert error_of(body) == f"the Stash simulator does not model {action} scrapers (scraper web uses one)"


# -- scrapeGalleryURL (cache.go ScrapeURL, group.go viaURL) -----------------------------------
def test_a_url_goes_to_the_first_config_whose_url_string_it_contains_group_go_via_url(sim):
    sim.scrapers.install(
        {
            "site/site.yml": "name: Site\ngalleryByURL:\n  - action: script\n    url: [site.example/a/]\n"
            "    script: [python, site.py, a]\n  - action: script\n    url: [site.example/]\n"
            "    script: [python, site.py, any]\n",
            "site/site.py": script("print(json.dumps({'title': sys.argv[1] + ' ' + data['url']}))\n"),
        }
    )
    query = "query($u: String!) { scrapeGalleryURL(url: $u) { title url urls } }"
    assert sim.gql(query, {"u": "https://site.example/a/1"})["scrapeGalleryURL"]["title"] == (
        "a https://site.example/a/1"
    )
    assert sim.gql(query, {"u": "https://site.example/b/1"})["scrapeGalleryURL"]["title"] == (
        "any https://site.example/b/1"
    )
    # strings.Contains is case-sensitive; no scraper: Stash indexes an empty list and panics
    body = sim.gql_raw(query, {"u": "https://SITE.example/a/1"})
    assert body == {
        "errors": [
            {
                "message": "Internal system error. Error <runtime error: index out of range [0] with length 0>",
                "path": ["scrapeGalleryURL"],
            }
        ],
        "data": {"scrapeGalleryURL": None},
    }


def test_a_url_is_pasted_into_the_scripts_input_unescaped_script_go_scrape_by_url(sim):
    sim.scrapers.install(
        {
            "raw/raw.yml": "name: Raw\ngalleryByURL:\n  - action: script\n    url: [raw.example/]\n"
            "    script: [python, raw.py]\n",
            "raw/raw.py": "import json, sys\nprint(json.dumps({'details': sys.stdin.read()}))\n",
        }
    )
    query = "query($u: String!) { scrapeGalleryURL(url: $u) { details } }"
    assert sim.gql(query, {"u": 'https://raw.example/"q"'})["scrapeGalleryURL"]["details"] == (
        '{"url": "https://raw.example/"q""}'
    )


def test_url_scrape_errors_are_not_wrapped_and_null_is_null_cache_go_scrape_url(sim):
    sim.scrapers.install(
        {
            "u/u.yml": "name: U\ngalleryByURL:\n  - action: script\n    url: [u.example/]\n"
            "    script: [python, u.py]\n",
            "u/u.py": script("if 'fail' in data['url']:\n    sys.exit(2)\nprint('null')\n"),
        }
    )
    query = "query($u: String!) { scrapeGalleryURL(url: $u) { title } }"
    assert sim.gql(query, {"u": "https://u.example/none"}) == {"scrapeGalleryURL": None}
    assert error_of(sim.gql_raw(query, {"u": "https://u.example/fail"})) == (
        "could not unmarshal json from script output: EOF"
    )


# -- no timeout; the client going away kills the script (script.go: exec.CommandContext) --------
def _post(port: int, query: str, variables: dict[str, Any], timeout: float) -> bytes:
    body = json.dumps({"query": query, "variables": variables}).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        return conn.recv(65536)


def test_a_hanging_script_runs_until_the_client_gives_up_then_is_killed(sim, tmp_path):
    pid_file = tmp_path / "pid"
    install(
        sim, "hang", script(f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(120)\n")
    )
    with pytest.raises(TimeoutError):  # no answer in 1.5 s: Stash sets no timeout on scripts
        _post(sim.port, BY_GALLERY % "hang", {"id": "1"}, timeout=1.5)
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_performers_country_is_refused_not_passed_through_country_go_is_not_modelled(sim):
    install(sim, "where", answering({"performers": [{"name": "Ada Vale", "country": "Germany"}, {"name": "Bo"}]}))
    query = 'query { scrapeSingleGallery(source: {scraper_id: "where"}, input: {gallery_id: "1"}) %s }'
    assert sim.gql(query % "{ performers { name stored_id } }")["scrapeSingleGallery"][0]["performers"] == [
        {"name": "Ada Vale", "stored_id": "1"},
        {"name": "Bo", "stored_id": None},
    ]
    body = sim.gql_raw(query % "{ performers { country } }")
    assert error_of(body) == "the Stash simulator does not model ScrapedPerformer.country"
