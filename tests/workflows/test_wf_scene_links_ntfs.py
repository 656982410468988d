"""Link scenes on a Stash running on Windows: names compare as NTFS compares them.

NTFS keeps apart names that differ other than by its simple, one-to-one upper-case table:
"Straße" and "STRASSE", "ﬁsh" and "FISH", the Kelvin sign and "K" are different files there,
while "Beach" and "BEACH" are the same. Full case folding (Python's casefold) would link the
first three; Link scenes must not.
"""

from __future__ import annotations

from wf_support import LINK_SCENES, fresh_sim, run, state

KELVIN = "\u212a"
PAIRS = [  # (zip gallery's name, the scene's video next to it, same file on NTFS?)
    ("Straße", "STRASSE", False),
    ("ﬁsh", "FISH", False),
    (f"{KELVIN}elvin", "kelvin", False),
    ("Beach Straße", "BEACH STRAßE", True),
    ("Été", "ÉTÉ", True),
]


def test_link_scenes_on_windows_links_only_names_ntfs_takes_for_the_same():
    library = {
        "host": "windows",
        "scenes": [{"title": f"scene {n}", "path": f"C:\\Lib\\{scene}.mp4"} for n, (_, scene, _) in enumerate(PAIRS)],
        "galleries": [{"zip": f"C:\\Lib\\{name}.zip", "images": ["1.jpg"]} for name, _, _ in PAIRS],
    }
    with fresh_sim(library) as sim:
        run(sim, LINK_SCENES, {"dry_run": "false"})
        galleries = state(sim)["galleries"]
    for n, (name, _, same) in enumerate(PAIRS):
        assert galleries[f"C:\\Lib\\{name}.zip"]["scenes"] == ([f"scene {n}"] if same else []), name
