"""Kill-and-rerun: Stash's cancel kills a task's process at once, at any request.

For every N from 1 to the number of requests of a full run: a fresh simulator, the run
killed right after Stash handled its N-th request (the change is committed, the plugin
never hears back), then the same button again. The end state must equal the state after
one uninterrupted run: nothing lost, nothing duplicated (chapters, covers, titles, image
metadata, the new-gallery marker).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from wf_support import SCENARIOS, diff, run, scenario, scenario_sim, state

WORKERS = 2  # simulators are independent: two kill-and-rerun rounds at a time


def kill_and_rerun(name: str, kill_at: int, expected: dict) -> str | None:
    """One round; returns what went wrong, or None."""
    button = scenario(name).button
    with scenario_sim(name) as sim:
        sim.kill_plugin_after(kill_at)
        killed = sim.run_task(button)
        # (sim.requests.killed is not read: the simulator sets it just after the kill, so it can
        # lag behind the end of the run)
        if killed.error != "signal: killed":
            return f"N={kill_at}: the run was not killed (error {killed.error!r}, {sim.requests.fields()})"
        if len(sim.requests) != kill_at:
            return f"N={kill_at}: {len(sim.requests)} requests reached Stash before the kill: {sim.requests.fields()}"
        rerun = run(sim, button)
        if rerun.output["failed_count"]:
            return f"N={kill_at}: the rerun failed: {rerun.output['failed']}"
        if state(sim) != expected:
            return (
                f"N={kill_at}: the state after the rerun differs from an uninterrupted run:"
                f" {diff(expected, state(sim))}; rerun: {rerun.output['changes']}; log: {rerun.log_text}"
            )
        # state() keys hand-made galleries by title: a gallery made twice would not show there
        count = sim.gql("{ findGalleries { count } }")["findGalleries"]["count"]
        if count != len(expected["galleries"]):
            return f"N={kill_at}: {count} galleries after the rerun, {len(expected['galleries'])} in one run"
    return None


# "finish" is run on the state its hook leaves, made in-process (see test_the_cheap_finish_set_up_...).
# "galleries_from_folders": each galleryCreate runs Gallery Tools' own create hook inside that request,
# so the hook's requests count too; its kill loop is in test_wf_loose_images.py.
KILLED = [name for name in SCENARIOS if name not in ("finish", "galleries_from_folders")] + ["finish_marked"]


@pytest.mark.parametrize("name", KILLED)
def test_killed_at_any_request_a_rerun_finishes_the_job(name, scenario_run):
    reference = scenario_run(name)
    total = len(reference.first_requests)
    assert total >= 4  # settings, count, galleries (, images), writes
    assert any(r.is_mutation for r in reference.first_requests)
    with ThreadPoolExecutor(WORKERS) as pool:
        problems = list(pool.map(lambda n: kill_and_rerun(name, n, reference.after), range(1, total + 1)))
    assert [p for p in problems if p] == []


def test_the_cheap_finish_set_up_is_the_state_the_hook_leaves(scenario_run):
    real, cheap = scenario_run("finish"), scenario_run("finish_marked")
    assert cheap.before == real.before
    assert cheap.after == real.after
    assert len(cheap.first_requests) == len(real.first_requests)
