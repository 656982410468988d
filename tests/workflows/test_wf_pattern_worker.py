"""End to end: user patterns stay bounded where no timer can stop `re` (Windows without `regex`).

Windows has no SIGALRM, and `regex` is no runtime dependency (no armv7 musl wheel), so there
patterns.py runs Python's `re` in a worker process it kills when a search takes too long. On
Linux the same way is forced with the switch patterns.ENGINE_ENV, which the plugin processes the
simulator starts inherit. Titles, the cover rule and the lean hook each fail the one gallery
whose name the issue's pattern `^(?P<title>(a+)+)$` would take hours on, in bounded time, with
a clear message; the others are done.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from stash_sim import StashSimulator
from support.python import RecordingPython
from wf_support import REPO, SET_COVERS, TITLES, fresh_sim, state

from gallery_ops.common import patterns

CATASTROPHIC = r"^(?P<title>(a+)+)$"  # `re` takes hours on 35 letters and a '!'
STUCK = "a" * 35 + "!"


@pytest.fixture(autouse=True)
def worker_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(patterns.ENGINE_ENV, "worker")


def test_the_title_task_fails_only_the_gallery_the_pattern_gets_stuck_on():
    library = {
        "galleries": [
            {"folder": f"/p/{STUCK}", "images": ["1.jpg"]},
            {"folder": "/p/aaaa", "images": ["1.jpg"]},
            {"folder": "/p/bbbb", "images": ["1.jpg"]},
        ]
    }
    with fresh_sim(library) as sim:
        result = sim.run_task(TITLES, {"pattern": CATASTROPHIC})
        titles = {k: g["title"] for k, g in state(sim)["galleries"].items()}
    out = result.output
    assert (out["scanned"], out["changed"], out["failed_count"]) == (3, 2, 1)
    assert out["failed"][0]["error"] == (
        f"the title pattern {CATASTROPHIC!r} took more than {patterns.SEARCH_TIMEOUT} s on {STUCK!r} and was"
        " stopped; simplify it (nested repeats such as (a|aa)+ can take forever)"
    )
    assert titles == {f"/p/{STUCK}": "", "/p/aaaa": "aaaa", "/p/bbbb": "bbbb"}


def test_the_cover_rule_fails_only_the_gallery_the_pattern_gets_stuck_on():
    library = {
        "galleries": [
            {"folder": "/c/Stuck", "images": [f"{STUCK}.jpg", "b.jpg", "d.jpg"]},
            {"folder": "/c/Fine", "images": ["b.jpg", "c.jpg", "d.jpg"]},
        ]
    }
    with fresh_sim(library) as sim:
        result = sim.run_task(SET_COVERS, {"rule": r"pattern:^(a+)+\.jpg$|^d"})
        covers = {k: g["cover"] for k, g in state(sim)["galleries"].items()}
    out = result.output
    assert (out["changed"], out["failed_count"]) == (1, 1)
    assert "cover rule pattern" in out["failed"][0]["error"] and "took more than" in out["failed"][0]["error"]
    assert covers["/c/Fine"] == "/c/Fine/d.jpg"
    assert covers["/c/Stuck"] != "/c/Stuck/d.jpg"


def test_the_lean_hook_stays_bounded_and_light_with_the_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    python = RecordingPython(tmp_path, monkeypatch)
    with StashSimulator(library={}, python=str(python.python)) as sim:
        sim.install_plugin(REPO)
        sim.set_plugin_settings("gallery_tools", {"hookTitles": True, "titlePattern": CATASTROPHIC})
        stuck = sim.scan_folder(f"/library/new/{STUCK}", ["a.jpg"])
        fine = sim.scan_folder("/library/new/aaaa", ["a.jpg"])
        runs = {r.hook_context["id"]: r.result for r in sim.hooks.runs if r.trigger == "Gallery.Create.Post"}
        titles = {k: g["title"] for k, g in state(sim)["galleries"].items()}
    assert runs[stuck].error is not None and "title pattern" in runs[stuck].error
    assert f"took more than {patterns.SEARCH_TIMEOUT} s on {STUCK!r} and was stopped" in runs[stuck].error
    assert runs[fine].error is None
    assert titles == {f"/library/new/{STUCK}": "", "/library/new/aaaa": "aaaa"}
    hook_modules = [set(run["modules"]) for run in python.runs()]
    assert len(hook_modules) == 2
    for modules in hook_modules:
        assert "subprocess" in modules  # the worker ran the pattern
        # the lean path
        assert "gallery_ops.hook.new_gallery" in modules and "gallery_ops.entry.dispatch" not in modules
        assert not modules & {"pydantic", "requests", "stashapi", "dataclasses", "logging", "http.client"}
