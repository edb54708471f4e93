"""A replacement is only a candidate until the pipeline accepts it: the accepted film keeps playing for the jury, the
organisers and the public while the replacement is checked, and after it is refused; the team sees the refusal
beside the film that stays. Driven through the real upload contract (local mode) and the pipeline's functions."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from contest.models import AuditEvent, ContestRole, Entry
from media_pipeline import delivery, pipeline, storage
from media_pipeline.models import Film, Rendition
from tests.factories import ContestRoleFactory, EntryFactory, team_with_member
from tests.judging.factories import RoundFactory, assign, seated_juror

from .test_upload import TeamSession

pytestmark = pytest.mark.django_db(transaction=True)

MEDIA_TOKEN = re.compile(r'(?:src|poster)="/media/([^/"]+)/"')


def played_keys(html: str) -> set[str]:
    """The storage keys that the page's player loads (local-mode media tokens)."""
    return {delivery.read_media_token(unescape(token))["k"] for token in MEDIA_TOKEN.findall(html)}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(team: TeamSession, data: bytes, filename: str) -> Film:
    body = team.create(size=len(data), filename=filename).json()
    completed = team.complete(body["uploadId"], team.upload_parts(body["uploadId"], data, body["partSize"]))
    assert completed.status_code == 200, completed.text
    return Film.objects.get(key=body["key"])


def accept(film: Film) -> Film:
    assert pipeline.run_check(film.pk) == Film.State.TRANSCODING
    assert pipeline.run_transcode(film.pk) == Film.State.READY
    return Film.objects.get(pk=film.pk)


@pytest.fixture
def submitted(live_server, films):
    """A submitted entry whose film passed the pipeline, assigned to a juror; its team's browser and organiser."""
    team, member = team_with_member(contest__min_resolution_px=90)
    entry = EntryFactory(team=team, title="Sans voix", status=Entry.Status.SUBMITTED, film_accepted=True)
    browser = TeamSession(live_server.url, member, entry)
    film = accept(upload(browser, films.get("h264").read_bytes(), "Sans voix v1.mp4"))
    round = RoundFactory(contest=entry.contest)
    juror = seated_juror(round)
    assign(round, juror, entry)
    organiser = ContestRoleFactory(contest=entry.contest, role=ContestRole.Role.ORGANISER).user
    return entry, browser, member, film, round, juror, organiser


def rendition_keys(film: Film) -> set[str]:
    return set(film.renditions.values_list("key", flat=True))


def test_a_refused_replacement_leaves_the_accepted_film_playing_for_jury_organisers_and_team(submitted):
    entry, browser, member, film, round, juror, organiser = submitted
    proxy = film.renditions.get(kind=Rendition.Kind.PROXY).key

    replacement = upload(browser, b"this is not a film, only text\n" * 100, "Sans voix v2.mp4")
    checking = signed_in(juror).get(reverse("jury_entry", args=[entry.contest.slug, round.pk, entry.code]))
    assert proxy in played_keys(checking.content.decode())
    assert pipeline.run_check(replacement.pk) == Film.State.REJECTED

    jury_page = signed_in(juror).get(reverse("jury_entry", args=[entry.contest.slug, round.pk, entry.code]))
    assert jury_page.status_code == 200
    assert proxy in played_keys(jury_page.content.decode())
    organiser_page = signed_in(organiser).get(reverse("organiser_entry", args=[entry.contest.slug, entry.public_id]))
    assert proxy in played_keys(organiser_page.content.decode())
    assert "Replacement “Sans voix v2.mp4”: rejected." in organiser_page.content.decode()
    team_page = signed_in(member).get(reverse("entry_detail", args=[entry.contest.slug, entry.public_id]))
    html = team_page.content.decode()
    assert proxy in played_keys(html)
    assert "Your replacement “Sans voix v2.mp4” was refused:" in html
    assert 'data-replacement-state="rejected"' in html
    assert "The current film stays until the new one is accepted." in html
    assert '<span class="film-name">Sans voix v1.mp4</span>' in html
    # The accepted film's files are all still stored, and the entry is still accepted.
    assert all(storage.stat_object(key) is not None for key in {film.key, *rendition_keys(film)})
    assert Entry.objects.get(pk=entry.pk).film_accepted is True


def test_a_replacement_that_becomes_ready_replaces_the_film_and_the_old_files_are_deleted(submitted, films):
    entry, browser, member, film, round, juror, organiser = submitted
    old_keys = {film.key, *rendition_keys(film)}

    first_try = upload(browser, b"not a film" * 1000, "Sans voix v2.mp4")
    pipeline.run_check(first_try.pk)
    replacement = upload(browser, films.get("mkv").read_bytes(), "Sans voix v3.mkv")
    assert storage.stat_object(first_try.key) is None  # a refused replacement is of no further use
    assert pipeline.run_check(replacement.pk) == Film.State.TRANSCODING
    assert all(storage.stat_object(key) is not None for key in old_keys)  # still playing while it is prepared
    assert pipeline.run_transcode(replacement.pk) == Film.State.READY

    new_proxy = Rendition.objects.get(film=replacement, kind=Rendition.Kind.PROXY).key
    jury_page = signed_in(juror).get(reverse("jury_entry", args=[entry.contest.slug, round.pk, entry.code]))
    assert new_proxy in played_keys(jury_page.content.decode())
    assert not old_keys & played_keys(jury_page.content.decode())
    assert all(storage.stat_object(key) is None for key in old_keys)
    assert AuditEvent.objects.get(verb="film_replaced").data == {"film": film.pk, "by": replacement.pk}
    team_page = signed_in(member).get(reverse("entry_detail", args=[entry.contest.slug, entry.public_id]))
    assert "film-replacement" not in team_page.content.decode()
