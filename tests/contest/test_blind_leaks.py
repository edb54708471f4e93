"""Blind leaks, from the team's side: before it submits, its entry page names each place that would tell a blind jury
who made the film (text, subtitles and their voice tags, the file's name and metadata), and how to fix it."""

from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from contest.blind_leaks import blind_leaks
from media_pipeline import samples
from media_pipeline.models import Film
from media_pipeline.probe import MediaRules, probe_path
from tests.factories import InstitutionFactory, TeamFactory, TeamMemberFactory, UserFactory, ready_entry

pytestmark = pytest.mark.django_db

SUBTITLES = """WEBVTT

1
00:00:01.000 --> 00:00:03.000
<v Noé Laurent>Je ne dirai rien.

2
00:00:04.000 --> 00:00:06.000
<v Léa>Personne ne m'a crue.
"""


@pytest.fixture
def team_film():
    institution = InstitutionFactory(name="Lycée Olympe de Gouges")
    team = TeamFactory(name="Les Voix Cachées", institution=institution)
    captain = UserFactory(full_name="Camille Rivière")
    TeamMemberFactory(team=team, user=captain)
    TeamMemberFactory(team=team, user=UserFactory(full_name="Noé Laurent"))
    entry = ready_entry(team=team, title="Sans voix")
    return entry, captain


def _page(entry, user) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    url = reverse("entry_detail", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    return unescape(client.get(url).content.decode())


def test_a_synopsis_naming_one_member_and_a_voice_tag_naming_another_are_both_reported_before_submission(team_film):
    entry, captain = team_film
    entry.synopsis_en = "Filmed in our school by camille riviere, who also plays the teacher."
    entry.subtitle_file.save("subtitles.vtt", ContentFile(SUBTITLES.encode()), save=False)
    entry.save()
    found = [(str(leak.place), leak.name) for leak in blind_leaks(entry)]
    assert found == [
        ("the synopsis (English)", "camille riviere"),
        ("subtitles, line 5 (a voice tag)", "Noé Laurent"),
    ]
    html = _page(entry, captain)
    assert "The jury judges blind: these places may tell it who made the film" in html
    assert (
        "<strong>The synopsis (English)</strong>: “Filmed in our school by camille riviere, who also plays the teacher.” names "
        "camille riviere. Change it with “Edit” on this page."
    ) in html
    assert (
        "<strong>Subtitles, line 5 (a voice tag)</strong>: “Noé Laurent” names Noé Laurent. Name the character, not the actor, in the "
        "voice tag (<v Léa>), or remove the tag."
    ) in html


def test_the_film_files_name_and_its_written_metadata_are_searched(team_film, tmp_path):
    entry, captain = team_film
    path = samples.make_film(
        tmp_path / "rushes-les-voix-cachees.mp4",
        width=160,
        height=90,
        duration_s=1,
        title_tag="Montage Lycée Olympe de Gouges",
        tags={"artist": "Camille"},
    )
    report = probe_path(path, rules=MediaRules())
    assert report.tags == {"title": "Montage Lycée Olympe de Gouges", "artist": "Camille"}
    Film.objects.create(
        entry=entry,
        key=f"films/{entry.public_id}.mp4",
        original_name="Les Voix Cachées - final.mp4",
        size=path.stat().st_size,
        checksum="x",
        state=Film.State.READY,
        probe=report.as_dict(),
    )
    found = [(str(leak.place), leak.name) for leak in blind_leaks(entry)]
    assert found == [
        ("the film's file name", "Les Voix Cachées"),
        ("the film file's metadata (title)", "Lycée Olympe de Gouges"),
        ("the film file's metadata (artist)", "Camille"),
    ]


def test_a_name_inside_another_word_or_a_contest_that_is_not_blind_reports_nothing(team_film):
    entry, captain = team_film
    entry.synopsis_en = "Noémie and Laurentine keep silent; the voices are hidden."
    entry.save()
    assert blind_leaks(entry) == []
    entry.synopsis_en = "Noé speaks."
    entry.save()
    assert [leak.name for leak in blind_leaks(entry)] == ["Noé"]
    entry.contest.blind_judging = False
    entry.contest.save()
    entry.refresh_from_db()
    assert blind_leaks(entry) == []
    assert "The jury judges blind" not in _page(entry, captain)


def test_a_subtitle_inside_the_marked_credits_is_no_leak_as_the_jurys_cut_leaves_it_out(team_film):
    entry, _captain = team_film
    subtitles = SUBTITLES + "\n3\n00:00:40.000 --> 00:00:42.000\nRéalisation : Camille Rivière\n"
    entry.subtitle_file.save("subtitles.vtt", ContentFile(subtitles.encode()), save=False)
    entry.save()
    places = [(str(leak.place), leak.name) for leak in blind_leaks(entry)]
    assert places == [
        ("subtitles, line 5 (a voice tag)", "Noé Laurent"),
        ("subtitles, line 13", "Camille Rivière"),
    ]
    entry.opening_credits_end_s, entry.closing_credits_start_s = 3.5, 40.0
    assert blind_leaks(entry) == []  # the first cue starts in the opening credits, the third in the closing ones
    entry.opening_credits_end_s = 0.5
    assert [(str(leak.place), leak.name) for leak in blind_leaks(entry)] == [
        ("subtitles, line 5 (a voice tag)", "Noé Laurent")
    ]
