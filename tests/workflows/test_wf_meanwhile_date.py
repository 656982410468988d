"""A date a person sets on an image while add-only Sync images runs is kept ("a studio/date
under add-only sync, which promises never to overwrite"). The studio case is in test_wf_meanwhile.py."""

from __future__ import annotations

from test_wf_meanwhile import MOVED, meanwhile
from wf_support import BEACH, SYNC, fresh_sim, image_ids, run, state


def test_a_date_set_meanwhile_under_add_only_sync_is_kept():
    with fresh_sim() as sim:
        image = image_ids(sim)[f"{BEACH}/IMG_0001.jpg"]
        meanwhile(
            sim,
            lambda: sim.gql(
                f'mutation {{ bulkImageUpdate(input: {{ids: ["{image}"], date: "2019-03-04"}}) {{ id }} }}'
            ),
        )
        result = run(sim, SYNC)
        images = state(sim)["images"]
    assert images[f"{BEACH}/IMG_0001.jpg"]["date"] == "2019-03-04"  # add-only never overwrites
    assert f'(image "IMG_0001.jpg" [{image}]: {MOVED})' in result.log_text
    for name in ("IMG_0002.jpg", "cover.jpg", "IMG_0010.jpg"):  # the gallery's other images get its date
        assert images[f"{BEACH}/{name}"]["date"] == "2021-07-14"
