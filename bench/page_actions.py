"""The gallery page's actions on one gallery: time and requests of a preview and of its apply.

    .venv/bin/python bench/page_actions.py [--rounds N] [--baseline /path/to/other/checkout]

What the page waits for is one runPluginOperation: Stash starts Gallery Tools, which reads, plans
and answers (docs/ui.md). Each round makes a fresh simulator with the sample library (written to
disk, so Metadata from files finds its ComicInfo.xml) and Gallery Tools installed, and sends,
over HTTP as the browser does, interleaved (the order rotates each round):

- floor: runPluginOperation of a plugin that reads its input and answers at once (Python's start,
  Stash's plugin process, nothing else): no page action can take less;
- floor+pydantic: the same plugin validating one answer with a two-field pydantic model first
  (the typed client's base: what any action that reads through it pays before its first request);
- hook: our Gallery.Create.Post hook process with the title rule on, for gallery 9 of the sample
  (an untitled flat zip like gallery 4, which no action of the round touches: the hook's title
  write must not change what a preview read before its apply), started as Stash starts a hook (the
  simulator's runner): what a page action is measured against (the goal: at most twice the hook);
- task: the same gallery's task as a plain preview ({"mode": ..., "gallery_ids": [id], "dry_run":
  true}), as scripts could already ask it (ids, no names, no fingerprint);
- preview: the page's preview of the action;
- apply: the page's apply of that preview (after the others: it writes);
- with --baseline, another checkout of the plugin (e.g. a git archive of main) in a simulator of its
  own, made right before or after ours in the same round (the order alternates): its hook, preview
  and apply, for the ratios ours/baseline and the baseline's own ratios to its hook.

Printed: per action, the wall time of the request (min / median / max), the plugin's median CPU
(user + system of the child process), the requests the plugin sent, and the ratios of the medians
preview/hook, apply/hook (wall and CPU), preview/floor and preview/task.
Nothing is asserted here: tests count requests, benchmarks measure.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from stash_sim import StashSimulator  # noqa: E402
from stash_sim.runner import PluginRunner, load_manifest  # noqa: E402

HOOK_TYPE = "Gallery.Create.Post"
# The sample's untitled Night Market.zip (flat, no metadata, like city_walk-2020.zip), in no action's
# round: the hook writes its title, which would make cover_by_rule's apply on gallery 4 stale.
HOOK_GALLERY = 9

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
name: {name}
exec: [python, "{{pluginDir}}/{name}.py"]
interface: raw
"""
FLOOR_SCRIPT = """\
import json, sys
json.loads(sys.stdin.read())
print(json.dumps({"output": "ok", "error": None}))
"""
# The same with one pydantic model validating one answer: what a page action's typed reads cost
# before their first request (pydantic's own modules and one validator built; ours has more).
PYDANTIC_SCRIPT = (
    "from pydantic import BaseModel\n"
    "class Gallery(BaseModel):\n"
    "    id: str\n"
    "    title: str | None = None\n"
    "Gallery.model_validate({'id': '1', 'title': 'a'})\n" + FLOOR_SCRIPT
)


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


def hook_run(sim: StashSimulator, root: Path = ROOT) -> tuple[float, float, int]:
    """(wall seconds, plugin CPU seconds, requests) of the hook process of the plugin in `root` on
    HOOK_GALLERY, title rule on."""
    plugin = load_manifest(root / "gallery_tools.yml")
    runner, hook = PluginRunner(plugin), plugin.hooks_for(HOOK_TYPE)[0]
    sim.set_plugin_settings("gallery_tools", {"hookTitles": True})
    sim.requests.clear()
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = runner.run_hook(hook, {"id": HOOK_GALLERY, "type": HOOK_TYPE, "input": None}, sim.server_connection())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    sim.set_plugin_settings("gallery_tools", {})
    title = sim.gql(f'{{ findGallery(id: "{HOOK_GALLERY}") {{ title }} }}')["findGallery"]["title"]
    if result.error is not None or not title:
        raise RuntimeError(f"the hook failed or wrote no title: {result.error} {result.output}")
    return wall, (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime), len(sim.requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--baseline", type=Path, help="another checkout of the plugin (e.g. a git archive)")
    given = parser.parse_args()
    rounds, baseline = given.rounds, given.baseline
    # compiled to bytecode first, as bench/hook.py does: a source newer than its bytecode (a checkout
    # just changed) would otherwise be compiled again by every process, tens of ms each
    for root in [ROOT] + ([baseline] if baseline else []):
        compileall.compile_dir(root / "gallery_ops", quiet=1)
        compileall.compile_dir(root, maxlevels=0, quiet=1)  # the modules beside the entry
    print(f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f} at the start")
    if str(HOOK_GALLERY) in {gallery for _, gallery, _ in ACTIONS}:
        raise SystemExit(f"the hook's gallery {HOOK_GALLERY} is an action's: its title write would stale the apply")
    kinds = ("floor", "floor+pydantic", "hook", "task", "preview", "apply")
    results: dict[tuple[str, str], list[tuple[float, float, int]]] = {
        (action, kind): [] for action, _, _ in ACTIONS for kind in kinds
    }
    with tempfile.TemporaryDirectory() as folder:
        floors = {"floor": FLOOR_SCRIPT, "floor_pydantic": PYDANTIC_SCRIPT}
        for name, script in floors.items():
            (Path(folder) / name).mkdir()
            (Path(folder) / name / f"{name}.yml").write_text(FLOOR_PLUGIN.format(name=name), encoding="utf-8")
            (Path(folder) / name / f"{name}.py").write_text(script, encoding="utf-8")
        for round_ in range(rounds):
            for action, gallery, mode in ACTIONS:
                if baseline is not None and round_ % 2 == 0:
                    baseline_round(baseline, action, gallery, round_, results)
                with StashSimulator(on_disk=True) as sim:
                    sim.install_plugin(ROOT)
                    for name in floors:
                        sim.install_plugin(Path(folder) / name, name)
                    calls = {
                        "floor": ("floor", {}),
                        "floor+pydantic": ("floor_pydantic", {}),
                        "task": ("gallery_tools", {"mode": mode, "gallery_ids": [gallery], "dry_run": True}),
                        "preview": ("gallery_tools", {"page": "preview", "action": action, "gallery_id": gallery}),
                    }
                    kinds_now = [*calls, "hook"]
                    order = kinds_now[round_ % len(kinds_now) :] + kinds_now[: round_ % len(kinds_now)]
                    fingerprint = None
                    for kind in order:
                        if kind == "hook":
                            results[(action, kind)].append(hook_run(sim))
                            continue
                        output, wall, cpu, requests = operation(sim, *calls[kind])
                        results[(action, kind)].append((wall, cpu, requests))
                        if kind == "preview":
                            fingerprint = output["fingerprint"]
                    args = {"page": "apply", "action": action, "gallery_id": gallery, "fingerprint": fingerprint}
                    output, wall, cpu, requests = operation(sim, "gallery_tools", args)
                    if not output.get("applied"):
                        raise RuntimeError(f"{action}: the apply was refused: {output}")
                    results[(action, "apply")].append((wall, cpu, requests))
                if baseline is not None and round_ % 2 == 1:
                    baseline_round(baseline, action, gallery, round_, results)
    print(f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f} at the end")
    print(
        f"| action ({rounds} interleaved rounds) | call | wall (min / median / max) | plugin CPU (median) | requests |"
    )
    print("|---|---|---|---|---|")
    for action, gallery, _ in ACTIONS:
        wall = {kind: statistics.median(w for w, _, _ in results[(action, kind)]) for kind in kinds}
        cpu = {kind: statistics.median(c for _, c, _ in results[(action, kind)]) for kind in kinds}
        for kind in kinds:
            found = results[(action, kind)]
            walls = [w for w, _, _ in found]
            requests = statistics.mean(r for _, _, r in found)
            print(
                f"| {action} (gallery {gallery}) | {kind} | {min(walls) * 1000:.0f} / {wall[kind] * 1000:.0f} /"
                f" {max(walls) * 1000:.0f} ms | {cpu[kind] * 1000:.0f} ms | {requests:.0f} |"
            )
        for kind, base in (
            ("preview", "hook"),
            ("apply", "hook"),
            ("floor+pydantic", "hook"),
            ("preview", "floor"),
            ("preview", "task"),
        ):
            print(
                f"| {action} (gallery {gallery}) | {kind} / {base} | {wall[kind] / wall[base]:.2f} |"
                f" {cpu[kind] / cpu[base]:.2f} | - |"
            )

    if baseline is not None:
        print_baseline(results, rounds)


BASELINE_KINDS = ("hook", "preview", "apply")


def baseline_round(
    root: Path, action: str, gallery: str, round_: int, results: dict[tuple[str, str], list[tuple[float, float, int]]]
) -> None:
    """The baseline's hook, preview and apply of one action, in a simulator of its own (kinds
    "baseline hook", "baseline preview", "baseline apply")."""
    with StashSimulator(on_disk=True) as sim:
        sim.install_plugin(root)
        order = ["preview", "hook"] if round_ % 4 < 2 else ["hook", "preview"]
        fingerprint = None
        for kind in order:
            if kind == "hook":
                results.setdefault((action, "baseline hook"), []).append(hook_run(sim, root))
                continue
            args = {"page": "preview", "action": action, "gallery_id": gallery}
            output, wall, cpu, requests = operation(sim, "gallery_tools", args)
            results.setdefault((action, "baseline preview"), []).append((wall, cpu, requests))
            fingerprint = output["fingerprint"]
        args = {"page": "apply", "action": action, "gallery_id": gallery, "fingerprint": fingerprint}
        output, wall, cpu, requests = operation(sim, "gallery_tools", args)
        if not output.get("applied"):
            raise RuntimeError(f"{action}: the baseline's apply was refused: {output}")
        results.setdefault((action, "baseline apply"), []).append((wall, cpu, requests))


def print_baseline(results: dict[tuple[str, str], list[tuple[float, float, int]]], rounds: int) -> None:
    """Ours against the baseline (ratios of medians, wall and CPU), and the baseline's own ratios to its hook."""
    print()
    print(
        f"| action ({rounds} rounds) | call | baseline wall (min / median / max) | baseline CPU |"
        " ours/baseline wall | CPU |"
    )
    print("|---|---|---|---|---|---|")
    for action, gallery, _ in ACTIONS:
        wall = {k: statistics.median(w for w, _, _ in results[(action, k)]) for k in (*BASELINE_KINDS, "floor")}
        cpu = {k: statistics.median(c for _, c, _ in results[(action, k)]) for k in BASELINE_KINDS}
        base_wall = {k: statistics.median(w for w, _, _ in results[(action, f"baseline {k}")]) for k in BASELINE_KINDS}
        base_cpu = {k: statistics.median(c for _, c, _ in results[(action, f"baseline {k}")]) for k in BASELINE_KINDS}
        for kind in BASELINE_KINDS:
            walls = [w for w, _, _ in results[(action, f"baseline {kind}")]]
            print(
                f"| {action} (gallery {gallery}) | {kind} | {min(walls) * 1000:.0f} / {base_wall[kind] * 1000:.0f} /"
                f" {max(walls) * 1000:.0f} ms | {base_cpu[kind] * 1000:.0f} ms | {wall[kind] / base_wall[kind]:.2f} |"
                f" {cpu[kind] / base_cpu[kind]:.2f} |"
            )
        for kind in ("preview", "apply"):
            print(
                f"| {action} (gallery {gallery}) | baseline {kind} / baseline hook |"
                f" {base_wall[kind] / base_wall['hook']:.2f} | {base_cpu[kind] / base_cpu['hook']:.2f} | - | - |"
            )


if __name__ == "__main__":
    main()
