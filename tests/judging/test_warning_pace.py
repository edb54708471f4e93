"""Care in assignment: a juror asks for at most N films with a given warning a day; their queue releases them at
that pace (the contest's days), and the organisers' round page says when the round's dates cannot fit it."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from contest.models import AuditEvent, ContentWarning, Entry
from judging.models import WarningPace
from tests.factories import EntryFactory

from .factories import assign
from .jury_http import client_for, entry_url

pytestmark = pytest.mark.django_db


def _films(scene, count):
    """`count` more submitted films with the scene's warning, assigned to its juror (codes after the scene's)."""
    warning = ContentWarning.objects.get(contest=scene.contest, code="sexual_violence")
    entries = []
    for number in range(count):
        entry = EntryFactory(
            team__contest=scene.contest, title=f"Film {number}", status=Entry.Status.SUBMITTED, film_accepted=True
        )
        entry.content_warnings.set([warning])
        assign(scene.round, scene.juror, entry)
        entries.append(entry)
    return warning, entries


def _set_pace(scene, warning, per_day):
    response = client_for(scene.juror).post(
        reverse("jury_set_pace", kwargs={"contest_slug": scene.contest.slug}),
        {"pace-warning": warning.pk, "pace-per_day": per_day},
    )
    assert response.status_code == 302


def _opened(scene, entry) -> int:
    response = client_for(scene.juror).get(entry_url(scene, code=entry.code))
    return response.status_code


def test_the_queue_releases_films_with_the_warning_at_the_jurors_pace_and_the_rest_the_next_day(scene):
    warning, others = _films(scene, 2)
    films = sorted([scene.entry, *others], key=lambda entry: entry.code)
    _set_pace(scene, warning, 2)
    event = AuditEvent.objects.get(verb="warning_pace_set")
    assert event.data == {"juror": scene.juror.pk, "warning": warning.pk, "per_day": 2}
    today = timezone.localtime(timezone.now(), scene.contest.tzinfo)
    morning = (today + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    queue_url = reverse("jury_queue", kwargs={"contest_slug": scene.contest.slug, "round_id": scene.round.pk})
    with time_machine.travel(morning, tick=False):
        html = client_for(scene.juror).get(queue_url).content.decode()
        assert html.count("opens tomorrow") == 1  # three films, two a day: the last in code order waits
        assert _opened(scene, films[0]) == 200 and _opened(scene, films[1]) == 200
        response = client_for(scene.juror).get(entry_url(scene, code=films[2].code))
        assert (response.status_code, response["Location"]) == (302, queue_url)
        assert client_for(scene.juror).get(entry_url(scene, "jury_screener", code=films[2].code)).status_code == 404
        assert _opened(scene, films[0]) == 200  # a film already opened stays open
    with time_machine.travel(morning.replace(hour=23, minute=59, second=59), tick=False):
        assert client_for(scene.juror).get(entry_url(scene, code=films[2].code)).status_code == 302
    with time_machine.travel(morning.replace(hour=23, minute=59, second=59) + timedelta(seconds=2), tick=False):
        assert _opened(scene, films[2]) == 200


def test_the_round_page_says_when_the_rounds_dates_cannot_fit_a_jurors_pace(scene):
    warning, _ = _films(scene, 4)  # five films with the warning for this juror
    WarningPace.objects.create(contest=scene.contest, juror=scene.juror, content_warning=warning, per_day=1)
    page = client_for(scene.organiser).get(
        reverse("judging_round", kwargs={"contest_slug": scene.contest.slug, "round_id": scene.round.pk}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "cannot keep it" not in page.content.decode()  # five films, eight days left: they fit
    scene.round.closes_at = timezone.now() + timedelta(days=2)
    scene.round.save()
    text = (
        client_for(scene.organiser)
        .get(
            reverse("judging_round", kwargs={"contest_slug": scene.contest.slug, "round_id": scene.round.pk}),
            HTTP_ACCEPT_LANGUAGE="en",
        )
        .content.decode()
        .replace("&#x27;", "'")
    )
    assert (
        f"{scene.juror.full_name} asked for the films with “Sexual violence” at a pace of at most 1 a day; this round "
        "cannot keep it (still to open: 5; days left: 3; days needed: 5)."
    ) in text


def test_a_pace_below_one_or_for_another_contests_warning_is_refused_and_nothing_changes(scene):
    warning = ContentWarning.objects.get(contest=scene.contest, code="sexual_violence")
    response = client_for(scene.juror).post(
        reverse("jury_set_pace", kwargs={"contest_slug": scene.contest.slug}),
        {"pace-warning": warning.pk, "pace-per_day": 0},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200  # the page again, the field marked
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    assert not WarningPace.objects.exists()
    assert (
        client_for(scene.organiser)
        .post(
            reverse("jury_set_pace", kwargs={"contest_slug": scene.contest.slug}),
            {"pace-warning": warning.pk, "pace-per_day": 2},
        )
        .status_code
        == 404
    )
