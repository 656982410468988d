"""The simulator held to a real Stash v0.30.1: the same library, requests and plugin runs, the same answers.

`../shared/real-stash/` holds a harness that records any Stash (`record.py`), the recording of a
real Stash v0.30.1 that scanned the harness library (`transcripts/real-v0.30.1.json`) and
`run_sim.py`, which records this checkout's simulator the same way: started empty, it is given
the library as a stash path and scans it (`--scan`), then answers the 192 requests and runs
Gallery Tools (installed into its plugins folder and reloaded, every task, the 15 operations,
the hook by hand and from a scan). `compare.py` compares the two transcripts entry by entry.

Every entry outside the plugin sections must agree. In the plugin sections (the plugin's own
runs) an entry may differ only as `real_stash_changes.CHANGES` says, each change with why:
what Gallery Tools itself says or does differently since the recording (at 3384b0f).

The shared folder is $GALLERY_TOOLS_SHARED, else ../shared beside the checkout, else /work/shared;
without it, or without ffmpeg (the library has a video, as the recorded one had), the test fails
and says so: it is never skipped.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from real_stash_changes import CHANGES, PLUGIN_SECTIONS, LateLine, UnseenJob, apply_changes, new_entry, unused

REPO = Path(__file__).resolve().parents[2]
REAL = "transcripts/real-v0.30.1.json"
RECORD_TIMEOUT = 1800  # seconds; a recording takes 4-6 minutes on two cores


def shared_folder() -> Path:
    """Where /work/shared's content is, as WORKFLOW.md and the README say to find it."""
    candidates = [os.environ.get("GALLERY_TOOLS_SHARED"), str(REPO.parent / "shared"), "/work/shared"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "real-stash" / REAL).is_file():
            return Path(candidate)
    raise AssertionError(
        "the shared folder with real-stash/ was not found: set GALLERY_TOOLS_SHARED, or put it"
        f" beside the checkout ({REPO.parent / 'shared'}); looked at {candidates}"
    )


def _harness_module(harness: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"real_stash_{name}", harness / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def differences(harness: Path, recorded: Path) -> tuple[list[str], set[int]]:
    """compare.py's verdict on every entry once the changes listed are taken out: the entries that
    still differ (with how), and the indexes of the changes used."""
    compare = _harness_module(harness, "compare")
    real = {e["name"]: e for e in json.loads((harness / REAL).read_text(encoding="utf-8"))["entries"]}
    ours = {e["name"]: e for e in json.loads(recorded.read_text(encoding="utf-8"))["entries"]}
    problems: list[str] = []
    used: set[int] = set()
    for name in list(real) + [n for n in ours if n not in real]:
        a, b = real.get(name), ours.get(name)
        section = (a or b or {}).get("section", "?")
        allowed = new_entry(name) if section in PLUGIN_SECTIONS else None
        if a is None and b is not None and allowed is not None:
            used.add(allowed)
            continue
        if section in PLUGIN_SECTIONS and a is not None and b is not None:
            a, b, applied = apply_changes(name, a, b)
            used |= applied
        same, lines = compare.compare_entry(a, b, 12)
        if not same:
            problems.append("\n".join([f"{name} ({section})", *lines]))
    return problems, used


# Files the harness copies into the plugins folder (plugin_runs.py INSTALL_PATHS, written when the
# plugin had them) that Gallery Tools no longer has: its Install dependencies task and the pins it
# installed are gone (docs/architecture.md, "The runtime").
RETIRED_FILES = {
    "gallery_tools_deps.py": '"""Not part of Gallery Tools any more: nothing imports it (see RETIRED_FILES)."""\n',
    "requirements.txt": "# Not part of Gallery Tools any more: it needs no installed package.\n",
}


def harness_checkout(folder: Path) -> Path:
    """This checkout as the harness reads it: every top-level entry linked, and for each retired file
    it still copies an inert stand-in (the harness is shared input, read-only here). The plugin runs
    as from this checkout: nothing reads the stand-ins, and their names are all the recording shows."""
    folder.mkdir()
    for entry in REPO.iterdir():
        if entry.name != ".git":
            (folder / entry.name).symlink_to(entry)
    for name, text in RETIRED_FILES.items():
        assert not (REPO / name).exists(), f"{name} is back in the checkout: take it out of RETIRED_FILES"
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_simulator_answers_as_a_real_stash_v0_30_1(tmp_path: Path) -> None:
    assert shutil.which("ffmpeg") and shutil.which("ffprobe"), (
        "ffmpeg and ffprobe are needed (the recorded library has a video): apt-get install ffmpeg"
    )
    harness = shared_folder() / "real-stash"
    recorded = tmp_path / "sim.json"
    # The real Stash had the library as its stash path before the recording (its config.yml: the
    # harness's first configuration read lists it). run_sim.py writes the library into a temporary
    # folder of its own (tempfile: under TMPDIR) and starts the simulator after; the simulator is
    # told, as Stash's config.yml tells Stash, which folder is its stash path.
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    environment = dict(
        os.environ,
        TMPDIR=str(temporary),
        STASH_SIM_RELEASE="v0.30.1",
        STASH_SIM_STASHES=str(temporary / "realstash-sim-*" / "harness-library"),
    )
    done = subprocess.run(
        [
            sys.executable,
            str(harness / "run_sim.py"),
            "--checkout",
            str(harness_checkout(tmp_path / "checkout")),
            str(recorded),
            "--scan",
            "--port",
            str(_free_port()),
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=RECORD_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0 and recorded.is_file(), f"run_sim.py failed:\n{done.stderr[-4000:]}"
    problems, used = differences(harness, recorded)
    assert not problems, f"{len(problems)} entries differ from the real Stash:\n\n" + "\n\n".join(problems)
    assert not unused(used), f"real_stash_changes.py lists changes no entry needs any more: {unused(used)}"
    for change in CHANGES:  # every allowed difference is in a plugin section and says why
        assert change.why.strip() and change.entries.split(".", 1)[0] in PLUGIN_SECTIONS, change


def test_a_late_line_may_be_missing_and_nothing_else_is_forgiven() -> None:
    """apply_changes drops a LateLine from the recording only where ours lacks it; other lines stay."""
    late = next(change for change in CHANGES if isinstance(change, LateLine))
    recorded = {"outcome": {"logs": [late.line, "Info: [Plugin / Gallery Tools] done"]}}
    without, _, _ = apply_changes(late.entries, recorded, {"outcome": {"logs": ["Info: [Plugin / Gallery Tools] x"]}})
    assert without["outcome"]["logs"] == ["Info: [Plugin / Gallery Tools] done"]
    with_it, _, _ = apply_changes(late.entries, recorded, {"outcome": {"logs": [late.line]}})
    assert with_it == recorded
    elsewhere, _, _ = apply_changes("task.other.apply", recorded, {"outcome": {"logs": []}})
    assert elsewhere == recorded


def test_an_unseen_job_may_be_missing_and_nothing_else_is_forgiven() -> None:
    """apply_changes drops the described job from the recording's queued jobs only where ours lacks it."""
    unseen = next(change for change in CHANGES if isinstance(change, UnseenJob))
    job = {"status": "FINISHED", "description": unseen.description, "error": None, "progress": 1}
    other = dict(job, description="Running plugin task: Set covers")
    recorded = {"outcome": {"queued_by_it": [job], "logs": ["Info: x"]}}
    without, _, _ = apply_changes(unseen.entries, recorded, {"outcome": {"logs": ["Info: x"]}})
    assert without == {"outcome": {"logs": ["Info: x"]}}
    seen_failed = {"outcome": {"queued_by_it": [dict(job, status="FAILED")]}}
    kept, _, _ = apply_changes(unseen.entries, recorded, seen_failed)
    assert kept == recorded  # seen by ours: compared as it is (a failed Finish still differs)
    both = {"outcome": {"queued_by_it": [other, job]}}
    only_other, _, _ = apply_changes(unseen.entries, both, {"outcome": {}})
    assert only_other == {"outcome": {"queued_by_it": [other]}}
    elsewhere, _, _ = apply_changes("task.set_covers.apply", recorded, {"outcome": {}})
    assert elsewhere == recorded


def test_an_addition_leaves_out_only_its_own_items() -> None:
    ours = {"outcome": {"state": {"tags": ["Beach", "Gallery Tools: scraped"]}, "logs": ["Gallery Tools: scraped?"]}}
    _, left, used = apply_changes("final.state", {"outcome": {}}, ours)
    assert left == {"outcome": {"state": {"tags": ["Beach"]}, "logs": ["Gallery Tools: scraped?"]}} and used
    _, untouched, _ = apply_changes("setup.configure_general", {"outcome": {}}, ours)
    assert untouched == ours
