"""Hard passages the team marks: the players get them (with the notice's words and who to talk to), and a juror who
skips one loses nothing of their watched share, while skipping anything else still counts against it."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contest import services as contest_services
from contest.models import AuditEvent, ContentWarning, MarkedPassage
from judging.models import Review
from media_pipeline.models import Film

from .jury_http import client_for, entry_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def twelve_seconds(scene):
    """The scene's film, probed at 12 s; the juror's client and the address of their watched reports."""
    Film.objects.create(
        entry=scene.entry, key="uploads/twelve", original_name="x.mp4", size=1, checksum="x",
        state=Film.State.READY, duration_s=12.0,
    )  # fmt: skip
    return client_for(scene.juror), entry_url(scene, "jury_watched")


def _watch_skipping_six_to_nine(client, url) -> float:
    """Play 0 → 6 s, jump to 9 s, play to the end: 9 s of real time for a 12-s film."""
    start = timezone.now()
    share = None
    for seconds, position in ((0, 0), (6, 6), (6.2, 9.2), (9, 12)):
        with time_machine.travel(start + timedelta(seconds=seconds), tick=False):
            body = json.dumps({"position": position})
            share = client.post(url, body, content_type="application/json").json()["watched_share"]
    return share


def test_skipping_a_marked_passage_costs_the_juror_nothing(scene, twelve_seconds):
    warning = ContentWarning.objects.get(contest=scene.contest, code="sexual_violence")
    contest_services.mark_passage(entry=scene.entry, by=scene.organiser, start_s=6, end_s=9, content_warning=warning)
    assert _watch_skipping_six_to_nine(*twelve_seconds) == 1.0
    assert Review.objects.get(assignment=scene.assignment).watched_seconds == 12.0


def test_skipping_a_passage_nobody_marked_still_counts_against_the_share(scene, twelve_seconds):
    assert _watch_skipping_six_to_nine(*twelve_seconds) == 0.75


def test_the_team_marks_a_passage_in_minutes_and_seconds_and_a_wrong_one_is_refused_with_its_words(scene):
    captain = scene.entry.team.members.first()
    warning = ContentWarning.objects.get(contest=scene.contest, code="sexual_violence")
    url = reverse("entry_passage_add", kwargs={"contest_slug": scene.contest.slug, "public_id": scene.entry.public_id})
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(captain)
    fields = {"start_s": "0:41", "end_s": "1:05", "content_warning": warning.pk}
    assert client.post(url, fields).status_code == 302
    passage = MarkedPassage.objects.get(entry=scene.entry)
    assert (passage.start_s, passage.end_s, passage.span) == (41.0, 65.0, "0:41–1:05")
    assert AuditEvent.objects.filter(verb="passage_marked", entry=scene.entry).count() == 1

    refused = client.post(url, {**fields, "start_s": "1:10"})
    assert refused.status_code == 400
    assert "The passage must end after it starts." in refused.content.decode()
    refused = client.post(url, {**fields, "end_s": "one minute"})
    assert refused.status_code == 400
    assert "Write a moment of the film as minutes:seconds, for example 1:05." in refused.content.decode()
    assert 'value="one minute"' in refused.content.decode()
    assert MarkedPassage.objects.filter(entry=scene.entry).count() == 1
    stranger = Client()
    stranger.force_login(scene.juror)
    assert stranger.post(url, fields).status_code == 404


def test_the_jurors_player_gets_the_passages_and_who_to_talk_to(scene, proxy_provider):
    warning = ContentWarning.objects.get(contest=scene.contest, code="sexual_violence")
    contest_services.mark_passage(entry=scene.entry, by=scene.organiser, start_s=41, end_s=65, content_warning=warning)
    html = client_for(scene.juror).get(entry_url(scene), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-passages="passages-data" data-passage-notice="passage-notice"' in html
    data = html.split('<script id="passages-data" type="application/json">')[1].split("</script>")[0]
    assert json.loads(data) == [
        {"start": 41.0, "end": 65.0, "warning": "Sexual violence", "span": "0:41–1:05", "end_text": "1:05"}
    ]
    notice = html.split('id="passage-notice"')[1].split("</div>")[0]
    assert "Skip this passage" in notice and "Numéro national 3919" in notice
    assert "/static/js/passages" in html
