"""The demo's screeners: once the worker has made « Sans voix » ready, its screener is marked, juror1's player
opens a session of their own, and `trace_leak` on a copy of what that session was served names juror1."""

import json
import re

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from contest.models import Entry
from demo.services import load_demo
from judging.models import Assignment
from media_pipeline import delivery, screeners
from media_pipeline.demo import process_now
from media_pipeline.models import Screener, ViewingSession
from media_pipeline.selectors import current_film

pytestmark = pytest.mark.django_db


def test_juror1s_screener_of_sans_voix_is_marked_and_a_copy_of_it_names_juror1(tmp_path, capsys):
    contest = load_demo()
    entry = Entry.objects.get(contest=contest, title="Sans voix")
    film = current_film(entry)
    assert process_now(film.pk) == "ready"
    assert Screener.objects.get(film=film).state == "queued"  # queued for the worker once the film was ready
    assert screeners.make(film.pk) == "ready"
    assert Screener.objects.get(film=film).marked

    juror1 = User.objects.get(email="juror1@example.org")
    assignment = Assignment.objects.filter(juror=juror1, entry=entry).order_by("-round__order").first()
    client = Client()
    client.force_login(juror1)
    opener = reverse(
        "jury_screener",
        kwargs={"contest_slug": contest.slug, "round_id": assignment.round_id, "code": entry.code},
    )
    base = client.get(opener)["Location"].removesuffix("index.m3u8")
    lines = re.findall(r"^/screen/.+/(\d+)\.m3u8$", client.get(f"{base}index.m3u8").content.decode(), re.M)[0]
    playlist = client.get(f"{base}{lines}.m3u8").content.decode()
    with open(tmp_path / "copy.ts", "wb") as copy:
        for address in re.findall(r"^/screen/.+\.ts$", playlist, re.M):
            stored = delivery.read_media_token(client.get(address)["Location"].rstrip("/").rsplit("/", 1)[1])["k"]
            copy.write(default_storage.open(stored).read())
    assert ViewingSession.objects.get().user == juror1

    with pytest.raises(SystemExit) as exit_:
        call_command("trace_leak", str(tmp_path / "copy.ts"), "--json")
    said = json.loads(capsys.readouterr().out)
    assert exit_.value.code == 0, said
    assert said["viewer"] == {"kind": "juror", "email": "juror1@example.org", "label": None}
    assert said["film"]["title"] == "Sans voix"
