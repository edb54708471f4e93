"""Mails after a step: to the team and to people who opted in, only when the step widens what they can see, after
the step's second, once (the beat sweep and a second delivery of the task send nothing more)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from contest.models import Entry
from releases import services, tasks
from releases.models import NotificationSent, ReleaseStep, Target
from tests.factories import UserFactory

from .world import T1, T2, TITLE, build_world

pytestmark = pytest.mark.django_db


def _subscribe(world, *users):
    for user in users:
        services.set_subscription(contest=world.contest, user=user, subscribed=True)


def _sweep() -> int:
    """What the beat task does, with each enqueued notify_step run here in turn (the worker's part)."""
    sent = 0
    for step_id in list(services.due_steps().values_list("pk", flat=True)):
        sent += tasks.notify_step(step_id)
    return sent


def _recipients() -> list[tuple[str, str]]:
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def test_nothing_is_sent_before_the_steps_second():
    world = build_world("seed")
    _subscribe(world, world.users["juror"])
    with time_machine.travel(world.at(T1, -1), tick=False):
        assert list(services.due_steps()) == []
        assert _sweep() == 0
    assert mail.outbox == []


def test_the_first_steps_mail_those_who_gain_once_each():
    world = build_world("seed")
    plain = UserFactory(password=None)
    _subscribe(world, world.users["juror"], world.users["community_member"], plain)
    with time_machine.travel(world.at(T1, 1), tick=False):
        assert _sweep() == 7
        assert _sweep() == 0  # the next minute's sweep
        film = ReleaseStep.objects.get(release=world.release, target=Target.FILM, at=world.at(T1, 0))
        assert tasks.notify_step(film.pk) == 0  # a second delivery of the same task
    news = f"New in the palmarès of {world.contest.title}"
    watch = f"You can now watch « {TITLE} »"
    team, juror, community = (world.users[role].email for role in ("own_team", "juror", "community_member"))
    # Everyone gains the public announcement; the film (team, jury, community) is not public yet: no film mail for
    # the subscriber who is none of those.
    assert _recipients() == sorted(
        [(team, news), (team, watch), (juror, news), (juror, watch), (community, news), (community, watch)]
        + [(plain.email, news)]
    )
    assert NotificationSent.objects.count() == 7


def test_the_public_step_mails_only_those_who_could_not_watch_before():
    world = build_world("seed")
    plain = UserFactory(password=None)
    _subscribe(world, world.users["juror"], plain)
    with time_machine.travel(world.at(T1, 1), tick=False):
        _sweep()
    mail.outbox.clear()
    with time_machine.travel(world.at(T2, -1), tick=False):
        assert _sweep() == 0
    with time_machine.travel(world.at(T2, 1), tick=False):
        assert _sweep() == 1
        assert _sweep() == 0
    (message,) = mail.outbox
    assert message.to == [plain.email]
    assert message.subject == f"You can now watch « {TITLE} »"
    assert reverse("releases:film", kwargs=world.kwargs) in message.body
    step = ReleaseStep.objects.get(release=world.release, target=Target.FILM, at=world.at(T2, 0))
    assert step.notified_at == world.at(T2, 1)
    assert NotificationSent.objects.filter(step=step).count() == 1


def test_an_approval_given_after_the_step_mails_at_the_next_sweep():
    world = build_world("seed_unapproved")
    plain = UserFactory(password=None)
    _subscribe(world, plain)
    with time_machine.travel(world.at(T2, 1), tick=False):
        _sweep()
        assert plain.email not in [message.to[0] for message in mail.outbox if "watch" in message.subject]
        services.approve_film_steps(
            release=world.release,
            step_ids=[step.pk for step in services.pending_approvals(world.release)],
            by=world.users["own_team"],
        )
        mail.outbox.clear()
        assert _sweep() == 1
    assert [(message.to[0], message.subject) for message in mail.outbox] == [
        (plain.email, f"You can now watch « {TITLE} »")
    ]


def test_steps_older_than_the_window_are_not_swept_again():
    world = build_world("seed")
    with time_machine.travel(world.at(T1, 0) + services.NOTIFY_WINDOW + timedelta(seconds=1), tick=False):
        assert list(services.due_steps()) == []


def test_a_step_that_narrows_mails_nobody():
    world = build_world("unpublished")
    with time_machine.travel(world.at(T1, 1), tick=False):
        _sweep()
    mail.outbox.clear()
    with time_machine.travel(world.at(5, 1), tick=False):
        assert _sweep() == 0
    assert mail.outbox == []


def test_signed_in_visitors_opt_in_and_out_from_the_palmares():
    world = build_world("seed")
    url = reverse("releases:subscribe", kwargs={"contest_slug": world.contest.slug})
    client = world.client("juror")
    assert client.post(url, {"subscribed": "1"}).status_code == 302
    assert list(world.contest.release_subscriptions.values_list("user", flat=True)) == [world.users["juror"].pk]
    client.post(url, {"subscribed": "0"})
    assert not world.contest.release_subscriptions.exists()
    anonymous = world.client("anonymous").post(url, {"subscribed": "1"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_a_mail_server_that_refuses_leaves_the_notification_for_the_next_sweep(settings):
    world = build_world("seed")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    with time_machine.travel(world.at(T1, 1), tick=False):
        with pytest.raises(OSError):
            _sweep()
        assert NotificationSent.objects.count() == 0
        assert not ReleaseStep.objects.filter(notified_at__isnull=False).exists()
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert _sweep() == 2  # the team: the announcement and the film
        assert _sweep() == 0


def test_a_title_stored_with_a_line_break_is_mailed_with_a_one_line_subject():
    world = build_world("seed")
    _subscribe(world, world.users["juror"])
    Entry.objects.filter(pk=world.release.entry_id).update(title="Sans voix\r\nBcc: x@evil.example")
    with time_machine.travel(world.at(T1, 1), tick=False):
        assert _sweep() == 4  # the team and the juror: the news and the film each
        assert _sweep() == 0  # sent, not left for a retry
    assert {message.subject for message in mail.outbox} == {
        f"New in the palmarès of {world.contest.title}",
        "You can now watch « Sans voix Bcc: x@evil.example »",
    }
    assert all(message.bcc == [] for message in mail.outbox)
