"""The mails that keep a jury moving (issue 15, point 6): each seated juror gets a mail when films are assigned to
them, when the round opens, and, for reviews not submitted, JUROR_REMINDER_DAYS days and 24 hours before it closes;
each once, in the juror's language and the contest's time zone; a juror can turn the reminders off."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from contest.models import AuditEvent
from judging import services, tasks
from judging.models import JurorMail, JurorMailPreference, Review, RoundJuror
from tests.concurrency import run_at_once
from tests.factories import TeamMemberFactory, UserFactory

from .factories import RoundFactory, assign, seated_juror, submitted_entry
from .jury_http import client_for

pytestmark = pytest.mark.django_db


class World:
    def __init__(self):
        now = timezone.now().replace(microsecond=0)
        self.start = now
        self.round = RoundFactory(
            name_fr="Présélection",
            name_en="Preselection",
            opens_at=now + timedelta(days=2),
            closes_at=now + timedelta(days=12),
        )
        self.contest = self.round.contest
        self.entries = [submitted_entry(self.contest, title=title) for title in ("Sans voix", "Le silence")]
        self.french = seated_juror(self.round, preferred_language="fr")
        self.english = seated_juror(self.round, preferred_language="en")
        self.gone = seated_juror(self.round)  # left the round: no mail
        RoundJuror.objects.filter(round=self.round, user=self.gone).update(active=False)
        self.idle = seated_juror(self.round)  # no film: no mail
        self.assignments = {
            self.french: [assign(self.round, self.french, entry) for entry in self.entries],
            self.english: [assign(self.round, self.english, self.entries[0])],
        }
        assign(self.round, self.gone, self.entries[1])

    def sweep(self, at):
        mail.outbox.clear()
        return services.mail_jurors(now=at)

    def to(self, user):
        return [message for message in mail.outbox if message.to == [user.email]]


@pytest.fixture
def world():
    return World()


def test_assigned_then_opened_then_reminded_each_once(world, settings):
    settings.JUROR_REMINDER_DAYS = 3
    round = world.round
    assert world.sweep(world.start) == 2
    [french] = world.to(world.french)
    assert french.subject == "2 films à évaluer dans «\xa0Présélection\xa0»"
    assert "Vous avez 2 films à évaluer dans le tour «\xa0Présélection\xa0» de «\xa0" in french.body
    opens = timezone.localtime(round.opens_at, world.contest.tzinfo)
    assert f"Le tour ouvre le {opens.day} " in french.body and "(Europe/Paris)" in french.body
    assert f"/jury/rounds/{round.pk}/" in french.body
    [english] = world.to(world.english)
    assert english.subject == "A film to judge in “Preselection”"
    assert world.sweep(world.start + timedelta(minutes=1)) == 0

    assert world.sweep(round.opens_at - timedelta(seconds=1)) == 0
    assert world.sweep(round.opens_at) == 2
    assert [message.subject for message in world.to(world.english)] == ["“Preselection” is open"]
    assert world.sweep(round.opens_at + timedelta(hours=1)) == 0

    Review.objects.create(assignment=world.assignments[world.english][0], status=Review.Status.SUBMITTED)
    assert world.sweep(round.closes_at - timedelta(days=3, seconds=1)) == 0
    assert world.sweep(round.closes_at - timedelta(days=3)) == 1  # the English juror has nothing left
    [reminder] = world.to(world.french)
    assert "2 de vos évaluations dans «\xa0Présélection\xa0» ne sont pas encore envoyées." in reminder.body
    assert "/jury/conflicts/#mails" in reminder.body
    assert world.sweep(round.closes_at - timedelta(days=2)) == 0

    Review.objects.create(assignment=world.assignments[world.french][0], status=Review.Status.SUBMITTED)
    assert world.sweep(round.closes_at - timedelta(hours=24)) == 1
    [last_day] = world.to(world.french)
    assert last_day.subject == "«\xa0Présélection\xa0» ferme dans 24\xa0heures"
    assert "Une de vos évaluations dans «\xa0Présélection\xa0» n’est pas encore envoyée." in last_day.body
    assert world.sweep(round.closes_at - timedelta(hours=1)) == 0
    assert world.sweep(round.closes_at) == 0
    for juror in (world.gone, world.idle):
        assert not JurorMail.objects.filter(juror=juror).exists()
    assert sorted(JurorMail.objects.filter(juror=world.french).values_list("kind", flat=True)) == [
        "assigned",
        "last_day",
        "opened",
        "reminder",
    ]


def test_a_juror_assigned_after_the_opening_gets_one_mail_then_only_the_last_days(world, settings):
    settings.JUROR_REMINDER_DAYS = 3
    round = world.round
    late = seated_juror(round, preferred_language="en")
    assign(round, late, world.entries[1])
    at = round.closes_at - timedelta(days=2)  # open, and inside the three days' reminder already
    world.sweep(at)
    [first] = world.to(late)
    assert first.subject == "A film to judge in “Preselection”"
    assert "The round is open until" in first.body
    assert world.sweep(at + timedelta(minutes=1)) == 0  # neither "open" nor the three days' reminder follows
    world.sweep(round.closes_at - timedelta(hours=23))
    assert [message.subject for message in world.to(late)] == ["“Preselection” closes in 24 hours"]


def test_a_juror_who_turned_the_reminders_off_gets_only_the_essential_mails(world):
    client = client_for(world.french)
    response = client.post(reverse("jury_set_mails", args=[world.contest.slug]), {})
    assert response.status_code == 302 and response["Location"].endswith("/jury/conflicts/#mails")
    assert JurorMailPreference.objects.get(juror=world.french).reminders is False
    event = AuditEvent.objects.get(verb="juror_mail_preference_set")
    assert (event.actor, event.data["reminders"]) == (world.french, False)
    page = client.get(reverse("jury_conflicts", args=[world.contest.slug])).content.decode()
    assert 'name="mails-reminders"' in page and "checked" not in page.split('name="mails-reminders"')[1][:40]
    round = world.round
    for at in (world.start, round.opens_at, round.closes_at - timedelta(days=3), round.closes_at - timedelta(hours=1)):
        world.sweep(at)
    assert sorted(JurorMail.objects.filter(juror=world.french).values_list("kind", flat=True)) == [
        "assigned",
        "opened",
    ]
    client.post(reverse("jury_set_mails", args=[world.contest.slug]), {"mails-reminders": "on"})
    assert world.sweep(round.closes_at - timedelta(minutes=30)) == 1  # the English juror had theirs an hour before
    assert [message.subject for message in world.to(world.french)] == ["«\xa0Présélection\xa0» ferme dans 24\xa0heures"]


def test_only_jurors_of_the_contest_reach_the_mail_choice(world):
    team_member = TeamMemberFactory(team=world.entries[0].team).user
    for user in (team_member, UserFactory()):
        response = client_for(user).post(reverse("jury_set_mails", args=[world.contest.slug]), {})
        assert response.status_code == 404
    assert not JurorMailPreference.objects.exists()
    assert client_for(world.french).get(reverse("jury_set_mails", args=[world.contest.slug])).status_code == 405


def test_the_mails_name_no_team_and_link_to_the_jurors_own_queue(world):
    world.sweep(world.start)
    team_names = [entry.team.name for entry in world.entries]
    for message in mail.outbox:
        assert not any(name in message.body for name in team_names)
        assert "Sans voix" not in message.body  # a count, not the titles


def test_the_periodic_task_mails_every_round_not_closed(world):
    closed = RoundFactory(
        contest=world.contest, opens_at=world.start - timedelta(days=9), closes_at=world.start - timedelta(days=1)
    )
    RoundJuror.objects.create(round=closed, user=world.french)
    assign(closed, world.french, world.entries[0])
    assert tasks.mail_jurors() == 2
    assert not JurorMail.objects.filter(round=closed).exists()


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_send_each_mail_once():
    world = World()
    counts = run_at_once(lambda: services.mail_jurors(now=world.start))
    assert sum(counts) == 2
    assert len(mail.outbox) == 2
    assert JurorMail.objects.count() == 2


def test_a_mail_server_that_refuses_leaves_the_mail_for_the_next_sweep(world, settings):
    settings.EMAIL_BACKEND = "tests.judging.test_juror_mails.RefusingBackend"
    with pytest.raises(ConnectionRefusedError):
        world.sweep(world.start)
    assert not JurorMail.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert world.sweep(world.start) == 2


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")
