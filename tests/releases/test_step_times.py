"""Organiser pages show each release step to the second it takes effect, in the contest's time zone, and say which
step is in force now, which were replaced and which are to come (not "in force or past")."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from contest.models import ContestRole, Entry
from releases import services
from releases.models import Target
from tests.factories import ContestRoleFactory, EntryFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 12, 0, 0, tzinfo=UTC)


def _setup():
    entry = EntryFactory(status=Entry.Status.SUBMITTED, title="Sans voix")
    organiser = ContestRoleFactory(contest=entry.contest, role=ContestRole.Role.ORGANISER).user
    release = services.ensure_release(entry=entry, by=organiser)
    plan = [
        (Target.ANNOUNCEMENT, datetime(2027, 3, 8, 9, 15, 7, tzinfo=UTC), {"jury"}),
        (Target.ANNOUNCEMENT, datetime(2027, 3, 9, 17, 30, 59, tzinfo=UTC), {"jury", "public"}),
        (Target.ANNOUNCEMENT, datetime(2027, 3, 11, 8, 0, 42, tzinfo=UTC), {"team"}),
        (Target.FILM, datetime(2027, 3, 9, 6, 5, 3, tzinfo=UTC), {"jury"}),
    ]
    steps = [services.add_step(release=release, target=t, at=at, audiences=a, by=organiser) for t, at, a in plan]
    cancelled = services.add_step(
        release=release,
        target=Target.FILM,
        at=datetime(2027, 3, 12, 0, 0, 1, tzinfo=UTC),
        audiences={"jury"},
        by=organiser,
    )
    services.cancel_step(step=cancelled, by=organiser)
    client = Client()
    client.force_login(organiser)
    return entry, client, steps + [cancelled]


def _rows(body: str, table: str) -> list[tuple[str, str, str]]:
    """(time, target, state) of each row of the table, tags stripped."""
    section = body[body.index(f'id="{table}"') :].split("</table>")[0]
    rows = []
    for row in section.split("<tr")[2:]:
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in row.split("<td")[1:]]
        cells = [cell.split(">", 1)[1].strip() if ">" in cell else cell for cell in cells]
        state = re.search(r'data-step-state="([a-z_]+)"', row).group(1)
        rows.append((cells[0], state))
    return rows


@time_machine.travel(NOW, tick=False)
def test_calendar_shows_each_step_to_the_second_and_says_which_is_in_force_now():
    entry, client, _ = _setup()
    response = client.get(reverse("releases:organiser_calendar", kwargs={"contest_slug": entry.contest.slug}))
    body = response.content.decode()
    assert response.status_code == 200
    # Europe/Paris is UTC+1 in March before the 28th.
    assert _rows(body, "calendar") == [
        ("March 8, 2027 at 10:15:07", "past"),
        ("March 9, 2027 at 07:05:03", "in_force"),
        ("March 9, 2027 at 18:30:59", "in_force"),
        ("March 11, 2027 at 09:00:42", "upcoming"),
        ("March 12, 2027 at 01:00:01", "cancelled"),
    ]
    assert body.count("in force now") == 2
    assert body.count("past: replaced by a later step") == 1
    assert body.count(">upcoming<") == 1
    assert "in force or past" not in body


@time_machine.travel(NOW, tick=False)
def test_release_page_shows_each_step_to_the_second_and_its_state():
    entry, client, _ = _setup()
    kwargs = {"contest_slug": entry.contest.slug, "public_id": entry.public_id}
    body = client.get(reverse("releases:organiser_release", kwargs=kwargs)).content.decode()
    assert _rows(body, "steps") == [
        ("March 8, 2027 at 10:15:07", "past"),
        ("March 9, 2027 at 07:05:03", "in_force"),
        ("March 9, 2027 at 18:30:59", "in_force"),
        ("March 11, 2027 at 09:00:42", "upcoming"),
        ("March 12, 2027 at 01:00:01", "cancelled"),
    ]
    # Only a step still to come can be cancelled.
    cancel_step = reverse("releases:organiser_release_cancel_step", kwargs=kwargs)
    assert body.count(f'action="{cancel_step}"') == 1


@time_machine.travel(NOW, tick=False)
def test_french_calendar_names_the_step_in_force(settings):
    settings.LANGUAGE_CODE = "fr"
    entry, client, _ = _setup()
    body = client.get(reverse("releases:organiser_calendar", kwargs={"contest_slug": entry.contest.slug})).content
    body = body.decode()
    assert "en vigueur ou passée" not in body
    assert "10:15:07" in body and "18:30:59" in body
