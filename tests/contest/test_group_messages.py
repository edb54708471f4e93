"""Messages to a group (issue 16, point 3): the organiser writes once to the teams whose film is missing, the jurors
with films still to review or the palmarès's subscribers; the group is taken at the second of sending, each person
is mailed once by the worker's sweep, and the log says who was mailed when."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contest.group_messages import deliver_pending, group_members
from contest.models import AuditEvent, ContestRole, Entry, GroupMessage, GroupMessageDelivery, Team
from judging.models import Review, RoundJuror
from releases.models import ReleaseSubscription
from tests.factories import (
    ContestFactory,
    ContestRoleFactory,
    EntryFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.judging.factories import RoundFactory, assign, seated_juror

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    """A contest with a team for each case, jurors in each state and one subscriber."""
    contest = ContestFactory()
    people = {}

    def team(name, *, approval=Team.Approval.APPROVED, status=None, language="fr"):
        made = TeamFactory(contest=contest, name=name, approval=approval)
        people[name] = UserFactory(email=f"{name}@example.org", preferred_language=language)
        TeamMemberFactory(team=made, user=people[name])
        if status is not None:
            EntryFactory(team=made, status=status)
        return made

    team("draft", status=Entry.Status.DRAFT)  # its entry is a draft: missing
    team("none", language="en")  # no entry at all: missing
    team("submitted", status=Entry.Status.SUBMITTED)
    team("withdrawn", status=Entry.Status.WITHDRAWN)
    team("pending", approval=Team.Approval.PENDING)
    entry = Entry.objects.get(team__name="submitted")
    open_round = RoundFactory(contest=contest)
    closed = RoundFactory(
        contest=contest, opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=1)
    )
    people["busy"] = seated_juror(open_round, email="busy@example.org")
    assign(open_round, people["busy"], entry)
    people["done"] = seated_juror(open_round, email="done@example.org")
    Review.objects.create(assignment=assign(open_round, people["done"], entry), status=Review.Status.SUBMITTED)
    people["late"] = seated_juror(closed, email="late@example.org")
    assign(closed, people["late"], entry)
    people["left"] = seated_juror(open_round, email="left@example.org")
    assign(open_round, people["left"], entry)
    RoundJuror.objects.filter(user=people["left"]).update(active=False)
    people["follower"] = UserFactory(email="follower@example.org")
    ReleaseSubscription.objects.create(contest=contest, user=people["follower"])
    organiser = ContestRoleFactory(contest=contest, role=ContestRole.Role.ORGANISER).user
    client = Client()
    client.force_login(organiser)
    return contest, people, organiser, client


def _emails(users) -> list[str]:
    return sorted(user.email for user in users)


def _send(client, contest, **data):
    body = {
        "group": "teams_without_film",
        "subject": "Votre film",
        "body": "Il manque votre film.\nDéposez-le avant vendredi.",
        "token": str(uuid.uuid4()),
        "confirm": "on",
        **data,
    }
    return client.post(reverse("organiser_send_message", kwargs={"contest_slug": contest.slug}), body)


def test_each_group_holds_exactly_who_it_says(school):
    contest, _people, _organiser, _client = school
    assert _emails(group_members(contest, "teams_without_film")) == ["draft@example.org", "none@example.org"]
    assert _emails(group_members(contest, "jurors_unfinished")) == ["busy@example.org"]
    assert _emails(group_members(contest, "release_subscribers")) == ["follower@example.org"]


def test_a_message_goes_once_to_each_person_the_group_held_when_it_was_sent(school):
    contest, people, organiser, client = school
    response = _send(client, contest)
    assert response.status_code == 302
    message = GroupMessage.objects.get()
    assert sorted(message.recipient_ids) == sorted([people["draft"].pk, people["none"].pk])
    event = AuditEvent.objects.get(verb="group_message_sent")
    assert (event.actor, event.data["group"], event.data["recipients"]) == (organiser, "teams_without_film", 2)
    assert mail.outbox == []  # the worker's sweep sends
    # A team that registers after the sending is not in it.
    late_team = TeamFactory(contest=contest, approval=Team.Approval.APPROVED)
    TeamMemberFactory(team=late_team, user=UserFactory(email="arrived@example.org"))

    assert deliver_pending() == 2
    assert deliver_pending() == 0
    by_address = {sent.to[0]: sent for sent in mail.outbox}
    assert sorted(by_address) == ["draft@example.org", "none@example.org"]
    french, english = by_address["draft@example.org"], by_address["none@example.org"]
    assert french.subject == f"{contest.title_fr} · Votre film"
    assert "Il manque votre film.\nDéposez-le avant vendredi." in french.body
    assert f"— Les organisateurs de {contest.title_fr}" in french.body
    assert f"— The organisers of {contest.title_en}" in english.body
    assert GroupMessageDelivery.objects.filter(message=message).count() == 2


def test_a_second_click_on_the_same_form_sends_nothing_more(school):
    contest, _people, _organiser, client = school
    token = str(uuid.uuid4())
    assert _send(client, contest, token=token).status_code == 302
    again = _send(client, contest, token=token)
    assert again.status_code == 400
    assert "This message was already sent: it goes once to each person." in again.content.decode()
    assert GroupMessage.objects.count() == 1


def test_a_refusing_mail_server_leaves_the_rest_for_the_next_sweep(school, settings):
    contest, _people, _organiser, client = school
    _send(client, contest)
    settings.EMAIL_BACKEND = "tests.judging.test_juror_mails.RefusingBackend"
    with pytest.raises(ConnectionRefusedError):
        deliver_pending()
    assert not GroupMessageDelivery.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_pending() == 2


def test_an_empty_group_or_a_missing_confirmation_writes_nothing_and_keeps_the_text(school):
    contest, _people, _organiser, client = school
    Entry.objects.filter(contest=contest).update(status=Entry.Status.SUBMITTED)
    Team.objects.filter(name="none").update(approval=Team.Approval.REFUSED)
    empty = _send(client, contest)
    assert empty.status_code == 400
    assert "Nobody is in this group now: there is nobody to write to." in empty.content.decode()
    unconfirmed = _send(client, contest, group="release_subscribers", confirm="")
    assert unconfirmed.status_code == 400
    page = unconfirmed.content.decode()
    assert "This field is required." in page and "Il manque votre film." in page and 'value="Votre film"' in page
    assert _send(client, contest, group="everyone").status_code == 400
    assert not GroupMessage.objects.exists() and not AuditEvent.objects.filter(verb="group_message_sent").exists()


def test_the_page_offers_each_group_with_its_count_and_the_log_says_who_was_mailed_when(school):
    contest, people, _organiser, client = school
    page = client.get(reverse("organiser_messages", kwargs={"contest_slug": contest.slug})).content.decode()
    assert "teams that have not submitted their film (2 people)" in page
    assert "jurors with films still to review (1 person)" in page
    assert "No message sent yet." in page
    _send(client, contest, group="jurors_unfinished", subject="Il reste un film")
    message = GroupMessage.objects.get()
    log_url = reverse("organiser_message", kwargs={"contest_slug": contest.slug, "message_id": message.pk})
    assert "waiting for the worker" in client.get(log_url).content.decode()
    deliver_pending()
    log = client.get(log_url).content.decode()
    assert "busy@example.org" in log and "waiting for the worker" not in log
    listing = client.get(reverse("organiser_messages", kwargs={"contest_slug": contest.slug})).content.decode()
    assert f'href="{log_url}">Il reste un film</a>' in listing and "1 / 1" in listing
    dashboard = client.get(reverse("organiser_dashboard", kwargs={"contest_slug": contest.slug})).content.decode()
    assert f'href="{reverse("organiser_messages", kwargs={"contest_slug": contest.slug})}"' in dashboard


@pytest.mark.parametrize("role", ["anonymous", "juror", "team_member", "other_organiser"])
def test_the_messages_answer_404_to_everyone_but_the_contests_organisers(school, role):
    contest, people, _organiser, organiser_client = school
    _send(organiser_client, contest)
    message = GroupMessage.objects.get()
    client = Client()
    if role == "juror":
        client.force_login(people["busy"])
    elif role == "team_member":
        client.force_login(people["draft"])
    elif role == "other_organiser":
        client.force_login(ContestRoleFactory(role=ContestRole.Role.ORGANISER).user)
    slug = {"contest_slug": contest.slug}
    for url in (
        reverse("organiser_messages", kwargs=slug),
        reverse("organiser_message", kwargs={**slug, "message_id": message.pk}),
    ):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 404 and "Il manque votre film" not in response.content.decode()
    posted = _send(client, contest)
    assert posted.status_code == (302 if role == "anonymous" else 404)
    assert GroupMessage.objects.count() == 1


def test_a_persons_privacy_export_lists_the_group_messages_they_were_mailed(school):
    from privacy.services import export_person

    contest, people, organiser, client = school
    _send(client, contest, subject="Il manque votre film")
    deliver_pending()
    received = export_person(contest=contest, person=people["draft"], by=organiser)["group_messages_received"]
    assert [item["subject"] for item in received] == ["Il manque votre film"]
    assert export_person(contest=contest, person=people["busy"], by=organiser)["group_messages_received"] == []
