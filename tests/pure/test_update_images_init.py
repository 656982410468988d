"""UpdateImages writes its own __init__ (Sync makes one per group of images of every gallery): it
must take exactly the fields the class declares, in their places, with their defaults."""

from __future__ import annotations

import pytest

from gallery_ops.common.plain import FrozenInstanceError, replace
from gallery_ops.tasks.changes import CarryImageMetadata, UpdateImages


def test_it_takes_every_declared_field_in_its_place():
    fields = UpdateImages.__plain_fields__  # type: ignore[attr-defined]
    values = {name: (f"value of {name}",) for name in fields}
    positional = [values[name] for name, spec in fields.items() if not spec.kw_only]
    keywords = {name: values[name] for name, spec in fields.items() if spec.kw_only}
    for cls in (UpdateImages, CarryImageMetadata):
        made = cls(*positional, **keywords)
        assert {name: getattr(made, name) for name in fields} == values
        assert cls(**values) == made and replace(made) == made


def test_it_gives_the_declared_defaults_and_stays_frozen():
    fields = UpdateImages.__plain_fields__  # type: ignore[attr-defined]
    made = UpdateImages("1", ("2",), (("date", "2021-07-14"),))
    for name in ("other_galleries", "moved_images", "expects"):
        assert getattr(made, name) == fields[name].default == ()
    with pytest.raises(FrozenInstanceError):
        made.gallery_id = "3"  # type: ignore[misc]
    assert hash(made) == hash(UpdateImages("1", ("2",), (("date", "2021-07-14"),)))
