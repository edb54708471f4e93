import threading

import pytest
from django.core.signals import request_finished, request_started

from tests.browser.journey import _english_texts, journey  # noqa: F401  (fixtures for the journey tests)


class RequestsInFlight:
    """The requests Django is handling in this process (the live server's threads), from its own signals."""

    def __init__(self):
        self.count = 0
        self.changed = threading.Condition()

    def started(self, **kwargs):
        with self.changed:
            self.count += 1

    def finished(self, **kwargs):
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.count <= 0, timeout)


@pytest.fixture(scope="session")
def _requests_in_flight():
    counter = RequestsInFlight()
    request_started.connect(counter.started, weak=False)
    request_finished.connect(counter.finished, weak=False)
    yield counter
    request_started.disconnect(counter.started)
    request_finished.disconnect(counter.finished)


@pytest.fixture(autouse=True)
def _live_server_idle_before_the_flush(request, _requests_in_flight):
    """A page closed at the end of a test may leave a request it sent last (a player's "watched" report, a segment
    hls.js asked for) running in the live server's thread: the flush of the test's database then deadlocks with it,
    and the next test finds the rows this one left. The database is set up before this fixture, so that it is
    flushed after this wait, and the pages (set up after it) are closed before it."""
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("_django_db_helper")
    yield
    assert _requests_in_flight.wait_idle(timeout=30), "a request to the live server was still running after 30 s"
