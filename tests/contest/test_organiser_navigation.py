"""Every organiser page of a contest is reachable from the dashboard by links, and every one links back to it."""

import re
from collections import deque

import pytest
from django.test import Client
from django.urls import resolve, reverse

from contest.models import ContestRole, Entry
from judging.models import Award
from releases import services
from tests.factories import ContestRoleFactory, EntryFactory, PrizeFactory
from tests.judging.factories import CriterionFactory, RoundFactory

pytestmark = pytest.mark.django_db

ORGANISER_PAGES = {
    "organiser_dashboard",
    "organiser_entry",
    "organiser_edits",
    "media_pipeline:pipeline",
    "judging_dashboard",
    "judging_round",
    "judging_results",
    "judging_awards",
    "releases:organiser_calendar",
    "releases:organiser_preview",
    "releases:organiser_community",
    "releases:organiser_release",
    "personal_data",
}


def test_every_organiser_page_is_reached_from_the_dashboard_and_links_back_to_it():
    entry = EntryFactory(status=Entry.Status.SUBMITTED, film_accepted=True)
    contest = entry.contest
    organiser = ContestRoleFactory(contest=contest, role=ContestRole.Role.ORGANISER).user
    CriterionFactory(round=RoundFactory(contest=contest))
    Award.objects.create(contest=contest, prize=PrizeFactory(contest=contest), entry=entry)
    services.ensure_release(entry=entry, by=organiser)
    client = Client()
    client.force_login(organiser)
    dashboard = reverse("organiser_dashboard", kwargs={"contest_slug": contest.slug})
    prefix = f"/c/{contest.slug}/organiser/"

    reached, missing_way_back = {}, []
    queue = deque([dashboard])
    seen = {dashboard}
    while queue:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        reached[resolve(url).view_name] = url
        if f'href="{dashboard}"' not in body:
            missing_way_back.append(url)
        for href in re.findall(r'href="([^"#?]+)"', body):
            if href.startswith(prefix) and href.endswith("/") and href not in seen:
                seen.add(href)
                queue.append(href)
    assert ORGANISER_PAGES - set(reached) == set()
    assert missing_way_back == []


def test_the_dashboard_links_to_judging_awards_and_the_release_calendar():
    contest = RoundFactory().contest
    organiser = ContestRoleFactory(contest=contest, role=ContestRole.Role.ORGANISER).user
    client = Client()
    client.force_login(organiser)
    body = client.get(reverse("organiser_dashboard", kwargs={"contest_slug": contest.slug})).content.decode()
    slug = {"contest_slug": contest.slug}
    for name in ("judging_dashboard", "judging_awards", "releases:organiser_calendar", "media_pipeline:pipeline"):
        assert f'href="{reverse(name, kwargs=slug)}"' in body, name
    assert body.count('aria-current="page"') == 1
    assert f'<a href="{reverse("organiser_dashboard", kwargs=slug)}" aria-current="page">Dashboard</a>' in body
