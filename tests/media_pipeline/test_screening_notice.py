"""The confidential screening notice: an organiser turns it on from the trace page (audited); then the juror's, the
team's and the organiser's players and a share link's page show who is watching over the picture, and a public
film's page does not."""

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from contest.models import AuditEvent, Contest
from media_pipeline.models import Film
from tests.factories import stored_screener
from tests.releases.world import T2, build_world

pytestmark = pytest.mark.django_db

NOTICE = re.compile(r'<p class="screening-notice" data-screening-notice>(.*?)</p>')


def switch(world, shown: bool):
    client = world.client("organiser")
    url = reverse("media_pipeline:screening_notice", kwargs={"contest_slug": world.contest.slug})
    return client.post(url, {"shown": "1" if shown else "0"})


def test_an_organiser_turns_the_notice_on_and_off_and_only_organisers_may():
    world = build_world("seed")
    url = reverse("media_pipeline:screening_notice", kwargs={"contest_slug": world.contest.slug})
    for role in ("anonymous", "own_team", "juror"):
        assert world.client(role).post(url, {"shown": "1"}).status_code == 404
    assert switch(world, True).status_code == 302
    assert Contest.objects.get(pk=world.contest.pk).screening_notice
    switch(world, True)  # already on: nothing more is recorded
    switch(world, False)
    assert not Contest.objects.get(pk=world.contest.pk).screening_notice
    events = AuditEvent.objects.filter(verb="screening_notice_set").order_by("pk")
    assert [(event.actor, event.data) for event in events] == [
        (world.users["organiser"], {"shown": True}),
        (world.users["organiser"], {"shown": False}),
    ]
    page = world.client("organiser").get(reverse("media_pipeline:traces", kwargs={"contest_slug": world.contest.slug}))
    assert "Show the notice" in page.content.decode()


def notices(client, url) -> list[str]:
    return NOTICE.findall(client.get(url).content.decode())


def test_restricted_players_show_who_is_watching_and_a_public_film_does_not():
    world = build_world("seed")
    film = Film.objects.get(entry=world.entry)
    stored_screener(film)
    film_page = reverse("releases:film", kwargs=world.kwargs)
    team_page = reverse("entry_detail", kwargs=world.kwargs)
    organiser_page = reverse("organiser_entry", kwargs=world.kwargs)
    member, organiser = world.users["community_member"], world.users["organiser"]
    with time_machine.travel(world.at(T2, -1), tick=False):  # shown to the community, not yet public
        assert notices(world.client("community_member"), film_page) == []  # the notice is off
        switch(world, True)
        assert notices(world.client("community_member"), film_page) == [f"Confidential screening — {member.email}"]
        assert notices(world.client("own_team"), team_page) == [
            f"Confidential screening — {world.users['own_team'].email}"
        ]
        assert notices(world.client("organiser"), organiser_page) == [f"Confidential screening — {organiser.email}"]
    with time_machine.travel(world.at(T2, 1), tick=False):  # public
        assert notices(world.client("community_member"), film_page) == []
        assert notices(world.client("anonymous"), film_page) == []


def test_a_share_links_page_shows_the_links_label():
    world = build_world("link_only")
    stored_screener(Film.objects.get(entry=world.entry))
    switch(world, True)
    with time_machine.travel(world.at(1, 1), tick=False):
        share = Client().post(reverse("releases:share", kwargs={"token": world.token})).content.decode()
    assert NOTICE.findall(share) == ["Confidential screening — Press"]
