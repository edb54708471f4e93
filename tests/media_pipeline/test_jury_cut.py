"""The jury's cut of a real screener (PyAV films, decoded): a juror's session starts at the first whole second after
the opening credits and stops at the last one before the closing credits, the team's session plays the whole film;
and the rounding of the marks to segments, which never lets a frame of the credits through."""

import io
import re
import urllib.request

import av
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from contest.models import Entry
from media_pipeline import jury_cut, samples, screeners
from media_pipeline.models import Film
from tests.factories import EntryFactory, TeamMemberFactory, UserFactory
from tests.judging.factories import RoundFactory, assign, seated_juror

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def eight_seconds(tmp_path_factory):
    return samples.make_film(tmp_path_factory.mktemp("cut") / "eight.mp4", duration_s=8, fps=10, width=320, height=180)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def fetched(client: Client, location: str) -> bytes:
    if location.startswith("http"):  # the S3 API's presigned URL
        with urllib.request.urlopen(location) as response:
            return response.read()
    return b"".join(client.get(location).streaming_content)


def first_frame_time(data: bytes) -> float:
    with av.open(io.BytesIO(data), format="mpegts") as container:
        frame = next(container.decode(video=0))
        return float(frame.time)


def session_base(client: Client, opener: str) -> str:
    response = client.get(opener)
    assert response.status_code == 302
    return response["Location"].removesuffix("index.m3u8")


def test_a_jurors_session_of_a_real_screener_starts_after_the_opening_credits(eight_seconds):
    entry = EntryFactory(status=Entry.Status.SUBMITTED, film_accepted=True, runtime_s=8)
    member = UserFactory()
    TeamMemberFactory(team=entry.team, user=member)
    jury_round = RoundFactory(contest=entry.contest)
    juror = seated_juror(jury_round, email="juror1@example.org")
    assign(jury_round, juror, entry)
    key = default_storage.save(f"uploads/{entry.public_id}", ContentFile(eight_seconds.read_bytes()))
    film = Film.objects.create(
        entry=entry, key=key, original_name="film.mp4", size=1, checksum="x", state=Film.State.READY, duration_s=8.0
    )
    screeners.queue_screener(film)
    assert screeners.make(film.pk) == "ready"
    Entry.objects.filter(pk=entry.pk).update(opening_credits_end_s=2.5, closing_credits_start_s=6.2)

    kwargs = {"contest_slug": entry.contest.slug, "round_id": jury_round.pk, "code": entry.code}
    jury = client_of(juror)
    base = session_base(jury, reverse("jury_screener", kwargs=kwargs))
    playlist = jury.get(f"{base}180.m3u8").content.decode()
    assert re.findall(r"/(180/\d+\.ts)$", playlist, flags=re.MULTILINE) == ["180/3.ts", "180/4.ts", "180/5.ts"]
    audio = jury.get(f"{base}audio.m3u8").content.decode()
    assert re.findall(r"/(audio/\d+\.ts)$", audio, flags=re.MULTILINE) == ["audio/3.ts", "audio/4.ts", "audio/5.ts"]
    assert jury.get(f"{base}180/2.ts").status_code == 404

    team = client_of(member)
    opener = reverse(
        "media_pipeline:film_screener", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id}
    )
    team_base = session_base(team, opener)
    assert len(re.findall(r"\.ts$", team.get(f"{team_base}180.m3u8").content.decode(), flags=re.MULTILINE)) == 8

    # Decoded: the jury's first picture is the film's third second, the team's first its very start.
    start = first_frame_time(fetched(team, team.get(f"{team_base}180/0.ts")["Location"]))
    jurys_first = first_frame_time(fetched(jury, jury.get(f"{base}180/3.ts")["Location"]))
    assert round(jurys_first - start, 3) == 3.0
    jurys_last = jury.get(f"{base}180/5.ts")["Location"]
    assert round(first_frame_time(fetched(jury, jurys_last)) - start, 3) == 5.0


@pytest.mark.parametrize(
    ("opening", "closing", "segments", "expected"),
    [
        (2.0, None, 20, (2, 20)),  # a mark on a segment's start keeps that segment
        (2.001, None, 20, (3, 20)),  # a hundredth into a segment: that segment holds credits
        (None, 16.0, 20, (0, 16)),
        (None, 15.999, 20, (0, 15)),
        (2.5, 30.0, 20, (3, 20)),  # closing credits after the screener's end: to its end
        (25.0, None, 20, (19, 20)),  # marks beyond the film leave its last segment, never an empty playlist
    ],
)
def test_the_cut_falls_on_whole_segments_inside_the_marks(opening, closing, segments, expected):
    entry = Entry(opening_credits_end_s=opening, closing_credits_start_s=closing)
    cut = jury_cut.jury_cut(entry, segments)
    assert (cut.first, cut.stop) == expected
    assert cut.offset_s == expected[0]


def test_no_marks_no_cut():
    assert jury_cut.jury_cut(Entry(), 20) is None
    assert not jury_cut.is_marked(Entry())
