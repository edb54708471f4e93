from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from contest.models import AuditEvent, Entry
from contest.services import ContestError, SubmissionError, grant_extension, submit_entry, update_entry, withdraw_entry
from tests.factories import ContestRoleFactory, TeamMemberFactory, UserFactory, ready_entry

pytestmark = pytest.mark.django_db


def test_submission_one_second_before_the_deadline_is_accepted():
    entry = ready_entry()
    user = UserFactory()
    with time_machine.travel(entry.contest.closes_at - timedelta(seconds=1), tick=False):
        submit_entry(entry=entry, by=user)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.SUBMITTED


def test_submission_one_second_after_the_deadline_is_refused_and_nothing_is_lost():
    entry = ready_entry(synopsis_fr="Un texte que l'équipe a mis des heures à écrire.")
    user = UserFactory()
    with time_machine.travel(entry.contest.closes_at + timedelta(seconds=1), tick=False):
        with pytest.raises(SubmissionError) as raised:
            submit_entry(entry=entry, by=user)
    assert raised.value.code == "deadline_passed"
    assert "Ask the organisers for an extension" in str(raised.value.message)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.DRAFT
    assert entry.synopsis_fr == "Un texte que l'équipe a mis des heures à écrire."
    assert not AuditEvent.objects.filter(entry=entry, verb="entry_submitted").exists()


def test_extension_lets_that_team_and_only_that_team_submit_late():
    late = ready_entry()
    other = ready_entry(team__contest=late.contest)
    organiser = ContestRoleFactory(contest=late.contest).user
    grant_extension(team=late.team, until=late.contest.closes_at + timedelta(hours=2), by=organiser)
    with time_machine.travel(late.contest.closes_at + timedelta(hours=1), tick=False):
        submit_entry(entry=late, by=organiser)
        with pytest.raises(SubmissionError) as raised:
            submit_entry(entry=other, by=organiser)
    assert raised.value.code == "deadline_passed"
    assert Entry.objects.get(pk=late.pk).status == Entry.Status.SUBMITTED
    assert Entry.objects.get(pk=other.pk).status == Entry.Status.DRAFT


def test_extension_ends_at_its_second():
    entry = ready_entry()
    organiser = ContestRoleFactory(contest=entry.contest).user
    until = entry.contest.closes_at + timedelta(hours=2)
    grant_extension(team=entry.team, until=until, by=organiser)
    with time_machine.travel(until + timedelta(seconds=1), tick=False), pytest.raises(SubmissionError) as raised:
        submit_entry(entry=entry, by=organiser)
    assert raised.value.code == "deadline_passed"


def test_submission_before_the_window_opens_is_refused():
    entry = ready_entry()
    with time_machine.travel(entry.contest.opens_at - timedelta(seconds=1), tick=False):
        with pytest.raises(SubmissionError) as raised:
            submit_entry(entry=entry, by=UserFactory())
    assert raised.value.code == "window_not_open"


@pytest.mark.parametrize(
    ("missing_field", "code"),
    [
        ("consent_on_screen", "consent_missing"),
        ("rights_cleared", "rights_missing"),
        ("rules_accepted", "rules_missing"),
    ],
)
def test_each_consent_declaration_is_required_to_submit(missing_field, code):
    entry = ready_entry(**{missing_field: False})
    with pytest.raises(SubmissionError) as raised:
        submit_entry(entry=entry, by=UserFactory())
    assert raised.value.code == code
    assert Entry.objects.get(pk=entry.pk).status == Entry.Status.DRAFT


def test_submission_without_an_accepted_film_is_refused():
    entry = ready_entry(film_accepted=False)
    with pytest.raises(SubmissionError) as raised:
        submit_entry(entry=entry, by=UserFactory())
    assert raised.value.code == "film_missing"


def test_submission_mails_every_member_a_receipt(django_capture_on_commit_callbacks):
    entry = ready_entry()
    first = TeamMemberFactory(team=entry.team).user
    second = TeamMemberFactory(team=entry.team).user
    with django_capture_on_commit_callbacks(execute=True):
        submit_entry(entry=entry, by=first)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([first.email, second.email])
    assert all(entry.code in message.body for message in mail.outbox)
    assert mail.outbox[0].subject == f"Received: “{entry.title}” is submitted"


def test_a_submitted_entry_can_be_edited_while_the_window_is_open_only():
    entry = ready_entry()
    user = UserFactory()
    submit_entry(entry=entry, by=user)
    update_entry(entry=entry, by=user, title="Sans voix")
    assert Entry.objects.get(pk=entry.pk).title == "Sans voix"
    with time_machine.travel(entry.contest.closes_at + timedelta(seconds=1), tick=False):
        with pytest.raises(ContestError) as raised:
            update_entry(entry=entry, by=user, title="Autre titre")
    assert raised.value.code == "window_closed"
    assert Entry.objects.get(pk=entry.pk).title == "Sans voix"


def test_a_withdrawn_entry_cannot_be_edited_or_submitted():
    entry = ready_entry()
    user = UserFactory()
    withdraw_entry(entry=entry, by=user)
    with pytest.raises(ContestError) as edit_error:
        update_entry(entry=entry, by=user, title="x")
    with pytest.raises(SubmissionError) as submit_error:
        submit_entry(entry=entry, by=user)
    assert edit_error.value.code == "entry_closed"
    assert submit_error.value.code == "not_a_draft"
