"""The gallery page's actions on one gallery: time and requests of a preview and of its apply.

    .venv/bin/python bench/page_actions.py [--rounds N]

What the page waits for is one runPluginOperation: Stash starts Gallery Tools, which reads, plans
and answers (docs/ui.md). Each round makes a fresh simulator with the sample library (written to
disk, so Metadata from files finds its ComicInfo.xml) and Gallery Tools installed, and sends,
over HTTP as the browser does, interleaved (the order rotates each round):

- floor: runPluginOperation of a plugin that reads its input and answers at once (Python's start,
  Stash's plugin process, nothing else): no page action can take less;
- task: the same gallery's task as a plain preview ({"mode": ..., "gallery_ids": [id], "dry_run":
  true}), as scripts could already ask it (ids, no names, no fingerprint);
- preview: the page's preview of the action;
- apply: the page's apply of that preview (after the others: it writes).

Printed: per action, the median wall time of the request, the plugin's mean CPU (user + system of
the child process), the requests the plugin sent, and the ratios preview/floor and preview/task.
Nothing is asserted here: tests count requests, benchmarks measure.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from stash_sim import StashSimulator  # noqa: E402

RUN = "mutation Run($id: ID!, $args: Map) { runPluginOperation(plugin_id: $id, args: $args) }"
# (page action, gallery, the task it runs): one of each kind of basis on the sample library
ACTIONS = [
    ("title_from_path", "1", "title_from_path"),
    ("chapters_from_folders", "3", "chapters_from_folders"),
    ("cover_by_rule", "4", "set_covers"),
    ("sync_images_from_gallery", "1", "sync_images_from_gallery"),
    ("metadata_from_files", "8", "import_file_metadata"),
]
FLOOR_PLUGIN = """\
name: Floor
exec: [python, "{pluginDir}/floor.py"]
interface: raw
"""
FLOOR_SCRIPT = """\
import json, sys
json.loads(sys.stdin.read())
print(json.dumps({"output": "ok", "error": None}))
"""


def operation(sim: StashSimulator, plugin_id: str, args: dict[str, Any]) -> tuple[Any, float, float, int]:
    """(output, wall seconds, plugin CPU seconds, requests the plugin sent) of one runPluginOperation."""
    body = json.dumps({"query": RUN, "variables": {"id": plugin_id, "args": args}}).encode()
    request = urllib.request.Request(sim.url, body, {"Content-Type": "application/json"})
    sim.requests.clear()
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as answer:
        result = json.loads(answer.read())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.get("errors"):
        raise RuntimeError(f"{args}: {result['errors']}")
    used = (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)
    return result["data"]["runPluginOperation"], wall, used, len(sim.requests) - 1  # less the call itself


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    rounds = parser.parse_args().rounds
    kinds = ("floor", "task", "preview", "apply")
    results: dict[tuple[str, str], list[tuple[float, float, int]]] = {
        (action, kind): [] for action, _, _ in ACTIONS for kind in kinds
    }
    with tempfile.TemporaryDirectory() as folder:
        floor = Path(folder) / "floor"
        floor.mkdir()
        (floor / "floor.yml").write_text(textwrap.dedent(FLOOR_PLUGIN), encoding="utf-8")
        (floor / "floor.py").write_text(FLOOR_SCRIPT, encoding="utf-8")
        for round_ in range(rounds):
            for action, gallery, mode in ACTIONS:
                with StashSimulator(on_disk=True) as sim:
                    sim.install_plugin(ROOT)
                    sim.install_plugin(floor, "floor")
                    calls = {
                        "floor": ("floor", {}),
                        "task": ("gallery_tools", {"mode": mode, "gallery_ids": [gallery], "dry_run": True}),
                        "preview": ("gallery_tools", {"page": "preview", "action": action, "gallery_id": gallery}),
                    }
                    order = list(calls)[round_ % 3 :] + list(calls)[: round_ % 3]
                    fingerprint = None
                    for kind in order:
                        output, wall, cpu, requests = operation(sim, *calls[kind])
                        results[(action, kind)].append((wall, cpu, requests))
                        if kind == "preview":
                            fingerprint = output["fingerprint"]
                    args = {"page": "apply", "action": action, "gallery_id": gallery, "fingerprint": fingerprint}
                    output, wall, cpu, requests = operation(sim, "gallery_tools", args)
                    if not output.get("applied"):
                        raise RuntimeError(f"{action}: the apply was refused: {output}")
                    results[(action, "apply")].append((wall, cpu, requests))
    print(f"| action ({rounds} interleaved rounds) | call | wall (median) | plugin CPU (mean) | requests |")
    print("|---|---|---|---|---|")
    for action, gallery, _ in ACTIONS:
        median = {kind: statistics.median(w for w, _, _ in results[(action, kind)]) for kind in kinds}
        for kind in kinds:
            found = results[(action, kind)]
            cpu = statistics.mean(c for _, c, _ in found)
            requests = statistics.mean(r for _, _, r in found)
            print(
                f"| {action} (gallery {gallery}) | {kind} | {median[kind] * 1000:.0f} ms | {cpu * 1000:.0f} ms |"
                f" {requests:.0f} |"
            )
        print(f"| {action} (gallery {gallery}) | preview / floor | {median['preview'] / median['floor']:.2f} | - | - |")
        print(f"| {action} (gallery {gallery}) | preview / task | {median['preview'] / median['task']:.2f} | - | - |")


if __name__ == "__main__":
    main()
