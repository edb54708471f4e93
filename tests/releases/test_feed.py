"""The Atom feed carries a team's words as text: a reader never runs markup from a synopsis or a title."""

import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.urls import reverse

from contest.models import Entry
from judging.models import Award

from .world import PRIZE, T1, build_world

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SYNOPSIS = 'Léa & Tom <script>alert(1)</script> <img src=x onerror="alert(2)"> &amp; «\u00a0silence\u00a0»'
TITLE = "<b>Sans</b> voix & <script>alert(3)</script>"


def _feed_entry(world):
    with time_machine.travel(world.at(T1, 1), tick=False):
        response = world.client("anonymous").get(reverse("releases:feed", kwargs={"contest_slug": world.contest.slug}))
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own response, in a test
    (entry,) = root.findall(f"{ATOM}entry")
    return response, entry


def test_the_feed_summary_and_title_are_text_equal_to_what_the_team_wrote():
    world = build_world("seed")
    Award.objects.filter(entry=world.entry).update(citation_en="", citation_fr="")
    Entry.objects.filter(pk=world.entry.pk).update(title=TITLE, synopsis_fr=SYNOPSIS, synopsis_en=SYNOPSIS)
    response, entry = _feed_entry(world)
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text"
    assert summary.text == SYNOPSIS
    title = entry.find(f"{ATOM}title")
    assert title.get("type") in (None, "text")
    assert title.text == f"{TITLE} — {PRIZE}"
    body = response.content.decode()
    assert "<script>" not in body and "<img" not in body
    assert 'type="html"' not in body


def test_the_feed_keeps_the_citation_before_the_synopsis_as_text():
    world = build_world("seed")
    Entry.objects.filter(pk=world.entry.pk).update(synopsis_en=SYNOPSIS, synopsis_fr="")
    _response, entry = _feed_entry(world)
    summary = entry.find(f"{ATOM}summary")
    assert (summary.get("type"), summary.text) == ("text", f"For a silence that says it all. {SYNOPSIS}")


def test_a_control_character_in_a_synopsis_does_not_break_the_feed():
    world = build_world("seed")
    Award.objects.filter(entry=world.entry).update(citation_en="", citation_fr="")
    Entry.objects.filter(pk=world.entry.pk).update(synopsis_en="Léa\x0bstops\x1f speaking.\tThen\nshe", synopsis_fr="")
    _response, entry = _feed_entry(world)
    assert entry.find(f"{ATOM}summary").text == "Léastops speaking.\tThen\nshe"
