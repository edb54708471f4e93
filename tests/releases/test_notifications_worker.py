"""The notification sweep through a real Celery worker on a private Redis: the beat task and duplicate deliveries
of notify_step send each mail once, only for steps already in force. (Mails go to the worker's console backend,
so they are read from its log.)"""

from datetime import timedelta

import pytest
from django.db.models import F

from releases import services, tasks
from releases.models import NotificationSent, ReleaseStep
from tests.media_pipeline.workers import RedisServer, Worker, publishing_to, wait_for

from .world import T1, build_world

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    log = tmp_path / "worker.log"
    with publishing_to(server.url):
        worker = Worker(server.url, log, EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend").start()
        yield log
        worker.stop()
    server.stop()


def test_a_real_worker_sends_each_notification_once(worker):
    world = build_world("seed")
    services.set_subscription(contest=world.contest, user=world.users["juror"], subscribed=True)
    # The first steps (announcement public, film to jury and community) took effect 5 s ago; the public one is
    # still days away.
    ReleaseStep.objects.filter(release=world.release).update(at=F("at") - timedelta(days=T1, seconds=5))
    due = set(services.due_steps().values_list("pk", flat=True))
    assert len(due) == 2

    tasks.notify_due_steps.delay()
    tasks.notify_due_steps.delay()  # the next beat tick, before the first one's tasks ran
    for step_id in due:
        tasks.notify_step.delay(step_id)  # a redelivered message

    wait_for(
        lambda: ReleaseStep.objects.filter(pk__in=due, notified_at__isnull=False).count() == 2,
        timeout=60,
        what="both steps notified",
    )
    wait_for(lambda: worker.read_text().count("succeeded in") == 8, timeout=60, what="all eight tasks finished")
    assert NotificationSent.objects.filter(step__in=due).count() == 4
    log = worker.read_text()
    assert log.count(f"To: {world.users['own_team'].email}") == 2
    assert log.count(f"To: {world.users['juror'].email}") == 2
    for role in ("anonymous", "other_team", "community_member", "conflicted_juror", "organiser"):
        if role in world.users:
            assert f"To: {world.users[role].email}" not in log
    assert not ReleaseStep.objects.filter(release=world.release, notified_at__isnull=False).exclude(pk__in=due).exists()
