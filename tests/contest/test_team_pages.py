"""The team's own pages say where its entry stands: the film's state in words, a prize won once the team may read
its announcement, a showing of the film waiting for the team's approval (with the link to answer), and a signed-in
team member is sent to its team, not offered to register another."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from contest.models import Entry
from judging.models import Award
from media_pipeline.models import Film
from releases import services as releases
from tests.factories import EntryFactory, PrizeFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def team_entry(**kwargs):
    entry = EntryFactory(title="Sans voix", **kwargs)
    member = TeamMemberFactory(team=entry.team, user=UserFactory(email="team@example.org")).user
    return entry, member


def film(entry, state, name="sans-voix.mp4"):
    Film.objects.filter(entry=entry, replaced_at__isnull=True).update(replaced_at=timezone.now())
    return Film.objects.create(entry=entry, key=f"uploads/{name}-{state}", original_name=name, size=10, state=state)


def pages(client, entry):
    dashboard = client.get(reverse("team_dashboard", kwargs={"contest_slug": entry.contest.slug}))
    detail = client.get(
        reverse("entry_detail", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    )
    assert dashboard.status_code == detail.status_code == 200
    return dashboard.content.decode(), detail.content.decode()


def test_the_team_dashboard_says_the_films_state_in_words(client):
    entry, member = team_entry()
    client.force_login(member)
    dashboard, _ = pages(client, entry)
    assert '<li class="message " data-notice="film">No film uploaded yet.</li>' in dashboard
    film(entry, Film.State.REJECTED)
    dashboard, _ = pages(client, entry)
    assert '<li class="message error" data-notice="film">Film: rejected.</li>' in dashboard
    film(entry, Film.State.READY, name="second.mp4")
    film(entry, Film.State.CHECKING, name="third.mp4")
    dashboard, detail = pages(client, entry)
    assert '<li class="message success" data-notice="film">Film: ready.</li>' in dashboard
    assert '<li class="message " data-notice="film">Replacement film: being checked.</li>' in dashboard
    assert 'data-notice="film"' not in detail  # the entry page has its film panel


def test_the_team_sees_its_prize_from_the_second_its_announcement_reaches_the_team(client):
    entry, member = team_entry(status=Entry.Status.SUBMITTED)
    prize = PrizeFactory(contest=entry.contest, name_en="Grand Prize")
    Award.objects.create(contest=entry.contest, prize=prize, entry=entry)
    at = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    release = releases.ensure_release(entry=entry, by=None)
    releases.add_step(release=release, target="announcement", at=at, audiences={"team"}, by=None)
    palmares = reverse("releases:palmares", kwargs={"contest_slug": entry.contest.slug})
    notice = (
        '<li class="message success" data-notice="prize">Prize won: Grand Prize. '
        f'<a href="{palmares}">See the palmarès</a></li>'
    )
    with time_machine.travel(at - timedelta(seconds=1), tick=False):
        client.force_login(member)
        for page in pages(client, entry):
            assert "Grand Prize" not in page
    with time_machine.travel(at, tick=False):
        client.force_login(member)
        for page in pages(client, entry):
            assert notice in page


def test_a_showing_waiting_for_the_teams_approval_links_to_the_page_where_the_team_answers(client):
    entry, member = team_entry(status=Entry.Status.SUBMITTED)
    release = releases.ensure_release(entry=entry, by=None)
    at = timezone.now() + timedelta(days=1)
    client.force_login(member)
    for page in pages(client, entry):
        assert 'data-notice="release_approval"' not in page
    step = releases.add_step(release=release, target="film", at=at, audiences={"public"}, by=None)
    link = reverse("releases:team_release", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    assert link == f"/c/{entry.contest.slug}/team/releases/{entry.public_id}/"
    notice = (
        '<li class="message warning" data-notice="release_approval">A showing of your film waits for your '
        f'team&#x27;s approval. <a href="{link}">Read the plan and answer</a></li>'
    )
    for page in pages(client, entry):
        assert notice in page
    releases.approve_film_steps(release=release, step_ids=[step.pk], by=member)
    for page in pages(client, entry):
        assert 'data-notice="release_approval"' not in page


def test_a_team_member_is_sent_to_the_team_page_not_offered_to_register(client):
    entry, member = team_entry()
    url = reverse("contest_detail", kwargs={"contest_slug": entry.contest.slug})
    register = reverse("register_team", kwargs={"contest_slug": entry.contest.slug})
    team = reverse("team_dashboard", kwargs={"contest_slug": entry.contest.slug})
    anonymous = client.get(url).content.decode()
    assert f'href="{register}"' in anonymous
    assert f'<a class="button" href="{team}">' not in anonymous
    client.force_login(member)
    signed_in = client.get(url).content.decode()
    assert f'href="{register}"' not in signed_in
    assert "Register a team" not in signed_in
    assert f'<a class="button" href="{team}">My team</a>' in signed_in
