"""The simulator is a named Stash release: its identity and its schema agree.

Stash facts: internal/api/resolver.go (Version), internal/manager/manager.go
(GetSystemStatus), pkg/sqlite/database.go (appSchemaVersion: 75 at tag v0.30.1),
internal/build/version.go (a development build is not a release). Which PyPI package
carries which release is written in tests/stash_sim/schema.py. These tests always run
both releases, whatever --stash-release picks for the rest of the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from graphql import GraphQLInputObjectType, GraphQLObjectType
from stash_sim import StashSimulator
from stash_sim.schema import (
    DEFAULT_RELEASE,
    RELEASE_ENV,
    RELEASES,
    SchemaNotInstalled,
    _without,
    build_release_schema,
    package_sdl,
    release,
)

REPO = Path(__file__).resolve().parents[2]
IDENTITY = "{ version { version hash build_time } systemStatus { appSchema databaseSchema status os } }"
ALL_RELEASES = sorted(RELEASES)


@pytest.mark.parametrize("name", ALL_RELEASES)
def test_system_status_answers_as_a_configured_stash_get_system_status(name: str) -> None:
    """manager.go GetSystemStatus: status OK once configured, appSchema = the app's schema version."""
    sim = StashSimulator(library={}, release=name)
    data = sim.gql(IDENTITY)
    status = data["systemStatus"]
    assert status["status"] == "OK"
    assert status["appSchema"] == RELEASES[name].app_schema
    assert status["databaseSchema"] == status["appSchema"]  # a migrated database: no NEEDS_MIGRATION
    assert status["os"] in ("linux", "darwin", "windows")


def test_v0_30_1_names_its_tag_and_database_schema_75_database_go() -> None:
    """Tag v0.30.1 is commit b23b0267 and pkg/sqlite/database.go there says appSchemaVersion = 75."""
    data = StashSimulator(library={}, release="v0.30.1").gql(IDENTITY)
    assert data["version"] == {"version": "v0.30.1", "hash": "b23b0267", "build_time": "2025-12-18 03:57:33"}
    assert data["systemStatus"]["appSchema"] == 75


def test_v0_31_1_names_its_tag_and_database_schema_85_and_claims_no_commit() -> None:
    """v0.31.1's database schema is 85 (85_performer_career_dates); its tag commit is not in the
    sources read, so hash and build_time are empty rather than invented."""
    data = StashSimulator(library={}, release="v0.31.1").gql(IDENTITY)
    assert data["version"] == {"version": "v0.31.1", "hash": "", "build_time": ""}
    assert data["systemStatus"]["appSchema"] == 85


def test_develop_schema_is_not_labelled_a_release_build_version_go() -> None:
    """The newest pinned schema is ahead of every release: its version claims no tag."""
    data = StashSimulator(library={}, release="develop").gql(IDENTITY)
    version = data["version"]["version"]
    assert not any(version == r.version for r in RELEASES.values() if r.is_release)
    assert "develop" in version and "0.12.12" in version
    assert data["version"]["hash"] == ""  # the commit is not known, so none is claimed
    assert data["systemStatus"]["appSchema"] > RELEASES["v0.30.1"].app_schema


def _fields(name: str) -> dict[str, set[str]]:
    schema = build_release_schema(name)
    return {
        t.name: set(t.fields)
        for t in schema.type_map.values()
        if isinstance(t, GraphQLObjectType | GraphQLInputObjectType)
    }


def test_release_comparison_each_release_serves_its_own_schema() -> None:
    """What is in develop's schema and not in v0.30.1's (docs/stash.md §8b), checked on both."""
    old, new = _fields("v0.30.1"), _fields("develop")
    for type_name, field_name in [
        ("Gallery", "custom_fields"),
        ("Image", "custom_fields"),
        ("GalleryUpdateInput", "custom_fields"),
        ("ImageUpdateInput", "custom_fields"),
        ("Folder", "sub_folders"),
        ("Folder", "basename"),
    ]:
        assert field_name in new[type_name], (type_name, field_name)
        assert field_name not in old[type_name], (type_name, field_name)
    # added on develop after the tag (#5910): present in the package, removed for v0.30.1
    assert "performerMerge" in new["Mutation"]
    assert "performerMerge" not in old["Mutation"]
    assert "PerformerMergeInput" not in old
    # what the plugin relies on is in both
    for type_name, field_name in [
        ("Mutation", "galleryUpdate"),
        ("Mutation", "addGalleryImages"),
        ("Mutation", "galleryChapterCreate"),
        ("Query", "findGalleries"),
        ("Gallery", "image_count"),
        ("Subscription", "jobsSubscribe"),
    ]:
        assert field_name in old[type_name] and field_name in new[type_name]


def test_v0_31_1_has_the_v0_31_api_and_not_what_develop_added_after_changelog_v0310() -> None:
    """The changelog's API changes of v0.31 (custom fields on galleries and images, the gallery
    parent_folder filter, Folder basename/parent_folders, destroy_file_entry, destroyFiles) are
    in v0.31.1; Folder.sub_folders (#6738) and the file back-references (#6938) are not."""
    old, v031, new = _fields("v0.30.1"), _fields("v0.31.1"), _fields("develop")
    for type_name, field_name in [
        ("Gallery", "custom_fields"),
        ("Image", "custom_fields"),
        ("GalleryCreateInput", "custom_fields"),
        ("GalleryUpdateInput", "custom_fields"),
        ("BulkGalleryUpdateInput", "custom_fields"),
        ("ImageUpdateInput", "custom_fields"),
        ("BulkImageUpdateInput", "custom_fields"),
        ("GalleryFilterType", "custom_fields"),
        ("GalleryFilterType", "parent_folder"),
        ("ImageFilterType", "custom_fields"),
        ("Folder", "basename"),
        ("Folder", "parent_folders"),
        ("GalleryDestroyInput", "destroy_file_entry"),
        ("Mutation", "destroyFiles"),
        ("Mutation", "performerMerge"),
    ]:
        assert field_name in v031[type_name] and field_name in new[type_name], (type_name, field_name)
        assert field_name not in old.get(type_name, set()), (type_name, field_name)
    assert {"full", "partial", "remove"} == v031["CustomFieldsInput"]
    for type_name, field_name in [("Folder", "sub_folders"), ("GalleryFile", "galleries"), ("ImageFile", "images")]:
        assert field_name not in v031[type_name] and field_name in new[type_name], (type_name, field_name)


def test_the_v0_31_1_schema_is_its_package_less_folder_sub_folders() -> None:
    rel = RELEASES["v0.31.1"]
    from graphql import parse

    document = parse(package_sdl(rel.distribution, rel.distribution_version), no_location=True)
    assert rel.removed == ("Folder.sub_folders",)
    _without(document, rel.removed)  # there to remove: 0.11.2 is the package described


@pytest.mark.parametrize("name", ALL_RELEASES)
def test_a_release_refuses_the_other_releases_fields_as_gqlparser_validation_does(name: str) -> None:
    """A field the release does not have is a validation error (GRAPHQL_VALIDATION_FAILED)."""
    sim = StashSimulator(library={}, release=name)
    body = sim.gql_raw("{ findGalleries { galleries { id custom_fields } } }")
    if "custom_fields" in _fields(name)["Gallery"]:
        assert "errors" not in body
    else:
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "custom_fields" in body["errors"][0]["message"]


def test_the_v0_30_1_schema_is_the_package_less_exactly_what_came_after_the_tag() -> None:
    """Every definition named for removal must exist in the package, or the simulator refuses."""
    rel = RELEASES["v0.30.1"]
    from graphql import parse

    document = parse(package_sdl(rel.distribution, rel.distribution_version), no_location=True)
    _without(document, rel.removed)  # all there
    with pytest.raises(SchemaNotInstalled, match=r"no Mutation\.notAField"):
        _without(document, (*rel.removed, "Mutation.notAField"))


def test_the_release_is_picked_by_argument_then_environment_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RELEASE_ENV, raising=False)
    assert release().name == DEFAULT_RELEASE == "v0.30.1"
    monkeypatch.setenv(RELEASE_ENV, "develop")
    assert release().name == "develop"
    assert StashSimulator(library={}).release.name == "develop"
    assert release("v0.30.1").name == "v0.30.1"
    with pytest.raises(ValueError, match=r"serves v0\.30\.1, v0\.31\.1, develop"):
        release("v0.31.0")


def test_pytest_option_stash_release_runs_the_suite_against_that_release() -> None:
    """--stash-release sets the release for every simulator the run starts."""
    probe = REPO / "tests" / "sim" / "test_sim_seed.py"
    env = {k: v for k, v in os.environ.items() if k != RELEASE_ENV}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--stash-release",
            "develop",
            "-k",
            "nothing_matches_this",
            str(probe),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "unrecognized arguments" not in run.stderr
    assert run.returncode == 5, run.stdout + run.stderr  # collected, none selected: the option was accepted
    bad = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--stash-release", "v9.9.9", str(probe)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode != 0
    assert "v9.9.9" in bad.stdout + bad.stderr
