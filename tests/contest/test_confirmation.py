"""Irreversible actions on entries go through a confirmation page (a GET that says what will happen, with the entry's
title, then the page's one POST button); an organiser can reinstate a withdrawn entry while the team's window is open."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from contest.models import AuditEvent, Entry
from judging.models import Award
from tests.factories import ContestRoleFactory, PrizeFactory, TeamMemberFactory, ready_entry

pytestmark = pytest.mark.django_db


def _url(name, entry):
    return reverse(name, kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})


def _organiser(entry):
    return ContestRoleFactory(contest=entry.contest, role="organiser").user


def test_the_entry_page_has_no_button_that_withdraws_in_one_click(client):
    entry = ready_entry(title="Sans voix", status="submitted")
    client.force_login(TeamMemberFactory(team=entry.team).user)
    html = client.get(_url("entry_detail", entry)).content.decode()
    assert f'action="{_url("entry_withdraw", entry)}"' not in html
    assert f'<a class="button danger" href="{_url("entry_withdraw_confirm", entry)}">Withdraw…</a>' in html
    # the danger zone comes after the history, away from the upload and submit buttons
    assert html.index('id="danger-zone-heading"') > html.index("<h2>History</h2>")


def test_the_withdraw_confirmation_names_the_entry_and_its_prize_and_changes_nothing(client):
    entry = ready_entry(title="Sans voix", status="submitted")
    Award.objects.create(
        contest=entry.contest, prize=PrizeFactory(contest=entry.contest, name_en="Grand Prize"), entry=entry
    )
    client.force_login(TeamMemberFactory(team=entry.team).user)
    response = client.get(_url("entry_withdraw_confirm", entry))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="confirm-heading">Withdraw “Sans voix”?</h1>' in html
    assert "<strong>This entry holds the prize “Grand Prize”.</strong>" in html
    assert f'<form method="post" action="{_url("entry_withdraw", entry)}">' in html
    assert '<button type="submit" class="danger">Withdraw the entry</button>' in html
    assert f'<a class="button secondary" href="{_url("entry_detail", entry)}">Cancel</a>' in html
    entry.refresh_from_db()
    assert entry.status == Entry.Status.SUBMITTED
    assert not AuditEvent.objects.filter(entry=entry, verb="entry_withdrawn").exists()


def test_the_confirmation_pages_answer_404_to_outsiders(client):
    entry = ready_entry(title="Sans voix", status="withdrawn")
    client.force_login(ContestRoleFactory(role="organiser").user)  # another contest's organiser
    for name in ("entry_withdraw_confirm", "organiser_entry_disqualify_confirm", "organiser_entry_reinstate_confirm"):
        response = client.get(_url(name, entry))
        assert response.status_code == 404, name
        assert "Sans voix" not in response.content.decode()
    assert client.post(_url("organiser_entry_reinstate", entry)).status_code == 404
    entry.refresh_from_db()
    assert entry.status == Entry.Status.WITHDRAWN
    client.force_login(TeamMemberFactory(team=entry.team).user)  # the team itself
    assert client.get(_url("organiser_entry_reinstate_confirm", entry)).status_code == 404
    assert client.post(_url("organiser_entry_reinstate", entry)).status_code == 404
    entry.refresh_from_db()
    assert entry.status == Entry.Status.WITHDRAWN


def test_the_organiser_disqualifies_through_the_confirmation_page(client):
    entry = ready_entry(title="Sans voix", status="submitted")
    client.force_login(_organiser(entry))
    html = client.get(_url("organiser_entry", entry)).content.decode()
    assert 'value="disqualify"' not in html
    assert f'href="{_url("organiser_entry_disqualify_confirm", entry)}">Disqualify…</a>' in html
    confirm = client.get(_url("organiser_entry_disqualify_confirm", entry)).content.decode()
    assert "Disqualify “Sans voix”?" in confirm
    assert f'<form method="post" action="{_url("organiser_entry_disqualify", entry)}">' in confirm
    assert 'name="reason"' in confirm
    # the page's button without a reason: the same page again, nothing changed
    response = client.post(_url("organiser_entry_disqualify", entry), {"reason": ""})
    assert response.status_code == 200
    assert "Disqualify “Sans voix”?" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == Entry.Status.SUBMITTED
    response = client.post(_url("organiser_entry_disqualify", entry), {"reason": "Over the time limit."})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.disqualification_reason) == ("disqualified", "Over the time limit.")


@pytest.mark.parametrize("before", ["draft", "submitted"])
def test_an_organiser_reinstates_a_withdrawn_entry_in_its_previous_state(
    client, before, django_capture_on_commit_callbacks
):
    entry = ready_entry(title="Sans voix", status=before)
    member = TeamMemberFactory(team=entry.team).user
    organiser = _organiser(entry)
    client.force_login(member)
    assert client.post(_url("entry_withdraw", entry)).status_code == 302
    client.force_login(organiser)
    html = client.get(_url("organiser_entry", entry)).content.decode()
    assert f'href="{_url("organiser_entry_reinstate_confirm", entry)}">Reinstate…</a>' in html
    confirm = client.get(_url("organiser_entry_reinstate_confirm", entry)).content.decode()
    assert "Reinstate “Sans voix”?" in confirm
    assert f"as it was before its withdrawal: {before}." in confirm
    assert f'<form method="post" action="{_url("organiser_entry_reinstate", entry)}">' in confirm
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("organiser_entry_reinstate", entry))
    assert response.status_code == 302
    assert response["Location"] == _url("organiser_entry", entry)
    entry.refresh_from_db()
    assert entry.status == before
    event = AuditEvent.objects.filter(entry=entry).first()
    assert (event.verb, event.actor, event.data) == (
        "entry_reinstated",
        organiser,
        {"before": "withdrawn", "after": before},
    )
    assert [message.subject for message in mail.outbox] == ["“Sans voix” is back in the contest"]
    followed = client.get(_url("organiser_entry", entry)).content.decode()
    assert f"The entry is back in the contest ({before}); the team was told." in followed


def test_reinstating_is_refused_once_the_window_is_closed(client):
    entry = ready_entry(title="Sans voix", status="withdrawn")
    entry.contest.closes_at = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    entry.contest.save()
    AuditEvent.objects.create(contest=entry.contest, entry=entry, verb="entry_withdrawn", data={"before": "submitted"})
    organiser = _organiser(entry)
    with time_machine.travel(entry.contest.closes_at + timedelta(seconds=1)):
        client.force_login(organiser)
        page = client.get(_url("organiser_entry", entry)).content.decode()
        assert "a withdrawn entry can be reinstated only while they are open." in page
        assert _url("organiser_entry_reinstate_confirm", entry) not in page
        response = client.post(_url("organiser_entry_reinstate", entry), follow=True)
        html = response.content.decode()
    assert response.status_code == 200
    refusal = "a withdrawn entry can be reinstated only while they are open."
    assert '<li class="message error">Submissions closed for this team on ' in html
    assert html.count(refusal) == 2  # the message, and the page's reason why there is no button
    entry.refresh_from_db()
    assert entry.status == Entry.Status.WITHDRAWN
    assert not AuditEvent.objects.filter(entry=entry, verb="entry_reinstated").exists()


def test_reinstating_follows_the_teams_extension(client):
    entry = ready_entry(title="Sans voix", status="withdrawn")
    closes_at = entry.contest.closes_at
    entry.team.deadline_extended_to = closes_at + timedelta(days=1)
    entry.team.save()
    organiser = _organiser(entry)
    with time_machine.travel(closes_at + timedelta(hours=1)):
        client.force_login(organiser)
        assert client.post(_url("organiser_entry_reinstate", entry)).status_code == 302
    entry.refresh_from_db()
    assert entry.status == Entry.Status.DRAFT  # no withdrawal on record: back to a draft
