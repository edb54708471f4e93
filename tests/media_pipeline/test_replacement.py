"""A replacement is only a candidate until the pipeline accepts it: the accepted film keeps playing for the jury, the
organisers and the public while the replacement is checked, and after it is refused; the team sees the refusal
beside the film that stays. Driven through the real upload contract (local mode) and the pipeline's functions."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contest.models import AuditEvent, ContestRole, Entry
from judging.models import Award, Review
from media_pipeline import delivery, steps, storage
from media_pipeline.models import Film, Rendition, ReplacementRequest
from releases import services as releases
from releases.models import Target
from tests.factories import ContestRoleFactory, EntryFactory, PrizeFactory, team_with_member
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
    assert steps.run_check(film.pk) == Film.State.TRANSCODING
    assert steps.run_transcode(film.pk) == Film.State.READY
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
    assert steps.run_check(replacement.pk) == Film.State.REJECTED

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
    steps.run_check(first_try.pk)
    replacement = upload(browser, films.get("mkv").read_bytes(), "Sans voix v3.mkv")
    assert storage.stat_object(first_try.key) is None  # a refused replacement is of no further use
    assert steps.run_check(replacement.pk) == Film.State.TRANSCODING
    assert all(storage.stat_object(key) is not None for key in old_keys)  # still playing while it is prepared
    assert steps.run_transcode(replacement.pk) == Film.State.READY

    new_proxy = Rendition.objects.get(film=replacement, kind=Rendition.Kind.PROXY).key
    jury_page = signed_in(juror).get(reverse("jury_entry", args=[entry.contest.slug, round.pk, entry.code]))
    assert new_proxy in played_keys(jury_page.content.decode())
    assert not old_keys & played_keys(jury_page.content.decode())
    assert all(storage.stat_object(key) is None for key in old_keys)
    assert AuditEvent.objects.get(verb="film_replaced").data == {"film": film.pk, "by": replacement.pk}
    team_page = signed_in(member).get(reverse("entry_detail", args=[entry.contest.slug, entry.public_id]))
    assert "film-replacement" not in team_page.content.decode()


def test_an_awarded_and_released_film_is_replaced_only_once_an_organiser_approves_and_keeps_playing(submitted):
    entry, browser, member, film, round, juror, organiser = submitted
    proxy = film.renditions.get(kind=Rendition.Kind.PROXY).key
    Award.objects.create(contest=entry.contest, prize=PrizeFactory(contest=entry.contest), entry=entry)
    release = releases.ensure_release(entry=entry, by=organiser)
    at = timezone.now() - timedelta(seconds=1)
    for target in (Target.ANNOUNCEMENT, Target.FILM):
        releases.add_step(release=release, target=target, at=at, audiences={"public"}, by=organiser)
    releases.approve_film_steps(
        release=release, step_ids=[step.pk for step in releases.pending_approvals(release)], by=member
    )
    locked = {
        "error": "replacement_locked",
        "message": "This film was awarded a prize: your team can no longer replace it alone. Ask the organisers "
        "for a replacement; once they approve it, you may upload one new film.",
    }

    refused = browser.create(size=1000)
    assert (refused.status_code, refused.json()) == (403, locked)
    team = signed_in(member)
    entry_page = reverse("entry_detail", args=[entry.contest.slug, entry.public_id])
    assert locked["message"] in team.get(entry_page).content.decode()
    asked = team.post(
        reverse("media_pipeline:replacement_request", args=[entry.contest.slug, entry.public_id]),
        {"reason": "The sound of the last scene is out of sync."},
    )
    assert asked.status_code == 302
    assert "Your request to replace the film is waiting for the organisers." in team.get(entry_page).content.decode()
    assert browser.create(size=1000).status_code == 403  # asking is not approval
    request = ReplacementRequest.objects.get(entry=entry)
    decide = reverse("media_pipeline:replacement_approve", args=[entry.contest.slug, request.pk])
    assert team.post(decide, {"reason": "ok"}).status_code == 404  # only organisers decide
    organiser_page = signed_in(organiser).get(reverse("organiser_entry", args=[entry.contest.slug, entry.public_id]))
    assert "The sound of the last scene is out of sync." in organiser_page.content.decode()
    assert signed_in(organiser).post(decide, {"reason": "Same cut, sound fixed."}).status_code == 302
    events = AuditEvent.objects.filter(verb__startswith="replacement_").order_by("created_at", "id")
    assert [(event.verb, event.actor, event.data["reason"]) for event in events] == [
        ("replacement_requested", member, "The sound of the last scene is out of sync."),
        ("replacement_approved", organiser, "Same cut, sound fixed."),
    ]

    replacement = upload(browser, b"this is not a film, only text\n" * 100, "Sans voix v2.mp4")
    assert steps.run_check(replacement.pk) == Film.State.REJECTED
    again = browser.create(size=1000)
    assert (again.status_code, again.json()) == (403, locked)  # one upload per approval
    assert ReplacementRequest.objects.get(pk=request.pk).state == ReplacementRequest.State.USED

    public = Client().get(reverse("releases:film", args=[entry.contest.slug, entry.public_id]))
    assert public.status_code == 200
    # The public page names the app's own media address, which redirects to the kept film's proxy.
    media = Client().get(reverse("releases:film_media", args=[entry.contest.slug, entry.public_id]))
    assert media.status_code == 302 and played_keys(f'src="{media["Location"]}"') == {proxy}
    assert "Revenez dans quelques minutes" not in public.content.decode()
    jury_page = signed_in(juror).get(reverse("jury_entry", args=[entry.contest.slug, round.pk, entry.code]))
    assert proxy in played_keys(jury_page.content.decode())


def test_an_organiser_refuses_a_replacement_with_a_reason_the_team_reads(submitted):
    entry, browser, member, film, round, juror, organiser = submitted
    Award.objects.create(contest=entry.contest, prize=PrizeFactory(contest=entry.contest), entry=entry)
    team = signed_in(member)
    team.post(
        reverse("media_pipeline:replacement_request", args=[entry.contest.slug, entry.public_id]),
        {"reason": "A new ending."},
    )
    request = ReplacementRequest.objects.get(entry=entry)
    refuse = reverse("media_pipeline:replacement_refuse", args=[entry.contest.slug, request.pk])
    assert signed_in(organiser).post(refuse, {"reason": " "}).status_code == 302
    assert ReplacementRequest.objects.get(pk=request.pk).state == ReplacementRequest.State.PENDING  # no reason
    signed_in(organiser).post(refuse, {"reason": "The jury judged this cut."})

    html = team.get(reverse("entry_detail", args=[entry.contest.slug, entry.public_id])).content.decode()
    assert "The organisers refused your last request: The jury judged this cut." in html
    assert browser.create(size=1000).status_code == 403
    event = AuditEvent.objects.get(verb="replacement_refused")
    assert (event.actor, event.data["reason"]) == (organiser, "The jury judged this cut.")


def test_a_submitted_review_locks_the_film_and_a_draft_does_not(live_server, films):
    team, member = team_with_member()
    entry = EntryFactory(team=team, status=Entry.Status.SUBMITTED, film_accepted=True)
    Film.objects.create(entry=entry, key="uploads/judged", original_name="x.mp4", size=1, checksum="x", state="ready")
    round = RoundFactory(contest=entry.contest)
    review = Review.objects.create(assignment=assign(round, seated_juror(round), entry))
    browser = TeamSession(live_server.url, member, entry)
    assert browser.create(size=1000).status_code == 201
    Review.objects.filter(pk=review.pk).update(status=Review.Status.SUBMITTED)
    refused = browser.create(size=1000)
    assert refused.status_code == 403
    assert refused.json()["message"].startswith("This film was judged by the jury: your team can no longer replace")
