"""Stash's job queue in the simulator (docs/stash.md §10; pkg/job/manager.go, internal/manager/task_plugin.go).

Observed with the job probe plugin (tests/sim/plugins/job_probe), whose tasks note when they
start and end, and with the hook probe, which reads the queue from inside a scan's hook.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from stash_sim import SimGraphQLError, StashSimulator

JOB_PROBE_DIR = Path(__file__).parent / "plugins" / "job_probe"
HOOK_PROBE_DIR = Path(__file__).parent / "plugins" / "hook_probe"
RUN_TASK = (
    'mutation($task: String, $description: String, $args: Map) { runPluginTask(plugin_id: "job_probe",'
    " task_name: $task, description: $description, args_map: $args) }"
)
QUEUE = "{ jobQueue { id status description progress subTasks addTime startTime endTime error } }"
FIND = "query($id: ID!) { findJob(input: {id: $id}) { id status description progress startTime endTime error } }"


@pytest.fixture
def jobs_sim(make_sim: Any) -> StashSimulator:
    sim = make_sim()
    sim.install_plugin(JOB_PROBE_DIR, "job_probe")
    return sim


def queue_task(sim: StashSimulator, task: str | None, args: dict[str, Any], description: str | None = None) -> str:
    return sim.gql(RUN_TASK, {"task": task, "description": description, "args": args})["runPluginTask"]


def find(sim: StashSimulator, job_id: str) -> dict[str, Any] | None:
    return sim.gql(FIND, {"id": job_id})["findJob"]


def wait_for(condition: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.01)


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def test_run_plugin_task_queues_a_job_and_returns_its_id_at_once(jobs_sim: StashSimulator, tmp_path: Path) -> None:
    log, release = tmp_path / "log", tmp_path / "release"
    job_id = queue_task(jobs_sim, "Wait", {"log": str(log), "release": str(release)})
    assert job_id == "1"  # returned while the task is still waiting: the mutation does not wait for it
    wait_for(lambda: lines(log) == ["start wait"])
    (running,) = jobs_sim.gql(QUEUE)["jobQueue"]
    assert running["id"] == "1" and running["status"] == "RUNNING"
    assert running["description"] == "Running plugin task: Wait"  # the task name when no description
    # nothing reported yet: the job's zero progress, 0 (pkg/job/manager.go, jobToJobModel)
    assert running["progress"] == 0 and running["subTasks"] is None
    assert running["addTime"].endswith("Z") and running["startTime"] and running["endTime"] is None
    release.touch()
    jobs_sim.jobs.wait_idle()
    ended = find(jobs_sim, "1")
    assert ended is not None and ended["status"] == "FINISHED" and ended["endTime"] and ended["error"] is None
    assert lines(log) == ["start wait", "end wait"]
    assert jobs_sim.task_runs[-1].output["name"] == "wait"  # defaultArgs applied under the caller's args


def test_the_job_description_is_the_description_else_the_task_name(jobs_sim: StashSimulator, tmp_path: Path) -> None:
    first = queue_task(jobs_sim, "Record", {"log": str(tmp_path / "log")}, description="My own words")
    jobs_sim.jobs.wait_idle()
    assert find(jobs_sim, first)["description"] == "Running plugin task: My own words"


def test_jobs_run_one_at_a_time_in_the_order_they_were_queued(jobs_sim: StashSimulator, tmp_path: Path) -> None:
    log, release = tmp_path / "log", tmp_path / "release"
    ids = [queue_task(jobs_sim, "Wait", {"log": str(log), "release": str(release), "name": "one"})]
    ids += [
        queue_task(jobs_sim, "Record", {"log": str(log), "name": name, "seconds": "0.05"}) for name in ("two", "three")
    ]
    wait_for(lambda: lines(log) == ["start one"])
    queue = jobs_sim.gql(QUEUE)["jobQueue"]
    assert [(j["id"], j["status"]) for j in queue] == [(ids[0], "RUNNING"), (ids[1], "READY"), (ids[2], "READY")]
    assert queue[1]["startTime"] is None
    time.sleep(0.2)
    assert lines(log) == ["start one"]  # the others wait for the running job
    release.touch()
    jobs_sim.jobs.wait_idle()
    assert lines(log) == ["start one", "end one", "start two", "end two", "start three", "end three"]
    assert [find(jobs_sim, i)["status"] for i in ids] == ["FINISHED"] * 3


def test_the_job_queue_is_null_when_empty(jobs_sim: StashSimulator) -> None:
    """jobQueue is a nullable list and Stash returns a nil slice for an empty queue."""
    assert jobs_sim.gql(QUEUE) == {"jobQueue": None}


def test_stop_job_kills_a_running_plugin_task(jobs_sim: StashSimulator, tmp_path: Path) -> None:
    log, release = tmp_path / "log", tmp_path / "never"
    job_id = queue_task(jobs_sim, "Wait", {"log": str(log), "release": str(release)})
    wait_for(lambda: lines(log) == ["start wait"])
    assert jobs_sim.gql("mutation($id: ID!) { stopJob(job_id: $id) }", {"id": job_id}) == {"stopJob": True}
    jobs_sim.jobs.wait_idle()
    stopped = find(jobs_sim, job_id)
    assert stopped["status"] == "CANCELLED" and stopped["endTime"]
    assert jobs_sim.task_runs[-1].returncode == -9  # killed at once, no signal to clean up first
    assert lines(log) == ["start wait"]


def test_stop_job_on_a_queued_job_cancels_it_before_it_runs(jobs_sim: StashSimulator, tmp_path: Path) -> None:
    log, release = tmp_path / "log", tmp_path / "release"
    first = queue_task(jobs_sim, "Wait", {"log": str(log), "release": str(release), "name": "first"})
    second = queue_task(jobs_sim, "Record", {"log": str(log), "name": "second"})
    wait_for(lambda: lines(log) == ["start first"])
    jobs_sim.gql("mutation($id: ID!) { stopJob(job_id: $id) }", {"id": second})
    assert [j["id"] for j in jobs_sim.gql(QUEUE)["jobQueue"]] == [first]  # removed from the queue at once
    assert find(jobs_sim, second)["status"] == "CANCELLED" and find(jobs_sim, second)["startTime"] is None
    release.touch()
    jobs_sim.jobs.wait_idle()
    assert lines(log) == ["start first", "end first"]


def test_stop_all_jobs_cancels_the_running_and_the_queued(jobs_sim: StashSimulator, tmp_path: Path) -> None:
    log = tmp_path / "log"
    ids = [
        queue_task(jobs_sim, "Wait", {"log": str(log), "release": str(tmp_path / "never"), "name": n})
        for n in ("a", "b")
    ]
    wait_for(lambda: lines(log) == ["start a"])
    assert jobs_sim.gql("mutation { stopAllJobs }") == {"stopAllJobs": True}
    jobs_sim.jobs.wait_idle()
    assert [find(jobs_sim, i)["status"] for i in ids] == ["CANCELLED", "CANCELLED"]
    assert lines(log) == ["start a"]


def test_find_job_ids_and_stop_job_ids_are_parsed_as_stash_does(jobs_sim: StashSimulator) -> None:
    assert find(jobs_sim, "99") is None  # unknown: null, no error
    with pytest.raises(SimGraphQLError, match=r'^strconv.Atoi: parsing "x": invalid syntax$'):
        find(jobs_sim, "x")
    with pytest.raises(SimGraphQLError, match=r'^converting id: strconv.Atoi: parsing "x": invalid syntax$'):
        jobs_sim.gql('mutation { stopJob(job_id: "x") }')
    assert jobs_sim.gql('mutation { stopJob(job_id: "99") }') == {"stopJob": True}  # unknown: no effect


def test_a_task_that_cannot_be_created_fails_its_job(jobs_sim: StashSimulator) -> None:
    """CreateTask's error ends the job FAILED ("Error creating plugin task: ...")."""
    no_task = queue_task(jobs_sim, "Nope", {})
    no_plugin = jobs_sim.gql('mutation { runPluginTask(plugin_id: "ghost", task_name: "x") }')["runPluginTask"]
    jobs_sim.jobs.wait_idle()
    assert find(jobs_sim, no_task)["status"] == "FAILED"
    assert find(jobs_sim, no_task)["error"] == "Error creating plugin task: no task with name Nope in plugin Job Probe"
    assert find(jobs_sim, no_plugin)["error"] == "Error creating plugin task: no plugin with ID ghost"
    assert find(jobs_sim, no_plugin)["description"] == "Running plugin task: x"


def test_a_task_whose_plugin_answers_an_error_still_finishes(jobs_sim: StashSimulator, tmp_path: Path) -> None:
    """task_plugin.go only logs "Plugin returned error"; the job ends FINISHED."""
    job_id = queue_task(jobs_sim, "Record", {"name": "no log arg"})  # the probe fails: KeyError on args.log
    jobs_sim.jobs.wait_idle()
    assert find(jobs_sim, job_id)["status"] == "FINISHED"
    assert jobs_sim.task_runs[-1].error == "exit status 1"


def test_the_last_progress_is_kept_and_ended_jobs_stay_findable_ten_at_most(
    jobs_sim: StashSimulator, tmp_path: Path
) -> None:
    ids = [queue_task(jobs_sim, "Record", {"log": str(tmp_path / "log"), "progress": 0.5}) for _ in range(12)]
    jobs_sim.jobs.wait_idle()
    assert find(jobs_sim, ids[0]) is None and find(jobs_sim, ids[1]) is None  # maxGraveyardSize 10
    assert find(jobs_sim, ids[-1])["progress"] == 0.5


def test_a_scan_is_a_job_and_a_task_queued_by_its_hook_runs_after_it(
    make_sim: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan is "Scanning..." in the queue while its hooks run; runPluginTask from a hook
    queues behind it, so the task sees the finished scan."""
    sim = make_sim()
    sim.install_plugin(JOB_PROBE_DIR, "job_probe")
    sim.install_plugin(HOOK_PROBE_DIR, "hook_probe")
    task_log = tmp_path / "task.log"
    queue_from_hook = (
        'mutation { runPluginTask(plugin_id: "job_probe", task_name: "Record",'
        f' args_map: {{log: {json.dumps(str(task_log))}, name: "after scan"}}) }}'
    )
    monkeypatch.setenv("HOOK_PROBE_LOG", str(tmp_path / "hooks.jsonl"))
    monkeypatch.setenv(
        "HOOK_PROBE_CONFIG",
        json.dumps(
            {
                "observe": {"Gallery.Create.Post": "{ jobQueue { id status description } }"},
                "act": {"trigger": "Gallery.Create.Post", "query": queue_from_hook, "limit": 1},
            }
        ),
    )
    sim.scan_folder("/library/new/Trip", ["a.jpg", "b.jpg", "c.jpg"])
    records = [json.loads(line) for line in (tmp_path / "hooks.jsonl").read_text().splitlines()]
    created = next(r for r in records if r["hookContext"]["type"] == "Gallery.Create.Post")
    assert created["observed"]["data"]["jobQueue"] == [{"id": "1", "status": "RUNNING", "description": "Scanning..."}]
    sim.jobs.wait_idle()
    scan_job, task_job = sim.jobs.history
    assert (scan_job.description, scan_job.status) == ("Scanning...", "FINISHED")
    assert (task_job.description, task_job.status) == ("Running plugin task: Record", "FINISHED")
    assert task_job.start_time >= scan_job.end_time  # queued during the scan, run after it
    assert lines(task_log) == ["start after scan", "end after scan"]


def test_the_tasks_button_waits_for_the_jobs_queued_before_it(jobs_sim: StashSimulator, tmp_path: Path) -> None:
    log, release = tmp_path / "log", tmp_path / "release"
    queue_task(jobs_sim, "Wait", {"log": str(log), "release": str(release), "name": "queued"})
    wait_for(lambda: lines(log) == ["start queued"])
    threading.Timer(0.2, release.touch).start()  # released while the button's task waits in the queue
    result = jobs_sim.run_task("Record", {"log": str(log), "name": "button"}, plugin_id="job_probe")
    assert result.output["name"] == "button"
    assert lines(log) == ["start queued", "end queued", "start button", "end button"]
