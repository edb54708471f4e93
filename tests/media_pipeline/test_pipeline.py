"""The pipeline's services in this process: states, verdicts in the team's language, claims and attempts, storage
that is down, the sweeper, and the pages that show it all (team status, organiser pipeline page)."""

import hashlib
import json
from datetime import timedelta

import pytest
import redis
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from contest.models import AuditEvent, ContestRole, Entry
from media_pipeline import pipeline, samples, steps, storage
from media_pipeline.models import Film, Rendition, new_upload_key
from tests.factories import ContestRoleFactory, EntryFactory, TeamMemberFactory, UserFactory

from .workers import RedisServer, free_port, publishing_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(tmp_path):
    """A private Redis as broker, so that the messages the pipeline sends can be counted exactly."""
    server = RedisServer(tmp_path)
    server.start()
    with publishing_to(server.url):
        yield redis.Redis.from_url(server.url)
    server.stop()


def stored_film(entry, data: bytes, *, by=None) -> Film:
    key = default_storage.save(new_upload_key(), ContentFile(data))
    return Film.objects.create(
        entry=entry,
        key=key,
        original_name="Sans voix - montage final.mp4",
        size=len(data),
        checksum=hashlib.md5(data, usedforsecurity=False).hexdigest(),
        uploaded_by=by,
    )


def team_entry(**contest):
    entry = EntryFactory(**{f"team__contest__{name}": value for name, value in contest.items()})
    member = TeamMemberFactory(team=entry.team, user=UserFactory(preferred_language="fr")).user
    return entry, member


def test_an_accepted_film_is_transcoded_and_its_entry_accepted(films, broker, django_capture_on_commit_callbacks):
    entry, member = team_entry(min_resolution_px=90)
    film = stored_film(entry, films.get("tagged").read_bytes(), by=member)

    with django_capture_on_commit_callbacks(execute=True):
        assert steps.run_check(film.pk) == Film.State.TRANSCODING
    film.refresh_from_db()
    entry.refresh_from_db()
    assert (film.state, film.attempts, film.lease_until, film.problems) == (Film.State.TRANSCODING, 0, None, [])
    assert entry.film_accepted is True
    assert film.probe["video"]["display_width"] == 180 and film.probe["video"]["display_height"] == 320
    assert broker.llen("transcode") == 1  # queued after commit

    with django_capture_on_commit_callbacks(execute=True):
        assert steps.run_transcode(film.pk) == Film.State.READY
    film.refresh_from_db()
    assert film.progress == 1.0
    proxy = film.renditions.get(kind=Rendition.Kind.PROXY)
    assert (proxy.width, proxy.height, proxy.content_type) == (180, 320, "video/mp4")
    assert [r.position for r in film.renditions.filter(kind=Rendition.Kind.POSTER)] == [0.1, 0.5, 0.9]
    # The proxy carries none of the original's tags: title, artist and comment could name the team.
    import av

    with default_storage.open(proxy.key, "rb") as handle, av.open(handle) as media:
        assert not {"title", "artist", "comment"} & set(media.metadata)
    assert [m.subject for m in mail.outbox] == [f"Votre film pour « {entry.title} » est prêt"]  # the team reads French


def test_a_title_stored_with_a_line_break_still_gets_its_ready_mail_on_one_line(
    films, broker, django_capture_on_commit_callbacks
):
    entry, member = team_entry(min_resolution_px=90)
    Entry.objects.filter(pk=entry.pk).update(title="Sans voix\r\nBcc: x@evil.example")  # stored before the rule
    film = stored_film(entry, films.get("tagged").read_bytes(), by=member)
    with django_capture_on_commit_callbacks(execute=True):
        assert steps.run_check(film.pk) == Film.State.TRANSCODING
    with django_capture_on_commit_callbacks(execute=True):
        assert steps.run_transcode(film.pk) == Film.State.READY
    [message] = mail.outbox
    assert message.subject == "Votre film pour « Sans voix Bcc: x@evil.example » est prêt"
    assert message.bcc == [] and message.to == [member.email]
    film.refresh_from_db()
    assert film.state == Film.State.READY


def test_a_rejected_film_says_why_in_the_team_language_and_in_the_page_language(
    films, broker, client, django_capture_on_commit_callbacks
):
    entry, member = team_entry(min_resolution_px=90, max_duration_s=5)
    film = stored_film(entry, films.get("long").read_bytes(), by=member)

    with django_capture_on_commit_callbacks(execute=True):
        assert steps.run_check(film.pk) == Film.State.REJECTED
    film.refresh_from_db()
    assert film.problems == [
        {
            "code": "too_long",
            "params": {"duration_s": pytest.approx(8.0, abs=0.05), "limit_s": 5},
            "message": "Votre film dure 8 s\xa0; la limite est de 5 s\xa0: coupez 3 s.",
        }
    ]
    assert broker.llen("transcode") == 0
    assert mail.outbox[0].subject == f"Votre film pour « {entry.title} » doit être corrigé"
    assert "Votre film dure 8 s\xa0; la limite est de 5 s\xa0: coupez 3 s." in mail.outbox[0].body

    client.force_login(member)
    url = reverse(
        "media_pipeline:film_status", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id}
    )
    data = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert (data["state"], data["problems"], data["inProgress"]) == ("rejected", ["too_long"], False)
    assert "Your film lasts 8 s; the limit is 5 s: cut 3 s." in data["html"]


def test_a_second_claim_finds_nothing_to_do(films):
    entry, _member = team_entry(min_resolution_px=90)
    film = stored_film(entry, films.get("h264").read_bytes())

    first = pipeline.claim(film.pk, pipeline.CHECK)
    second = pipeline.claim(film.pk, pipeline.CHECK)

    assert (first.state, first.attempts) == (Film.State.CHECKING, 1)
    assert second is None
    assert steps.run_check(film.pk) is None  # a duplicate delivery while the first holds the lease


def test_an_expired_lease_is_taken_over_and_the_late_worker_cannot_write(films):
    entry, _member = team_entry(min_resolution_px=90)
    film = stored_film(entry, films.get("h264").read_bytes())
    stale = pipeline.claim(film.pk, pipeline.CHECK)
    Film.objects.filter(pk=film.pk).update(lease_until=timezone.now() - timedelta(seconds=1))

    fresh = pipeline.claim(film.pk, pipeline.CHECK)

    assert fresh.attempts == 2
    with pytest.raises(pipeline.Superseded):
        pipeline.heartbeat(stale)


def test_after_the_last_attempt_the_film_fails_with_the_reason(films, settings, django_capture_on_commit_callbacks):
    entry, member = team_entry(min_resolution_px=90)
    film = stored_film(entry, films.get("h264").read_bytes(), by=member)
    past = timezone.now() - timedelta(seconds=1)
    Film.objects.filter(pk=film.pk).update(
        state=Film.State.TRANSCODING, attempts=settings.PIPELINE_MAX_ATTEMPTS, lease_until=past
    )
    pipeline.crashed(film.pk, MemoryError("out of memory"))

    with django_capture_on_commit_callbacks(execute=True):
        assert pipeline.claim(film.pk, pipeline.TRANSCODE) is None

    film.refresh_from_db()
    assert film.state == Film.State.FAILED
    assert film.failure == "Gave up after 3 attempts at the transcode. Last error: MemoryError: out of memory"
    assert AuditEvent.objects.filter(verb="film_failed", entry=entry).count() == 1
    assert mail.outbox[0].subject == f"Nous n’avons pas pu traiter votre film pour « {entry.title} »"


def test_storage_that_cannot_be_reached_means_retry_not_reject(s3, films, settings):
    entry, _member = team_entry(min_resolution_px=90)
    film = stored_film(entry, films.get("h264").read_bytes())
    reachable = settings.STORAGES["default"]
    closed = f"http://127.0.0.1:{free_port()}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**reachable, "OPTIONS": {**reachable["OPTIONS"], "endpoint_url": closed}},
    }

    with pytest.raises(storage.StorageUnavailable):
        steps.run_check(film.pk)

    film.refresh_from_db()
    assert (film.state, film.attempts, film.problems) == (Film.State.CHECKING, 1, [])
    assert film.lease_until < timezone.now()  # released: the retry need not wait for the lease
    settings.STORAGES = {**settings.STORAGES, "default": reachable}
    assert steps.run_check(film.pk) == Film.State.TRANSCODING


def test_the_sweeper_resends_lost_and_abandoned_work_and_nothing_else(films, broker, settings):
    now = timezone.now()
    long_ago = now - timedelta(hours=1)
    entry = EntryFactory()

    def film(state, **fields):
        made = stored_film(EntryFactory(team__contest=entry.contest, contest=entry.contest), b"x")
        Film.objects.filter(pk=made.pk).update(state=state, **fields)
        return made.pk

    never_queued = film(Film.State.RECEIVED, state_changed_at=long_ago)
    just_uploaded = film(Film.State.RECEIVED, state_changed_at=now)
    queued_recently = film(Film.State.RECEIVED, state_changed_at=long_ago, enqueued_at=now - timedelta(minutes=1))
    queued_and_lost = film(Film.State.RECEIVED, state_changed_at=long_ago, enqueued_at=long_ago)
    checking_dead = film(Film.State.CHECKING, enqueued_at=long_ago, lease_until=now - timedelta(seconds=5))
    checking_alive = film(Film.State.CHECKING, enqueued_at=long_ago, lease_until=now + timedelta(seconds=30))
    transcoding_dead = film(Film.State.TRANSCODING, enqueued_at=long_ago, lease_until=now - timedelta(seconds=5))
    transcoding_waiting = film(Film.State.TRANSCODING, state_changed_at=long_ago)
    film(Film.State.READY, state_changed_at=long_ago)
    film(Film.State.REJECTED, state_changed_at=long_ago)
    film(Film.State.FAILED, state_changed_at=long_ago)
    replaced = film(Film.State.RECEIVED, state_changed_at=long_ago, replaced_at=now)

    assert pipeline.sweep(now=now) == {"check": 3, "transcode": 2}
    checks = {json.loads(message)["headers"]["argsrepr"] for message in broker.lrange("checks", 0, -1)}
    transcodes = {json.loads(message)["headers"]["argsrepr"] for message in broker.lrange("transcode", 0, -1)}
    assert checks == {f"({pk},)" for pk in (never_queued, queued_and_lost, checking_dead)}
    assert transcodes == {f"({pk},)" for pk in (transcoding_dead, transcoding_waiting)}
    assert {just_uploaded, queued_recently, checking_alive, replaced}.isdisjoint(
        Film.objects.filter(enqueued_at__gte=now).values_list("pk", flat=True)
    )
    # Run again at once: what was just re-sent is not sent again.
    assert pipeline.sweep(now=now + timedelta(seconds=1)) == {"check": 0, "transcode": 0}


def test_organisers_see_the_pipeline_and_retry_a_failed_film(client, films, broker, django_capture_on_commit_callbacks):
    entry, member = team_entry(min_resolution_px=90)
    film = stored_film(entry, films.get("h264").read_bytes())
    Film.objects.filter(pk=film.pk).update(
        state=Film.State.FAILED, failure="Gave up after 3 attempts at the transcode."
    )
    organiser = ContestRoleFactory(contest=entry.contest, role=ContestRole.Role.ORGANISER).user
    juror = ContestRoleFactory(contest=entry.contest, role=ContestRole.Role.JUROR).user
    other_organiser = ContestRoleFactory(role=ContestRole.Role.ORGANISER).user
    page = reverse("media_pipeline:pipeline", kwargs={"contest_slug": entry.contest.slug})
    retry = reverse("media_pipeline:pipeline_retry", kwargs={"contest_slug": entry.contest.slug, "film_id": film.pk})

    for who in (None, member, juror, other_organiser):
        client.logout()
        if who:
            client.force_login(who)
        assert client.get(page).status_code == 404
        assert client.post(retry).status_code == 404
    assert Film.objects.get(pk=film.pk).state == Film.State.FAILED

    client.force_login(organiser)
    html = client.get(page).content.decode()
    assert 'data-state="failed">1<' in html
    assert "Gave up after 3 attempts at the transcode." in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry, follow=True)
    assert "is being checked again" in response.content.decode()
    film.refresh_from_db()
    assert (film.state, film.attempts, film.failure) == (Film.State.RECEIVED, 0, "")
    assert broker.llen("checks") == 1
    assert AuditEvent.objects.filter(verb="film_retried", entry=entry, actor=organiser).count() == 1


def test_only_the_team_sees_its_film_status(client, films):
    entry, member = team_entry(min_resolution_px=90)
    stored_film(entry, films.get("h264").read_bytes())
    other_team_member = TeamMemberFactory(team__contest=entry.contest).user
    organiser = ContestRoleFactory(contest=entry.contest, role=ContestRole.Role.ORGANISER).user
    url = reverse(
        "media_pipeline:film_status", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id}
    )

    for who, status in ((other_team_member, 404), (organiser, 404), (member, 200)):
        client.force_login(who)
        assert client.get(url).status_code == status
    client.logout()
    assert client.get(url).status_code == 404


def test_the_entry_page_shows_the_ready_film_with_poster_and_player(client, films):
    entry, member = team_entry(min_resolution_px=90)
    film = stored_film(entry, films.get("h264").read_bytes())
    steps.run_check(film.pk)
    steps.run_transcode(film.pk)
    client.force_login(member)

    html = client.get(
        reverse("entry_detail", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    ).content.decode()

    assert "Your film passed the checks and is ready for the jury." in html
    assert html.count('<source src="/media/') == 2  # light rendition for phones, then the proxy
    assert 'poster="/media/' in html
    assert film.key not in html  # the original is never what plays


def test_a_new_upload_restarts_the_checks(films, broker):
    entry, member = team_entry(min_resolution_px=90)
    first = stored_film(entry, films.get("h264").read_bytes())
    steps.run_check(first.pk)
    steps.run_transcode(first.pk)
    Film.objects.filter(pk=first.pk).update(replaced_at=timezone.now())
    second = stored_film(entry, samples.make_film(films.get("h264").parent / "second.mp4", duration_s=1).read_bytes())

    pipeline.film_received(second)

    second.refresh_from_db()
    assert second.state == Film.State.RECEIVED and second.enqueued_at is not None
    assert broker.llen("checks") == 1
    assert steps.run_transcode(first.pk) is None  # a replaced film is never worked on again


def test_the_organiser_entry_page_shows_the_verdict_and_the_original_name(client, films):
    entry, member = team_entry(min_resolution_px=90, max_duration_s=5)
    film = stored_film(entry, films.get("long").read_bytes(), by=member)
    steps.run_check(film.pk)
    organiser = ContestRoleFactory(contest=entry.contest, role=ContestRole.Role.ORGANISER).user
    client.force_login(organiser)

    url = reverse("organiser_entry", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    html = client.get(url).content.decode()

    assert "Sans voix - montage final.mp4" in html
    assert '<li data-code="too_long">Your film lasts 8 s; the limit is 5 s: cut 3 s.</li>' in html
    assert "film checked" in html


def test_the_jurors_track_of_a_webvtt_file_names_nobody(films, broker):
    entry, _ = team_entry(min_resolution_px=90)
    entry.subtitle_file.save(
        "st.vtt",
        ContentFile(
            b"WEBVTT\nKind: captions\n\nNOTE Yanis Bernard\n\n"
            b"00:00.500 --> 00:01.500\n<v Yanis Bernard>Tom &amp; moi</v>\n"
        ),
    )
    film = stored_film(entry, films.get("h264").read_bytes())
    steps.run_check(film.pk)
    assert steps.run_transcode(film.pk) == Film.State.READY

    subtitles = Film.objects.get(pk=film.pk).renditions.get(kind=Rendition.Kind.SUBTITLES)
    with default_storage.open(subtitles.key, "rb") as handle:
        assert handle.read().decode() == "WEBVTT\n\n1\n00:00:00.500 --> 00:00:01.500\nTom &amp; moi\n"
    assert Film.objects.get(pk=film.pk).warnings == []


def test_the_teams_srt_becomes_a_webvtt_rendition_and_a_broken_one_a_warning(films, broker):
    good, _ = team_entry(min_resolution_px=90)
    good.subtitle_file.save("st.srt", ContentFile(b"1\r\n00:00:00,500 --> 00:00:01,500\r\nL'\xc3\xa9t\xc3\xa9\r\n"))
    broken, _ = team_entry(min_resolution_px=90)
    broken.subtitle_file.save("st.srt", ContentFile(b"1\n00:00:02,000 --> 00:00:01,000\nHi\n"))
    outcome = {}
    for entry in (good, broken):
        film = stored_film(entry, films.get("h264").read_bytes())
        steps.run_check(film.pk)
        assert steps.run_transcode(film.pk) == Film.State.READY
        outcome[entry.pk] = Film.objects.get(pk=film.pk)

    subtitles = outcome[good.pk].renditions.get(kind=Rendition.Kind.SUBTITLES)
    assert subtitles.content_type == "text/vtt"
    with default_storage.open(subtitles.key, "rb") as handle:
        assert handle.read().decode() == "WEBVTT\n\n1\n00:00:00.500 --> 00:00:01.500\nL'été\n"
    assert outcome[good.pk].warnings == []
    assert not outcome[broken.pk].renditions.filter(kind=Rendition.Kind.SUBTITLES).exists()
    assert [(w["code"], w["message"]) for w in outcome[broken.pk].warnings] == [
        ("subtitle_invalid", "The subtitle file is not valid SRT or WebVTT (line 2: cue ends before start).")
    ]
