"""Viewing sessions of the film panel's player (the team, the organisers): the page carries the HLS source, opening
it makes a session of one's own, its playlists are written for it, each segment redirects to the variant its
codeword says and is counted; every address answers 404 to anyone else, in another browser, after expiry and from
the request after the right is lost."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contest.models import ContestRole, TeamMember
from media_pipeline import accusation, screeners
from media_pipeline.models import Film, SegmentDelivery, ViewingSession
from tests.factories import ContestRoleFactory, EntryFactory, TeamMemberFactory, UserFactory, stored_screener

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chromium/156.0"


def ready_film(entry) -> Film:
    key = default_storage.save(f"uploads/{entry.public_id}", ContentFile(b"film"))
    return Film.objects.create(
        entry=entry, key=key, original_name="film.mp4", size=4, checksum="x", state=Film.State.READY
    )


@pytest.fixture
def scene():
    member = UserFactory(email="camille@example.org")
    entry = EntryFactory(title="Sans voix")
    TeamMemberFactory(team=entry.team, user=member)
    organiser = ContestRoleFactory(contest=entry.contest, role=ContestRole.Role.ORGANISER).user
    film = ready_film(entry)
    screener = stored_screener(film)
    kwargs = {"contest_slug": entry.contest.slug, "public_id": entry.public_id}
    return entry, film, screener, member, organiser, reverse("media_pipeline:film_screener", kwargs=kwargs)


def browser(user=None) -> Client:
    client = Client(HTTP_USER_AGENT=BROWSER)
    if user is not None:
        client.force_login(user)
    return client


def open_session(client, opener) -> str:
    response = client.get(opener)
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    location = response["Location"]
    assert re.fullmatch(r"/screen/[A-Za-z0-9_-]{43}/index\.m3u8", location)
    return location.removesuffix("index.m3u8")


def test_the_teams_player_opens_a_session_of_its_own_and_is_served_its_codeword(scene):
    entry, film, screener, member, _organiser, opener = scene
    client = browser(member)
    page = client.get(
        reverse("entry_detail", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    )
    assert f'<source src="{opener}" type="application/vnd.apple.mpegurl">' in page.content.decode()

    base = open_session(client, opener)
    session = ViewingSession.objects.get()
    assert (session.kind, session.user, session.film, session.marked) == ("team", member, film, True)
    assert session.user_agent == BROWSER
    assert session.expires_at - session.started_at == timedelta(hours=2)

    master = client.get(f"{base}index.m3u8")
    assert master.status_code == 200
    assert master["Content-Type"] == "application/vnd.apple.mpegurl"
    assert master["Cache-Control"] == "private, no-store"
    assert master.content.decode() == (
        "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n"
        f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="audio",DEFAULT=YES,AUTOSELECT=YES,URI="{base}audio.m3u8"\n'
        '#EXT-X-STREAM-INF:BANDWIDTH=1060000,AVERAGE-BANDWIDTH=161333,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2",AUDIO="audio"\n'
        f"{base}360.m3u8\n"
        '#EXT-X-STREAM-INF:BANDWIDTH=1060000,AVERAGE-BANDWIDTH=161333,RESOLUTION=320x180,CODECS="avc1.4d401e,mp4a.40.2",AUDIO="audio"\n'
        f"{base}180.m3u8\n"
    )
    rung = client.get(f"{base}360.m3u8").content.decode()
    assert rung.splitlines()[-7:] == [
        "#EXTINF:1.000000,",
        f"{base}360/0.ts",
        "#EXTINF:1.000000,",
        f"{base}360/1.ts",
        "#EXTINF:1.000000,",
        f"{base}360/2.ts",
        "#EXT-X-ENDLIST",
    ]
    secret, name = screeners.watermark_secret(), screeners.mark_name(film)
    for index in range(3):
        response = client.get(f"{base}360/{index}.ts")
        assert response.status_code == 302
        assert response["Cache-Control"] == "private, no-store"
        variant = accusation.variant(secret=secret, film=name, session=session.pk, segment=index)
        served = client.get(response["Location"])
        assert b"".join(served.streaming_content) == screener.segment_key(360, variant, index).encode()
        assert served["Content-Type"] == "video/mp2t"
    client.get(f"{base}180/2.ts")  # the player switched rung: the same second of the film
    assert list(SegmentDelivery.objects.values_list("segment", "times")) == [(0, 1), (1, 1), (2, 2)]
    audio = client.get(f"{base}audio/1.ts")
    assert b"".join(client.get(audio["Location"]).streaming_content) == screener.audio_key(1).encode()


def test_each_opening_is_a_new_session_with_its_own_number(scene):
    _entry, _film, _screener, member, organiser, opener = scene
    client = browser(member)
    first, second = open_session(client, opener), open_session(client, opener)
    assert first != second
    assert client.get(f"{first}360.m3u8").status_code == 200  # both stay valid
    organisers = browser(organiser)
    open_session(organisers, opener)
    assert list(ViewingSession.objects.order_by("pk").values_list("kind", "user__email")) == [
        ("team", "camille@example.org"),
        ("team", "camille@example.org"),
        ("organiser", organiser.email),
    ]


def addresses(base) -> list[str]:
    return [f"{base}index.m3u8", f"{base}360.m3u8", f"{base}360/0.ts", f"{base}audio.m3u8", f"{base}audio/0.ts"]


def statuses(client, base) -> list[int]:
    return [client.get(address).status_code for address in addresses(base)]


def test_a_sessions_addresses_answer_404_to_anyone_else_and_in_another_browser(scene):
    _entry, _film, _screener, member, organiser, opener = scene
    base = open_session(browser(member), opener)
    other_team_member = UserFactory()
    TeamMemberFactory(user=other_team_member)
    for stranger in (browser(), browser(other_team_member), browser(organiser), browser(member)):
        assert statuses(stranger, base) == [404] * 5  # the last: the same person, but another browser
    assert statuses(browser(other_team_member), f"{base[:-5]}xxxx/") == [404] * 5


def test_no_session_opens_for_who_may_not_see_the_film_nor_before_its_screener_is_ready(scene):
    entry, film, screener, member, _organiser, opener = scene
    stranger = UserFactory()
    TeamMemberFactory(user=stranger)
    assert browser(stranger).get(opener).status_code == 404
    assert browser().get(opener).status_code == 404
    screener.state = "making"
    screener.save()
    assert browser(member).get(opener).status_code == 404
    page = browser(member).get(
        reverse("entry_detail", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    )
    assert "application/vnd.apple.mpegurl" not in page.content.decode()  # the MP4 proxy plays meanwhile
    assert not ViewingSession.objects.exists()


def test_a_session_ends_when_it_expires(scene):
    _entry, _film, _screener, member, _organiser, opener = scene
    client = browser(member)
    base = open_session(client, opener)
    expires_at = ViewingSession.objects.get().expires_at
    with time_machine.travel(expires_at - timedelta(seconds=1), tick=False):
        assert statuses(client, base) == [200, 200, 302, 200, 302]
    with time_machine.travel(expires_at, tick=False):
        assert statuses(client, base) == [404] * 5


def test_a_session_ends_with_the_request_after_the_right_is_lost(scene):
    entry, film, _screener, member, organiser, opener = scene
    members, organisers = browser(member), browser(organiser)
    team_base, organiser_base = open_session(members, opener), open_session(organisers, opener)
    TeamMember.objects.filter(user=member).delete()  # left the team
    assert statuses(members, team_base) == [404] * 5
    assert statuses(organisers, organiser_base) == [200, 200, 302, 200, 302]
    ContestRole.objects.filter(user=organiser).delete()
    assert statuses(organisers, organiser_base) == [404] * 5


def test_a_session_ends_when_its_film_is_no_longer_the_entrys(scene):
    entry, film, _screener, member, _organiser, opener = scene
    client = browser(member)
    base = open_session(client, opener)
    Film.objects.filter(pk=film.pk).update(replaced_at=timezone.now())
    ready_film(entry)  # the replacement is ready: the old film's sessions stop
    assert statuses(client, base) == [404] * 5


def test_the_organiser_sees_who_watched_the_film_when_and_how_much(scene):
    entry, _film, _screener, member, organiser, opener = scene
    client = browser(member)
    base = open_session(client, opener)
    for index in (0, 1):
        client.get(f"{base}360/{index}.ts")
    client.get(f"{base}180/1.ts")
    html = (
        browser(organiser)
        .get(reverse("organiser_entry", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id}))
        .content.decode()
    )
    row = re.search(r'<tr data-session="\d+">(.*?)</tr>', html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[0] == "camille@example.org"
    assert cells[1] == "Team member"
    assert cells[3] == "2 s of 3 s (67 %)"
    assert cells[5] == BROWSER


def test_the_organiser_page_says_when_nobody_watched(scene):
    entry, *_rest, organiser, _opener = scene
    html = (
        browser(organiser)
        .get(reverse("organiser_entry", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id}))
        .content.decode()
    )
    assert "Nobody has watched the film’s screener yet." in html
