"""Retries: transient faults (refused connection, 502/503/504, database is locked) are retried
with bounded backoff; a create is retried only when it surely did not reach Stash or Stash
says its transaction failed; HTTP 500 and GraphQL errors are not retried."""

from __future__ import annotations

import pytest

from gallery_ops import GalleryInput, GalleryOps, StashServerError, StashTransportError
from gallery_ops.stash.connection import ServerConnection, StashConnection
from gallery_ops.stash.operations import StashFeatures


def _ops_restarting_on_first_retry(sim) -> tuple[GalleryOps, list[float]]:
    """A client whose first retry pause brings the stopped simulator back: refused, then up."""
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if not sim.http.running:
            sim.http.start()

    connection = StashConnection(
        ServerConnection.parse(sim.server_connection()), retry_delays=(0.01, 0.02), sleep=sleep
    )
    return GalleryOps(connection, StashFeatures(sim.release.app_schema, sim.release.version)), pauses


# -- transient faults are retried -------------------------------------------------------------
@pytest.mark.parametrize("fault", ["http_502", "http_503", "http_504", "locked", "drop"])
def test_a_transient_fault_on_a_read_is_retried(sim, ops, lib, fault):
    sim.faults.add(fault, count=2, operation="findGallery")
    assert ops.find_gallery(lib.beach).id == lib.beach
    assert [r.fault for r in sim.requests.records] == [fault, fault, None]


@pytest.mark.parametrize("fault", ["http_502", "http_503", "http_504", "locked"])
def test_a_transient_fault_on_a_write_is_retried_and_applied_once(sim, ops, lib, state, fault):
    sim.faults.add(fault, count=2, operation="galleriesUpdate")
    ops.galleries_update([GalleryInput(id=lib.best, details="retried")])
    assert state.gallery(lib.best)["details"] == "retried"
    assert [r.fault for r in sim.requests.records] == [fault, fault, None]


def test_a_refused_connection_is_retried_until_stash_is_back(sim, make_ops, lib):
    ops = make_ops(sim, retry_delays=(0.1, 0.2, 0.4, 0.8, 1.6))  # 3 s of patience for 0.2 s down
    sim.http.refuse_for(0.2)
    assert ops.find_gallery(lib.beach).id == lib.beach
    assert ops.connection.requests_sent > 1  # the refused attempts never reached the log
    assert len(sim.requests) == 1


def test_a_refused_connection_is_retried_deterministically(sim, lib):
    ops, pauses = _ops_restarting_on_first_retry(sim)
    sim.http.stop()
    assert ops.find_gallery(lib.beach).id == lib.beach
    assert pauses == [0.01]
    assert ops.connection.requests_sent == 2
    assert len(sim.requests) == 1


# -- creates are not sent twice -------------------------------------------------------------
def test_a_create_is_not_retried_after_the_connection_dropped_after_commit(sim, ops, state):
    sim.faults.add("drop_after", operation="galleryCreate")
    with pytest.raises(StashTransportError) as caught:
        ops.create_gallery(GalleryInput(title="Exactly once"))
    assert caught.value.reached_server is True
    assert len(state.titled("Exactly once")) == 1  # committed on the server, and only once
    assert len(sim.requests) == 1


def test_a_create_is_not_retried_when_the_request_may_have_reached_stash(sim, ops, state):
    # a dropped connection cannot tell whether Stash ran the request: do not risk a duplicate
    sim.faults.add("drop", operation="galleryCreate")
    with pytest.raises(StashTransportError):
        ops.create_gallery(GalleryInput(title="Maybe"))
    assert state.titled("Maybe") == []
    assert len(sim.requests) == 1


def test_a_create_is_retried_after_a_refused_connection(sim, state):
    ops, pauses = _ops_restarting_on_first_retry(sim)
    sim.http.stop()
    created = ops.create_gallery(GalleryInput(title="After refusal"))
    assert state.titled("After refusal") == [created.id]
    assert ops.connection.requests_sent == 2 and pauses == [0.01]
    assert len(sim.requests) == 1


def test_a_create_is_retried_after_database_is_locked(sim, ops, state):
    sim.faults.add("locked", operation="galleryCreate")
    created = ops.create_gallery(GalleryInput(title="After lock"))
    assert state.titled("After lock") == [created.id]
    assert [r.fault for r in sim.requests.records] == ["locked", None]


def test_a_chapter_create_is_not_retried_after_drop_after(sim, ops, lib, state):
    sim.faults.add("drop_after", operation="galleryChapterCreate")
    with pytest.raises(StashTransportError):
        ops.gallery_chapter_create(lib.beach, "Once", 1)
    assert state.chapters(lib.beach) == [("Once", 1)]
    assert len([r for r in sim.requests.records if "galleryChapterCreate" in r.root_fields]) == 1


def test_a_gallery_destroy_is_not_retried_after_drop_after(sim, ops, lib, state):
    sim.faults.add("drop_after", operation="galleryDestroy")
    with pytest.raises(StashTransportError):
        ops.gallery_destroy([lib.empty])
    assert state.gallery(lib.empty) is None
    assert len(sim.requests) == 1


# -- retries are bounded; errors that are not transient are not retried --------------------
def test_retries_are_bounded_for_a_permanent_503(sim, ops):
    sim.faults.add("http_503", count=100, operation="findGallery")
    with pytest.raises(StashTransportError) as caught:
        ops.find_gallery("1")
    assert caught.value.status == 503
    assert len(sim.requests) == len(ops.connection.retry_delays) + 1


def test_retries_are_bounded_for_a_permanent_lock(sim, ops):
    sim.faults.add("locked", count=100, operation="galleryUpdate")
    with pytest.raises(StashServerError, match="database is locked"):
        ops.update_gallery(GalleryInput(id="1", details="x"))
    assert len(sim.requests) == len(ops.connection.retry_delays) + 1


def test_retries_are_bounded_while_stash_stays_down(sim, ops):
    with sim.http.refusing(), pytest.raises(StashTransportError, match="refused"):
        ops.update_gallery(GalleryInput(id="1", details="x"))
    assert ops.connection.requests_sent == len(ops.connection.retry_delays) + 1


def test_http_500_is_not_retried(sim, ops, lib, state):
    sim.faults.add("http_500", count=5, operation="galleryUpdate")
    with pytest.raises(StashTransportError) as caught:
        ops.update_gallery(GalleryInput(id=lib.best, details="x"))
    assert caught.value.status == 500
    assert len(sim.requests) == 1
    assert state.gallery(lib.best)["details"] == ""


def test_graphql_errors_are_not_retried(sim, ops, lib):
    with pytest.raises(StashServerError, match="gallery with id 999 not found"):
        ops.update_gallery(GalleryInput(id="999", details="x"))
    with pytest.raises(StashServerError, match="invalid sort"):
        ops.find_galleries({"sort": "nope"})
    assert len(sim.requests) == 2


def test_a_delayed_answer_is_waited_for_not_retried(sim, ops, lib):
    sim.faults.add("delay", operation="findGallery", seconds=0.2)
    assert ops.find_gallery(lib.beach).id == lib.beach
    assert [r.fault for r in sim.requests.records] == ["delay"]
