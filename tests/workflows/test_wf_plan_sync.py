"""sync_images_from_gallery, the pure plan: image_changes, plan_image_sync, parse_sync_fields."""

from __future__ import annotations

import pytest
from wf_support import gallery, image

from gallery_ops.common.args import ArgError
from gallery_ops.common.constants import NEW_GALLERY_TAG, STASH_DEFAULT_COVER_REGEX
from gallery_ops.common.id_array import Ids
from gallery_ops.common.limits import BULK_IDS_CHUNK
from gallery_ops.common.settings import Settings
from gallery_ops.common.skips import SKIP_NO_IMAGES
from gallery_ops.stash.models import TagRef
from gallery_ops.tasks import image_sync
from gallery_ops.tasks.changes import UpdateImages
from gallery_ops.tasks.image_sync import (
    SYNC_FIELDS,
    SyncFold,
    SyncImagesFromGallery,
    image_changes,
    parse_sync_fields,
    plan_image_sync,
)
from gallery_ops.tasks.workflow import Env

ALL = SYNC_FIELDS
SOURCE = gallery("1", tags=(1, 2), performers=(5,), studio="8", date="2021-07-14", photographer="Jo")


def img(id=1, galleries=(SOURCE,), **kwargs):
    return image(id, f"/lib/g/{id}.jpg", galleries=list(galleries), **kwargs)


# -- fields ---------------------------------------------------------------------------------------
def test_parse_sync_fields():
    assert parse_sync_fields("tags, performers, studio, date, photographer") == ALL
    assert parse_sync_fields(" Tags ,tags,DATE") == ("tags", "date")


@pytest.mark.parametrize("text", ["", " , ", "tags,color", "title"])
def test_parse_sync_fields_refuses_unknown_or_no_fields(text):
    with pytest.raises(ArgError, match="sync fields"):
        parse_sync_fields(text)


# -- add-only -------------------------------------------------------------------------------------
def test_add_only_adds_what_is_missing():
    assert image_changes(img(), ALL, mirror=False) == {
        "tag_ids": {"ids": ["1", "2"], "mode": "ADD"},
        "performer_ids": {"ids": ["5"], "mode": "ADD"},
        "studio_id": "8",
        "date": "2021-07-14",
        "photographer": "Jo",
    }


def test_add_only_never_removes_or_overwrites():
    current = img(tags=(1, 9), performers=(6,), studio="3", date="2000-01-01", photographer="Al")
    assert image_changes(current, ALL, mirror=False) == {
        "tag_ids": {"ids": ["2"], "mode": "ADD"},
        "performer_ids": {"ids": ["5"], "mode": "ADD"},
    }


def test_an_image_in_step_needs_nothing():
    done = img(tags=(1, 2, 9), performers=(5,), studio="8", date="2021-07-14", photographer="Jo")
    assert image_changes(done, ALL, mirror=False) == {}
    assert (
        image_changes(
            img(tags=(1, 2), performers=(5,), studio="8", date="2021-07-14", photographer="Jo"), ALL, mirror=True
        )
        == {}
    )


def test_only_the_chosen_fields():
    assert image_changes(img(), ("tags", "date"), mirror=False) == {
        "tag_ids": {"ids": ["1", "2"], "mode": "ADD"},
        "date": "2021-07-14",
    }


# -- mirror ---------------------------------------------------------------------------------------
def test_mirror_makes_the_image_match_exactly():
    current = img(tags=(1, 9), performers=(6,), studio="3", date="2000-01-01", photographer="Al")
    assert image_changes(current, ALL, mirror=True) == {
        "tag_ids": {"ids": ["1", "2"], "mode": "SET"},
        "performer_ids": {"ids": ["5"], "mode": "SET"},
        "studio_id": "8",
        "date": "2021-07-14",
        "photographer": "Jo",
    }


def test_mirror_clears_what_the_galleries_do_not_have():
    bare = gallery("2")
    current = img(galleries=(bare,), tags=(9,), performers=(6,), studio="3", date="2000-01-01", photographer="Al")
    assert image_changes(current, ALL, mirror=True) == {
        "tag_ids": {"ids": [], "mode": "SET"},
        "performer_ids": {"ids": [], "mode": "SET"},
        "studio_id": None,
        "date": None,
        "photographer": None,
    }
    assert image_changes(current, ALL, mirror=False) == {}


# -- several galleries ----------------------------------------------------------------------------
def test_an_image_gets_the_union_of_all_its_galleries():
    other = gallery("2", tags=(3,), performers=(6,))
    assert image_changes(img(galleries=(SOURCE, other)), ("tags", "performers"), mirror=True) == {
        "tag_ids": {"ids": ["1", "2", "3"], "mode": "SET"},
        "performer_ids": {"ids": ["5", "6"], "mode": "SET"},
    }


@pytest.mark.parametrize("mirror", [False, True])
def test_scalars_the_galleries_disagree_on_are_left_alone(mirror):
    other = gallery("2", studio="9", date="2022-01-01", photographer="Jo")
    changes = image_changes(img(galleries=(SOURCE, other), studio="3"), ("studio", "date", "photographer"), mirror)
    assert "studio_id" not in changes and "date" not in changes
    assert changes == {"photographer": "Jo"}  # the one they agree on


def test_a_gallery_without_a_value_does_not_disagree():
    other = gallery("2")
    assert image_changes(img(galleries=(SOURCE, other)), ("studio",), mirror=True) == {"studio_id": "8"}


def test_the_new_gallery_marker_is_never_copied_and_mirror_removes_it():
    marker = TagRef(id="77", name=NEW_GALLERY_TAG)
    marked = gallery("3", tags=(TagRef(id="1", name="Beach"), marker))
    assert image_changes(img(galleries=(marked,)), ("tags",), mirror=False) == {
        "tag_ids": {"ids": ["1"], "mode": "ADD"}
    }
    assert image_changes(img(galleries=(marked,), tags=("1", marker)), ("tags",), mirror=True) == {
        "tag_ids": {"ids": ["1"], "mode": "SET"}
    }


# -- plans: grouping and planning once ------------------------------------------------------------
def test_images_needing_the_same_change_share_one_bulk_update():
    images = [
        img(1),
        img(2),
        img(3, tags=(1, 2), performers=(5,), studio="8", date="2021-07-14", photographer="Jo"),
        img(4, tags=(1,), performers=(5,), studio="8", date="2021-07-14", photographer="Jo"),
    ]
    plan = plan_image_sync(SOURCE, images, ALL, mirror=False)
    assert all(isinstance(c, UpdateImages) and c.gallery_id == "1" for c in plan.changes)
    by_images = {c.image_ids: dict(c.fields) for c in plan.changes}
    assert by_images == {
        ("1", "2"): {
            "tag_ids": {"ids": ["1", "2"], "mode": "ADD"},
            "performer_ids": {"ids": ["5"], "mode": "ADD"},
            "studio_id": "8",
            "date": "2021-07-14",
            "photographer": "Jo",
        },
        ("4",): {"tag_ids": {"ids": ["2"], "mode": "ADD"}},
    }


@pytest.mark.parametrize("mirror", [False, True])
def test_images_are_grouped_by_exactly_the_change_they_need(mirror):
    """A page's images are grouped by a key made beside each change: images whose changes are
    equal share one update, images whose changes differ in anything (ids, mode, a value) never do."""
    source = gallery("1", tags=(9, 10, 2), performers=(5,), studio="8", date="2021-07-14")
    states = [
        {},
        {"tags": (9,)},
        {"tags": (10,)},
        {"tags": (2, 9, 10)},
        {"tags": (2, 9, 10, 11)},
        {"performers": (5,)},
        {"performers": (6,)},
        {"studio": "8"},
        {"studio": "7"},
        {"date": "2021-07-14"},
        {"date": "2020-01-01", "photographer": "Jo"},
    ]
    images = [img(n, galleries=(source,), **state) for n, state in enumerate(states * 2, start=1)]
    # in a second gallery too, which wants another photographer: changes that differ in a value only
    other = gallery("2", photographer="Al")
    images += [img(n, galleries=(source, other), photographer="Jo") for n in (30, 31)]
    images += [img(n, galleries=(source,), photographer="Al") for n in (32, 33)]
    plan = plan_image_sync(source, images, ALL, mirror)
    wanted = {}
    for one in images:
        change = image_changes(one, ALL, mirror)
        if change:
            wanted.setdefault(repr(sorted(change.items())), set()).add(one.id)
    got = {repr(sorted(dict(c.fields).items())): set(c.image_ids) for c in plan.changes}
    assert got == wanted and len(plan.changes) == len(wanted) > 5
    # the ids of a tag change in Stash's order (as integers: "9" before "10")
    tags = [dict(c.fields)["tag_ids"]["ids"] for c in plan.changes if "tag_ids" in dict(c.fields)]
    assert ["2", "9", "10"] in tags and all(ids == sorted(ids, key=int) for ids in tags)


def _folded(fold: SyncFold) -> tuple:
    """All a fold keeps: per change its images, their other galleries and expects; the shared images."""
    groups = {key: (g.need, list(g.ids), g.others, g.expects) for key, g in fold.groups.items()}
    return groups, list(fold.shared), fold.count


@pytest.mark.parametrize("mirror", [False, True])
@pytest.mark.parametrize("fields", [ALL, ("tags",), ("studio", "date")])
def test_images_alike_the_one_before_take_its_change_as_if_each_was_planned_alone(mirror, fields, monkeypatch):
    """SyncFold.add works an image's change out only when its galleries or synced fields differ
    from the image before's (a fresh scan's images, a synced gallery's): what it keeps is what
    working out every image's change alone keeps, expects (each with its image's id) included."""
    other = gallery("2", tags=(3,), studio="7", photographer="Al")
    runs = [  # (galleries, the image's fields, how many images alike)
        ((SOURCE,), {}, 3),
        ((SOURCE,), {"tags": (1,), "studio": "7"}, 2),
        ((SOURCE, other), {}, 2),
        ((SOURCE,), {}, 1),
        ((SOURCE,), {"date": "2020-01-01", "photographer": "Jo"}, 2),
        ((SOURCE,), {"tags": (1, 2), "performers": (5,), "studio": "8", "date": "2021-07-14", "photographer": "Jo"}, 2),
        ((SOURCE, other), {"tags": (4,)}, 1),
        ((SOURCE, other), {"tags": (4,), "date": "2019-02-02"}, 2),
    ]
    images = [img(n, galleries=galleries, **state) for galleries, state, count in runs for n in range(count)]
    for n, one in enumerate(images, start=1):  # (the helper's ids: one per image)
        object.__setattr__(one, "__dict__", {**one.__dict__, "id": str(n)})
    worked_out: list[str] = []
    change_of = image_sync.change_of

    def counting(image, wanted, mirror):
        worked_out.append(image.id)
        return change_of(image, wanted, mirror)

    monkeypatch.setattr(image_sync, "change_of", counting)
    together = SyncFold("1", fields, mirror)
    together.add(images)
    firsts = list(worked_out)
    alone = SyncFold("1", fields, mirror)
    for one in images:
        alone.add([one])
    assert _folded(together) == _folded(alone)
    assert together.groups and (not mirror or any(g.need.overwrites for g in together.groups.values()))
    # worked out: each image whose galleries, or one of the synced fields, differ from the image before's
    described = [(galleries, [state.get(f) for f in fields]) for galleries, state, count in runs for _ in range(count)]
    differ = [str(n) for n, one in enumerate(described, start=1) if n == 1 or one != described[n - 2]]
    assert firsts == differ and len(differ) < len(images)


def test_big_groups_are_split_into_bulk_updates_of_bounded_size():
    images = [img(n) for n in range(1, 2 * BULK_IDS_CHUNK + 11)]
    plan = plan_image_sync(SOURCE, images, ("date",), mirror=False)
    assert [len(c.image_ids) for c in plan.changes] == [BULK_IDS_CHUNK, BULK_IDS_CHUNK, 10]
    assert sorted(i for c in plan.changes for i in c.image_ids) == sorted(
        str(n) for n in range(1, 2 * BULK_IDS_CHUNK + 11)
    )


def test_no_images_is_a_skip_and_images_in_step_are_unchanged():
    assert plan_image_sync(SOURCE, [], ALL, mirror=False).skipped == SKIP_NO_IMAGES
    done = img(1, tags=(1, 2), performers=(5,), studio="8", date="2021-07-14", photographer="Jo")
    assert plan_image_sync(SOURCE, [done], ALL, mirror=True).status == "unchanged"


def test_an_image_in_several_galleries_is_planned_once_per_run():
    a = gallery("1", tags=(1,))
    b = gallery("2", tags=(2,))
    shared = image(10, "/lib/a/shared.jpg", galleries=[a, b])
    only_a = image(11, "/lib/a/x.jpg", galleries=[a])
    only_b = image(12, "/lib/b/y.jpg", galleries=[b])
    workflow = SyncImagesFromGallery(("tags",), mirror=False)
    env = Env(Settings.from_saved(None), STASH_DEFAULT_COVER_REGEX)
    first = workflow.plan(a, [shared, only_a], env)
    second = workflow.plan(b, [shared, only_b], env)
    planned = [i for plan in (first, second) for c in plan.changes for i in c.image_ids]
    assert sorted(planned) == ["10", "11", "12"]
    shared_change = next(c for c in first.changes if "10" in c.image_ids)
    assert dict(shared_change.fields) == {"tag_ids": {"ids": ["1", "2"], "mode": "ADD"}}  # both galleries' tags


def test_a_big_gallery_s_plan_holds_its_image_ids_as_integers():
    """What a big gallery's sync holds per image while it is read and until its writes are sent
    (counted, not timed): its fold 8 bytes an image (no other galleries, no expects, in an add-only
    sync of images in this gallery alone), its plan the ids as Ids (8 bytes, no string per image)."""
    import tracemalloc

    images = [img(n) for n in range(1, 5_001)]
    fold = SyncFold("1", ("tags",), mirror=False)  # (adding tags overwrites nothing: no expects)
    fold.add(images)
    [group] = fold.groups.values()
    assert len(group.ids) == 5_000 and group.others == {} and group.expects == []

    tracemalloc.start()
    try:
        plan = plan_image_sync(SOURCE, fold, ("tags",), mirror=False)
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert [len(c.image_ids) for c in plan.changes] == [BULK_IDS_CHUNK] * 10
    assert all(isinstance(c.image_ids, Ids) for c in plan.changes)
    assert [i for c in plan.changes for i in c.image_ids] == [str(n) for n in range(1, 5_001)]
    assert held < 5_000 * 16  # (as strings, the ids alone were 5,000 x 57 bytes)


def test_images_in_other_galleries_carry_them_in_a_big_gallery_s_plan():
    other = gallery("2", tags=(3,))
    images = [img(n, galleries=(SOURCE, other) if n % 700 == 0 else (SOURCE,)) for n in range(1, 1_501)]
    plan = plan_image_sync(SOURCE, images, ("date",), mirror=False)  # (both galleries agree: no date)
    by_others = [(len(c.image_ids), c.other_galleries) for c in plan.changes]
    assert by_others == [(500, ()), (500, ("2",)), (500, ("2",))]  # images 700 and 1400


@pytest.mark.parametrize("mirror", [False, True])
def test_a_run_s_galleries_alike_the_one_before_want_what_it_wanted_and_share_its_change(mirror, monkeypatch):
    """The workflow keeps what it worked out last from gallery to gallery (image_sync.Worked): a
    gallery whose synced fields equal the gallery before's wants what that one wanted (wanted_of
    is not called again; counted), its first image, with the synced fields of the image worked out
    before, needs what that one needed (change_of not called again; counted), and a change equal to
    the one before is that Need, whose fields the galleries' writes share (one tuple:
    models.image_update_json checks it once). What is planned is what a workflow of its own plans
    for each gallery."""
    asked: list[str] = []
    worked_out: list[str] = []
    wanted_of, change_of = image_sync.wanted_of, image_sync.change_of

    def counting(sources, fields):
        asked.append(sources[0].id)
        return wanted_of(sources, fields)

    def counting_changes(image, wanted, mirror):
        worked_out.append(image.id)
        return change_of(image, wanted, mirror)

    monkeypatch.setattr(image_sync, "wanted_of", counting)
    monkeypatch.setattr(image_sync, "change_of", counting_changes)
    galleries = [
        *(gallery(str(n), tags=(1, 2), studio="8") for n in (1, 2, 3)),
        gallery("4", tags=(3,)),
        gallery("5", tags=(3,)),
        gallery("6", tags=(1, 2), studio="8"),  # (as the first three, but not as the one before)
    ]
    images = {g.id: [img(10 * int(g.id) + k, galleries=(g,), date="2020-02-02") for k in range(3)] for g in galleries}
    env = Env(Settings.from_saved(None), STASH_DEFAULT_COVER_REGEX)
    run = SyncImagesFromGallery(ALL, mirror)
    plans = [run.plan(g, images[g.id], env) for g in galleries]
    assert asked == ["1", "4", "6"] and worked_out == ["10", "40", "60"]
    alone = [SyncImagesFromGallery(ALL, mirror).plan(g, images[g.id], env) for g in galleries]
    assert [p.changes for p in plans] == [p.changes for p in alone]
    assert all(len(p.changes) == 1 for p in plans)
    fields = [p.changes[0].fields for p in plans]
    assert fields[0] is fields[1] is fields[2] and fields[3] is fields[4]
    assert fields[5] == fields[0] and fields[5] is not fields[0] and fields[3] != fields[0]
    if mirror:  # (each image expects its own date, with its own id)
        assert [e.id for e in plans[1].changes[0].expects if e.name == "date"] == ["20", "21", "22"]


def test_a_gallery_equal_to_the_last_one_looked_at_is_compared_field_by_field_once(monkeypatch):
    """Worked keeps the synced fields of the last gallery looked at, not of the first of its kind:
    galleries equal to the one before but read in another answer (their tag records other objects)
    are compared field by field once (TagRef.__eq__, counted), and the galleries after them, which
    share their answer's records, at once by identity, as the first answer's were."""
    compared: list[str] = []
    equal = TagRef.__eq__

    def counting(self, other):
        compared.append(self.id)
        return equal(self, other)

    first, second = [TagRef(id="1", name="Set")], [TagRef(id="1", name="Set")]  # (two answers' records)
    galleries = [gallery(str(n), tags=tuple(first if n < 3 else second)) for n in range(1, 7)]
    images = {g.id: [img(10 * int(g.id) + k, galleries=(g,)) for k in range(3)] for g in galleries}
    env = Env(Settings.from_saved(None), STASH_DEFAULT_COVER_REGEX)
    run = SyncImagesFromGallery(ALL, False)
    monkeypatch.setattr(TagRef, "__eq__", counting)
    plans = [run.plan(g, images[g.id], env) for g in galleries]
    assert compared == ["1"]  # (gallery 3 with gallery 2's tag; galleries 4, 5 and 6 as gallery 3's)
    fields = [p.changes[0].fields for p in plans]
    assert all(f is fields[0] for f in fields)
