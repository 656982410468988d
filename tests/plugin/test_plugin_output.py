"""What Stash reads from a run: one JSON object on stdout, the exit status, log lines and
progress on stderr, and never a session cookie or an API key."""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from stash_sim import StashSimulator
from stash_sim.library import generate_library
from stash_sim.runner import RunResult
from support.manifest import button

from gallery_ops.common.limits import WORKFLOW_PAGE_SIZE

REPO = Path(__file__).resolve().parents[2]


def test_one_json_object_and_the_exit_status_for_success_and_failure(plugin_sim: StashSimulator) -> None:
    ok = plugin_sim.run_task(button("capabilities"))
    failed = plugin_sim.run_operation({"mode": "no_such_task"})
    for result, status in ((ok, 0), (failed, 1)):
        answer = json.loads(result.stdout.strip())
        assert isinstance(answer, dict) and set(answer) == {"output", "error"}
        assert result.stdout.strip() == json.dumps(answer)  # nothing before or after the object
        assert result.returncode == status
        assert (answer["error"] is None) == (status == 0)
    assert ok.output["hooks"] == ["Gallery.Create.Post"]
    assert failed.error.startswith("unknown mode 'no_such_task'")


@pytest.fixture
def big_sim() -> Iterator[StashSimulator]:
    with StashSimulator(library=generate_library(600, 2)) as simulator:
        simulator.install_plugin(REPO)
        yield simulator


def test_a_task_over_many_galleries_drives_the_progress_bar(big_sim: StashSimulator, answer) -> None:
    result = big_sim.run_task(button("title_from_path"), {"dry_run": "true"})
    got = answer(result)
    assert got["error"] is None and got["output"]["scanned"] == 600
    progress = result.progress
    assert progress[0] == 0.0 and progress[-1] == 1.0
    assert progress == sorted(progress)
    steps = sorted(set(progress) - {0.0, 1.0})
    assert len(steps) == math.ceil(600 / WORKFLOW_PAGE_SIZE) - 1 >= 2  # a step per page of galleries
    assert steps == pytest.approx([n * WORKFLOW_PAGE_SIZE / 600 for n in range(1, len(steps) + 1)])
    assert not [line for line in result.logs if line.level == "error"]


def test_every_task_ends_its_progress_bar_on_a_scanned_library() -> None:
    """Stash's job list shows the last progress a task reported, 0 when it reported none
    (pkg/job/manager.go): on a real Stash v0.30.1, Finish new galleries with nothing marked and
    Show capabilities stayed at 0 after they had ended. Every task of the manifest ends at 1.0,
    also Repair chapters, which on this v0.30.1 says it needs v0.31 and stops."""
    manifest = yaml.safe_load((REPO / "gallery_tools.yml").read_text(encoding="utf-8"))
    tasks = manifest["tasks"]
    assert len(tasks) >= 20
    with StashSimulator(scanned=True) as simulator:
        simulator.install_plugin(REPO)
        for task in tasks:
            name = task["name"]
            result = simulator.run_task(name)
            if task["defaultArgs"]["mode"] == "repair_chapters":
                assert result.error is not None and "needs Stash v0.31" in result.error, name
            else:
                assert result.returncode == 0, f"{name}: {result.log_text}"
            assert result.progress and result.progress[-1] == 1.0, f"{name} reported {result.progress}"
            assert all(0.0 <= p <= 1.0 for p in result.progress), name


# -- secrets -------------------------------------------------------------------------------------
@pytest.fixture
def secured_sim() -> Iterator[StashSimulator]:
    """Stash with credentials: requests need the session cookie or the ApiKey."""
    with StashSimulator(credentials=("admin", "correct horse")) as simulator:
        simulator.install_plugin(REPO)
        yield simulator


def assert_no_secret(result: RunResult, *values: str) -> None:
    for value in values:
        assert value and len(value) >= 16
        for text in (result.stdout, result.stderr, json.dumps(result.output)):
            assert value not in text
            assert value[:12] not in text  # not even a part of it


def test_cookie_and_api_key_never_appear_in_stdout_or_stderr(secured_sim: StashSimulator, answer) -> None:
    cookie = secured_sim.server_connection()["SessionCookie"]["Value"]
    api_key = secured_sim.api_key
    with_key = secured_sim.server_connection(api_key=True)
    runner = secured_sim.runner()

    # a run that logs a lot: the whole capabilities listing, with the cookie
    listing = secured_sim.run_task(button("capabilities"))
    assert answer(listing)["error"] is None and len(listing.logs) > 30
    # a task with the ApiKey, Stash failing twice on the way (retry warnings quote the failure)
    secured_sim.faults.add("http_503", count=2)
    task = runner.run_task(button("set_covers"), {"dry_run": "true"}, with_key)
    assert answer(task)["error"] is None and len(task.messages("warning")) == 2
    # auth errors: a wrong key, a forged cookie
    wrong_key = secrets.token_hex(16)
    refused_key = runner.run_task(button("set_covers"), None, {**with_key, "ApiKey": wrong_key})
    forged = secured_sim.server_connection()
    forged["SessionCookie"] = {**forged["SessionCookie"], "Value": cookie[:-8] + "00000000"}
    refused_cookie = runner.run_task(button("set_covers"), None, forged)
    for refused in (refused_key, refused_cookie):
        assert "401 Unauthorized" in answer(refused)["error"]
        assert "session cookie or API key is missing or wrong" in refused.error
        assert "generate one in Stash under Settings > Security > API Key" in refused.error  # where a key comes from
    # a key pasted with a line break, which requests would quote in its error
    broken = runner.run_task(button("set_covers"), None, {**with_key, "ApiKey": api_key + "\n"})
    assert "server_connection.ApiKey" in answer(broken)["error"]

    for result in (listing, task, refused_key, refused_cookie, broken):
        assert_no_secret(result, cookie, api_key, wrong_key, forged["SessionCookie"]["Value"])
    assert secured_sim.requests.mutations() == []
