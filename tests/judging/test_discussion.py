"""The jury's discussion of an entry (issue 15, point 1): once a juror has submitted their review of an entry, in a
round that allows it, they read the other submitted reviews (scores, comments to the jury) and a discussion with
its other jurors; jurors who have not submitted, or are in conflict, never read either; organisers always do; the
team never. New messages reach the others by a digest, at most one a day, none when nothing is new."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from contest.models import AuditEvent, ContestRole
from judging import services
from judging.models import Conflict, DigestMail, DiscussionMessage, JurorMailPreference, Review
from tests.concurrency import run_at_once
from tests.factories import ContestRoleFactory, TeamMemberFactory

from .factories import CriterionFactory, RoundFactory, assign, seated_juror, submitted_entry, submitted_review
from .jury_http import client_for

pytestmark = pytest.mark.django_db

PRIVATE = "The ending is weaker than the rest."


class World:
    def __init__(self, *, discussion=True):
        self.round = RoundFactory(name_en="Final", show_scores_after_own=discussion)
        self.contest = self.round.contest
        CriterionFactory(round=self.round, name_en="Message")
        self.entry = submitted_entry(self.contest, title="Sans voix")
        self.first, self.second, self.late, self.conflicted = (
            seated_juror(self.round, preferred_language="en") for _ in range(4)
        )
        self.assignments = {
            self.first: submitted_review(self.round, self.first, self.entry, [4]),
            self.second: submitted_review(self.round, self.second, self.entry, [2]),
            self.late: assign(self.round, self.late, self.entry),  # not submitted yet
            self.conflicted: submitted_review(self.round, self.conflicted, self.entry, [3]),
        }
        Review.objects.filter(assignment=self.assignments[self.second]).update(private_comment=PRIVATE)
        # Declared after reviewing ("I know who made this film"): the entry leaves the juror's reach.
        Conflict.objects.create(contest=self.contest, juror=self.conflicted, kind="entry", entry=self.entry)
        self.organiser = ContestRoleFactory(contest=self.contest, role=ContestRole.Role.ORGANISER).user

    def page(self, juror):
        client = client_for(juror)
        client.cookies["django_language"] = "en"
        return client.get(reverse("jury_entry", args=[self.contest.slug, self.round.pk, self.entry.code]))

    def post(self, juror, text):
        client = client_for(juror)
        client.cookies["django_language"] = "en"
        url = reverse("jury_post_message", args=[self.contest.slug, self.round.pk, self.entry.code])
        return client.post(url, {"message": text})


@pytest.fixture
def world():
    return World()


def test_a_juror_who_submitted_reads_the_other_reviews_and_discusses_with_them(world):
    html = world.page(world.first).content.decode()
    assert 'id="discussion"' in html and PRIVATE in html
    response = world.post(world.first, "I found the sound weak.\nDid you?")
    assert response.status_code == 302 and response["Location"].endswith("#discussion")
    html = world.page(world.second).content.decode()
    # Numbered as the second juror's page numbers the others: the first juror was assigned first.
    assert "Juror 1 · <time" in html and "<p>I found the sound weak.<br>Did you?</p>" in html
    assert world.first.email not in html and world.first.full_name not in html
    assert "You · <time" in world.page(world.first).content.decode()
    event = AuditEvent.objects.get(verb="discussion_posted")
    assert (event.actor, event.entry, set(event.data)) == (world.first, None, {"round", "entry_id", "code"})


def test_a_juror_who_has_not_submitted_reads_and_writes_nothing_of_it(world):
    world.post(world.first, "Written after my review.")
    html = world.page(world.late).content.decode()
    assert 'id="discussion"' not in html and "Written after my review." not in html and PRIVATE not in html
    refused = world.post(world.late, "Me too")
    assert refused.status_code == 400
    assert "Written after my review." not in refused.content.decode()
    assert DiscussionMessage.objects.count() == 1


def test_a_juror_in_conflict_reaches_neither_the_page_nor_the_discussion(world):
    world.post(world.first, "Written after my review.")
    assert world.page(world.conflicted).status_code == 404
    assert world.post(world.conflicted, "Let me in").status_code == 404
    assert DiscussionMessage.objects.count() == 1


def test_a_round_without_discussion_shows_none_and_refuses_messages():
    world = World(discussion=False)
    html = world.page(world.first).content.decode()
    assert 'id="discussion"' not in html and PRIVATE not in html
    assert world.post(world.first, "Anyone?").status_code == 400
    assert not DiscussionMessage.objects.exists()


def test_organisers_read_the_discussion_with_its_authors_and_the_team_never_does(world):
    world.post(world.first, "Written after my review.")
    client = client_for(world.organiser)
    client.cookies["django_language"] = "en"
    url = reverse("judging_round_entry", args=[world.contest.slug, world.round.pk, world.entry.code])
    html = client.get(url).content.decode()
    assert "Written after my review." in html and str(world.first) in html
    member = TeamMemberFactory(team=world.entry.team).user
    team_page = client_for(member).get(reverse("entry_detail", args=[world.contest.slug, world.entry.public_id]))
    assert team_page.status_code == 200 and "Written after my review." not in team_page.content.decode()
    url = reverse("jury_post_message", args=[world.contest.slug, world.round.pk, world.entry.code])
    assert client_for(member).post(url, {"message": "Hello jury"}).status_code == 404
    assert client_for(world.organiser).post(url, {"message": "Hello jury"}).status_code == 404


def test_an_empty_or_overlong_message_answers_400_and_keeps_what_was_typed(world):
    refused = world.post(world.first, "   ")
    assert refused.status_code == 400 and "Write a message first." in refused.content.decode()
    long = "x" * 5001
    refused = world.post(world.first, long)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Keep a message under 5000 characters: split it in two." in html and f">{long}</textarea>" in html
    assert not DiscussionMessage.objects.exists()


# The digest


def _message(world, juror, text, at):
    return DiscussionMessage.objects.create(
        round=world.round, entry=world.entry, author=juror, text=text, created_at=at
    )


def test_the_digest_comes_at_most_once_a_day_and_never_when_nothing_is_new(world):
    now = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
    _message(world, world.first, "What about the sound?", now - timedelta(hours=2))
    assert services.mail_discussion_digests(now=now) == 1  # the second juror; the author hears nothing of their own
    [digest] = mail.outbox
    assert digest.to == [world.second.email]
    assert digest.subject == f"New messages from the jury of “{world.contest.title_en}”"
    assert "Juror 1, " in digest.body and "What about the sound?" in digest.body
    assert f"/jury/rounds/{world.round.pk}/entries/{world.entry.code}/#discussion" in digest.body
    for absent in (world.late.email, world.conflicted.email):
        assert absent not in [message.to[0] for message in mail.outbox]
    _message(world, world.first, "And the ending?", now + timedelta(hours=1))
    assert services.mail_discussion_digests(now=now + timedelta(hours=2)) == 0  # one a day
    mail.outbox.clear()
    assert services.mail_discussion_digests(now=now + timedelta(days=1)) == 1
    [second] = mail.outbox
    assert "And the ending?" in second.body and "What about the sound?" not in second.body
    assert services.mail_discussion_digests(now=now + timedelta(days=2)) == 0  # nothing new
    assert DigestMail.objects.filter(juror=world.second).count() == 2


def test_a_juror_who_turned_the_digest_off_gets_none(world):
    services.set_juror_mail_preference(contest=world.contest, juror=world.second, reminders=True, digest=False)
    _message(world, world.first, "What about the sound?", timezone.now() - timedelta(minutes=5))
    assert services.mail_discussion_digests() == 0
    assert JurorMailPreference.objects.get(juror=world.second).reminders is True


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_send_the_days_digest_once():
    world = World()
    _message(world, world.first, "What about the sound?", timezone.now() - timedelta(minutes=5))
    counts = run_at_once(lambda: services.mail_discussion_digests())
    assert sorted(counts) == [0, 1]
    assert [message.to for message in mail.outbox] == [[world.second.email]]
    assert DigestMail.objects.count() == 1
