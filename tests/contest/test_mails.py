"""Receipts of every change of state: one mail per member, in the member's language, with times in the contest's time
zone and titles as the team typed them (plain-text mails: no HTML escaping)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from contest.services import disqualify_entry, grant_extension, submit_entry, withdraw_entry
from tests.factories import ContestRoleFactory, TeamMemberFactory, UserFactory, ready_entry

pytestmark = pytest.mark.django_db

TITLE = "L'été & « les autres »"
SUBMITTED_AT = datetime(2030, 3, 15, 12, 0, tzinfo=ZoneInfo("UTC"))


def _entry(time_zone="America/New_York"):
    return ready_entry(
        title=TITLE,
        team__contest__time_zone=time_zone,
        team__contest__opens_at=datetime(2030, 3, 1, tzinfo=ZoneInfo("UTC")),
        team__contest__closes_at=datetime(2030, 3, 20, tzinfo=ZoneInfo("UTC")),
    )


def test_submission_receipt_names_the_title_as_typed_and_the_time_in_the_contests_zone(
    django_capture_on_commit_callbacks,
):
    entry = _entry()
    member = TeamMemberFactory(team=entry.team, user__preferred_language="en").user
    with time_machine.travel(SUBMITTED_AT, tick=False), django_capture_on_commit_callbacks(execute=True):
        submit_entry(entry=entry, by=member)
    [message] = mail.outbox
    assert message.to == [member.email]
    assert message.subject == f"Received: “{TITLE}” is submitted"
    assert (
        f"Your entry “{TITLE}” (code {entry.code}) was submitted on March 15, 2030, 8 a.m.. "  # 12:00 UTC in New York
        "Keep this mail as your receipt."
    ) in message.body
    assert "&#x27;" not in message.body + message.subject and "&amp;" not in message.body + message.subject


def test_a_member_who_reads_french_gets_the_receipt_in_french(django_capture_on_commit_callbacks):
    entry = _entry(time_zone="Europe/Paris")
    member = TeamMemberFactory(team=entry.team, user__preferred_language="fr").user
    with time_machine.travel(SUBMITTED_AT, tick=False), django_capture_on_commit_callbacks(execute=True):
        submit_entry(entry=entry, by=member)
    [message] = mail.outbox
    assert message.subject == f"Bien reçu\xa0: «\xa0{TITLE}\xa0» est déposé"
    assert (
        f"Votre candidature «\xa0{TITLE}\xa0» (code {entry.code}) a été déposée le 15 mars 2030 13:00." in message.body
    )


def test_withdrawal_and_disqualification_each_mail_a_receipt(django_capture_on_commit_callbacks):
    entry = _entry()
    member = TeamMemberFactory(team=entry.team, user__preferred_language="en").user
    organiser = ContestRoleFactory(contest=entry.contest).user
    with time_machine.travel(SUBMITTED_AT, tick=False), django_capture_on_commit_callbacks(execute=True):
        withdraw_entry(entry=entry, by=member)
        disqualify_entry(entry=entry, by=organiser, reason="Le film dépasse 15 min & n'a pas de son.")
    assert [message.subject for message in mail.outbox] == [f"“{TITLE}” is withdrawn", f"“{TITLE}” is disqualified"]
    assert f"Your entry “{TITLE}” was withdrawn from the contest." in mail.outbox[0].body
    assert (
        f"Your entry “{TITLE}” was disqualified by the organisers. Reason: Le film dépasse 15 min & n'a pas de son."
    ) in mail.outbox[1].body
    assert {message.to[0] for message in mail.outbox} == {member.email}


def test_an_extension_is_mailed_with_its_end_in_the_contests_zone(django_capture_on_commit_callbacks):
    entry = _entry()
    member = TeamMemberFactory(team=entry.team, user__preferred_language="en").user
    organiser = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        grant_extension(team=entry.team, until=datetime(2030, 3, 21, 3, 30, tzinfo=ZoneInfo("UTC")), by=organiser)
    [message] = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "Your deadline was extended"
    assert "extended your team's deadline until March 20, 2030, 11:30 p.m.." in message.body
