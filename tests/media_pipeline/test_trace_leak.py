"""`manage.py trace_leak`: a copy of the segments a viewing session was served, re-encoded by the Debian ffmpeg CLI
and trimmed, names that session and its viewer; an unmarked file is not_found; two sessions' copies spliced name
one of them or "several", never anyone else; a file that is not a video, or is missing, is a usage error."""

import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from contest.models import AuditEvent
from media_pipeline import accusation, samples, screeners
from media_pipeline.models import Film, Screener, ViewingSession
from tests.factories import EntryFactory, UserFactory

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
