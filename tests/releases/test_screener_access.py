"""The release pages' screener: whoever may watch the film opens a viewing session as what lets them (the public,
a share link, their own account); a public session's segments name nobody, the others are marked; every address
answers 404 from the second the film is unpublished, the link revoked, or the film no longer public."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from media_pipeline import accusation, delivery, screeners
from media_pipeline.models import Film, Screener, ViewingSession
from releases import screening, services
from tests.factories import stored_screener

from .world import T1, T2, build_world

pytestmark = pytest.mark.django_db

SOURCES = re.compile(r'<source src="([^"]+)" type="([^"]+)">')


def screened_world(state="seed"):
    world = build_world(state)
    stored_screener(Film.objects.get(entry=world.entry))
    return world


def open_session(client, opener) -> str:
    response = client.get(opener)
    assert response.status_code == 302, response.status_code
    return response["Location"].removesuffix("index.m3u8")


def served_key(location: str) -> str:
    return delivery.read_media_token(location.rstrip("/").rsplit("/", 1)[1])["k"]


def statuses(client, base) -> list[int]:
    return [client.get(f"{base}{path}").status_code for path in ("index.m3u8", "360.m3u8", "360/0.ts", "audio/0.ts")]


def test_the_film_page_offers_the_screener_first_then_the_film(settings):
    world = screened_world()
    with time_machine.travel(world.at(T2, 1), tick=False):
        html = world.client("anonymous").get(reverse("releases:film", kwargs=world.kwargs)).content.decode()
    screener = reverse("releases:film_screener", kwargs=world.kwargs)
    assert SOURCES.findall(html) == [
        (screener, "application/vnd.apple.mpegurl"),
        (reverse("releases:film_media", kwargs=world.kwargs), "video/mp4"),
    ]
    assert " src=" not in re.search(r'<video id="release-player"[^>]*>', html).group(0)


def test_a_public_session_names_nobody_and_a_community_session_is_marked():
    world = screened_world()
    opener = reverse("releases:film_screener", kwargs=world.kwargs)
    with time_machine.travel(world.at(T1, 1), tick=False):  # the film is shown to the community, not the public
        assert world.client("anonymous").get(opener).status_code == 404
        client = world.client("community_member")
        base = open_session(client, opener)
        session = ViewingSession.objects.get()
        assert (session.kind, session.user, session.marked) == ("community", world.users["community_member"], True)
        variant = accusation.variant(
            secret=screeners.watermark_secret(), film=screeners.mark_name(session.film), session=session.pk, segment=0
        )
        assert served_key(client.get(f"{base}360/0.ts")["Location"]).endswith(f"/360/{variant}/seg00000.ts")
    with time_machine.travel(world.at(T2, 1), tick=False):  # public
        anonymous = world.client("anonymous")
        base = open_session(anonymous, opener)
        public = ViewingSession.objects.get(kind="public")
        assert (public.user, public.marked, public.label) == (None, False, "")
        keys = [served_key(anonymous.get(f"{base}360/{i}.ts")["Location"]) for i in range(3)]
        assert [key.rsplit("/", 2)[1] for key in keys] == ["a", "a", "a"]


def test_every_address_answers_404_from_the_second_the_film_is_unpublished():
    world = screened_world()
    opener = reverse("releases:film_screener", kwargs=world.kwargs)
    moment = world.at(T1, 100)
    with time_machine.travel(moment - timedelta(seconds=10), tick=False):
        client = world.client("community_member")
        base = open_session(client, opener)
    services.unpublish_release(release=world.release, by=world.users["organiser"], now=moment)
    with time_machine.travel(moment - timedelta(seconds=1), tick=False):
        assert statuses(client, base) == [200, 200, 302, 302]
    with time_machine.travel(moment, tick=False):
        assert statuses(client, base) == [404] * 4
        assert client.get(opener).status_code == 404


def test_a_public_session_ends_when_the_film_stops_being_public_even_for_who_may_still_watch_it():
    world = screened_world()
    opener = reverse("releases:film_screener", kwargs=world.kwargs)
    with time_machine.travel(world.at(T2, 1), tick=False):
        client = world.client("community_member")
        base = open_session(client, opener)
        assert ViewingSession.objects.get().kind == "public"
    with time_machine.travel(world.at(T2, -1), tick=False):  # a second before the public step
        assert statuses(client, base) == [404] * 4
        assert open_session(client, opener)  # a new session, as the community member, is marked
        assert ViewingSession.objects.latest("pk").kind == "community"


def test_a_share_links_session_carries_its_label_and_ends_when_the_link_is_revoked():
    world = screened_world("link_only")
    with time_machine.travel(world.at(1, 1), tick=False):
        holder = world.client("link_holder")
        page = holder.post(reverse("releases:share", kwargs={"token": world.token})).content.decode()
        opener = SOURCES.findall(page)[0][0].replace("&amp;", "&")
        assert opener.startswith(reverse("releases:share_screener", kwargs={"token": world.token}) + "?opening=")
        base = open_session(holder, opener)
        session = ViewingSession.objects.get()
        assert (session.kind, session.label, session.user, session.marked) == ("share", "Press", None, True)
        assert statuses(holder, base) == [200, 200, 302, 302]
        link = world.release.share_links.get()
        services.revoke_share_link(link=link, by=world.users["organiser"])
        assert statuses(holder, base) == [404] * 4


def test_once_public_a_film_gets_a_plain_screener_and_public_sessions_are_served_it(django_capture_on_commit_callbacks):
    world = screened_world()
    film = Film.objects.get(entry=world.entry)
    opener = reverse("releases:film_screener", kwargs=world.kwargs)
    assert screening.queue_public_screeners(now=world.at(T2, -1)) == 0  # not public yet
    with django_capture_on_commit_callbacks(execute=False):
        assert screening.queue_public_screeners(now=world.at(T2, 1)) == 1
    assert screening.queue_public_screeners(now=world.at(T2, 2)) == 0  # once
    plain = Screener.objects.get(film=film, marked=False)
    assert plain.state == "queued"
    with time_machine.travel(world.at(T2, 3), tick=False):
        anonymous = world.client("anonymous")
        before = open_session(anonymous, opener)  # the plain one is not made yet: variant A of the marked one
        assert served_key(anonymous.get(f"{before}360/0.ts")["Location"]).rsplit("/", 2)[1] == "a"
        Screener.objects.filter(pk=plain.pk).delete()
        made = stored_screener(film, marked=False)
        after = open_session(anonymous, opener)
        keys = [served_key(anonymous.get(f"{after}360/{i}.ts")["Location"]) for i in range(3)]
        assert keys == [made.segment_key(360, "plain", i) for i in range(3)]
        assert ViewingSession.objects.get(kind="public", screener=made).marked is False
        # a session keeps the ladder it started with
        assert served_key(anonymous.get(f"{before}360/1.ts")["Location"]).rsplit("/", 2)[1] == "a"
        team = world.client("own_team")  # the film panel: a team session, marked whatever the public sees
        marked = open_session(team, reverse("media_pipeline:film_screener", kwargs=world.kwargs))
        assert served_key(team.get(f"{marked}360/0.ts")["Location"]).rsplit("/", 2)[1] in ("a", "b")
