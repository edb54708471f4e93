"""`manage.py trace_leak`: a copy of the segments a viewing session was served, re-encoded by the Debian ffmpeg CLI
and trimmed (or cut at the credits, as a juror is served them), names that session and its viewer; an unmarked file
is not_found; two sessions' copies spliced name one of them or "several", never anyone else; a file that is not a
video, or is missing, is a usage error."""

import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from contest.models import AuditEvent, ContestRole, Entry
from media_pipeline import accusation, jury_cut, samples, screeners, tracing
from media_pipeline.models import Film, LeakTrace, Screener, ViewingSession
from tests.factories import ContestRoleFactory, EntryFactory, UserFactory

from .screeners import ffmpeg

pytestmark = pytest.mark.django_db

SECONDS = 60  # the contest's shortest film


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return samples.make_film(
        tmp_path_factory.mktemp("trace") / "source.mp4", duration_s=SECONDS, width=320, height=180, fps=10
    )


@pytest.fixture
def screened(source):
    entry = EntryFactory(title="Sans voix")
    key = default_storage.save(f"uploads/{entry.public_id}", ContentFile(source.read_bytes()))
    film = Film.objects.create(entry=entry, key=key, original_name="f.mp4", size=1, checksum="x", state="ready")
    screeners.queue_screener(film)
    assert screeners.make(film.pk) == "ready"
    return film, Screener.objects.get(film=film)


def session(film, number, **fields) -> ViewingSession:
    now = timezone.now()
    return ViewingSession.objects.create(
        film=film, token_hash=f"{number:064d}", browser_hash="b", expires_at=now + timedelta(hours=2), **fields
    )


def served_copy(screener, viewing, path, segments=None) -> None:
    """The segments `viewing` was served, one after the other, as a leaker saves them."""
    secret, name = screeners.watermark_secret(), screeners.mark_name(screener.film)
    with open(path, "wb") as copy:
        for index in segments or range(len(screener.rungs[0]["segments"])):
            variant = accusation.variant(secret=secret, film=name, session=viewing.pk, segment=index)
            copy.write(default_storage.open(screener.segment_key(180, variant, index)).read())


def traced(*arguments) -> int:
    with pytest.raises(SystemExit) as exit_:
        call_command("trace_leak", *map(str, arguments))
    return exit_.value.code


def test_a_re_encoded_trimmed_copy_names_its_session_and_viewer(screened, tmp_path, capsys):
    film, screener = screened
    juror = UserFactory(email="juror1@example.org")
    session(film, 1, kind="community", user=UserFactory())
    leaker = session(film, 2, kind="juror", user=juror, user_agent="Chromium/156")
    session(film, 3, kind="share", label="Ouest-France")
    served_copy(screener, leaker, tmp_path / "served.ts")
    ffmpeg(
        "-ss", 4, "-i", tmp_path / "served.ts", "-t", 52, "-an", "-c:v", "libx264", "-crf", 30, tmp_path / "leak.mp4"
    )

    assert traced(tmp_path / "leak.mp4", "--json") == 0
    said = json.loads(capsys.readouterr().out)
    assert said["verdict"] == "identified"
    assert said["film"] == {
        "title": "Sans voix",
        "entry": str(film.entry.public_id),
        "contest": film.entry.contest.slug,
    }
    assert said["session"]["number"] == leaker.pk and said["session"]["user_agent"] == "Chromium/156"
    assert said["viewer"] == {"kind": "juror", "email": "juror1@example.org", "label": None}
    assert said["confidence"] >= 1 - 1e-6 and said["bits"] >= 45
    event = AuditEvent.objects.get(verb="leak_traced")
    assert (event.entry, event.data["verdict"], event.data["session"]) == (film.entry, "identified", leaker.pk)

    assert traced(tmp_path / "leak.mp4") == 0
    assert capsys.readouterr().out.startswith(f"identified: « Sans voix », session {leaker.pk} of ")


def test_a_copy_of_a_jurors_cut_screener_names_the_juror(screened, tmp_path, capsys):
    """With credits marked, a juror is served the segments between them only (media_pipeline.jury_cut): a copy of
    those still carries enough of the mark."""
    film, screener = screened
    Entry.objects.filter(pk=film.entry_id).update(opening_credits_end_s=7.5, closing_credits_start_s=52.0)
    film.entry.refresh_from_db()
    cut = jury_cut.jury_cut(film.entry, len(screener.rungs[0]["segments"]))
    assert (cut.first, cut.stop) == (8, 52)
    session(film, 1, kind="team", user=UserFactory())
    leaker = session(film, 2, kind="juror", user=UserFactory(email="juror1@example.org"))
    served_copy(screener, leaker, tmp_path / "served.ts", segments=range(cut.first, cut.stop))
    ffmpeg("-i", tmp_path / "served.ts", "-an", "-c:v", "libx264", "-crf", 30, tmp_path / "leak.mp4")

    assert traced(tmp_path / "leak.mp4", "--json") == 0
    said = json.loads(capsys.readouterr().out)
    assert (said["verdict"], said["session"]["number"]) == ("identified", leaker.pk)
    assert said["viewer"] == {"kind": "juror", "email": "juror1@example.org", "label": None}
    assert said["confidence"] >= 1 - 1e-6 and said["bits"] >= 40


def test_the_unmarked_film_is_not_found(screened, source, capsys):
    film, _screener = screened
    session(film, 1, kind="juror", user=UserFactory())
    assert traced(source, "--json") == 1
    said = json.loads(capsys.readouterr().out)
    assert (said["verdict"], said["film"], said["session"], said["viewer"]) == ("not_found", None, None, None)


def test_two_sessions_spliced_name_one_of_them_or_several_never_anyone_else(screened, tmp_path, capsys):
    film, screener = screened
    first, second = (
        session(film, 1, kind="juror", user=UserFactory()),
        session(film, 2, kind="team", user=UserFactory()),
    )
    innocents = [session(film, n, kind="community", user=UserFactory()) for n in range(3, 8)]
    served_copy(screener, first, tmp_path / "first.ts", segments=range(0, 30))
    served_copy(screener, second, tmp_path / "second.ts", segments=range(30, 60))
    (tmp_path / "spliced.ts").write_bytes((tmp_path / "first.ts").read_bytes() + (tmp_path / "second.ts").read_bytes())
    code = traced(tmp_path / "spliced.ts", "--json")
    said = json.loads(capsys.readouterr().out)
    named = {said["session"]["number"]} if said["session"] else {s["number"] for s in said["suspects"]}
    assert said["verdict"] in ("identified", "several")
    assert named <= {first.pk, second.pk}
    assert not named & {innocent.pk for innocent in innocents}
    assert code == (0 if said["verdict"] == "identified" else 1)


def test_a_missing_file_or_one_that_is_not_a_video_is_a_usage_error(tmp_path, capsys):
    assert traced(tmp_path / "nothing.mp4") == 2
    (tmp_path / "notes.txt").write_text("not a film")
    assert traced(tmp_path / "notes.txt") == 2
    assert "trace_leak: not a video that can be read" in capsys.readouterr().err


def organiser_of(contest):
    return ContestRoleFactory(contest=contest, role=ContestRole.Role.ORGANISER).user


def test_an_organiser_uploads_a_copy_a_worker_traces_it_and_the_page_names_the_viewer(screened, tmp_path, client):
    film, screener = screened
    contest = film.entry.contest
    organiser = organiser_of(contest)
    leaker = session(film, 1, kind="share", label="Ouest-France")
    served_copy(screener, leaker, tmp_path / "served.ts")
    ffmpeg("-i", tmp_path / "served.ts", "-an", "-c:v", "libx264", "-crf", 28, tmp_path / "found.mp4")
    client.force_login(organiser)
    page = client.get(reverse("organiser_dashboard", kwargs={"contest_slug": contest.slug})).content.decode()
    traces_url = reverse("media_pipeline:traces", kwargs={"contest_slug": contest.slug})
    assert f'href="{traces_url}"' in page  # in the organisers' navigation
    with open(tmp_path / "found.mp4", "rb") as copy:
        response = client.post(traces_url, {"copy": copy})
    job = LeakTrace.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "media_pipeline:trace", kwargs={"contest_slug": contest.slug, "trace_id": job.public_id}
    )
    waiting = client.get(response["Location"]).content.decode()
    assert 'data-trace-state="queued"' in waiting and '<meta http-equiv="refresh" content="5">' in waiting
    requested = AuditEvent.objects.get(verb="leak_trace_requested")
    assert (requested.actor, requested.data["file"]) == (organiser, "found.mp4")

    assert tracing.run_trace(job.pk) == "done"
    assert tracing.run_trace(job.pk) is None  # a second message does nothing
    job.refresh_from_db()
    assert (job.verdict, job.result["viewer"]) == (
        "identified",
        {"kind": "share", "email": None, "label": "Ouest-France"},
    )
    assert not default_storage.exists(job.key)  # the copy is deleted once traced
    html = client.get(response["Location"]).content.decode()
    assert 'data-verdict="identified"' in html and "refresh" not in html
    assert "share link “Ouest-France”" in html
    assert AuditEvent.objects.get(verb="leak_traced").data["trace"] == str(job.public_id)
    listing = client.get(traces_url).content.decode()
    assert "Identified</strong>: share link “Ouest-France”" in listing


def test_a_file_that_is_not_a_video_fails_with_the_reason_and_a_lost_trace_does_not_wait_for_ever(screened, client):
    film, _screener = screened
    contest = film.entry.contest
    client.force_login(organiser_of(contest))
    traces_url = reverse("media_pipeline:traces", kwargs={"contest_slug": contest.slug})
    client.post(traces_url, {"copy": SimpleUploadedFile("notes.mp4", b"not a film")})
    job = LeakTrace.objects.get()
    assert tracing.run_trace(job.pk) == "failed"
    job.refresh_from_db()
    assert job.failure == "This file is not a video that can be read."
    client.post(traces_url, {"copy": SimpleUploadedFile("lost.mp4", b"x")})
    lost = LeakTrace.objects.get(original_name="lost.mp4")
    assert tracing.abandon_stale_traces(now=timezone.now() + timedelta(minutes=59)) == 0
    assert tracing.abandon_stale_traces(now=timezone.now() + timedelta(minutes=61)) == 1
    lost.refresh_from_db()
    assert (lost.state, lost.failure) == (
        "failed",
        "No worker finished this trace within an hour. Upload the copy again.",
    )


def test_the_trace_pages_are_for_the_contests_organisers_only(screened, client):
    film, _screener = screened
    contest = film.entry.contest
    job = LeakTrace.objects.create(contest=contest, original_name="x.mp4", created_by=organiser_of(contest))
    urls = [
        reverse("media_pipeline:traces", kwargs={"contest_slug": contest.slug}),
        reverse("media_pipeline:trace", kwargs={"contest_slug": contest.slug, "trace_id": job.public_id}),
    ]
    other_organiser = organiser_of(EntryFactory().contest)
    for user in (None, UserFactory(), other_organiser):
        if user is not None:
            client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [404, 404]
        assert client.post(urls[0], {"copy": SimpleUploadedFile("x.mp4", b"x")}).status_code == 404
    assert LeakTrace.objects.count() == 1


def test_an_upload_without_a_file_shows_the_form_again_with_the_reason(screened, client):
    film, _screener = screened
    contest = film.entry.contest
    client.force_login(organiser_of(contest))
    response = client.post(reverse("media_pipeline:traces", kwargs={"contest_slug": contest.slug}), {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not LeakTrace.objects.exists()
