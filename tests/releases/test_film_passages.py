"""The public film page's player gets the passages the team marked, with the notice's words and who to talk to."""

import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from contest import services as contest_services
from contest.models import ContentWarning, SupportResource

from .world import T2, build_world

pytestmark = pytest.mark.django_db


def test_the_public_player_warns_before_each_marked_passage():
    world = build_world("seed")
    warning = ContentWarning.objects.get(contest=world.contest)
    SupportResource.objects.create(contest=world.contest, name="Numéro national 3919", phone="3919")
    contest_services.mark_passage(
        entry=world.entry, by=world.users["own_team"], start_s=12, end_s=30.5, content_warning=warning
    )
    with time_machine.travel(world.at(T2, 1), tick=False):
        html = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("releases:film", kwargs=world.kwargs)).content.decode()
    assert 'data-passages="passages-data" data-passage-notice="passage-notice"' in html
    data = html.split('<script id="passages-data" type="application/json">')[1].split("</script>")[0]
    assert json.loads(data) == [
        {"start": 12.0, "end": 30.5, "warning": "Sexual violence", "span": "0:12–0:30", "end_text": "0:30"}
    ]
    notice = html.split('id="passage-notice"')[1].split("</div>")[0]
    assert "Skip this passage" in notice and "3919" in notice
    assert "/static/js/passages" in html
