"""Tags, performers and studios: create, update and destroy as Stash does them
(internal/api/resolver_mutation_{tag,performer,studio}.go; pkg/tag/{validate,update}.go,
pkg/performer/validate.go, pkg/studio/validate.go, pkg/sqlite/repository.go)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from stash_sim import StashSimulator

LIBRARY = {
    "tags": [
        "Beach",
        {"name": "Sand", "parents": ["Beach"], "aliases": ["dune"]},
        {"name": "Grain", "parents": ["Sand"]},
    ],
    "performers": [{"name": "Ada Vale", "urls": ["https://example.org/ada", "https://twitter.com/ada"]}],
    "studios": ["Lumen Studio", {"name": "Lumen East", "parent": "Lumen Studio"}],
    "galleries": [{"title": "G", "tags": ["Sand"]}],
}
TAG = "id name sort_name description aliases favorite ignore_auto_tag parents { name } children { name }"


@pytest.fixture
def sim(make_sim: Callable[..., StashSimulator]) -> StashSimulator:
    return make_sim(LIBRARY)


def _error(sim: StashSimulator, query: str, variables: dict[str, Any] | None = None) -> str:
    body = sim.gql_raw(query, variables)
    assert body.get("errors"), body
    return body["errors"][0]["message"]


# -- tags -----------------------------------------------------------------------------------------
def test_tag_create_with_all_inputs_resolver_mutation_tag_go(sim: StashSimulator) -> None:
    data = sim.gql(
        f'mutation {{ tagCreate(input: {{name: " Shell ", sort_name: " b ", description: " d ",'
        f' aliases: [" conch "], favorite: true, parent_ids: ["1"], child_ids: ["3"]}})'
        f" {{ {TAG} }} }}"
    )
    assert data["tagCreate"] == {
        "id": "4",
        "name": "Shell",
        "sort_name": "b",
        "description": "d",
        "aliases": ["conch"],
        "favorite": True,
        "ignore_auto_tag": False,
        "parents": [{"name": "Beach"}],
        "children": [{"name": "Grain"}],
    }
    assert [r.trigger for r in sim.hooks.runs] == []  # no plugin installed; the hook context is checked elsewhere


@pytest.mark.parametrize(
    ("input_", "message"),
    [
        pytest.param('{name: "  "}', "tag name must not be blank", id="blank_name[pkg/tag/validate.go]"),
        pytest.param(
            '{name: "beach"}', "tag with name 'beach' already exists", id="name_taken_ignoring_case[update.go]"
        ),
        pytest.param('{name: "Dune"}', "name 'Dune' is used as alias for 'Sand'", id="name_is_an_alias[update.go]"),
        pytest.param(
            '{name: "New", aliases: ["Beach"]}',
            "tag with name 'Beach' already exists",
            id="alias_is_a_name[update.go EnsureAliasesUnique]",
        ),
        pytest.param(
            '{name: "New", parent_ids: ["3"], child_ids: ["1"]}',
            'cannot apply tag "Grain" as a parent of tag as it is already a descendant',
            id="hierarchy_loop[update.go ValidateHierarchyNew]",
        ),
        pytest.param(
            '{name: "New", image: "data:x"}', "the Stash simulator does not model tag image", id="image_not_modelled"
        ),
    ],
)
def test_tag_create_refusals(sim: StashSimulator, input_: str, message: str) -> None:
    assert _error(sim, f"mutation {{ tagCreate(input: {input_}) {{ id }} }}") == message
    assert sim.store.value("SELECT COUNT(*) FROM tags") == 3


def test_tag_update_is_partial_and_checks_the_hierarchy_update_go_ValidateHierarchyExisting(
    sim: StashSimulator,
) -> None:
    data = sim.gql(
        'mutation { tagUpdate(input: {id: "2", description: "fine", aliases: ["grit"]}) { name aliases'
        " description parents { name } } }"
    )
    assert data["tagUpdate"] == {
        "name": "Sand",
        "aliases": ["grit"],
        "description": "fine",
        "parents": [{"name": "Beach"}],
    }
    assert _error(sim, 'mutation { tagUpdate(input: {id: "1", parent_ids: ["3"]}) { id } }') == (
        'cannot apply tag "Grain" as a parent of "Beach" as it is already a descendant (Beach->Sand->Grain)'
    )
    assert _error(sim, 'mutation { tagUpdate(input: {id: "3", child_ids: ["3"]}) { id } }') == (
        'cannot apply tag "Grain" as a child of "Grain" as it is already an ancestor (Grain)'
    )
    assert _error(sim, 'mutation { tagUpdate(input: {id: "9", name: "X"}) { id } }') == "tag with id 9 not found"
    assert _error(sim, 'mutation { tagUpdate(input: {id: "2", name: "BEACH"}) { id } }') == (
        "tag with name 'BEACH' already exists"
    )
    assert sim.gql('mutation { tagUpdate(input: {id: "2", name: "sand"}) { name } }')["tagUpdate"]["name"] == "sand"


def test_tag_destroy_and_tags_destroy_sqlite_repository_go(sim: StashSimulator) -> None:
    assert _error(sim, 'mutation { tagDestroy(input: {id: "9"}) }') == "id 9 does not exist in tags"
    assert sim.gql('mutation { tagDestroy(input: {id: "2"}) }') == {"tagDestroy": True}
    gallery = sim.gql('{ findGallery(id: "1") { tags { name } } }')["findGallery"]
    assert gallery["tags"] == []  # the join rows go with the tag
    assert sim.gql('{ findTag(id: "3") { parents { name } } }')["findTag"]["parents"] == []
    # tagsDestroy is one transaction: an unknown id keeps every tag
    assert _error(sim, 'mutation { tagsDestroy(ids: ["1", "9"]) }') == "id 9 does not exist in tags"
    assert sim.store.column("SELECT name FROM tags ORDER BY id") == ["Beach", "Grain"]
    assert sim.gql('mutation { tagsDestroy(ids: ["1", "3"]) }') == {"tagsDestroy": True}
    assert sim.store.value("SELECT COUNT(*) FROM tags") == 0


# -- performers ------------------------------------------------------------------------------------
PERFORMER_INPUT = {
    "name": " Cy Moss ",
    "disambiguation": " II ",
    "url": "https://example.org/cy",
    "twitter": "cymoss",
    "instagram": "https://instagram.com/cy",
    "urls": ["https://example.org/more"],
    "gender": "FEMALE",
    "birthdate": "1990-02-03",
    "death_date": "2080",
    "ethnicity": "x",
    "country": "NZ",
    "eye_color": "green",
    "height_cm": 170,
    "measurements": "m",
    "fake_tits": "no",
    "penis_length": 1.5,
    "circumcised": "CUT",
    "career_length": "2010-",
    "tattoos": "t",
    "piercings": "p",
    "alias_list": [" Cee "],
    "favorite": True,
    "tag_ids": ["1"],
    "rating100": 80,
    "details": " d ",
    "hair_color": "red",
    "weight": 60,
    "ignore_auto_tag": True,
}
PERFORMER_FIELDS = (
    "name disambiguation url urls twitter instagram gender birthdate death_date ethnicity country"
    " eye_color height_cm measurements fake_tits penis_length circumcised career_length tattoos"
    " piercings alias_list favorite tags { name } rating100 details hair_color weight ignore_auto_tag"
)


def test_performer_create_with_all_its_inputs_resolver_mutation_performer_go(sim: StashSimulator) -> None:
    data = sim.gql(
        f"mutation($input: PerformerCreateInput!) {{ performerCreate(input: $input) {{ {PERFORMER_FIELDS} }} }}",
        {"input": PERFORMER_INPUT},
    )["performerCreate"]
    assert data == {
        "name": "Cy Moss",
        "disambiguation": "II",
        "url": "https://example.org/cy",
        # url, twitter (a handle made a URL: utils.URLFromHandle), instagram, then urls
        "urls": [
            "https://example.org/cy",
            "https://twitter.com/cymoss",
            "https://instagram.com/cy",
            "https://example.org/more",
        ],
        "twitter": "https://twitter.com/cymoss",
        "instagram": "https://instagram.com/cy",
        "gender": "FEMALE",
        "birthdate": "1990-02-03",
        "death_date": "2080",
        "ethnicity": "x",
        "country": "NZ",
        "eye_color": "green",
        "height_cm": 170,
        "measurements": "m",
        "fake_tits": "no",
        "penis_length": 1.5,
        "circumcised": "CUT",
        "career_length": "2010-",
        "tattoos": "t",
        "piercings": "p",
        "alias_list": ["Cee"],
        "favorite": True,
        "tags": [{"name": "Beach"}],
        "rating100": 80,
        "details": "d",
        "hair_color": "red",
        "weight": 60,
        "ignore_auto_tag": True,
    }


@pytest.mark.parametrize(
    ("input_", "message"),
    [
        pytest.param({"name": " "}, "performer name must not be blank", id="blank_name[pkg/performer/validate.go]"),
        pytest.param({"name": "ada vale"}, "performer with name 'ada vale' already exists", id="name_taken"),
        pytest.param(
            {"name": "Bo", "alias_list": ["bo"]},
            "performer contains duplicate alias 'bo'",
            id="alias_repeats_name[validate.go ValidateAliases]",
        ),
        pytest.param(
            {"name": "Bo", "birthdate": "2000-01-01", "death_date": "1999-01-01"},
            "death date 1999-01-01 should be after birthdate 2000-01-01",
            id="death_before_birth",
        ),
        pytest.param(
            {"name": "Bo", "birthdate": "May 2000"},
            "converting birthdate: failed to parse date",
            id="birthdate_not_a_date",
        ),
        pytest.param(
            {"name": "Bo", "stash_ids": [{"endpoint": "e", "stash_id": "s"}]},
            "the Stash simulator does not model performer stash_ids",
            id="stash_ids_not_modelled",
        ),
    ],
)
def test_performer_create_refusals(sim: StashSimulator, input_: dict, message: str) -> None:
    got = _error(
        sim, "mutation($input: PerformerCreateInput!) { performerCreate(input: $input) { id } }", {"input": input_}
    )
    assert got.startswith(message), got


def test_performer_disambiguation_makes_a_name_unique(sim: StashSimulator) -> None:
    query = "mutation($input: PerformerCreateInput!) { performerCreate(input: $input) { name disambiguation } }"
    assert sim.gql(query, {"input": {"name": "Ada Vale", "disambiguation": "2"}})["performerCreate"] == {
        "name": "Ada Vale",
        "disambiguation": "2",
    }
    assert _error(sim, query, {"input": {"name": "Ada Vale", "disambiguation": "2"}}) == (
        "performer with name 'Ada Vale' and disambiguation '2' already exists"
    )


def test_performer_update_legacy_urls_resolver_mutation_performer_go_handleLegacyURLs(sim: StashSimulator) -> None:
    data = sim.gql(
        'mutation { performerUpdate(input: {id: "1", url: "https://example.org/new", twitter: "ada2",'
        ' instagram: "ada3"}) { urls } }'
    )["performerUpdate"]
    assert data["urls"] == ["https://example.org/new", "https://twitter.com/ada2", "https://instagram.com/ada3"]
    assert _error(sim, 'mutation { performerUpdate(input: {id: "1", urls: [], twitter: "x"}) { id } }') == (
        "twitter field must not be included if urls is included"
    )
    assert _error(sim, 'mutation { performerUpdate(input: {id: "5", name: "x"}) { id } }') == (
        "performer with id 5 not found"
    )
    kept = sim.gql('mutation { performerUpdate(input: {id: "1", country: "NO"}) { name country urls } }')
    assert kept["performerUpdate"]["name"] == "Ada Vale" and len(kept["performerUpdate"]["urls"]) == 3


def test_performer_destroy(sim: StashSimulator) -> None:
    assert _error(sim, 'mutation { performerDestroy(input: {id: "7"}) }') == "id 7 does not exist in performers"
    assert sim.gql('mutation { performerDestroy(input: {id: "1"}) }') == {"performerDestroy": True}
    assert sim.gql('{ findPerformer(id: "1") { id } }') == {"findPerformer": None}


# -- studios ------------------------------------------------------------------------------------------
def test_studio_create_update_destroy_resolver_mutation_studio_go(sim: StashSimulator) -> None:
    made = sim.gql(
        'mutation { studioCreate(input: {name: " North ", url: "https://n.example", aliases: ["N"],'
        ' parent_id: "2", details: " d ", rating100: 40, favorite: true, tag_ids: ["1"]}) {'
        " id name urls aliases parent_studio { name } details rating100 favorite tags { name } } }"
    )
    assert made["studioCreate"] == {
        "id": "3",
        "name": "North",
        "urls": ["https://n.example"],
        "aliases": ["N"],
        "parent_studio": {"name": "Lumen East"},
        "details": "d",
        "rating100": 40,
        "favorite": True,
        "tags": [{"name": "Beach"}],
    }
    assert _error(sim, 'mutation { studioCreate(input: {name: "lumen studio"}) { id } }') == (
        "studio with name 'lumen studio' already exists"
    )
    assert _error(sim, 'mutation { studioCreate(input: {name: "X", aliases: [" "]}) { id } }') == (
        "studio alias must not be an empty string"
    )
    assert _error(sim, 'mutation { studioUpdate(input: {id: "1", parent_id: "3"}) { id } }') == (
        "studio cannot be an ancestor of itself"
    )  # 3 -> 2 -> 1
    updated = sim.gql(
        'mutation { studioUpdate(input: {id: "3", parent_id: null, urls: []}) { parent_studio { id } urls name } }'
    )
    assert updated["studioUpdate"] == {"parent_studio": None, "urls": [], "name": "North"}
    assert _error(sim, 'mutation { studioDestroy(input: {id: "8"}) }') == "id 8 does not exist in studios"
    assert sim.gql('mutation { studioDestroy(input: {id: "1"}) }') == {"studioDestroy": True}
    assert sim.gql('{ findStudio(id: "2") { parent_studio { id } } }')["findStudio"]["parent_studio"] is None


def test_empty_text_is_an_empty_string_and_unset_pointers_are_null_pkg_models_performer_go(sim: StashSimulator) -> None:
    """models.Performer keeps text as Go strings ("" when empty) and dates/numbers/enums as pointers (null)."""
    data = sim.gql(
        'mutation { performerCreate(input: {name: "Dee", country: "  "}) { disambiguation country'
        " ethnicity details birthdate height_cm gender } }"
    )["performerCreate"]
    assert data == {
        "disambiguation": "",
        "country": "",
        "ethnicity": "",
        "details": "",
        "birthdate": None,
        "height_cm": None,
        "gender": None,
    }
    tag = sim.gql('mutation { tagCreate(input: {name: "Zz", sort_name: ""}) { sort_name description } }')
    assert tag["tagCreate"] == {"sort_name": "", "description": ""}
    # an empty sort name is no sort name: the tag sorts by its name (COALESCE(sort_name, name))
    names = [t["name"] for t in sim.gql("{ findTags(filter: {per_page: -1}) { tags { name } } }")["findTags"]["tags"]]
    assert names[-1] == "Zz"


HOOK_PROBE = """
import json, os, sys
data = json.loads(sys.stdin.read())
with open(os.path.join(os.path.dirname(__file__), "hooks.jsonl"), "a") as handle:
    handle.write(json.dumps(data["args"]["hookContext"]) + "\\n")
print("{}")
"""


def test_hook_inputs_are_marshalled_as_stash_marshals_them_pkg_models_performer_go(
    sim: StashSimulator, tmp_path: Any
) -> None:
    """Tag inputs are gqlgen-generated (omitempty); performer and studio inputs are pkg/models
    structs that encoding/json writes whole, nulls included."""
    import json

    folder = tmp_path / "plugins" / "probe"
    folder.mkdir(parents=True)
    (folder / "probe.yml").write_text(
        'name: Probe\nexec: [python, "{pluginDir}/main.py"]\nhooks:\n  - name: h\n'
        "    triggeredBy: [Tag.Create.Post, Performer.Create.Post, Studio.Update.Post,"
        " Tag.Destroy.Post]\n",
        encoding="utf-8",
    )
    (folder / "main.py").write_text(HOOK_PROBE, encoding="utf-8")
    sim.install_plugin(folder, "probe")
    sim.gql('mutation { tagCreate(input: {name: "New", description: null}) { id } }')
    sim.gql('mutation { performerCreate(input: {name: "Cy"}) { id } }')
    sim.gql('mutation { studioUpdate(input: {id: "1", details: "d"}) { id } }')
    sim.gql('mutation { tagsDestroy(ids: ["4"]) }')
    tag, performer, studio, destroyed = [
        json.loads(line) for line in (folder / "hooks.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert tag == {"id": 4, "type": "Tag.Create.Post", "input": {"name": "New"}}
    assert performer["input"]["name"] == "Cy" and performer["input"]["birthdate"] is None
    assert list(performer["input"])[:4] == ["name", "disambiguation", "url", "urls"]  # struct order
    assert "inputFields" not in performer
    assert studio["inputFields"] == ["id", "details"] and studio["input"]["parent_id"] is None
    assert destroyed == {"id": 4, "type": "Tag.Destroy.Post", "input": ["4"]}  # tagsDestroy: the id list
