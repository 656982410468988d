"""findScene(id) as Stash answers it (internal/api/resolver_query_find_scene.go): the scene, or null
when no scene has the id; a checksum lookup is not modelled (the simulator's scenes have none)."""

from __future__ import annotations

import pytest
from stash_sim import SimGraphQLError, StashSimulator


def test_find_scene_by_id_and_null_for_none(sim: StashSimulator) -> None:
    found = sim.gql('{ a: findScene(id: "2") { id title files { path } } b: findScene(id: "999") { id } }')
    assert found["a"] == {"id": "2", "title": "City Walk", "files": [{"path": "/library/zips/city_walk-2020.mp4"}]}
    assert found["b"] is None


def test_find_scene_by_checksum_is_refused(sim: StashSimulator) -> None:
    with pytest.raises(SimGraphQLError, match="does not model findScene by checksum"):
        sim.gql('{ findScene(checksum: "abc") { id } }')
