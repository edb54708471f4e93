"""After a prize is awarded, the awards page says that the palmarès shows it only once the announcement is scheduled,
links to where to schedule it, and gives the announcement's state to the second in the contest's time zone."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from contest.models import ContestRole, Entry
from judging.models import Award
from releases import services
from releases.models import Target
from tests.factories import ContestRoleFactory, EntryFactory, PrizeFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 12, 0, 0, tzinfo=UTC)
PUBLIC_AT = datetime(2027, 3, 11, 8, 0, 42, tzinfo=UTC)  # 09:00:42 in Paris
RULE = "The palmarès shows a prize only once the winning entry's announcement is scheduled for everyone"


def _award():
    entry = EntryFactory(status=Entry.Status.SUBMITTED, title="Sans voix")
    organiser = ContestRoleFactory(contest=entry.contest, role=ContestRole.Role.ORGANISER).user
    prize = PrizeFactory(contest=entry.contest, name_en="First prize")
    return entry, organiser, prize


def _state(body: str) -> str:
    return body.split('class="announcement-state"')[1].split("</p>")[0]


def _awards(client, entry) -> str:
    return client.get(reverse("judging_awards", kwargs={"contest_slug": entry.contest.slug})).content.decode()


def _palmares(entry) -> str:
    return Client().get(reverse("releases:palmares", kwargs={"contest_slug": entry.contest.slug})).content.decode()


def test_after_awarding_the_page_says_the_announcement_is_not_scheduled_and_links_to_schedule_it():
    with time_machine.travel(NOW, tick=False):
        entry, organiser, prize = _award()
        client = Client()
        client.force_login(organiser)
        response = client.post(
            reverse("judging_record_award", kwargs={"contest_slug": entry.contest.slug}),
            {"prize": prize.pk, "code": entry.code},
            follow=True,
        )
        body = response.content.decode()
        assert Award.objects.filter(prize=prize, entry=entry).exists()
        assert RULE in body
        state = _state(body)
        assert 'data-announcement="not_scheduled"' in body
        assert "Announcement not scheduled: the palmarès does not show this prize." in state
        calendar = reverse("releases:organiser_calendar", kwargs={"contest_slug": entry.contest.slug})
        link = f"{calendar}?entry={entry.public_id}#prepare"
        assert f'<a href="{link}">Schedule the announcement</a>' in state
        assert "First prize" not in _palmares(entry)
        # The link offers this entry first in the form that prepares its release; a malformed id offers none.
        prepared = client.get(link.split("#")[0]).content.decode()
        assert f'<option value="{entry.pk}" selected>Sans voix</option>' in prepared
        assert client.get(f"{calendar}?entry=nonsense").status_code == 200

        # A release prepared, its announcement not yet for everyone: the link goes to the entry's release page.
        release = services.ensure_release(entry=entry, by=organiser)
        services.add_step(release=release, target=Target.ANNOUNCEMENT, at=NOW, audiences={"jury"}, by=organiser)
        page = reverse(
            "releases:organiser_release", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id}
        )
        state = _state(_awards(client, entry))
        assert "Announcement not scheduled" in state
        assert f'<a href="{page}">Schedule the announcement</a>' in state


def test_the_awards_page_gives_the_announcement_time_to_the_second_then_says_since_when_it_is_public():
    with time_machine.travel(NOW, tick=False):
        entry, organiser, prize = _award()
        Award.objects.create(contest=entry.contest, prize=prize, entry=entry)
        release = services.ensure_release(entry=entry, by=organiser)
        services.add_step(
            release=release, target=Target.ANNOUNCEMENT, at=PUBLIC_AT, audiences={"jury", "public"}, by=organiser
        )
        client = Client()
        client.force_login(organiser)
        state = _state(_awards(client, entry))
        assert (
            "Announcement scheduled for March 11, 2027 at 09:00:42 (Europe/Paris): the palmarès shows this prize "
            "from that second." in " ".join(state.split())
        )
    with time_machine.travel(PUBLIC_AT - timedelta(seconds=1), tick=False):
        assert "First prize" not in _palmares(entry)
        client = Client()  # sessions last 12 hours
        client.force_login(organiser)
        assert 'data-announcement="scheduled"' in _awards(client, entry)
    with time_machine.travel(PUBLIC_AT, tick=False):
        assert "First prize" in _palmares(entry)
        client = Client()
        client.force_login(organiser)
        state = _state(_awards(client, entry))
        assert (
            "Announcement public since March 11, 2027 at 09:00:42 (Europe/Paris): the palmarès shows this prize."
            in " ".join(state.split())
        )
        assert "Schedule the announcement" not in state
